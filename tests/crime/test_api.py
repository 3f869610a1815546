"""REST API of national records: access by unit subtree, writes through services, audit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from liaison.core import services as core_services
from liaison.core.models import AuditEntry, Province, Role
from liaison.crime import services
from liaison.crime.models import DrugCase, Person
from tests.listing import walk

pytestmark = pytest.mark.django_db


def api(user) -> Client:  # type: ignore[no-untyped-def]
    token = core_services.create_token(user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.fixture
def two_cases(units):  # type: ignore[no-untyped-def]
    na = services.create_case(
        user=None,
        owner_unit=units.ky_son,
        case_ref="NA-1",
        detected_on=dt.date(2024, 5, 1),
        province=Province.objects.get(code="VN-22"),
        summary="Kỳ Sơn case",
    )
    ht = services.create_case(
        user=None,
        owner_unit=units.ha_tinh,
        case_ref="HT-1",
        detected_on=dt.date(2024, 5, 2),
        province=Province.objects.get(code="VN-23"),
    )
    person = services.create_person(
        user=None,
        case=ht,
        person_ref="P1",
        full_name="Trần Văn Bình",
        latin_name="Tran Van Binh",
        nationality="vn",
        birth_date="1980-02",
    )
    return na, ht, person


def _json(client: Client, method: str, url: str, data: dict):  # type: ignore[no-untyped-def]
    return getattr(client, method)(url, data, content_type="application/json")


def test_another_provinces_records_are_404_by_api_and_by_url(
    units, make_user, login, two_cases
) -> None:  # type: ignore[no-untyped-def]
    na, ht, person = two_cases
    officer = make_user(units.nghe_an, [Role.OFFICER])
    client = api(officer)
    listing = client.get("/api/v1/cases").json()
    assert [c["case_ref"] for c in listing["items"]] == ["NA-1"] and listing["next"] is None
    assert [c["case_ref"] for c in walk(client, "/api/v1/cases")] == ["NA-1"]
    assert client.get(f"/api/v1/cases/{na.uuid}").status_code == 200
    assert client.get(f"/api/v1/cases/{ht.uuid}").status_code == 404
    assert client.get(f"/api/v1/persons/{person.uuid}").status_code == 404
    patch = _json(client, "patch", f"/api/v1/cases/{ht.uuid}", {"summary": "x"})
    assert patch.status_code == 404
    person_in = {"case": str(ht.uuid), "person_ref": "P9", "full_name": "X"}
    assert _json(client, "post", "/api/v1/persons", person_in).status_code == 404
    web = login(officer)
    assert web.get(f"/crime/cases/{na.uuid}/").status_code == 200
    assert web.get(f"/crime/cases/{ht.uuid}/").status_code == 404
    assert web.get(f"/crime/persons/{person.uuid}/").status_code == 404
    # the ministry sees both
    boss = api(make_user(units.ministry, [Role.ANALYST]))
    assert len(walk(boss, "/api/v1/cases")) == 2


def test_write_through_api_is_audited_and_versioned(units, make_user, two_cases) -> None:  # type: ignore[no-untyped-def]
    na, _ht, _person = two_cases
    client = api(make_user(units.ky_son, [Role.OFFICER]))
    case_in = {"case_ref": "KS-7", "detected_on": "2024-06-01", "province": "VN:40"}
    created = _json(client, "post", "/api/v1/cases", case_in)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["province"] == "VN-22" and body["version"] == 1 and body["origin"] == "vn-test0001"
    bad_in = {"case_ref": "KS-8", "detected_on": "2024-06-01", "province": "VN-99"}
    bad = _json(client, "post", "/api/v1/cases", bad_in)
    assert bad.status_code == 422
    seizure_in = {"case": body["uuid"], "drug": "heroin", "quantity": "0.35", "unit": "kg"}
    seizure = _json(client, "post", "/api/v1/seizures", seizure_in)
    assert seizure.status_code == 201 and seizure.json()["quantity"] in ("0.35", 0.35, "0.350000")
    unknown_drug = {"case": body["uuid"], "drug": "yaba", "quantity": "1", "unit": "kg"}
    assert _json(client, "post", "/api/v1/seizures", unknown_drug).status_code == 422
    patched = _json(client, "patch", f"/api/v1/cases/{body['uuid']}", {"detected_on": "2024-06-02"})
    assert patched.json()["version"] == 2
    case = DrugCase.objects.get(case_ref="KS-7")
    assert case.seizures.get().detected_on == dt.date(2024, 6, 2)  # statistics copy kept in step
    assert AuditEntry.objects.filter(action="case.create", object_id=body["uuid"]).exists()
    assert AuditEntry.objects.filter(action="case.update", object_id=body["uuid"]).exists()
    # an analyst may read but not write
    analyst = api(make_user(units.nghe_an, [Role.ANALYST]))
    denied = _json(analyst, "patch", f"/api/v1/cases/{na.uuid}", {"summary": "x"})
    assert denied.status_code == 403


def test_person_reads_are_audited(units, make_user, two_cases) -> None:  # type: ignore[no-untyped-def]
    _na, _ht, person = two_cases
    client = api(make_user(units.ha_tinh, [Role.OFFICER]))
    before = AuditEntry.objects.filter(action="person.read").count()
    body = client.get(f"/api/v1/persons/{person.uuid}").json()
    assert body["full_name"] == "Trần Văn Bình" and body["nationality"] == "VN"
    assert body["birth_date"] == "1980-02" and body["birth_precision"] == "month"
    assert AuditEntry.objects.filter(action="person.read").count() == before + 1
    assert len(walk(client, "/api/v1/persons", q="binh")) == 1
    assert AuditEntry.objects.filter(action="person.read", object_id=str(person.uuid)).count() == 2
    assert Person.objects.get().birth_year == 1980


def test_statistics_endpoint_is_scoped_to_the_unit(units, make_user, two_cases) -> None:  # type: ignore[no-untyped-def]
    client = api(make_user(units.nghe_an, [Role.ANALYST]))
    data = client.get("/api/v1/statistics?date_from=2024-01-01&date_to=2024-12-31").json()
    assert data["cases"] == 1
    ministry = api(make_user(units.ministry, [Role.ANALYST]))
    data = ministry.get(
        "/api/v1/statistics",
        {"date_from": "2024-01-01", "date_to": "2024-12-31", "province": "VN-23"},
    ).json()
    assert data["cases"] == 1 and data["defendants"] == 1
