"""Joint work pages: the joint work list (tabs for cases, patrols, agreements, meetings and
projects) and joint cases."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.cooperation.forms.common import split_unit
from liaison.cooperation.forms.joint import EntryForm, JointCaseForm, SummaryForm
from liaison.cooperation.models.agreements import Agreement, CapacityProject, Meeting
from liaison.cooperation.models.joint import JointCase, JointCaseEntry
from liaison.cooperation.models.patrols import Patrol
from liaison.cooperation.services import joint as service
from liaison.cooperation.services.agreements import implementation_status
from liaison.cooperation.services.common import get_visible, visible
from liaison.cooperation.views.common import attempt, page_of, partner_units
from liaison.core.middleware import request_user as _user
from liaison.core.node import this_node


@login_required
def joint_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    tab = request.GET.get("tab", "cases")
    ctx: dict[str, Any] = {"tab": tab, "me": this_node().id}
    if tab == "patrols":
        ctx["page"] = page_of(request, visible(Patrol, user), ("-starts_on", "-id"))
    elif tab == "agreements":
        ctx["page"] = page_of(request, visible(Agreement, user), ("-id",))
        ctx["items"] = [(a, implementation_status(a)) for a in ctx["page"]]
    elif tab == "meetings":
        ctx["page"] = page_of(request, visible(Meeting, user), ("-held_on", "-id"))
    elif tab == "projects":
        ctx["page"] = page_of(request, visible(CapacityProject, user), ("-id",))
    else:
        ctx["tab"] = "cases"
        cases = visible(JointCase, user).prefetch_related("entries")
        ctx["page"] = page_of(request, cases, ("-opened_on", "-id"))
        since = dt.date(2022, 1, 1)
        ctx["count_since_2022"] = service.joint_case_count(since, timezone.localdate(), user=user)
    return render(request, "cooperation/joint/list.html", ctx)


@login_required
def joint_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = JointCaseForm(request.POST or None)
    form.fields["partner_unit"].choices = partner_units(user)  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        case = attempt(
            request,
            form,
            lambda: service.open_joint_case(
                user,
                title=d["title"],
                summary=d["summary"],
                opened_on=d["opened_on"],
                share_now=d["share_now"],
                partner_unit_code=split_unit(d["partner_unit"])[0],
                partner_unit_name=split_unit(d["partner_unit"])[1],
            ),
            _("Joint case opened."),
        )
        if case:
            return redirect("cooperation:joint", uuid=case.uuid)
    return render(request, "cooperation/form.html", {"form": form, "title": _("New joint case")})


@login_required
def joint_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    user = _user(request)
    case = get_visible(JointCase, user, uuid=uuid)
    form = EntryForm(request.POST if "add_entry" in request.POST else None)
    summary_form = SummaryForm(
        request.POST if "summary" in request.POST and "add_entry" not in request.POST else None,
        initial={"summary": case.summary},
    )
    if request.method == "POST":
        if "join" in request.POST:
            attempt(request, None, lambda: service.add_entry(user, case, "join"), _("Joined."))
            return redirect("cooperation:joint", uuid=case.uuid)
        if "task" in request.POST:
            entry = get_object_or_404(JointCaseEntry, joint_case=case, uuid=request.POST["task"])
            attempt(
                request,
                None,
                lambda: service.update_entry(
                    user, entry, task_status=request.POST.get("task_status", "done")
                ),
                _("Task updated."),
            )
            return redirect("cooperation:joint", uuid=case.uuid)
        if (
            "add_entry" in request.POST
            and form.is_valid()
            and attempt(
                request,
                form,
                lambda: service.add_entry(
                    user, case, form.cleaned_data["kind"], **form.service_kwargs()
                ),
                _("Entry added."),
            )
        ):
            return redirect("cooperation:joint", uuid=case.uuid)
        if (
            summary_form.is_bound
            and summary_form.is_valid()
            and attempt(
                request,
                summary_form,
                lambda: service.update_joint_case(
                    user, case, summary=summary_form.cleaned_data["summary"]
                ),
                _("Summary saved."),
            )
        ):
            return redirect("cooperation:joint", uuid=case.uuid)
    me = this_node().id
    entries = list(case.entries.all())
    joined = any(e.kind == "join" and e.origin == me for e in entries)
    return render(
        request,
        "cooperation/joint/detail.html",
        {
            "case": case,
            "entries": entries,
            "participants": [e for e in entries if e.kind == "participant"],
            "tasks": [e for e in entries if e.kind == "task"],
            "links": [e for e in entries if e.kind == "link"],
            "timeline": [e for e in entries if e.kind in ("timeline", "join")],
            "form": form,
            "summary_form": summary_form,
            "can_join": not case.is_local and not joined,
            "me": me,
        },
    )
