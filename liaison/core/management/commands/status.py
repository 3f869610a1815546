from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from liaison.core.commands import Failure
from liaison.core.node import NodeNotInitialised
from liaison.core.status import node_status


class Command(BaseCommand):
    help = "Show this node, its peers and record counts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            status = node_status()
        except NodeNotInitialised as exc:
            raise Failure(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(status, ensure_ascii=False, indent=2, default=str))
            return
        n = status["node"]
        self.stdout.write(f"node {n['id']} ({n['country']}) {n['name']}")
        self.stdout.write(f"  url:         {n['url'] or '-'}")
        self.stdout.write(f"  fingerprint: {n['fingerprint']}")
        w = status["sync_worker"]
        self.stdout.write(
            f"  sync worker: {w['state']}"
            + (f" (pid {w['pid']})" if w.get("running") else "")
            + f", restarts {w.get('restarts', 0)}, last error {w.get('last_error') or '-'}"
        )
        peers = status.get("peers", [])
        self.stdout.write("peers:" if peers else "peers: none")
        for p in peers:
            self.stdout.write(
                f"  {p['name']:<10} {p['url']:<30} last contact {p['last_contact'] or 'never'}"
                f"  backlog {p['backlog']}  last error {p['last_error'] or '-'}"
            )
        held = {kind: by for kind, by in status["records"].items() if by}
        self.stdout.write("records:" if held else "records: none")
        for kind, by_origin in sorted(held.items()):
            counts = ", ".join(f"{c}: {n}" for c, n in sorted(by_origin.items()))
            self.stdout.write(f"  {kind:<22} {counts}")
