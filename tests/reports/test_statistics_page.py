"""The statistics page: figures, charts with links to the records behind them, downloads."""

from __future__ import annotations

import datetime as dt

import pytest

from liaison.core.models import Province, Role
from liaison.crime import services

pytestmark = pytest.mark.django_db

YEAR_2024 = "date_from=2024-01-01&date_to=2024-12-31"


@pytest.fixture
def records(units):  # type: ignore[no-untyped-def]
    na, ht = Province.objects.get(code="VN-22"), Province.objects.get(code="VN-23")
    placed = [(na, units.nghe_an), (na, units.ky_son), (ht, units.ha_tinh)]
    for i, (province, unit) in enumerate(placed):
        case = services.create_case(
            user=None,
            owner_unit=unit,
            case_ref=f"S-{i}",
            detected_on=dt.date(2024, 3 + i, 5),
            province=province,
        )
        services.create_person(
            user=None,
            case=case,
            person_ref="P1",
            full_name=f"Người {i}",
            nationality="LA" if i == 0 else "VN",
        )
        services.create_seizure(
            user=None, case=case, drug="methamphetamine_tablets", quantity=10000, unit="tablet"
        )


def test_statistics_page_figures_link_to_records(units, make_user, login, records) -> None:  # type: ignore[no-untyped-def]
    client = login(make_user(units.ministry, [Role.ANALYST]))
    response = client.get(f"/statistics/?{YEAR_2024}&border=on&table=lao-mps-2024")
    assert response.status_code == 200
    data = response.context["data"]
    assert (data["cases"], data["defendants"], data["foreign_defendants"]) == (3, 3, 1)
    html = response.content.decode()
    assert "<svg" in html and "3 drug cases" in html
    # the foreign-defendant figure leads to exactly those persons
    listing = client.get(response.context["links"]["foreign"])
    assert listing.context["page"].paginator.count == 1
    # a bar of the monthly chart leads to that month's cases
    march = next(b for b in response.context["links"]["months"] if b.label == "2024-03")
    assert march.href in html.replace("&amp;", "&")
    assert client.get(march.href).context["page"].paginator.count == 1
    cases = client.get(response.context["links"]["cases"])
    assert cases.context["page"].paginator.count == 3
    for fmt in ("json", "md", "xlsx"):
        download = client.get(f"/statistics/export.{fmt}?{YEAR_2024}&border=on&table=unodc-2024")
        assert download.status_code == 200
    exported = client.get(f"/statistics/export.json?{YEAR_2024}&table=unodc-2024")
    assert b'"kg_equivalent_total": 2.7' in exported.content


def test_province_user_sees_own_subtree_only(units, make_user, login, records) -> None:  # type: ignore[no-untyped-def]
    client = login(make_user(units.nghe_an, [Role.ANALYST]))
    response = client.get(f"/statistics/?{YEAR_2024}&table=lao-mps-2024")
    assert response.context["data"]["cases"] == 2
