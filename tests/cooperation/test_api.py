"""REST API: same services as the pages; access by unit subtree; errors as 403 / 422."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from liaison.cooperation import services
from liaison.cooperation.models import Channel
from liaison.core import services as core_services
from liaison.core.models import Role
from tests.cooperation.test_requests import BASE, PERSON


def _client(client, user):  # type: ignore[no-untyped-def]
    token = core_services.create_token(user)
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client


def test_wanted_notice_lifecycle_over_api(client, supervisor, peer) -> None:  # type: ignore[no-untyped-def]
    api = _client(client, supervisor)
    r = api.post("/api/v1/wanted-notices", {"notice_type": "red", "full_name": "Lò Văn Xình",
                 "offences": "Art. 250", "warrant_reference": "W-1", "birth_date": "1979"},
                 content_type="application/json")  # fmt: skip
    assert r.status_code == 201, r.content
    uuid = r.json()["uuid"]
    r = api.post(f"/api/v1/wanted-notices/{uuid}/events", {"status": "arrested"},
                 content_type="application/json")  # fmt: skip
    assert r.status_code == 422 and "reason" in r.json()["detail"]
    r = api.post(f"/api/v1/wanted-notices/{uuid}/events", {"status": "located", "place": "Sam Neua"},
                 content_type="application/json")  # fmt: skip
    assert r.status_code == 201 and r.json()["status"] == "located"
    r = api.get("/api/v1/wanted-notices?status=located&limit=10")
    assert r.status_code == 200 and r.json()["count"] == 1
    assert api.get("/api/v1/wanted-notices/abroad").json()["by_status"]["located"] == 1
    r = api.post(f"/api/v1/wanted-notices/{uuid}/withdraw", {"reason": "Dropped"},
                 content_type="application/json")  # fmt: skip
    assert r.status_code == 200 and r.json()["status"] == "withdrawn"
    assert api.get(f"/api/v1/wanted-notices/{uuid}/delivery").json()[0]["peer"] == "LA"


def test_requests_over_api(client, supervisor) -> None:  # type: ignore[no-untyped-def]
    api = _client(client, supervisor)
    r = api.post("/api/v1/requests", {"request_type": "arrest", **BASE, "persons": [PERSON]},
                 content_type="application/json")  # fmt: skip
    assert r.status_code == 422
    assert "warrant_reference" in r.json()["detail"]
    deadline = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    r = api.post("/api/v1/requests", {"request_type": "arrest", **BASE, "persons": [PERSON],
                 "warrant_reference": "LB-1", "deadline": deadline}, content_type="application/json")  # fmt: skip
    assert r.status_code == 201, r.content
    assert api.get("/api/v1/requests?overdue=true").json()["count"] == 0
    assert api.get("/api/v1/requests?request_type=arrest").json()["count"] == 1


def test_hotline_over_api_and_unit_access(client, units, supervisor, make_user) -> None:  # type: ignore[no-untyped-def]
    services.ensure_default_channels()
    channel = Channel.objects.get(local_unit=units.nghe_an, partner_unit_code="LA-PP-LA-HO")
    api = _client(client, supervisor)
    r = api.post("/api/v1/messages", {"channel": channel.pk, "template": "joint_patrol",
                 "template_values": {"area": "Na Mèo"}}, content_type="application/json")  # fmt: skip
    assert r.status_code == 201, r.content
    assert "Na Mèo" in r.json()["subject"] and r.json()["priority"] == "routine"
    channels = api.get("/api/v1/hotline/channels").json()
    assert {c["partner_unit_code"] for c in channels} == {
        "LA-PP-LA-BL",
        "LA-PP-LA-HO",
        "LA-PP-LA-XI",
    }
    other = make_user(units.ha_tinh, [Role.OFFICER])
    api2 = _client(client, other)
    assert api2.post("/api/v1/messages", {"channel": channel.pk, "subject": "x", "body": "y"},
                     content_type="application/json").status_code == 403  # fmt: skip
    assert api2.get("/api/v1/messages").json()["count"] == 0
    assert api2.get(f"/api/v1/messages/{r.json()['uuid']}").status_code == 404


def test_joint_cases_patrols_agreements_meetings(client, supervisor) -> None:  # type: ignore[no-untyped-def]
    api = _client(client, supervisor)
    j = api.post("/api/v1/joint-cases", {"title": "Chuyên án 09", "share_now": False},
                 content_type="application/json").json()  # fmt: skip
    r = api.post(f"/api/v1/joint-cases/{j['uuid']}/entries", {"kind": "timeline", "text": "Bắt 2 đối tượng"},
                 content_type="application/json")  # fmt: skip
    assert r.status_code == 201
    assert len(api.get(f"/api/v1/joint-cases/{j['uuid']}").json()["entries"]) == 1
    p = api.post("/api/v1/patrols", {"title": "Tuần tra", "starts_on": "2026-04-01", "ends_on": "2026-04-02",
                 "area": "Km 12"}, content_type="application/json")  # fmt: skip
    assert p.status_code == 201
    r = api.post(f"/api/v1/patrols/{p.json()['uuid']}/results", {"arrests": 3},
                 content_type="application/json")  # fmt: skip
    assert r.json()["totals"]["arrests"] == 3
    a = api.post("/api/v1/agreements", {"title": "MoU 2021", "signed_on": "2021-08-09"},
                 content_type="application/json").json()  # fmt: skip
    m = api.post("/api/v1/meetings", {"title": "Giao ban", "held_on": "2026-05-01", "agreement": a["uuid"],
                 "commitments": [{"text": "Trao đổi thông tin"}]}, content_type="application/json")  # fmt: skip
    assert m.status_code == 201, m.content
    assert api.get(f"/api/v1/agreements/{a['uuid']}").json()["implementation"]["total"] == 1
    assert api.get("/api/v1/meetings").json()["count"] == 1
    assert api.get("/api/v1/openapi.json").status_code == 200
