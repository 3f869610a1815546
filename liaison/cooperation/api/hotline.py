"""REST API of the hotline: channels with their inbox counts, messages, read and
acknowledge, and the time-to-acknowledge report."""

import datetime as dt
from typing import Annotated, Any
from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, FilterLookup, Query, Router, Schema
from ninja.pagination import paginate

from liaison.cooperation.api.common import FileIn, SideFilter, uploads
from liaison.cooperation.models.hotline import Channel, Message
from liaison.cooperation.services import hotline as service
from liaison.cooperation.services.common import get_visible, visible
from liaison.core.listing import KeysetPagination
from liaison.core.middleware import request_user as _user
from liaison.core.schemas import RecordOut

router = Router()


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
    for row in service.inbox(_user(request)):
        c = row["channel"]
        rows.append(
            {
                "id": c.pk,
                "level": c.level,
                "local_unit": c.local_unit.code,
                "partner_country": c.partner_country,
                "partner_unit_code": c.partner_unit_code,
                "partner_unit_name": c.partner_unit_name,
                "gate": c.gate.name if c.gate else None,
                "active": c.active,
                "received": row["received"],
                "unread": row["unread"],
                "unacknowledged": row["unacknowledged"],
            }
        )
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
        return service.receipt_times(obj)["read_at"]  # type: ignore[no-any-return]

    @staticmethod
    def resolve_acknowledged_at(obj: Message) -> dt.datetime | None:
        return service.receipt_times(obj)["acknowledged_at"]  # type: ignore[no-any-return]

    @staticmethod
    def resolve_time_to_acknowledge_seconds(obj: Message) -> float | None:
        tta = service.receipt_times(obj)["time_to_acknowledge"]
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


class MessageFilter(SideFilter):
    channel: Annotated[int | None, FilterLookup("channel_id")] = None
    priority: str | None = None
    q: Annotated[str | None, FilterLookup(["subject__icontains", "body__icontains"])] = None


@router.get("/messages", response=list[MessageOut])
@paginate(KeysetPagination, order=("-sent_at", "-id"))
def list_messages(
    request: HttpRequest, filters: Query[MessageFilter], unacknowledged: bool = False
) -> QuerySet[Message]:
    """Newest sent first. Filters: ``channel`` (id), ``priority``, ``direction`` (sent /
    received), ``unacknowledged`` (received and not yet acknowledged here), ``q`` (subject or
    text)."""
    user = _user(request)
    qs = service.unacknowledged(user) if unacknowledged else visible(Message, user)
    return filters.filter(qs.select_related("owner_unit").prefetch_related("receipts"))


@router.get("/messages/{uuid}", response=MessageOut)
def get_message(request: HttpRequest, uuid: UUID) -> Message:
    return get_visible(Message, _user(request), uuid=uuid)


@router.post("/messages", response={201: MessageOut})
def send_message(request: HttpRequest, payload: MessageIn) -> tuple[int, Message]:
    """Send on a channel (``template`` fills subject, body and priority from a bilingual
    template with ``template_values``)."""
    channel = get_object_or_404(Channel, pk=payload.channel)
    subject, body, priority = payload.subject, payload.body, payload.priority
    if payload.template:
        t_subject, t_body, t_priority = service.render_template(
            payload.template, payload.template_values
        )
        subject, body = subject or t_subject, body or t_body
        priority = payload.priority if payload.priority != "routine" else t_priority
    msg = service.send_message(
        _user(request),
        channel,
        subject=subject,
        body=body,
        priority=priority,
        template=payload.template,
        tlp=payload.tlp,
        handling=payload.handling,
        attachments=uploads(payload.attachments),
    )
    return 201, msg


@router.post("/messages/{uuid}/read", response=MessageOut)
def read_message(request: HttpRequest, uuid: UUID) -> Message:
    msg = get_visible(Message, _user(request), uuid=uuid)
    service.mark_read(_user(request), msg)
    return msg


@router.post("/messages/{uuid}/acknowledge", response=MessageOut)
def acknowledge_message(request: HttpRequest, uuid: UUID, payload: AckIn) -> Message:
    msg = get_visible(Message, _user(request), uuid=uuid)
    service.acknowledge(_user(request), msg, payload.note)
    return msg


@router.get("/hotline/report")
def hotline_report(request: HttpRequest, date_from: dt.date, date_to: dt.date) -> dict[str, Any]:
    """Messages sent and received with median time to acknowledge (minutes)."""
    return service.hotline_report(date_from, date_to, _user(request))
