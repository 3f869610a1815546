"""REST API of assistance requests: list, send, respond, close."""

import datetime as dt
from typing import Annotated, Any
from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import FilterLookup, Query, Router, Schema
from ninja.pagination import paginate

from liaison.cooperation.api.common import FileIn, SideFilter, uploads
from liaison.cooperation.models.requests import AssistanceRequest
from liaison.cooperation.services import requests as service
from liaison.cooperation.services.common import get_visible, visible
from liaison.core.listing import KeysetPagination
from liaison.core.middleware import request_user as _user
from liaison.core.schemas import RecordOut

router = Router()


class ResponseOut(Schema):
    uuid: UUID
    kind: str
    text: str
    assignee: str
    attachments: list[dict[str, Any]]
    at: dt.datetime
    by_user: str
    by_unit: str
    origin_country: str


class RequestOut(RecordOut):
    reference: str
    request_type: str
    status: str
    overdue: bool
    from_unit_name: str
    to_country: str
    to_unit_code: str
    to_unit_name: str
    requesting_authority: str
    investigation_subject: str
    investigating_authority: str
    facts_summary: str
    assistance_sought: str
    special_procedure: str
    persons: list[dict[str, Any]]
    purpose: str
    confidential: bool
    deadline: dt.date | None
    person_description: str
    offences: list[dict[str, Any]]
    law_text: str
    penalty: str
    limitation: str
    warrant_reference: str
    evidence_summary: str
    judgment_reference: str
    attachments: list[dict[str, Any]]
    sent_at: dt.datetime
    closed_at: dt.datetime | None
    responses: list[ResponseOut]

    @staticmethod
    def resolve_overdue(obj: AssistanceRequest) -> bool:
        return service.is_overdue(obj)

    @staticmethod
    def resolve_responses(obj: AssistanceRequest) -> list[Any]:
        return list(obj.responses.all())


class RequestIn(Schema):
    request_type: str
    to_country: str = ""
    to_unit_code: str = ""
    to_unit_name: str = ""
    requesting_authority: str = ""
    investigation_subject: str = ""
    investigating_authority: str = ""
    facts_summary: str = ""
    assistance_sought: str = ""
    special_procedure: str = ""
    persons: list[dict[str, str]] = []
    purpose: str = ""
    confidential: bool = False
    deadline: dt.date | None = None
    person_description: str = ""
    offences: list[dict[str, str]] = []
    law_text: str = ""
    penalty: str = ""
    limitation: str = ""
    warrant_reference: str = ""
    evidence_summary: str = ""
    judgment_reference: str = ""
    tlp: str = "AMBER"
    handling: str = "H0"


class ResponseIn(Schema):
    kind: str
    text: str = ""
    assignee: str = ""
    attachments: list[FileIn] = []


class RequestFilter(SideFilter):
    request_type: str | None = None
    status: str | None = None
    q: Annotated[str | None, FilterLookup(["reference__icontains", "facts_summary__icontains"])] = (
        None
    )


def _audit_request_list(request: HttpRequest, requests: list[AssistanceRequest]) -> None:
    service.read_requests(requests, _user(request), via="api list")


@router.get("/requests", response=list[RequestOut])
@paginate(KeysetPagination, order=("-sent_at", "-id"), on_page=_audit_request_list)
def list_requests(
    request: HttpRequest, filters: Query[RequestFilter], overdue: bool = False
) -> QuerySet[AssistanceRequest]:
    """Newest sent first. Filters: ``request_type``, ``status``, ``direction`` (sent /
    received), ``overdue`` (deadline passed, not answered), ``q`` (reference or facts). Every
    request returned that names a person is recorded in the audit log."""
    user = _user(request)
    qs = service.overdue_requests(user) if overdue else visible(AssistanceRequest, user)
    return filters.filter(qs.select_related("owner_unit").prefetch_related("responses"))


@router.get("/requests/{uuid}", response=RequestOut)
def get_request(request: HttpRequest, uuid: UUID) -> AssistanceRequest:
    req = get_visible(AssistanceRequest, _user(request), uuid=uuid)
    service.read_requests([req], _user(request), via="api")
    return req


@router.post("/requests", response={201: RequestOut})
def send_request(request: HttpRequest, payload: RequestIn) -> tuple[int, AssistanceRequest]:
    data = payload.dict()
    return 201, service.send_request(_user(request), **data)


@router.post("/requests/{uuid}/responses", response={201: RequestOut})
def respond(request: HttpRequest, uuid: UUID, payload: ResponseIn) -> tuple[int, AssistanceRequest]:
    """The receiving side: ``assigned`` (with ``assignee``), ``note``, ``answer``, ``refusal``."""
    req = get_visible(AssistanceRequest, _user(request), uuid=uuid)
    service.respond(
        _user(request),
        req,
        payload.kind,
        text=payload.text,
        assignee=payload.assignee,
        attachments=uploads(payload.attachments),
    )
    return 201, req


@router.post("/requests/{uuid}/close", response=RequestOut)
def close_request(request: HttpRequest, uuid: UUID) -> AssistanceRequest:
    req = get_visible(AssistanceRequest, _user(request), uuid=uuid)
    return service.close_request(_user(request), req)
