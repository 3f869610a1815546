from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from liaison.core import services
from liaison.core.audit import Actor
from liaison.core.models import Role, Unit, UnitKind, User


class Command(BaseCommand):
    help = "Demo only: give admin a known password and add an analyst and an officer."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--password", required=True)

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        password = options["password"]
        actor = Actor.system("demo")
        services.change_password(User.objects.get(username="admin"), password)
        department = Unit.objects.filter(kind=UnitKind.DEPARTMENT).order_by("path").first()
        province = Unit.objects.filter(kind=UnitKind.PROVINCE_POLICE).order_by("path").first()
        for username, unit, roles in (
            ("analyst", department, [Role.ANALYST]),
            ("officer", province, [Role.OFFICER]),
        ):
            if unit is not None and not User.objects.filter(username=username).exists():
                services.create_user(
                    username=username, unit=unit, roles=roles, password=password, actor=actor
                )
