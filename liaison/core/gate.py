"""What a signed-in session must finish before anything else, and when it ends.

After the password, in this order: the second factor (when the user has one), a new
password (after a one-time password), enrolling a second factor (when the user's roles
require one). Until then every other page redirects to that step and every API call
answers 403. Sessions end after SESSION_IDLE_SECONDS without a request.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from liaison.core import second_factor

VERIFY, PASSWORD, ENROL = "second_factor_verify", "password_change", "second_factor"

#: Views open at every step.
ALWAYS_OPEN = {"login", "logout", "set_language", "admin:logout"}
#: Views open while a step is pending (besides that step's own view).
ALSO_OPEN = {VERIFY: set(), PASSWORD: set(), ENROL: {PASSWORD}}

_SEEN = "liaison_seen"
_SIGNED_IN = "liaison_signed_in"


def pending_step(request: HttpRequest) -> str | None:
    """The view the session must go through next, or None when sign-in is complete."""
    user: Any = request.user
    if not user.is_authenticated:
        return None
    verified = getattr(user, "otp_device", None) is not None
    enrolled = verified or second_factor.is_enrolled(user)
    if enrolled and not verified:
        return VERIFY
    if user.must_change_password:
        return PASSWORD
    if not enrolled and second_factor.is_required(user):
        return ENROL
    return None


def next_url(request: HttpRequest, default: str = "web:dashboard") -> str:
    """Where to go after a step: the next pending step, else ``default``."""
    step = pending_step(request)
    return reverse(step) if step else reverse(default)


class SignInGateMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> Any:
        match = request.resolver_match
        name = match.view_name if match else ""
        if name in ALWAYS_OPEN:
            return None
        step = pending_step(request)
        if step is None or name == step or name in ALSO_OPEN[step]:
            return None
        if request.path_info.startswith("/api/"):
            messages = {
                VERIFY: _("Enter the code of your second factor first (web sign-in)."),
                PASSWORD: _("Change your one-time password first."),
                ENROL: _("Set up your second factor first."),
            }
            return JsonResponse({"detail": messages[step]}, status=403)
        url = reverse(step)
        if step == VERIFY and request.method == "GET":
            url += "?" + urlencode({"next": request.get_full_path()})
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return redirect(url)


class SessionTimeoutMiddleware:
    """End a session after SESSION_IDLE_SECONDS without a request, and SESSION_COOKIE_AGE
    after sign-in however active (Django alone would extend it on every change)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user: Any = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            session = request.session
            seen = session.get(_SEEN, now)
            signed_in = session.setdefault(_SIGNED_IN, now)
            idle = now - seen > settings.SESSION_IDLE_SECONDS
            if idle or now - signed_in > settings.SESSION_COOKIE_AGE:
                logout(request)
                if request.path_info.startswith("/api/"):
                    return JsonResponse({"detail": _("Your session has ended.")}, status=401)
                return redirect(f"{reverse('login')}?{urlencode({'next': request.path})}")
            if now - seen >= 60 or _SEEN not in session:
                # Written at most once a minute: one session save per request is wasted work.
                session[_SEEN] = now
        return self.get_response(request)
