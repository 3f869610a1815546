"""``liaison match_all [--new] [--threshold T]``: match every person held here against the
other side of the border (after imports, ``liaison seed`` or installing screening), raising
alerts for analysts. Idempotent: existing alerts and decisions are kept."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from liaison.core.commands import BadInput
from liaison.core.progress import progress
from liaison.matching import DEFAULT_THRESHOLD
from liaison.screening import services


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = (
        "Match all persons held on this node against the other side (local persons against "
        "received persons and wanted notices, received persons against local wanted notices) "
        "and raise alerts. Prints a JSON summary."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--new", action="store_true", help="only persons added since the last run"
        )
        parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)

    def handle(self, *args: Any, **options: Any) -> None:
        threshold = options["threshold"]
        if not 0 < threshold <= 1:
            raise BadInput(f"--threshold: must be in (0, 1], not {threshold}")
        bars: dict[str, Any] = {}
        with progress("matching", None) as bar:

            def on_progress(label: str, total: int | None) -> None:
                if total is not None:
                    bars["label"] = label
                    bar.update(total=total, description=label)
                    return
                bar.advance()

            # One bar reused per pass (its total is reset at the start of each pass).
            result = services.match_all(
                only_new=options["new"], threshold=threshold, on_progress=on_progress
            )
        sys.stdout.write(json.dumps(result.as_dict()) + "\n")
