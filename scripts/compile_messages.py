"""Compile every app's .po catalogs to .mo with Babel (no system gettext needed)."""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent / "liaison"


def main() -> int:
    count = 0
    for po_path in sorted(ROOT.glob("*/locale/*/LC_MESSAGES/*.po")):
        locale = po_path.parent.parent.name
        with po_path.open("rb") as fh:
            catalog = read_po(fh, locale=locale)
        with po_path.with_suffix(".mo").open("wb") as fh:
            write_mo(fh, catalog)
        count += 1
    print(f"compiled {count} catalogs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
