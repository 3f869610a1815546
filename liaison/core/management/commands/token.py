from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from liaison.core import services
from liaison.core.audit import Actor
from liaison.core.commands import BadInput
from liaison.core.models import ApiToken, TokenScope, User


class Command(BaseCommand):
    help = (
        "API tokens: `create USER [--expires DAYS] [--scope read|write]` prints a new token "
        "(shown once); `list` shows them all; `revoke ID` stops one."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["create", "list", "revoke"])
        parser.add_argument("target", nargs="?", default="", help="user name, or token id")
        parser.add_argument("--label", default="")
        parser.add_argument(
            "--expires",
            type=int,
            default=services.TOKEN_DAYS,
            metavar="DAYS",
            help=f"days the token works (default {services.TOKEN_DAYS})",
        )
        parser.add_argument(
            "--scope",
            choices=TokenScope.values,
            default=TokenScope.WRITE,
            help="read: GET only; write: everything the user may do (default)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, "_" + options["action"])(options)

    def _create(self, options: dict[str, Any]) -> None:
        username = options["target"]
        user = User.objects.filter(username=username).first() if username else None
        if user is None:
            raise BadInput(f"no user {username!r}")
        if not user.is_active:
            raise BadInput(f"user {user.username!r} is not active")
        try:
            token = services.create_token(
                user,
                options["label"],
                actor=Actor.system("cli"),
                days=options["expires"],
                scope=options["scope"],
            )
        except ValidationError as exc:
            raise BadInput("; ".join(exc.messages)) from exc
        self.stdout.write(token)

    def _list(self, options: dict[str, Any]) -> None:
        now = timezone.now()
        tokens = ApiToken.objects.select_related("user").order_by("id")
        if not tokens:
            self.stdout.write("no tokens")
        for t in tokens:
            if t.revoked:
                state = "revoked"
            elif t.expires_at is None or t.expires_at <= now:
                state = "expired"
            else:
                state = "active"
            expires = t.expires_at.date().isoformat() if t.expires_at else "-"
            used = t.last_used_at.isoformat(timespec="seconds") if t.last_used_at else "never"
            self.stdout.write(
                f"{t.pk:>4}  {t.prefix}…  {t.user.username:<16} {t.scope:<5} {state:<7} "
                f"expires {expires}  last used {used}  {t.label}"
            )

    def _revoke(self, options: dict[str, Any]) -> None:
        target = options["target"]
        token = ApiToken.objects.filter(pk=int(target)).first() if target.isdigit() else None
        if token is None:
            raise BadInput(f"no token with id {target!r} (see `liaison token list`)")
        services.revoke_token(token, actor=Actor.system("cli"))
        self.stdout.write(f"token {token.pk} ({token.prefix}…, {token.user.username}) revoked")
