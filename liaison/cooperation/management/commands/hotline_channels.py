from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from liaison.cooperation.models.hotline import Channel
from liaison.cooperation.services.hotline import ensure_default_channels
from liaison.core.audit import Actor
from liaison.core.commands import Failure
from liaison.core.node import NodeNotInitialised


class Command(BaseCommand):
    help = (
        "Create the default hotline channels from the gazetteer (ministry ↔ ministry, each "
        "border province police ↔ each partner province it faces) and list all channels."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="print the channels as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            created = ensure_default_channels(actor=Actor.system("cli"))
        except NodeNotInitialised as exc:
            raise Failure(str(exc)) from exc
        channels = Channel.objects.select_related("local_unit").order_by(
            "level", "local_unit__code"
        )
        if options["json"]:
            rows = [
                {
                    "level": c.level,
                    "local_unit": c.local_unit.code,
                    "partner_country": c.partner_country,
                    "partner_unit": c.partner_unit_code,
                    "partner_unit_name": c.partner_unit_name,
                    "active": c.active,
                }
                for c in channels
            ]
            self.stdout.write(
                json.dumps({"created": len(created), "channels": rows}, ensure_ascii=False)
            )
            return
        self.stdout.write(f"{len(created)} channel(s) created; {channels.count()} in all.")
        for c in channels:
            flag = "" if c.active else " (closed)"
            self.stdout.write(
                f"  [{c.level}] {c.local_unit.code} ↔ {c.partner_unit_code} {c.partner_unit_name}{flag}"
            )
