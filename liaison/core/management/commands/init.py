from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from liaison.core.commands import BadInput
from liaison.core.setup import SetupError, create_node


class Command(BaseCommand):
    help = "Create a new node: keys, database, gazetteer, first units and the user admin."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--country",
            required=True,
            help="the node's country, ISO 3166-1 alpha-2 (any country pycountry knows)",
        )
        parser.add_argument("--name", required=True, help="name of the node, e.g. 'MPS Viet Nam'")
        parser.add_argument("--url", default="", help="address partners reach this node at")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            new = create_node(options["country"], options["name"], options["url"])
        except SetupError as exc:
            raise BadInput(str(exc)) from exc
        identity = new.identity
        out = self.stdout
        out.write(f"Node created in {new.home}")
        out.write(f"  id:          {identity.id}")
        out.write(f"  country:     {identity.country}")
        out.write(f"  name:        {identity.name}")
        out.write(f"  url:         {identity.url or '(none; set with --url)'}")
        out.write(f"  fingerprint: {identity.fingerprint}")
        out.write("Read the fingerprint to your partner over the hotline before peering.")
        out.write("")
        out.write(f"User admin, one-time password (shown only now): {new.admin_password}")
