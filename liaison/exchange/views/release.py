"""Web pages of releases: the list (with proposals waiting for approval), releasing a record
(a supervisor releases, an officer proposes), approve, decline, withdraw, and a record's
sharing page (its releases and what each partner holds)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from liaison.core.middleware import request_user
from liaison.core.models import Role
from liaison.core.services import get_or_404
from liaison.exchange.forms import ReleaseForm
from liaison.exchange.models import Peer, ReleaseState
from liaison.exchange.registry import get_kind
from liaison.exchange.services.outbox import delivery_status
from liaison.exchange.services.release import (
    approve_release,
    decline_release,
    propose_release,
    release_to,
    releases_of,
    withdraw_release,
)
from liaison.exchange.services.scope import visible_releases


def _error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or _("Not allowed.")


def _visible_record(request: HttpRequest, kind: str, record_uuid: Any) -> Any:
    spec = get_kind(kind)
    if spec is None:
        raise Http404(_("No such kind of record."))
    return get_or_404(spec.model.objects.visible_to(request_user(request)), uuid=record_uuid)  # type: ignore[attr-defined]


@login_required
def release_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    # Only releases of records this user may see: a release names the record's legal basis
    # and who released it.
    scoped = visible_releases(user)
    releases = scoped.select_related("peer", "released_by", "approved_by")
    state = request.GET.get("state", "")
    if state in ReleaseState.values:
        releases = releases.filter(state=state)
    pending = scoped.filter(state=ReleaseState.PROPOSED).select_related("peer", "released_by")
    return render(
        request,
        "exchange/release/list.html",
        {
            "releases": releases[:200],
            "pending": pending[:200],
            "state": state,
            "states": ReleaseState.choices,
            "can_approve": user.is_superuser or user.has_role(Role.SUPERVISOR),
        },
    )


@login_required
def release_new(request: HttpRequest, kind: str, record_uuid: Any) -> HttpResponse:
    obj = _visible_record(request, kind, record_uuid)
    user = request_user(request)
    is_supervisor = user.is_superuser or user.has_role(Role.SUPERVISOR)
    form = ReleaseForm(
        request.POST or None,
        initial={"tlp": obj.tlp if obj.tlp != "RED" else "AMBER", "handling": obj.handling},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if is_supervisor:
                release_to(
                    user,
                    obj,
                    data["peers"],
                    tlp=data["tlp"],
                    handling=data["handling"],
                    basis=data["basis"],
                    handling_note=data["handling_note"],
                )
                messages.success(request, _("Released."))
            else:
                for peer in data["peers"]:
                    propose_release(
                        user,
                        obj,
                        peer,
                        tlp=data["tlp"],
                        handling=data["handling"],
                        basis=data["basis"],
                        handling_note=data["handling_note"],
                    )
                messages.success(request, _("Proposed; a supervisor must approve the release."))
            return redirect("exchange:record_delivery", kind=kind, record_uuid=obj.uuid)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, _error_text(exc))
    return render(
        request,
        "exchange/release/form.html",
        {
            "form": form,
            "obj": obj,
            "kind": kind,
            "is_supervisor": is_supervisor,
            "red": obj.tlp == "RED",
        },
    )


def _act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = request_user(request)
    release = get_object_or_404(visible_releases(user), pk=pk)
    try:
        if action == "approve":
            approve_release(user, release)
            messages.success(request, _("Release approved and sent."))
        elif action == "decline":
            decline_release(user, release, request.POST.get("reason", ""))
            messages.success(request, _("Proposal declined."))
        else:
            withdraw_release(user, release, reason=request.POST.get("reason", ""))
            messages.success(request, _("Release withdrawn; a recall was sent."))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _error_text(exc))
    return redirect(request.POST.get("next") or "exchange:release_list")


@login_required
@require_POST
def release_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "approve")


@login_required
@require_POST
def release_decline(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "decline")


@login_required
@require_POST
def release_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "withdraw")


@login_required
def record_delivery(request: HttpRequest, kind: str, record_uuid: Any) -> HttpResponse:
    obj = _visible_record(request, kind, record_uuid)
    return render(
        request,
        "exchange/release/delivery.html",
        {
            "obj": obj,
            "kind": kind,
            "releases": releases_of(obj),
            "deliveries": delivery_status(obj.uuid),
            "peer": Peer.objects.filter(node_id=obj.origin).first(),
        },
    )
