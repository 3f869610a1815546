"""Operations on national drug-crime records: the only code that writes them.

Every write is audited in the same transaction; every read of a person is audited
(:func:`read_person`). Every write of a case, person or seizure keeps the statistics tallies
(``crime.tallies``) in the same transaction. Access follows the unit tree: a user works on records owned by their
unit's subtree (:func:`visible`, :func:`get_visible`), and only the origin node changes a
record (:func:`require_local`).

Public functions other apps call:

* ``visible(model, user)`` / ``get_visible(model, user, uuid=...)`` – access-checked reads;
* ``create_case`` / ``update_case``, ``create_person`` / ``update_person`` / ``read_person``,
  ``create_seizure`` / ``update_seizure``, ``create_record`` / ``update_record`` (rings,
  hotspots, cultivation sites, precursor incidents);
* ``to_dict(record)`` – a JSON-ready dict of a record's fields (for envelopes and the API);
* ``find_case(case_ref)`` / ``cases_for_joint_ref(ref)`` – lookups for the cooperation app.
"""

from __future__ import annotations

import datetime as dt
import uuid as uuid_module
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.core import audit
from liaison.core.audit import Actor
from liaison.core.models import Record, Role, Unit, User
from liaison.core.node import this_node
from liaison.core.services import get_or_404, require_role, require_unit_access
from liaison.crime import tallies
from liaison.crime.models import DrugCase, Person, Seizure
from liaison.crime.values import parse_partial_date, quantity_text, seizure_key

R = TypeVar("R", bound=Record)

WRITER_ROLES = (Role.OFFICER, Role.SUPERVISOR, Role.NODE_ADMIN)


def actor_for(user: User | None, source: str = "") -> Actor:
    return Actor.of(user, source) if user is not None else Actor.system("crime")


def ministry_unit() -> Unit:
    """The root of the unit tree (owner of records imported or seeded without a user)."""
    unit = Unit.objects.filter(parent__isnull=True).order_by("path").first()
    if unit is None:
        raise ValidationError(_("This node has no units yet; create the ministry unit first."))
    return unit


# --- reading -------------------------------------------------------------------------


def visible(model: type[R], user: User) -> models.QuerySet[R]:
    return model.objects.visible_to(user)  # type: ignore[attr-defined, no-any-return]


def get_visible(model: type[R], user: User, **lookup: Any) -> R:
    """One record the user may see, else Http404 (no hint that it exists elsewhere)."""
    return get_or_404(visible(model, user), **lookup)


def read_person(person: Person, *, user: User | None, source: str = "", via: str = "web") -> Person:
    """Record in the audit log that ``user`` read ``person``."""
    audit.record(
        "person.read", person, actor=actor_for(user, source), via=via, case=person.case.case_ref
    )
    return person


def read_persons(
    persons: list[Person], *, user: User | None, source: str = "", via: str = "list"
) -> None:
    """Record one "person.read" entry per person shown (a list page, a case page)."""
    audit.record_many("person.read", persons, actor=actor_for(user, source), via=via)


def find_case(case_ref: str, origin: str | None = None) -> DrugCase | None:
    return DrugCase.objects.filter(origin=origin or this_node().id, case_ref=case_ref).first()


def cases_for_joint_ref(joint_case_ref: str) -> models.QuerySet[DrugCase]:
    return DrugCase.objects.filter(joint_case_ref=joint_case_ref)


# --- checks --------------------------------------------------------------------------


def require_writer(user: User | None) -> None:
    if user is not None:
        require_role(user, *WRITER_ROLES)


def require_local(record: Record) -> None:
    if record.origin != this_node().id:
        raise PermissionDenied(
            _("This record belongs to node %(origin)s; only its origin may change it.")
            % {"origin": record.origin}
        )


def _owner(user: User | None, owner_unit: Unit | None) -> Unit:
    unit = owner_unit or (user.unit if user is not None and user.unit_id else None)
    unit = unit or ministry_unit()
    if user is not None:
        require_unit_access(user, unit)
    return unit


def stamp_new(record: Record, owner_unit: Unit, now: dt.datetime | None = None) -> None:
    node = this_node()
    now = now or timezone.now()
    record.origin = node.id
    record.origin_country = node.country
    record.version = 1
    record.created_at = record.updated_at = now
    record.owner_unit = owner_unit
    if not record.uuid:
        record.uuid = uuid_module.uuid4()


def _bump(record: Record) -> None:
    record.version += 1
    record.updated_at = timezone.now()


def _apply(record: models.Model, data: dict[str, Any]) -> list[str]:
    changed = []
    for field, value in data.items():
        if getattr(record, field) != value:
            setattr(record, field, value)
            changed.append(field)
    return changed


def _save_new(record: R, action: str, user: User | None, source: str, **detail: Any) -> R:
    record.full_clean()
    record.save()
    audit.record(action, record, actor=actor_for(user, source), **detail)
    return record


