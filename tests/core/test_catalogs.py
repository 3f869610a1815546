"""Vietnamese, Lao and English catalogs are complete and match the source's strings."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2] / "liaison"
APPS = sorted(p.parent.name for p in ROOT.glob("*/locale"))


def _catalog(path: Path):  # type: ignore[no-untyped-def]
    with path.open("rb") as fh:
        return read_po(fh)


def _msgids(path: Path) -> set[str]:
    """The messages of a catalog (a plural message by its singular)."""
    return {m.id if isinstance(m.id, str) else m.id[0] for m in _catalog(path) if m.id}


def test_every_app_with_text_has_catalogs() -> None:
    assert {"core", "web"} <= set(APPS)
    for app in APPS:
        for lang in ("vi", "lo", "en"):
            assert (ROOT / app / "locale" / lang / "LC_MESSAGES" / "django.po").exists(), (
                app,
                lang,
            )


@pytest.mark.parametrize("app", APPS)
@pytest.mark.parametrize("lang", ["vi", "lo"])
def test_every_message_is_translated(app: str, lang: str) -> None:
    catalog = _catalog(ROOT / app / "locale" / lang / "LC_MESSAGES" / "django.po")
    untranslated = [
        m.id
        for m in catalog
        if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)))
    ]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not untranslated, f"{app}/{lang}: untranslated {untranslated[:10]}"
    assert not fuzzy, f"{app}/{lang}: fuzzy {fuzzy[:10]}"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext is installed by make test")
@pytest.mark.parametrize("app", APPS)
def test_catalog_holds_every_string_of_the_source(app: str, tmp_path: Path) -> None:
    copy = tmp_path / app
    shutil.copytree(ROOT / app, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "vi", "--no-obsolete"],
        cwd=copy,
        check=True,
        capture_output=True,
        env={
            "DJANGO_SETTINGS_MODULE": "liaison.settings",
            "LIAISON_HOME": str(tmp_path / "h"),
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(ROOT.parent),
        },
    )
    extracted = _msgids(copy / "locale/vi/LC_MESSAGES/django.po")
    committed = _msgids(ROOT / app / "locale/vi/LC_MESSAGES/django.po")
    missing = sorted(extracted - committed)
    assert not missing, f"{app}: strings not in the catalog (run makemessages): {missing[:10]}"
