"""Demo only: wanted notices and a hotline greeting, so the partner sees cooperation at once.
(`demo_exchange` of the exchange app releases recent cases.)"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from liaison.cooperation import services as cooperation
from liaison.core.commands import Failure
from liaison.core.models import User
from liaison.core.node import this_node
from liaison.exchange.models import Peer

DATA_FILE = Path(__file__).resolve().parents[2] / "data" / "demo_cooperation.json"


def demo_data(country: str) -> dict[str, Any]:
    """This country's demo fugitives and hotline greeting (empty where the file has none)."""
    with open(DATA_FILE, encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh).get(country, {})
    return data


class Command(BaseCommand):
    help = "Demo only: issue wanted notices to the partner and greet it on the hotline."

    def handle(self, *args: Any, **options: Any) -> None:
        me = this_node()
        admin = User.objects.filter(username="admin").first()
        peer = next((p for p in Peer.objects.order_by("name") if p.is_active), None)
        if admin is None or peer is None:
            raise Failure("demo_exchange needs the user admin and a peer")
        data = demo_data(me.country)
        for n, (full, latin, born, offence) in enumerate(data.get("fugitives", []), 1):
            cooperation.issue_wanted_notice(
                admin,
                notice_type="red",
                full_name=full,
                latin_name=latin,
                birth_date=born,
                nationality=me.country,
                offences=offence,
                warrant_reference=f"{me.country}-DEMO-{timezone.now():%Y}-{n:03d}",
                warrant_date=timezone.localdate() - dt.timedelta(days=40),
                believed_country=peer.country,
            )
        channel = cooperation.channels_for(admin).filter(level="ministry").first()
        greeting = data.get("greeting")
        if channel is not None and greeting:
            cooperation.send_message(admin, channel, subject=greeting[0], body=greeting[1])
        self.stdout.write(
            f"demo cooperation: wanted notices and a hotline greeting for {peer.name}"
        )
