"""Operations on cooperation records: the only code that writes them.

Every write is audited in the same transaction; every refused operation (bad input, out of
order, not allowed) leaves an audit entry ``<action>.refused`` and changes nothing else.
Only the origin changes a record; the partner's contributions are linked records (receipts,
events, responses, entries, results) that the partner alone edits. Records that belong to the
partner relationship are shared automatically (:mod:`liaison.cooperation.federation`).

Other apps call :func:`joint_case_count` (reports) and :func:`dashboard_counts` (web).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import PurePath
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.cooperation import federation
from liaison.cooperation.models import (
    ActionItem,
    ActionStatus,
    Agreement,
    AgreementKind,
    AssistanceRequest,
    Attachment,
    CapacityProject,
    Channel,
    EntryKind,
    JointCase,
    JointCaseEntry,
    Level,
    Meeting,
    MeetingKind,
    Message,
    MessageReceipt,
    NoticeType,
    Patrol,
    PatrolKind,
    PatrolResult,
    PatrolStatus,
    Priority,
    ProjectKind,
    ProjectStatus,
    ReceiptKind,
    RequestResponse,
    RequestStatus,
    RequestType,
    ResponseKind,
    TaskStatus,
    WantedEvent,
    WantedNotice,
    WantedStatus,
)
from liaison.core import audit
from liaison.core.audit import Actor
from liaison.core.middleware import client_address, current_request
from liaison.core.models import BorderGate, Record, Role, Tlp, Unit, UnitKind, User
from liaison.core.node import this_node
from liaison.core.services import get_or_404, require_role, require_unit_access

R = TypeVar("R", bound=Record)

WRITERS = (Role.OFFICER, Role.SUPERVISOR, Role.NODE_ADMIN)
PARTNERS = {"VN": "LA", "LA": "VN"}


# =========================================================================== helpers


def actor_of(user: User | None) -> Actor:
    if user is None:
        return Actor.system("cooperation")
    request = current_request.get()
    return Actor.of(user, client_address(request) if request is not None else "")


def partner_country() -> str:
    return PARTNERS.get(this_node().country, "")


def _now() -> dt.datetime:
    return timezone.now()


def _error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
        return " ".join(exc.messages)
    return str(exc) or type(exc).__name__


@contextmanager
def _guard(action: str, user: User | None, obj: Any = None, **detail: Any) -> Iterator[None]:
    """Run a write; if it is refused, roll it back and write ``<action>.refused`` instead."""
    try:
        with transaction.atomic():
            yield
    except (ValidationError, PermissionDenied) as exc:
        audit.record(
            f"{action}.refused", obj, actor=actor_of(user), reason=_error_text(exc), **detail
        )
        raise


def _new_record(model: type[R], user: User | None, unit: Unit, **fields: Any) -> R:
    node = this_node()
    now = _now()
    obj = model(
        origin=node.id,
        origin_country=node.country,
        version=1,
        created_at=now,
        updated_at=now,
        owner_unit=unit,
        **fields,
    )
    obj.full_clean(exclude=["owner_unit"])
    obj.save()
    return obj


def _bump(obj: Record, **changes: Any) -> Record:
    for key, value in changes.items():
        setattr(obj, key, value)
    obj.version += 1
    obj.updated_at = _now()
    obj.full_clean(exclude=["owner_unit"])
    obj.save()
    return obj


def require_local(obj: Record) -> None:
    if not obj.is_local:
        raise PermissionDenied(
            _("Only the side that created this record can change it (it comes from %(o)s).")
            % {"o": obj.origin_country or obj.origin}
        )


def _writer(user: User, unit: Unit | None) -> None:
    require_role(user, *WRITERS)
    require_unit_access(user, unit)


def _unit_for(user: User, unit: Unit | None) -> Unit:
    unit = unit or user.unit
    if unit is None:
        raise ValidationError({"owner_unit": _("Your account has no unit.")})
    return unit


def _national_level(user: User) -> bool:
    return user.is_superuser or (
        user.unit is not None and user.unit.kind in (UnitKind.MINISTRY, UnitKind.DEPARTMENT)
    )


def visible(model: type[R], user: User) -> models.QuerySet[R]:
    """Records of the user's unit subtree; partner records filed at the ministry are seen by
    national-level users too, and partner wanted notices by everyone (they are for finding
    people, and officers at the border are the ones who find them)."""
    qs = model.objects.all()  # type: ignore[attr-defined]
    if not user.is_authenticated or not user.is_active:
        return qs.none()  # type: ignore[no-any-return]
    mine = Q(pk__in=model.objects.visible_to(user).values("pk"))  # type: ignore[attr-defined]
    if user.is_superuser:
        return qs  # type: ignore[no-any-return]
    extra = Q()
    if _national_level(user):
        extra = Q(owner_unit__parent__isnull=True) & ~Q(origin=this_node().id)
    if model is WantedNotice:
        extra |= ~Q(origin=this_node().id)
    return qs.filter(mine | extra) if extra else qs.filter(mine)  # type: ignore[no-any-return]


def get_visible(model: type[R], user: User, **lookup: Any) -> R:
    return get_or_404(visible(model, user), **lookup)


def _reference(model: type[Record], prefix: str) -> str:
    node = this_node()
    year = _now().year
    stem = f"{node.country}-{prefix}-{year}-"
    count = model.objects.filter(origin=node.id, reference__startswith=stem).count()  # type: ignore[attr-defined,misc]
    return f"{stem}{count + 1:04d}"


_PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def check_partial_date(value: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    ok = bool(_PARTIAL_DATE.match(value))
    if ok:
        parts = [int(p) for p in value.split("-")]
        try:
            dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
        except ValueError:
            ok = False
    if not ok:
        raise ValidationError(
            {field: _("%(v)s is not a date (use YYYY-MM-DD, YYYY-MM or YYYY).") % {"v": value}}
        )
    return value


def _country(value: str, field: str, *, required: bool = False) -> str:
    value = (value or "").strip().upper()
    if not value and not required:
        return ""
    if not re.fullmatch(r"[A-Z]{2}", value):
        raise ValidationError(
            {field: _("Give a two-letter country code (ISO 3166-1), e.g. VN or LA.")}
        )
    return value


# =========================================================================== attachments

ALLOWED_TYPES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".txt": "text/plain",
}
_MAGIC = {
    ".pdf": (b"%PDF",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
}


def max_attachment_bytes() -> int:
    return int(getattr(settings, "COOPERATION_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024))


def check_upload(name: str, data: bytes) -> str:
    """The file's content type, or a ValidationError naming the file and what is wrong."""
    suffix = PurePath(name).suffix.lower()
    if suffix not in ALLOWED_TYPES:
        raise ValidationError(
            {
                "attachments": _(
                    "%(name)s: files of this type are not accepted (allowed: %(allowed)s)."
                )
                % {"name": name, "allowed": "PDF, JPG, PNG, DOCX, XLSX, TXT"}
            }
        )
    limit = max_attachment_bytes()
    if len(data) > limit:
        raise ValidationError(
            {
                "attachments": _("%(name)s is %(size)s MB; the limit is %(limit)s MB.")
                % {
                    "name": name,
                    "size": f"{len(data) / 1048576:.1f}",
                    "limit": f"{limit / 1048576:.0f}",
                }
            }
        )
    magic = _MAGIC.get(suffix)
    bad = False
    if magic is not None:
        bad = not any(data.startswith(m) for m in magic)
    elif suffix == ".txt":
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            bad = True
    if bad:
        raise ValidationError(
            {
                "attachments": _("%(name)s does not look like a %(type)s file.")
                % {"name": name, "type": suffix[1:].upper()}
            }
        )
    return ALLOWED_TYPES[suffix]


Upload = tuple[str, bytes]


def read_uploads(files: Iterable[Any]) -> list[Upload]:
    """(name, bytes) of uploaded files (Django UploadedFile or (name, bytes) pairs)."""
    out = []
    for f in files:
        if isinstance(f, tuple):
            out.append((str(f[0]), bytes(f[1])))
        else:
            out.append((str(f.name), f.read()))
    return out


def check_uploads(uploads: Sequence[Upload]) -> None:
    for name, data in uploads:
        check_upload(name, data)


def _store(uploads: Sequence[Upload], obj: Record, user: User | None) -> list[dict[str, Any]]:
    meta = []
    for name, data in uploads:
        content_type = check_upload(name, data)
        digest = hashlib.sha256(data).hexdigest()
        att = Attachment(
            owner_kind=obj.record_kind,
            owner_uuid=obj.uuid,
            name=PurePath(name).name[:200],
            content_type=content_type,
            size=len(data),
            sha256=digest,
            uploaded_by=user.username if user else "",
            created_at=_now(),
        )
        att.file.save(
            f"{digest[:16]}{PurePath(name).suffix.lower()}", ContentFile(data), save=False
        )
        att.save()
        meta.append({"name": att.name, "type": content_type, "size": len(data), "sha256": digest})
    return meta


