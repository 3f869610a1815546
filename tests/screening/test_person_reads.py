"""Every path that shows a person's data writes one audit entry per record shown, once per
page: ring pages, edit forms, match alerts (API, dashboard, export), wanted notices and
assistance requests on the web pages."""

from __future__ import annotations

import datetime as dt
import uuid as uuidlib
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from liaison.cooperation.models import AssistanceRequest
from liaison.core import services as core_services
from liaison.core.models import AuditEntry, Role
from liaison.crime import services as crime
from liaison.crime.models import TraffickingRing
from liaison.screening import services
from liaison.screening.models import MatchAlert
from tests.screening.conftest import LA_NODE

pytestmark = pytest.mark.django_db


def reads(action: str, obj: Any = None, **detail: Any) -> list[AuditEntry]:
    """The read entries written since the test began, for ``obj`` if given."""
    qs = AuditEntry.objects.filter(action=action)
    if obj is not None:
        qs = qs.filter(object_id=str(obj.uuid if hasattr(obj, "uuid") else obj.pk))
    return [e for e in qs.order_by("seq") if all(e.detail.get(k) == v for k, v in detail.items())]


def api(user: Any) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {core_services.create_token(user)}")


@pytest.fixture
def alert(local_person, partner_person) -> MatchAlert:  # type: ignore[no-untyped-def]
    partner_person("Bouaphanh Sisouvanh", birth_date="1977-07-07", nationality="LA")
    mine = local_person("ບົວພັນ ສີສຸວັນ", birth_date="1977-07-07", nationality="LA")
    (raised,) = services.match_person(mine)
    return raised


def test_ring_page_and_edit_forms_audit_the_persons_shown(
    local_person, units, make_user, login
) -> None:  # type: ignore[no-untyped-def]
    writer = make_user(units.nghe_an, [Role.OFFICER])
    a = local_person("Vừ A Dình", id_number="040123456789", phones="0912345678")
    b = local_person("Lầu Văn Pó")
    ring = crime.create_record(
        TraffickingRing,
        user=writer,
        name="Kỳ Sơn ring",
        members=[a, b],
        owner_unit=units.ky_son,
        province=a.province,
    )
    web = login(writer)
    page = web.get(f"/crime/rings/{ring.uuid}/")
    assert page.status_code == 200 and "Vừ A Dình" in page.content.decode()
    assert len(reads("person.read", a, via="ring")) == 1
    assert len(reads("person.read", b, via="ring")) == 1
    form = web.get(f"/crime/persons/{a.uuid}/edit/")
    assert form.status_code == 200 and "040123456789" in form.content.decode()
    (entry,) = reads("person.read", a, via="edit form")
    assert entry.username == writer.username
    web.get(f"/crime/rings/{ring.uuid}/edit/")
    assert len(reads("person.read", b, via="ring edit form")) == 1


def test_match_alert_api_audits_list_detail_and_decision(alert, analyst) -> None:  # type: ignore[no-untyped-def]
    client = api(analyst)
    assert client.get("/api/v1/match-alerts").status_code == 200
    (listed,) = reads("alert.read", alert, via="api list")
    assert listed.username == analyst.username
    assert client.get(f"/api/v1/match-alerts/{alert.pk}").status_code == 200
    assert len(reads("alert.read", alert, via="api")) == 1
    r = client.post(
        f"/api/v1/match-alerts/{alert.pk}",
        {"action": "confirm", "note": "same"},
        content_type="application/json",
    )
    assert r.status_code == 200
    assert len(reads("alert.read", alert, via="api decide")) == 1


def test_dashboard_match_panel_audits_the_alerts_it_names(alert, analyst, login) -> None:  # type: ignore[no-untyped-def]
    dash = login(analyst).get("/").content.decode()
    assert "Bouaphanh Sisouvanh" in dash
    (entry,) = reads("alert.read", alert, via="dashboard")
    assert entry.username == analyst.username


def test_match_decisions_export_audits_every_row(alert, analyst, tmp_path) -> None:  # type: ignore[no-untyped-def]
    services.confirm(alert, analyst, "yes")
    call_command("match_decisions", "--out", str(tmp_path / "d.csv"))
    (entry,) = reads("alert.read", alert, via="match_decisions export")
    assert entry.username == "system:match_decisions"


def test_wanted_pages_audit_each_notice_shown(partner_notice, officer, login) -> None:  # type: ignore[no-untyped-def]
    notice = partner_notice("Souksavanh Phommachanh", birth_date="1980-01-01")
    web = login(officer)
    listing = web.get("/wanted/")
    assert "Souksavanh Phommachanh" in listing.content.decode()
    assert len(reads("wanted.read", notice, via="list")) == 1
    assert web.get(f"/wanted/{notice.uuid}/").status_code == 200
    assert len(reads("wanted.read", notice, via="web")) == 1
    dash = web.get("/").content.decode()
    assert "Souksavanh Phommachanh" in dash
    assert len(reads("wanted.read", notice, via="dashboard")) == 1


def test_request_pages_audit_requests_naming_persons(units, officer, login) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now()

    def received(reference: str, **data: Any) -> AssistanceRequest:
        req = AssistanceRequest(
            uuid=uuidlib.uuid4(),
            origin=LA_NODE,
            origin_country="LA",
            version=1,
            created_at=now,
            updated_at=now,
            owner_unit=units.nghe_an,
            reference=reference,
            request_type="information",
            to_country="VN",
            to_unit_code="VN-PA-40",
            sent_at=now,
            deadline=dt.date.today() + dt.timedelta(days=30),
            **data,
        )
        req.save()
        return req

    about = received("LA-RQ-1", persons=[{"full_name": "Khamla Vongsa", "birth_date": "1990"}])
    plain = received("LA-RQ-2", facts_summary="A shipment")
    web = login(officer)
    assert web.get("/requests/").status_code == 200
    assert len(reads("request.read", about, via="list")) == 1
    assert reads("request.read", plain) == []
    page = web.get(f"/requests/{about.uuid}/")
    assert page.status_code == 200 and "Khamla Vongsa" in page.content.decode()
    assert len(reads("request.read", about, via="web")) == 1
