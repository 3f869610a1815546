"""``liaison tallies --check | --rebuild``: the counts behind the statistics.

``--check`` counts every case, person and seizure again and compares with the tallies the
services keep (exit 1 on any difference); ``--rebuild`` replaces the tallies with that count
(after records were written outside the services, e.g. straight into the database)."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from liaison.core import audit
from liaison.core.audit import Actor
from liaison.core.commands import BadInput, Failure
from liaison.crime import tallies


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = "Check the statistics tallies against the records, or count them again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="compare with the records")
        parser.add_argument("--rebuild", action="store_true", help="count every record again")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["check"] == options["rebuild"]:
            raise BadInput("give one of --check and --rebuild")
        if options["rebuild"]:
            with transaction.atomic():
                cells = tallies.rebuild()
                audit.record(
                    "crime.tallies_rebuilt",
                    actor=Actor.system("crime"),
                    object_kind="crime.tally",
                    object_id="all",
                    cells=cells,
                )
            sys.stdout.write(json.dumps({"cells": cells}) + "\n")
            return
        wrong = tallies.differences()
        sys.stdout.write(json.dumps({"differences": len(wrong), "examples": wrong[:10]}) + "\n")
        if wrong:
            raise Failure(f"{len(wrong)} tally cells differ from the records")
