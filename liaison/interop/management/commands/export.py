from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from liaison.core.audit import Actor
from liaison.core.commands import BadInput, Failure
from liaison.exchange.models import Peer
from liaison.interop import services


def _since(text: str) -> dt.datetime:
    """A date (midnight UTC) or an ISO 8601 date and time (UTC unless it says otherwise)."""
    try:
        if len(text) == 10:
            return dt.datetime.combine(dt.date.fromisoformat(text), dt.time(), dt.UTC)
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise BadInput(f"--since {text!r}: use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ") from exc
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


class Command(BaseCommand):
    help = "Export what is released to a peer: `liaison export stix --peer PEER --out FILE`."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("format", choices=["stix"], help="stix: a STIX 2.1 bundle")
        parser.add_argument("--peer", required=True)
        parser.add_argument(
            "--since", help="only objects added or changed since (YYYY-MM-DD or a UTC time)"
        )
        parser.add_argument("--out", required=True, help="file to write (- for stdout)")

    def handle(self, *args: Any, **options: Any) -> None:
        peer = Peer.objects.filter(name=options["peer"]).first()
        if peer is None:
            raise BadInput(f"--peer {options['peer']!r}: no such peer (see `liaison peer list`)")
        since = _since(options["since"]) if options["since"] else None
        actor = Actor.system("cli")
        if options["out"] == "-":
            services.export_bundle(peer, self.stdout, since=since, actor=actor)
            return
        path = Path(options["out"])
        tmp = path.with_name(path.name + ".part")
        try:
            with tmp.open("w", encoding="utf-8") as out:
                count = services.export_bundle(peer, out, since=since, actor=actor)
            tmp.replace(path)
        except OSError as exc:
            raise Failure(f"{path}: {exc.strerror}") from exc
        self.stdout.write(f"Wrote {count} STIX objects for {peer.name} to {path}")
