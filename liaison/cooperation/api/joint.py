"""REST API of joint cases and their entries."""

import datetime as dt
from typing import Annotated, Any
from uuid import UUID

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import FilterLookup, Query, Router, Schema
from ninja.pagination import paginate

from liaison.cooperation.api.common import SideFilter
from liaison.cooperation.models.joint import JointCase, JointCaseEntry
from liaison.cooperation.services import joint as service
from liaison.cooperation.services.common import get_visible, visible
from liaison.core.listing import KeysetPagination
from liaison.core.middleware import request_user as _user
from liaison.core.schemas import RecordOut

router = Router()


class EntryOut(Schema):
    uuid: UUID
    kind: str
    at: dt.datetime
    text: str
    person_name: str
    person_role: str
    assigned_to_country: str
    assigned_to: str
    due: dt.date | None
    task_status: str
    link_kind: str
    link_uuid: UUID | None
    link_label: str
    by_unit: str
    by_user: str
    origin: str
    origin_country: str
    version: int


class JointCaseOut(RecordOut):
    reference: str
    title: str
    summary: str
    partner_country: str
    partner_unit_code: str
    partner_unit_name: str
    opened_on: dt.date
    closed_on: dt.date | None
    opened_by_unit: str
    entries: list[EntryOut]

    @staticmethod
    def resolve_entries(obj: JointCase) -> list[Any]:
        return list(obj.entries.all())


class JointCaseIn(Schema):
    title: str
    summary: str = ""
    opened_on: dt.date | None = None
    partner: str = ""
    partner_unit_code: str = ""
    partner_unit_name: str = ""
    tlp: str = "AMBER"
    handling: str = "H0"
    share_now: bool = True


class JointCasePatch(Schema):
    title: str | None = None
    summary: str | None = None
    closed_on: dt.date | None = None


class EntryIn(Schema):
    kind: str
    text: str = ""
    person_name: str = ""
    person_role: str = ""
    assigned_to_country: str = ""
    assigned_to: str = ""
    due: dt.date | None = None
    link_kind: str = ""
    link_uuid: UUID | None = None
    link_label: str = ""


class EntryPatch(Schema):
    text: str | None = None
    person_name: str | None = None
    person_role: str | None = None
    assigned_to: str | None = None
    due: dt.date | None = None
    task_status: str | None = None
    link_label: str | None = None


class JointCaseFilter(SideFilter):
    q: Annotated[str | None, FilterLookup(["reference__icontains", "title__icontains"])] = None
    open_only: bool | None = None
    opened_from: Annotated[dt.date | None, FilterLookup("opened_on__gte")] = None
    opened_to: Annotated[dt.date | None, FilterLookup("opened_on__lte")] = None

    def filter_open_only(self, value: bool | None) -> Q:
        return Q(closed_on__isnull=True) if value else Q()


@router.get("/joint-cases", response=list[JointCaseOut])
@paginate(KeysetPagination, order=("-opened_on", "-id"))
def list_joint_cases(request: HttpRequest, filters: Query[JointCaseFilter]) -> QuerySet[JointCase]:
    """Newest opened first. Filters: ``q`` (reference, title), ``open_only``, ``direction``
    (local / partner), ``opened_from``, ``opened_to``."""
    qs = visible(JointCase, _user(request)).select_related("owner_unit")
    return filters.filter(qs.prefetch_related("entries"))


@router.get("/joint-cases/count")
def count_joint_cases(request: HttpRequest, date_from: dt.date, date_to: dt.date) -> dict[str, Any]:
    return {
        "from": date_from,
        "to": date_to,
        "joint_cases": service.joint_case_count(date_from, date_to, user=_user(request)),
    }


@router.get("/joint-cases/{uuid}", response=JointCaseOut)
def get_joint_case(request: HttpRequest, uuid: UUID) -> JointCase:
    return get_visible(JointCase, _user(request), uuid=uuid)


@router.post("/joint-cases", response={201: JointCaseOut})
def open_joint_case(request: HttpRequest, payload: JointCaseIn) -> tuple[int, JointCase]:
    data = payload.dict()
    data["partner"] = data["partner"] or None
    return 201, service.open_joint_case(_user(request), **data)


@router.patch("/joint-cases/{uuid}", response=JointCaseOut)
def update_joint_case(request: HttpRequest, uuid: UUID, payload: JointCasePatch) -> JointCase:
    case = get_visible(JointCase, _user(request), uuid=uuid)
    return service.update_joint_case(_user(request), case, **payload.dict(exclude_none=True))


@router.post("/joint-cases/{uuid}/entries", response={201: EntryOut})
def add_entry(request: HttpRequest, uuid: UUID, payload: EntryIn) -> tuple[int, JointCaseEntry]:
    case = get_visible(JointCase, _user(request), uuid=uuid)
    data = {k: v for k, v in payload.dict().items() if k != "kind" and v not in ("", None)}
    return 201, service.add_entry(_user(request), case, payload.kind, **data)


@router.patch("/joint-cases/{uuid}/entries/{entry}", response=EntryOut)
def update_entry(
    request: HttpRequest, uuid: UUID, entry: UUID, payload: EntryPatch
) -> JointCaseEntry:
    case = get_visible(JointCase, _user(request), uuid=uuid)
    obj = get_object_or_404(JointCaseEntry, joint_case=case, uuid=entry)
    return service.update_entry(_user(request), obj, **payload.dict(exclude_none=True))
