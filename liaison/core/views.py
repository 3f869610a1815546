"""Sign-in, language, password, and the node admin's pages for units and users."""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from liaison.core import services
from liaison.core.audit import Actor
from liaison.core.forms import LockoutAuthenticationForm, PasswordChangeForm, UnitForm, UserForm
from liaison.core.middleware import client_address
from liaison.core.models import Role, Unit, User
from liaison.core.node import NodeNotInitialised, this_node


class LoginView(auth_views.LoginView):
    form_class = LockoutAuthenticationForm
    template_name = "core/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        user = form.get_user()
        services.login_succeeded(user, client_address(self.request))
        if user.language:
            response.set_cookie("liaison_language", user.language, samesite="Lax")
        if user.must_change_password:
            return redirect("password_change")
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
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_password(request.user, form.cleaned_data["new_password"])  # type: ignore[arg-type]
        except ValidationError as exc:
            form.add_error("new_password", exc)
        else:
            from django.contrib.auth import update_session_auth_hash

            update_session_auth_hash(request, request.user)  # type: ignore[arg-type]
            messages.success(request, _("Your password was changed."))
            return redirect("web:dashboard")
    return render(request, "core/password_change.html", {"form": form})


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
    return render(request, "core/node.html", {"identity": identity})


@node_admin_required
def unit_list(request: HttpRequest) -> HttpResponse:
    units = _admin_units(request.user)
    return render(request, "core/unit_list.html", {"units": units})


@node_admin_required
def unit_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    unit = get_object_or_404(_admin_units(request.user), pk=pk) if pk else None
    form = UnitForm(request.POST or None, instance=unit)
    form.fields["parent"].queryset = _admin_units(request.user)  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        actor = Actor.of(request.user, client_address(request))
        try:
            services.require_unit_access(request.user, data["parent"] or unit)  # type: ignore[arg-type]
            if unit is None:
                services.create_unit(actor=actor, **data)
            else:
                services.update_unit(unit, actor=actor, **data)
        except ValidationError as exc:
            form.add_error(None, exc)
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
def user_reset_password(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User.objects.filter(unit__in=_admin_units(request.user)), pk=pk)
    password = services.reset_password(user, actor=Actor.of(request.user, client_address(request)))
    messages.success(
        request,
        _("New one-time password for %(u)s (shown once): %(p)s")
        % {"u": user.username, "p": password},
    )
    return redirect("user_list")
