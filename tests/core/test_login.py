from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from liaison.core.models import AuditEntry, User

pytestmark = pytest.mark.django_db


def _login(client: Client, username: str, password: str):  # type: ignore[no-untyped-def]
    return client.post(reverse("login"), {"username": username, "password": password})


def test_login_and_logout(units, make_user) -> None:  # type: ignore[no-untyped-def]
    make_user(units.nghe_an, username="hoa")
    client = Client()
    response = _login(client, "hoa", "Correct-Horse-42")
    assert response.status_code == 302
    assert client.get(reverse("web:dashboard")).status_code == 200
    assert AuditEntry.objects.filter(action="login", username="hoa").exists()
    client.post(reverse("logout"))
    assert client.get(reverse("web:dashboard")).status_code == 302


def test_wrong_password_is_refused_and_audited(units, make_user) -> None:  # type: ignore[no-untyped-def]
    make_user(units.nghe_an, username="hoa")
    response = _login(Client(), "hoa", "wrong")
    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()
    assert AuditEntry.objects.filter(action="login.failed", detail__username="hoa").count() == 1


def test_lockout_after_repeated_failures_even_with_right_password(
    units, make_user, settings
) -> None:  # type: ignore[no-untyped-def]
    make_user(units.nghe_an, username="hoa")
    client = Client()
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        _login(client, "hoa", "wrong")
    assert User.objects.get(username="hoa").locked_until is not None
    response = _login(client, "hoa", "Correct-Horse-42")
    assert response.status_code == 200
    assert "locked" in response.content.decode()


def test_one_time_password_forces_a_change(units) -> None:  # type: ignore[no-untyped-def]
    from liaison.core import services

    _user, password = services.create_user(username="new", unit=units.nghe_an, roles=["officer"])
    client = Client()
    response = _login(client, "new", password)
    assert response.status_code == 302 and response.url == reverse("password_change")


def test_language_choice_is_remembered_per_user(units, make_user) -> None:  # type: ignore[no-untyped-def]
    make_user(units.nghe_an, username="hoa")
    client = Client()
    _login(client, "hoa", "Correct-Horse-42")
    client.post(reverse("set_language"), {"language": "lo", "next": "/"})
    assert User.objects.get(username="hoa").language == "lo"
    fresh = Client()  # another browser: the profile, not the cookie, carries the choice
    _login(fresh, "hoa", "Correct-Horse-42")
    page = fresh.get(reverse("web:dashboard")).content.decode()
    assert '<html lang="lo">' in page
