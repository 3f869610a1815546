"""Pages render for a signed-in officer and their forms go through the services."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from liaison.cooperation import services
from liaison.cooperation.models import AssistanceRequest, Channel, Message, WantedNotice
from liaison.core.models import AuditEntry
from tests.cooperation.test_requests import BASE


def test_every_page_renders(login, national, one_of_each, partner_request) -> None:  # type: ignore[no-untyped-def]
    services.ensure_default_channels()
    records = one_of_each
    theirs = partner_request("LA-RQ-1", **BASE)
    client = login(national)
    channel = Channel.objects.first()
    urls = [
        "/hotline/",
        f"/hotline/channels/{channel.pk}/",
        f"/hotline/channels/{channel.pk}/?template=verify_person&name=A",
        "/hotline/admin/",
        "/hotline/report/",
        "/wanted/",
        "/wanted/?status=issued&side=ours",
        "/wanted/new/",
        f"/wanted/{records.notice.uuid}/",
        "/requests/",
        "/requests/?overdue=1",
        "/requests/new/",
        f"/requests/{theirs.uuid}/",
        "/joint/",
        "/joint/?tab=patrols",
        "/joint/?tab=agreements",
        "/joint/?tab=meetings",
        "/joint/?tab=projects",
        f"/joint/cases/{records.case.uuid}/",
        "/joint/cases/new/",
        f"/joint/patrols/{records.patrol.uuid}/",
        "/joint/patrols/new/",
        f"/joint/agreements/{records.agreement.uuid}/",
        "/joint/agreements/new/",
        f"/joint/meetings/{records.meeting.uuid}/",
        "/joint/meetings/new/",
        "/joint/projects/new/",
        f"/joint/projects/{records.project.uuid}/",
        "/",
    ]
    for url in urls:
        r = client.get(url)
        assert r.status_code == 200, (url, r.status_code)


def test_send_message_page_and_refusal(login, units, officer, make_user) -> None:  # type: ignore[no-untyped-def]
    services.ensure_default_channels()
    channel = Channel.objects.get(local_unit=units.nghe_an, partner_unit_code="LA-PP-LA-HO")
    client = login(officer)

    def send(name: str, data: bytes) -> Any:
        message = {"priority": "urgent", "subject": "Hỏi", "body": "Nội dung", "tlp": "AMBER"}
        attachment = SimpleUploadedFile(name, data)
        return client.post(
            f"/hotline/channels/{channel.pk}/", {**message, "attachments": attachment}
        )

    r = send("virus.exe", b"MZ")
    assert r.status_code == 200 and "virus.exe" in r.content.decode()
    assert Message.objects.count() == 0
    r = send("scan.pdf", b"%PDF-1.4")
    assert r.status_code == 302 and Message.objects.get().attachments[0]["name"] == "scan.pdf"
    # A channel outside the user's unit is not even shown.
    other = Channel.objects.get(local_unit=units.ha_tinh, partner_unit_code="LA-PP-LA-KH")
    assert client.get(f"/hotline/channels/{other.pk}/").status_code == 404


def test_wanted_and_request_forms(login, supervisor) -> None:  # type: ignore[no-untyped-def]
    client = login(supervisor)
    r = client.post(
        "/wanted/new/",
        {
            "notice_type": "red",
            "full_name": "Lầu Bá Chư",
            "offences": "Điều 250",
            "warrant_reference": "LB-9",
            "tlp": "AMBER",
            "birth_date": "1990",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    notice = WantedNotice.objects.get()
    r = client.post(f"/wanted/{notice.uuid}/", {"add_event": "1", "status": "arrested"})
    assert r.status_code == 200 and "give the reason" in r.content.decode()
    r = client.post(
        f"/wanted/{notice.uuid}/",
        {"add_event": "1", "status": "located", "place": "Mường Xén"},
    )
    assert r.status_code == 302
    notice.refresh_from_db()
    assert notice.status == "located"
    r = client.post("/requests/new/", {"request_type": "verification", **BASE, "tlp": "AMBER"})
    assert r.status_code == 200 and "persons concerned is required" in r.content.decode()
    r = client.post(
        "/requests/new/",
        {
            "request_type": "verification",
            **BASE,
            "tlp": "AMBER",
            "person_full_name": "Somphone",
            "person_nationality": "LA",
        },
    )
    assert r.status_code == 302 and AssistanceRequest.objects.count() == 1
    assert AuditEntry.objects.filter(action="request.send.refused").count() == 1


def test_dashboard_panels(login, supervisor, partner_request) -> None:  # type: ignore[no-untyped-def]
    partner_request("LA-RQ-9", deadline="2020-01-01", **BASE)
    from liaison.cooperation.dashboard import dashboard_panels

    panels = {p["title"]: p for p in dashboard_panels(supervisor)}
    assert panels["Overdue assistance requests"]["rows"][0][1] == 1
    r = login(supervisor).get("/")
    assert "LA-RQ-9" in r.content.decode()


def test_notice_page_shows_screening_matches(login, supervisor, partner_notice) -> None:  # type: ignore[no-untyped-def]
    import uuid

    from liaison.screening.models import MatchAlert

    theirs = partner_notice(
        "LA-WN-5",
        full_name="ສົມພອນ",
        latin_name="Somphone",
        offences="x",
        warrant_reference="w",
        issuing_unit_name="u",
    )
    MatchAlert.objects.create(
        subject_kind="wanted-notices",
        subject_uuid=theirs.uuid,
        subject_local=False,
        subject_snapshot={"full_name": "ສົມພອນ"},
        candidate_kind="persons",
        candidate_uuid=uuid.uuid4(),
        candidate_local=True,
        candidate_unit=supervisor.unit,
        candidate_snapshot={"full_name": "Somphone K."},
        score=0.91,
        threshold=0.8,
        explanation="surname equal after romanisation",
        created_at=timezone.now(),
    )
    page = login(supervisor).get(f"/wanted/{theirs.uuid}/").content.decode()
    assert 'id="matches"' in page and "Somphone K." in page and "0.91" in page


def test_joint_case_form_names_the_partner_unit(login, supervisor) -> None:  # type: ignore[no-untyped-def]
    from liaison.cooperation.models import JointCase

    services.ensure_default_channels()
    client = login(supervisor)
    name = Channel.objects.get(
        local_unit=supervisor.unit, partner_unit_code="LA-PP-LA-HO"
    ).partner_unit_name
    r = client.post(
        "/joint/cases/new/",
        {"title": "Chuyên án 09", "partner_unit": f"LA-PP-LA-HO|{name}", "share_now": "on"},
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    case = JointCase.objects.get()
    assert case.partner_unit_code == "LA-PP-LA-HO" and "ຫົວພັນ" in case.partner_unit_name


def test_a_long_channel_pages_by_cursor(login, units, officer) -> None:  # type: ignore[no-untyped-def]
    services.ensure_default_channels()
    channel = Channel.objects.get(local_unit=units.nghe_an, partner_unit_code="LA-PP-LA-HO")
    for i in range(35):
        services.send_message(officer, channel, subject=f"Tin {i:02d}", body="b")
    client = login(officer)
    url = f"/hotline/channels/{channel.pk}/"
    with CaptureQueriesContext(connection) as queries:
        first = client.get(url).content.decode()
    assert "OFFSET" not in " ".join(q["sql"] for q in queries.captured_queries).upper()
    shown = [i for i in range(35) if f"Tin {i:02d}" in first]
    assert shown == list(range(5, 35)) and "First page" not in first
    [cursor] = re.findall(r'href="\?cursor=([^"&]+)">Next<', first)
    second = client.get(url, {"cursor": unquote(cursor)}).content.decode()
    assert [i for i in range(35) if f"Tin {i:02d}" in second] == list(range(5))
    assert "First page" in second and ">Next<" not in second
    # A cursor that is not this list's (an old or edited link) shows the first page.
    stale = client.get(url, {"cursor": "not-a-cursor"})
    assert stale.status_code == 200 and "Tin 34" in stale.content.decode()
