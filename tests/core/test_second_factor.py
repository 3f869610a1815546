"""Sign-in is finished only after the one-time password is replaced and, for supervisors
and node admins, a TOTP code (RFC 6238) is entered; guessing locks the account."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from liaison.core import services
from liaison.core.models import AuditEntry, Role, User

pytestmark = pytest.mark.django_db

PASSWORD = "Correct-Horse-42"


def _login(client: Client, username: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return client.post(reverse("login"), {"username": username, "password": password})


def _code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift + steps_ahead)
    return f"{totp.token():06d}"


def test_one_time_password_locks_every_page_and_api_call_until_changed(units) -> None:  # type: ignore[no-untyped-def]
    _user, password = services.create_user(username="new", unit=units.nghe_an, roles=["officer"])
    token = services.create_token(User.objects.get(username="new"))
    client = Client()
    assert _login(client, "new", password).url == reverse("password_change")
    for url in ("/", "/crime/cases/", reverse("second_factor")):
        response = client.get(url)
        assert response.status_code == 302 and response.url == reverse("password_change"), url
    assert client.get("/api/v1/units").status_code == 403
    bearer = Client(headers={"Authorization": f"Bearer {token}"})
    assert bearer.get("/api/v1/units").status_code == 403
    # A second sign-in with the same password is no way round it.
    again = Client()
    _login(again, "new", password)
    assert again.get("/").url == reverse("password_change")

    changed = client.post(
        reverse("password_change"),
        {"old_password": password, "new_password1": PASSWORD, "new_password2": PASSWORD},
    )
    assert changed.status_code == 302
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/units").status_code == 200
    assert bearer.get("/api/v1/units").status_code == 200


def test_password_change_needs_the_current_password(units, make_user, login) -> None:  # type: ignore[no-untyped-def]
    user = make_user(units.nghe_an, username="hoa")
    client = login(user)
    new = "Another-Horse-77"
    for old in ("", "wrong-password"):
        response = client.post(
            reverse("password_change"),
            {"old_password": old, "new_password1": new, "new_password2": new},
        )
        assert response.status_code == 200
    same = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": PASSWORD, "new_password2": PASSWORD},
    )
    assert "different from the current one" in same.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    user.refresh_from_db()
    assert user.check_password(new)


def test_admin_login_locks_out_like_the_site_login(units, settings) -> None:  # type: ignore[no-untyped-def]
    User.objects.create_superuser("root", "", PASSWORD)
    client = Client()
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        client.post(reverse("admin:login"), {"username": "root", "password": "wrong"})
    assert User.objects.get(username="root").locked_until is not None
    response = client.post(reverse("admin:login"), {"username": "root", "password": PASSWORD})
    assert response.status_code == 200 and "locked" in response.content.decode()
    assert AuditEntry.objects.filter(action="login.failed", detail__username="root").count() == 6


def test_supervisor_must_enrol_then_enter_codes(units, make_user, settings) -> None:  # type: ignore[no-untyped-def]
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # no wait after the wrong code below
    make_user(units.nghe_an, [Role.SUPERVISOR], username="lan")
    client = Client()
    assert _login(client, "lan").url == reverse("second_factor")
    assert client.get("/").url == reverse("second_factor")
    assert client.get("/api/v1/units").status_code == 403

    page = client.get(reverse("second_factor")).content.decode()
    device = TOTPDevice.objects.get(user__username="lan", confirmed=False)
    assert "otpauth://totp/" in page and "secret=" in page
    assert re.search(r"([A-Z2-7]{4} ){7}[A-Z2-7]{4}", page)  # the key, typed in by hand

    wrong = client.post(reverse("second_factor"), {"action": "confirm", "code": "000000"})
    assert "not right" in wrong.content.decode()
    done = client.post(reverse("second_factor"), {"action": "confirm", "code": _code(device)})
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", done.content.decode())
    assert len(codes) == 10
    assert client.get("/").status_code == 200

    # The next sign-in asks for a code before anything else.
    later = Client()
    response = _login(later, "lan")
    assert response.url.startswith(reverse("second_factor_verify"))
    assert later.get("/").url.startswith(reverse("second_factor_verify"))
    assert later.get(reverse("second_factor")).url.startswith(reverse("second_factor_verify"))
    next_code = _code(TOTPDevice.objects.get(user__username="lan"), steps_ahead=1)
    ok = later.post(f"{reverse('second_factor_verify')}?next=/crime/cases/", {"code": next_code})
    assert ok.url == "/crime/cases/"
    assert later.get("/").status_code == 200
    assert AuditEntry.objects.filter(action="login.second_factor", username="lan").exists()

    # A recovery code works once.
    for expected in (True, False):
        third = Client()
        _login(third, "lan")
        third.post(reverse("second_factor_verify"), {"code": codes[0]})
        assert (third.get("/").status_code == 200) is expected


def test_guessing_codes_locks_the_account(units, make_user, settings) -> None:  # type: ignore[no-untyped-def]
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the doubling wait is django-otp's; count here
    user = make_user(units.nghe_an, [Role.NODE_ADMIN], username="minh")
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    client = Client()
    _login(client, "minh")
    right = _code(device)
    for guess in range(settings.LOGIN_FAILURE_LIMIT):
        client.post(reverse("second_factor_verify"), {"code": f"{guess:06d}"})
    user.refresh_from_db()
    assert user.locked_until is not None
    # Locked and signed out: the right code no longer helps, nor does the password.
    client.post(reverse("second_factor_verify"), {"code": right})
    assert client.get("/").url.startswith(reverse("login"))
    assert _login(Client(), "minh").status_code == 200


def test_wrong_codes_are_throttled(units, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user(units.nghe_an, [Role.SUPERVISOR], username="tuan")
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    client = Client()
    _login(client, "tuan")
    client.post(reverse("second_factor_verify"), {"code": "000000"})
    client.post(reverse("second_factor_verify"), {"code": "000001"})
    # Inside the wait even the right code is refused.
    response = client.post(reverse("second_factor_verify"), {"code": _code(device)})
    assert "wait" in response.content.decode()
    assert client.get("/").status_code == 302


def test_officer_signs_in_without_a_second_factor_but_may_add_one(units, make_user) -> None:  # type: ignore[no-untyped-def]
    make_user(units.nghe_an, [Role.OFFICER], username="binh")
    client = Client()
    assert _login(client, "binh").url == reverse("web:dashboard")
    assert client.get("/").status_code == 200
    page = client.get(reverse("second_factor")).content.decode()
    assert "optional" in page and "otpauth://" in page


def test_node_admin_resets_a_lost_second_factor(units, make_user, login) -> None:  # type: ignore[no-untyped-def]
    lan = make_user(units.nghe_an, [Role.SUPERVISOR], username="lan")
    TOTPDevice.objects.create(user=lan, name="authenticator", confirmed=True)
    client = login(make_user(units.nghe_an, [Role.NODE_ADMIN]))
    client.post(reverse("user_reset_second_factor", args=[lan.pk]))
    assert not TOTPDevice.objects.filter(user=lan).exists()
    fresh = Client()
    assert _login(fresh, "lan").url == reverse("second_factor")