def attachment_for(user: User, pk: int) -> Attachment:
    """An attachment the user may open (they can see the record it belongs to)."""
    att = Attachment.objects.filter(pk=pk).first()
    if att is None:
        raise Http404(_("No such record."))
    for model in (Message, RequestResponse, AssistanceRequest, WantedNotice, Agreement):
        if model.record_kind == att.owner_kind:
            get_visible(model, user, uuid=att.owner_uuid)
            return att
    raise Http404(_("No such record."))


#: Records that carry files, and the field listing them.
FILE_FIELDS = {
    "messages": (Message, "attachments"),
    "requests": (AssistanceRequest, "attachments"),
    "request-responses": (RequestResponse, "attachments"),
    "wanted-notices": (WantedNotice, "photos"),
    "agreements": (Agreement, "attachments"),
}


def file_of(user: User, kind: str, uuid: Any, sha256: str) -> Attachment:
    """A file of a record the user may see. A partner record's file is fetched once from its
    origin (a signed request; the origin checks the record was released to us) and kept."""
    spec = FILE_FIELDS.get(kind)
    if spec is None:
        raise Http404(_("No such record."))
    model, field = spec
    obj = get_visible(model, user, uuid=uuid)  # type: ignore[type-abstract]
    meta = next((m for m in getattr(obj, field) or [] if m.get("sha256") == sha256), None)
    if meta is None:
        raise Http404(_("No such record."))
    held = Attachment.objects.filter(owner_uuid=obj.uuid, sha256=sha256).first()
    if held is not None:
        return held
    if obj.is_local:
        raise Http404(_("No such record."))
    data = federation.fetch_file(obj.origin, kind, str(obj.uuid), sha256, max_attachment_bytes())
    if hashlib.sha256(data).hexdigest() != sha256:
        raise ValidationError(_("The file received from the partner does not match its checksum."))
    att = Attachment(
        owner_kind=kind, owner_uuid=obj.uuid, name=str(meta.get("name", "file"))[:200],
        content_type=str(meta.get("type", "application/octet-stream"))[:100], size=len(data),
        sha256=sha256, uploaded_by=f"partner:{obj.origin_country}", created_at=_now(),
    )  # fmt: skip
    att.file.save(
        f"{sha256[:16]}{PurePath(att.name).suffix.lower()}", ContentFile(data), save=False
    )
    att.save()
    audit.record("attachment.fetch", obj, actor=actor_of(user), sha256=sha256, size=len(data))
    return att


def file_for_peer(peer: Any, kind: str, uuid: str, sha256: str) -> Attachment | None:
    """A file a partner node asks for: only of a record of ours released to that partner."""
    from liaison.exchange.models import Release, ReleaseState

    spec = FILE_FIELDS.get(kind)
    if spec is None:
        return None
    model, _field = spec
    obj = model.objects.filter(uuid=uuid, origin=this_node().id).first()  # type: ignore[attr-defined]
    if (
        obj is None
        or not Release.objects.filter(
            record_uuid=obj.uuid, peer=peer, state=ReleaseState.ACTIVE
        ).exists()
    ):
        return None
    return Attachment.objects.filter(owner_uuid=obj.uuid, sha256=sha256).first()


# =========================================================================== hotline


def _partner_unit(country: str, kind: str, province: Any = None) -> tuple[str, str]:
    """Code and name of a partner unit as the partner's `liaison init` names it."""
    from liaison.core.setup import ROOT_UNITS, _province_name

    if kind == "ministry":
        return f"{country}-MPS", ROOT_UNITS[country][0][0]
    code = f"{country}-PP-{province.code.replace(':', '-')}"
    return code, _province_name(province, country)


def ensure_default_channels(actor: Actor | None = None) -> list[Channel]:
    """Ministry ↔ ministry, and each local border province police ↔ each partner province it
    faces (from the gazetteer). Idempotent: returns the channels it created."""
    node = this_node()
    partner = PARTNERS.get(node.country)
    if not partner:
        return []
    created: list[Channel] = []
    peer_ids = {p.country: p.node_id for p in federation.peers_of_country(partner)}
    with transaction.atomic():
        root = Unit.objects.filter(parent__isnull=True).order_by("path").first()
        if root is None:
            return []
        code, name = _partner_unit(partner, "ministry")
        pairs: list[tuple[Unit, str, str, str, Any]] = [(root, Level.MINISTRY, code, name, None)]
        provinces = Unit.objects.filter(
            kind=UnitKind.PROVINCE_POLICE, province__is_border=True
        ).select_related("province")
        for unit in provinces:
            assert unit.province is not None
            for faced in unit.province.faces.filter(
                country__code=partner, valid_to__isnull=True
            ).order_by("code"):
                code, name = _partner_unit(partner, "province", faced)
                pairs.append((unit, Level.PROVINCE, code, name, faced))
        for unit, level, code, name, province in pairs:
            channel, made = Channel.objects.get_or_create(
                local_unit=unit,
                partner_unit_code=code,
                defaults={
                    "level": level,
                    "partner_country": partner,
                    "partner_node": peer_ids.get(partner, ""),
                    "partner_unit_name": name,
                    "partner_province": province,
                    "created_at": _now(),
                },
            )
            if made:
                created.append(channel)
        if created:
            audit.record(
                "hotline.channels",
                actor=actor or Actor.system("cooperation"),
                object_kind="cooperation.channel",
                created=len(created),
            )
    return created


def create_channel(
    user: User,
    *,
    local_unit: Unit,
    partner_unit_code: str,
    partner_unit_name: str,
    level: str,
    gate: BorderGate | None = None,
    partner_country_code: str = "",
) -> Channel:
    """A node admin adds a channel (border post / border liaison office / district)."""
    with _guard("hotline.channel_create", user, local_unit, code=partner_unit_code):
        require_role(user, Role.NODE_ADMIN)
        require_unit_access(user, local_unit)
        if level not in Level.values:
            raise ValidationError({"level": _("Unknown level.")})
        if not partner_unit_code.strip():
            raise ValidationError({"partner_unit_code": _("Give the partner unit's code.")})
        if not partner_unit_name.strip():
            raise ValidationError({"partner_unit_name": _("Give the partner unit's name.")})
        if Channel.objects.filter(
            local_unit=local_unit, partner_unit_code=partner_unit_code.strip()
        ).exists():
            raise ValidationError(
                {"partner_unit_code": _("This unit already has a channel to that partner unit.")}
            )
        country = _country(
            partner_country_code or partner_country(), "partner_country", required=True
        )
        channel = Channel.objects.create(
            local_unit=local_unit,
            level=level,
            partner_country=country,
            partner_unit_code=partner_unit_code.strip(),
            partner_unit_name=partner_unit_name.strip(),
            gate=gate,
            partner_province=gate.partner_province if gate else None,
            created_at=_now(),
        )
        audit.record("hotline.channel_create", channel, actor=actor_of(user),
                     partner=channel.partner_unit_code)  # fmt: skip
    return channel


def set_channel_active(user: User, channel: Channel, active: bool) -> Channel:
    with _guard("hotline.channel_update", user, channel):
        require_role(user, Role.NODE_ADMIN)
        require_unit_access(user, channel.local_unit)
        channel.active = active
        channel.save(update_fields=["active"])
        audit.record("hotline.channel_update", channel, actor=actor_of(user), active=active)
    return channel


def channels_for(user: User) -> models.QuerySet[Channel]:
    qs = Channel.objects.select_related("local_unit", "gate")
    if user.is_superuser:
        return qs
    if user.unit is None:
        return qs.none()
    return qs.filter(local_unit__path__startswith=user.unit.path)


