"""Wanted notices: issue, update, lifecycle events from either side, withdrawal and its
confirmation by the partners."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.cooperation import federation
from liaison.cooperation.models.wanted import (
    NoticeType,
    WantedEvent,
    WantedNotice,
    WantedStatus,
)
from liaison.cooperation.services.attachments import Upload, attach, check_uploads
from liaison.cooperation.services.common import (
    WRITERS,
    actor_of,
    bump,
    check_country,
    check_partial_date,
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
from liaison.core.services import require_role, require_unit_access

RANK = {
    WantedStatus.ISSUED: 0,
    WantedStatus.LOCATED: 1,
    WantedStatus.ARRESTED: 2,
    WantedStatus.HANDED_OVER: 3,
    WantedStatus.EXTRADITED: 3,
}
FINAL = {WantedStatus.HANDED_OVER, WantedStatus.EXTRADITED, WantedStatus.WITHDRAWN}


def current_status(notice: WantedNotice) -> str:
    statuses = set(notice.events.values_list("status", flat=True))
    if notice.withdrawn_at or WantedStatus.WITHDRAWN in statuses:
        return WantedStatus.WITHDRAWN
    best = WantedStatus.ISSUED
    for s in statuses:
        if s in RANK and RANK[WantedStatus(s)] > RANK[WantedStatus(best)]:
            best = WantedStatus(s)
    return str(best)


def refresh_notice(notice: WantedNotice) -> str:
    status = current_status(notice)
    if status != notice.status:
        WantedNotice.objects.filter(pk=notice.pk).update(status=status)
        notice.status = status
    return status


def _check_documents(docs: Any) -> list[dict[str, str]]:
    if not docs:
        return []
    if not isinstance(docs, list):
        raise ValidationError({"id_documents": _("Identity documents must be a list.")})
    out = []
    for i, d in enumerate(docs, 1):
        if not isinstance(d, dict) or not str(d.get("number", "")).strip():
            raise ValidationError(
                {"id_documents": _("Identity document %(n)s needs a number.") % {"n": i}}
            )
        out.append(
            {
                "type": str(d.get("type", "")).strip()[:40],
                "number": str(d["number"]).strip()[:60],
                "country": str(d.get("country", "")).strip().upper()[:2],
            }
        )
    return out


def issue_wanted_notice(
    user: User,
    *,
    notice_type: str,
    full_name: str,
    offences: str,
    warrant_reference: str,
    latin_name: str = "",
    other_names: Sequence[str] = (),
    sex: str = "",
    birth_date: str = "",
    nationality: str = "",
    id_documents: Sequence[dict[str, str]] = (),
    description: str = "",
    warrant_date: dt.date | None = None,
    issuing_unit_name: str = "",
    believed_country: str = "",
    believed_location: str = "",
    photos: Sequence[Upload] = (),
    unit: Unit | None = None,
    tlp: str = Tlp.AMBER,
    handling: str = "H0",
    send_to_partner: bool = True,
) -> WantedNotice:
    with filing("wanted.issue", user, unit, name=full_name) as owner:
        if send_to_partner:
            require_role(user, Role.SUPERVISOR)
        errors: dict[str, str] = {}
        if notice_type not in NoticeType.values:
            errors["notice_type"] = _("Choose red-like (arrest) or blue-like (locate and inform).")
        for field, value, label in (
            ("full_name", full_name, _("name (original script)")),
            ("offences", offences, _("offences")),
            ("warrant_reference", warrant_reference, _("warrant reference")),
        ):
            if not (value or "").strip():
                errors[field] = _("%(f)s is required.") % {"f": label}
        if errors:
            raise ValidationError(errors)
        for name, _data in photos:
            if PurePath(name).suffix.lower() not in (".jpg", ".jpeg", ".png"):
                raise ValidationError(
                    {"photos": _("%(n)s: photos must be JPG or PNG.") % {"n": name}}
                )
        check_uploads(photos)
        believed = check_country(believed_country, "believed_country") or partner_country()
        notice = new_record(
            WantedNotice,
            user,
            owner,
            reference=next_reference(WantedNotice, "WN"),
            notice_type=notice_type,
            full_name=full_name.strip(),
            latin_name=latin_name.strip(),
            other_names=[n.strip() for n in other_names if n.strip()],
            sex=(sex or "")[:1].upper(),
            birth_date=check_partial_date(birth_date, "birth_date"),
            nationality=check_country(nationality, "nationality"),
            id_documents=_check_documents(list(id_documents)),
            description=description,
            offences=offences.strip(),
            warrant_reference=warrant_reference.strip(),
            warrant_date=warrant_date,
            issuing_unit_name=issuing_unit_name or owner.name,
            believed_country=believed,
            believed_location=believed_location,
            issued_at=now(),
            tlp=tlp,
            handling=handling,
        )
        attach(notice, photos, user, field="photos")
        audit.record(
            "wanted.issue",
            notice,
            actor=actor_of(user),
            reference=notice.reference,
            type=notice_type,
        )
        if send_to_partner and believed:
            if tlp == Tlp.RED:
                raise ValidationError({"tlp": _("A TLP:RED notice cannot be sent to the partner.")})
            federation.share(notice, federation.peers_of_country(believed), user=user)
    return notice


def update_wanted_notice(user: User, notice: WantedNotice, **changes: Any) -> WantedNotice:
    editable = {
        "latin_name",
        "other_names",
        "sex",
        "birth_date",
        "nationality",
        "id_documents",
        "description",
        "offences",
        "warrant_reference",
        "warrant_date",
        "believed_location",
    }
    with guard("wanted.update", user, notice, fields=sorted(changes)):
        require_local(notice)
        require_writer(user, notice.owner_unit)
        if notice.withdrawn_at:
            raise ValidationError(_("This notice was withdrawn; it cannot be changed."))
        reject_unknown_changes(changes, editable)
        if "birth_date" in changes:
            changes["birth_date"] = check_partial_date(changes["birth_date"], "birth_date")
        if "nationality" in changes:
            changes["nationality"] = check_country(changes["nationality"], "nationality")
        if "id_documents" in changes:
            changes["id_documents"] = _check_documents(changes["id_documents"])
        bump(notice, **changes)
        audit.record("wanted.update", notice, actor=actor_of(user), fields=sorted(changes))
    return notice


def add_wanted_event(
    user: User,
    notice: WantedNotice,
    status: str,
    *,
    at: dt.datetime | None = None,
    place: str = "",
    reason: str = "",
) -> WantedEvent:
    """Record a lifecycle step. Either side may record located / arrested / handed over /
    extradited; arrested before located needs a reason; a final step cannot be repeated;
    only the issuing side withdraws (:func:`withdraw_wanted_notice`)."""
    with guard("wanted.event", user, notice, status=status):
        require_role(user, *WRITERS)
        get_visible(WantedNotice, user, pk=notice.pk)
        if status not in RANK or status == WantedStatus.ISSUED:
            raise ValidationError(
                {"status": _("Choose located, arrested, handed over or extradited.")}
            )
        current = current_status(notice)
        when = at or now()
        if when > now() + dt.timedelta(minutes=5):
            raise ValidationError({"at": _("The time cannot be in the future.")})
        if current == WantedStatus.WITHDRAWN:
            raise ValidationError(_("This notice was withdrawn; no further steps can be recorded."))
        if current in FINAL:
            raise ValidationError(
                _("This person was already %(s)s; that cannot happen twice.")
                % {"s": WantedStatus(current).label.lower()}
            )
        rank, cur = RANK[WantedStatus(status)], RANK[WantedStatus(current)]
        if rank <= cur:
            raise ValidationError(
                {
                    "status": _("The notice is already at “%(c)s”; “%(s)s” is out of order.")
                    % {"c": WantedStatus(current).label, "s": WantedStatus(status).label}
                }
            )
        if (
            status == WantedStatus.ARRESTED
            and current == WantedStatus.ISSUED
            and not reason.strip()
        ):
            raise ValidationError(
                {"reason": _("Arrested before being reported located: give the reason.")}
            )
        if (
            status in (WantedStatus.HANDED_OVER, WantedStatus.EXTRADITED)
            and current != WantedStatus.ARRESTED
        ):
            raise ValidationError(
                {"status": _("Only an arrested person can be handed over or extradited.")}
            )
        event = new_record(
            WantedEvent,
            user,
            notice.owner_unit,
            notice=notice,
            status=status,
            at=when,
            place=place,
            reason=reason,
            by_unit=user.unit.name if user.unit else "",
            by_user=user.get_full_name() or user.username,
            tlp=notice.tlp,
            handling=notice.handling,
        )
        refresh_notice(notice)
        audit.record(
            "wanted.event", notice, actor=actor_of(user), status=status, event=str(event.uuid)
        )
        federation.share(event, federation.peers_for_linked(notice), user=user)
    return event


def withdraw_wanted_notice(user: User, notice: WantedNotice, reason: str) -> WantedNotice:
    """Cancel a notice: a new version marked withdrawn goes to every partner holding it, whose
    receipt confirms it (see :func:`cancellation_status`)."""
    with guard("wanted.withdraw", user, notice):
        require_local(notice)
        require_role(user, Role.SUPERVISOR)
        require_unit_access(user, notice.owner_unit)
        if notice.withdrawn_at:
            raise ValidationError(_("This notice was already withdrawn."))
        if not reason.strip():
            raise ValidationError({"reason": _("Give the reason for the withdrawal.")})
        withdrawn_at = now()
        bump(notice, withdrawn_at=withdrawn_at, withdrawal_reason=reason.strip())
        event = new_record(
            WantedEvent,
            user,
            notice.owner_unit,
            notice=notice,
            status=WantedStatus.WITHDRAWN,
            at=withdrawn_at,
            reason=reason.strip(),
            by_unit=user.unit.name if user.unit else "",
            by_user=user.get_full_name() or user.username,
            tlp=notice.tlp,
            handling=notice.handling,
        )
        refresh_notice(notice)
        audit.record("wanted.withdraw", notice, actor=actor_of(user), reason=reason)
        federation.share(event, federation.holders(notice), user=user)
    return notice


def cancellation_status(notice: WantedNotice) -> list[dict[str, Any]]:
    """For a withdrawn notice: per partner, whether it confirmed the withdrawn version."""
    if not notice.withdrawn_at:
        return []
    out = []
    for row in federation.delivery(notice):
        confirmed = (
            row.get("held_version") is not None
            and row["held_version"] >= notice.version
            and row.get("confirmed_at")
        )
        out.append({**row, "withdrawal_confirmed": bool(confirmed)})
    return out


def wanted_abroad_summary(user: User, country: str | None = None) -> dict[str, Any]:
    """Our wanted persons believed to be in the partner country, with counts by status."""
    country = country or partner_country()
    qs = visible(WantedNotice, user).filter(origin=this_node().id, believed_country=country)
    counts = {s: 0 for s in WantedStatus.values}
    for row in qs.values("status").annotate(n=Count("id")):
        counts[row["status"]] = row["n"]
    return {"country": country, "total": sum(counts.values()), "by_status": counts, "notices": qs}


def located_this_month(user: User) -> models.QuerySet[WantedNotice]:
    today = timezone.localdate()
    start = today.replace(day=1)
    ids = WantedEvent.objects.filter(status=WantedStatus.LOCATED, at__date__gte=start).values(
        "notice_id"
    )
    return visible(WantedNotice, user).filter(pk__in=ids)


def new_partner_notices(user: User, days: int = 14) -> models.QuerySet[WantedNotice]:
    since = now() - dt.timedelta(days=days)
    return visible(WantedNotice, user).exclude(origin=this_node().id).filter(created_at__gte=since)


def read_notices(notices: list[WantedNotice], user: User | None, via: str = "list") -> None:
    """Record one "wanted.read" entry per notice shown: each describes a wanted person."""
    audit.record_many("wanted.read", notices, actor=actor_of(user), via=via)
