"""Timelines of a case, a wanted notice, a request and a joint case: events of both sides in
order, each with its origin and its delivery (sent, confirmed, received)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from liaison.cooperation import services as coop

pytestmark = pytest.mark.django_db

REQUEST = {
    "requesting_authority": "Cục Cảnh sát điều tra tội phạm về ma túy",
    "investigation_subject": "Đường dây qua cửa khẩu Nậm Cắn",
    "investigating_authority": "Cơ quan CSĐT Công an tỉnh Nghệ An",
    "facts_summary": "Bắt giữ 20.000 viên.",
    "assistance_sought": "Xác minh nhân thân",
    "purpose": "Phục vụ điều tra",
}
PERSON = {"full_name": "ສົມພອນ", "nationality": "LA", "location": "Xiengkhouang"}


def _items(html: str) -> list[str]:
    block = html.split('id="timeline"', 1)[1].split("</ol>", 1)[0]
    items = re.findall(r"<li[^>]*>(.*?)</li>", block, flags=re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", item)).strip() for item in items]


def _page(client, kind: str, uuid) -> list[str]:  # type: ignore[no-untyped-def]
    response = client.get(f"/timeline/{kind}/{uuid}/")
    assert response.status_code == 200
    return _items(response.content.decode())


def test_case_timeline_in_order_with_seizure_in_the_reader_language(desk, login) -> None:  # type: ignore[no-untyped-def]
    client = login(desk.nghe_an)
    client.cookies["liaison_language"] = "vi"
    items = _page(client, "cases", desk.case_a.uuid)
    assert items[0].startswith("10 thg 3, 2025") and "Phát hiện" in items[0]
    texts = " | ".join(items)
    assert "Ghi nhận vụ án NA-2025-001" in texts
    assert "Ghi nhận 2 đối tượng" in texts
    assert "20.000 viên" in texts  # Babel's grouping and the translated unit
    assert "Việt Nam (phía ta)" in texts


def test_request_timeline_shows_both_sides_and_delivery(desk, login, peer, receive) -> None:  # type: ignore[no-untyped-def]
    from liaison.exchange.models import OutboxEntry

    request = coop.send_request(
        desk.nghe_an,
        request_type="verification",
        persons=[PERSON],
        deadline=timezone.localdate() + dt.timedelta(days=10),
        **REQUEST,
    )
    assert OutboxEntry.objects.filter(record_uuid=request.uuid, peer=peer).exists()
    now = timezone.now()
    receive(
        "request-responses",
        {
            "request": str(request.uuid),
            "kind": "assigned",
            "assignee": "Thongchanh",
            "at": (now + dt.timedelta(minutes=5)).isoformat(),
        },
    )
    receive(
        "request-responses",
        {
            "request": str(request.uuid),
            "kind": "answer",
            "text": "Confirmed Lao citizen",
            "at": (now + dt.timedelta(minutes=30)).isoformat(),
        },
    )
    client = login(desk.nghe_an)
    client.cookies["liaison_language"] = "en"
    items = _page(client, "requests", request.uuid)
    sent = next(i for i in items if "sent to" in i)
    assert "Vietnam (this side)" in sent
    assert "sent to LA (Laos)" in sent and "no receipt yet" in sent
    order = [i for i in items if "Laos (partner)" in i]
    assert len(order) == 2
    assert "Assigned" in order[0] and "Thongchanh" in order[0]
    assert "Answer" in order[1] and "Confirmed Lao citizen" in order[1]
    assert "received from LA (Laos)" in order[1]
    assert items.index(order[0]) < items.index(order[1])
    assert "Deadline" in items[-1]  # ten days ahead: the last event

    # The partner's receipt confirms the delivery.
    OutboxEntry.objects.filter(record_uuid=request.uuid).update(acked_at=timezone.now())
    items = _page(client, "requests", request.uuid)
    assert any("delivered to LA (Laos), receipt at" in i for i in items)


def test_wanted_notice_timeline_with_partner_steps(desk, login, receive, peer) -> None:  # type: ignore[no-untyped-def]
    notice = coop.issue_wanted_notice(
        desk.nghe_an,
        notice_type="red",
        full_name="Lầu Bá Chư",
        offences="Mua bán trái phép chất ma túy",
        warrant_reference="LB-12",  # released to LA, which reports the steps below
    )
    now = timezone.now()
    receive(
        "wanted-notice-events",
        {
            "notice": str(notice.uuid),
            "status": "located",
            "at": (now + dt.timedelta(hours=1)).isoformat(),
            "place": "Kham, Xiengkhouang",
            "by_unit": "ກອງບັນຊາການ ປກສ ແຂວງ ຊຽງຂວາງ",
        },
    )
    coop.add_wanted_event(desk.nghe_an, notice, "arrested", place="Nậm Cắn")
    client = login(desk.nghe_an)
    client.cookies["liaison_language"] = "en"
    items = _page(client, "wanted-notices", notice.uuid)
    issued = next(i for i in items if "issued" in i)
    located = next(i for i in items if "Located" in i)
    assert "Laos (partner)" in located and "Kham, Xiengkhouang" in located
    assert "Vietnam (this side)" in issued
    assert items.index(issued) < items.index(located)


def test_joint_case_timeline_has_entries_of_both_sides(desk, login, receive, peer) -> None:  # type: ignore[no-untyped-def]
    joint = coop.open_joint_case(desk.nghe_an, title="Chuyên án 120LA", share_now=True)
    coop.add_entry(desk.nghe_an, joint, "timeline", text="Bắt giữ đối tượng tại Nậm Cắn")
    receive(
        "joint-case-entries",
        {
            "joint_case": str(joint.uuid),
            "kind": "join",
            "at": (timezone.now() + dt.timedelta(minutes=1)).isoformat(),
            "by_unit": "ປກສ ແຂວງ ຄຳມ່ວນ",
        },
    )
    client = login(desk.nghe_an)
    client.cookies["liaison_language"] = "lo"
    items = _page(client, "joint-cases", joint.uuid)
    assert any("ປກສ ແຂວງ ຄຳມ່ວນ" in i and "ລາວ" in i for i in items)
    assert any("Bắt giữ đối tượng tại Nậm Cắn" in i for i in items)
    assert items[0].startswith(tuple("0123456789"))  # a Lao date starts with the day


def test_a_province_officer_sees_only_their_records(desk, login) -> None:  # type: ignore[no-untyped-def]
    assert login(desk.ha_tinh).get(f"/timeline/cases/{desk.case_a.uuid}/").status_code == 404
    assert login(desk.nghe_an).get(f"/timeline/cases/{desk.case_b.uuid}/").status_code == 404
    assert login(desk.analyst).get(f"/timeline/cases/{desk.case_b.uuid}/").status_code == 200
    assert login(desk.analyst).get(f"/timeline/persons/{desk.p1.uuid}/").status_code == 404
