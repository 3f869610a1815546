from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from liaison.cooperation.services.hotline import hotline_report
from liaison.core.commands import BadInput


def _date(text: str, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise BadInput(f"{name}: {text!r} is not a date (YYYY-MM-DD)") from exc


class Command(BaseCommand):
    help = "Hotline messages sent and received in a period, with median time to acknowledge."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="start", help="first day (default: 30 days ago)")
        parser.add_argument("--to", dest="end", help="last day (default: today)")

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        end = _date(options["end"], "--to") if options["end"] else today
        start = (
            _date(options["start"], "--from") if options["start"] else end - dt.timedelta(days=30)
        )
        if start > end:
            raise BadInput("--from is after --to")
        self.stdout.write(json.dumps(hotline_report(start, end), ensure_ascii=False))
