"""Joint patrol pages: planning and a patrol with its results."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from liaison.cooperation.forms.common import split_unit
from liaison.cooperation.forms.patrols import PatrolForm, PatrolStatusForm, ResultForm
from liaison.cooperation.models.patrols import Patrol
from liaison.cooperation.services import patrols as service
from liaison.cooperation.services.common import get_visible, partner_country
from liaison.cooperation.views.common import attempt, partner_units
from liaison.core.middleware import request_user as _user


@login_required
def patrol_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = PatrolForm(request.POST or None)
    form.fields["partner_unit"].choices = partner_units(user)  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        partner = partner_country()
        units: list[Any] = [user.unit] if user.unit else []
        units += [
            {"country": partner, "name": line.strip()}
            for line in d["partner_units"].splitlines()
            if line.strip()
        ]
        patrol = attempt(
            request,
            form,
            lambda: service.plan_patrol(
                user,
                title=d["title"],
                kind=d["kind"],
                starts_on=d["starts_on"],
                ends_on=d["ends_on"],
                plan=d["plan"],
                area=d["area"],
                gates=d["gates"],
                units=units,
                share_now=d["share_now"],
                partner_unit_code=split_unit(d["partner_unit"])[0],
                partner_unit_name=split_unit(d["partner_unit"])[1],
            ),
            _("Patrol planned."),
        )
        if patrol:
            return redirect("cooperation:patrol", uuid=patrol.uuid)
    return render(
        request,
        "cooperation/form.html",
        {"form": form, "title": _("New joint patrol or operation")},
    )


@login_required
def patrol_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    user = _user(request)
    patrol = get_visible(Patrol, user, uuid=uuid)
    form = ResultForm(request.POST if "add_result" in request.POST else None)
    status_form = PatrolStatusForm(
        request.POST if "set_status" in request.POST else None, initial={"status": patrol.status}
    )
    if request.method == "POST":
        if (
            "add_result" in request.POST
            and form.is_valid()
            and attempt(
                request,
                form,
                lambda: service.add_patrol_result(user, patrol, **form.service_kwargs()),
                _("Results recorded."),
            )
        ):
            return redirect("cooperation:patrol", uuid=patrol.uuid)
        if (
            "set_status" in request.POST
            and status_form.is_valid()
            and attempt(
                request,
                status_form,
                lambda: service.set_patrol_status(user, patrol, status_form.cleaned_data["status"]),
                _("Status saved."),
            )
        ):
            return redirect("cooperation:patrol", uuid=patrol.uuid)
    return render(
        request,
        "cooperation/patrols/detail.html",
        {
            "patrol": patrol,
            "results": patrol.results.all(),
            "totals": service.patrol_totals(patrol),
            "form": form,
            "status_form": status_form,
        },
    )
