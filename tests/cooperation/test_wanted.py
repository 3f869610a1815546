"""Wanted notices: issue, lifecycle events from both sides, order rules, withdrawal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from liaison.cooperation import services
from liaison.cooperation.models import WantedEvent, WantedNotice
from liaison.core.models import AuditEntry

JPG = b"\xff\xd8\xff\xe0 jpeg"


@pytest.fixture
def notice(supervisor, peer):  # type: ignore[no-untyped-def]
    return services.issue_wanted_notice(
        supervisor,
        notice_type="red",
        full_name="Vừ Bá Lầu",
        latin_name="Vu Ba Lau",
        birth_date="1985-03",
        nationality="VN",
        offences="Mua bán trái phép chất ma túy (Điều 251 BLHS)",
        warrant_reference="LB-12/2026",
        id_documents=[{"type": "CCCD", "number": "040085001234"}],
        believed_location="Xiengkhouang",
        photos=[("face.jpg", JPG)],
    )


def test_issue_sends_to_partner(notice, peer) -> None:  # type: ignore[no-untyped-def]
    from liaison.exchange.models import OutboxEntry

    assert notice.reference.startswith("VN-WN-") and notice.status == "issued"
    assert notice.believed_country == "LA" and notice.photos[0]["type"] == "image/jpeg"
    assert OutboxEntry.objects.filter(record_uuid=notice.uuid, peer=peer).exists()


def test_missing_fields_are_named(supervisor) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as exc:
        services.issue_wanted_notice(
            supervisor,
            notice_type="red",
            full_name="",
            offences="",
            warrant_reference="",
            send_to_partner=False,
        )
    assert set(exc.value.message_dict) == {"full_name", "offences", "warrant_reference"}
    with pytest.raises(ValidationError, match="not a date"):
        services.issue_wanted_notice(
            supervisor,
            notice_type="blue",
            full_name="A",
            offences="B",
            warrant_reference="C",
            birth_date="1985-13",
        )
    assert WantedNotice.objects.count() == 0
    assert AuditEntry.objects.filter(action="wanted.issue.refused").count() == 2


def test_partner_locates_and_arrests(notice, receive, supervisor) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now()
    receive(
        "wanted-notice-events",
        {
            "notice": str(notice.uuid),
            "status": "located",
            "at": (now - dt.timedelta(hours=5)).isoformat(),
            "place": "Kham, Xiengkhouang",
            "by_unit": "ກອງບັນຊາການ ປກສ ແຂວງ ຊຽງຂວາງ",
        },
    )
    notice.refresh_from_db()
    assert notice.status == "located"
    assert services.located_this_month(supervisor).filter(pk=notice.pk).exists()
    receive(
        "wanted-notice-events",
        {
            "notice": str(notice.uuid),
            "status": "arrested",
            "at": (now - dt.timedelta(hours=1)).isoformat(),
        },
    )
    notice.refresh_from_db()
    assert notice.status == "arrested"
    # Our side records the handover at the gate.
    services.add_wanted_event(supervisor, notice, "handed_over", place="Nậm Cắn")
    notice.refresh_from_db()
    assert notice.status == "handed_over"
    with pytest.raises(ValidationError, match="cannot happen twice"):
        services.add_wanted_event(supervisor, notice, "handed_over")
    assert WantedEvent.objects.filter(notice=notice, status="handed_over").count() == 1
    summary = services.wanted_abroad_summary(supervisor)
    assert summary["by_status"]["handed_over"] == 1 and summary["total"] == 1


def test_order_rules(notice, supervisor) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError, match="give the reason"):
        services.add_wanted_event(supervisor, notice, "arrested")
    with pytest.raises(ValidationError, match="Only an arrested"):
        services.add_wanted_event(supervisor, notice, "extradited")
    services.add_wanted_event(
        supervisor, notice, "arrested", reason="Caught in the act at the gate"
    )
    with pytest.raises(ValidationError, match="out of order"):
        services.add_wanted_event(supervisor, notice, "located")
    assert AuditEntry.objects.filter(action="wanted.event.refused").count() == 3


def test_only_origin_edits_and_withdraws(partner_notice, supervisor, national) -> None:  # type: ignore[no-untyped-def]
    theirs = partner_notice(
        "LA-WN-2026-0007",
        notice_type="blue",
        full_name="ສົມພອນ ແກ້ວມະນີ",
        latin_name="Somphone Keomany",
        offences="drug trafficking",
        warrant_reference="W-7",
        issuing_unit_name="ປກສ ແຂວງ ຫົວພັນ",
        believed_country="VN",
    )
    # Everyone sees a partner's wanted notice (it is for finding the person).
    assert services.visible(WantedNotice, supervisor).filter(pk=theirs.pk).exists()
    with pytest.raises(PermissionDenied):
        services.update_wanted_notice(national, theirs, description="x")
    with pytest.raises(PermissionDenied):
        services.withdraw_wanted_notice(national, theirs, "no")
    # But we add events to it.
    services.add_wanted_event(supervisor, theirs, "located", place="Mường Lát")
    theirs.refresh_from_db()
    assert theirs.status == "located"


def test_withdrawal_reaches_partner_copies(notice, supervisor, partner_notice, peer) -> None:  # type: ignore[no-untyped-def]
    from liaison.exchange.models import OutboxEntry

    services.withdraw_wanted_notice(supervisor, notice, "Charges dropped")
    notice.refresh_from_db()
    assert notice.status == "withdrawn" and notice.version == 2
    entry = OutboxEntry.objects.get(record_uuid=notice.uuid, peer=peer)
    assert entry.version == 2
    rows = services.cancellation_status(notice)
    assert rows and rows[0]["withdrawal_confirmed"] is False
    OutboxEntry.objects.filter(pk=entry.pk).update(acked_at=timezone.now())
    assert services.cancellation_status(notice)[0]["withdrawal_confirmed"] is True
    with pytest.raises(ValidationError, match="withdrawn"):
        services.add_wanted_event(supervisor, notice, "located")
    # A withdrawn partner notice arriving here shows as withdrawn.
    theirs = partner_notice(
        "LA-WN-1", withdrawn_at=timezone.now().isoformat(), withdrawal_reason="found dead"
    )
    assert theirs.status == "withdrawn"
