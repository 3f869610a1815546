"""The statistics page and API choose the partner whose border provinces are counted."""

from __future__ import annotations

import pytest
from django.utils import translation

from liaison.core.models import Role
from liaison.reports.views import StatisticsForm

pytestmark = pytest.mark.django_db

PERIOD = "date_from=2024-01-01&date_to=2024-12-31&table=lao-mps-2024&border=on"


def test_the_partner_choices_are_the_countries_the_node_works_with(settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("LIAISON_PARTNER_COUNTRIES", raising=False)
    settings.NODE = {**settings.NODE, "partner_countries": ["RU", "LA"]}
    with translation.override("vi"):
        choices = list(StatisticsForm().fields["partner"].choices)  # type: ignore[attr-defined]
    assert [code for code, _name in choices] == ["", "LA", "RU"]
    assert choices[1][1] == "Lào"


def test_page_and_api_count_the_chosen_partners_border(units, make_user, login) -> None:  # type: ignore[no-untyped-def]
    client = login(make_user(units.ministry, [Role.ANALYST]))
    every = client.get(f"/statistics/?{PERIOD}").context["data"]
    laos = client.get(f"/statistics/?{PERIOD}&partner=LA").context["data"]
    assert every["partners"] == laos["partners"] == ["LA"]
    assert laos["provinces"] == every["provinces"] != []
    # A country that is not a partner is not offered.
    refused = client.get(f"/statistics/?{PERIOD}&partner=KH")
    assert "partner" in refused.context["form"].errors
    api = "/api/v1/statistics?date_from=2024-01-01&date_to=2024-12-31&border_provinces=true"
    answer = client.get(f"{api}&partner=KH")
    assert answer.status_code == 200
    assert answer.json()["partners"] == ["KH"] and answer.json()["provinces"] == []
    assert client.get(f"{api}&partner=XX").status_code in (400, 422)
