"""The unit form: a node admin manages only the units below their own, and a move through
the web goes through the service that rewrites the unit tree's paths."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from liaison.core.models import Province, Role, Unit, UnitKind

pytestmark = pytest.mark.django_db


def _form(unit: Unit, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": unit.name,
        "name_en": unit.name_en,
        "kind": unit.kind,
        "code": unit.code,
        "parent": unit.parent_id or "",
        "province": unit.province_id or "",
    }
    data.update(changes)
    return data


def _reload(unit: Unit) -> Unit:
    return Unit.objects.get(pk=unit.pk)


def test_province_admin_cannot_make_its_own_unit_national(units, make_user, login) -> None:  # type: ignore[no-untyped-def]
    client = login(make_user(units.nghe_an, [Role.NODE_ADMIN]))
    url = reverse("unit_edit", args=[units.nghe_an.pk])
    client.post(url, _form(units.nghe_an, kind=UnitKind.MINISTRY, parent=""))
    client.post(url, _form(units.nghe_an, kind=UnitKind.DEPARTMENT))
    after = _reload(units.nghe_an)
    assert (after.kind, after.parent_id, after.path) == (
        UnitKind.PROVINCE_POLICE,
        units.ministry.pk,
        units.nghe_an.path,
    )
    # Its name it may still correct.
    client.post(url, _form(units.nghe_an, name="Công an tỉnh Nghệ An (PC04)"))
    assert _reload(units.nghe_an).name == "Công an tỉnh Nghệ An (PC04)"


def test_province_admin_cannot_raise_a_unit_below_it(units, make_user, login) -> None:  # type: ignore[no-untyped-def]
    client = login(make_user(units.nghe_an, [Role.NODE_ADMIN]))
    url = reverse("unit_edit", args=[units.ky_son.pk])
    for changes in (
        {"parent": ""},
        {"kind": UnitKind.DEPARTMENT},
        {"kind": UnitKind.PROVINCE_POLICE},
        {"kind": UnitKind.MINISTRY, "parent": ""},
        {"parent": units.ministry.pk},
        {"parent": units.ha_tinh.pk},
        {"province": Province.objects.get(code="VN-23").pk},
    ):
        response = client.post(url, _form(units.ky_son, **changes))
        assert response.status_code in (200, 403), changes
        after = _reload(units.ky_son)
        assert (after.kind, after.parent_id, after.province_id, after.path) == (
            UnitKind.DISTRICT_POLICE,
            units.nghe_an.pk,
            units.ky_son.province_id,
            units.ky_son.path,
        ), changes
    # A plain edit inside its area is fine.
    response = client.post(url, _form(units.ky_son, name_en="Ky Son District Police (PC04)"))
    assert response.status_code == 302
    assert _reload(units.ky_son).name_en == "Ky Son District Police (PC04)"


def test_province_admin_creates_units_only_below_its_own_rank(units, make_user, login) -> None:  # type: ignore[no-untyped-def]
    client = login(make_user(units.nghe_an, [Role.NODE_ADMIN]))
    new = {"name": "Phòng PC04", "name_en": "", "code": "VN-PA-40-PC04", "province": ""}
    client.post(
        reverse("unit_create"), {**new, "kind": UnitKind.DEPARTMENT, "parent": units.nghe_an.pk}
    )
    client.post(reverse("unit_create"), {**new, "kind": UnitKind.MINISTRY, "parent": ""})
    assert not Unit.objects.filter(code="VN-PA-40-PC04").exists()
    response = client.post(
        reverse("unit_create"),
        {**new, "kind": UnitKind.DISTRICT_POLICE, "parent": units.nghe_an.pk},
    )
    assert response.status_code == 302
    created = Unit.objects.get(code="VN-PA-40-PC04")
    assert units.nghe_an.contains(created) and created.pk != units.nghe_an.pk


def test_national_admin_cannot_change_the_root_but_manages_below(units, make_user, login) -> None:  # type: ignore[no-untyped-def]
    client = login(make_user(units.ministry, [Role.NODE_ADMIN]))
    client.post(
        reverse("unit_edit", args=[units.ministry.pk]),
        _form(units.ministry, kind=UnitKind.DEPARTMENT, parent=units.department.pk),
    )
    root = _reload(units.ministry)
    assert (root.kind, root.parent_id) == (UnitKind.MINISTRY, None)
    response = client.post(
        reverse("unit_edit", args=[units.ha_tinh.pk]),
        _form(units.ha_tinh, kind=UnitKind.DISTRICT_POLICE, parent=units.nghe_an.pk),
    )
    assert response.status_code == 302
    moved = _reload(units.ha_tinh)
    assert moved.kind == UnitKind.DISTRICT_POLICE and units.nghe_an.contains(moved)


def test_moving_a_unit_in_the_web_moves_who_sees_its_cases(units, make_user, login) -> None:  # type: ignore[no-untyped-def]
    from liaison.crime import services as crime
    from liaison.crime.models import DrugCase

    case = crime.create_case(
        user=None,
        owner_unit=units.nam_can,
        case_ref="NC-1",
        detected_on=dt.date(2025, 3, 1),
        province=Province.objects.get(code="VN-22"),
        summary="Nậm Cắn",
    )
    nghe_an_officer = make_user(units.nghe_an, [Role.OFFICER])
    ha_tinh_officer = make_user(units.ha_tinh, [Role.OFFICER])
    assert DrugCase.objects.visible_to(nghe_an_officer).filter(pk=case.pk).exists()
    assert not DrugCase.objects.visible_to(ha_tinh_officer).filter(pk=case.pk).exists()

    client = login(make_user(units.ministry, [Role.NODE_ADMIN]))
    response = client.post(
        reverse("unit_edit", args=[units.ky_son.pk]), _form(units.ky_son, parent=units.ha_tinh.pk)
    )
    assert response.status_code == 302
    ky_son, nam_can = _reload(units.ky_son), _reload(units.nam_can)
    assert ky_son.path.startswith(units.ha_tinh.path)
    assert nam_can.path.startswith(ky_son.path)
    nghe_an_officer.unit.refresh_from_db()
    ha_tinh_officer.unit.refresh_from_db()
    assert not DrugCase.objects.visible_to(nghe_an_officer).filter(pk=case.pk).exists()
    assert DrugCase.objects.visible_to(ha_tinh_officer).filter(pk=case.pk).exists()


def test_moving_a_unit_under_its_own_subtree_is_refused_in_the_web(units, make_user, login) -> None:  # type: ignore[no-untyped-def]
    client = login(make_user(units.ministry, [Role.NODE_ADMIN]))
    response = client.post(
        reverse("unit_edit", args=[units.nghe_an.pk]),
        _form(units.nghe_an, parent=units.nam_can.pk),
    )
    assert response.status_code == 200
    assert "own subtree" in response.content.decode()
    after = _reload(units.nghe_an)
    assert after.parent_id == units.ministry.pk and after.path == units.nghe_an.path
