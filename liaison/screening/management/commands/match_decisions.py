"""``liaison match_decisions --out FILE.csv [--all]``: analysts' decisions on match alerts
(confirmed / dismissed, with both sides as matched) as CSV, for tuning the scorer."""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from liaison.core.commands import Failure
from liaison.screening import services


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = "Export decided match alerts (labelled pairs) as UTF-8 CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, help="CSV file to write ('-' for stdout)")
        parser.add_argument("--all", action="store_true", help="include open alerts too")

    def handle(self, *args: Any, **options: Any) -> None:
        out = options["out"]
        if out == "-":
            count = self._write(sys.stdout, options["all"])
            return
        try:
            with Path(out).open("w", newline="", encoding="utf-8") as fh:
                count = self._write(fh, options["all"])
        except OSError as exc:
            raise Failure(f"{out}: cannot write ({exc.strerror})") from exc
        sys.stderr.write(f"{count} decisions written to {out}\n")

    @staticmethod
    def _write(fh: Any, include_open: bool) -> int:
        writer = csv.writer(fh)
        writer.writerow(services.DECISION_COLUMNS)
        count = 0
        for row in services.decision_rows(include_open=include_open):
            writer.writerow(row)
            count += 1
        return count
