"""REST API for cooperation: /api/v1/wanted-notices, requests, messages, joint-cases, patrols,
agreements, meetings (+ hotline channels and report). Lists are paginated (``limit`` /
``offset``) and filterable; access follows the unit tree (a record outside it is 404); every
write goes through :mod:`liaison.cooperation.services`, as the pages do."""

import base64
import binascii
import datetime as dt
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from liaison.cooperation import services
from liaison.cooperation.models import (
    ActionItem,
    Agreement,
    AssistanceRequest,
    JointCase,
    JointCaseEntry,
    Meeting,
    Message,
    Patrol,
    WantedNotice,
)
from liaison.core.middleware import request_user as _user
from liaison.core.node import this_node
from liaison.core.schemas import RecordOut

router = Router(tags=["cooperation"])


def _direction(qs: QuerySet, direction: str) -> QuerySet:
    if direction == "sent" or direction == "local":
        return qs.filter(origin=this_node().id)
    if direction in ("received", "partner"):
        return qs.exclude(origin=this_node().id)
    return qs


class FileIn(Schema):
    name: str
    content_base64: str


def _uploads(files: list[FileIn]) -> list[tuple[str, bytes]]:
    out = []
    for f in files:
        try:
            out.append((f.name, base64.b64decode(f.content_base64, validate=True)))
        except (binascii.Error, ValueError) as exc:
            raise ValidationError(
                {"attachments": f"{f.name}: content_base64 is not base64"}
            ) from exc
    return out


@router.get("/files/{kind}/{uuid}/{sha256}")
def get_file(request: HttpRequest, kind: str, uuid: UUID, sha256: str) -> HttpResponse:
    """A file of a record (``kind``: messages, requests, request-responses, wanted-notices,
    agreements); a partner record's file is fetched from its origin on first use."""
    att = services.file_of(_user(request), kind, uuid, sha256)
    with att.file.open("rb") as fh:
        data = fh.read()
    response = HttpResponse(data, content_type=att.content_type)
    response["Content-Disposition"] = f'attachment; filename="{att.name}"'
    return response


# --- hotline ------------------------------------------------------------------------------


class ChannelOut(Schema):
    id: int
    level: str
    local_unit: str
    partner_country: str
    partner_unit_code: str
    partner_unit_name: str
    gate: str | None
    active: bool
    received: int = 0
    unread: int = 0
    unacknowledged: int = 0


@router.get("/hotline/channels", response=list[ChannelOut])
def list_channels(request: HttpRequest) -> list[dict[str, Any]]:
    """The user's channels with received / unread / unacknowledged counts (the inbox)."""
    rows = []
    for row in services.inbox(_user(request)):
        c = row["channel"]
        rows.append(
            {
                "id": c.pk, "level": c.level, "local_unit": c.local_unit.code,
                "partner_country": c.partner_country, "partner_unit_code": c.partner_unit_code,
                "partner_unit_name": c.partner_unit_name,
                "gate": c.gate.name if c.gate else None, "active": c.active,
                "received": row["received"], "unread": row["unread"],
                "unacknowledged": row["unacknowledged"],
            }
        )  # fmt: skip
    return rows


class ReceiptOut(Schema):
    kind: str
    at: dt.datetime
    by_user: str
    by_unit: str
    origin_country: str
    note: str


class MessageOut(RecordOut):
    channel: int | None = Field(None, alias="channel_id")
    from_unit_code: str
    from_unit_name: str
    to_country: str
    to_unit_code: str
    to_unit_name: str
    priority: str
    subject: str
    body: str
    template: str
    attachments: list[dict[str, Any]]
    sent_by: str
    sent_at: dt.datetime
    read_at: dt.datetime | None
    acknowledged_at: dt.datetime | None
    time_to_acknowledge_seconds: float | None
    receipts: list[ReceiptOut]

    @staticmethod
    def resolve_read_at(obj: Message) -> dt.datetime | None:
        return services.receipt_times(obj)["read_at"]  # type: ignore[no-any-return]

    @staticmethod
    def resolve_acknowledged_at(obj: Message) -> dt.datetime | None:
        return services.receipt_times(obj)["acknowledged_at"]  # type: ignore[no-any-return]

    @staticmethod
    def resolve_time_to_acknowledge_seconds(obj: Message) -> float | None:
        tta = services.receipt_times(obj)["time_to_acknowledge"]
        return tta.total_seconds() if tta is not None else None

    @staticmethod
    def resolve_receipts(obj: Message) -> list[Any]:
        return list(obj.receipts.all())