def send_message(
    user: User,
    channel: Channel,
    *,
    subject: str,
    body: str,
    priority: str = Priority.ROUTINE,
    template: str = "",
    attachments: Sequence[Upload] = (),
    tlp: str = Tlp.AMBER,
    handling: str = "H0",
) -> Message:
    with _guard("message.send", user, channel, channel=channel.pk, priority=priority):
        require_role(user, *WRITERS)
        if user.unit is None or not (user.is_superuser or user.unit.contains(channel.local_unit)):
            raise PermissionDenied(
                _("Your unit does not belong to this hotline channel (%(c)s).") % {"c": channel}
            )
        if not channel.active:
            raise ValidationError(_("This channel is closed."))
        if priority not in Priority.values:
            raise ValidationError({"priority": _("Priority must be flash, urgent or routine.")})
        if not subject.strip():
            raise ValidationError({"subject": _("Write a subject.")})
        if not body.strip():
            raise ValidationError({"body": _("Write the message.")})
        if tlp == Tlp.RED:
            raise ValidationError({"tlp": _("A TLP:RED message cannot be sent across the border.")})
        check_uploads(attachments)
        msg = _new_record(
            Message,
            user,
            channel.local_unit,
            channel=channel,
            from_unit_code=channel.local_unit.code,
            from_unit_name=channel.local_unit.name,
            to_country=channel.partner_country,
            to_unit_code=channel.partner_unit_code,
            to_unit_name=channel.partner_unit_name,
            priority=priority,
            subject=subject.strip(),
            body=body.strip(),
            template=template,
            sent_by=user.get_full_name() or user.username,
            sent_at=_now(),
            tlp=tlp,
            handling=handling,
        )
        if attachments:
            msg.attachments = _store(attachments, msg, user)
            msg.save(update_fields=["attachments"])
        audit.record("message.send", msg, actor=actor_of(user), channel=channel.pk,
                     to=channel.partner_unit_code, priority=priority)  # fmt: skip
        federation.share(msg, federation.peers_of_country(channel.partner_country), user=user)
    return msg


def _receipt(user: User, message: Message, kind: str, note: str = "") -> MessageReceipt:
    with _guard(f"message.{kind}", user, message):
        if message.is_local:
            raise ValidationError(_("Receipts are given by the receiving side."))
        require_unit_access(user, message.owner_unit)
        existing = message.receipts.filter(kind=kind, origin=this_node().id).first()
        if existing is not None:
            if kind == ReceiptKind.ACKNOWLEDGED:
                raise ValidationError(
                    _("This message was already acknowledged at %(t)s.")
                    % {"t": timezone.localtime(existing.at).strftime("%Y-%m-%d %H:%M")}
                )
            return existing
        receipt = _new_record(
            MessageReceipt,
            user,
            message.owner_unit,
            message=message,
            kind=kind,
            at=_now(),
            by_user=user.get_full_name() or user.username,
            by_unit=user.unit.name if user.unit else "",
            note=note,
            tlp=message.tlp if message.tlp != Tlp.RED else Tlp.AMBER,
            handling=message.handling,
        )
        audit.record(f"message.{kind}", message, actor=actor_of(user), receipt=str(receipt.uuid))
        federation.share(receipt, federation.peers_for_linked(message), user=user)
    return receipt


def mark_read(user: User, message: Message) -> MessageReceipt | None:
    """Opening a received message records that it was read (once)."""
    if message.is_local:
        return None
    if message.receipts.filter(kind=ReceiptKind.READ, origin=this_node().id).exists():
        return None
    return _receipt(user, message, ReceiptKind.READ)


def acknowledge(user: User, message: Message, note: str = "") -> MessageReceipt:
    require_role(user, *WRITERS)
    if not message.receipts.filter(kind=ReceiptKind.READ, origin=this_node().id).exists():
        mark_read(user, message)
    return _receipt(user, message, ReceiptKind.ACKNOWLEDGED, note)


def receipt_times(message: Message) -> dict[str, Any]:
    """When the receiving side read and acknowledged, and the time to acknowledge."""
    receiver = [r for r in message.receipts.all() if r.origin != message.origin]
    read = min((r.at for r in receiver if r.kind == ReceiptKind.READ), default=None)
    ack = min((r.at for r in receiver if r.kind == ReceiptKind.ACKNOWLEDGED), default=None)
    tta = (ack - message.sent_at) if ack else None
    return {"read_at": read, "acknowledged_at": ack, "time_to_acknowledge": tta}


def format_duration(delta: dt.timedelta | None) -> str:
    if delta is None:
        return "—"
    seconds = max(int(delta.total_seconds()), 0)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h {minutes:02d}m"
    if hours:
        return f"{hours}h {minutes:02d}m"
    return f"{minutes}m {seconds:02d}s"


def inbox(user: User) -> list[dict[str, Any]]:
    """Per channel the user works on: unread and unacknowledged received messages."""
    me = this_node().id
    rows = []
    read_ids = MessageReceipt.objects.filter(origin=me, kind=ReceiptKind.READ).values("message_id")
    acked_ids = MessageReceipt.objects.filter(origin=me, kind=ReceiptKind.ACKNOWLEDGED).values(
        "message_id"
    )
    received = Message.objects.exclude(origin=me)
    counts = {
        row["channel_id"]: row
        for row in received.values("channel_id").annotate(
            total=Count("id"),
            unread=Count("id", filter=~Q(id__in=read_ids)),
            unacked=Count("id", filter=~Q(id__in=acked_ids)),
        )
    }
    for channel in channels_for(user).filter(active=True):
        c = counts.get(channel.pk, {})
        rows.append(
            {
                "channel": channel,
                "received": c.get("total", 0),
                "unread": c.get("unread", 0),
                "unacknowledged": c.get("unacked", 0),
            }
        )
    return rows


def unacknowledged(user: User) -> models.QuerySet[Message]:
    me = this_node().id
    acked = MessageReceipt.objects.filter(origin=me, kind=ReceiptKind.ACKNOWLEDGED).values(
        "message_id"
    )
    return visible(Message, user).exclude(origin=me).exclude(id__in=acked)


def hotline_report(start: dt.date, end: dt.date, user: User | None = None) -> dict[str, Any]:
    """Messages sent and received in [start, end] with time-to-acknowledge figures."""
    qs = visible(Message, user) if user is not None else Message.objects.all()
    qs = qs.filter(sent_at__date__gte=start, sent_at__date__lte=end).prefetch_related("receipts")
    me = this_node().id
    by_direction: dict[str, list[float]] = {"sent": [], "received": []}
    counts = {"sent": 0, "received": 0, "acknowledged": 0, "unacknowledged": 0}
    by_priority: dict[str, list[float]] = {p: [] for p in Priority.values}
    for msg in qs:
        direction = "sent" if msg.origin == me else "received"
        counts[direction] += 1
        tta = receipt_times(msg)["time_to_acknowledge"]
        if tta is None:
            counts["unacknowledged"] += 1
            continue
        counts["acknowledged"] += 1
        minutes = tta.total_seconds() / 60
        by_direction[direction].append(minutes)
        by_priority[msg.priority].append(minutes)

    def median(values: list[float]) -> float | None:
        if not values:
            return None
        values = sorted(values)
        mid = len(values) // 2
        return round(values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2, 1)

    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        **counts,
        "median_minutes_to_acknowledge": {
            "sent": median(by_direction["sent"]),
            "received": median(by_direction["received"]),
        },
        "median_minutes_by_priority": {p: median(v) for p, v in by_priority.items()},
    }


# --- message templates --------------------------------------------------------------------

#: Bilingual templates: each text in Vietnamese, Lao and English; the message carries the
#: sender's language, the partner's language and English, one after the other.
TEMPLATES: dict[str, dict[str, Any]] = {
    "verify_person": {
        "priority": Priority.URGENT,
        "fields": ["name", "birth_date", "id_number", "reason"],
        "subject": {
            "vi": "Đề nghị xác minh nhân thân: {name}",
            "lo": "ຂໍໃຫ້ກວດສອບຕົວຕົນ: {name}",
            "en": "Request to verify a person: {name}",
        },
        "body": {
            "vi": "Đề nghị quý Cơ quan xác minh nhân thân, quốc tịch và nơi cư trú của đối tượng {name}, "
            "sinh ngày {birth_date}, giấy tờ số {id_number}. Lý do: {reason}. Xin trả lời qua đường dây nóng.",
            "lo": "ຂໍໃຫ້ທ່ານກວດສອບຕົວຕົນ, ສັນຊາດ ແລະ ທີ່ຢູ່ຂອງ {name}, ເກີດວັນທີ {birth_date}, "
            "ເອກະສານເລກທີ {id_number}. ເຫດຜົນ: {reason}. ກະລຸນາຕອບທາງສາຍດ່ວນ.",
            "en": "Please verify the identity, nationality and residence of {name}, born {birth_date}, "
            "document number {id_number}. Reason: {reason}. Please reply over the hotline.",
        },
    },
    "seizure_at_gate": {
        "priority": Priority.FLASH,
        "fields": ["gate", "date", "drug", "quantity", "persons"],
        "subject": {
            "vi": "Thông báo bắt giữ ma túy tại cửa khẩu {gate}",
            "lo": "ແຈ້ງການຍຶດຢາເສບຕິດຢູ່ດ່ານ {gate}",
            "en": "Notice of a drug seizure at the {gate} gate",
        },
        "body": {
            "vi": "Ngày {date}, tại cửa khẩu {gate}, lực lượng chức năng đã bắt giữ {quantity} {drug}. "
            "Đối tượng liên quan: {persons}. Đề nghị phối hợp xác minh nguồn gốc và đối tượng phía bên kia biên giới.",
            "lo": "ວັນທີ {date}, ຢູ່ດ່ານ {gate}, ເຈົ້າໜ້າທີ່ໄດ້ຍຶດ {quantity} {drug}. "
            "ຜູ້ກ່ຽວຂ້ອງ: {persons}. ຂໍປະສານງານກວດສອບແຫຼ່ງທີ່ມາ ແລະ ຜູ້ກ່ຽວຂ້ອງຢູ່ຝັ່ງກົງກັນຂ້າມ.",
            "en": "On {date} at the {gate} gate, officers seized {quantity} {drug}. "
            "Persons involved: {persons}. We ask for joint verification of the source and of persons on your side.",
        },
    },
    "joint_patrol": {
        "priority": Priority.ROUTINE,
        "fields": ["area", "date", "units"],
        "subject": {
            "vi": "Đề nghị tuần tra chung khu vực {area}",
            "lo": "ສະເໜີລາດຕະເວນຮ່ວມ ເຂດ {area}",
            "en": "Request for a joint patrol: {area}",
        },
        "body": {
            "vi": "Đề nghị tổ chức tuần tra chung tại khu vực {area} vào ngày {date}, "
            "lực lượng tham gia: {units}. Đề nghị quý Cơ quan xác nhận và cử đầu mối liên lạc.",
            "lo": "ສະເໜີຈັດລາດຕະເວນຮ່ວມ ຢູ່ເຂດ {area} ໃນວັນທີ {date}, "
            "ກຳລັງເຂົ້າຮ່ວມ: {units}. ກະລຸນາຢືນຢັນ ແລະ ແຕ່ງຕັ້ງຜູ້ປະສານງານ.",
            "en": "We propose a joint patrol in the {area} area on {date}, "
            "with these units: {units}. Please confirm and name a contact person.",
        },
    },
}

