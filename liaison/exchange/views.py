"""Web pages of the exchange app: peers, releases (propose, approve, withdraw) and the
delivery state of a record. The federation endpoints themselves are in ``federation.py``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from liaison.core.models import Role
from liaison.exchange import services
from liaison.exchange.forms import ReleaseForm
from liaison.exchange.models import Peer, Release, ReleaseState
from liaison.exchange.registry import get_kind


def _error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or _("Not allowed.")


def _visible_record(request: HttpRequest, kind: str, record_uuid: Any) -> Any:
    spec = get_kind(kind)
    if spec is None:
        raise Http404(_("No such kind of record."))
    obj = spec.model.objects.visible_to(request.user).filter(uuid=record_uuid).first()  # type: ignore[attr-defined, arg-type]
    if obj is None:
        raise Http404(_("No such record."))
    return obj


@login_required
def peer_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "exchange/peer_list.html",
        {"peers": services.peer_status(), "me": services.this_node()},
    )


@login_required
def release_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    releases = Release.objects.select_related("peer", "released_by", "approved_by")
    state = request.GET.get("state", "")
    if state in ReleaseState.values:
        releases = releases.filter(state=state)
    pending = Release.objects.filter(state=ReleaseState.PROPOSED).select_related(
        "peer", "released_by"
    )
    return render(
        request,
        "exchange/release_list.html",
        {
            "releases": releases[:200],
            "pending": pending[:200],
            "state": state,
            "states": ReleaseState.choices,
            "can_approve": user.is_superuser or user.has_role(Role.SUPERVISOR),  # type: ignore[union-attr]
        },
    )


@login_required
def release_new(request: HttpRequest, kind: str, record_uuid: Any) -> HttpResponse:
    obj = _visible_record(request, kind, record_uuid)
    user = request.user
    is_supervisor = user.is_superuser or user.has_role(Role.SUPERVISOR)  # type: ignore[union-attr]
    form = ReleaseForm(request.POST or None, initial={"tlp": obj.tlp if obj.tlp != "RED" else "AMBER",
                                                      "handling": obj.handling})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if is_supervisor:
                services.release_to(user, obj, data["peers"], tlp=data["tlp"],  # type: ignore[arg-type]
                                    handling=data["handling"], basis=data["basis"],
                                    handling_note=data["handling_note"])  # fmt: skip
                messages.success(request, _("Released."))
            else:
                for peer in data["peers"]:
                    services.propose_release(user, obj, peer, tlp=data["tlp"],  # type: ignore[arg-type]
                                             handling=data["handling"], basis=data["basis"],
                                             handling_note=data["handling_note"])  # fmt: skip
                messages.success(request, _("Proposed; a supervisor must approve the release."))
            return redirect("exchange:record_delivery", kind=kind, record_uuid=obj.uuid)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, _error_text(exc))
    return render(request, "exchange/release_form.html",
                  {"form": form, "obj": obj, "kind": kind, "is_supervisor": is_supervisor,
                   "red": obj.tlp == "RED"})  # fmt: skip


def _act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    release = get_object_or_404(Release, pk=pk)
    try:
        if action == "approve":
            services.approve_release(request.user, release)  # type: ignore[arg-type]
            messages.success(request, _("Release approved and sent."))
        elif action == "decline":
            services.decline_release(request.user, release, request.POST.get("reason", ""))  # type: ignore[arg-type]
            messages.success(request, _("Proposal declined."))
        else:
            services.withdraw_release(request.user, release, reason=request.POST.get("reason", ""))  # type: ignore[arg-type]
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
        "exchange/record_delivery.html",
        {
            "obj": obj,
            "kind": kind,
            "releases": services.releases_of(obj),
            "deliveries": services.delivery_status(obj.uuid),
            "peer": Peer.objects.filter(node_id=obj.origin).first(),
        },
    )