class MessageIn(Schema):
    channel: int
    subject: str = ""
    body: str = ""
    priority: str = "routine"
    template: str = ""
    template_values: dict[str, str] = {}
    attachments: list[FileIn] = []
    tlp: str = "AMBER"
    handling: str = "H0"


class AckIn(Schema):
    note: str = ""


@router.get("/messages", response=list[MessageOut])
@paginate
def list_messages(
    request: HttpRequest,
    channel: int | None = None,
    priority: str = "",
    direction: str = "",
    unacknowledged: bool = False,
    q: str = "",
) -> QuerySet[Message]:
    """Filters: ``channel`` (id), ``priority``, ``direction`` (sent / received),
    ``unacknowledged`` (received and not yet acknowledged here), ``q`` (subject or text)."""
    user = _user(request)
    qs = services.unacknowledged(user) if unacknowledged else services.visible(Message, user)
    qs = _direction(qs, direction).select_related("owner_unit").prefetch_related("receipts")
    if channel is not None:
        qs = qs.filter(channel_id=channel)
    if priority:
        qs = qs.filter(priority=priority)
    if q:
        qs = qs.filter(Q(subject__icontains=q) | Q(body__icontains=q))
    return qs


@router.get("/messages/{uuid}", response=MessageOut)
def get_message(request: HttpRequest, uuid: UUID) -> Message:
    return services.get_visible(Message, _user(request), uuid=uuid)


@router.post("/messages", response={201: MessageOut})
def send_message(request: HttpRequest, payload: MessageIn) -> tuple[int, Message]:
    """Send on a channel (``template`` fills subject, body and priority from a bilingual
    template with ``template_values``)."""
    from liaison.cooperation.models import Channel

    channel = get_object_or_404(Channel, pk=payload.channel)
    subject, body, priority = payload.subject, payload.body, payload.priority
    if payload.template:
        t_subject, t_body, t_priority = services.render_template(
            payload.template, payload.template_values
        )
        subject, body = subject or t_subject, body or t_body
        priority = payload.priority if payload.priority != "routine" else t_priority
    msg = services.send_message(
        _user(request), channel, subject=subject, body=body, priority=priority,
        template=payload.template, tlp=payload.tlp, handling=payload.handling,
        attachments=_uploads(payload.attachments),
    )  # fmt: skip
    return 201, msg


@router.post("/messages/{uuid}/read", response=MessageOut)
def read_message(request: HttpRequest, uuid: UUID) -> Message:
    msg = services.get_visible(Message, _user(request), uuid=uuid)
    services.mark_read(_user(request), msg)
    return msg


@router.post("/messages/{uuid}/acknowledge", response=MessageOut)
def acknowledge_message(request: HttpRequest, uuid: UUID, payload: AckIn) -> Message:
    msg = services.get_visible(Message, _user(request), uuid=uuid)
    services.acknowledge(_user(request), msg, payload.note)
    return msg


@router.get("/hotline/report")
def hotline_report(request: HttpRequest, date_from: dt.date, date_to: dt.date) -> dict[str, Any]:
    """Messages sent and received with median time to acknowledge (minutes)."""
    return services.hotline_report(date_from, date_to, _user(request))


# --- wanted notices -------------------------------------------------------------------------


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


@router.get("/wanted-notices", response=list[NoticeOut])
@paginate
def list_notices(
    request: HttpRequest,
    status: str = "",
    notice_type: str = "",
    direction: str = "",
    believed_country: str = "",
    q: str = "",
) -> QuerySet[WantedNotice]:
    """Filters: ``status``, ``notice_type`` (red / blue), ``direction`` (local = ours,
    partner = received), ``believed_country``, ``q`` (name, romanised name, reference)."""
    qs = services.visible(WantedNotice, _user(request)).select_related("owner_unit")
    qs = _direction(qs, direction).prefetch_related("events")
    if status:
        qs = qs.filter(status=status)
    if notice_type:
        qs = qs.filter(notice_type=notice_type)
    if believed_country:
        qs = qs.filter(believed_country=believed_country.upper())
    if q:
        qs = qs.filter(
            Q(full_name__icontains=q) | Q(latin_name__icontains=q) | Q(reference__icontains=q)
        )
    return qs


