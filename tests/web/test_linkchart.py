"""The link chart's expansion endpoint: one step at a time, within the reader's scope, each
node marked with its origin and TLP, and every person returned audited as read."""

from __future__ import annotations

import pytest

from liaison.core.models import AuditEntry
from tests.web.conftest import person_reads

pytestmark = pytest.mark.django_db


def _expand(client, node: str, **params: str):  # type: ignore[no-untyped-def]
    return client.get("/links/expand.json", {"node": node, **params})


def _ids(body: dict) -> set[str]:
    return {n["id"] for n in body["nodes"]}


def test_a_person_expands_to_case_ring_phone_and_document(desk, login) -> None:  # type: ignore[no-untyped-def]
    client = login(desk.nghe_an)
    response = _expand(client, f"person:{desk.p1.uuid}")
    assert response.status_code == 200
    body = response.json()
    assert _ids(body) == {
        f"person:{desk.p1.uuid}",
        f"case:{desk.case_a.uuid}",
        f"ring:{desk.ring.uuid}",
        "phone:+84912345678",
        "document:040088001234",
    }
    case = next(n for n in body["nodes"] if n["kind"] == "case")
    assert case["origin"] == "VN" and case["own"] is True and case["tlp"] == "AMBER"
    assert case["timeline"] == f"/timeline/cases/{desk.case_a.uuid}/"
    assert len(body["edges"]) == 4
    # One audit entry for the one person returned, recorded as read through the chart.
    assert person_reads(desk.p1) == 1
    assert person_reads(desk.p2) == 0


def test_a_shared_phone_links_persons_only_within_the_reader_scope(desk, login) -> None:  # type: ignore[no-untyped-def]
    body = _expand(login(desk.nghe_an), "phone:+84912345678").json()
    assert _ids(body) == {"phone:+84912345678", f"person:{desk.p1.uuid}"}
    assert person_reads(desk.p3) == 0

    body = _expand(login(desk.analyst), "phone:+84912345678").json()
    assert _ids(body) == {
        "phone:+84912345678",
        f"person:{desk.p1.uuid}",
        f"person:{desk.p3.uuid}",
    }
    # Once per expansion: the officer's and the analyst's.
    assert person_reads(desk.p3) == 1 and person_reads(desk.p1) == 2


def test_records_outside_the_scope_are_not_found(desk, login) -> None:  # type: ignore[no-untyped-def]
    client = login(desk.nghe_an)
    assert _expand(client, f"case:{desk.case_b.uuid}").status_code == 404
    assert _expand(client, f"person:{desk.p3.uuid}").status_code == 404
    assert _expand(client, "nonsense:1").status_code == 404
    assert person_reads(desk.p3) == 0


def test_each_expansion_audits_its_persons_once(desk, login) -> None:  # type: ignore[no-untyped-def]
    client = login(desk.nghe_an)
    before = AuditEntry.objects.filter(action="person.read").count()
    body = _expand(client, f"case:{desk.case_a.uuid}").json()
    assert {f"person:{desk.p1.uuid}", f"person:{desk.p2.uuid}", f"ring:{desk.ring.uuid}"} <= _ids(
        body
    )
    assert AuditEntry.objects.filter(action="person.read").count() == before + 2
    _expand(client, f"ring:{desk.ring.uuid}")
    assert AuditEntry.objects.filter(action="person.read").count() == before + 4
    assert person_reads(desk.p1) == 2 and person_reads(desk.p2) == 2


def test_a_case_names_the_vehicle_in_its_summary(desk, login) -> None:  # type: ignore[no-untyped-def]
    client = login(desk.nghe_an)
    body = _expand(client, f"case:{desk.case_a.uuid}").json()
    vehicles = [n for n in body["nodes"] if n["kind"] == "vehicle"]
    assert [(v["id"], v["label"]) for v in vehicles] == [("vehicle:37C12345", "37C-123.45")]
    body = _expand(client, "vehicle:37C12345").json()
    assert f"case:{desk.case_a.uuid}" in _ids(body)


def test_filters_by_kind_and_date(desk, login) -> None:  # type: ignore[no-untyped-def]
    client = login(desk.nghe_an)
    body = _expand(client, f"person:{desk.p1.uuid}", kind="case").json()
    assert {n["kind"] for n in body["nodes"]} == {"person", "case"}
    # The ring was identified on 5 Jan 2025, the case on 10 Mar 2025.
    body = _expand(client, f"person:{desk.p1.uuid}", date_from="2025-02-01").json()
    assert f"ring:{desk.ring.uuid}" not in _ids(body)
    assert f"case:{desk.case_a.uuid}" in _ids(body)


def test_a_received_notice_is_marked_with_its_origin(desk, login, receive) -> None:  # type: ignore[no-untyped-def]
    from django.utils import timezone

    notice = receive(
        "wanted-notices",
        {
            "reference": "LA-WN-7",
            "notice_type": "red",
            "full_name": "ລາວ ຕົວຢ່າງ",
            "offences": "trafficking",
            "warrant_reference": "W-7",
            "issuing_unit_name": "Vientiane police",
            "issued_at": timezone.now().isoformat(),
            "id_documents": [{"type": "id", "number": "040088001234", "country": "VN"}],
        },
    )
    body = _expand(login(desk.analyst), "document:040088001234").json()
    node = next(n for n in body["nodes"] if n["kind"] == "notice")
    assert node["id"] == f"notice:{notice.uuid}"
    assert node["origin"] == "LA" and node["own"] is False
    assert node["tlp"] == "AMBER"
    assert f"person:{desk.p1.uuid}" in _ids(body)


def test_start_search_lists_candidates_and_audits_them(desk, login) -> None:  # type: ignore[no-untyped-def]
    client = login(desk.nghe_an)
    results = client.get("/links/start.json", {"kind": "person", "q": "Lầu"}).json()["results"]
    assert [r["id"] for r in results] == [f"person:{desk.p1.uuid}"]
    assert person_reads(desk.p1, via="linkchart-search") == 1
    results = client.get("/links/start.json", {"kind": "phone", "q": "0912 345 678"}).json()[
        "results"
    ]
    assert [r["id"] for r in results] == ["phone:+84912345678"]
    results = client.get("/links/start.json", {"kind": "case", "q": "HT-2025"}).json()["results"]
    assert results == []  # Hà Tĩnh's case is not the Nghệ An officer's


def test_chart_page_loads_cytoscape_from_static_files(desk, login) -> None:  # type: ignore[no-untyped-def]
    html = login(desk.nghe_an).get("/links/").content.decode()
    assert "/static/vendor/cytoscape/cytoscape.min.js" in html
    assert "/static/web/linkchart/linkchart.js" in html