_LANG = {"VN": "vi", "LA": "lo"}


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "…"


def render_template(key: str, values: dict[str, str] | None = None) -> tuple[str, str, str]:
    """(subject, body, priority) of a template, in our language, the partner's and English."""
    spec = TEMPLATES.get(key)
    if spec is None:
        raise ValidationError({"template": _("Unknown message template %(k)s.") % {"k": key}})
    data = _Blank({k: v for k, v in (values or {}).items() if v})
    node = this_node()
    languages = [
        _LANG.get(node.country, "en"),
        _LANG.get(PARTNERS.get(node.country, ""), "en"),
        "en",
    ]
    languages = list(dict.fromkeys(languages))
    subject = " / ".join(spec["subject"][lang].format_map(data) for lang in languages)
    body = "\n\n".join(spec["body"][lang].format_map(data) for lang in languages)
    return subject[:300], body, spec["priority"]


# =========================================================================== wanted notices

RANK = {
    WantedStatus.ISSUED: 0,
    WantedStatus.LOCATED: 1,
    WantedStatus.ARRESTED: 2,
    WantedStatus.HANDED_OVER: 3,
    WantedStatus.EXTRADITED: 3,
}
FINAL = {WantedStatus.HANDED_OVER, WantedStatus.EXTRADITED, WantedStatus.WITHDRAWN}


def current_status(notice: WantedNotice) -> str:
    statuses = set(notice.events.values_list("status", flat=True))
    if notice.withdrawn_at or WantedStatus.WITHDRAWN in statuses:
        return WantedStatus.WITHDRAWN
    best = WantedStatus.ISSUED
    for s in statuses:
        if s in RANK and RANK[WantedStatus(s)] > RANK[WantedStatus(best)]:
            best = WantedStatus(s)
    return str(best)


def refresh_notice(notice: WantedNotice) -> str:
    status = current_status(notice)
    if status != notice.status:
        WantedNotice.objects.filter(pk=notice.pk).update(status=status)
        notice.status = status
    return status


def _check_documents(docs: Any) -> list[dict[str, str]]:
    if not docs:
        return []
    if not isinstance(docs, list):
        raise ValidationError({"id_documents": _("Identity documents must be a list.")})
    out = []
    for i, d in enumerate(docs, 1):
        if not isinstance(d, dict) or not str(d.get("number", "")).strip():
            raise ValidationError(
                {"id_documents": _("Identity document %(n)s needs a number.") % {"n": i}}
            )
        out.append(
            {
                "type": str(d.get("type", "")).strip()[:40],
                "number": str(d["number"]).strip()[:60],
                "country": str(d.get("country", "")).strip().upper()[:2],
            }
        )
    return out


def issue_wanted_notice(
    user: User,
    *,
    notice_type: str,
    full_name: str,
    offences: str,
    warrant_reference: str,
    latin_name: str = "",
    other_names: Sequence[str] = (),
    sex: str = "",
    birth_date: str = "",
    nationality: str = "",
    id_documents: Sequence[dict[str, str]] = (),
    description: str = "",
    warrant_date: dt.date | None = None,
    issuing_unit_name: str = "",
    believed_country: str = "",
    believed_location: str = "",
    photos: Sequence[Upload] = (),
    unit: Unit | None = None,
    tlp: str = Tlp.AMBER,
    handling: str = "H0",
    send_to_partner: bool = True,
) -> WantedNotice:
    owner = unit or user.unit
    with _guard("wanted.issue", user, owner, name=full_name):
        _writer(user, owner)
        owner = _unit_for(user, owner)
        if send_to_partner:
            require_role(user, Role.SUPERVISOR)
        errors: dict[str, str] = {}
        if notice_type not in NoticeType.values:
            errors["notice_type"] = _("Choose red-like (arrest) or blue-like (locate and inform).")
        for field, value, label in (
            ("full_name", full_name, _("name (original script)")),
            ("offences", offences, _("offences")),
            ("warrant_reference", warrant_reference, _("warrant reference")),
        ):
            if not (value or "").strip():
                errors[field] = _("%(f)s is required.") % {"f": label}
        if errors:
            raise ValidationError(errors)
        for name, _data in photos:
            if PurePath(name).suffix.lower() not in (".jpg", ".jpeg", ".png"):
                raise ValidationError(
                    {"photos": _("%(n)s: photos must be JPG or PNG.") % {"n": name}}
                )
        check_uploads(photos)
        believed = _country(believed_country, "believed_country") or partner_country()
        notice = _new_record(
            WantedNotice,
            user,
            owner,
            reference=_reference(WantedNotice, "WN"),
            notice_type=notice_type,
            full_name=full_name.strip(),
            latin_name=latin_name.strip(),
            other_names=[n.strip() for n in other_names if n.strip()],
            sex=(sex or "")[:1].upper(),
            birth_date=check_partial_date(birth_date, "birth_date"),
            nationality=_country(nationality, "nationality"),
            id_documents=_check_documents(list(id_documents)),
            description=description,
            offences=offences.strip(),
            warrant_reference=warrant_reference.strip(),
            warrant_date=warrant_date,
            issuing_unit_name=issuing_unit_name or owner.name,
            believed_country=believed,
            believed_location=believed_location,
            issued_at=_now(),
            tlp=tlp,
            handling=handling,
        )
        if photos:
            notice.photos = _store(photos, notice, user)
            notice.save(update_fields=["photos"])
        audit.record("wanted.issue", notice, actor=actor_of(user), reference=notice.reference,
                     type=notice_type)  # fmt: skip
        if send_to_partner and believed:
            if tlp == Tlp.RED:
                raise ValidationError({"tlp": _("A TLP:RED notice cannot be sent to the partner.")})
            federation.share(notice, federation.peers_of_country(believed), user=user)
    return notice


def update_wanted_notice(user: User, notice: WantedNotice, **changes: Any) -> WantedNotice:
    editable = {
        "latin_name", "other_names", "sex", "birth_date", "nationality", "id_documents",
        "description", "offences", "warrant_reference", "warrant_date", "believed_location",
    }  # fmt: skip
    with _guard("wanted.update", user, notice, fields=sorted(changes)):
        require_local(notice)
        _writer(user, notice.owner_unit)
        if notice.withdrawn_at:
            raise ValidationError(_("This notice was withdrawn; it cannot be changed."))
        unknown = set(changes) - editable
        if unknown:
            raise ValidationError(
                _("These fields cannot be changed: %(f)s") % {"f": ", ".join(sorted(unknown))}
            )
        if "birth_date" in changes:
            changes["birth_date"] = check_partial_date(changes["birth_date"], "birth_date")
        if "nationality" in changes:
            changes["nationality"] = _country(changes["nationality"], "nationality")
        if "id_documents" in changes:
            changes["id_documents"] = _check_documents(changes["id_documents"])
        _bump(notice, **changes)
        audit.record("wanted.update", notice, actor=actor_of(user), fields=sorted(changes))
    return notice


