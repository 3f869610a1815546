"""Analysts confirm or dismiss alerts: permission-checked, audited, kept, exported; the REST
API and the pages do the same through the services."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.http import Http404
from django.test import Client

from liaison.core import services as core_services
from liaison.core.models import AuditEntry, Role
from liaison.screening import services
from liaison.screening.models import MatchAlert
from tests.listing import walk

pytestmark = pytest.mark.django_db


@pytest.fixture
def alert(local_person, partner_person) -> MatchAlert:  # type: ignore[no-untyped-def]
    partner_person("Bouaphanh Sisouvanh", birth_date="1977-07-07", nationality="LA")
    mine = local_person("ບົວພັນ ສີສຸວັນ", birth_date="1977-07-07", nationality="LA")
    (raised,) = services.match_person(mine)
    return raised


@pytest.fixture
def hatinh_alert(cases, local_person, partner_notice) -> MatchAlert:  # type: ignore[no-untyped-def]
    local_person("Lê Văn Tám", case=cases.ht, birth_date="1969-02-03")
    notice = partner_notice("Le Van Tam", birth_date="1969-02-03", nationality="VN")
    (raised,) = services.match_incoming_wanted_notice(notice)
    return raised


def api(user) -> Client:  # type: ignore[no-untyped-def]
    return Client(HTTP_AUTHORIZATION=f"Bearer {core_services.create_token(user)}")


def _decide(client: Client, alert: MatchAlert, decision: dict):  # type: ignore[no-untyped-def]
    return client.post(
        f"/api/v1/match-alerts/{alert.pk}", decision, content_type="application/json"
    )


def test_confirm_and_dismiss_are_kept_and_audited(alert, hatinh_alert, analyst) -> None:  # type: ignore[no-untyped-def]
    done = services.confirm(alert, analyst, "same father's name in both files", source="10.1.1.1")
    assert done.status == "confirmed" and done.decided_by == analyst and done.decided_at
    entry = AuditEntry.objects.filter(action="match.confirm").get()
    assert entry.username == analyst.username and entry.object_id == str(alert.pk)
    assert entry.detail["note"] == "same father's name in both files"
    with pytest.raises(ValidationError):
        services.dismiss(done, analyst, "changed my mind")
    services.dismiss(hatinh_alert, analyst)
    assert AuditEntry.objects.filter(action="match.dismiss").count() == 1
    assert MatchAlert.objects.get(pk=hatinh_alert.pk).status == "dismissed"


def test_only_analysts_and_supervisors_of_the_right_units_decide(
    alert, hatinh_alert, officer, province_analyst, units, make_user
) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        services.confirm(alert, officer, "")
    # A Nghệ An analyst sees the Nghệ An person against the partner's notice? No: the alert
    # pairs a received person filed at the ministry, outside Nghệ An.
    with pytest.raises(Http404):
        services.confirm(alert, province_analyst, "")
    # A Hà Tĩnh alert against a partner wanted notice: Hà Tĩnh may decide, Nghệ An may not.
    with pytest.raises(Http404):
        services.dismiss(hatinh_alert, province_analyst, "")
    ha_tinh = make_user(units.ha_tinh, [Role.SUPERVISOR])
    assert [a.pk for a in services.alerts_for(ha_tinh)] == [hatinh_alert.pk]
    services.dismiss(hatinh_alert, ha_tinh, "different father")
    assert AuditEntry.objects.filter(action__startswith="match.c").count() == 0
    assert MatchAlert.objects.filter(status="open").count() == 1


def test_decisions_export_for_training(alert, hatinh_alert, analyst, tmp_path) -> None:  # type: ignore[no-untyped-def]
    services.confirm(alert, analyst, "yes")
    out = tmp_path / "decisions.csv"
    call_command("match_decisions", "--out", str(out))
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == 1
    row = rows[0]
    assert row["status"] == "confirmed" and row["decided_by"] == analyst.username
    assert row["subject_name"] == "ບົວພັນ ສີສຸວັນ" and row["candidate_name"] == "Bouaphanh Sisouvanh"
    assert float(row["score"]) >= 0.8 and row["explanation"]
    buf = io.StringIO()
    call_command("match_decisions", "--out", str(tmp_path / "all.csv"), "--all", stdout=buf)
    assert len(list(csv.DictReader((tmp_path / "all.csv").open(encoding="utf-8")))) == 2


def test_api_alerts_list_confirm_dismiss(alert, hatinh_alert, analyst, officer) -> None:  # type: ignore[no-untyped-def]
    client = api(analyst)
    listing = walk(client, "/api/v1/match-alerts")
    assert len(listing) == 2
    assert [i["id"] for i in walk(client, "/api/v1/match-alerts", limit=1)] == [
        i["id"] for i in listing
    ]
    item = next(i for i in listing if i["id"] == alert.pk)
    assert item["subject"]["name"] == "ບົວພັນ ສີສຸວັນ" and item["candidate"]["local"] is False
    assert "Bouaphanh" in item["explanation"]
    r = _decide(client, alert, {"action": "confirm", "note": "ok"})
    assert r.status_code == 200 and r.json()["status"] == "confirmed"
    assert r.json()["decided_by"] == analyst.username
    r = _decide(client, alert, {"action": "dismiss"})
    assert r.status_code == 422
    r = _decide(client, hatinh_alert, {"action": "merge"})
    assert r.status_code == 422
    assert len(walk(client, "/api/v1/match-alerts", status="confirmed")) == 1
    assert len(walk(client, "/api/v1/match-alerts", status="all")) == 2
    assert [i["id"] for i in walk(client, "/api/v1/match-alerts", status="")] == [hatinh_alert.pk]
    assert client.get("/api/v1/match-alerts/999999").status_code == 404
    denied = api(officer)
    assert denied.get("/api/v1/match-alerts").status_code == 403
    assert _decide(denied, hatinh_alert, {"action": "dismiss"}).status_code == 403


def test_api_person_search(people_for_api, officer) -> None:  # type: ignore[no-untyped-def]
    client = api(officer)
    r = client.get("/api/v1/persons/search", {"q": "Souksavanh"})
    assert r.status_code == 200, r.content
    body = r.json()
    assert [p["full_name"] for p in body["results"]] == ["ສຸກສະຫວັນ ພົມມະຈັນ"]
    assert body["results"][0]["explanation"] and body["results"][0]["partial_name"] is True
    assert client.get("/api/v1/persons/search", {"q": ""}).status_code == 422
    bad_date = client.get("/api/v1/persons/search", {"q": "x", "birth_date": "1990-13-45"})
    assert bad_date.status_code == 422
    # The crime route for one person still works beside /persons/search.
    uuid = body["results"][0]["uuid"]
    assert client.get(f"/api/v1/persons/{uuid}").status_code == 200
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "screening" in str(paths["/api/v1/persons/search"])


@pytest.fixture
def people_for_api(local_person, partner_person):  # type: ignore[no-untyped-def]
    partner_person("Souksavanh Phommachanh")
    return local_person("ສຸກສະຫວັນ ພົມມະຈັນ", birth_date="1985")


def test_pages_search_alerts_decide_dashboard(
    alert, people_for_api, analyst, officer, login
) -> None:  # type: ignore[no-untyped-def]
    web = login(analyst)
    page = web.get("/screening/search/", {"q": "Phommachanh"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Souksavanh Phommachanh" in html and "ສຸກສະຫວັນ ພົມມະຈັນ" in html
    assert 'id="search-results"' in html
    bad = web.get("/screening/search/", {"q": "Hung", "birth_date": "17/05/1990"}).content.decode()
    assert 'role="alert"' in bad
    alerts = web.get("/screening/alerts/").content.decode()
    assert "ບົວພັນ ສີສຸວັນ" in alerts and "Bouaphanh Sisouvanh" in alerts
    assert alert.explained in alerts
    dash = web.get("/").content.decode()
    assert "Matching alerts" in dash
    r = web.post(f"/screening/alerts/{alert.pk}/", {"action": "dismiss", "note": "no"})
    assert r.status_code == 302
    assert MatchAlert.objects.get(pk=alert.pk).status == "dismissed"
    assert web.get(f"/screening/alerts/{alert.pk}/").status_code == 200
    # Officers search but do not see alerts.
    web.logout()
    web = login(officer)
    assert web.get("/screening/search/").status_code == 200
    assert web.get("/screening/alerts/").status_code == 403
    nav = web.get("/screening/search/").content.decode()
    assert "/screening/search/" in nav and "/screening/alerts/" not in nav
