"""Joint patrols and operations: planning, status, and the results each side reports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from liaison.cooperation import federation
from liaison.cooperation.models.patrols import (
    Patrol,
    PatrolKind,
    PatrolResult,
    PatrolStatus,
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
    require_local,
    require_writer,
)
from liaison.core import audit
from liaison.core.models import BorderGate, Role, Tlp, Unit, User
from liaison.core.node import this_node
from liaison.core.services import require_role


def _gates(names: Iterable[str]) -> list[str]:
    names = [n for n in names if n]
    known = set(BorderGate.objects.filter(name__in=names).values_list("name", flat=True))
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ValidationError(
            {"gates": _("Unknown border gate: %(g)s") % {"g": ", ".join(unknown)}}
        )
    return names


def _units(units: Any) -> list[dict[str, str]]:
    out = []
    for u in units or []:
        if isinstance(u, Unit):
            out.append({"country": this_node().country, "code": u.code, "name": u.name})
        elif isinstance(u, dict) and str(u.get("name", "")).strip():
            out.append(
                {
                    "country": str(u.get("country", "")).upper()[:2],
                    "code": str(u.get("code", ""))[:40],
                    "name": str(u["name"]).strip()[:200],
                }
            )
        else:
            raise ValidationError({"units": _("Each participating unit needs a name.")})
    return out


def plan_patrol(
    user: User,
    *,
    title: str,
    kind: str = PatrolKind.PATROL,
    starts_on: dt.date,
    ends_on: dt.date,
    plan: str = "",
    area: str = "",
    gates: Iterable[str] = (),
    units: Any = (),
    partner: str | None = None,
    partner_unit_code: str = "",
    partner_unit_name: str = "",
    unit: Unit | None = None,
    tlp: str = Tlp.AMBER,
    handling: str = "H0",
    share_now: bool = False,
) -> Patrol:
    with filing("patrol.plan", user, unit, title=title) as owner:
        if kind not in PatrolKind.values:
            raise ValidationError({"kind": _("Choose patrol or operation.")})
        if not title.strip():
            raise ValidationError({"title": _("Give the patrol a title.")})
        if ends_on < starts_on:
            raise ValidationError({"ends_on": _("The end is before the start.")})
        if not (area.strip() or list(gates)):
            raise ValidationError({"area": _("Give the area or route, or choose border gates.")})
        if share_now:
            require_role(user, Role.SUPERVISOR)
        country = check_country(partner or partner_country(), "partner_country", required=True)
        patrol = new_record(
            Patrol,
            user,
            owner,
            reference=next_reference(Patrol, "JP"),
            kind=kind,
            title=title.strip(),
            plan=plan,
            area=area,
            gates=_gates(gates),
            units=_units(units),
            starts_on=starts_on,
            ends_on=ends_on,
            partner_country=country,
            partner_unit_code=partner_unit_code.strip(),
            partner_unit_name=partner_unit_name.strip(),
            tlp=tlp,
            handling=handling,
        )
        audit.record("patrol.plan", patrol, actor=actor_of(user), reference=patrol.reference)
        if share_now:
            federation.share(patrol, federation.peers_of_country(country), user=user)
    return patrol


def set_patrol_status(user: User, patrol: Patrol, status: str) -> Patrol:
    with guard("patrol.status", user, patrol, status=status):
        require_local(patrol)
        require_writer(user, patrol.owner_unit)
        if status not in PatrolStatus.values:
            raise ValidationError({"status": _("Unknown status.")})
        if patrol.status in (PatrolStatus.COMPLETED, PatrolStatus.CANCELLED):
            raise ValidationError(_("This patrol is finished."))
        bump(patrol, status=status)
        audit.record("patrol.status", patrol, actor=actor_of(user), status=status)
    return patrol


def _uuid_list(values: Any, field: str) -> list[str]:
    import uuid as uuidlib

    out = []
    for v in values or []:
        try:
            out.append(str(uuidlib.UUID(str(v))))
        except ValueError as exc:
            raise ValidationError(
                {field: _("%(v)s is not a record id (uuid).") % {"v": v}}
            ) from exc
    return out


def add_patrol_result(
    user: User,
    patrol: Patrol,
    *,
    arrests: int = 0,
    seizures: Any = (),
    persons: Any = (),
    cases: Any = (),
    note: str = "",
) -> PatrolResult:
    with guard("patrol.result", user, patrol):
        require_role(user, *WRITERS)
        get_visible(Patrol, user, pk=patrol.pk)
        if arrests < 0:
            raise ValidationError({"arrests": _("Arrests cannot be negative.")})
        result = new_record(
            PatrolResult,
            user,
            patrol.owner_unit,
            patrol=patrol,
            at=now(),
            arrests=arrests,
            seizures=_uuid_list(seizures, "seizures"),
            persons=_uuid_list(persons, "persons"),
            cases=_uuid_list(cases, "cases"),
            note=note,
            by_unit=user.unit.name if user.unit else "",
            by_user=user.get_full_name() or user.username,
            tlp=patrol.tlp,
            handling=patrol.handling,
        )
        audit.record("patrol.result", patrol, actor=actor_of(user), arrests=arrests)
        federation.share(result, federation.peers_for_linked(patrol), user=user)
    return result


def patrol_totals(patrol: Patrol) -> dict[str, int]:
    results = list(patrol.results.all())
    return {
        "arrests": sum(r.arrests for r in results),
        "seizures": sum(len(r.seizures) for r in results),
        "persons": sum(len(r.persons) for r in results),
        "cases": sum(len(r.cases) for r in results),
    }