def add_wanted_event(
    user: User,
    notice: WantedNotice,
    status: str,
    *,
    at: dt.datetime | None = None,
    place: str = "",
    reason: str = "",
) -> WantedEvent:
    """Record a lifecycle step. Either side may record located / arrested / handed over /
    extradited; arrested before located needs a reason; a final step cannot be repeated;
    only the issuing side withdraws (:func:`withdraw_wanted_notice`)."""
    with _guard("wanted.event", user, notice, status=status):
        require_role(user, *WRITERS)
        get_visible(WantedNotice, user, pk=notice.pk)
        if status not in RANK or status == WantedStatus.ISSUED:
            raise ValidationError(
                {"status": _("Choose located, arrested, handed over or extradited.")}
            )
        current = current_status(notice)
        when = at or _now()
        if when > _now() + dt.timedelta(minutes=5):
            raise ValidationError({"at": _("The time cannot be in the future.")})
        if current == WantedStatus.WITHDRAWN:
            raise ValidationError(_("This notice was withdrawn; no further steps can be recorded."))
        if current in FINAL:
            raise ValidationError(
                _("This person was already %(s)s; that cannot happen twice.")
                % {"s": WantedStatus(current).label.lower()}
            )
        rank, cur = RANK[WantedStatus(status)], RANK[WantedStatus(current)]
        if rank <= cur:
            raise ValidationError(
                {"status": _("The notice is already at “%(c)s”; “%(s)s” is out of order.")
                 % {"c": WantedStatus(current).label, "s": WantedStatus(status).label}}
            )  # fmt: skip
        if (
            status == WantedStatus.ARRESTED
            and current == WantedStatus.ISSUED
            and not reason.strip()
        ):
            raise ValidationError(
                {"reason": _("Arrested before being reported located: give the reason.")}
            )
        if (
            status in (WantedStatus.HANDED_OVER, WantedStatus.EXTRADITED)
            and current != WantedStatus.ARRESTED
        ):
            raise ValidationError(
                {"status": _("Only an arrested person can be handed over or extradited.")}
            )
        event = _new_record(
            WantedEvent,
            user,
            notice.owner_unit if not notice.is_local else notice.owner_unit,
            notice=notice,
            status=status,
            at=when,
            place=place,
            reason=reason,
            by_unit=user.unit.name if user.unit else "",
            by_user=user.get_full_name() or user.username,
            tlp=notice.tlp,
            handling=notice.handling,
        )
        refresh_notice(notice)
        audit.record("wanted.event", notice, actor=actor_of(user), status=status,
                     event=str(event.uuid))  # fmt: skip
        federation.share(event, federation.peers_for_linked(notice), user=user)
    return event


def withdraw_wanted_notice(user: User, notice: WantedNotice, reason: str) -> WantedNotice:
    """Cancel a notice: a new version marked withdrawn goes to every partner holding it, whose
    receipt confirms it (see :func:`cancellation_status`)."""
    with _guard("wanted.withdraw", user, notice):
        require_local(notice)
        require_role(user, Role.SUPERVISOR)
        require_unit_access(user, notice.owner_unit)
        if notice.withdrawn_at:
            raise ValidationError(_("This notice was already withdrawn."))
        if not reason.strip():
            raise ValidationError({"reason": _("Give the reason for the withdrawal.")})
        now = _now()
        _bump(notice, withdrawn_at=now, withdrawal_reason=reason.strip())
        event = _new_record(
            WantedEvent,
            user,
            notice.owner_unit,
            notice=notice,
            status=WantedStatus.WITHDRAWN,
            at=now,
            reason=reason.strip(),
            by_unit=user.unit.name if user.unit else "",
            by_user=user.get_full_name() or user.username,
            tlp=notice.tlp,
            handling=notice.handling,
        )
        refresh_notice(notice)
        audit.record("wanted.withdraw", notice, actor=actor_of(user), reason=reason)
        federation.share(event, federation.holders(notice), user=user)
    return notice


def cancellation_status(notice: WantedNotice) -> list[dict[str, Any]]:
    """For a withdrawn notice: per partner, whether it confirmed the withdrawn version."""
    if not notice.withdrawn_at:
        return []
    out = []
    for row in federation.delivery(notice):
        confirmed = (
            row.get("held_version") is not None
            and row["held_version"] >= notice.version
            and row.get("confirmed_at")
        )
        out.append({**row, "withdrawal_confirmed": bool(confirmed)})
    return out


def wanted_abroad_summary(user: User, country: str | None = None) -> dict[str, Any]:
    """Our wanted persons believed to be in the partner country, with counts by status."""
    country = country or partner_country()
    qs = visible(WantedNotice, user).filter(origin=this_node().id, believed_country=country)
    counts = {s: 0 for s in WantedStatus.values}
    for row in qs.values("status").annotate(n=Count("id")):
        counts[row["status"]] = row["n"]
    return {"country": country, "total": sum(counts.values()), "by_status": counts, "notices": qs}


def located_this_month(user: User) -> models.QuerySet[WantedNotice]:
    today = timezone.localdate()
    start = today.replace(day=1)
    ids = WantedEvent.objects.filter(status=WantedStatus.LOCATED, at__date__gte=start).values(
        "notice_id"
    )
    return visible(WantedNotice, user).filter(pk__in=ids)


# =========================================================================== requests

COMMON_REQUIRED = (
    "requesting_authority",
    "investigation_subject",
    "investigating_authority",
    "facts_summary",
    "assistance_sought",
    "purpose",
)
EXTRADITION_REQUIRED = ("person_description", "law_text", "penalty", "limitation")


def _label(field: str) -> str:
    return str(AssistanceRequest._meta.get_field(field).verbose_name)  # type: ignore[union-attr]


def _clean_persons(value: Any) -> list[dict[str, str]]:
    if not value:
        return []
    if not isinstance(value, list):
        raise ValidationError({"persons": _("Persons must be a list.")})
    keys = ("full_name", "latin_name", "birth_date", "nationality", "location", "id_number")
    out = []
    for p in value:
        if not isinstance(p, dict):
            raise ValidationError({"persons": _("Each person must have named fields.")})
        out.append({k: str(p.get(k, "") or "").strip() for k in keys})
    return out


def check_request(data: dict[str, Any]) -> None:
    """Required fields per request type: 1988 Convention art. 7(10), and for extradition the
    model-treaty contents. The error names each missing field."""
    rtype = data.get("request_type")
    if rtype not in RequestType.values:
        raise ValidationError({"request_type": _("Choose the type of request.")})
    type_label = RequestType(rtype).label
    errors: dict[str, str] = {}

    def missing(field: str, label: str | None = None) -> None:
        errors[field] = _("%(field)s is required for a request of type “%(type)s”.") % {
            "field": label or _label(field),
            "type": type_label,
        }

    for field in COMMON_REQUIRED:
        if not str(data.get(field) or "").strip():
            missing(field)
    persons = data.get("persons") or []
    if rtype != RequestType.INFORMATION:
        if not persons:
            missing("persons")
        for i, p in enumerate(persons, 1):
            for key, label in (
                ("full_name", _("name of person %(n)s") % {"n": i}),
                ("nationality", _("nationality of person %(n)s") % {"n": i}),
            ):
                if not p.get(key):
                    errors.setdefault("persons", "")
                    missing("persons", label)
            if rtype in (RequestType.ARREST, RequestType.EXTRADITION) and not p.get("location"):
                missing("persons", _("location of person %(n)s") % {"n": i})
            if p.get("birth_date"):
                check_partial_date(p["birth_date"], "persons")
    if rtype == RequestType.ARREST and not str(data.get("warrant_reference") or "").strip():
        missing("warrant_reference")
    if rtype == RequestType.EXTRADITION:
        for field in EXTRADITION_REQUIRED:
            if not str(data.get(field) or "").strip():
                missing(field)
        offences = data.get("offences") or []
        if not offences:
            missing("offences")
        for i, o in enumerate(offences, 1):
            if (
                not isinstance(o, dict)
                or not str(o.get("offence", "")).strip()
                or not str(o.get("acts", "")).strip()
            ):
                missing("offences", _("offence %(n)s with the acts alleged") % {"n": i})
        has_warrant = (
            str(data.get("warrant_reference") or "").strip()
            and str(data.get("evidence_summary") or "").strip()
        )
        if not has_warrant and not str(data.get("judgment_reference") or "").strip():
            missing(
                "warrant_reference",
                _("the arrest warrant and evidence (accused) or the judgment (convicted)"),
            )
    if errors:
        raise ValidationError(errors)


REQUEST_FIELDS = (
    "requesting_authority", "investigation_subject", "investigating_authority", "facts_summary",
    "assistance_sought", "special_procedure", "purpose", "confidential", "deadline",
    "person_description", "law_text", "penalty", "limitation", "warrant_reference",
    "evidence_summary", "judgment_reference",
)  # fmt: skip