@router.get("/wanted-notices/abroad")
def wanted_abroad(request: HttpRequest, country: str = "") -> dict[str, Any]:
    """Our wanted persons believed to be in the partner country, counted by status."""
    summary = services.wanted_abroad_summary(_user(request), country.upper() or None)
    return {k: v for k, v in summary.items() if k != "notices"}


@router.get("/wanted-notices/{uuid}", response=NoticeOut)
def get_notice(request: HttpRequest, uuid: UUID) -> WantedNotice:
    return services.get_visible(WantedNotice, _user(request), uuid=uuid)


@router.post("/wanted-notices", response={201: NoticeOut})
def issue_notice(request: HttpRequest, payload: NoticeIn) -> tuple[int, WantedNotice]:
    return 201, services.issue_wanted_notice(_user(request), **payload.dict())


@router.post("/wanted-notices/{uuid}/events", response={201: NoticeOut})
def add_event(request: HttpRequest, uuid: UUID, payload: EventIn) -> tuple[int, WantedNotice]:
    """Record located / arrested / handed_over / extradited (either side)."""
    notice = services.get_visible(WantedNotice, _user(request), uuid=uuid)
    services.add_wanted_event(_user(request), notice, **payload.dict())
    return 201, notice


@router.post("/wanted-notices/{uuid}/withdraw", response=NoticeOut)
def withdraw_notice(request: HttpRequest, uuid: UUID, payload: WithdrawIn) -> WantedNotice:
    notice = services.get_visible(WantedNotice, _user(request), uuid=uuid)
    return services.withdraw_wanted_notice(_user(request), notice, payload.reason)


@router.get("/wanted-notices/{uuid}/delivery")
def notice_delivery(request: HttpRequest, uuid: UUID) -> list[dict[str, Any]]:
    """Per partner: which version it holds; for a withdrawn notice, whether it confirmed."""
    notice = services.get_visible(WantedNotice, _user(request), uuid=uuid)
    if notice.withdrawn_at:
        return services.cancellation_status(notice)
    return services.federation.delivery(notice)


# --- assistance requests -----------------------------------------------------------------


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
        return services.is_overdue(obj)

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


@router.get("/requests", response=list[RequestOut])
@paginate
def list_requests(
    request: HttpRequest,
    request_type: str = "",
    status: str = "",
    direction: str = "",
    overdue: bool = False,
    q: str = "",
) -> QuerySet[AssistanceRequest]:
    """Filters: ``request_type``, ``status``, ``direction`` (sent / received), ``overdue``
    (deadline passed, not answered), ``q`` (reference or facts)."""
    user = _user(request)
    qs = services.overdue_requests(user) if overdue else services.visible(AssistanceRequest, user)
    qs = _direction(qs, direction).select_related("owner_unit").prefetch_related("responses")
    if request_type:
        qs = qs.filter(request_type=request_type)
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(Q(reference__icontains=q) | Q(facts_summary__icontains=q))
    return qs


@router.get("/requests/{uuid}", response=RequestOut)
def get_request(request: HttpRequest, uuid: UUID) -> AssistanceRequest:
    return services.get_visible(AssistanceRequest, _user(request), uuid=uuid)


@router.post("/requests", response={201: RequestOut})
def send_request(request: HttpRequest, payload: RequestIn) -> tuple[int, AssistanceRequest]:
    data = payload.dict()
    return 201, services.send_request(_user(request), **data)


@router.post("/requests/{uuid}/responses", response={201: RequestOut})
def respond(request: HttpRequest, uuid: UUID, payload: ResponseIn) -> tuple[int, AssistanceRequest]:
    """The receiving side: ``assigned`` (with ``assignee``), ``note``, ``answer``, ``refusal``."""
    req = services.get_visible(AssistanceRequest, _user(request), uuid=uuid)
    services.respond(
        _user(request), req, payload.kind, text=payload.text, assignee=payload.assignee,
        attachments=_uploads(payload.attachments),
    )  # fmt: skip
    return 201, req


