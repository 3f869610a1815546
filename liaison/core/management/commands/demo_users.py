from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from liaison.core import services
from liaison.core.audit import Actor
from liaison.core.models import Role, Unit, UnitKind, User
from liaison.core.node import home, write_node_settings


class Command(BaseCommand):
    help = (
        "Demo only: give admin a known password, add an analyst and an officer, and make the "
        "second factor optional on this node (its passwords are printed for all to see)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--password", required=True)
        parser.add_argument(
            "--province",
            default="",
            help="code of the province the demo officer serves in (default: the first one)",
        )

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        password = options["password"]
        actor = Actor.system("demo")
        node_settings = {**settings.NODE, "second_factor": "optional"}
        write_node_settings(home(), node_settings)
        settings.NODE.update(node_settings)
        services.change_password(User.objects.get(username="admin"), password)
        department = Unit.objects.filter(kind=UnitKind.DEPARTMENT).order_by("path").first()
        provinces = Unit.objects.filter(kind=UnitKind.PROVINCE_POLICE).order_by("path")
        # The demo officers of neighbours sit in provinces that face each other.
        province = (
            options["province"] and provinces.filter(province__code=options["province"]).first()
        ) or provinces.first()
        for username, unit, roles in (
            ("analyst", department, [Role.ANALYST]),
            ("officer", province, [Role.OFFICER]),
        ):
            if unit is not None and not User.objects.filter(username=username).exists():
                services.create_user(
                    username=username, unit=unit, roles=roles, password=password, actor=actor
                )
