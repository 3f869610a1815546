"""Hotline: default and added channels, messages, read / acknowledged receipts, time to
acknowledge, and the bilingual message templates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.cooperation import federation
from liaison.cooperation.models.hotline import (
    Channel,
    Level,
    Message,
    MessageReceipt,
    Priority,
    ReceiptKind,
)
from liaison.cooperation.services.attachments import Upload, attach, check_uploads
from liaison.cooperation.services.common import (
    WRITERS,
    actor_of,
    check_country,
    guard,
    new_record,
    now,
    partner_country,
    visible,
)
from liaison.core import audit
from liaison.core.audit import Actor
from liaison.core.countries import language_for
from liaison.core.models import BorderGate, Record, Role, Tlp, Unit, UnitKind, User
from liaison.core.node import this_node
from liaison.core.services import require_role, require_unit_access


def _partner_unit(country: str, kind: str, province: Any = None) -> tuple[str, str]:
    """Code and name of a partner unit as the partner's `liaison init` names it."""
    from liaison.core.setup import _province_name, units_for

    if kind == "ministry":
        return f"{country}-MPS", str(units_for(country)["ministry"]["name"])
    code = f"{country}-PP-{province.code.replace(':', '-')}"
    return code, _province_name(province, country)


def ensure_default_channels(actor: Actor | None = None) -> list[Channel]:
    """Ministry ↔ ministry, and each local border province police ↔ each partner province it
    faces (from the gazetteer). Idempotent: returns the channels it created."""
    partner = partner_country()
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
                    "created_at": now(),
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
    with guard("hotline.channel_create", user, local_unit, code=partner_unit_code):
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
        country = check_country(
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
            created_at=now(),
        )
        audit.record(
            "hotline.channel_create",
            channel,
            actor=actor_of(user),
            partner=channel.partner_unit_code,
        )
    return channel


def set_channel_active(user: User, channel: Channel, active: bool) -> Channel:
    with guard("hotline.channel_update", user, channel):
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
    with guard("message.send", user, channel, channel=channel.pk, priority=priority):
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
        msg = new_record(
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
            sent_at=now(),
            tlp=tlp,
            handling=handling,
        )
        attach(msg, attachments, user)
        audit.record(
            "message.send",
            msg,
            actor=actor_of(user),
            channel=channel.pk,
            to=channel.partner_unit_code,
            priority=priority,
        )
        federation.share(msg, federation.peers_of_country(channel.partner_country), user=user)
    return msg