@router.post("/requests/{uuid}/close", response=RequestOut)
def close_request(request: HttpRequest, uuid: UUID) -> AssistanceRequest:
    req = services.get_visible(AssistanceRequest, _user(request), uuid=uuid)
    return services.close_request(_user(request), req)


# --- joint cases ------------------------------------------------------------------------------


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


@router.get("/joint-cases", response=list[JointCaseOut])
@paginate
def list_joint_cases(
    request: HttpRequest,
    q: str = "",
    open_only: bool = False,
    direction: str = "",
    opened_from: dt.date | None = None,
    opened_to: dt.date | None = None,
) -> QuerySet[JointCase]:
    """Filters: ``q`` (reference, title), ``open_only``, ``direction`` (local / partner),
    ``opened_from``, ``opened_to``."""
    qs = services.visible(JointCase, _user(request)).select_related("owner_unit")
    qs = _direction(qs, direction).prefetch_related("entries")
    if q:
        qs = qs.filter(Q(reference__icontains=q) | Q(title__icontains=q))
    if open_only:
        qs = qs.filter(closed_on__isnull=True)
    if opened_from:
        qs = qs.filter(opened_on__gte=opened_from)
    if opened_to:
        qs = qs.filter(opened_on__lte=opened_to)
    return qs


@router.get("/joint-cases/count")
def count_joint_cases(request: HttpRequest, date_from: dt.date, date_to: dt.date) -> dict[str, Any]:
    return {
        "from": date_from,
        "to": date_to,
        "joint_cases": services.joint_case_count(date_from, date_to),
    }


@router.get("/joint-cases/{uuid}", response=JointCaseOut)
def get_joint_case(request: HttpRequest, uuid: UUID) -> JointCase:
    return services.get_visible(JointCase, _user(request), uuid=uuid)


@router.post("/joint-cases", response={201: JointCaseOut})
def open_joint_case(request: HttpRequest, payload: JointCaseIn) -> tuple[int, JointCase]:
    data = payload.dict()
    data["partner"] = data["partner"] or None
    return 201, services.open_joint_case(_user(request), **data)


@router.patch("/joint-cases/{uuid}", response=JointCaseOut)
def update_joint_case(request: HttpRequest, uuid: UUID, payload: JointCasePatch) -> JointCase:
    case = services.get_visible(JointCase, _user(request), uuid=uuid)
    return services.update_joint_case(_user(request), case, **payload.dict(exclude_none=True))


@router.post("/joint-cases/{uuid}/entries", response={201: EntryOut})
def add_entry(request: HttpRequest, uuid: UUID, payload: EntryIn) -> tuple[int, JointCaseEntry]:
    case = services.get_visible(JointCase, _user(request), uuid=uuid)
    data = {k: v for k, v in payload.dict().items() if k != "kind" and v not in ("", None)}
    return 201, services.add_entry(_user(request), case, payload.kind, **data)


@router.patch("/joint-cases/{uuid}/entries/{entry}", response=EntryOut)
def update_entry(
    request: HttpRequest, uuid: UUID, entry: UUID, payload: EntryPatch
) -> JointCaseEntry:
    case = services.get_visible(JointCase, _user(request), uuid=uuid)
    obj = get_object_or_404(JointCaseEntry, joint_case=case, uuid=entry)
    return services.update_entry(_user(request), obj, **payload.dict(exclude_none=True))


# --- patrols ----------------------------------------------------------------------------------


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
        return services.patrol_totals(obj)


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


