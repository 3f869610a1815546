"""Sign-in, language, password, and the node admin's pages for units and users."""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from liaison.core import gate, second_factor, services
from liaison.core.audit import Actor
from liaison.core.forms import (
    LockoutAuthenticationForm,
    PasswordChangeForm,
    SecondFactorCodeForm,
    UnitForm,
    UserForm,
)
from liaison.core.middleware import client_address, request_user
from liaison.core.models import Role, Unit, User
from liaison.core.node import NodeNotInitialised, this_node
from liaison.core.node import home as node_home
from liaison.core.worker import worker_status


class LoginView(auth_views.LoginView):
    form_class = LockoutAuthenticationForm
    template_name = "core/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        user = form.get_user()
        step = gate.pending_step(self.request)
        if step is not None:
            url = reverse(step)
            if step == gate.VERIFY:
                url += "?" + urlencode({"next": self.get_success_url()})
            response = HttpResponseRedirect(url)
        if user.language:
            response.set_cookie("liaison_language", user.language, samesite="Lax")
        return response


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch language; remembered on the user's profile (and in a cookie before sign-in)."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    user = request.user
    try:
        if user.is_authenticated:
            services.set_language(user, language)  # type: ignore[arg-type]
        elif language not in dict(settings.LANGUAGES):
            raise ValidationError("language")
    except ValidationError:
        messages.error(request, _("Unknown language."))
        return response
    response.set_cookie("liaison_language", language, samesite="Lax", max_age=365 * 86400)
    return response


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    """Change the password: the current one first (also after a one-time password)."""
    user = request_user(request)
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.change_password(user, form.cleaned_data["new_password1"])
            except ValidationError as exc:
                form.add_error("new_password1", exc)
            else:
                update_session_auth_hash(request, user)
                messages.success(request, _("Your password was changed."))
                return redirect(gate.next_url(request))
        elif "old_password" in form.errors:
            # Guessing the current password in a session left open counts like sign-ins.
            services.login_failed(user.username, client_address(request))
            if services.is_locked(user.username):
                logout(request)
                return redirect("login")
    return render(request, "core/password_change.html", {"form": form})


@login_required
def second_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second sign-in step: a code from the authenticator app or a recovery code."""
    user = request_user(request)
    if gate.pending_step(request) != gate.VERIFY:
        return redirect(gate.next_url(request))
    form = SecondFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, problem = second_factor.verify(request, user, form.cleaned_data["code"])
        if ok:
            next_url = request.GET.get("next") or ""
            if gate.pending_step(request) is None and url_has_allowed_host_and_scheme(
                next_url, {request.get_host()}
            ):
                return HttpResponseRedirect(next_url)
            return redirect(gate.next_url(request))
        if services.is_locked(user.username):
            logout(request)
            messages.error(request, problem)
            return redirect("login")
        form.add_error("code", problem)
    return render(request, "core/second_factor_verify.html", {"form": form})


@login_required
def second_factor_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app (a secret typed in by hand, or the otpauth link), see
    whether one is in force, get new recovery codes, or (when not required) turn it off."""
    user = request_user(request)
    action = request.POST.get("action", "")
    enrolled = second_factor.is_enrolled(user)
    if request.method == "POST" and action == "recovery_codes" and enrolled:
        codes = second_factor.new_recovery_codes(request, user)
        return render(request, "core/second_factor_codes.html", {"codes": codes})
    if request.method == "POST" and action == "remove" and enrolled:
        if second_factor.is_required(user):
            raise PermissionDenied
        second_factor.reset(user, actor=Actor.of(user, client_address(request)))
        messages.success(request, _("Two-step sign-in is off."))
        return redirect("second_factor")
    if request.method == "POST" and action == "confirm":
        form = SecondFactorCodeForm(request.POST)
        if form.is_valid():
            confirmed = second_factor.confirm_enrolment(request, user, form.cleaned_data["code"])
            if confirmed is not None:
                return render(
                    request,
                    "core/second_factor_codes.html",
                    {"codes": confirmed, "next": gate.next_url(request)},
                )
            form.add_error("code", _("That code is not right. Check the key and the clock."))
    else:
        form = SecondFactorCodeForm()
    if request.method == "POST" and action == "start":
        device: Any = second_factor.start_enrolment(user)
    else:
        # A pending secret is kept across reloads: the user may have typed it in already.
        device = second_factor.authenticator(user, confirmed=False)
        if device is None and not enrolled:
            device = second_factor.start_enrolment(user)
    context = {
        "form": form,
        "device": device,
        "enrolled": enrolled,
        "required": second_factor.is_required(user),
        "manual_key": second_factor.manual_key(device) if device else "",
        "otpauth_url": device.config_url if device else "",
    }
    return render(request, "core/second_factor.html", context)


