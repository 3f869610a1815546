"""Assistance-request pages: the list (overdue first-class), sending, and a request with its
responses."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from liaison.cooperation import federation
from liaison.cooperation.forms.requests import RequestForm, ResponseForm
from liaison.cooperation.models.requests import AssistanceRequest, RequestStatus, RequestType
from liaison.cooperation.services import requests as service
from liaison.cooperation.services.common import get_visible, on_side, visible
from liaison.cooperation.views.common import attempt, page_of, partner_units, uploaded_files
from liaison.core.middleware import request_user as _user
from liaison.core.node import this_node


@login_required
def request_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    overdue = request.GET.get("overdue") == "1"
    qs = service.overdue_requests(user) if overdue else visible(AssistanceRequest, user)
    rtype = request.GET.get("type", "")
    status = request.GET.get("status", "")
    side = request.GET.get("side", "")
    if rtype:
        qs = qs.filter(request_type=rtype)
    if status:
        qs = qs.filter(status=status)
    qs = qs.filter(on_side(side))
    page = page_of(request, qs, ("-sent_at", "-id"))
    service.read_requests(list(page), user, via="list")
    return render(
        request,
        "cooperation/requests/list.html",
        {
            "page": page,
            "items": [(r, service.is_overdue(r)) for r in page],
            "types": RequestType.choices,
            "statuses": RequestStatus.choices,
            "rtype": rtype,
            "status": status,
            "side": side,
            "overdue": overdue,
            "overdue_count": service.overdue_requests(user).count(),
            "me": this_node().id,
        },
    )


@login_required
def request_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = RequestForm(
        request.POST or None,
        request.FILES or None,
        initial={"request_type": request.GET.get("type", "verification")},
    )
    form.fields["to_unit"].choices = partner_units(user)  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        req = attempt(
            request,
            form,
            lambda: service.send_request(
                user, attachments=uploaded_files(request, "attachments"), **form.service_kwargs()
            ),
            _("Request sent."),
        )
        if req:
            return redirect("cooperation:request", uuid=req.uuid)
    return render(request, "cooperation/requests/form.html", {"form": form})


@login_required
def request_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    user = _user(request)
    req = get_visible(AssistanceRequest, user, uuid=uuid)
    form = ResponseForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if "close" in request.POST:
            attempt(request, None, lambda: service.close_request(user, req), _("Request closed."))
            return redirect("cooperation:request", uuid=req.uuid)
        if form.is_valid():
            d = form.cleaned_data
            if attempt(
                request,
                form,
                lambda: service.respond(
                    user,
                    req,
                    d["kind"],
                    text=d["text"],
                    assignee=d["assignee"],
                    attachments=uploaded_files(request, "attachments"),
                ),
                _("Response recorded."),
            ):
                return redirect("cooperation:request", uuid=req.uuid)
    req.refresh_from_db()
    service.read_requests([req], user, via="web")
    return render(
        request,
        "cooperation/requests/detail.html",
        {
            "req": req,
            "overdue": service.is_overdue(req),
            "responses": req.responses.all(),
            "form": form,
            "delivery": federation.delivery(req),
        },
    )
