from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from liaison.core.commands import Failure
from liaison.exchange import sync


class Command(BaseCommand):
    help = "Exchange with every peer: pull released records, send receipts and pings."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--once", action="store_true", help="one round with every peer, then exit"
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=sync.POLL_INTERVAL,
            help="seconds between pulls when no ping arrives",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["once"]:
            results = sync.run_once()
            for result in results:
                self.stdout.write(result.line())
            failed = [r for r in results if not r.ok]
            if failed:
                raise Failure(f"{len(failed)} of {len(results)} peers could not be reached")
            return
        sync.Worker(poll_interval=options["interval"]).run()
