"""Hotline: channels from the gazetteer, messages, receipts, time to acknowledge, refusals."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from liaison.cooperation import services
from liaison.cooperation.models import Channel, Message, MessageReceipt, ReceiptKind
from liaison.core.models import AuditEntry, Role

PDF = b"%PDF-1.4 minimal"


@pytest.fixture
def channels(units):  # type: ignore[no-untyped-def]
    services.ensure_default_channels()
    return Channel.objects.all()


def test_default_channels_follow_the_gazetteer(units, channels) -> None:
    pairs = {(c.local_unit.code, c.partner_unit_code) for c in channels}
    assert ("VN-MPS", "LA-MPS") in pairs
    # Nghệ An faces Bolikhamxay, Houaphanh and Xiengkhouang; Hà Tĩnh faces Bolikhamxay, Khammouane.
    assert {p for u, p in pairs if u == "VN-PA-40"} == {"LA-PP-LA-BL", "LA-PP-LA-HO", "LA-PP-LA-XI"}
    assert {p for u, p in pairs if u == "VN-PA-42"} == {"LA-PP-LA-BL", "LA-PP-LA-KH"}
    ho = channels.get(local_unit=units.nghe_an, partner_unit_code="LA-PP-LA-HO")
    assert ho.level == "province" and "ຫົວພັນ" in ho.partner_unit_name
    # Running again adds nothing.
    assert services.ensure_default_channels() == []


def test_command_lists_channels(units, capsys) -> None:  # type: ignore[no-untyped-def]
    call_command("hotline_channels")
    out = capsys.readouterr().out
    assert "VN-MPS ↔ LA-MPS" in out and "6 channel(s) created" in out


def test_send_and_partner_acknowledges(units, channels, officer, peer, receive) -> None:  # type: ignore[no-untyped-def]
    channel = channels.get(local_unit=units.nghe_an, partner_unit_code="LA-PP-LA-HO")
    msg = services.send_message(
        officer,
        channel,
        subject="Xác minh",
        body="Đề nghị xác minh",
        priority="flash",
        attachments=[("note.pdf", PDF)],
    )
    assert msg.to_unit_code == "LA-PP-LA-HO" and msg.attachments[0]["name"] == "note.pdf"
    from liaison.exchange.models import OutboxEntry

    assert OutboxEntry.objects.filter(record_uuid=msg.uuid, peer=peer).exists()
    # Houaphanh reads, then acknowledges 7 minutes later (their receipts arrive here).
    sent = msg.sent_at
    receive(
        "message-receipts",
        {
            "message": str(msg.uuid),
            "kind": "read",
            "at": (sent + dt.timedelta(minutes=2)).isoformat(),
        },
    )
    receive(
        "message-receipts",
        {
            "message": str(msg.uuid),
            "kind": "acknowledged",
            "at": (sent + dt.timedelta(minutes=7)).isoformat(),
        },
    )
    times = services.receipt_times(msg)
    assert times["time_to_acknowledge"] == dt.timedelta(minutes=7)
    assert services.format_duration(times["time_to_acknowledge"]) == "7m 00s"
    report = services.hotline_report(sent.date(), sent.date())
    assert report["sent"] == 1 and report["acknowledged"] == 1
    assert report["median_minutes_to_acknowledge"]["sent"] == 7.0


def test_received_message_is_filed_and_acknowledged_here(
    units, channels, officer, peer, receive
) -> None:  # type: ignore[no-untyped-def]
    msg = receive(
        "messages",
        {
            "from_unit_code": "LA-PP-LA-XI",
            "from_unit_name": "ກອງບັນຊາການ ປກສ ແຂວງ ຊຽງຂວາງ",
            "to_country": "VN",
            "to_unit_code": "VN-PA-40",
            "to_unit_name": "Công an tỉnh Nghệ An",
            "priority": "urgent",
            "subject": "ແຈ້ງການ",
            "body": "...",
            "sent_at": timezone.now().isoformat(),
        },
    )
    assert msg.owner_unit == units.nghe_an
    assert msg.channel.partner_unit_code == "LA-PP-LA-XI"
    inbox = {r["channel"].partner_unit_code: r for r in services.inbox(officer)}
    assert inbox["LA-PP-LA-XI"]["unread"] == 1
    assert services.unacknowledged(officer).count() == 1
    services.mark_read(officer, msg)
    assert {r["channel"].partner_unit_code: r for r in services.inbox(officer)}["LA-PP-LA-XI"][
        "unread"
    ] == 0
    receipt = services.acknowledge(officer, msg, note="Đã nhận")
    assert receipt.kind == ReceiptKind.ACKNOWLEDGED
    assert services.unacknowledged(officer).count() == 0
    from liaison.exchange.models import OutboxEntry

    # Receipts go back to the partner that sent the message.
    assert OutboxEntry.objects.filter(record_uuid=receipt.uuid, peer=peer).exists()
    with pytest.raises(ValidationError, match="already acknowledged"):
        services.acknowledge(officer, msg)
    assert MessageReceipt.objects.filter(message=msg, kind="acknowledged").count() == 1


def test_message_to_a_channel_of_another_unit_is_refused_and_audited(
    units, channels, make_user
) -> None:  # type: ignore[no-untyped-def]
    ha_tinh_officer = make_user(units.ha_tinh, [Role.OFFICER])
    channel = channels.get(local_unit=units.nghe_an, partner_unit_code="LA-PP-LA-HO")
    with pytest.raises(PermissionDenied):
        services.send_message(ha_tinh_officer, channel, subject="x", body="y")
    assert Message.objects.count() == 0
    entry = AuditEntry.objects.filter(action="message.send.refused").get()
    assert (
        entry.username == ha_tinh_officer.username and "does not belong" in entry.detail["reason"]
    )


@pytest.mark.parametrize(
    ("name", "data", "error"),
    [
        ("tool.exe", b"MZ", "not accepted"),
        ("photo.png", b"not a png", "does not look like"),
        ("big.txt", b"x" * (10 * 1024 * 1024 + 1), "limit"),
    ],
)
def test_bad_attachments_are_refused(units, channels, officer, name, data, error) -> None:  # type: ignore[no-untyped-def]
    channel = channels.get(local_unit=units.nghe_an, partner_unit_code="LA-PP-LA-HO")
    with pytest.raises(ValidationError, match=error):
        services.send_message(officer, channel, subject="x", body="y", attachments=[(name, data)])
    assert Message.objects.count() == 0
    assert AuditEntry.objects.filter(action="message.send.refused").count() == 1


def test_templates_are_trilingual(units) -> None:
    subject, body, priority = services.render_template(
        "seizure_at_gate", {"gate": "Nậm Cắn", "quantity": "12,000", "drug": "ma túy tổng hợp"}
    )
    assert priority == "flash"
    assert "cửa khẩu Nậm Cắn" in subject and "ດ່ານ Nậm Cắn" in subject and "gate" in subject
    assert body.count("Nậm Cắn") == 3 and "…" in body  # date left blank shows as …
    with pytest.raises(ValidationError):
        services.render_template("nope")


def test_node_admin_adds_a_border_post_channel(units, make_user) -> None:  # type: ignore[no-untyped-def]
    from liaison.core.models import BorderGate

    admin = make_user(units.ministry, [Role.NODE_ADMIN])
    gate = BorderGate.objects.filter(name__icontains="Nậm Cắn").first()
    channel = services.create_channel(
        admin,
        local_unit=units.nam_can,
        partner_unit_code="LA-BP-NAMKHAN",
        partner_unit_name="ດ່ານ ນ້ຳຄານ",
        level="commune",
        gate=gate,
    )
    assert channel.partner_country == "LA"
    officer = make_user(units.nghe_an, [Role.OFFICER])
    with pytest.raises(PermissionDenied):
        services.create_channel(
            officer,
            local_unit=units.nam_can,
            partner_unit_code="X",
            partner_unit_name="X",
            level="commune",
        )


def test_hotline_report_command(units, capsys) -> None:  # type: ignore[no-untyped-def]
    import json

    from liaison.core.commands import BadInput

    call_command("hotline_report", "--from", "2026-01-01", "--to", "2026-12-31")
    report = json.loads(capsys.readouterr().out)
    assert report["sent"] == 0 and report["from"] == "2026-01-01"
    with pytest.raises(BadInput):
        call_command("hotline_report", "--from", "2026-13-01")


def test_automatic_release_is_audited(units, channels, officer, peer) -> None:  # type: ignore[no-untyped-def]
    from liaison.exchange.models import Release

    channel = channels.get(local_unit=units.nghe_an, partner_unit_code="LA-PP-LA-HO")
    msg = services.send_message(officer, channel, subject="s", body="b")
    release = Release.objects.get(record_uuid=msg.uuid)
    assert release.state == "active" and "hotline" in release.basis
    entry = AuditEntry.objects.get(action__in=["release", "release.auto"], object_id=str(msg.uuid))
    assert "LA" in (entry.detail.get("peers") or [entry.detail.get("peer")])
