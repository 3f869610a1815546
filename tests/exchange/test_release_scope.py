"""Releases and counts follow the viewer's scope: a province sees the releases of its own
records only (not another province's legal basis or releaser); a national user sees all."""

from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace
from typing import Any

import pytest
from django.urls import reverse

from liaison.core import services as core
from liaison.core.models import Role
from liaison.exchange.services.release import release_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def released(staff, units, la_peer, make_case, make_user) -> SimpleNamespace:  # type: ignore[no-untyped-def]
    nghe_an = make_case(unit=units.nghe_an)
    ha_tinh = make_case(unit=units.ha_tinh)
    release_to(staff.supervisor, nghe_an, [la_peer], tlp="AMBER", handling="H0", basis="Basis-NA")
    release_to(staff.supervisor, ha_tinh, [la_peer], tlp="AMBER", handling="H0", basis="Basis-HT")
    return SimpleNamespace(
        national=staff.supervisor,
        nghe_an=staff.province_supervisor,
        ha_tinh=make_user(units.ha_tinh, [Role.SUPERVISOR], username="htsup"),
    )


def api_list(client: Any, user: Any, query: str = "") -> dict[str, Any]:
    token = core.create_token(user)
    answer = client.get(f"/api/v1/releases{query}", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert answer.status_code == 200, answer.content
    return answer.json()  # type: ignore[no-any-return]


def test_release_page_shows_own_province_only(client, released) -> None:  # type: ignore[no-untyped-def]
    client.force_login(released.nghe_an)
    page = client.get(reverse("exchange:release_list")).content.decode()
    assert "Basis-NA" in page and "Basis-HT" not in page
    client.force_login(released.ha_tinh)
    page = client.get(reverse("exchange:release_list")).content.decode()
    assert "Basis-HT" in page and "Basis-NA" not in page
    client.force_login(released.national)
    page = client.get(reverse("exchange:release_list")).content.decode()
    assert "Basis-HT" in page and "Basis-NA" in page


def test_release_api_shows_own_province_only(client, released) -> None:  # type: ignore[no-untyped-def]
    listed = api_list(client, released.nghe_an)
    assert [r["basis"] for r in listed["items"]] == ["Basis-NA"] and listed["next"] is None
    assert [r["basis"] for r in api_list(client, released.ha_tinh)["items"]] == ["Basis-HT"]
    assert len(api_list(client, released.national)["items"]) == 2


def test_release_api_pages_with_cursor_and_filters(client, released) -> None:  # type: ignore[no-untyped-def]
    first = api_list(client, released.national, "?limit=1")
    assert len(first["items"]) == 1 and first["next"]
    second = api_list(client, released.national, f"?limit=1&cursor={first['next']}")
    assert len(second["items"]) == 1 and second["next"] is None
    assert {first["items"][0]["basis"], second["items"][0]["basis"]} == {"Basis-NA", "Basis-HT"}
    assert api_list(client, released.national, "?state=proposed")["items"] == []
    assert len(api_list(client, released.national, "?state=&peer=LA&kind=cases")["items"]) == 2
    token = core.create_token(released.national)
    bad = client.get("/api/v1/releases?offset=1&limit=0", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert bad.status_code == 422


def test_joint_case_count_follows_scope(client, units, make_user) -> None:  # type: ignore[no-untyped-def]
    from liaison.cooperation import services as coop

    nghe_an = make_user(units.nghe_an, [Role.OFFICER, Role.SUPERVISOR])
    ha_tinh = make_user(units.ha_tinh, [Role.OFFICER, Role.SUPERVISOR])
    national = make_user(units.ministry, [Role.OFFICER, Role.SUPERVISOR])
    day = dt.date(2023, 3, 1)
    coop.open_joint_case(nghe_an, title="NA", opened_on=day, share_now=False)
    coop.open_joint_case(ha_tinh, title="HT1", opened_on=day, share_now=False)
    coop.open_joint_case(ha_tinh, title="HT2", opened_on=day, share_now=False)

    def counted(user: Any) -> int:
        token = core.create_token(user)
        answer = client.get(
            "/api/v1/joint-cases/count?date_from=2022-01-01&date_to=2024-01-01",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        assert answer.status_code == 200, answer.content
        return int(json.loads(answer.content)["joint_cases"])

    assert (counted(nghe_an), counted(ha_tinh), counted(national)) == (1, 2, 3)
    client.force_login(nghe_an)
    page = client.get(reverse("cooperation:joint_list"))
    assert page.context["count_since_2022"] == 1


def test_node_wide_peer_figures_for_national_users_only(client, released) -> None:  # type: ignore[no-untyped-def]
    def peers(user: Any) -> dict[str, Any]:
        token = core.create_token(user)
        answer = client.get("/api/v1/peers", HTTP_AUTHORIZATION=f"Bearer {token}")
        assert answer.status_code == 200, answer.content
        [row] = answer.json()
        return row  # type: ignore[no-any-return]

    national = peers(released.national)
    assert national["backlog"] == 2 and national["rejected"] == {}
    province = peers(released.nghe_an)
    assert province["name"] == "LA" and province["backlog"] is None
    assert province["received"] is None and province["rejected"] is None
    client.force_login(released.nghe_an)
    page = client.get(reverse("exchange:peer_list")).content.decode()
    assert "LA" in page and ">2<" not in page


def test_another_provinces_release_cannot_be_acted_on_by_id(client, released) -> None:  # type: ignore[no-untyped-def]
    from liaison.exchange.models import Release

    theirs = Release.objects.get(basis="Basis-HT")
    state_before = theirs.state
    token = core.create_token(released.nghe_an)
    for action in ("approve", "withdraw"):
        answer = client.post(
            f"/api/v1/releases/{theirs.pk}/{action}", HTTP_AUTHORIZATION=f"Bearer {token}"
        )
        assert answer.status_code == 404, (action, answer.content)
    client.force_login(released.nghe_an)
    page = client.post(reverse("exchange:release_withdraw", args=[theirs.pk]), {"reason": "x"})
    assert page.status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == state_before
