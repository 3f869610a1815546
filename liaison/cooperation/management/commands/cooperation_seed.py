"""Demonstration cooperation records for a node: the 2021 MoU, this year's cooperation plan
with action items, a conference with commitments, capacity projects, a planned joint patrol
and joint cases since 2022. Kept on this node (not sent); run once (a second run adds nothing)."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

from liaison.cooperation.models.agreements import Agreement
from liaison.cooperation.services.agreements import (
    add_action_item,
    create_agreement,
    create_project,
    record_meeting,
    update_action_item,
    update_project,
)
from liaison.cooperation.services.common import partner_country
from liaison.cooperation.services.hotline import ensure_default_channels
from liaison.cooperation.services.joint import add_entry, open_joint_case
from liaison.cooperation.services.patrols import plan_patrol
from liaison.core.commands import BadInput, Failure
from liaison.core.models import BorderGate, User
from liaison.core.node import NodeNotInitialised, this_node

DATA_FILE = Path(__file__).resolve().parents[2] / "data" / "seed_texts.json"


def seed_texts(country: str) -> dict[str, Any]:
    """Titles in ``country``'s language; the file's first country's for one it does not list."""
    with open(DATA_FILE, encoding="utf-8") as fh:
        texts = {k: v for k, v in json.load(fh).items() if not k.startswith("_")}
    return dict(texts.get(country) or next(iter(texts.values())))


class Command(BaseCommand):
    help = "Seed demonstration cooperation records (agreements, meetings, projects, joint cases)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--joint-cases", type=int, default=13, help="joint cases since 2022")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--as", dest="username", default="admin")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            node = this_node()
        except NodeNotInitialised as exc:
            raise Failure(str(exc)) from exc
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise BadInput(f"--as: no user {options['username']!r}")
        if options["joint_cases"] < 0:
            raise BadInput("--joint-cases must not be negative")
        if Agreement.objects.filter(origin=node.id).exists():
            self.stdout.write("cooperation records already seeded; nothing added")
            return
        text = seed_texts(node.country)
        rng = random.Random(options["seed"])
        today = timezone.localdate()
        partner = partner_country()
        with transaction.atomic():
            ensure_default_channels()
            create_agreement(
                user,
                kind="mou",
                title=text["mou"],
                parties=f"{node.country} – {partner}",
                signed_on=dt.date(2021, 8, 9),
                valid_from=dt.date(2021, 8, 9),
                summary="Hotline, exchange of information, wanted persons, joint cases, joint patrols.",
            )
            plan = create_agreement(
                user,
                kind="annual_plan",
                title=text["plan"].format(y=today.year),
                signed_on=dt.date(today.year, 1, 15),
                valid_from=dt.date(today.year, 1, 1),
                valid_to=dt.date(today.year, 12, 31),
            )
            for i, item in enumerate(text["items"]):
                action = add_action_item(
                    user,
                    agreement=plan,
                    text=item,
                    owner_country=node.country,
                    due=dt.date(today.year, 3 * (i + 1), 28),
                )
                if i == 0:
                    update_action_item(user, action, status="done")
            record_meeting(
                user,
                kind="conference",
                title=text["conf"],
                held_on=dt.date(2024, 8, 16),
                place="Vientiane",
                agreement=plan,
                participants=[
                    {"name": "Delegation " + node.country, "side": node.country},
                    {"name": "Delegation " + partner, "side": partner},
                ],
                minutes="Viet Nam, ten border provinces, July 2021 – June 2024: about 14,130 drug "
                "cases, 19,960 defendants. Laos: about 15,860 cases, 23,458 defendants.",
                commitments=[
                    {
                        "text": text["items"][1],
                        "owner_country": partner,
                        "due": dt.date(today.year, 12, 31),
                    }
                ],
            )
            gate = BorderGate.objects.order_by("name").first()
            station = create_project(
                user,
                kind="station",
                title=text["station"] + (f" {gate.name}" if gate else ""),
                location=gate.name if gate else "",
                agreement=plan,
            )
            update_project(user, station, status="handed_over")
            training = create_project(
                user, kind="training", title=text["training"], trainees=40, agreement=plan
            )
            update_project(user, training, status="under_way", progress=60)
            plan_patrol(
                user,
                title=text["patrol"],
                starts_on=today + dt.timedelta(days=7),
                ends_on=today + dt.timedelta(days=9),
                gates=[gate.name] if gate else [],
                area="" if gate else "border",
                units=[user.unit] if user.unit else [],
            )
            start = dt.date(2022, 1, 1)
            span = max((today - start).days, 1)
            for n in range(1, options["joint_cases"] + 1):
                case = open_joint_case(
                    user,
                    title=text["case"].format(n=n),
                    share_now=False,
                    opened_on=start + dt.timedelta(days=rng.randrange(span)),
                )
                add_entry(user, case, "timeline", text="…")
        self.stdout.write(
            f"seeded 2 agreements, 1 meeting, 2 projects, 1 patrol, {options['joint_cases']} joint cases"
        )
