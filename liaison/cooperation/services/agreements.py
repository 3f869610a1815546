"""Agreements and plans, their action items, meetings with commitments, and capacity
projects."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.cooperation import federation
from liaison.cooperation.models.agreements import (
    ActionItem,
    ActionStatus,
    Agreement,
    AgreementKind,
    CapacityProject,
    Meeting,
    MeetingKind,
    ProjectKind,
    ProjectStatus,
)
from liaison.cooperation.services.attachments import Upload, attach, check_uploads
from liaison.cooperation.services.common import (
    WRITERS,
    actor_of,
    bump,
    check_country,
    filing,
    get_visible,
    guard,
    new_record,
    next_reference,
    partner_country,
    require_local,
    require_writer,
)
from liaison.core import audit
from liaison.core.models import Record, Role, Tlp, Unit, User
from liaison.core.node import this_node
from liaison.core.services import require_role


def _share_flag(user: User, obj: Record, share_now: bool, country: str) -> None:
    if share_now:
        require_role(user, Role.SUPERVISOR)
        federation.share(obj, federation.peers_of_country(country), user=user)


def create_agreement(
    user: User,
    *,
    title: str,
    kind: str = AgreementKind.MOU,
    parties: str = "",
    signed_on: dt.date | None = None,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    summary: str = "",
    documents: Sequence[Upload] = (),
    unit: Unit | None = None,
    tlp: str = Tlp.GREEN,
    handling: str = "H0",
    share_now: bool = False,
) -> Agreement:
    with filing("agreement.create", user, unit, title=title) as owner:
        if kind not in AgreementKind.values:
            raise ValidationError({"kind": _("Unknown kind of document.")})
        if not title.strip():
            raise ValidationError({"title": _("Give the title.")})
        if valid_from and valid_to and valid_to < valid_from:
            raise ValidationError({"valid_to": _("The end is before the start.")})
        check_uploads(documents)
        agreement = new_record(
            Agreement,
            user,
            owner,
            reference=next_reference(Agreement, "AG"),
            kind=kind,
            title=title.strip(),
            parties=parties,
            signed_on=signed_on,
            valid_from=valid_from,
            valid_to=valid_to,
            summary=summary,
            tlp=tlp,
            handling=handling,
        )
        attach(agreement, documents, user)
        audit.record("agreement.create", agreement, actor=actor_of(user))
        _share_flag(user, agreement, share_now, partner_country())
    return agreement


def add_action_item(
    user: User,
    *,
    text: str,
    agreement: Agreement | None = None,
    meeting: Meeting | None = None,
    owner: str = "",
    owner_country: str = "",
    due: dt.date | None = None,
) -> ActionItem:
    parent: Record | None = agreement or meeting
    with guard("action_item.create", user, parent):
        if parent is None:
            raise ValidationError(_("An action item belongs to a plan or a meeting."))
        require_role(user, *WRITERS)
        get_visible(type(parent), user, pk=parent.pk)
        if not text.strip():
            raise ValidationError({"text": _("Describe the action.")})
        item = new_record(
            ActionItem,
            user,
            parent.owner_unit,
            agreement=agreement,
            meeting=meeting,
            text=text.strip(),
            owner=owner,
            due=due,
            owner_country=check_country(owner_country or this_node().country, "owner_country"),
            tlp=parent.tlp if parent.tlp != Tlp.RED else Tlp.AMBER,
            handling=parent.handling,
        )
        audit.record("action_item.create", item, actor=actor_of(user))
        federation.share(item, federation.peers_for_linked(parent), user=user)
    return item


def update_action_item(
    user: User, item: ActionItem, *, status: str | None = None, progress_note: str | None = None
) -> ActionItem:
    with guard("action_item.update", user, item, status=status):
        require_local(item)
        require_writer(user, item.owner_unit)
        changes: dict[str, Any] = {}
        if status is not None:
            if status not in ActionStatus.values:
                raise ValidationError({"status": _("Unknown status.")})
            changes["status"] = status
        if progress_note is not None:
            changes["progress_note"] = progress_note
        bump(item, **changes)
        audit.record("action_item.update", item, actor=actor_of(user), **changes)
    return item


def implementation_status(agreement: Agreement) -> dict[str, Any]:
    items = list(agreement.action_items.all())
    today = timezone.localdate()
    counts = {s: 0 for s in ActionStatus.values}
    overdue = 0
    for item in items:
        counts[item.status] += 1
        if item.due and item.due < today and item.status in ("not_started", "in_progress"):
            overdue += 1
    active = len(items) - counts["cancelled"]
    percent = round(100 * counts["done"] / active) if active else 0
    return {"total": len(items), "by_status": counts, "overdue": overdue, "percent_done": percent}


def record_meeting(
    user: User,
    *,
    title: str,
    held_on: dt.date,
    kind: str = MeetingKind.MEETING,
    place: str = "",
    participants: Any = (),
    minutes: str = "",
    agreement: Agreement | None = None,
    commitments: Sequence[dict[str, Any]] = (),
    unit: Unit | None = None,
    tlp: str = Tlp.GREEN,
    handling: str = "H0",
    share_now: bool = False,
) -> Meeting:
    """A meeting with its participants, minutes and commitments (each an action item)."""
    with filing("meeting.create", user, unit, title=title) as owner:
        if kind not in MeetingKind.values:
            raise ValidationError({"kind": _("Unknown kind of meeting.")})
        if not title.strip():
            raise ValidationError({"title": _("Give the title.")})
        people = []
        for p in participants or []:
            if isinstance(p, str):
                p = {"name": p}
            if not isinstance(p, dict) or not str(p.get("name", "")).strip():
                raise ValidationError({"participants": _("Each participant needs a name.")})
            people.append(
                {
                    "name": str(p["name"]).strip(),
                    "side": str(p.get("side", "")).upper()[:2],
                    "role": str(p.get("role", "")).strip(),
                }
            )
        meeting = new_record(
            Meeting,
            user,
            owner,
            reference=next_reference(Meeting, "MT"),
            kind=kind,
            title=title.strip(),
            held_on=held_on,
            place=place,
            participants=people,
            minutes=minutes,
            agreement=agreement,
            tlp=tlp,
            handling=handling,
        )
        audit.record("meeting.create", meeting, actor=actor_of(user))
        _share_flag(user, meeting, share_now, partner_country())
        for c in commitments:
            add_action_item(
                user,
                meeting=meeting,
                agreement=agreement,
                text=str(c.get("text", "")),
                owner=str(c.get("owner", "")),
                owner_country=str(c.get("owner_country", "")),
                due=c.get("due"),
            )
    return meeting


def create_project(
    user: User,
    *,
    title: str,
    kind: str,
    location: str = "",
    province: Any = None,
    agreement: Agreement | None = None,
    starts_on: dt.date | None = None,
    due_on: dt.date | None = None,
    trainees: int = 0,
    note: str = "",
    unit: Unit | None = None,
    share_now: bool = False,
) -> CapacityProject:
    with filing("project.create", user, unit, title=title) as owner:
        if kind not in ProjectKind.values:
            raise ValidationError({"kind": _("Unknown kind of project.")})
        if not title.strip():
            raise ValidationError({"title": _("Give the title.")})
        project = new_record(
            CapacityProject,
            user,
            owner,
            title=title.strip(),
            kind=kind,
            location=location,
            province=province,
            agreement=agreement,
            starts_on=starts_on,
            due_on=due_on,
            trainees=trainees,
            note=note,
            tlp=Tlp.GREEN,
        )
        audit.record("project.create", project, actor=actor_of(user))
        _share_flag(user, project, share_now, partner_country())
    return project


def update_project(
    user: User,
    project: CapacityProject,
    *,
    progress: int | None = None,
    status: str | None = None,
    handed_over_on: dt.date | None = None,
    note: str | None = None,
) -> CapacityProject:
    with guard("project.update", user, project):
        require_local(project)
        require_writer(user, project.owner_unit)
        changes: dict[str, Any] = {}
        if progress is not None:
            if not 0 <= progress <= 100:
                raise ValidationError({"progress": _("Progress is a percentage from 0 to 100.")})
            changes["progress"] = progress
        if status is not None:
            if status not in ProjectStatus.values:
                raise ValidationError({"status": _("Unknown status.")})
            changes["status"] = status
            if status == ProjectStatus.HANDED_OVER:
                changes["handed_over_on"] = handed_over_on or timezone.localdate()
                changes["progress"] = 100
        if note is not None:
            changes["note"] = note
        bump(project, **changes)
        audit.record("project.update", project, actor=actor_of(user), **changes)
    return project
