"""REST API: same services as the pages; access by unit subtree; errors as 403 / 422."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from liaison.cooperation import services
from liaison.cooperation.models import Channel
from liaison.core.models import Role
from tests.cooperation.test_requests import BASE, PERSON


def test_wanted_notice_lifecycle_over_api(api_as, supervisor, peer) -> None:  # type: ignore[no-untyped-def]
    api = api_as(supervisor)
    r = api.post(
        "/wanted-notices",
        {
            "notice_type": "red",
            "full_name": "Lò Văn Xình",
            "offences": "Art. 250",
            "warrant_reference": "W-1",
            "birth_date": "1979",
        },
    )
    assert r.status_code == 201, r.content
    uuid = r.json()["uuid"]
    r = api.post(f"/wanted-notices/{uuid}/events", {"status": "arrested"})
    assert r.status_code == 422 and "reason" in r.json()["detail"]
    r = api.post(f"/wanted-notices/{uuid}/events", {"status": "located", "place": "Sam Neua"})
    assert r.status_code == 201 and r.json()["status"] == "located"
    assert len(api.walk("/wanted-notices", status="located", limit=10)) == 1
    assert api.get("/wanted-notices/abroad").json()["by_status"]["located"] == 1
    r = api.post(f"/wanted-notices/{uuid}/withdraw", {"reason": "Dropped"})
    assert r.status_code == 200 and r.json()["status"] == "withdrawn"
    assert api.get(f"/wanted-notices/{uuid}/delivery").json()[0]["peer"] == "LA"


def test_requests_over_api(api_as, supervisor) -> None:  # type: ignore[no-untyped-def]
    api = api_as(supervisor)
    r = api.post("/requests", {"request_type": "arrest", **BASE, "persons": [PERSON]})
    assert r.status_code == 422
    assert "warrant_reference" in r.json()["detail"]
    deadline = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    r = api.post(
        "/requests",
        {
            "request_type": "arrest",
            **BASE,
            "persons": [PERSON],
            "warrant_reference": "LB-1",
            "deadline": deadline,
        },
    )
    assert r.status_code == 201, r.content
    assert len(api.walk("/requests", overdue="true")) == 0
    assert len(api.walk("/requests", request_type="arrest")) == 1


def test_hotline_over_api_and_unit_access(api_as, units, supervisor, make_user) -> None:  # type: ignore[no-untyped-def]
    services.ensure_default_channels()
    channel = Channel.objects.get(local_unit=units.nghe_an, partner_unit_code="LA-PP-LA-HO")
    api = api_as(supervisor)
    r = api.post(
        "/messages",
        {"channel": channel.pk, "template": "joint_patrol", "template_values": {"area": "Na Mèo"}},
    )
    assert r.status_code == 201, r.content
    assert "Na Mèo" in r.json()["subject"] and r.json()["priority"] == "routine"
    channels = api.get("/hotline/channels").json()
    partner_units = {c["partner_unit_code"] for c in channels}
    assert partner_units == {"LA-PP-LA-BL", "LA-PP-LA-HO", "LA-PP-LA-XI"}
    other = make_user(units.ha_tinh, [Role.OFFICER])
    api2 = api_as(other)
    refused = api2.post("/messages", {"channel": channel.pk, "subject": "x", "body": "y"})
    assert refused.status_code == 403
    assert len(api2.walk("/messages")) == 0
    assert api2.get(f"/messages/{r.json()['uuid']}").status_code == 404


def test_joint_cases_patrols_agreements_meetings(api_as, supervisor) -> None:  # type: ignore[no-untyped-def]
    api = api_as(supervisor)
    j = api.post("/joint-cases", {"title": "Chuyên án 09", "share_now": False}).json()
    r = api.post(
        f"/joint-cases/{j['uuid']}/entries", {"kind": "timeline", "text": "Bắt 2 đối tượng"}
    )
    assert r.status_code == 201
    assert len(api.get(f"/joint-cases/{j['uuid']}").json()["entries"]) == 1
    p = api.post(
        "/patrols",
        {"title": "Tuần tra", "starts_on": "2026-04-01", "ends_on": "2026-04-02", "area": "Km 12"},
    )
    assert p.status_code == 201
    r = api.post(f"/patrols/{p.json()['uuid']}/results", {"arrests": 3})
    assert r.json()["totals"]["arrests"] == 3
    a = api.post("/agreements", {"title": "MoU 2021", "signed_on": "2021-08-09"}).json()
    m = api.post(
        "/meetings",
        {
            "title": "Giao ban",
            "held_on": "2026-05-01",
            "agreement": a["uuid"],
            "commitments": [{"text": "Trao đổi thông tin"}],
        },
    )
    assert m.status_code == 201, m.content
    assert api.get(f"/agreements/{a['uuid']}").json()["implementation"]["total"] == 1
    assert len(api.walk("/meetings")) == 1
    assert api.get("/openapi.json").status_code == 200