def send_request(
    user: User,
    *,
    request_type: str,
    to_country: str | None = None,
    to_unit_code: str = "",
    to_unit_name: str = "",
    persons: Any = (),
    offences: Any = (),
    wanted_notice: WantedNotice | None = None,
    attachments: Sequence[Upload] = (),
    unit: Unit | None = None,
    tlp: str = Tlp.AMBER,
    handling: str = "H0",
    **fields: Any,
) -> AssistanceRequest:
    owner = unit or user.unit
    with _guard("request.send", user, owner, type=request_type):
        _writer(user, owner)
        owner = _unit_for(user, owner)
        unknown = set(fields) - set(REQUEST_FIELDS)
        if unknown:
            raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
        data = {
            **fields,
            "request_type": request_type,
            "persons": _clean_persons(list(persons)),
            "offences": [
                {
                    "offence": str(o.get("offence", "")).strip(),
                    "acts": str(o.get("acts", "")).strip(),
                }
                if isinstance(o, dict)
                else {"offence": "", "acts": ""}
                for o in (offences or [])
            ],
        }
        check_request(data)
        deadline = fields.get("deadline")
        if isinstance(deadline, str) and deadline:
            try:
                fields["deadline"] = dt.date.fromisoformat(deadline)
            except ValueError as exc:
                raise ValidationError(
                    {"deadline": _("Deadline must be a date (YYYY-MM-DD).")}
                ) from exc
        if fields.get("deadline") and fields["deadline"] < timezone.localdate():
            raise ValidationError({"deadline": _("The deadline is in the past.")})
        if tlp == Tlp.RED:
            raise ValidationError({"tlp": _("A TLP:RED request cannot be sent to the partner.")})
        check_uploads(attachments)
        country = _country(to_country or partner_country(), "to_country", required=True)
        request = _new_record(
            AssistanceRequest,
            user,
            owner,
            reference=_reference(AssistanceRequest, "RQ"),
            request_type=request_type,
            from_unit_code=owner.code,
            from_unit_name=owner.name,
            to_country=country,
            to_unit_code=to_unit_code,
            to_unit_name=to_unit_name,
            persons=data["persons"],
            offences=data["offences"],
            wanted_notice=wanted_notice,
            sent_at=_now(),
            sent_by=user.get_full_name() or user.username,
            tlp=tlp,
            handling=handling,
            **{k: v for k, v in fields.items() if v is not None},
        )
        if attachments:
            request.attachments = _store(attachments, request, user)
            request.save(update_fields=["attachments"])
        audit.record("request.send", request, actor=actor_of(user), reference=request.reference,
                     type=request_type, to=country)  # fmt: skip
        federation.share(request, federation.peers_of_country(country), user=user)
    return request


def request_status(request: AssistanceRequest) -> str:
    if request.closed_at:
        return RequestStatus.CLOSED
    kinds = set(request.responses.values_list("kind", flat=True))
    if ResponseKind.REFUSAL in kinds:
        return RequestStatus.REFUSED
    if ResponseKind.ANSWER in kinds:
        return RequestStatus.ANSWERED
    if ResponseKind.ASSIGNED in kinds:
        return RequestStatus.ASSIGNED
    return RequestStatus.OPEN


def refresh_request(request: AssistanceRequest) -> str:
    status = request_status(request)
    if status != request.status:
        AssistanceRequest.objects.filter(pk=request.pk).update(status=status)
        request.status = status
    return status


def respond(
    user: User,
    request: AssistanceRequest,
    kind: str,
    *,
    text: str = "",
    assignee: str = "",
    attachments: Sequence[Upload] = (),
) -> RequestResponse:
    """The receiving side assigns, notes, answers or refuses a request."""
    with _guard("request.respond", user, request, kind=kind):
        require_role(user, *WRITERS)
        get_visible(AssistanceRequest, user, pk=request.pk)
        if request.is_local:
            raise ValidationError(_("Responses come from the side that received the request."))
        if kind not in ResponseKind.values:
            raise ValidationError({"kind": _("Unknown kind of response.")})
        if request.closed_at:
            raise ValidationError(_("This request is closed."))
        if kind == ResponseKind.ASSIGNED and not assignee.strip():
            raise ValidationError({"assignee": _("Name the person or unit assigned.")})
        if (
            kind in (ResponseKind.ANSWER, ResponseKind.REFUSAL, ResponseKind.NOTE)
            and not text.strip()
        ):
            raise ValidationError({"text": _("Write the response.")})
        check_uploads(attachments)
        response = _new_record(
            RequestResponse,
            user,
            request.owner_unit,
            request=request,
            kind=kind,
            text=text.strip(),
            assignee=assignee.strip(),
            at=_now(),
            by_user=user.get_full_name() or user.username,
            by_unit=user.unit.name if user.unit else "",
            tlp=request.tlp,
            handling=request.handling,
        )
        if attachments:
            response.attachments = _store(attachments, response, user)
            response.save(update_fields=["attachments"])
        refresh_request(request)
        audit.record("request.respond", request, actor=actor_of(user), kind=kind,
                     response=str(response.uuid))  # fmt: skip
        federation.share(response, federation.peers_for_linked(request), user=user)
    return response


def close_request(user: User, request: AssistanceRequest) -> AssistanceRequest:
    with _guard("request.close", user, request):
        require_local(request)
        _writer(user, request.owner_unit)
        if request.closed_at:
            raise ValidationError(_("This request is already closed."))
        _bump(request, closed_at=_now())
        refresh_request(request)
        audit.record("request.close", request, actor=actor_of(user))
    return request


def overdue_requests(user: User) -> models.QuerySet[AssistanceRequest]:
    return visible(AssistanceRequest, user).filter(
        deadline__lt=timezone.localdate(),
        status__in=[RequestStatus.OPEN, RequestStatus.ASSIGNED],
    )


def is_overdue(request: AssistanceRequest) -> bool:
    return bool(
        request.deadline
        and request.deadline < timezone.localdate()
        and request.status in (RequestStatus.OPEN, RequestStatus.ASSIGNED)
    )


# =========================================================================== joint cases


def open_joint_case(
    user: User,
    *,
    title: str,
    summary: str = "",
    opened_on: dt.date | None = None,
    partner: str | None = None,
    partner_unit_code: str = "",
    partner_unit_name: str = "",
    unit: Unit | None = None,
    tlp: str = Tlp.AMBER,
    handling: str = "H0",
    share_now: bool = True,
) -> JointCase:
    owner = unit or user.unit
    with _guard("joint_case.open", user, owner, title=title):
        _writer(user, owner)
        owner = _unit_for(user, owner)
        if not title.strip():
            raise ValidationError({"title": _("Give the joint case a title.")})
        if share_now:
            require_role(user, Role.SUPERVISOR)
        country = _country(partner or partner_country(), "partner_country", required=True)
        case = _new_record(
            JointCase,
            user,
            owner,
            reference=_reference(JointCase, "JC"),
            title=title.strip(),
            summary=summary.strip(),
            partner_country=country,
            partner_unit_code=partner_unit_code.strip(),
            partner_unit_name=partner_unit_name.strip(),
            opened_on=opened_on or timezone.localdate(),
            opened_by_unit=owner.name,
            tlp=tlp,
            handling=handling,
        )
        audit.record("joint_case.open", case, actor=actor_of(user), reference=case.reference)
        if share_now:
            federation.share(case, federation.peers_of_country(country), user=user)
    return case


def update_joint_case(user: User, case: JointCase, **changes: Any) -> JointCase:
    with _guard("joint_case.update", user, case, fields=sorted(changes)):
        require_local(case)
        _writer(user, case.owner_unit)
        unknown = set(changes) - {"title", "summary", "closed_on"}
        if unknown:
            raise ValidationError(
                _("These fields cannot be changed: %(f)s") % {"f": ", ".join(sorted(unknown))}
            )
        _bump(case, **changes)
        audit.record("joint_case.update", case, actor=actor_of(user), fields=sorted(changes))
    return case


LINK_KINDS = ("persons", "cases", "seizures", "wanted-notices", "requests")


