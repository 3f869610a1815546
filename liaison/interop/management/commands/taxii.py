from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from liaison.core.audit import Actor
from liaison.core.commands import BadInput
from liaison.exchange.models import Peer
from liaison.interop import services
from liaison.interop.models import TaxiiReader


def _peer(name: str) -> Peer:
    peer = Peer.objects.filter(name=name).first()
    if peer is None:
        raise BadInput(f"peer {name!r}: no such peer (see `liaison peer list`)")
    return peer


class Command(BaseCommand):
    help = "TAXII readers: bearer tokens that read what is released to one peer."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        token = sub.add_parser("token", help="create a reader bound to PEER and print its token")
        token.add_argument("peer")
        token.add_argument("--label", default="", help="who the token is for")
        sub.add_parser("list", help="list the readers")
        revoke = sub.add_parser("revoke", help="revoke a reader (by the prefix `list` shows)")
        revoke.add_argument("prefix")
        refresh = sub.add_parser("refresh", help="bring the collections up to date now")
        refresh.add_argument("peer", nargs="?")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        actor = Actor.system("cli")
        if action == "token":
            peer = _peer(options["peer"])
            if not peer.is_active:
                raise BadInput(f"peer {peer.name!r} is not active")
            self.stdout.write(services.create_reader(peer, label=options["label"], actor=actor))
        elif action == "list":
            for each in TaxiiReader.objects.select_related("peer"):
                state = "revoked" if each.revoked_at else "active"
                used = each.last_used_at.isoformat() if each.last_used_at else "never used"
                self.stdout.write(f"{each.prefix}  {each.peer.name}  {state}  {used}  {each.label}")
        elif action == "revoke":
            reader = TaxiiReader.objects.filter(prefix=options["prefix"]).first()
            if reader is None:
                raise BadInput(f"no TAXII reader {options['prefix']!r} (see `liaison taxii list`)")
            services.revoke_reader(reader, actor=actor)
            self.stdout.write(f"Revoked {reader.prefix} ({reader.peer.name})")
        else:
            peers = [_peer(options["peer"])] if options["peer"] else list(Peer.objects.all())
            for peer in peers:
                collection = services.refresh(peer)
                count = collection.stix_objects.count()
                self.stdout.write(f"{peer.name}: {count} objects ({collection.collection_id})")
