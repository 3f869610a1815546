from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandParser

from liaison.core.audit import Actor
from liaison.core.commands import BadInput, Failure
from liaison.exchange.client import PeerUnreachable, fetch_identity
from liaison.exchange.models import Peer
from liaison.exchange.services.peers import (
    PeerError,
    add_peer,
    check_identity,
    get_peer,
    peer_status,
    remove_peer,
    revoke_key,
    this_node,
)


class Command(BaseCommand):
    help = (
        "Partner nodes: add (checking the fingerprint read over the hotline), list, remove, "
        "revoke one of a partner's keys."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="peer with the node at URL")
        add.add_argument("name", help="short name, e.g. LA")
        add.add_argument("url", help="the partner's address, e.g. https://liaison.mps.gov.la")
        add.add_argument(
            "--fingerprint",
            required=True,
            help="the partner's key fingerprint, confirmed out of band",
        )
        sub.add_parser("list", help="list partner nodes and this node's fingerprint")
        remove = sub.add_parser("remove", help="stop exchanging with a partner")
        remove.add_argument("name")
        revoke = sub.add_parser(
            "revoke-key",
            help="never trust this key of a partner again (requests, envelopes, receipts)",
        )
        revoke.add_argument("name", help="the partner, e.g. LA")
        revoke.add_argument("key", help="the key's fingerprint or key id (at least 16 hex digits)")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "add":
            self.add(options["name"], options["url"], options["fingerprint"])
        elif action == "list":
            self.list()
        elif action == "revoke-key":
            self.revoke(options["name"], options["key"])
        else:
            try:
                peer = get_peer(options["name"])
            except ValidationError as exc:
                raise BadInput(" ".join(exc.messages)) from exc
            remove_peer(peer, actor=Actor.system("cli"))
            self.stdout.write(
                f"Removed peer {peer.name} ({peer.node_id}); its requests are refused from now on."
            )

    def revoke(self, name: str, key: str) -> None:
        try:
            peer = get_peer(name)
            fingerprint = revoke_key(peer, key, actor=Actor.system("cli"))
        except ValidationError as exc:
            raise BadInput(" ".join(exc.messages)) from exc
        self.stdout.write(
            f"Revoked key {fingerprint} of {peer.name}: anything signed with it is refused "
            "from now on."
        )
        if peer.fingerprint == fingerprint:
            self.stdout.write(
                f"  That was {peer.name}'s current key: nothing from {peer.name} is accepted "
                "until it is peered again with a new key (liaison peer add)."
            )

    def add(self, name: str, url: str, fingerprint: str) -> None:
        if not url.startswith(("http://", "https://")):
            raise BadInput(f"URL {url!r} must start with http:// or https://")
        try:
            identity = fetch_identity(url)
        except PeerUnreachable as exc:
            raise Failure(str(exc)) from exc
        try:
            identity = check_identity(identity, fingerprint)
            peer = add_peer(name, url, identity, actor=Actor.system("cli"))
        except PeerError as exc:
            raise BadInput(str(exc)) from exc
        except ValidationError as exc:
            raise BadInput(" ".join(exc.messages)) from exc
        self.stdout.write(
            f"Peered with {peer.name}: node {peer.node_id} ({peer.country}) at {peer.url}\n"
            f"  fingerprint {peer.fingerprint}"
        )

    def list(self) -> None:
        me = this_node()
        self.stdout.write(f"This node: {me.id} ({me.country}) {me.url}")
        self.stdout.write(f"  fingerprint {me.fingerprint}")
        rows = peer_status()
        if not rows:
            self.stdout.write("No peers.")
        for row in rows:
            peer = Peer.objects.get(name=row["name"])
            self.stdout.write(
                f"{row['name']:<8} {row['status']:<8} {row['node_id']} ({row['country']}) {row['url']}\n"
                f"         fingerprint {peer.fingerprint}\n"
                f"         last contact {row['last_contact'] or '-'}, backlog {row['backlog']}, "
                f"received {row['received']}, refused {sum(row['rejected'].values())}"
                + (f"\n         last error: {row['last_error']}" if row["last_error"] else "")
            )
