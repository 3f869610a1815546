from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from liaison.core import audit
from liaison.core.commands import Failure
from liaison.core.node import NodeNotInitialised


class Command(BaseCommand):
    help = "Check the audit log's hash chain."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            count, problem = audit.verify()
        except NodeNotInitialised as exc:
            raise Failure(str(exc)) from exc
        if problem is not None:
            raise Failure(f"audit chain broken at {problem} ({count} entries intact before it)")
        signed = audit.signed_head()
        anchored = f", signed head at entry {signed.seq}" if signed is not None else ""
        self.stdout.write(f"audit chain intact: {count} entries{anchored}")
