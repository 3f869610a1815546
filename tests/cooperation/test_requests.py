"""Assistance requests: required fields per type, responses across the border, overdue."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from liaison.cooperation import services
from liaison.cooperation.models import AssistanceRequest
from liaison.core.models import AuditEntry

BASE = {
    "requesting_authority": "Cục Cảnh sát điều tra tội phạm về ma túy",
    "investigation_subject": "Đường dây vận chuyển ma túy qua cửa khẩu Nậm Cắn",
    "investigating_authority": "Cơ quan CSĐT Công an tỉnh Nghệ An",
    "facts_summary": "Ngày 3/2/2026 bắt giữ 12.000 viên ma túy tổng hợp.",
    "assistance_sought": "Xác minh nhân thân và quốc tịch",
    "purpose": "Phục vụ điều tra",
}
PERSON = {
    "full_name": "ສົມພອນ",
    "latin_name": "Somphone",
    "nationality": "LA",
    "location": "Xiengkhouang",
    "birth_date": "1990",
}


def test_verification_request_and_answer(supervisor, peer, receive) -> None:  # type: ignore[no-untyped-def]
    from liaison.exchange.models import OutboxEntry

    deadline = timezone.localdate() + dt.timedelta(days=10)
    req = services.send_request(
        supervisor, request_type="verification", persons=[PERSON], deadline=deadline, **BASE
    )
    assert req.reference.startswith("VN-RQ-") and req.status == "open"
    assert OutboxEntry.objects.filter(record_uuid=req.uuid, peer=peer).exists()
    receive(
        "request-responses",
        {
            "request": str(req.uuid),
            "kind": "assigned",
            "assignee": "Thongchanh (Xiengkhouang police)",
            "at": timezone.now().isoformat(),
        },
    )
    req.refresh_from_db()
    assert req.status == "assigned"
    receive(
        "request-responses",
        {
            "request": str(req.uuid),
            "kind": "answer",
            "text": "Confirmed Lao citizen, ID 0123",
            "at": timezone.now().isoformat(),
        },
    )
    req.refresh_from_db()
    assert req.status == "answered"
    services.close_request(supervisor, req)
    req.refresh_from_db()
    assert req.status == "closed" and req.version == 2


@pytest.mark.parametrize(
    ("rtype", "extra", "fields"),
    [
        ("verification", {}, {"persons"}),
        (
            "arrest",
            {"persons": [{"full_name": "A", "nationality": "LA"}]},
            {"persons", "warrant_reference"},
        ),
        (
            "extradition",
            {"persons": [PERSON]},
            {
                "person_description",
                "law_text",
                "penalty",
                "limitation",
                "offences",
                "warrant_reference",
            },
        ),
    ],
)
def test_missing_required_fields_are_named(supervisor, rtype, extra, fields) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as exc:
        services.send_request(supervisor, request_type=rtype, **BASE, **extra)
    assert set(exc.value.message_dict) == fields
    assert AssistanceRequest.objects.count() == 0
    assert AuditEntry.objects.filter(action="request.send.refused").exists()


def test_missing_common_field_message(supervisor) -> None:  # type: ignore[no-untyped-def]
    data = {**BASE, "purpose": ""}
    with pytest.raises(ValidationError) as exc:
        services.send_request(supervisor, request_type="information", **data)
    assert exc.value.message_dict == {
        "purpose": ["purpose is required for a request of type “Information”."]
    }


def test_extradition_complete(supervisor) -> None:  # type: ignore[no-untyped-def]
    req = services.send_request(
        supervisor,
        request_type="extradition",
        persons=[PERSON],
        **BASE,
        person_description="Male, 1.70 m, scar on left hand",
        offences=[{"offence": "Illegal trading of narcotics", "acts": "Carried 12,000 tablets"}],
        law_text="Penal Code art. 251",
        penalty="20 years to life",
        limitation="20 years",
        judgment_reference="Judgment 45/2025/HS-ST",
    )
    assert req.request_type == "extradition"


def test_overdue_requests(supervisor, partner_request) -> None:  # type: ignore[no-untyped-def]
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    theirs = partner_request("LA-RQ-2026-0001", deadline=yesterday.isoformat(), **BASE)
    assert theirs.owner_unit == supervisor.unit  # filed at the addressed unit
    assert list(services.overdue_requests(supervisor)) == [theirs]
    services.respond(supervisor, theirs, "assigned", assignee="Đại úy Nguyễn Văn A")
    assert list(services.overdue_requests(supervisor)) == [theirs]
    services.respond(
        supervisor,
        theirs,
        "answer",
        text="Thông tin như sau …",
        attachments=[("answer.txt", "Kết quả".encode())],
    )
    assert not services.overdue_requests(supervisor).exists()
    with pytest.raises(ValidationError):
        services.respond(supervisor, theirs, "answer", attachments=[("a.exe", b"MZ")], text="x")
