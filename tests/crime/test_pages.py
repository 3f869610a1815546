"""Web pages: lists with filters, detail, forms, and the import page with its preview."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from liaison.core.models import AuditEntry, Province, Role
from liaison.crime import services
from liaison.crime.models import DrugCase, Person, Seizure

pytestmark = pytest.mark.django_db

CASES = """case_ref,detected_on,province,district,commune,summary,joint_case_ref
W-1,2024-02-01,VN-22,Kỳ Sơn,,Vận chuyển heroin,
W-2,2024-02-03,VN-22,,,,
"""
PERSONS = """case_ref,person_ref,full_name,latin_name,sex,birth_date,nationality,id_number,role
W-1,P1,Lầu Bá Chư,Lau Ba Chu,M,1985,VN,,defendant
"""
SEIZURES = """case_ref,drug,quantity,unit
W-1,heroin,1.2,kg
W-2,methamphetamine_tablets,6000,tablet
"""
#: What every record form posts besides the record's own fields.
MARKING = {"tlp": "AMBER", "handling": "H0"}


def upload(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def case_form(province: Province, **fields: str) -> dict[str, Any]:
    """What the case form posts: an open case in ``province``, with ``fields``."""
    return {"province": province.id, "status": "open", **MARKING, **fields}


def test_import_page_previews_then_saves(units, make_user, login, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    user = make_user(units.nghe_an, [Role.OFFICER])
    client = login(user)
    assert client.get("/crime/import/").status_code == 200
    response = client.post(
        "/crime/import/",
        {
            "cases": upload("cases.csv", CASES),
            "persons": upload("persons.csv", PERSONS),
            "seizures": upload("seizures.csv", SEIZURES),
        },
    )
    html = response.content.decode()
    assert response.status_code == 200 and 'id="preview"' in html
    assert "Lầu Bá Chư" in html and "cases.csv: 2 rows, 2 new" in html
    assert DrugCase.objects.count() == 0  # nothing saved before confirming
    token = response.context["token"]
    done = client.post("/crime/import/", {"token": token, "confirm": "1"})
    assert done.status_code == 302
    assert (DrugCase.objects.count(), Person.objects.count(), Seizure.objects.count()) == (2, 1, 2)
    assert set(DrugCase.objects.values_list("owner_unit", flat=True)) == {units.nghe_an.id}


def test_import_page_shows_every_error_and_saves_nothing(units, make_user, login) -> None:  # type: ignore[no-untyped-def]
    client = login(make_user(units.nghe_an, [Role.OFFICER]))
    bad = "case_ref,drug,quantity,unit\nW-1,heroine,1,kg\nNOPE,heroin,-1,kilo\n"
    response = client.post(
        "/crime/import/", {"cases": upload("cases.csv", CASES), "seizures": upload("bad.csv", bad)}
    )
    html = response.content.decode()
    assert 'id="problems"' in html and "4 problems, nothing imported" in html
    for text in ("unknown drug code", "negative quantity", "unknown unit", "neither on this node"):
        assert text in html
    assert DrugCase.objects.count() == 0


def test_lists_filters_detail_and_forms(units, make_user, login) -> None:  # type: ignore[no-untyped-def]
    user = make_user(units.nghe_an, [Role.OFFICER])
    client = login(user)
    na = Province.objects.get(code="VN-22")
    case = services.create_case(
        user=user,
        case_ref="NA-9",
        detected_on=dt.date(2024, 1, 9),
        province=na,
        summary="Heroin qua Nậm Cắn",
    )
    services.create_case(user=user, case_ref="NA-10", detected_on=dt.date(2023, 1, 9), province=na)
    person = services.create_person(
        user=user,
        case=case,
        person_ref="P1",
        full_name="Vừ Bá Tủa",
        latin_name="Vu Ba Tua",
        nationality="LA",
    )
    listing = client.get("/crime/cases/?q=Nậm&date_from=2024-01-01")
    assert listing.status_code == 200
    assert [r["obj"].case_ref for r in listing.context["rows"]] == ["NA-9"]
    assert client.get("/crime/cases/?province=VN-23").context["page"].paginator.count == 0
    foreign = client.get("/crime/persons/?nationality=foreign")
    assert [r["obj"] for r in foreign.context["rows"]] == [person]
    before = AuditEntry.objects.filter(action="person.read").count()
    assert client.get(f"/crime/persons/{person.uuid}/").status_code == 200
    assert AuditEntry.objects.filter(action="person.read").count() == before + 1
    detail = client.get(f"/crime/cases/{case.uuid}/").content.decode()
    assert "Vừ Bá Tủa" in detail
    for slug in ("seizures", "rings", "hotspots", "cultivation-sites", "precursor-incidents"):
        assert client.get(f"/crime/{slug}/").status_code == 200
    # create a case and a seizure through the forms
    response = client.post(
        "/crime/cases/new/", case_form(na, case_ref="NA-11", detected_on="2024-03-01")
    )
    assert response.status_code == 302, response.context["form"].errors
    new = DrugCase.objects.get(case_ref="NA-11")
    assert new.owner_unit == units.nghe_an
    response = client.post(
        f"/crime/seizures/new/?case={new.uuid}",
        {"drug": "heroin", "quantity": "0.5", "unit": "kg", **MARKING},
    )
    assert response.status_code == 302
    assert new.seizures.get().detected_on == dt.date(2024, 3, 1)
    # a post-merger province is refused for a 2024 date
    post = Province.objects.get(code="VN:40")
    response = client.post(
        "/crime/cases/new/", case_form(post, case_ref="NA-12", detected_on="2024-03-01")
    )
    assert response.status_code == 200 and "province" in response.context["form"].errors
    # edit
    response = client.post(
        f"/crime/cases/{new.uuid}/edit/", case_form(na, detected_on="2024-03-02", status="closed")
    )
    assert response.status_code == 302
    new.refresh_from_db()
    assert (new.status, new.version) == ("closed", 2)
    hotspot = client.post(
        "/crime/hotspots/new/",
        {
            "name": "Bản Phà",
            "kind": "retail",
            "province": na.id,
            "identified_on": "2024-01-01",
            "status": "eradicated",
            "eradicated_on": "2024-06-01",
            **MARKING,
        },
    )
    assert hotspot.status_code == 302
