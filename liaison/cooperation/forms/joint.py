"""Forms of the joint-case pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from liaison.cooperation.forms.common import (
    DATE,
    TEXT,
    side_choices,
)
from liaison.cooperation.models.joint import EntryKind, TaskStatus


class JointCaseForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    partner_unit = forms.ChoiceField(label=_("Partner unit"), required=False)
    summary = forms.CharField(label=_("Shared summary"), widget=TEXT, required=False)
    opened_on = forms.DateField(label=_("Opened"), widget=DATE, required=False)
    share_now = forms.BooleanField(
        label=_("Send to the partner now (supervisor)"), required=False, initial=True
    )


class SummaryForm(forms.Form):
    summary = forms.CharField(label=_("Shared summary"), widget=TEXT, required=False)


class EntryForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[(k, v) for k, v in EntryKind.choices if k != EntryKind.JOIN]
    )
    text = forms.CharField(label=_("Text"), widget=TEXT, required=False)
    person_name = forms.CharField(label=_("Participant name"), required=False)
    person_role = forms.CharField(label=_("Participant role"), required=False)
    assigned_to_country = forms.ChoiceField(
        label=_("Task for side"),
        required=False,
        choices=side_choices,
    )
    assigned_to = forms.CharField(label=_("Task for"), required=False)
    due = forms.DateField(label=_("Due"), widget=DATE, required=False)
    link_kind = forms.ChoiceField(
        label=_("Linked record kind"),
        required=False,
        choices=[
            ("", "—"),
            ("persons", _("Person")),
            ("cases", _("Case")),
            ("seizures", _("Seizure")),
            ("wanted-notices", _("Wanted notice")),
            ("requests", _("Request")),
        ],
    )
    link_uuid = forms.UUIDField(label=_("Linked record id"), required=False)
    link_label = forms.CharField(label=_("Linked record label"), required=False)

    def service_kwargs(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "kind" and v not in ("", None)}


class TaskStatusForm(forms.Form):
    task_status = forms.ChoiceField(label=_("Task status"), choices=TaskStatus.choices)
