"""Joint cases: opening, the entries each side adds (join, participants, timeline, tasks,
links), and the count reports use."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.cooperation import federation
from liaison.cooperation.models.joint import (
    EntryKind,
    JointCase,
    JointCaseEntry,
    TaskStatus,
)
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
    now,
    partner_country,
    reject_unknown_changes,
    require_local,
    require_writer,
    visible,
)
from liaison.core import audit
from liaison.core.models import Role, Tlp, Unit, User
from liaison.core.node import this_node
from liaison.core.services import require_role


def open_joint_case(
    user: User,
    *,
    title: str,
    summary: str = "",
    opened_on: dt.date | None = None,
    partner: str | None = None,
    partner_unit_code: str = "",
    partner_unit_name: str = "",
    unit: Unit | None = None,
    tlp: str = Tlp.AMBER,
    handling: str = "H0",
    share_now: bool = True,
) -> JointCase:
    with filing("joint_case.open", user, unit, title=title) as owner:
        if not title.strip():
            raise ValidationError({"title": _("Give the joint case a title.")})
        if share_now:
            require_role(user, Role.SUPERVISOR)
        country = check_country(partner or partner_country(), "partner_country", required=True)
        case = new_record(
            JointCase,
            user,
            owner,
            reference=next_reference(JointCase, "JC"),
            title=title.strip(),
            summary=summary.strip(),
            partner_country=country,
            partner_unit_code=partner_unit_code.strip(),
            partner_unit_name=partner_unit_name.strip(),
            opened_on=opened_on or timezone.localdate(),
            opened_by_unit=owner.name,
            tlp=tlp,
            handling=handling,
        )
        audit.record("joint_case.open", case, actor=actor_of(user), reference=case.reference)
        if share_now:
            federation.share(case, federation.peers_of_country(country), user=user)
    return case


def update_joint_case(user: User, case: JointCase, **changes: Any) -> JointCase:
    with guard("joint_case.update", user, case, fields=sorted(changes)):
        require_local(case)
        require_writer(user, case.owner_unit)
        reject_unknown_changes(changes, {"title", "summary", "closed_on"})
        bump(case, **changes)
        audit.record("joint_case.update", case, actor=actor_of(user), fields=sorted(changes))
    return case


LINK_KINDS = ("persons", "cases", "seizures", "wanted-notices", "requests")


def add_entry(user: User, case: JointCase, kind: str, **fields: Any) -> JointCaseEntry:
    """Either side adds an entry (join, participant, timeline, task, link) to a joint case."""
    allowed = {
        "text",
        "person_name",
        "person_role",
        "assigned_to_country",
        "assigned_to",
        "due",
        "link_kind",
        "link_uuid",
        "link_label",
        "at",
    }
    with guard("joint_case.entry", user, case, kind=kind):
        require_role(user, *WRITERS)
        get_visible(JointCase, user, pk=case.pk)
        if kind not in EntryKind.values:
            raise ValidationError({"kind": _("Unknown kind of entry.")})
        unknown = set(fields) - allowed
        if unknown:
            raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
        if case.closed_on:
            raise ValidationError(_("This joint case is closed."))
        if kind == EntryKind.JOIN:
            if case.is_local:
                raise ValidationError(_("The side that opened the case does not join it."))
            if case.entries.filter(kind=EntryKind.JOIN, origin=this_node().id).exists():
                raise ValidationError(_("Your side has already joined this case."))
        if kind == EntryKind.PARTICIPANT and not str(fields.get("person_name", "")).strip():
            raise ValidationError({"person_name": _("Name the participant.")})
        if kind == EntryKind.TIMELINE and not str(fields.get("text", "")).strip():
            raise ValidationError({"text": _("Write the entry.")})
        if kind == EntryKind.TASK:
            if not str(fields.get("text", "")).strip():
                raise ValidationError({"text": _("Describe the task.")})
            fields["assigned_to_country"] = check_country(
                fields.get("assigned_to_country") or "", "assigned_to_country", required=True
            )
        if kind == EntryKind.LINK:
            if fields.get("link_kind") not in LINK_KINDS:
                raise ValidationError({"link_kind": _("Choose the kind of the linked record.")})
            if not fields.get("link_uuid"):
                raise ValidationError({"link_uuid": _("Give the id (uuid) of the linked record.")})
        if isinstance(fields.get("due"), str):
            fields["due"] = dt.date.fromisoformat(fields["due"]) if fields["due"] else None
        entry = new_record(
            JointCaseEntry,
            user,
            case.owner_unit,
            joint_case=case,
            kind=kind,
            at=fields.pop("at", None) or now(),
            task_status=TaskStatus.OPEN if kind == EntryKind.TASK else "",
            by_unit=user.unit.name if user.unit else "",
            by_user=user.get_full_name() or user.username,
            tlp=case.tlp,
            handling=case.handling,
            **fields,
        )
        audit.record(
            "joint_case.entry", case, actor=actor_of(user), kind=kind, entry=str(entry.uuid)
        )
        federation.share(entry, federation.peers_for_linked(case), user=user)
    return entry


def update_entry(user: User, entry: JointCaseEntry, **changes: Any) -> JointCaseEntry:
    """Only the side that wrote an entry edits it."""
    allowed = {
        "text",
        "person_name",
        "person_role",
        "assigned_to",
        "due",
        "task_status",
        "link_label",
    }
    with guard("joint_case.entry_update", user, entry.joint_case, entry=str(entry.uuid)):
        require_local(entry)
        require_role(user, *WRITERS)
        get_visible(JointCase, user, pk=entry.joint_case_id)
        reject_unknown_changes(changes, allowed)
        if "task_status" in changes and changes["task_status"] not in TaskStatus.values:
            raise ValidationError({"task_status": _("Unknown task status.")})
        bump(entry, **changes)
        audit.record(
            "joint_case.entry_update",
            entry.joint_case,
            actor=actor_of(user),
            entry=str(entry.uuid),
            fields=sorted(changes),
        )
    return entry


def joint_case_count(
    start: dt.date, end: dt.date, *, user: User | None = None, country: str | None = None
) -> int:
    """Joint cases opened in [start, end] (each counted once, whichever side opened it);
    with ``user``, only those the user may see, as the list beside the count."""
    qs = visible(JointCase, user) if user is not None else JointCase.objects.all()
    qs = qs.filter(opened_on__gte=start, opened_on__lte=end)
    if country:
        qs = qs.filter(Q(origin_country=country) | Q(partner_country=country))
    return int(qs.values("uuid").distinct().count())
