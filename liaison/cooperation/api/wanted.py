"""REST API of wanted notices: list, issue, lifecycle events, withdrawal, delivery to the
partners, and our wanted persons abroad."""

import datetime as dt
from typing import Annotated, Any
from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import FilterLookup, Query, Router, Schema
from ninja.pagination import paginate

from liaison.cooperation import federation
from liaison.cooperation.api.common import SideFilter
from liaison.cooperation.models.wanted import WantedNotice
from liaison.cooperation.services import wanted as service
from liaison.cooperation.services.common import get_visible, visible
from liaison.core.listing import Code, KeysetPagination
from liaison.core.middleware import request_user as _user
from liaison.core.schemas import RecordOut

router = Router()


class EventOut(Schema):
    uuid: UUID
    status: str
    at: dt.datetime
    place: str
    reason: str
    by_unit: str
    by_user: str
    origin_country: str
    created_at: dt.datetime


class NoticeOut(RecordOut):
    reference: str
    notice_type: str
    status: str
    full_name: str
    latin_name: str
    other_names: list[str]
    sex: str
    birth_date: str
    nationality: str
    id_documents: list[dict[str, Any]]
    description: str
    photos: list[dict[str, Any]]
    offences: str
    warrant_reference: str
    warrant_date: dt.date | None
    issuing_unit_name: str
    believed_country: str
    believed_location: str
    issued_at: dt.datetime
    withdrawn_at: dt.datetime | None
    withdrawal_reason: str
    events: list[EventOut]

    @staticmethod
    def resolve_events(obj: WantedNotice) -> list[Any]:
        return list(obj.events.all())


class NoticeIn(Schema):
    notice_type: str
    full_name: str = ""
    latin_name: str = ""
    other_names: list[str] = []
    sex: str = ""
    birth_date: str = ""
    nationality: str = ""
    id_documents: list[dict[str, str]] = []
    description: str = ""
    offences: str = ""
    warrant_reference: str = ""
    warrant_date: dt.date | None = None
    issuing_unit_name: str = ""
    believed_country: str = ""
    believed_location: str = ""
    tlp: str = "AMBER"
    handling: str = "H0"
    send_to_partner: bool = True


class EventIn(Schema):
    status: str
    at: dt.datetime | None = None
    place: str = ""
    reason: str = ""


class WithdrawIn(Schema):
    reason: str = ""


class NoticeFilter(SideFilter):
    status: str | None = None
    notice_type: str | None = None
    believed_country: Code | None = None
    q: Annotated[
        str | None,
        FilterLookup(["full_name__icontains", "latin_name__icontains", "reference__icontains"]),
    ] = None


def _audit_notice_list(request: HttpRequest, notices: list[WantedNotice]) -> None:
    service.read_notices(notices, _user(request), via="api list")


@router.get("/wanted-notices", response=list[NoticeOut])
@paginate(KeysetPagination, order=("-issued_at", "-id"), on_page=_audit_notice_list)
def list_notices(request: HttpRequest, filters: Query[NoticeFilter]) -> QuerySet[WantedNotice]:
    """Newest issued first. Filters: ``status``, ``notice_type`` (red / blue), ``direction``
    (local = ours, partner = received), ``believed_country``, ``q`` (name, romanised name,
    reference). Every notice returned is recorded in the audit log."""
    qs = visible(WantedNotice, _user(request)).select_related("owner_unit")
    return filters.filter(qs.prefetch_related("events"))


@router.get("/wanted-notices/abroad")
def wanted_abroad(request: HttpRequest, country: str = "") -> dict[str, Any]:
    """Our wanted persons believed to be in the partner country, counted by status."""
    summary = service.wanted_abroad_summary(_user(request), country.upper() or None)
    return {k: v for k, v in summary.items() if k != "notices"}


@router.get("/wanted-notices/{uuid}", response=NoticeOut)
def get_notice(request: HttpRequest, uuid: UUID) -> WantedNotice:
    notice = get_visible(WantedNotice, _user(request), uuid=uuid)
    service.read_notices([notice], _user(request), via="api")
    return notice


@router.post("/wanted-notices", response={201: NoticeOut})
def issue_notice(request: HttpRequest, payload: NoticeIn) -> tuple[int, WantedNotice]:
    return 201, service.issue_wanted_notice(_user(request), **payload.dict())


@router.post("/wanted-notices/{uuid}/events", response={201: NoticeOut})
def add_event(request: HttpRequest, uuid: UUID, payload: EventIn) -> tuple[int, WantedNotice]:
    """Record located / arrested / handed_over / extradited (either side)."""
    notice = get_visible(WantedNotice, _user(request), uuid=uuid)
    service.add_wanted_event(_user(request), notice, **payload.dict())
    return 201, notice


@router.post("/wanted-notices/{uuid}/withdraw", response=NoticeOut)
def withdraw_notice(request: HttpRequest, uuid: UUID, payload: WithdrawIn) -> WantedNotice:
    notice = get_visible(WantedNotice, _user(request), uuid=uuid)
    return service.withdraw_wanted_notice(_user(request), notice, payload.reason)


@router.get("/wanted-notices/{uuid}/delivery")
def notice_delivery(request: HttpRequest, uuid: UUID) -> list[dict[str, Any]]:
    """Per partner: which version it holds; for a withdrawn notice, whether it confirmed."""
    notice = get_visible(WantedNotice, _user(request), uuid=uuid)
    if notice.withdrawn_at:
        return service.cancellation_status(notice)
    return federation.delivery(notice)
