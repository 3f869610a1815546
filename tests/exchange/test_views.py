"""The exchange web pages: partners, propose → approve, withdraw, a record's sharing page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from liaison.exchange.models import OutboxEntry, Release, ReleaseState

pytestmark = pytest.mark.django_db


def test_partner_page_shows_fingerprints(login, staff, la_peer) -> None:  # type: ignore[no-untyped-def]
    from liaison.exchange import services

    page = login(staff.supervisor).get(reverse("exchange:peer_list")).content.decode()
    assert la_peer.fingerprint in page and services.this_node().fingerprint in page


def test_officer_proposes_and_supervisor_approves_on_the_web(
    client, staff, la_peer, make_case
) -> None:  # type: ignore[no-untyped-def]
    case = make_case()
    url = reverse("exchange:release_new", args=["cases", case.uuid])
    client.force_login(staff.officer)
    form = {"peers": [la_peer.pk], "tlp": "AMBER", "handling": "H0", "basis": "MoU of 9 Aug 2021"}
    assert client.post(url, form).status_code == 302
    release = Release.objects.get()
    assert release.state == ReleaseState.PROPOSED and not OutboxEntry.objects.exists()
    client.force_login(staff.supervisor)
    assert "MoU of 9 Aug 2021" in client.get(reverse("exchange:release_list")).content.decode()
    client.post(reverse("exchange:release_approve", args=[release.pk]))
    release.refresh_from_db()
    assert release.state == ReleaseState.ACTIVE and OutboxEntry.objects.count() == 1
    page = client.get(
        reverse("exchange:record_delivery", args=["cases", case.uuid])
    ).content.decode()
    assert "on its way to LA" in page
    withdraw = reverse("exchange:release_withdraw", args=[release.pk])
    client.post(withdraw, {"reason": "Case closed", "confirm": "yes"})
    release.refresh_from_db()
    assert release.state == ReleaseState.WITHDRAWN
    assert OutboxEntry.objects.get().op == "recall"


def test_red_record_form_refuses(client, staff, la_peer, make_case) -> None:  # type: ignore[no-untyped-def]
    case = make_case(tlp="RED")
    client.force_login(staff.supervisor)
    url = reverse("exchange:release_new", args=["cases", case.uuid])
    assert "TLP:RED" in client.get(url).content.decode()
    client.post(url, {"peers": [la_peer.pk], "tlp": "AMBER", "handling": "H0", "basis": "x"})
    assert not Release.objects.exists()


def test_form_offers_no_red(client, staff, la_peer, make_case) -> None:  # type: ignore[no-untyped-def]
    case = make_case()
    client.force_login(staff.supervisor)
    url = reverse("exchange:release_new", args=["cases", case.uuid])
    assert 'value="RED"' not in client.get(url).content.decode()
    client.post(url, {"peers": [la_peer.pk], "tlp": "RED", "handling": "H0", "basis": "x"})
    assert not Release.objects.exists()


def test_record_outside_unit_is_not_found(client, units, make_user, la_peer, make_case) -> None:  # type: ignore[no-untyped-def]
    case = make_case(unit=units.ha_tinh)
    client.force_login(make_user(units.nghe_an, ["supervisor"]))
    assert client.get(reverse("exchange:release_new", args=["cases", case.uuid])).status_code == 404


def test_api_release_and_status(client, staff, la_peer, make_case) -> None:  # type: ignore[no-untyped-def]
    import json

    from liaison.core import services as core

    case = make_case()
    token = core.create_token(staff.supervisor)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    body = {
        "kind": "cases",
        "record_uuid": str(case.uuid),
        "peers": ["LA"],
        "tlp": "GREEN",
        "handling": "H0",
        "basis": "MoU of 9 Aug 2021",
    }
    answer = client.post(
        "/api/v1/releases", json.dumps(body), content_type="application/json", **headers
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()[0]["state"] == "active"
    red = dict(body, tlp="RED")
    answer = client.post(
        "/api/v1/releases", json.dumps(red), content_type="application/json", **headers
    )
    assert answer.status_code == 422
    status = client.get(f"/api/v1/releases/status/cases/{case.uuid}", **headers).json()
    assert status[0]["peer"] == "LA" and status[0]["version"] == 1
    peers = client.get("/api/v1/peers", **headers).json()
    assert peers[0]["fingerprint"] == la_peer.fingerprint
    listed = client.get("/api/v1/releases", **headers).json()
    assert len(listed["items"]) == 1 and listed["next"] is None