def _save_changes(
    record: R, changes: dict[str, Any], action: str, user: User | None, source: str
) -> tuple[R, list[str]]:
    require_writer(user)
    require_local(record)
    if user is not None:
        require_unit_access(user, record.owner_unit)
        if "owner_unit" in changes:
            require_unit_access(user, changes["owner_unit"])
    changed = _apply(record, changes)
    if changed:
        _bump(record)
        record.full_clean()
        record.save()
        audit.record(action, record, actor=actor_for(user, source), changes=sorted(changed))
    return record, changed


# --- cases ---------------------------------------------------------------------------


@transaction.atomic
def create_case(
    *, user: User | None, owner_unit: Unit | None = None, source: str = "", **data: Any
) -> DrugCase:
    require_writer(user)
    case = DrugCase(**data)
    stamp_new(case, _owner(user, owner_unit))
    if DrugCase.objects.filter(origin=case.origin, case_ref=case.case_ref).exists():
        raise ValidationError({"case_ref": _("A case with this reference already exists.")})
    _save_new(case, "case.create", user, source, case_ref=case.case_ref)
    tallies.add_records(cases=[case])
    return case


@transaction.atomic
def update_case(case: DrugCase, *, user: User | None, source: str = "", **changes: Any) -> DrugCase:
    with tallies.recount(DrugCase, [case.pk]):
        case, changed = _save_changes(case, changes, "case.update", user, source)
        if {"detected_on", "province"} & set(changed):
            # Keep the statistics copies on the case's persons and seizures in step.
            for model in (Person, Seizure):
                model.objects.filter(case=case).update(
                    detected_on=case.detected_on, province=case.province
                )
    return case


# --- persons -------------------------------------------------------------------------


def _birth_fields(birth_date: Any) -> dict[str, Any]:
    try:
        text, precision, year, month, day = parse_partial_date(birth_date)
    except ValueError as exc:
        raise ValidationError({"birth_date": str(exc)}) from exc
    return {
        "birth_date": text,
        "birth_precision": precision,
        "birth_year": year,
        "birth_month": month,
        "birth_day": day,
    }


@transaction.atomic
def create_person(*, user: User | None, case: DrugCase, source: str = "", **data: Any) -> Person:
    require_writer(user)
    require_local(case)
    if user is not None:
        require_unit_access(user, case.owner_unit)
    data.update(_birth_fields(data.pop("birth_date", "")))
    data["nationality"] = (data.get("nationality") or "").upper()
    person = Person(case=case, detected_on=case.detected_on, province=case.province, **data)
    stamp_new(person, case.owner_unit)
    if Person.objects.filter(case=case, person_ref=person.person_ref).exists():
        raise ValidationError(
            {"person_ref": _("This case already has a person with this reference.")}
        )
    _save_new(person, "person.create", user, source, case=case.case_ref)
    tallies.add_records(persons=[person])
    return person


@transaction.atomic
def update_person(person: Person, *, user: User | None, source: str = "", **changes: Any) -> Person:
    if "birth_date" in changes:
        changes.update(_birth_fields(changes.pop("birth_date")))
    if "nationality" in changes:
        changes["nationality"] = (changes["nationality"] or "").upper()
    with tallies.recount(Person, [person.pk]):
        return _save_changes(person, changes, "person.update", user, source)[0]


# --- seizures ------------------------------------------------------------------------


def _next_key(case: DrugCase, drug: str, unit: str, quantity: Decimal) -> str:
    prefix = f"{drug}|{unit}|{quantity_text(quantity)}|"
    taken = {
        k.rsplit("|", 1)[1]
        for k in Seizure.objects.filter(case=case, natural_key__startswith=prefix).values_list(
            "natural_key", flat=True
        )
    }
    n = 1
    while str(n) in taken:
        n += 1
    return seizure_key(drug, unit, quantity, n)


@transaction.atomic
def create_seizure(
    *,
    user: User | None,
    case: DrugCase,
    drug: Any,
    quantity: Decimal,
    unit: str,
    source: str = "",
    **data: Any,
) -> Seizure:
    require_writer(user)
    require_local(case)
    if user is not None:
        require_unit_access(user, case.owner_unit)
    drug_code = getattr(drug, "code", drug)
    quantity = Decimal(quantity)
    if quantity <= 0:
        raise ValidationError({"quantity": _("The quantity must be greater than 0.")})
    seizure = Seizure(
        case=case,
        drug_id=drug_code,
        quantity=quantity,
        unit=unit,
        detected_on=case.detected_on,
        province=case.province,
        natural_key=_next_key(case, drug_code, unit, quantity),
        **data,
    )
    stamp_new(seizure, case.owner_unit)
    _save_new(seizure, "seizure.create", user, source, case=case.case_ref)
    tallies.add_records(seizures=[seizure])
    return seizure