def add_entry(user: User, case: JointCase, kind: str, **fields: Any) -> JointCaseEntry:
    """Either side adds an entry (join, participant, timeline, task, link) to a joint case."""
    allowed = {
        "text", "person_name", "person_role", "assigned_to_country", "assigned_to", "due",
        "link_kind", "link_uuid", "link_label", "at",
    }  # fmt: skip
    with _guard("joint_case.entry", user, case, kind=kind):
        require_role(user, *WRITERS)
        get_visible(JointCase, user, pk=case.pk)
        if kind not in EntryKind.values:
            raise ValidationError({"kind": _("Unknown kind of entry.")})
        unknown = set(fields) - allowed
        if unknown:
            raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
        if case.closed_on:
            raise ValidationError(_("This joint case is closed."))
        if kind == EntryKind.JOIN:
            if case.is_local:
                raise ValidationError(_("The side that opened the case does not join it."))
            if case.entries.filter(kind=EntryKind.JOIN, origin=this_node().id).exists():
                raise ValidationError(_("Your side has already joined this case."))
        if kind == EntryKind.PARTICIPANT and not str(fields.get("person_name", "")).strip():
            raise ValidationError({"person_name": _("Name the participant.")})
        if kind == EntryKind.TIMELINE and not str(fields.get("text", "")).strip():
            raise ValidationError({"text": _("Write the entry.")})
        if kind == EntryKind.TASK:
            if not str(fields.get("text", "")).strip():
                raise ValidationError({"text": _("Describe the task.")})
            fields["assigned_to_country"] = _country(
                fields.get("assigned_to_country") or "", "assigned_to_country", required=True
            )
        if kind == EntryKind.LINK:
            if fields.get("link_kind") not in LINK_KINDS:
                raise ValidationError({"link_kind": _("Choose the kind of the linked record.")})
            if not fields.get("link_uuid"):
                raise ValidationError({"link_uuid": _("Give the id (uuid) of the linked record.")})
        if isinstance(fields.get("due"), str):
            fields["due"] = dt.date.fromisoformat(fields["due"]) if fields["due"] else None
        entry = _new_record(
            JointCaseEntry,
            user,
            case.owner_unit,
            joint_case=case,
            kind=kind,
            at=fields.pop("at", None) or _now(),
            task_status=TaskStatus.OPEN if kind == EntryKind.TASK else "",
            by_unit=user.unit.name if user.unit else "",
            by_user=user.get_full_name() or user.username,
            tlp=case.tlp,
            handling=case.handling,
            **fields,
        )
        audit.record("joint_case.entry", case, actor=actor_of(user), kind=kind,
                     entry=str(entry.uuid))  # fmt: skip
        federation.share(entry, federation.peers_for_linked(case), user=user)
    return entry


def update_entry(user: User, entry: JointCaseEntry, **changes: Any) -> JointCaseEntry:
    """Only the side that wrote an entry edits it."""
    allowed = {"text", "person_name", "person_role", "assigned_to", "due", "task_status",
               "link_label"}  # fmt: skip
    with _guard("joint_case.entry_update", user, entry.joint_case, entry=str(entry.uuid)):
        require_local(entry)
        require_role(user, *WRITERS)
        get_visible(JointCase, user, pk=entry.joint_case_id)
        unknown = set(changes) - allowed
        if unknown:
            raise ValidationError(
                _("These fields cannot be changed: %(f)s") % {"f": ", ".join(sorted(unknown))}
            )
        if "task_status" in changes and changes["task_status"] not in TaskStatus.values:
            raise ValidationError({"task_status": _("Unknown task status.")})
        _bump(entry, **changes)
        audit.record("joint_case.entry_update", entry.joint_case, actor=actor_of(user),
                     entry=str(entry.uuid), fields=sorted(changes))  # fmt: skip
    return entry


def joint_case_count(start: dt.date, end: dt.date, *, country: str | None = None) -> int:
    """Joint cases opened in [start, end] (each counted once, whichever side opened it)."""
    qs = JointCase.objects.filter(opened_on__gte=start, opened_on__lte=end)
    if country:
        qs = qs.filter(Q(origin_country=country) | Q(partner_country=country))
    return int(qs.values("uuid").distinct().count())


