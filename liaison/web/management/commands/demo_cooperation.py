"""Demo only: wanted notices released to every partner (one of them located), a hotline
greeting, an overdue request to the neighbour, and the cooperation with partners beyond the
border (verification and extradition requests, a training course, a delegation visit), so
each partner sees cooperation at once. (`demo_exchange` of the exchange app releases recent
cases to the neighbours only.)"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from liaison.cooperation import services as cooperation
from liaison.cooperation.models.agreements import MeetingKind, ProjectKind
from liaison.cooperation.services.agreements import create_project, record_meeting
from liaison.cooperation.services.common import bump
from liaison.cooperation.services.requests import send_request
from liaison.core.commands import Failure
from liaison.core.models import User
from liaison.core.node import this_node
from liaison.exchange.management.commands.demo_exchange import neighbours
from liaison.exchange.models import Peer, PeerStatus
from liaison.exchange.services.release import Recipient, record_changed, release_to

DATA_FILE = Path(__file__).resolve().parents[2] / "data" / "demo_cooperation.json"
BASIS = "Demo: agreement on cooperation against drug crime"


def demo_data(country: str) -> dict[str, Any]:
    """This country's demo data (empty where the file has none)."""
    with open(DATA_FILE, encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh).get(country, {})
    return data


class Command(BaseCommand):
    help = "Demo only: wanted notices, hotline greeting, requests and cooperation with partners."

    def handle(self, *args: Any, **options: Any) -> None:
        me = this_node()
        admin = User.objects.filter(username="admin").first()
        peers = list(Peer.objects.filter(status=PeerStatus.ACTIVE).order_by("name"))
        if admin is None or not peers:
            raise Failure("demo_cooperation needs the user admin and a peer")
        border = neighbours(me.country)
        near = [p for p in peers if p.country in border] or peers[:1]
        data = demo_data(me.country)
        today = timezone.localdate()
        notices = []
        for n, (full, latin, born, offence) in enumerate(data.get("fugitives", []), 1):
            notice = cooperation.issue_wanted_notice(
                admin,
                notice_type="red",
                full_name=full,
                latin_name=latin,
                birth_date=born,
                nationality=me.country,
                offences=offence,
                warrant_reference=f"{me.country}-DEMO-{today:%Y}-{n:03d}",
                warrant_date=today - dt.timedelta(days=40),
                believed_country=near[0].country,
            )
            # Released to every partner, not only where the fugitive is believed to be.
            others = [p for p in peers if p.country != near[0].country]
            if others:
                release_to(
                    admin,
                    notice,
                    [Recipient(p, notice.tlp, notice.handling, BASIS) for p in others],
                )
            notices.append(notice)
        if notices:
            cooperation.add_wanted_event(
                admin,
                notices[0],
                "located",
                at=timezone.now() - dt.timedelta(days=3),
                place=near[0].name,
            )
        channel = cooperation.channels_for(admin).filter(level="ministry").first()
        greeting = data.get("greeting")
        if channel is not None and greeting:
            cooperation.send_message(admin, channel, subject=greeting[0], body=greeting[1])
        overdue = data.get("overdue_request")
        if overdue:
            self._overdue_request(admin, near[0].country, overdue, today)
        for country, work in data.get("partners", {}).items():
            if any(p.country == country for p in peers):
                self._partner(
                    admin, country, work, today, [p for p in peers if p.country == country]
                )
        self.stdout.write(
            f"demo cooperation: {len(notices)} wanted notices to {len(peers)} partners, "
            f"requests and projects with {', '.join(sorted(data.get('partners', {}))) or '-'}"
        )

    @staticmethod
    def _overdue_request(admin: User, country: str, text: dict[str, Any], today: dt.date) -> None:
        """An information request whose deadline has passed unanswered: sent with a deadline
        of tomorrow, then dated as if sent three weeks ago (demo only)."""
        with transaction.atomic():
            request = send_request(
                admin,
                request_type="information",
                to_country=country,
                requesting_authority=str(admin.unit),
                investigating_authority=str(admin.unit),
                deadline=today + dt.timedelta(days=1),
                **text,
            )
            bump(request, deadline=today - dt.timedelta(days=6))
            record_changed(request)

    @staticmethod
    def _partner(
        admin: User, country: str, work: dict[str, Any], today: dt.date, peers: list[Peer]
    ) -> None:
        """Cooperation with a partner beyond the border: a verification request, an
        extradition request, a training course and a delegation visit."""
        authority = str(admin.unit)
        for kind in ("verification", "extradition"):
            spec = dict(work.get(kind) or {})
            if not spec:
                continue
            person = spec.pop("person")
            offence = spec.pop("offence", None)
            send_request(
                admin,
                request_type=kind,
                to_country=country,
                persons=[person],
                offences=[{"offence": offence[0], "acts": offence[1]}] if offence else [],
                requesting_authority=authority,
                investigating_authority=authority,
                deadline=today + dt.timedelta(days=30),
                **spec,
            )
        training = work.get("training")
        if training:
            project = create_project(
                admin,
                title=training["title"],
                kind=ProjectKind.TRAINING,
                location=training.get("location", ""),
                starts_on=today + dt.timedelta(days=45),
                due_on=today + dt.timedelta(days=59),
                trainees=training.get("trainees", 0),
            )
            release_to(
                admin, project, [Recipient(p, project.tlp, project.handling, BASIS) for p in peers]
            )
        delegation = work.get("delegation")
        if delegation:
            meeting = record_meeting(
                admin,
                title=delegation["title"],
                held_on=today - dt.timedelta(days=20),
                kind=MeetingKind.MEETING,
                place=delegation.get("place", ""),
                minutes=delegation.get("minutes", ""),
            )
            release_to(
                admin, meeting, [Recipient(p, meeting.tlp, meeting.handling, BASIS) for p in peers]
            )
