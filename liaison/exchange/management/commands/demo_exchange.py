from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from liaison.core.models import Role, Tlp, User
from liaison.exchange.models import Peer, PeerStatus
from liaison.exchange.registry import get_kind
from liaison.exchange.services.release import bulk_release


class Command(BaseCommand):
    help = "Demo data: release this node's most recent cases (with persons and seizures) to every peer."

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
        for peer in Peer.objects.filter(status=PeerStatus.ACTIVE):
            total = 0
            for kind, records in (
                ("cases", recent),
                ("persons", "case"),
                ("seizures", "case"),
            ):
                spec = get_kind(kind)
                if spec is None:
                    continue
                if isinstance(records, str):
                    records = list(
                        spec.model.objects.local()  # type: ignore[attr-defined]
                        .exclude(tlp=Tlp.RED)
                        .filter(**{f"{records}__in": recent})
                    )
                n, _skipped = bulk_release(
                    user,
                    spec,
                    records,
                    peer,
                    tlp=Tlp.AMBER,
                    handling="H0",
                    basis="Demo: MoU on drug-crime cooperation of 9 Aug 2021",
                )
                total += n
            self.stdout.write(f"Released {total} demo records to {peer.name}.")
