from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from liaison.core.audit import Actor
from liaison.exchange.services.peers import rotate_key, this_node


class Command(BaseCommand):
    help = "This node's signing key: show its fingerprint, or rotate it."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("show", help="print this node's key fingerprint")
        sub.add_parser(
            "rotate", help="make a new key, introduced by a statement signed by the old one"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "show":
            me = this_node()
            self.stdout.write(f"{me.id} fingerprint {me.fingerprint}")
            return
        old, new = rotate_key(actor=Actor.system("cli"))
        self.stdout.write(
            f"Key rotated.\n  old fingerprint {old}\n  new fingerprint {new}\n"
            "Peers accept the new key on their next exchange (it is signed by the old one)."
        )
