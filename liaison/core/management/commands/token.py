from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from liaison.core import services
from liaison.core.audit import Actor
from liaison.core.commands import BadInput
from liaison.core.models import User


class Command(BaseCommand):
    help = "Create an API token for a user and print it (shown once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["create"])
        parser.add_argument("username")
        parser.add_argument("--label", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise BadInput(f"no user {options['username']!r}")
        if not user.is_active:
            raise BadInput(f"user {user.username!r} is not active")
        token = services.create_token(user, options["label"], actor=Actor.system("cli"))
        self.stdout.write(token)
