"""The second factor at sign-in: TOTP (RFC 6238) codes from an authenticator app, and
single-use recovery codes, through django-otp. Required for supervisors and node admins,
optional for everyone else. Guessing is slowed by django-otp's throttling (a wait that
doubles with each wrong code) and stopped by the account lockout after
LOGIN_FAILURE_LIMIT wrong codes in a row."""

from __future__ import annotations

import base64

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from liaison.core import audit, services
from liaison.core.audit import Actor
from liaison.core.middleware import client_address
from liaison.core.models import User

RECOVERY_CODES = 10
DEVICE_NAME = "authenticator"


def is_required(user: User) -> bool:
    roles = settings.SECOND_FACTOR_ROLES
    return bool(roles) and (user.is_superuser or any(user.has_role(r) for r in roles))


def authenticator(user: User, confirmed: bool = True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).first()


def is_enrolled(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def is_verified(request: HttpRequest) -> bool:
    return bool(request.session.get(DEVICE_ID_SESSION_KEY))


def manual_key(device: TOTPDevice) -> str:
    """The secret as an authenticator app asks for it: base32 in groups of four."""
    text = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


@transaction.atomic
def start_enrolment(user: User) -> TOTPDevice:
    """A new secret, not yet in force: it counts once the user has typed a code from it."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


@transaction.atomic
def confirm_enrolment(request: HttpRequest, user: User, code: str) -> list[str] | None:
    """Put the pending secret in force if ``code`` comes from it; returns the new recovery
    codes (shown once), or None when the code is wrong."""
    device = authenticator(user, confirmed=False)
    if device is None or not device.verify_token(_digits(code)):
        return None
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_recovery_codes(user)
    otp_login(request, device)
    audit.record("user.second_factor.enrol", user, actor=Actor.of(user, client_address(request)))
    return codes


@transaction.atomic
def new_recovery_codes(request: HttpRequest, user: User) -> list[str]:
    codes = _new_recovery_codes(user)
    audit.record(
        "user.second_factor.recovery_codes", user, actor=Actor.of(user, client_address(request))
    )
    return codes


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def _digits(code: str) -> str:
    return "".join(code.split())


def verify(request: HttpRequest, user: User, code: str) -> tuple[bool, str]:
    """Check a code from the authenticator or a recovery code; on success the session
    counts as verified. Returns (ok, message for the user)."""
    source = client_address(request)
    if services.is_locked(user.username):
        return False, _("This account is locked. Try again later or ask your node admin.")
    found = (authenticator(user), StaticDevice.objects.filter(user=user).first())
    devices = [d for d in found if d is not None]
    waiting = [d for d in devices if not d.verify_is_allowed()[0]]
    if waiting and len(waiting) == len(devices):
        services.login_failed(user.username, source)
        return False, _("Too many wrong codes: wait a little before the next try.")
    code = _digits(code).lower()
    # Six digits come from the authenticator, anything else is a recovery code: a recovery
    # code must not count as a wrong authenticator code (and the other way round).
    device = devices[0] if code.isdigit() and len(code) == 6 else None
    if device is None:
        device = next((d for d in devices if isinstance(d, StaticDevice)), None)
    with transaction.atomic():
        if device is not None and device.verify_token(code):
            otp_login(request, device)
            services.login_succeeded(user, source, action="login.second_factor")
            return True, ""
    services.login_failed(user.username, source)
    return False, _("That code is not right.")


@transaction.atomic
def reset(user: User, *, actor: Actor) -> None:
    """A node admin's help for a user who lost the phone and the recovery codes: the user
    enrols again at the next sign-in."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit.record("user.second_factor.reset", user, actor=actor)
