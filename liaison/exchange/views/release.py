"""Web pages of releases: the list (with proposals waiting for approval), releasing a record
(a supervisor releases, an officer proposes) to several peers with its parts, releasing the
records selected on a list, approve, decline, withdraw (reason and confirmation), and a
record's sharing page (its releases and what each partner holds)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from liaison.core.middleware import client_address, request_user
from liaison.core.models import Tlp
from liaison.core.services import get_or_404
from liaison.exchange.forms import BulkReleaseForm, ReleaseForm, WithdrawForm
from liaison.exchange.models import Peer, ReleaseState
from liaison.exchange.registry import get_kind
from liaison.exchange.services.outbox import delivery_status
from liaison.exchange.services.parts import part_kinds, parts_of
from liaison.exchange.services.release import (
    approve_release,
    decline_release,
    record_for,
    release_to,
    releases_of,
    withdraw_release,
)
from liaison.exchange.services.scope import visible_releases
from liaison.exchange.services.sharing import propose_to, read_shown, release_selected


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
            "can_approve": _is_supervisor(user),
        },
    )


def _is_supervisor(user: Any) -> bool:
    return bool(user.is_superuser or user.is_supervisor)


def _part_groups(spec: Any, obj: Any, kept: set[str] | None) -> list[dict[str, Any]]:
    """The parts that go along with ``obj``, by kind, each with whether it is checked."""
    groups = []
    for part_spec, parts in parts_of(spec, [obj]) if obj.is_local else []:
        rows = [(p, kept is None or str(p.uuid) in kept) for p in parts]
        groups.append({"label": part_spec.model._meta.verbose_name_plural, "parts": rows})
    return groups


@login_required
def release_new(request: HttpRequest, kind: str, record_uuid: Any) -> HttpResponse:
    """Release a record (a supervisor) or propose it (an officer) to one or more peers,
    each with its own markings and legal basis, with the parts that go along."""
    obj = _visible_record(request, kind, record_uuid)
    user = request_user(request)
    is_supervisor = _is_supervisor(user)
    posted = request.POST if request.method == "POST" else None
    kept = set(posted.getlist("parts")) if posted and "parts_shown" in posted else None
    groups = _part_groups(get_kind(kind), obj, kept)
    part_uuids = [str(p.uuid) for g in groups for p, _checked in g["parts"]]
    form = ReleaseForm(
        posted,
        part_uuids=part_uuids,
        initial={"tlp": obj.tlp if obj.tlp != Tlp.RED else Tlp.AMBER, "handling": obj.handling},
    )
    if posted is not None and form.is_valid():
        try:
            if is_supervisor:
                release_to(user, obj, form.recipients(), leave_out=form.leave_out())
                messages.success(request, _("Released."))
            else:
                propose_to(user, obj, form.recipients(), leave_out=form.leave_out())
                messages.success(request, _("Proposed; a supervisor must approve the release."))
            return redirect("exchange:record_delivery", kind=kind, record_uuid=obj.uuid)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, _error_text(exc))
    read_shown(
        user, [p for g in groups for p, _c in g["parts"]], client_address(request), "release form"
    )
    return render(
        request,
        "exchange/release/form.html",
        {
            "form": form,
            "obj": obj,
            "kind": kind,
            "is_supervisor": is_supervisor,
            "red": obj.tlp == Tlp.RED,
            "groups": groups,
        },
    )


@login_required
def release_bulk(request: HttpRequest, kind: str) -> HttpResponse:
    """Release the records selected on a list (``?record=<uuid>`` each) to chosen peers."""
    spec = get_kind(kind)
    if spec is None:
        raise Http404(_("No such kind of record."))
    user = request_user(request)
    if not _is_supervisor(user):
        raise PermissionDenied(_("Only a supervisor releases records."))
    posted = request.POST if request.method == "POST" else None
    chosen = (posted or request.GET).getlist("records" if posted else "record")
    visible = spec.model.objects.visible_to(user)  # type: ignore[attr-defined]
    try:
        shown = list(visible.filter(uuid__in=chosen)[:500])
    except ValidationError:  # a selection that is not a list of uuids selects nothing
        shown = []
    form = BulkReleaseForm(
        posted,
        records=[(str(o.uuid), str(o)) for o in shown],
        part_kinds=[(k.kind, k.model._meta.verbose_name_plural) for k, _f in part_kinds(spec)],
    )
    if posted is not None and form.is_valid():
        d = form.cleaned_data
        try:
            release_selected(user, spec, d["records"], form.recipients(), without=d["without"])
            n = len(d["records"])
            messages.success(
                request,
                ngettext("Released %(n)s record to %(p)s.", "Released %(n)s records to %(p)s.", n)
                % {"n": n, "p": ", ".join(p.name for p in d["peers"])},
            )
            return redirect("exchange:release_list")
        except ValidationError as exc:  # one error line per refused record
            form.add_error(None, ValidationError(exc.messages))
        except PermissionDenied as exc:
            form.add_error(None, _error_text(exc))
    read_shown(user, shown, client_address(request), "bulk release form")
    return render(
        request,
        "exchange/release/bulk.html",
        {"form": form, "kind": kind, "title": spec.model._meta.verbose_name_plural},
    )


def _act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = request_user(request)
    release = get_object_or_404(visible_releases(user), pk=pk)
    try:
        if action == "approve":
            approve_release(user, release)
            messages.success(request, _("Release approved and sent."))
        else:
            decline_release(user, release, request.POST.get("reason", ""))
            messages.success(request, _("Proposal declined."))
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
def release_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw a release in two steps: this page says what the peer loses (the record and
    the parts that went with it) and asks for the reason; only the confirmed post with a
    reason withdraws, and the reason goes into the audit entry."""
    user = request_user(request)
    release = get_object_or_404(visible_releases(user).select_related("peer"), pk=pk)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid() and request.POST.get("confirm") == "yes":
        try:
            withdraw_release(user, release, reason=form.cleaned_data["reason"])
            messages.success(request, _("Release withdrawn; a recall was sent."))
            return redirect(
                "exchange:record_delivery", kind=release.kind, record_uuid=release.record_uuid
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, _error_text(exc))
    obj = record_for(release.kind, release.record_uuid, missing_ok=True)
    parts = visible_releases(user).filter(
        peer=release.peer, part_of=release.record_uuid, state=ReleaseState.ACTIVE
    )
    if obj is not None:
        read_shown(user, [obj], client_address(request), "withdraw form")
    return render(
        request,
        "exchange/release/withdraw.html",
        {"release": release, "obj": obj, "parts": parts, "form": form},
    )


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
            "can_withdraw": _is_supervisor(request_user(request)),
        },
    )
