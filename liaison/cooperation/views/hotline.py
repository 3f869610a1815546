"""Hotline pages: the inbox, a channel (send, with templates), a message (read and
acknowledge), channel administration and the time-to-acknowledge report."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.cooperation import federation
from liaison.cooperation.forms.hotline import AckForm, ChannelForm, MessageForm, TemplateForm
from liaison.cooperation.models.hotline import Message
from liaison.cooperation.services import hotline as service
from liaison.cooperation.services.common import actor_of, get_visible, visible
from liaison.cooperation.views.common import attempt, page_of, submitted, uploaded_files
from liaison.core.middleware import request_user as _user
from liaison.core.models import Role, Unit
from liaison.core.node import this_node

_defaults_checked = False


@login_required
def hotline(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    global _defaults_checked
    if not _defaults_checked:
        # The gazetteer's default channels, once per process (received messages may have
        # created channels before anyone opened this page, so "no channel yet" is no test).
        service.ensure_default_channels()
        _defaults_checked = True
    rows = service.inbox(user)
    recent = (
        visible(Message, user)
        .select_related("channel")
        .prefetch_related("receipts")
        .order_by("-sent_at")[:20]
    )
    return render(
        request,
        "cooperation/hotline/inbox.html",
        {
            "rows": rows,
            "recent": [(m, service.receipt_times(m)) for m in recent],
            "unacknowledged": service.unacknowledged(user).count(),
            "me": this_node().id,
        },
    )


@login_required
def channel_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    channel = get_object_or_404(service.channels_for(user), pk=pk)
    template = request.GET.get("template") or request.POST.get("template") or ""
    tform = TemplateForm(request.GET or None)
    initial: dict[str, Any] = {}
    if template in service.TEMPLATES:
        values = {k: str(request.GET.get(k, "")) for k in TemplateForm.base_fields}
        subject, body, priority = service.render_template(template, values)
        initial = {"subject": subject, "body": body, "priority": priority, "template": template}
    form = MessageForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        done = attempt(
            request,
            form,
            lambda: service.send_message(
                user,
                channel,
                subject=d["subject"],
                body=d["body"],
                priority=d["priority"],
                template=d["template"],
                attachments=uploaded_files(request, "attachments"),
                tlp=d["tlp"],
            ),
            _("Message sent."),
        )
        if done:
            return redirect("cooperation:channel", pk=channel.pk)
    msgs = Message.objects.filter(channel=channel).prefetch_related("receipts")
    page = page_of(request, msgs, ("-sent_at", "-id"), 30)
    return render(
        request,
        "cooperation/hotline/channel.html",
        {
            "channel": channel,
            "form": form,
            "tfields": [tform[n] for n in service.TEMPLATES.get(template, {}).get("fields", [])],
            "template": template,
            "templates": [(k, service.render_template(k)[0]) for k in service.TEMPLATES],
            "page": page,
            "items": [(m, service.receipt_times(m)) for m in page],
            "me": this_node().id,
        },
    )


@login_required
def message_detail(request: HttpRequest, uuid: str) -> HttpResponse:
    user = _user(request)
    msg = get_visible(Message, user, uuid=uuid)
    form = AckForm(request.POST or None)
    if submitted(
        request,
        form,
        lambda: service.acknowledge(user, msg, form.cleaned_data["note"]),
        _("Acknowledged."),
    ):
        return redirect("cooperation:message", uuid=msg.uuid)
    elif request.method == "GET" and not msg.is_local:
        with contextlib.suppress(ValidationError, PermissionDenied):
            service.mark_read(user, msg)
    times = service.receipt_times(msg)
    return render(
        request,
        "cooperation/hotline/message.html",
        {
            "msg": msg,
            "times": times,
            "tta": service.format_duration(times["time_to_acknowledge"]),
            "form": form,
            "receipts": msg.receipts.all(),
            "delivery": federation.delivery(msg),
        },
    )


@login_required
def channel_admin(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not (user.is_superuser or user.has_role(Role.NODE_ADMIN)):
        raise PermissionDenied
    form = ChannelForm(request.POST or None)
    units = Unit.objects.all()
    if not user.is_superuser:
        units = units.filter(path__startswith=user.unit.path if user.unit else "-")
    form.fields["local_unit"].queryset = units  # type: ignore[attr-defined]
    if request.method == "POST" and "defaults" in request.POST:
        made = service.ensure_default_channels(actor_of(user))
        messages.success(request, _("%(n)s channel(s) created.") % {"n": len(made)})
        return redirect("cooperation:channel_admin")
    if request.method == "POST" and "toggle" in request.POST:
        channel = get_object_or_404(service.channels_for(user), pk=request.POST["toggle"])
        attempt(
            request,
            None,
            lambda: service.set_channel_active(user, channel, not channel.active),
            _("Channel updated."),
        )
        return redirect("cooperation:channel_admin")
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if attempt(request, form, lambda: service.create_channel(user, **d), _("Channel added.")):
            return redirect("cooperation:channel_admin")
    return render(
        request,
        "cooperation/hotline/channel_admin.html",
        {"form": form, "channels": service.channels_for(user)},
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
    report = service.hotline_report(start, end, user)
    msgs = (
        visible(Message, user)
        .filter(sent_at__date__gte=start, sent_at__date__lte=end)
        .prefetch_related("receipts")
        .order_by("-sent_at")[:500]
    )
    rows = []
    for m in msgs:
        t = service.receipt_times(m)
        rows.append((m, t, service.format_duration(t["time_to_acknowledge"])))
    return render(
        request,
        "cooperation/hotline/report.html",
        {"report": report, "rows": rows, "start": start, "end": end, "me": this_node().id},
    )