@transaction.atomic
def update_seizure(
    seizure: Seizure, *, user: User | None, source: str = "", **changes: Any
) -> Seizure:
    if "drug" in changes:
        changes["drug_id"] = getattr(changes["drug"], "code", changes.pop("drug"))
        changes.pop("drug", None)
    if "quantity" in changes:
        changes["quantity"] = Decimal(changes["quantity"])
        if changes["quantity"] <= 0:
            raise ValidationError({"quantity": _("The quantity must be greater than 0.")})
    new = {
        "drug": changes.get("drug_id", seizure.drug_id),
        "unit": changes.get("unit", seizure.unit),
        "quantity": changes.get("quantity", seizure.quantity),
    }
    if (new["drug"], new["unit"], Decimal(new["quantity"])) != (
        seizure.drug_id,
        seizure.unit,
        Decimal(seizure.quantity),
    ):
        changes["natural_key"] = _next_key(seizure.case, new["drug"], new["unit"], new["quantity"])
    with tallies.recount(Seizure, [seizure.pk]):
        return _save_changes(seizure, changes, "seizure.update", user, source)[0]


# --- rings, hotspots, cultivation sites, precursor incidents --------------------------

_REF_FIELD = {
    "rings": "ring_ref",
    "hotspots": "hotspot_ref",
    "cultivation-sites": "site_ref",
    "precursor-incidents": "incident_ref",
}


def next_ref(model: type[Record]) -> str:
    """A fresh reference like ``HS-000042`` for records created without one."""
    prefix = {"rings": "RG", "hotspots": "HS", "cultivation-sites": "CS"}.get(
        model.record_kind, "PI"
    )
    last = model.objects.aggregate(m=Max("id"))["m"] or 0  # type: ignore[attr-defined]
    return f"{prefix}-{last + 1:06d}"


@transaction.atomic
def create_record(
    model: type[R],
    *,
    user: User | None,
    owner_unit: Unit | None = None,
    source: str = "",
    members: list[Person] | None = None,
    **data: Any,
) -> R:
    """Create a ring, hotspot, cultivation site or precursor incident."""
    require_writer(user)
    ref_field = _REF_FIELD[model.record_kind]
    if not data.get(ref_field):
        data[ref_field] = next_ref(model)
    record = model(**data)
    stamp_new(record, _owner(user, owner_unit))
    if model.objects.filter(origin=record.origin, **{ref_field: data[ref_field]}).exists():  # type: ignore[attr-defined]
        raise ValidationError({ref_field: _("A record with this reference already exists.")})
    kind = model.record_kind.rstrip("s").replace("-site", "_site").replace("-incident", "_incident")
    _save_new(record, f"{kind}.create", user, source, ref=data[ref_field])
    if members is not None:
        record.members.set(members)  # type: ignore[attr-defined]
    return record


@transaction.atomic
def update_record(
    record: R,
    *,
    user: User | None,
    source: str = "",
    members: list[Person] | None = None,
    **changes: Any,
) -> R:
    kind = (
        record.record_kind.rstrip("s").replace("-site", "_site").replace("-incident", "_incident")
    )
    record, changed = _save_changes(record, changes, f"{kind}.update", user, source)
    if members is not None:
        before = set(record.members.values_list("id", flat=True))  # type: ignore[attr-defined]
        after = {p.id for p in members}
        if before != after:
            record.members.set(members)  # type: ignore[attr-defined]
            if not changed:
                _bump(record)
                record.save(update_fields=["version", "updated_at"])
            audit.record(
                f"{kind}.members", record, actor=actor_for(user, source), members=len(after)
            )
    return record


# --- serialisation -------------------------------------------------------------------


def to_dict(record: Record) -> dict[str, Any]:
    """The record's own fields as JSON-ready values (foreign keys as codes / uuids)."""
    out: dict[str, Any] = {"kind": record.record_kind}
    for field in record._meta.concrete_fields:
        if field.name in {"id", "owner_unit"}:
            continue
        value = getattr(record, field.attname)
        if field.name == "province":
            value = record.province.code  # type: ignore[attr-defined]
        elif field.name == "case":
            value = str(record.case.uuid) if record.case_id else None  # type: ignore[attr-defined]
        elif isinstance(value, Decimal):
            value = quantity_text(value)
        elif isinstance(value, dt.date | dt.datetime | uuid_module.UUID):
            value = value.isoformat() if not isinstance(value, uuid_module.UUID) else str(value)
        elif hasattr(value, "name") and field.get_internal_type() in {"FileField", "ImageField"}:
            value = value.name or ""
        out[field.name] = value
    if hasattr(record, "members") and record.pk:
        out["members"] = [str(u) for u in record.members.values_list("uuid", flat=True)]  # type: ignore[attr-defined]
    return out
