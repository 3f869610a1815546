"""REST API for national records: /api/v1/cases, persons, seizures, hotspots, rings,
cultivation-sites, precursor-incidents, drugs. Lists are keyset-paginated and filterable
(:mod:`liaison.core.listing`); access follows the unit tree (another unit's record is 404);
writes go through ``liaison.crime.services``."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import FilterLookup, Query, Router, Schema, Status
from ninja.pagination import paginate

from liaison.core.gazetteer import GazetteerError, resolve_province
from liaison.core.listing import Code, KeysetPagination, ListFilter
from liaison.core.middleware import api_source as _source
from liaison.core.middleware import request_user as _user
from liaison.core.models import Province
from liaison.core.schemas import RecordOut
from liaison.crime import services
from liaison.crime.models import (
    CultivationSite,
    Drug,
    DrugCase,
    Hotspot,
    Person,
    PrecursorIncident,
    Seizure,
    TraffickingRing,
)
from liaison.crime.values import parse_drug, parse_unit

router = Router(tags=["crime"])


def _province(code: str, day: dt.date | None, field: str = "province") -> Province:
    try:
        return resolve_province(code, day)
    except GazetteerError as exc:
        raise ValidationError({field: str(exc)}) from exc


# --- cases ---------------------------------------------------------------------------


class CaseOut(RecordOut):
    case_ref: str
    detected_on: dt.date
    province: str
    district: str
    commune: str
    summary: str
    status: str
    route: str
    transport_mode: str
    joint_case_ref: str

    @staticmethod
    def resolve_province(obj: DrugCase) -> str:
        return str(obj.province.code)


class CaseIn(Schema):
    case_ref: str
    detected_on: dt.date
    province: str
    district: str = ""
    commune: str = ""
    summary: str = ""
    status: str = "open"
    route: str = ""
    transport_mode: str = ""
    joint_case_ref: str = ""
    tlp: str = "AMBER"
    handling: str = "H0"


class CasePatch(Schema):
    detected_on: dt.date | None = None
    province: str | None = None
    district: str | None = None
    commune: str | None = None
    summary: str | None = None
    status: str | None = None
    route: str | None = None
    transport_mode: str | None = None
    joint_case_ref: str | None = None
    tlp: str | None = None
    handling: str | None = None


class CaseFilter(ListFilter):
    q: Annotated[str | None, FilterLookup(["case_ref__icontains", "summary__icontains"])] = None
    province: Annotated[Code | None, FilterLookup("province__code")] = None
    status: str | None = None
    date_from: Annotated[dt.date | None, FilterLookup("detected_on__gte")] = None
    date_to: Annotated[dt.date | None, FilterLookup("detected_on__lte")] = None
    joint_case_ref: str | None = None


@router.get("/cases", response=list[CaseOut])
@paginate(KeysetPagination, order=("-detected_on", "-id"))
def list_cases(request: HttpRequest, filters: Query[CaseFilter]) -> QuerySet[DrugCase]:
    """Newest detection first. Filters: ``q`` (reference or summary), ``province`` (code),
    ``status``, ``date_from``, ``date_to`` (detection date), ``joint_case_ref``."""
    qs = services.visible(DrugCase, _user(request)).select_related("province", "owner_unit")
    return filters.filter(qs)


@router.get("/cases/{uuid}", response=CaseOut)
def get_case(request: HttpRequest, uuid: UUID) -> DrugCase:
    return services.get_visible(DrugCase, _user(request), uuid=uuid)


@router.post("/cases", response={201: CaseOut})
def create_case(request: HttpRequest, payload: CaseIn) -> Status:
    data = payload.dict()
    data["province"] = _province(data["province"], data["detected_on"])
    return Status(201, services.create_case(user=_user(request), source=_source(request), **data))


@router.patch("/cases/{uuid}", response=CaseOut)
def update_case(request: HttpRequest, uuid: UUID, payload: CasePatch) -> DrugCase:
    case = services.get_visible(DrugCase, _user(request), uuid=uuid)
    changes = payload.dict(exclude_none=True)
    if "province" in changes:
        changes["province"] = _province(
            changes["province"], changes.get("detected_on", case.detected_on)
        )
    return services.update_case(case, user=_user(request), source=_source(request), **changes)


# --- persons -------------------------------------------------------------------------


class PersonOut(RecordOut):
    case: UUID
    case_ref: str
    person_ref: str
    full_name: str
    latin_name: str
    sex: str
    birth_date: str
    birth_precision: str
    nationality: str
    id_number: str
    phones: str
    role: str

    @staticmethod
    def resolve_case(obj: Person) -> UUID:
        return obj.case.uuid

    @staticmethod
    def resolve_case_ref(obj: Person) -> str:
        return obj.case.case_ref


class PersonIn(Schema):
    case: UUID
    person_ref: str
    full_name: str
    latin_name: str = ""
    sex: str = ""
    birth_date: str = ""
    nationality: str = ""
    id_number: str = ""
    phones: str = ""
    role: str = "defendant"
    tlp: str = "AMBER"
    handling: str = "H0"


class PersonPatch(Schema):
    full_name: str | None = None
    latin_name: str | None = None
    sex: str | None = None
    birth_date: str | None = None
    nationality: str | None = None
    id_number: str | None = None
    phones: str | None = None
    role: str | None = None
    tlp: str | None = None
    handling: str | None = None


def _audit_person_list(request: HttpRequest, persons: list[Person]) -> None:
    services.read_persons(persons, user=_user(request), source=_source(request), via="api list")


class PersonFilter(ListFilter):
    q: Annotated[
        str | None, FilterLookup(["full_name__icontains", "latin_name__icontains", "id_number"])
    ] = None
    nationality: Code | None = None
    role: str | None = None
    case: Annotated[UUID | None, FilterLookup("case__uuid")] = None


@router.get("/persons", response=list[PersonOut])
@paginate(KeysetPagination, order=("-id",), on_page=_audit_person_list)
def list_persons(request: HttpRequest, filters: Query[PersonFilter]) -> QuerySet[Person]:
    """Newest first. Filters: ``q`` (name, romanised name, identity number), ``nationality``,
    ``role``, ``case`` (uuid). Every person returned is recorded in the audit log."""
    qs = services.visible(Person, _user(request)).select_related("case", "owner_unit")
    return filters.filter(qs)


@router.get("/persons/{uuid}", response=PersonOut)
def get_person(request: HttpRequest, uuid: UUID) -> Person:
    person = services.get_visible(Person, _user(request), uuid=uuid)
    return services.read_person(person, user=_user(request), source=_source(request), via="api")


@router.post("/persons", response={201: PersonOut})
def create_person(request: HttpRequest, payload: PersonIn) -> Status:
    data = payload.dict()
    case = services.get_visible(DrugCase, _user(request), uuid=data.pop("case"))
    return Status(
        201, services.create_person(user=_user(request), case=case, source=_source(request), **data)
    )


@router.patch("/persons/{uuid}", response=PersonOut)
def update_person(request: HttpRequest, uuid: UUID, payload: PersonPatch) -> Person:
    person = services.get_visible(Person, _user(request), uuid=uuid)
    return services.update_person(
        person, user=_user(request), source=_source(request), **payload.dict(exclude_none=True)
    )


# --- seizures ------------------------------------------------------------------------


class SeizureOut(RecordOut):
    case: UUID
    case_ref: str
    drug: str
    quantity: Decimal
    unit: str
    detected_on: dt.date
    province: str

    @staticmethod
    def resolve_case(obj: Seizure) -> UUID:
        return obj.case.uuid

    @staticmethod
    def resolve_case_ref(obj: Seizure) -> str:
        return obj.case.case_ref

    @staticmethod
    def resolve_drug(obj: Seizure) -> str:
        return obj.drug_id

    @staticmethod
    def resolve_province(obj: Seizure) -> str:
        return str(obj.province.code)


class SeizureIn(Schema):
    case: UUID
    drug: str
    quantity: Decimal
    unit: str
    tlp: str = "AMBER"
    handling: str = "H0"


class SeizurePatch(Schema):
    drug: str | None = None
    quantity: Decimal | None = None
    unit: str | None = None


def _check_drug_unit(data: dict[str, Any]) -> None:
    try:
        if "drug" in data:
            data["drug"] = parse_drug(data["drug"])
        if "unit" in data:
            data["unit"] = parse_unit(data["unit"])
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc


class SeizureFilter(ListFilter):
    drug: Annotated[str | None, FilterLookup("drug_id")] = None
    unit: str | None = None
    province: Annotated[Code | None, FilterLookup("province__code")] = None
    case: Annotated[UUID | None, FilterLookup("case__uuid")] = None
    date_from: Annotated[dt.date | None, FilterLookup("detected_on__gte")] = None
    date_to: Annotated[dt.date | None, FilterLookup("detected_on__lte")] = None


@router.get("/seizures", response=list[SeizureOut])
@paginate(KeysetPagination, order=("-id",))
def list_seizures(request: HttpRequest, filters: Query[SeizureFilter]) -> QuerySet[Seizure]:
    """Newest first. Filters: ``drug`` (code), ``unit``, ``province`` (code), ``case`` (uuid),
    ``date_from``, ``date_to`` (the case's detection date)."""
    qs = services.visible(Seizure, _user(request)).select_related("case", "province", "owner_unit")
    return filters.filter(qs)


@router.get("/seizures/{uuid}", response=SeizureOut)
def get_seizure(request: HttpRequest, uuid: UUID) -> Seizure:
    return services.get_visible(Seizure, _user(request), uuid=uuid)


@router.post("/seizures", response={201: SeizureOut})
def create_seizure(request: HttpRequest, payload: SeizureIn) -> Status:
    data = payload.dict()
    _check_drug_unit(data)
    case = services.get_visible(DrugCase, _user(request), uuid=data.pop("case"))
    return Status(
        201,
        services.create_seizure(user=_user(request), case=case, source=_source(request), **data),
    )


@router.patch("/seizures/{uuid}", response=SeizureOut)
def update_seizure(request: HttpRequest, uuid: UUID, payload: SeizurePatch) -> Seizure:
    seizure = services.get_visible(Seizure, _user(request), uuid=uuid)
    changes = payload.dict(exclude_none=True)
    _check_drug_unit(changes)
    return services.update_seizure(seizure, user=_user(request), source=_source(request), **changes)


# --- hotspots and rings --------------------------------------------------------------


class HotspotOut(RecordOut):
    hotspot_ref: str
    name: str
    kind: str
    province: str
    district: str
    commune: str
    latitude: float | None
    longitude: float | None
    status: str
    identified_on: dt.date
    eradicated_on: dt.date | None
    notes: str

    @staticmethod
    def resolve_province(obj: Hotspot) -> str:
        return str(obj.province.code)


class HotspotIn(Schema):
    hotspot_ref: str = ""
    name: str
    kind: str
    province: str
    district: str = ""
    commune: str = ""
    latitude: float | None = None
    longitude: float | None = None
    status: str = "active"
    identified_on: dt.date
    eradicated_on: dt.date | None = None
    notes: str = ""


class HotspotPatch(Schema):
    name: str | None = None
    kind: str | None = None
    status: str | None = None
    eradicated_on: dt.date | None = None
    notes: str | None = None


class HotspotFilter(ListFilter):
    q: Annotated[str | None, FilterLookup(["name__icontains", "hotspot_ref__icontains"])] = None
    province: Annotated[Code | None, FilterLookup("province__code")] = None
    status: str | None = None
    kind: str | None = None


@router.get("/hotspots", response=list[HotspotOut])
@paginate(KeysetPagination, order=("-id",))
def list_hotspots(request: HttpRequest, filters: Query[HotspotFilter]) -> QuerySet[Hotspot]:
    """Newest first. Filters: ``q`` (name or reference), ``province``, ``status``, ``kind``."""
    qs = services.visible(Hotspot, _user(request)).select_related("province", "owner_unit")
    return filters.filter(qs)


@router.get("/hotspots/{uuid}", response=HotspotOut)
def get_hotspot(request: HttpRequest, uuid: UUID) -> Hotspot:
    return services.get_visible(Hotspot, _user(request), uuid=uuid)


@router.post("/hotspots", response={201: HotspotOut})
def create_hotspot(request: HttpRequest, payload: HotspotIn) -> Status:
    data = payload.dict()
    data["province"] = _province(data["province"], data["identified_on"])
    return Status(
        201, services.create_record(Hotspot, user=_user(request), source=_source(request), **data)
    )


@router.patch("/hotspots/{uuid}", response=HotspotOut)
def update_hotspot(request: HttpRequest, uuid: UUID, payload: HotspotPatch) -> Hotspot:
    hotspot = services.get_visible(Hotspot, _user(request), uuid=uuid)
    return services.update_record(
        hotspot, user=_user(request), source=_source(request), **payload.dict(exclude_none=True)
    )


class RingOut(RecordOut):
    ring_ref: str
    name: str
    province: str
    leader: str
    route: str
    summary: str
    status: str
    identified_on: dt.date | None
    dismantled_on: dt.date | None
    members: list[UUID]

    @staticmethod
    def resolve_province(obj: TraffickingRing) -> str:
        return str(obj.province.code)

    @staticmethod
    def resolve_members(obj: TraffickingRing) -> list[UUID]:
        return [p.uuid for p in obj.members.all()]


class RingIn(Schema):
    ring_ref: str = ""
    name: str
    province: str
    leader: str = ""
    route: str = ""
    summary: str = ""
    status: str = "active"
    identified_on: dt.date | None = None
    dismantled_on: dt.date | None = None
    members: list[UUID] = []


class RingPatch(Schema):
    name: str | None = None
    leader: str | None = None
    route: str | None = None
    summary: str | None = None
    status: str | None = None
    dismantled_on: dt.date | None = None
    members: list[UUID] | None = None


def _members(request: HttpRequest, uuids: list[UUID] | None) -> list[Person] | None:
    if uuids is None:
        return None
    found = list(services.visible(Person, _user(request)).filter(uuid__in=uuids))
    if len(found) != len(set(uuids)):
        raise ValidationError({"members": "unknown person"})
    return found


class RingFilter(ListFilter):
    q: Annotated[
        str | None, FilterLookup(["name__icontains", "ring_ref__icontains", "leader__icontains"])
    ] = None
    province: Annotated[Code | None, FilterLookup("province__code")] = None
    status: str | None = None


@router.get("/rings", response=list[RingOut])
@paginate(KeysetPagination, order=("-id",))
def list_rings(request: HttpRequest, filters: Query[RingFilter]) -> QuerySet[TraffickingRing]:
    """Newest first. Filters: ``q`` (name, reference or leader), ``province``, ``status``."""
    qs = (
        services.visible(TraffickingRing, _user(request))
        .select_related("province", "owner_unit")
        .prefetch_related("members")
    )
    return filters.filter(qs)


@router.get("/rings/{uuid}", response=RingOut)
def get_ring(request: HttpRequest, uuid: UUID) -> TraffickingRing:
    return services.get_visible(TraffickingRing, _user(request), uuid=uuid)


@router.post("/rings", response={201: RingOut})
def create_ring(request: HttpRequest, payload: RingIn) -> Status:
    data = payload.dict()
    members = _members(request, data.pop("members"))
    data["province"] = _province(data["province"], data.get("identified_on"))
    return Status(
        201,
        services.create_record(
            TraffickingRing, user=_user(request), source=_source(request), members=members, **data
        ),
    )


@router.patch("/rings/{uuid}", response=RingOut)
def update_ring(request: HttpRequest, uuid: UUID, payload: RingPatch) -> TraffickingRing:
    ring = services.get_visible(TraffickingRing, _user(request), uuid=uuid)
    changes = payload.dict(exclude_none=True)
    members = _members(request, changes.pop("members", None))
    return services.update_record(
        ring, user=_user(request), source=_source(request), members=members, **changes
    )


# --- cultivation sites, precursor incidents (read) and the taxonomy --------------------


class SiteOut(RecordOut):
    site_ref: str
    province: str
    district: str
    crop: str
    plants: int
    area_ha: Decimal
    found_on: dt.date
    destroyed_on: dt.date | None

    @staticmethod
    def resolve_province(obj: CultivationSite) -> str:
        return str(obj.province.code)

    @staticmethod
    def resolve_crop(obj: CultivationSite) -> str:
        return obj.crop_id


class ProvinceFilter(ListFilter):
    province: Annotated[Code | None, FilterLookup("province__code")] = None


@router.get("/cultivation-sites", response=list[SiteOut])
@paginate(KeysetPagination, order=("-id",))
def list_sites(request: HttpRequest, filters: Query[ProvinceFilter]) -> QuerySet[CultivationSite]:
    """Newest first. Filter: ``province`` (code)."""
    qs = services.visible(CultivationSite, _user(request)).select_related("province", "owner_unit")
    return filters.filter(qs)


class PrecursorOut(RecordOut):
    incident_ref: str
    occurred_on: dt.date
    province: str
    chemical: str
    convention_table: str
    quantity: Decimal
    unit: str
    summary: str

    @staticmethod
    def resolve_province(obj: PrecursorIncident) -> str:
        return str(obj.province.code)


@router.get("/precursor-incidents", response=list[PrecursorOut])
@paginate(KeysetPagination, order=("-id",))
def list_precursors(
    request: HttpRequest, filters: Query[ProvinceFilter]
) -> QuerySet[PrecursorIncident]:
    """Newest first. Filter: ``province`` (code)."""
    qs = services.visible(PrecursorIncident, _user(request)).select_related(
        "province", "owner_unit"
    )
    return filters.filter(qs)


class DrugOut(Schema):
    code: str
    category: str
    name_en: str
    name_vi: str
    name_lo: str
    name_ru: str
    default_unit: str


@router.get("/drugs", response=list[DrugOut])
def list_drugs(request: HttpRequest) -> QuerySet[Drug]:
    return Drug.objects.all()
