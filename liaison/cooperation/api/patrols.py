"""REST API of joint patrols and operations, with their results."""

import datetime as dt
from typing import Annotated, Any
from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import FilterLookup, Query, Router, Schema
from ninja.pagination import paginate

from liaison.cooperation.models.patrols import Patrol
from liaison.cooperation.services import patrols as service
from liaison.cooperation.services.common import get_visible, visible
from liaison.core.listing import KeysetPagination, ListFilter
from liaison.core.middleware import request_user as _user
from liaison.core.schemas import RecordOut

router = Router()


class ResultOut(Schema):
    uuid: UUID
    at: dt.datetime
    arrests: int
    seizures: list[str]
    persons: list[str]
    cases: list[str]
    note: str
    by_unit: str
    origin_country: str


class PatrolOut(RecordOut):
    reference: str
    kind: str
    title: str
    plan: str
    area: str
    gates: list[str]
    units: list[dict[str, Any]]
    starts_on: dt.date
    ends_on: dt.date
    status: str
    partner_country: str
    partner_unit_code: str
    partner_unit_name: str
    results: list[ResultOut]
    totals: dict[str, int]

    @staticmethod
    def resolve_results(obj: Patrol) -> list[Any]:
        return list(obj.results.all())

    @staticmethod
    def resolve_totals(obj: Patrol) -> dict[str, int]:
        return service.patrol_totals(obj)


class PatrolIn(Schema):
    title: str
    kind: str = "patrol"
    starts_on: dt.date
    ends_on: dt.date
    plan: str = ""
    area: str = ""
    gates: list[str] = []
    units: list[dict[str, str]] = []
    partner: str = ""
    partner_unit_code: str = ""
    partner_unit_name: str = ""
    tlp: str = "AMBER"
    handling: str = "H0"
    share_now: bool = False


class ResultIn(Schema):
    arrests: int = 0
    seizures: list[str] = []
    persons: list[str] = []
    cases: list[str] = []
    note: str = ""


class StatusIn(Schema):
    status: str


class PatrolFilter(ListFilter):
    status: str | None = None
    kind: str | None = None
    # A patrol is in the period if it overlaps it.
    date_from: Annotated[dt.date | None, FilterLookup("ends_on__gte")] = None
    date_to: Annotated[dt.date | None, FilterLookup("starts_on__lte")] = None


@router.get("/patrols", response=list[PatrolOut])
@paginate(KeysetPagination, order=("-starts_on", "-id"))
def list_patrols(request: HttpRequest, filters: Query[PatrolFilter]) -> QuerySet[Patrol]:
    """Latest start first. Filters: ``status``, ``kind`` (patrol / operation), ``date_from``,
    ``date_to`` (patrols overlapping the period)."""
    qs = visible(Patrol, _user(request)).select_related("owner_unit")
    return filters.filter(qs.prefetch_related("results"))


@router.get("/patrols/{uuid}", response=PatrolOut)
def get_patrol(request: HttpRequest, uuid: UUID) -> Patrol:
    return get_visible(Patrol, _user(request), uuid=uuid)


@router.post("/patrols", response={201: PatrolOut})
def plan_patrol(request: HttpRequest, payload: PatrolIn) -> tuple[int, Patrol]:
    data = payload.dict()
    data["partner"] = data["partner"] or None
    return 201, service.plan_patrol(_user(request), **data)


@router.post("/patrols/{uuid}/status", response=PatrolOut)
def patrol_status(request: HttpRequest, uuid: UUID, payload: StatusIn) -> Patrol:
    patrol = get_visible(Patrol, _user(request), uuid=uuid)
    return service.set_patrol_status(_user(request), patrol, payload.status)


@router.post("/patrols/{uuid}/results", response={201: PatrolOut})
def patrol_result(request: HttpRequest, uuid: UUID, payload: ResultIn) -> tuple[int, Patrol]:
    patrol = get_visible(Patrol, _user(request), uuid=uuid)
    service.add_patrol_result(_user(request), patrol, **payload.dict())
    return 201, patrol
