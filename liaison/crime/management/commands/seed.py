"""``liaison seed --cases N [--years Y] [--seed S]``: synthetic national records."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from liaison.core.commands import BadInput
from liaison.crime.synthetic import generate


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # fast start; `liaison serve` runs the checks
    help = (
        "Write synthetic, realistic national drug-crime records for this node's country "
        "(deterministic for a given seed)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cases", type=int, required=True, help="number of cases")
        parser.add_argument("--years", type=int, default=3, help="years back from last month")
        parser.add_argument("--seed", type=int, default=1, help="random seed")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["cases"] < 1 or options["years"] < 1:
            raise BadInput("--cases and --years must be at least 1")
        try:
            counts = generate(options["cases"], options["years"], options["seed"])
        except ValueError as exc:
            raise BadInput(str(exc)) from exc
        sys.stdout.write(json.dumps(counts) + "\n")
