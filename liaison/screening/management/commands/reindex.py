"""``liaison reindex``: rebuild the stored search keys of every person and wanted notice (for
data written before the keys existed, or after the matcher's key recipe changed). Search
keeps answering meanwhile, from what is filled so far."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand

from liaison.core.progress import progress
from liaison.screening import keys


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = (
        "Rebuild the search keys of all persons and wanted notices held here. "
        "Prints a JSON summary."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        with progress("indexing", None) as bar:

            def on_progress(label: str, amount: int | None) -> None:
                if label:
                    bar.update(total=amount, description=label)
                elif amount:
                    bar.advance(amount)

            counts = keys.rebuild(on_progress=on_progress)
        sys.stdout.write(json.dumps({"keys_version": keys.KEYS_VERSION, **counts}) + "\n")
