"""Keyset pagination of the national-record lists (liaison.core.listing) over seeded data."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from liaison.core import services as core_services
from liaison.core.listing import MAX_LIMIT, encode_cursor
from liaison.core.models import AuditEntry, Role
from liaison.crime.models import (
    CultivationSite,
    DrugCase,
    Hotspot,
    Person,
    PrecursorIncident,
    Seizure,
    TraffickingRing,
)
from liaison.crime.synthetic import generate
from tests.listing import walk

pytestmark = pytest.mark.django_db

CASE_ORDER = ("-detected_on", "-id")


def api(user) -> Client:  # type: ignore[no-untyped-def]
    return Client(HTTP_AUTHORIZATION=f"Bearer {core_services.create_token(user)}")


@pytest.fixture
def seeded(units):  # type: ignore[no-untyped-def]
    """400 synthetic cases (many on the same day) owned by the province police of their
    province where the unit tree has one (Nghệ An, Hà Tĩnh), else by the ministry."""
    generate(400, years=1, seed=3, owner=units.ministry)
    return units


def _ordered_uuids(qs) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(u) for u in qs.order_by(*CASE_ORDER).values_list("uuid", flat=True)]


def test_walking_every_page_gives_each_visible_case_once_in_a_stable_order(
    seeded, make_user
) -> None:  # type: ignore[no-untyped-def]
    ministry = api(make_user(seeded.ministry, [Role.ANALYST]))
    walked = walk(ministry, "/api/v1/cases", limit=7)
    assert [c["uuid"] for c in walked] == _ordered_uuids(DrugCase.objects.all())
    assert len(walked) == 400
    days = [c["detected_on"] for c in walked]
    assert days == sorted(days, reverse=True)
    assert len(set(days)) < len(days)  # ties on the day: the id keeps them apart
    # The same walk again gives the same pages.
    assert walk(ministry, "/api/v1/cases", limit=7) == walked


def test_another_provinces_cases_never_appear_on_any_page(seeded, make_user) -> None:  # type: ignore[no-untyped-def]
    officer = make_user(seeded.nghe_an, [Role.OFFICER])
    walked = walk(api(officer), "/api/v1/cases", limit=3)
    mine = DrugCase.objects.filter(owner_unit__path__startswith=seeded.nghe_an.path)
    assert walked and [c["uuid"] for c in walked] == _ordered_uuids(mine)
    assert {c["owner_unit"] for c in walked} <= {"VN-PA-40", "VN-PA-40-KS", "VN-BP-NC"}
    others = set(_ordered_uuids(DrugCase.objects.exclude(pk__in=mine)))
    assert others and not others & {c["uuid"] for c in walked}


def test_filters_apply_on_every_page(seeded, make_user) -> None:  # type: ignore[no-untyped-def]
    client = api(make_user(seeded.ministry, [Role.ANALYST]))
    code = DrugCase.objects.order_by("id").values_list("province__code", flat=True)[0]
    walked = walk(client, "/api/v1/cases", limit=5, province=code.lower(), status="")
    expected = DrugCase.objects.filter(province__code=code)
    assert walked and [c["uuid"] for c in walked] == _ordered_uuids(expected)
    assert {c["province"] for c in walked} == {code}
    assert len(walked) < DrugCase.objects.count()


def test_a_page_far_in_the_list_starts_right_after_its_cursor(seeded, make_user) -> None:  # type: ignore[no-untyped-def]
    client = api(make_user(seeded.ministry, [Role.ANALYST]))
    ordered = list(DrugCase.objects.order_by(*CASE_ORDER))
    cursor = encode_cursor(DrugCase, CASE_ORDER, ordered[389])
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/api/v1/cases", {"cursor": cursor, "limit": 20}).json()
    assert [c["uuid"] for c in page["items"]] == [str(c.uuid) for c in ordered[390:]]
    assert page["next"] is None
    sql = " ".join(q["sql"] for q in queries.captured_queries).upper()
    assert "OFFSET" not in sql and "COUNT(" not in sql
    middle = client.get("/api/v1/cases", {"cursor": cursor, "limit": 5}).json()
    assert [c["uuid"] for c in middle["items"]] == [str(c.uuid) for c in ordered[390:395]]
    assert middle["next"] == encode_cursor(DrugCase, CASE_ORDER, ordered[394])


@pytest.mark.parametrize(
    "params",
    [
        {"cursor": "not a cursor!"},
        {"cursor": "bm90IGpzb24"},  # base64 of "not json"
        {"cursor": "WzEsMl0"},  # [1,2]: JSON, but not a cursor this API gave out
    ],
)
def test_a_malformed_cursor_is_refused_with_422_naming_the_field(seeded, make_user, params) -> None:  # type: ignore[no-untyped-def]
    response = api(make_user(seeded.ministry, [Role.ANALYST])).get("/api/v1/cases", params)
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["query", "cursor"] and error["msg"].startswith("cursor: ")


def test_a_cursor_of_another_list_is_refused(seeded, make_user) -> None:  # type: ignore[no-untyped-def]
    client = api(make_user(seeded.ministry, [Role.ANALYST]))
    persons_next = client.get("/api/v1/persons", {"limit": 2}).json()["next"]
    response = client.get("/api/v1/cases", {"cursor": persons_next})
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == "cursor: given out by another list"


@pytest.mark.parametrize("limit", ["0", str(MAX_LIMIT + 1), "ten"])
def test_a_bad_limit_is_refused_with_422_naming_the_field(seeded, make_user, limit) -> None:  # type: ignore[no-untyped-def]
    response = api(make_user(seeded.ministry, [Role.ANALYST])).get(
        "/api/v1/cases", {"limit": limit}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "limit"]


def test_each_person_on_each_page_is_audited_once(seeded, make_user) -> None:  # type: ignore[no-untyped-def]
    client = api(make_user(seeded.ha_tinh, [Role.OFFICER]))
    before = AuditEntry.objects.filter(action="person.read").count()
    walked = walk(client, "/api/v1/persons", limit=MAX_LIMIT // 10)
    visible = Person.objects.filter(owner_unit__path__startswith=seeded.ha_tinh.path)
    assert walked and sorted(p["uuid"] for p in walked) == sorted(
        str(u) for u in visible.values_list("uuid", flat=True)
    )
    reads = AuditEntry.objects.filter(action="person.read")
    assert reads.count() == before + len(walked)
    assert set(reads.values_list("object_id", flat=True)) == {p["uuid"] for p in walked}


@pytest.mark.parametrize(
    ("url", "model"),
    [
        ("/api/v1/seizures", Seizure),
        ("/api/v1/hotspots", Hotspot),
        ("/api/v1/rings", TraffickingRing),
        ("/api/v1/cultivation-sites", CultivationSite),
        ("/api/v1/precursor-incidents", PrecursorIncident),
    ],
)
def test_every_record_list_walks_to_the_end_newest_first(seeded, make_user, url, model) -> None:  # type: ignore[no-untyped-def]
    client = api(make_user(seeded.ministry, [Role.ANALYST]))
    expected = [str(u) for u in model.objects.order_by("-id").values_list("uuid", flat=True)]
    walked = walk(client, url, limit=max(1, len(expected) // 4))
    assert [r["uuid"] for r in walked] == expected
