"""Wanted-notice pages: the list with our persons abroad, issuing, and a notice with its
lifecycle, withdrawal and screening matches."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from liaison.cooperation import federation
from liaison.cooperation.forms.wanted import EventForm, NoticeForm, WithdrawForm
from liaison.cooperation.models.wanted import WantedNotice, WantedStatus
from liaison.cooperation.services import wanted as service
from liaison.cooperation.services.common import get_visible, on_side, visible
from liaison.cooperation.views.common import attempt, page_of, uploaded_files
from liaison.core.middleware import request_user as _user
from liaison.core.node import this_node


@login_required
def wanted_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    qs = visible(WantedNotice, user)
    status = request.GET.get("status", "")
    side = request.GET.get("side", "")
    q = request.GET.get("q", "").strip()
    if status:
        qs = qs.filter(status=status)
    qs = qs.filter(on_side(side))
    if q:
        qs = qs.filter(
            Q(full_name__icontains=q) | Q(latin_name__icontains=q) | Q(reference__icontains=q)
        )
    summary = service.wanted_abroad_summary(user)
    page = page_of(request, qs, ("-issued_at", "-id"))
    service.read_notices(list(page), user, via="list")
    return render(
        request,
        "cooperation/wanted/list.html",
        {
            "page": page,
            "summary": summary,
            "statuses": WantedStatus.choices,
            "status": status,
            "side": side,
            "q": q,
            "me": this_node().id,
        },
    )


@login_required
def wanted_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = NoticeForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        docs = (
            [{"type": d["document_type"], "number": d["document_number"]}]
            if d["document_number"]
            else []
        )
        notice = attempt(
            request,
            form,
            lambda: service.issue_wanted_notice(
                user,
                notice_type=d["notice_type"],
                full_name=d["full_name"],
                latin_name=d["latin_name"],
                other_names=d["other_names"].split(","),
                sex=d["sex"],
                birth_date=d["birth_date"],
                nationality=d["nationality"],
                id_documents=docs,
                description=d["description"],
                offences=d["offences"],
                warrant_reference=d["warrant_reference"],
                warrant_date=d["warrant_date"],
                believed_location=d["believed_location"],
                photos=uploaded_files(request, "photos"),
                tlp=d["tlp"],
                send_to_partner=d["send_to_partner"],
            ),
            _("Wanted notice issued."),
        )
        if notice:
            return redirect("cooperation:wanted", uuid=notice.uuid)
    return render(
        request,
        "cooperation/form.html",
        {"form": form, "title": _("New wanted notice"), "multipart": True},
    )


@login_required
def wanted_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    user = _user(request)
    notice = get_visible(WantedNotice, user, uuid=uuid)
    event_form = EventForm(request.POST if "add_event" in request.POST else None)
    withdraw_form = WithdrawForm(request.POST if "withdraw" in request.POST else None)
    if request.method == "POST":
        if "add_event" in request.POST and event_form.is_valid():
            d = event_form.cleaned_data
            if attempt(
                request,
                event_form,
                lambda: service.add_wanted_event(
                    user, notice, d["status"], at=d["at"], place=d["place"], reason=d["reason"]
                ),
                _("Status recorded."),
            ):
                return redirect("cooperation:wanted", uuid=notice.uuid)
        confirmed = request.POST.get("confirm") == "yes"
        if (
            "withdraw" in request.POST
            and withdraw_form.is_valid()
            and confirmed
            and attempt(
                request,
                withdraw_form,
                lambda: service.withdraw_wanted_notice(
                    user, notice, withdraw_form.cleaned_data["reason"]
                ),
                _("Notice withdrawn; the partner's copy is updated."),
            )
        ):
            return redirect("cooperation:wanted", uuid=notice.uuid)
    notice.refresh_from_db()
    service.read_notices([notice], user, via="web")
    matches: list[Any] = []
    try:
        from liaison.screening.services import alerts_for
    except ImportError:  # pragma: no cover - screening is installed with the project
        pass
    else:
        matches = list(
            alerts_for(user).filter(Q(subject_uuid=notice.uuid) | Q(candidate_uuid=notice.uuid))[
                :20
            ]
        )
    return render(
        request,
        "cooperation/wanted/detail.html",
        {
            "notice": notice,
            "events": notice.events.all(),
            "event_form": event_form,
            "withdraw_form": withdraw_form,
            "delivery": service.cancellation_status(notice)
            if notice.withdrawn_at
            else federation.delivery(notice),
            "can_withdraw": notice.is_local and not notice.withdrawn_at,
            # A valid withdrawal is confirmed in a second step, naming who holds the notice.
            "confirm_withdraw": "withdraw" in request.POST
            and withdraw_form.is_valid()
            and request.POST.get("confirm") != "yes",
            "holders": [p.name for p in federation.holders(notice)],
            "matches": matches,
            "open": notice.status
            not in (WantedStatus.HANDED_OVER, WantedStatus.EXTRADITED, WantedStatus.WITHDRAWN),
        },
    )
