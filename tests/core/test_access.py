"""Access follows the unit tree: a province never reaches a sibling province."""

from __future__ import annotations

import pytest
from django.urls import reverse

from liaison.core.models import Role, Unit

pytestmark = pytest.mark.django_db


def test_subtree_contains(units) -> None:  # type: ignore[no-untyped-def]
    assert units.nghe_an.contains(units.nam_can)
    assert not units.nghe_an.contains(units.ha_tinh)
    assert set(units.nghe_an.subtree()) == {units.nghe_an, units.ky_son, units.nam_can}


def test_province_admin_cannot_open_sibling_unit_or_user(units, make_user, login) -> None:  # type: ignore[no-untyped-def]
    admin_na = make_user(units.nghe_an, [Role.NODE_ADMIN])
    other = make_user(units.ha_tinh)
    client = login(admin_na)
    assert client.get(reverse("unit_edit", args=[units.ky_son.pk])).status_code == 200
    assert client.get(reverse("unit_edit", args=[units.ha_tinh.pk])).status_code == 404
    assert client.get(reverse("user_edit", args=[other.pk])).status_code == 404
    listing = client.get(reverse("user_list")).content.decode()
    assert other.username not in listing


def test_officer_is_not_a_node_admin(units, make_user, login) -> None:  # type: ignore[no-untyped-def]
    client = login(make_user(units.nghe_an, [Role.OFFICER]))
    assert client.get(reverse("unit_list")).status_code == 403


def test_moving_a_unit_moves_its_subtree(units, make_user) -> None:  # type: ignore[no-untyped-def]
    from liaison.core import services

    services.update_unit(units.ky_son, parent=units.ha_tinh)
    post = Unit.objects.get(pk=units.nam_can.pk)
    assert post.path.startswith(units.ha_tinh.path)
    assert units.ha_tinh.contains(post)


def test_unit_cannot_move_under_itself(units) -> None:  # type: ignore[no-untyped-def]
    from django.core.exceptions import ValidationError

    from liaison.core import services

    with pytest.raises(ValidationError):
        services.update_unit(units.nghe_an, parent=units.nam_can)


def test_node_admin_creates_user_with_one_time_password(units, make_user, login) -> None:  # type: ignore[no-untyped-def]
    admin = make_user(units.ministry, [Role.NODE_ADMIN])
    client = login(admin)
    response = client.post(
        reverse("user_create"),
        {
            "username": "lien",
            "full_name": "Nguyễn Thị Liên",
            "unit": units.nam_can.pk,
            "roles": ["officer"],
            "is_active": "on",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert "One-time password" in response.content.decode()
    from liaison.core.models import User

    lien = User.objects.get(username="lien")
    assert lien.unit == units.nam_can and lien.must_change_password


def test_node_page_shows_the_sync_worker(units, make_user, login, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json
    import os

    settings.HOME = tmp_path
    client = login(make_user(units.ministry, [Role.NODE_ADMIN]))
    assert "not started" in client.get(reverse("node_info")).content.decode()
    (tmp_path / "sync_worker.json").write_text(
        json.dumps(
            {
                "state": "running",
                "pid": os.getpid(),
                "supervisor_pid": os.getpid(),
                "restarts": 2,
                "last_error": "killed by SIGKILL",
            }
        )
    )
    page = client.get(reverse("node_info")).content.decode()
    assert f"(pid {os.getpid()})" in page and "killed by SIGKILL" in page
