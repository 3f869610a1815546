from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandParser

from liaison.core.commands import BadInput, Failure
from liaison.exchange.bundle import BundleError, export_bundle, import_bundle
from liaison.exchange.services.peers import get_peer


class Command(BaseCommand):
    help = "Offline exchange: write a peer's signed envelopes to a file, or apply such a file."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="write the envelopes released to a peer")
        export.add_argument("--peer", required=True)
        export.add_argument("file")
        imp = sub.add_parser("import", help="apply a bundle made by a peer")
        imp.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if options["action"] == "export":
            try:
                peer = get_peer(options["peer"])
            except ValidationError as exc:
                raise BadInput(f"--peer {options['peer']!r}: no such peer") from exc
            tmp = path.with_name(path.name + ".part")
            try:
                with tmp.open("wb") as out:
                    count = export_bundle(peer, out)
                tmp.replace(path)
            except OSError as exc:
                raise Failure(f"{path}: {exc.strerror}") from exc
            self.stdout.write(f"Wrote {count} envelopes for {peer.name} to {path}")
            return
        try:
            result = import_bundle(path)
        except BundleError as exc:
            raise BadInput(str(exc)) from exc
        self.stdout.write(f"{path}: {result.summary()}")
        for reason, detail in result.rejected[:10]:
            self.stderr.write(f"refused: {reason}: {detail}")