def node_admin_required(view: Any) -> Any:
    @wraps(view)
    @login_required
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not (user.is_superuser or user.has_role(Role.NODE_ADMIN)):  # type: ignore[union-attr]
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _admin_units(user: Any) -> Any:
    qs = Unit.objects.select_related("province", "parent")
    return qs if user.is_superuser else qs.filter(path__startswith=user.unit.path)


@node_admin_required
def node_info(request: HttpRequest) -> HttpResponse:
    try:
        identity = this_node()
    except NodeNotInitialised:
        identity = None
    worker = worker_status(node_home())
    return render(request, "core/node.html", {"identity": identity, "worker": worker})


@node_admin_required
def unit_list(request: HttpRequest) -> HttpResponse:
    units = _admin_units(request.user)
    return render(request, "core/unit_list.html", {"units": units})


@node_admin_required
def unit_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = request_user(request)
    unit = get_object_or_404(_admin_units(user), pk=pk) if pk else None
    form = UnitForm(request.POST or None, instance=unit, parents=_admin_units(user))
    if unit is not None and not user.is_superuser and unit.pk == user.unit_id:
        form.lock_placement()
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        actor = Actor.of(user, client_address(request))
        try:
            services.require_unit_admin(user, unit, data)
            if unit is None:
                services.create_unit(actor=actor, **data)
            else:
                services.update_unit(unit, actor=actor, **data)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, exc if isinstance(exc, ValidationError) else str(exc))
        else:
            messages.success(request, _("Unit saved."))
            return redirect("unit_list")
    return render(request, "core/unit_form.html", {"form": form, "unit": unit})


@node_admin_required
def user_list(request: HttpRequest) -> HttpResponse:
    units = _admin_units(request.user)
    users = User.objects.select_related("unit").filter(unit__in=units)
    return render(request, "core/user_list.html", {"users": users})


@node_admin_required
def user_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    units = _admin_units(request.user)
    user = get_object_or_404(User.objects.filter(unit__in=units), pk=pk) if pk else None
    form = UserForm(request.POST or None, instance=user)
    form.fields["unit"].queryset = units  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        actor = Actor.of(request.user, client_address(request))
        try:
            if user is None:
                _user, password = services.create_user(
                    username=data["username"],
                    unit=data["unit"],
                    roles=data["roles"],
                    full_name=data["full_name"],
                    email=data["email"],
                    actor=actor,
                )
                messages.success(
                    request,
                    _("User %(u)s created. One-time password (shown once): %(p)s")
                    % {"u": data["username"], "p": password},
                )
            else:
                services.update_user(
                    user,
                    actor=actor,
                    unit=data["unit"],
                    roles=data["roles"],
                    first_name=data["full_name"],
                    email=data["email"],
                    is_active=data["is_active"],
                )
                messages.success(request, _("User saved."))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("user_list")
    return render(request, "core/user_form.html", {"form": form, "edited": user})


@node_admin_required
@require_POST
def user_reset_second_factor(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User.objects.filter(unit__in=_admin_units(request.user)), pk=pk)
    second_factor.reset(user, actor=Actor.of(request.user, client_address(request)))
    messages.success(
        request,
        _("Two-step sign-in of %(u)s was reset: they set it up again at their next sign-in.")
        % {"u": user.username},
    )
    return redirect("user_list")


@node_admin_required
@require_POST
def user_reset_password(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User.objects.filter(unit__in=_admin_units(request.user)), pk=pk)
    password = services.reset_password(user, actor=Actor.of(request.user, client_address(request)))
    messages.success(
        request,
        _("New one-time password for %(u)s (shown once): %(p)s")
        % {"u": user.username, "p": password},
    )
    return redirect("user_list")