# =========================================================================== patrols


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
    owner = unit or user.unit
    with _guard("patrol.plan", user, owner, title=title):
        _writer(user, owner)
        owner = _unit_for(user, owner)
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
        country = _country(partner or partner_country(), "partner_country", required=True)
        patrol = _new_record(
            Patrol,
            user,
            owner,
            reference=_reference(Patrol, "JP"),
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
    with _guard("patrol.status", user, patrol, status=status):
        require_local(patrol)
        _writer(user, patrol.owner_unit)
        if status not in PatrolStatus.values:
            raise ValidationError({"status": _("Unknown status.")})
        if patrol.status in (PatrolStatus.COMPLETED, PatrolStatus.CANCELLED):
            raise ValidationError(_("This patrol is finished."))
        _bump(patrol, status=status)
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
    with _guard("patrol.result", user, patrol):
        require_role(user, *WRITERS)
        get_visible(Patrol, user, pk=patrol.pk)
        if arrests < 0:
            raise ValidationError({"arrests": _("Arrests cannot be negative.")})
        result = _new_record(
            PatrolResult,
            user,
            patrol.owner_unit,
            patrol=patrol,
            at=_now(),
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


# =========================================================================== agreements


def _share_flag(user: User, obj: Record, share_now: bool, country: str) -> None:
    if share_now:
        require_role(user, Role.SUPERVISOR)
        federation.share(obj, federation.peers_of_country(country), user=user)


def create_agreement(
    user: User,
    *,
    title: str,
    kind: str = AgreementKind.MOU,
    parties: str = "",
    signed_on: dt.date | None = None,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    summary: str = "",
    documents: Sequence[Upload] = (),
    unit: Unit | None = None,
    tlp: str = Tlp.GREEN,
    handling: str = "H0",
    share_now: bool = False,
) -> Agreement:
    owner = unit or user.unit
    with _guard("agreement.create", user, owner, title=title):
        _writer(user, owner)
        owner = _unit_for(user, owner)
        if kind not in AgreementKind.values:
            raise ValidationError({"kind": _("Unknown kind of document.")})
        if not title.strip():
            raise ValidationError({"title": _("Give the title.")})
        if valid_from and valid_to and valid_to < valid_from:
            raise ValidationError({"valid_to": _("The end is before the start.")})
        check_uploads(documents)
        agreement = _new_record(
            Agreement, user, owner, reference=_reference(Agreement, "AG"), kind=kind,
            title=title.strip(), parties=parties, signed_on=signed_on, valid_from=valid_from,
            valid_to=valid_to, summary=summary, tlp=tlp, handling=handling,
        )  # fmt: skip
        if documents:
            agreement.attachments = _store(documents, agreement, user)
            agreement.save(update_fields=["attachments"])
        audit.record("agreement.create", agreement, actor=actor_of(user))
        _share_flag(user, agreement, share_now, partner_country())
    return agreement


def add_action_item(
    user: User,
    *,
    text: str,
    agreement: Agreement | None = None,
    meeting: Meeting | None = None,
    owner: str = "",
    owner_country: str = "",
    due: dt.date | None = None,
) -> ActionItem:
    parent: Record | None = agreement or meeting
    with _guard("action_item.create", user, parent):
        if parent is None:
            raise ValidationError(_("An action item belongs to a plan or a meeting."))
        require_role(user, *WRITERS)
        get_visible(type(parent), user, pk=parent.pk)
        if not text.strip():
            raise ValidationError({"text": _("Describe the action.")})
        item = _new_record(
            ActionItem, user, parent.owner_unit, agreement=agreement, meeting=meeting,
            text=text.strip(), owner=owner, due=due,
            owner_country=_country(owner_country or this_node().country, "owner_country"),
            tlp=parent.tlp if parent.tlp != Tlp.RED else Tlp.AMBER, handling=parent.handling,
        )  # fmt: skip
        audit.record("action_item.create", item, actor=actor_of(user))
        federation.share(item, federation.peers_for_linked(parent), user=user)
    return item


def update_action_item(
    user: User, item: ActionItem, *, status: str | None = None, progress_note: str | None = None
) -> ActionItem:
    with _guard("action_item.update", user, item, status=status):
        require_local(item)
        _writer(user, item.owner_unit)
        changes: dict[str, Any] = {}
        if status is not None:
            if status not in ActionStatus.values:
                raise ValidationError({"status": _("Unknown status.")})
            changes["status"] = status
        if progress_note is not None:
            changes["progress_note"] = progress_note
        _bump(item, **changes)
        audit.record("action_item.update", item, actor=actor_of(user), **changes)
    return item


def implementation_status(agreement: Agreement) -> dict[str, Any]:
    items = list(agreement.action_items.all())
    today = timezone.localdate()
    counts = {s: 0 for s in ActionStatus.values}
    overdue = 0
    for item in items:
        counts[item.status] += 1
        if item.due and item.due < today and item.status in ("not_started", "in_progress"):
            overdue += 1
    active = len(items) - counts["cancelled"]
    percent = round(100 * counts["done"] / active) if active else 0
    return {"total": len(items), "by_status": counts, "overdue": overdue, "percent_done": percent}


def record_meeting(
    user: User,
    *,
    title: str,
    held_on: dt.date,
    kind: str = MeetingKind.MEETING,
    place: str = "",
    participants: Any = (),
    minutes: str = "",
    agreement: Agreement | None = None,
    commitments: Sequence[dict[str, Any]] = (),
    unit: Unit | None = None,
    tlp: str = Tlp.GREEN,
    handling: str = "H0",
    share_now: bool = False,
) -> Meeting:
    """A meeting with its participants, minutes and commitments (each an action item)."""
    owner = unit or user.unit
    with _guard("meeting.create", user, owner, title=title):
        _writer(user, owner)
        owner = _unit_for(user, owner)
        if kind not in MeetingKind.values:
            raise ValidationError({"kind": _("Unknown kind of meeting.")})
        if not title.strip():
            raise ValidationError({"title": _("Give the title.")})
        people = []
        for p in participants or []:
            if isinstance(p, str):
                p = {"name": p}
            if not isinstance(p, dict) or not str(p.get("name", "")).strip():
                raise ValidationError({"participants": _("Each participant needs a name.")})
            people.append({"name": str(p["name"]).strip(), "side": str(p.get("side", "")).upper()[:2],
                           "role": str(p.get("role", "")).strip()})  # fmt: skip
        meeting = _new_record(
            Meeting, user, owner, reference=_reference(Meeting, "MT"), kind=kind,
            title=title.strip(), held_on=held_on, place=place, participants=people,
            minutes=minutes, agreement=agreement, tlp=tlp, handling=handling,
        )  # fmt: skip
        audit.record("meeting.create", meeting, actor=actor_of(user))
        _share_flag(user, meeting, share_now, partner_country())
        for c in commitments:
            add_action_item(
                user, meeting=meeting, agreement=agreement, text=str(c.get("text", "")),
                owner=str(c.get("owner", "")), owner_country=str(c.get("owner_country", "")),
                due=c.get("due"),
            )  # fmt: skip
    return meeting


def create_project(
    user: User,
    *,
    title: str,
    kind: str,
    location: str = "",
    province: Any = None,
    agreement: Agreement | None = None,
    starts_on: dt.date | None = None,
    due_on: dt.date | None = None,
    trainees: int = 0,
    note: str = "",
    unit: Unit | None = None,
    share_now: bool = False,
) -> CapacityProject:
    owner = unit or user.unit
    with _guard("project.create", user, owner, title=title):
        _writer(user, owner)
        owner = _unit_for(user, owner)
        if kind not in ProjectKind.values:
            raise ValidationError({"kind": _("Unknown kind of project.")})
        if not title.strip():
            raise ValidationError({"title": _("Give the title.")})
        project = _new_record(
            CapacityProject, user, owner, title=title.strip(), kind=kind, location=location,
            province=province, agreement=agreement, starts_on=starts_on, due_on=due_on,
            trainees=trainees, note=note, tlp=Tlp.GREEN,
        )  # fmt: skip
        audit.record("project.create", project, actor=actor_of(user))
        _share_flag(user, project, share_now, partner_country())
    return project


def update_project(
    user: User,
    project: CapacityProject,
    *,
    progress: int | None = None,
    status: str | None = None,
    handed_over_on: dt.date | None = None,
    note: str | None = None,
) -> CapacityProject:
    with _guard("project.update", user, project):
        require_local(project)
        _writer(user, project.owner_unit)
        changes: dict[str, Any] = {}
        if progress is not None:
            if not 0 <= progress <= 100:
                raise ValidationError({"progress": _("Progress is a percentage from 0 to 100.")})
            changes["progress"] = progress
        if status is not None:
            if status not in ProjectStatus.values:
                raise ValidationError({"status": _("Unknown status.")})
            changes["status"] = status
            if status == ProjectStatus.HANDED_OVER:
                changes["handed_over_on"] = handed_over_on or timezone.localdate()
                changes["progress"] = 100
        if note is not None:
            changes["note"] = note
        _bump(project, **changes)
        audit.record("project.update", project, actor=actor_of(user), **changes)
    return project


# =========================================================================== dashboard


def new_partner_notices(user: User, days: int = 14) -> models.QuerySet[WantedNotice]:
    since = _now() - dt.timedelta(days=days)
    return visible(WantedNotice, user).exclude(origin=this_node().id).filter(created_at__gte=since)


def dashboard_counts(user: User) -> dict[str, int]:
    return {
        "unacknowledged": unacknowledged(user).count(),
        "overdue": overdue_requests(user).count(),
        "new_notices": new_partner_notices(user).count(),
        "located": located_this_month(user).count(),
    }


# =========================================================================== receiving


def _unit_by_code(code: str) -> Unit | None:
    return Unit.objects.filter(code=code).first() if code else None


def route_message(msg: Record) -> Unit:
    assert isinstance(msg, Message)
    unit = _unit_by_code(msg.to_unit_code) or federation.root_unit()
    channel = Channel.objects.filter(local_unit=unit, partner_unit_code=msg.from_unit_code).first()
    if channel is None:
        level = (
            Level.MINISTRY
            if unit.parent_id is None
            else Level(unit.level)
            if unit.level in Level.values
            else Level.PROVINCE
        )
        channel = Channel.objects.create(
            local_unit=unit, level=level, partner_country=msg.origin_country,
            partner_node=msg.origin, partner_unit_code=msg.from_unit_code,
            partner_unit_name=msg.from_unit_name, created_at=_now(),
        )  # fmt: skip
    msg.channel = channel
    return unit


def _parent_unit(attr: str) -> Callable[[Record], Unit]:
    def route(obj: Record) -> Unit:
        parent = getattr(obj, attr)
        return parent.owner_unit if parent is not None else federation.root_unit()

    return route


def _root(obj: Record) -> Unit:
    return federation.root_unit()


def _request_unit(obj: Record) -> Unit:
    assert isinstance(obj, AssistanceRequest)
    return _unit_by_code(obj.to_unit_code) or federation.root_unit()


def _partner_unit_of(obj: Record) -> Unit:
    """A joint case or patrol is filed under the unit it names as the partner's (this node's
    unit, seen from the side that opened it), else at the ministry."""
    return _unit_by_code(getattr(obj, "partner_unit_code", "")) or federation.root_unit()


def _action_unit(obj: Record) -> Unit:
    assert isinstance(obj, ActionItem)
    parent = obj.agreement or obj.meeting
    return parent.owner_unit if parent is not None else federation.root_unit()


def _after_event(obj: Record) -> None:
    assert isinstance(obj, WantedEvent)
    refresh_notice(obj.notice)


def _after_notice(obj: Record) -> None:
    assert isinstance(obj, WantedNotice)
    refresh_notice(obj)


def _after_response(obj: Record) -> None:
    assert isinstance(obj, RequestResponse)
    refresh_request(obj.request)


def _after_request(obj: Record) -> None:
    assert isinstance(obj, AssistanceRequest)
    refresh_request(obj)


#: kind → (model, where a received copy is filed, what to refresh after, fields not sent)
RECEIVING: dict[str, tuple[type[Record], Callable[[Record], Unit], Any, tuple[str, ...]]] = {
    "messages": (Message, route_message, None, ("channel",)),
    "message-receipts": (MessageReceipt, _parent_unit("message"), None, ()),
    "wanted-notices": (WantedNotice, _root, _after_notice, ("status",)),
    "wanted-notice-events": (WantedEvent, _parent_unit("notice"), _after_event, ()),
    "requests": (AssistanceRequest, _request_unit, _after_request, ("status",)),
    "request-responses": (RequestResponse, _parent_unit("request"), _after_response, ()),
    "joint-cases": (JointCase, _partner_unit_of, None, ()),
    "joint-case-entries": (JointCaseEntry, _parent_unit("joint_case"), None, ()),
    "patrols": (Patrol, _partner_unit_of, None, ()),
    "patrol-results": (PatrolResult, _parent_unit("patrol"), None, ()),
    "agreements": (Agreement, _root, None, ()),
    "meetings": (Meeting, _root, None, ()),
    "action-items": (ActionItem, _action_unit, None, ()),
    "capacity-projects": (CapacityProject, _root, None, ()),
}


def register_with_exchange() -> None:
    """Make every cooperation kind exchangeable, with its own filing of received copies."""
    try:
        from liaison.exchange.registry import register_kind
    except ImportError:  # pragma: no cover
        return
    for kind, (model, route, after, exclude) in RECEIVING.items():
        register_kind(
            kind, model, apply=federation.make_apply(model, route, after), exclude=exclude
        )


def priority_rank(priority: str) -> int:
    return {Priority.FLASH: 0, Priority.URGENT: 1, Priority.ROUTINE: 2}.get(
        Priority(priority) if priority in Priority.values else Priority.ROUTINE, 2
    )
