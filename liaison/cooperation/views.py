"""Pages of the cooperation app: hotline, wanted persons, requests, joint work, agreements.
Views collect input and call services; they never write records themselves."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from liaison.cooperation import forms as f
from liaison.cooperation import services
from liaison.cooperation.models import (
    ActionItem,
    Agreement,
    AssistanceRequest,
    CapacityProject,
    JointCase,
    JointCaseEntry,
    Meeting,
    Message,
    Patrol,
    RequestStatus,
    RequestType,
    WantedNotice,
    WantedStatus,
)
from liaison.core.middleware import request_user as _user
from liaison.core.models import Role, User
from liaison.core.node import this_node


def _page(request: HttpRequest, qs: Any, per_page: int = 50) -> Any:
    return Paginator(qs, per_page).get_page(request.GET.get("page"))


def _attempt(request: HttpRequest, form: Any, action: Callable[[], Any], ok: str) -> Any:
    """Run a service call; on a refusal, show it on the form (or as a message) and return None."""
    try:
        result = action()
    except ValidationError as exc:
        if form is not None:
            f.apply_errors(form, exc)
        messages.error(request, services._error_text(exc))
        return None
    except PermissionDenied as exc:
        if form is not None:
            form.add_error(None, str(exc) or _("You may not do this."))
        messages.error(request, str(exc) or _("You may not do this."))
        return None
    messages.success(request, ok)
    return result if result is not None else True


def _files(request: HttpRequest, name: str) -> list[tuple[str, bytes]]:
    return services.read_uploads(request.FILES.getlist(name))


# =========================================================================== hotline

_defaults_checked = False


@login_required
def hotline(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    global _defaults_checked
    if not _defaults_checked:
        # The gazetteer's default channels, once per process (received messages may have
        # created channels before anyone opened this page, so "no channel yet" is no test).
        services.ensure_default_channels()
        _defaults_checked = True
    rows = services.inbox(user)
    recent = (
        services.visible(Message, user)
        .select_related("channel")
        .prefetch_related("receipts")
        .order_by("-sent_at")[:20]
    )
    return render(
        request,
        "cooperation/hotline.html",
        {
            "rows": rows,
            "recent": [(m, services.receipt_times(m)) for m in recent],
            "unacknowledged": services.unacknowledged(user).count(),
            "me": this_node().id,
        },
    )


@login_required
def channel_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    channel = get_object_or_404(services.channels_for(user), pk=pk)
    template = request.GET.get("template") or request.POST.get("template") or ""
    tform = f.TemplateForm(request.GET or None)
    initial: dict[str, Any] = {}
    if template in services.TEMPLATES:
        values = {k: str(request.GET.get(k, "")) for k in f.TemplateForm.base_fields}
        subject, body, priority = services.render_template(template, values)
        initial = {"subject": subject, "body": body, "priority": priority, "template": template}
    form = f.MessageForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        done = _attempt(
            request,
            form,
            lambda: services.send_message(
                user,
                channel,
                subject=d["subject"],
                body=d["body"],
                priority=d["priority"],
                template=d["template"],
                attachments=_files(request, "attachments"),
                tlp=d["tlp"],
            ),  # fmt: skip
            _("Message sent."),
        )
        if done:
            return redirect("cooperation:channel", pk=channel.pk)
    msgs = Message.objects.filter(channel=channel).prefetch_related("receipts").order_by("-sent_at")
    page = _page(request, msgs, 30)
    return render(
        request,
        "cooperation/channel.html",
        {
            "channel": channel,
            "form": form,
            "tfields": [tform[n] for n in services.TEMPLATES.get(template, {}).get("fields", [])],
            "template": template,
            "templates": [(k, services.render_template(k)[0]) for k in services.TEMPLATES],
            "page": page,
            "items": [(m, services.receipt_times(m)) for m in page],
            "me": this_node().id,
        },
    )


@login_required
def message_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    user = _user(request)
    msg = services.get_visible(Message, user, uuid=uuid)
    form = f.AckForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _attempt(request, form, lambda: services.acknowledge(user, msg, form.cleaned_data["note"]),
                    _("Acknowledged.")):  # fmt: skip
        return redirect("cooperation:message", uuid=msg.uuid)
    elif request.method == "GET" and not msg.is_local:
        with contextlib.suppress(ValidationError, PermissionDenied):
            services.mark_read(user, msg)
    times = services.receipt_times(msg)
    return render(
        request,
        "cooperation/message.html",
        {
            "msg": msg,
            "times": times,
            "tta": services.format_duration(times["time_to_acknowledge"]),
            "form": form,
            "receipts": msg.receipts.all(),
            "delivery": services.federation.delivery(msg),
        },
    )


@login_required
def channel_admin(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not (user.is_superuser or user.has_role(Role.NODE_ADMIN)):
        raise PermissionDenied
    form = f.ChannelForm(request.POST or None)
    from liaison.core.models import Unit

    units = Unit.objects.all()
    if not user.is_superuser:
        units = units.filter(path__startswith=user.unit.path if user.unit else "-")
    form.fields["local_unit"].queryset = units  # type: ignore[attr-defined]
    if request.method == "POST" and "defaults" in request.POST:
        made = services.ensure_default_channels(services.actor_of(user))
        messages.success(request, _("%(n)s channel(s) created.") % {"n": len(made)})
        return redirect("cooperation:channel_admin")
    if request.method == "POST" and "toggle" in request.POST:
        channel = get_object_or_404(services.channels_for(user), pk=request.POST["toggle"])
        _attempt(request, None, lambda: services.set_channel_active(user, channel, not channel.active),
                 _("Channel updated."))  # fmt: skip
        return redirect("cooperation:channel_admin")
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if _attempt(request, form, lambda: services.create_channel(user, **d), _("Channel added.")):
            return redirect("cooperation:channel_admin")
    return render(
        request,
        "cooperation/channel_admin.html",
        {"form": form, "channels": services.channels_for(user)},
    )


@login_required
def hotline_report(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    try:
        start = dt.date.fromisoformat(request.GET.get("from", ""))
    except ValueError:
        start = today.replace(day=1)
    try:
        end = dt.date.fromisoformat(request.GET.get("to", ""))
    except ValueError:
        end = today
    user = _user(request)
    report = services.hotline_report(start, end, user)
    msgs = (
        services.visible(Message, user)
        .filter(sent_at__date__gte=start, sent_at__date__lte=end)
        .prefetch_related("receipts")
        .order_by("-sent_at")[:500]
    )
    rows = []
    for m in msgs:
        t = services.receipt_times(m)
        rows.append((m, t, services.format_duration(t["time_to_acknowledge"])))
    return render(
        request,
        "cooperation/hotline_report.html",
        {"report": report, "rows": rows, "start": start, "end": end, "me": this_node().id},
    )


# =========================================================================== wanted


@login_required
def wanted_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    qs = services.visible(WantedNotice, user)
    status = request.GET.get("status", "")
    side = request.GET.get("side", "")
    q = request.GET.get("q", "").strip()
    if status:
        qs = qs.filter(status=status)
    if side == "ours":
        qs = qs.filter(origin=this_node().id)
    elif side == "partner":
        qs = qs.exclude(origin=this_node().id)
    if q:
        qs = qs.filter(
            Q(full_name__icontains=q) | Q(latin_name__icontains=q) | Q(reference__icontains=q)
        )
    summary = services.wanted_abroad_summary(user)
    return render(
        request,
        "cooperation/wanted_list.html",
        {
            "page": _page(request, qs),
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
    form = f.NoticeForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        docs = (
            [{"type": d["document_type"], "number": d["document_number"]}]
            if d["document_number"]
            else []
        )
        notice = _attempt(
            request,
            form,
            lambda: services.issue_wanted_notice(
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
                photos=_files(request, "photos"),
                tlp=d["tlp"],
                send_to_partner=d["send_to_partner"],
            ),  # fmt: skip
            _("Wanted notice issued."),
        )
        if notice:
            return redirect("cooperation:wanted", uuid=notice.uuid)
    return render(request, "cooperation/form.html", {"form": form, "title": _("New wanted notice"), "multipart": True})  # fmt: skip


@login_required
def wanted_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    user = _user(request)
    notice = services.get_visible(WantedNotice, user, uuid=uuid)
    event_form = f.EventForm(request.POST if "add_event" in request.POST else None)
    withdraw_form = f.WithdrawForm(request.POST if "withdraw" in request.POST else None)
    if request.method == "POST":
        if "add_event" in request.POST and event_form.is_valid():
            d = event_form.cleaned_data
            if _attempt(request, event_form, lambda: services.add_wanted_event(
                    user, notice, d["status"], at=d["at"], place=d["place"], reason=d["reason"]),
                    _("Status recorded.")):  # fmt: skip
                return redirect("cooperation:wanted", uuid=notice.uuid)
        if "withdraw" in request.POST and withdraw_form.is_valid() and _attempt(request, withdraw_form, lambda: services.withdraw_wanted_notice(
                    user, notice, withdraw_form.cleaned_data["reason"]),
                    _("Notice withdrawn; the partner's copy is updated.")):  # fmt: skip
            return redirect("cooperation:wanted", uuid=notice.uuid)
    notice.refresh_from_db()
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
        "cooperation/wanted_detail.html",
        {
            "notice": notice,
            "events": notice.events.all(),
            "event_form": event_form,
            "withdraw_form": withdraw_form,
            "delivery": services.cancellation_status(notice)
            if notice.withdrawn_at
            else services.federation.delivery(notice),
            "can_withdraw": notice.is_local and not notice.withdrawn_at,
            "matches": matches,
            "open": notice.status not in (WantedStatus.HANDED_OVER, WantedStatus.EXTRADITED, WantedStatus.WITHDRAWN),
        },
    )  # fmt: skip


# =========================================================================== requests


@login_required
def request_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    overdue = request.GET.get("overdue") == "1"
    qs = services.overdue_requests(user) if overdue else services.visible(AssistanceRequest, user)
    rtype = request.GET.get("type", "")
    status = request.GET.get("status", "")
    side = request.GET.get("side", "")
    if rtype:
        qs = qs.filter(request_type=rtype)
    if status:
        qs = qs.filter(status=status)
    if side == "sent":
        qs = qs.filter(origin=this_node().id)
    elif side == "received":
        qs = qs.exclude(origin=this_node().id)
    page = _page(request, qs)
    return render(
        request,
        "cooperation/request_list.html",
        {
            "page": page,
            "items": [(r, services.is_overdue(r)) for r in page],
            "types": RequestType.choices,
            "statuses": RequestStatus.choices,
            "rtype": rtype,
            "status": status,
            "side": side,
            "overdue": overdue,
            "overdue_count": services.overdue_requests(user).count(),
            "me": this_node().id,
        },
    )


def _partner_units(user: User) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for c in services.channels_for(user):
        seen.setdefault(f"{c.partner_unit_code}|{c.partner_unit_name}", c.partner_unit_name)
    return [("", "—"), *sorted(seen.items(), key=lambda kv: kv[1])]


@login_required
def request_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = f.RequestForm(request.POST or None, request.FILES or None,
                         initial={"request_type": request.GET.get("type", "verification")})  # fmt: skip
    form.fields["to_unit"].choices = _partner_units(user)  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        req = _attempt(
            request,
            form,
            lambda: services.send_request(
                user, attachments=_files(request, "attachments"), **form.service_kwargs()
            ),  # fmt: skip
            _("Request sent."),
        )
        if req:
            return redirect("cooperation:request", uuid=req.uuid)
    return render(request, "cooperation/request_form.html", {"form": form})


@login_required
def request_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    user = _user(request)
    req = services.get_visible(AssistanceRequest, user, uuid=uuid)
    form = f.ResponseForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if "close" in request.POST:
            _attempt(request, None, lambda: services.close_request(user, req), _("Request closed."))
            return redirect("cooperation:request", uuid=req.uuid)
        if form.is_valid():
            d = form.cleaned_data
            if _attempt(request, form, lambda: services.respond(
                    user, req, d["kind"], text=d["text"], assignee=d["assignee"],
                    attachments=_files(request, "attachments")), _("Response recorded.")):  # fmt: skip
                return redirect("cooperation:request", uuid=req.uuid)
    req.refresh_from_db()
    return render(
        request,
        "cooperation/request_detail.html",
        {
            "req": req,
            "overdue": services.is_overdue(req),
            "responses": req.responses.all(),
            "form": form,
            "delivery": services.federation.delivery(req),
        },
    )


@login_required
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    att = services.attachment_for(_user(request), pk)
    return FileResponse(att.file.open("rb"), as_attachment=True, filename=att.name, content_type=att.content_type)  # fmt: skip


# =========================================================================== joint work


@login_required
def joint_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    tab = request.GET.get("tab", "cases")
    ctx: dict[str, Any] = {"tab": tab, "me": this_node().id}
    if tab == "patrols":
        ctx["page"] = _page(request, services.visible(Patrol, user))
    elif tab == "agreements":
        ctx["page"] = _page(request, services.visible(Agreement, user))
        ctx["items"] = [(a, services.implementation_status(a)) for a in ctx["page"]]
    elif tab == "meetings":
        ctx["page"] = _page(request, services.visible(Meeting, user))
    elif tab == "projects":
        ctx["page"] = _page(request, services.visible(CapacityProject, user))
    else:
        ctx["tab"] = "cases"
        ctx["page"] = _page(request, services.visible(JointCase, user).prefetch_related("entries"))
        since = dt.date(2022, 1, 1)
        ctx["count_since_2022"] = services.joint_case_count(since, timezone.localdate())
    return render(request, "cooperation/joint_list.html", ctx)


@login_required
def joint_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = f.JointCaseForm(request.POST or None)
    form.fields["partner_unit"].choices = _partner_units(user)  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        case = _attempt(request, form, lambda: services.open_joint_case(
            user, title=d["title"], summary=d["summary"], opened_on=d["opened_on"],
            share_now=d["share_now"], partner_unit_code=f.split_unit(d["partner_unit"])[0],
            partner_unit_name=f.split_unit(d["partner_unit"])[1]), _("Joint case opened."))  # fmt: skip
        if case:
            return redirect("cooperation:joint", uuid=case.uuid)
    return render(request, "cooperation/form.html", {"form": form, "title": _("New joint case")})


@login_required
def joint_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    user = _user(request)
    case = services.get_visible(JointCase, user, uuid=uuid)
    form = f.EntryForm(request.POST if "add_entry" in request.POST else None)
    summary_form = f.SummaryForm(
        request.POST if "summary" in request.POST and "add_entry" not in request.POST else None,
        initial={"summary": case.summary},
    )
    if request.method == "POST":
        if "join" in request.POST:
            _attempt(request, None, lambda: services.add_entry(user, case, "join"), _("Joined."))
            return redirect("cooperation:joint", uuid=case.uuid)
        if "task" in request.POST:
            entry = get_object_or_404(JointCaseEntry, joint_case=case, uuid=request.POST["task"])
            _attempt(request, None, lambda: services.update_entry(
                user, entry, task_status=request.POST.get("task_status", "done")), _("Task updated."))  # fmt: skip
            return redirect("cooperation:joint", uuid=case.uuid)
        if "add_entry" in request.POST and form.is_valid() and _attempt(request, form, lambda: services.add_entry(
                    user, case, form.cleaned_data["kind"], **form.service_kwargs()), _("Entry added.")):  # fmt: skip
            return redirect("cooperation:joint", uuid=case.uuid)
        if summary_form.is_bound and summary_form.is_valid() and _attempt(request, summary_form, lambda: services.update_joint_case(
                    user, case, summary=summary_form.cleaned_data["summary"]), _("Summary saved.")):  # fmt: skip
            return redirect("cooperation:joint", uuid=case.uuid)
    me = this_node().id
    entries = list(case.entries.all())
    joined = any(e.kind == "join" and e.origin == me for e in entries)
    return render(
        request,
        "cooperation/joint_detail.html",
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


@login_required
def patrol_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = f.PatrolForm(request.POST or None)
    form.fields["partner_unit"].choices = _partner_units(user)  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        partner = services.partner_country()
        units: list[Any] = [user.unit] if user.unit else []
        units += [{"country": partner, "name": line.strip()} for line in d["partner_units"].splitlines() if line.strip()]  # fmt: skip
        patrol = _attempt(request, form, lambda: services.plan_patrol(
            user, title=d["title"], kind=d["kind"], starts_on=d["starts_on"], ends_on=d["ends_on"],
            plan=d["plan"], area=d["area"], gates=d["gates"], units=units, share_now=d["share_now"],
            partner_unit_code=f.split_unit(d["partner_unit"])[0],
            partner_unit_name=f.split_unit(d["partner_unit"])[1],
        ), _("Patrol planned."))  # fmt: skip
        if patrol:
            return redirect("cooperation:patrol", uuid=patrol.uuid)
    return render(request, "cooperation/form.html", {"form": form, "title": _("New joint patrol or operation")})  # fmt: skip


@login_required
def patrol_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    user = _user(request)
    patrol = services.get_visible(Patrol, user, uuid=uuid)
    form = f.ResultForm(request.POST if "add_result" in request.POST else None)
    status_form = f.PatrolStatusForm(
        request.POST if "set_status" in request.POST else None, initial={"status": patrol.status}
    )
    if request.method == "POST":
        if "add_result" in request.POST and form.is_valid() and _attempt(request, form, lambda: services.add_patrol_result(user, patrol, **form.service_kwargs()),
                        _("Results recorded.")):  # fmt: skip
            return redirect("cooperation:patrol", uuid=patrol.uuid)
        if "set_status" in request.POST and status_form.is_valid() and _attempt(request, status_form, lambda: services.set_patrol_status(
                    user, patrol, status_form.cleaned_data["status"]), _("Status saved.")):  # fmt: skip
            return redirect("cooperation:patrol", uuid=patrol.uuid)
    return render(
        request,
        "cooperation/patrol_detail.html",
        {"patrol": patrol, "results": patrol.results.all(), "totals": services.patrol_totals(patrol),
         "form": form, "status_form": status_form},
    )  # fmt: skip


@login_required
def agreement_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = f.AgreementForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = {k: v for k, v in form.cleaned_data.items() if k != "documents"}
        agreement = _attempt(request, form, lambda: services.create_agreement(
            user, documents=_files(request, "documents"), **d), _("Document saved."))  # fmt: skip
        if agreement:
            return redirect("cooperation:agreement", uuid=agreement.uuid)
    return render(request, "cooperation/form.html", {"form": form, "title": _("New agreement or plan"), "multipart": True})  # fmt: skip


@login_required
def agreement_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    user = _user(request)
    agreement = services.get_visible(Agreement, user, uuid=uuid)
    form = f.ActionForm(request.POST if "add_action" in request.POST else None)
    if request.method == "POST":
        if "item" in request.POST:
            item = get_object_or_404(ActionItem, uuid=request.POST["item"])
            sform = f.ActionStatusForm(request.POST)
            if sform.is_valid():
                _attempt(request, None, lambda: services.update_action_item(
                    user, item, **sform.cleaned_data), _("Action item updated."))  # fmt: skip
            return redirect("cooperation:agreement", uuid=agreement.uuid)
        if form.is_valid() and _attempt(request, form, lambda: services.add_action_item(
                    user, agreement=agreement, **form.cleaned_data), _("Action item added.")):  # fmt: skip
            return redirect("cooperation:agreement", uuid=agreement.uuid)
    from liaison.cooperation.models import ActionStatus

    return render(
        request,
        "cooperation/agreement_detail.html",
        {
            "agreement": agreement,
            "items": agreement.action_items.all(),
            "status": services.implementation_status(agreement),
            "form": form,
            "statuses": ActionStatus.choices,
            "meetings": agreement.meetings.all(),
            "projects": agreement.projects.all(),
            "today": timezone.localdate(),
        },
    )


@login_required
def meeting_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = f.MeetingForm(request.POST or None)
    agreement = None
    if request.GET.get("agreement"):
        agreement = services.get_visible(Agreement, user, uuid=request.GET["agreement"])
    if request.method == "POST" and form.is_valid():
        try:
            kwargs = form.service_kwargs()
        except ValidationError as exc:
            f.apply_errors(form, exc)
        else:
            meeting = _attempt(request, form, lambda: services.record_meeting(
                user, agreement=agreement, **kwargs), _("Meeting recorded."))  # fmt: skip
            if meeting:
                return redirect("cooperation:meeting", uuid=meeting.uuid)
    return render(request, "cooperation/form.html", {"form": form, "title": _("New meeting")})


@login_required
def meeting_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    user = _user(request)
    meeting = services.get_visible(Meeting, user, uuid=uuid)
    form = f.ActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _attempt(request, form, lambda: services.add_action_item(
                user, meeting=meeting, agreement=meeting.agreement, **form.cleaned_data),
                _("Commitment added.")):  # fmt: skip
        return redirect("cooperation:meeting", uuid=meeting.uuid)
    return render(
        request,
        "cooperation/meeting_detail.html",
        {"meeting": meeting, "commitments": meeting.commitments.all(), "form": form},
    )


@login_required
def project_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = f.ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        d["trainees"] = d.get("trainees") or 0
        if _attempt(request, form, lambda: services.create_project(user, **d), _("Project saved.")):
            return redirect(f"{_url('cooperation:joint_list')}?tab=projects")
    return render(request, "cooperation/form.html", {"form": form, "title": _("New capacity project")})  # fmt: skip


@login_required
def project_update(request: HttpRequest, uuid: str) -> HttpResponse:
    user = _user(request)
    project = services.get_visible(CapacityProject, user, uuid=uuid)
    form = f.ProjectUpdateForm(request.POST or None, initial={"status": project.status, "progress": project.progress})  # fmt: skip
    if request.method == "POST" and form.is_valid() and _attempt(request, form, lambda: services.update_project(user, project, **form.cleaned_data),
                    _("Project updated.")):  # fmt: skip
        return redirect(f"{_url('cooperation:joint_list')}?tab=projects")
    return render(request, "cooperation/form.html", {"form": form, "title": project.title})


def _url(name: str) -> str:
    from django.urls import reverse

    return reverse(name)


@login_required
def record_file(request: HttpRequest, kind: str, uuid: str, sha256: str) -> HttpResponseBase:
    """A file of a record; a partner record's file is fetched from its origin on first use."""
    try:
        att = services.file_of(_user(request), kind, uuid, sha256)
    except ValidationError as exc:
        messages.error(request, services._error_text(exc))
        return redirect(request.META.get("HTTP_REFERER") or "cooperation:hotline")
    return FileResponse(att.file.open("rb"), as_attachment=True, filename=att.name, content_type=att.content_type)  # fmt: skip


@csrf_exempt
def federation_file(request: HttpRequest, kind: str, uuid: str, sha256: str) -> HttpResponseBase:
    """Node-to-node: a partner fetches a file of a record released to it (signed request)."""
    from django.http import JsonResponse

    from liaison.exchange import services as exchange
    from liaison.exchange.services import RequestRefused

    if request.method != "GET":
        return JsonResponse({"error": "method", "detail": "GET only"}, status=405)
    try:
        peer = exchange.verify_request("GET", request.get_full_path(), request.headers, b"")
    except RequestRefused as exc:
        return JsonResponse({"error": exc.reason, "detail": str(exc)}, status=exc.status)
    att = services.file_for_peer(peer, kind, uuid, sha256)
    if att is None:
        return JsonResponse({"error": "not_found", "detail": "no such file released to you"}, status=404)  # fmt: skip
    return FileResponse(att.file.open("rb"), content_type=att.content_type)