@router.get("/patrols", response=list[PatrolOut])
@paginate
def list_patrols(
    request: HttpRequest,
    status: str = "",
    kind: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[Patrol]:
    """Filters: ``status``, ``kind`` (patrol / operation), ``date_from``, ``date_to``."""
    qs = services.visible(Patrol, _user(request)).select_related("owner_unit")
    qs = qs.prefetch_related("results")
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if date_from:
        qs = qs.filter(ends_on__gte=date_from)
    if date_to:
        qs = qs.filter(starts_on__lte=date_to)
    return qs


@router.get("/patrols/{uuid}", response=PatrolOut)
def get_patrol(request: HttpRequest, uuid: UUID) -> Patrol:
    return services.get_visible(Patrol, _user(request), uuid=uuid)


@router.post("/patrols", response={201: PatrolOut})
def plan_patrol(request: HttpRequest, payload: PatrolIn) -> tuple[int, Patrol]:
    data = payload.dict()
    data["partner"] = data["partner"] or None
    return 201, services.plan_patrol(_user(request), **data)


@router.post("/patrols/{uuid}/status", response=PatrolOut)
def patrol_status(request: HttpRequest, uuid: UUID, payload: StatusIn) -> Patrol:
    patrol = services.get_visible(Patrol, _user(request), uuid=uuid)
    return services.set_patrol_status(_user(request), patrol, payload.status)


@router.post("/patrols/{uuid}/results", response={201: PatrolOut})
def patrol_result(request: HttpRequest, uuid: UUID, payload: ResultIn) -> tuple[int, Patrol]:
    patrol = services.get_visible(Patrol, _user(request), uuid=uuid)
    services.add_patrol_result(_user(request), patrol, **payload.dict())
    return 201, patrol


# --- agreements and meetings ------------------------------------------------------------------


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
        return services.implementation_status(obj)


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


@router.get("/agreements", response=list[AgreementOut])
@paginate
def list_agreements(request: HttpRequest, kind: str = "", q: str = "") -> QuerySet[Agreement]:
    """Filters: ``kind`` (mou / annual_plan / agreement / other), ``q`` (title)."""
    qs = services.visible(Agreement, _user(request)).select_related("owner_unit")
    qs = qs.prefetch_related("action_items")
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(reference__icontains=q))
    return qs


@router.get("/agreements/{uuid}", response=AgreementOut)
def get_agreement(request: HttpRequest, uuid: UUID) -> Agreement:
    return services.get_visible(Agreement, _user(request), uuid=uuid)


@router.post("/agreements", response={201: AgreementOut})
def create_agreement(request: HttpRequest, payload: AgreementIn) -> tuple[int, Agreement]:
    return 201, services.create_agreement(_user(request), **payload.dict())


@router.post("/agreements/{uuid}/action-items", response={201: AgreementOut})
def add_agreement_action(
    request: HttpRequest, uuid: UUID, payload: ActionIn
) -> tuple[int, Agreement]:
    agreement = services.get_visible(Agreement, _user(request), uuid=uuid)
    services.add_action_item(_user(request), agreement=agreement, **payload.dict())
    return 201, agreement


@router.patch("/action-items/{uuid}", response=ActionOut)
def update_action(request: HttpRequest, uuid: UUID, payload: ActionPatch) -> ActionItem:
    item = services.get_visible(ActionItem, _user(request), uuid=uuid)
    return services.update_action_item(_user(request), item, **payload.dict(exclude_none=True))


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


@router.get("/meetings", response=list[MeetingOut])
@paginate
def list_meetings(
    request: HttpRequest,
    kind: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[Meeting]:
    """Filters: ``kind`` (conference / meeting / working), ``date_from``, ``date_to``."""
    qs = services.visible(Meeting, _user(request)).select_related("owner_unit", "agreement")
    qs = qs.prefetch_related("commitments")
    if kind:
        qs = qs.filter(kind=kind)
    if date_from:
        qs = qs.filter(held_on__gte=date_from)
    if date_to:
        qs = qs.filter(held_on__lte=date_to)
    return qs


@router.get("/meetings/{uuid}", response=MeetingOut)
def get_meeting(request: HttpRequest, uuid: UUID) -> Meeting:
    return services.get_visible(Meeting, _user(request), uuid=uuid)


@router.post("/meetings", response={201: MeetingOut})
def record_meeting(request: HttpRequest, payload: MeetingIn) -> tuple[int, Meeting]:
    data = payload.dict()
    if data["agreement"]:
        data["agreement"] = services.get_visible(Agreement, _user(request), uuid=data["agreement"])
    data["commitments"] = [c.dict() if hasattr(c, "dict") else c for c in payload.commitments]
    return 201, services.record_meeting(_user(request), **data)
