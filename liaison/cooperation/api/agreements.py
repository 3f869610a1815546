"""REST API of agreements and plans, their action items, and meetings."""

import datetime as dt
from typing import Annotated, Any
from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import FilterLookup, Query, Router, Schema
from ninja.pagination import paginate

from liaison.cooperation.models.agreements import ActionItem, Agreement, Meeting
from liaison.cooperation.services import agreements as service
from liaison.cooperation.services.common import get_visible, visible
from liaison.core.listing import KeysetPagination, ListFilter
from liaison.core.middleware import request_user as _user
from liaison.core.schemas import RecordOut

router = Router()


class ActionOut(Schema):
    uuid: UUID
    text: str
    owner_country: str
    owner: str
    due: dt.date | None
    status: str
    progress_note: str
    origin_country: str


class AgreementOut(RecordOut):
    reference: str
    kind: str
    title: str
    parties: str
    signed_on: dt.date | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    summary: str
    attachments: list[dict[str, Any]]
    action_items: list[ActionOut]
    implementation: dict[str, Any]

    @staticmethod
    def resolve_action_items(obj: Agreement) -> list[Any]:
        return list(obj.action_items.all())

    @staticmethod
    def resolve_implementation(obj: Agreement) -> dict[str, Any]:
        return service.implementation_status(obj)


class AgreementIn(Schema):
    title: str
    kind: str = "mou"
    parties: str = ""
    signed_on: dt.date | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    summary: str = ""
    tlp: str = "GREEN"
    handling: str = "H0"
    share_now: bool = False


class ActionIn(Schema):
    text: str
    owner: str = ""
    owner_country: str = ""
    due: dt.date | None = None


class ActionPatch(Schema):
    status: str | None = None
    progress_note: str | None = None


class AgreementFilter(ListFilter):
    kind: str | None = None
    q: Annotated[str | None, FilterLookup(["title__icontains", "reference__icontains"])] = None


@router.get("/agreements", response=list[AgreementOut])
@paginate(KeysetPagination, order=("-id",))
def list_agreements(request: HttpRequest, filters: Query[AgreementFilter]) -> QuerySet[Agreement]:
    """Newest first. Filters: ``kind`` (mou / annual_plan / agreement / other), ``q`` (title
    or reference)."""
    qs = visible(Agreement, _user(request)).select_related("owner_unit")
    return filters.filter(qs.prefetch_related("action_items"))


@router.get("/agreements/{uuid}", response=AgreementOut)
def get_agreement(request: HttpRequest, uuid: UUID) -> Agreement:
    return get_visible(Agreement, _user(request), uuid=uuid)


@router.post("/agreements", response={201: AgreementOut})
def create_agreement(request: HttpRequest, payload: AgreementIn) -> tuple[int, Agreement]:
    return 201, service.create_agreement(_user(request), **payload.dict())


@router.post("/agreements/{uuid}/action-items", response={201: AgreementOut})
def add_agreement_action(
    request: HttpRequest, uuid: UUID, payload: ActionIn
) -> tuple[int, Agreement]:
    agreement = get_visible(Agreement, _user(request), uuid=uuid)
    service.add_action_item(_user(request), agreement=agreement, **payload.dict())
    return 201, agreement


@router.patch("/action-items/{uuid}", response=ActionOut)
def update_action(request: HttpRequest, uuid: UUID, payload: ActionPatch) -> ActionItem:
    item = get_visible(ActionItem, _user(request), uuid=uuid)
    return service.update_action_item(_user(request), item, **payload.dict(exclude_none=True))


class MeetingOut(RecordOut):
    reference: str
    kind: str
    title: str
    held_on: dt.date
    place: str
    participants: list[dict[str, Any]]
    minutes: str
    agreement: UUID | None
    commitments: list[ActionOut]

    @staticmethod
    def resolve_agreement(obj: Meeting) -> UUID | None:
        return obj.agreement.uuid if obj.agreement else None

    @staticmethod
    def resolve_commitments(obj: Meeting) -> list[Any]:
        return list(obj.commitments.all())


class MeetingIn(Schema):
    title: str
    held_on: dt.date
    kind: str = "meeting"
    place: str = ""
    participants: list[dict[str, str]] = []
    minutes: str = ""
    agreement: UUID | None = None
    commitments: list[ActionIn] = []
    tlp: str = "GREEN"
    handling: str = "H0"
    share_now: bool = False


class MeetingFilter(ListFilter):
    kind: str | None = None
    date_from: Annotated[dt.date | None, FilterLookup("held_on__gte")] = None
    date_to: Annotated[dt.date | None, FilterLookup("held_on__lte")] = None


@router.get("/meetings", response=list[MeetingOut])
@paginate(KeysetPagination, order=("-held_on", "-id"))
def list_meetings(request: HttpRequest, filters: Query[MeetingFilter]) -> QuerySet[Meeting]:
    """Latest first. Filters: ``kind`` (conference / meeting / working), ``date_from``,
    ``date_to``."""
    qs = visible(Meeting, _user(request)).select_related("owner_unit", "agreement")
    return filters.filter(qs.prefetch_related("commitments"))


@router.get("/meetings/{uuid}", response=MeetingOut)
def get_meeting(request: HttpRequest, uuid: UUID) -> Meeting:
    return get_visible(Meeting, _user(request), uuid=uuid)


@router.post("/meetings", response={201: MeetingOut})
def record_meeting(request: HttpRequest, payload: MeetingIn) -> tuple[int, Meeting]:
    data = payload.dict()
    if data["agreement"]:
        data["agreement"] = get_visible(Agreement, _user(request), uuid=data["agreement"])
    data["commitments"] = [c.dict() if hasattr(c, "dict") else c for c in payload.commitments]
    return 201, service.record_meeting(_user(request), **data)