def _receipt(user: User, message: Message, kind: str, note: str = "") -> MessageReceipt:
    with guard(f"message.{kind}", user, message):
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
        receipt = new_record(
            MessageReceipt,
            user,
            message.owner_unit,
            message=message,
            kind=kind,
            at=now(),
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

#: Bilingual templates: each text in Vietnamese, Lao, English and Russian; the message carries the
#: sender's language, the partner's language and English, one after the other.
TEMPLATES: dict[str, dict[str, Any]] = {
    "verify_person": {
        "priority": Priority.URGENT,
        "fields": ["name", "birth_date", "id_number", "reason"],
        "subject": {
            "vi": "Đề nghị xác minh nhân thân: {name}",
            "lo": "ຂໍໃຫ້ກວດສອບຕົວຕົນ: {name}",
            "en": "Request to verify a person: {name}",
            "ru": "Запрос об установлении личности: {name}",
        },
        "body": {
            "vi": "Đề nghị quý Cơ quan xác minh nhân thân, quốc tịch và nơi cư trú của đối tượng {name}, "
            "sinh ngày {birth_date}, giấy tờ số {id_number}. Lý do: {reason}. Xin trả lời qua đường dây nóng.",
            "lo": "ຂໍໃຫ້ທ່ານກວດສອບຕົວຕົນ, ສັນຊາດ ແລະ ທີ່ຢູ່ຂອງ {name}, ເກີດວັນທີ {birth_date}, "
            "ເອກະສານເລກທີ {id_number}. ເຫດຜົນ: {reason}. ກະລຸນາຕອບທາງສາຍດ່ວນ.",
            "en": "Please verify the identity, nationality and residence of {name}, born {birth_date}, "
            "document number {id_number}. Reason: {reason}. Please reply over the hotline.",
            "ru": "Просим установить личность, гражданство и место жительства {name}, "
            "дата рождения {birth_date}, документ № {id_number}. Основание: {reason}. "
            "Ответ просим направить по горячей линии.",
        },
    },
    "seizure_at_gate": {
        "priority": Priority.FLASH,
        "fields": ["gate", "date", "drug", "quantity", "persons"],
        "subject": {
            "vi": "Thông báo bắt giữ ma túy tại cửa khẩu {gate}",
            "lo": "ແຈ້ງການຍຶດຢາເສບຕິດຢູ່ດ່ານ {gate}",
            "en": "Notice of a drug seizure at the {gate} gate",
            "ru": "Сообщение об изъятии наркотиков в пункте пропуска {gate}",
        },
        "body": {
            "vi": "Ngày {date}, tại cửa khẩu {gate}, lực lượng chức năng đã bắt giữ {quantity} {drug}. "
            "Đối tượng liên quan: {persons}. Đề nghị phối hợp xác minh nguồn gốc và đối tượng phía bên kia biên giới.",
            "lo": "ວັນທີ {date}, ຢູ່ດ່ານ {gate}, ເຈົ້າໜ້າທີ່ໄດ້ຍຶດ {quantity} {drug}. "
            "ຜູ້ກ່ຽວຂ້ອງ: {persons}. ຂໍປະສານງານກວດສອບແຫຼ່ງທີ່ມາ ແລະ ຜູ້ກ່ຽວຂ້ອງຢູ່ຝັ່ງກົງກັນຂ້າມ.",
            "en": "On {date} at the {gate} gate, officers seized {quantity} {drug}. "
            "Persons involved: {persons}. We ask for joint verification of the source and of persons on your side.",
            "ru": "{date} в пункте пропуска {gate} сотрудниками изъято: {drug}, {quantity}. "
            "Причастные лица: {persons}. Просим совместно проверить источник поступления "
            "и причастных лиц на вашей стороне границы.",
        },
    },
    "joint_patrol": {
        "priority": Priority.ROUTINE,
        "fields": ["area", "date", "units"],
        "subject": {
            "vi": "Đề nghị tuần tra chung khu vực {area}",
            "lo": "ສະເໜີລາດຕະເວນຮ່ວມ ເຂດ {area}",
            "en": "Request for a joint patrol: {area}",
            "ru": "Предложение о совместном патрулировании: {area}",
        },
        "body": {
            "vi": "Đề nghị tổ chức tuần tra chung tại khu vực {area} vào ngày {date}, "
            "lực lượng tham gia: {units}. Đề nghị quý Cơ quan xác nhận và cử đầu mối liên lạc.",
            "lo": "ສະເໜີຈັດລາດຕະເວນຮ່ວມ ຢູ່ເຂດ {area} ໃນວັນທີ {date}, "
            "ກຳລັງເຂົ້າຮ່ວມ: {units}. ກະລຸນາຢືນຢັນ ແລະ ແຕ່ງຕັ້ງຜູ້ປະສານງານ.",
            "en": "We propose a joint patrol in the {area} area on {date}, "
            "with these units: {units}. Please confirm and name a contact person.",
            "ru": "Предлагаем провести {date} совместное патрулирование в районе {area} "
            "силами подразделений: {units}. Просим подтвердить и назначить контактное лицо.",
        },
    },
}

#: The languages every template is written in (others fall back to English).
TEMPLATE_LANGUAGES = ("vi", "lo", "en", "ru")


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
        language_for(node.country, TEMPLATE_LANGUAGES),
        language_for(partner_country(), TEMPLATE_LANGUAGES),
        "en",
    ]
    languages = list(dict.fromkeys(languages))
    subject = " / ".join(spec["subject"][lang].format_map(data) for lang in languages)
    body = "\n\n".join(spec["body"][lang].format_map(data) for lang in languages)
    return subject[:300], body, spec["priority"]


def route_message(msg: Record) -> Unit:
    """File a received message under the unit it is addressed to, in the channel to its
    sender (made on first contact)."""
    assert isinstance(msg, Message)
    unit = federation.unit_by_code(msg.to_unit_code) or federation.root_unit()
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
            local_unit=unit,
            level=level,
            partner_country=msg.origin_country,
            partner_node=msg.origin,
            partner_unit_code=msg.from_unit_code,
            partner_unit_name=msg.from_unit_name,
            created_at=now(),
        )
    msg.channel = channel
    return unit


def priority_rank(priority: str) -> int:
    return {Priority.FLASH: 0, Priority.URGENT: 1, Priority.ROUTINE: 2}.get(
        Priority(priority) if priority in Priority.values else Priority.ROUTINE, 2
    )
