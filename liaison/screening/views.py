"""Pages: the person search box (``/screening/search/``) and the analysts' match alerts
(``/screening/alerts/``), both through :mod:`liaison.screening.services`."""

from __future__ import annotations

import time
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from liaison.core.middleware import client_address
from liaison.core.middleware import request_user as _user
from liaison.core.models import Role
from liaison.core.services import require_role
from liaison.screening import services
from liaison.screening.forms import DecisionForm, SearchForm
from liaison.screening.models import AlertStatus


def _error_text(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(" ".join(v) for v in exc.message_dict.values())
    return " ".join(exc.messages)


@login_required
def search(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    require_role(user, Role.OFFICER, Role.ANALYST, Role.SUPERVISOR)
    form = SearchForm(request.GET or None)
    hits: list[services.SearchHit] | None = None
    elapsed_ms: float | None = None
    if form.is_bound and form.is_valid() and any(form.cleaned_data.values()):
        started = time.perf_counter()
        try:
            hits = services.search_persons(
                user,
                form.cleaned_data["q"],
                birth_date=form.cleaned_data["birth_date"],
                nationality=form.cleaned_data["nationality"],
                id_number=form.cleaned_data["id_number"],
                source=client_address(request),
            )
        except ValidationError as exc:
            for field, errors in getattr(exc, "message_dict", {"q": exc.messages}).items():
                form.add_error(field if field in form.fields else None, errors)
        elapsed_ms = (time.perf_counter() - started) * 1000
    return render(
        request,
        "screening/search.html",
        {
            "form": form,
            "hits": hits,
            "elapsed_ms": elapsed_ms,
            "threshold": services.SEARCH_THRESHOLD,
        },
    )


@login_required
def alerts(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    services.require_decider(user)
    status = request.GET.get("status", AlertStatus.OPEN)
    qs = services.alerts_for(user)
    if status in AlertStatus.values:
        qs = qs.filter(status=status)
    else:
        status = "all"
    if status == AlertStatus.OPEN:
        qs = qs.order_by("-score", "-created_at")
    page = Paginator(qs, 10).get_page(request.GET.get("page"))
    items = [
        {"alert": a, "sides": services.read_alert(a, user, source=client_address(request))}
        for a in page
    ]
    return render(
        request,
        "screening/alerts.html",
        {
            "page": page,
            "items": items,
            "status": status,
            "statuses": AlertStatus.choices,
            "form": DecisionForm(),
        },
    )


@login_required
def alert_detail(request: HttpRequest, alert_id: int) -> HttpResponse:
    user = _user(request)
    services.require_decider(user)
    alert = services.get_alert(user, alert_id)
    if request.method == "POST":
        form = DecisionForm(request.POST)
        if form.is_valid():
            action = (
                services.confirm if form.cleaned_data["action"] == "confirm" else services.dismiss
            )
            try:
                action(alert, user, form.cleaned_data["note"], source=client_address(request))
            except ValidationError as exc:
                messages.error(request, _error_text(exc))
            except PermissionDenied as exc:
                messages.error(request, str(exc) or _("You may not do this."))
            else:
                messages.success(
                    request,
                    _("Confirmed: recorded as the same person.")
                    if form.cleaned_data["action"] == "confirm"
                    else _("Dismissed: recorded as different persons."),
                )
            return redirect(request.POST.get("next") or reverse("screening:alerts"))
    else:
        form = DecisionForm()
    sides: dict[str, Any] = services.read_alert(alert, user, source=client_address(request))
    return render(
        request,
        "screening/alert.html",
        {"item": {"alert": alert, "sides": sides}, "form": form},
    )
