"""Agreement, meeting and capacity-project pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.cooperation.forms.agreements import (
    ActionForm,
    ActionStatusForm,
    AgreementForm,
    MeetingForm,
    ProjectForm,
    ProjectUpdateForm,
)
from liaison.cooperation.forms.common import apply_errors
from liaison.cooperation.models.agreements import (
    ActionItem,
    ActionStatus,
    Agreement,
    CapacityProject,
    Meeting,
)
from liaison.cooperation.services import agreements as service
from liaison.cooperation.services.common import get_visible
from liaison.cooperation.views.common import attempt, submitted, uploaded_files
from liaison.core.middleware import request_user as _user


@login_required
def agreement_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = AgreementForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = {k: v for k, v in form.cleaned_data.items() if k != "documents"}
        agreement = attempt(
            request,
            form,
            lambda: service.create_agreement(
                user, documents=uploaded_files(request, "documents"), **d
            ),
            _("Document saved."),
        )
        if agreement:
            return redirect("cooperation:agreement", uuid=agreement.uuid)
    return render(
        request,
        "cooperation/form.html",
        {"form": form, "title": _("New agreement or plan"), "multipart": True},
    )


@login_required
def agreement_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    user = _user(request)
    agreement = get_visible(Agreement, user, uuid=uuid)
    form = ActionForm(request.POST if "add_action" in request.POST else None)
    if request.method == "POST":
        if "item" in request.POST:
            item = get_object_or_404(ActionItem, uuid=request.POST["item"])
            sform = ActionStatusForm(request.POST)
            if sform.is_valid():
                attempt(
                    request,
                    None,
                    lambda: service.update_action_item(user, item, **sform.cleaned_data),
                    _("Action item updated."),
                )
            return redirect("cooperation:agreement", uuid=agreement.uuid)
        if form.is_valid() and attempt(
            request,
            form,
            lambda: service.add_action_item(user, agreement=agreement, **form.cleaned_data),
            _("Action item added."),
        ):
            return redirect("cooperation:agreement", uuid=agreement.uuid)
    return render(
        request,
        "cooperation/agreements/detail.html",
        {
            "agreement": agreement,
            "items": agreement.action_items.all(),
            "status": service.implementation_status(agreement),
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
    form = MeetingForm(request.POST or None)
    agreement = None
    if request.GET.get("agreement"):
        agreement = get_visible(Agreement, user, uuid=request.GET["agreement"])
    if request.method == "POST" and form.is_valid():
        try:
            kwargs = form.service_kwargs()
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            meeting = attempt(
                request,
                form,
                lambda: service.record_meeting(user, agreement=agreement, **kwargs),
                _("Meeting recorded."),
            )
            if meeting:
                return redirect("cooperation:meeting", uuid=meeting.uuid)
    return render(request, "cooperation/form.html", {"form": form, "title": _("New meeting")})


@login_required
def meeting_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    user = _user(request)
    meeting = get_visible(Meeting, user, uuid=uuid)
    form = ActionForm(request.POST or None)
    if submitted(
        request,
        form,
        lambda: service.add_action_item(
            user, meeting=meeting, agreement=meeting.agreement, **form.cleaned_data
        ),
        _("Commitment added."),
    ):
        return redirect("cooperation:meeting", uuid=meeting.uuid)
    return render(
        request,
        "cooperation/agreements/meeting.html",
        {"meeting": meeting, "commitments": meeting.commitments.all(), "form": form},
    )


@login_required
def project_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        d["trainees"] = d.get("trainees") or 0
        if attempt(request, form, lambda: service.create_project(user, **d), _("Project saved.")):
            return redirect(f"{reverse('cooperation:joint_list')}?tab=projects")
    return render(
        request, "cooperation/form.html", {"form": form, "title": _("New capacity project")}
    )


@login_required
def project_update(request: HttpRequest, uuid: str) -> HttpResponse:
    user = _user(request)
    project = get_visible(CapacityProject, user, uuid=uuid)
    form = ProjectUpdateForm(
        request.POST or None, initial={"status": project.status, "progress": project.progress}
    )
    if submitted(
        request,
        form,
        lambda: service.update_project(user, project, **form.cleaned_data),
        _("Project updated."),
    ):
        return redirect(f"{reverse('cooperation:joint_list')}?tab=projects")
    return render(request, "cooperation/form.html", {"form": form, "title": project.title})
