"""Forms of the agreement, meeting and capacity-project pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from liaison.cooperation.forms.common import (
    DATE,
    TEXT,
    MultipleFileField,
    attachments_help,
    side_choices,
)
from liaison.cooperation.models.agreements import (
    ActionStatus,
    AgreementKind,
    MeetingKind,
    ProjectKind,
    ProjectStatus,
)


class AgreementForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=AgreementKind.choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    parties = forms.CharField(label=_("Parties"), required=False)
    signed_on = forms.DateField(label=_("Signed"), widget=DATE, required=False)
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE, required=False)
    valid_to = forms.DateField(label=_("Valid to"), widget=DATE, required=False)
    summary = forms.CharField(
        label=pgettext_lazy("document", "Summary"), widget=TEXT, required=False
    )
    documents = MultipleFileField(label=_("Documents"), help_text=attachments_help)
    share_now = forms.BooleanField(label=_("Send to the partner now (supervisor)"), required=False)


class ActionForm(forms.Form):
    text = forms.CharField(label=_("Action"), widget=TEXT)
    owner = forms.CharField(label=_("Owner"), required=False)
    owner_country = forms.ChoiceField(
        label=_("Side"),
        required=False,
        choices=side_choices,
    )
    due = forms.DateField(label=_("Due"), widget=DATE, required=False)


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)
    progress_note = forms.CharField(label=_("Implementation"), required=False)


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=MeetingKind.choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    held_on = forms.DateField(label=_("Date"), widget=DATE)
    place = forms.CharField(label=_("Place"), required=False)
    participants = forms.CharField(
        label=_("Participants"),
        widget=TEXT,
        required=False,
        help_text=_("One per line: name; side (VN or LA); role"),
    )
    minutes = forms.CharField(
        label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    commitments = forms.CharField(
        label=_("Commitments"),
        widget=TEXT,
        required=False,
        help_text=_("One per line: commitment; owner; side; due date (YYYY-MM-DD)"),
    )
    share_now = forms.BooleanField(label=_("Send to the partner now (supervisor)"), required=False)

    def service_kwargs(self) -> dict[str, Any]:
        import datetime as dt

        d = self.cleaned_data
        people = []
        for line in d["participants"].splitlines():
            parts = [p.strip() for p in line.split(";")] + ["", "", ""]
            if parts[0]:
                people.append({"name": parts[0], "side": parts[1], "role": parts[2]})
        commitments = []
        for line in d["commitments"].splitlines():
            parts = [p.strip() for p in line.split(";")] + ["", "", "", ""]
            if not parts[0]:
                continue
            try:
                due = dt.date.fromisoformat(parts[3]) if parts[3] else None
            except ValueError as exc:
                raise ValidationError(
                    {"commitments": _("%(v)s is not a date (YYYY-MM-DD).") % {"v": parts[3]}}
                ) from exc
            commitments.append(
                {"text": parts[0], "owner": parts[1], "owner_country": parts[2], "due": due}
            )
        return {
            "kind": d["kind"],
            "title": d["title"],
            "held_on": d["held_on"],
            "place": d["place"],
            "participants": people,
            "minutes": d["minutes"],
            "commitments": commitments,
            "share_now": d["share_now"],
        }


class ProjectForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ProjectKind.choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    location = forms.CharField(label=_("Location"), required=False)
    starts_on = forms.DateField(label=_("Start"), widget=DATE, required=False)
    due_on = forms.DateField(label=_("Planned end"), widget=DATE, required=False)
    trainees = forms.IntegerField(label=_("Trainees"), min_value=0, initial=0, required=False)
    note = forms.CharField(label=_("Note"), widget=TEXT, required=False)


class ProjectUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ProjectStatus.choices)
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
