from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from liaison.core import countries
from liaison.core.models import Role, Tlp, User
from liaison.core.node import this_node
from liaison.exchange.models import Peer, PeerStatus
from liaison.exchange.registry import get_kind
from liaison.exchange.services.release import bulk_release


def neighbours(country: str) -> set[str]:
    """Countries the gazetteer's border table says face ``country``."""
    return {b if a == country else a for a, b in countries.border_pairs() if country in (a, b)}


class Command(BaseCommand):
    help = (
        "Demo data: release this node's most recent cases, whole (with their persons and "
        "seizures), to the peers across the border only; other partners never see them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cases", type=int, default=25)

    def handle(self, *args: Any, **options: Any) -> None:
        user = next(
            (
                u
                for u in User.objects.filter(is_active=True).order_by("id")
                if u.has_role(Role.SUPERVISOR)
            ),
            None,
        )
        cases = get_kind("cases")
        if user is None or cases is None:
            self.stdout.write("Nothing to release (no supervisor or no cases).")
            return
        recent = list(
            cases.model.objects.local()  # type: ignore[attr-defined]
            .exclude(tlp=Tlp.RED)
            .order_by("-updated_at")[: options["cases"]]
        )
        border = neighbours(this_node().country)
        for peer in Peer.objects.filter(status=PeerStatus.ACTIVE, country__in=border):
            n, _skipped = bulk_release(
                user,
                cases,
                recent,
                peer,
                tlp=Tlp.AMBER,
                handling="H0",
                basis="Demo: MoU on drug-crime cooperation of 9 Aug 2021",
            )
            self.stdout.write(f"Released {n} demo cases, whole, to {peer.name}.")
