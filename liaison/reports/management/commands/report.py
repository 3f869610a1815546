"""``liaison report --from D --to D [--border-provinces] [--province CODE …] --format …``."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from liaison.core.commands import BadInput
from liaison.core.countries import is_country
from liaison.core.gazetteer import GazetteerError
from liaison.crime.taxonomy import DEFAULT_TABLE
from liaison.reports import stats
from liaison.reports.briefing import LANGS


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise BadInput(f"not a date (YYYY-MM-DD): {text!r}") from exc


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # fast start; `liaison serve` runs the checks
    help = "Statistics for a period and a set of provinces (json, md, xlsx or pdf)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="start", required=True, metavar="YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, metavar="YYYY-MM-DD")
        parser.add_argument(
            "--border-provinces",
            action="store_true",
            help="provinces facing a partner country that were valid in the period",
        )
        parser.add_argument(
            "--partner",
            metavar="COUNTRY",
            help="with --border-provinces: only those facing this country (ISO 3166-1 alpha-2; "
            "default: every country this node works with)",
        )
        parser.add_argument(
            "--province",
            action="extend",
            nargs="+",
            default=[],
            metavar="CODE",
            help="ISO 3166-2 or statistics code (VN-22, VN:44, LA-XI); repeatable",
        )
        parser.add_argument("--format", choices=["json", "md", "xlsx", "pdf"], default="json")
        parser.add_argument("--lang", choices=LANGS, default="en")
        parser.add_argument("--out", metavar="FILE", help="write here instead of stdout")
        parser.add_argument(
            "--table",
            default=DEFAULT_TABLE,
            help="conversion table: lao-mps-2024 (0.1 g a tablet, default) or unodc-2024",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        start, end = _date(options["start"]), _date(options["end"])
        if end < start:
            raise BadInput(f"--to {end} is before --from {start}")
        fmt = options["format"]
        if fmt in {"xlsx", "pdf"} and not options.get("out"):
            raise BadInput(f"--format {fmt} needs --out FILE")
        partner = options.get("partner")
        if partner and not is_country(partner):
            raise BadInput(f"--partner: not an ISO 3166-1 alpha-2 country code: {partner!r}")
        try:
            selection = stats.select(
                start,
                end,
                options["province"],
                border=options["border_provinces"],
                partner=partner,
            )
            data = stats.compute(selection, options["table"])
        except GazetteerError as exc:
            raise BadInput(f"--province: {exc}") from exc
        except ValueError as exc:
            raise BadInput(str(exc)) from exc
        if fmt == "json":
            output: bytes = (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode()
        else:
            from liaison.reports.render import render as render_report

            output = render_report(data, fmt, options["lang"])
        if options.get("out"):
            Path(options["out"]).write_bytes(output)
        else:
            sys.stdout.buffer.write(output)
            sys.stdout.flush()
