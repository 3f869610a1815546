"""Forms of the cooperation pages. They only collect input; services check and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from liaison.cooperation.models import (
    ActionStatus,
    AgreementKind,
    EntryKind,
    Level,
    MeetingKind,
    NoticeType,
    PatrolKind,
    PatrolStatus,
    Priority,
    ProjectKind,
    ProjectStatus,
    RequestType,
    ResponseKind,
    TaskStatus,
    WantedStatus,
)
from liaison.core.models import BorderGate, Tlp, Unit

DATE = forms.DateInput(attrs={"type": "date"})
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TEXT = forms.Textarea(attrs={"rows": 3})
TLP_CHOICES = [(v, label) for v, label in Tlp.choices if v != Tlp.RED]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def apply_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: on the field it names, else on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def attachments_help() -> str:
    return str(_("PDF, JPG, PNG, DOCX, XLSX or TXT; at most 10 MB each."))


# --- hotline --------------------------------------------------------------------------------


class MessageForm(forms.Form):
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial="routine")
    subject = forms.CharField(label=_("Subject"), max_length=300)
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 8}))
    attachments = MultipleFileField(label=_("Attachments"), help_text=attachments_help)
    tlp = forms.ChoiceField(label=_("TLP"), choices=TLP_CHOICES, initial=Tlp.AMBER)
    template = forms.CharField(widget=forms.HiddenInput, required=False)


class TemplateForm(forms.Form):
    """Values to fill a message template with (all optional)."""

    name = forms.CharField(label=_("Name of the person"), required=False)
    birth_date = forms.CharField(label=_("Birth date"), required=False)
    id_number = forms.CharField(label=_("Document number"), required=False)
    reason = forms.CharField(label=_("Reason"), required=False)
    gate = forms.CharField(label=_("Border gate"), required=False)
    date = forms.CharField(label=_("Date"), required=False)
    drug = forms.CharField(label=_("Drug"), required=False)
    quantity = forms.CharField(label=_("Quantity"), required=False)
    persons = forms.CharField(label=_("Persons involved"), required=False)
    area = forms.CharField(label=_("Area"), required=False)
    units = forms.CharField(label=_("Units"), required=False)


class AckForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class ChannelForm(forms.Form):
    local_unit = forms.ModelChoiceField(label=_("Our unit"), queryset=Unit.objects.all())
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices)
    partner_unit_code = forms.CharField(label=_("Partner unit code"), max_length=40)
    partner_unit_name = forms.CharField(label=_("Partner unit"), max_length=200)
    gate = forms.ModelChoiceField(
        label=_("Border gate"), queryset=BorderGate.objects.all(), required=False
    )


# --- wanted notices ---------------------------------------------------------------------------


class NoticeForm(forms.Form):
    notice_type = forms.ChoiceField(label=_("Notice type"), choices=NoticeType.choices)
    full_name = forms.CharField(label=_("Name (original script)"), max_length=200)
    latin_name = forms.CharField(label=_("Name (romanised)"), max_length=200, required=False)
    other_names = forms.CharField(
        label=_("Other names"), required=False, help_text=_("Separate names with commas.")
    )
    sex = forms.ChoiceField(
        label=_("Sex"), required=False, choices=[("", "—"), ("M", _("Male")), ("F", _("Female"))]
    )
    birth_date = forms.CharField(
        label=_("Birth date"), required=False, help_text=_("YYYY-MM-DD, YYYY-MM or YYYY")
    )
    nationality = forms.CharField(label=_("Nationality"), max_length=2, required=False)
    document_type = forms.CharField(label=_("Identity document"), required=False)
    document_number = forms.CharField(label=_("Document number"), required=False)
    description = forms.CharField(label=_("Description"), widget=TEXT, required=False)
    offences = forms.CharField(label=_("Offences"), widget=TEXT)
    warrant_reference = forms.CharField(label=_("Warrant reference"), max_length=100)
    warrant_date = forms.DateField(label=_("Warrant date"), widget=DATE, required=False)
    believed_location = forms.CharField(label=_("Believed location"), required=False)
    photos = MultipleFileField(label=_("Photos"), help_text=_("JPG or PNG."))
    tlp = forms.ChoiceField(label=_("TLP"), choices=TLP_CHOICES, initial=Tlp.AMBER)
    send_to_partner = forms.BooleanField(
        label=_("Send to the partner now (supervisor)"), required=False, initial=True
    )


class EventForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (s, label)
            for s, label in WantedStatus.choices
            if s not in (WantedStatus.ISSUED, WantedStatus.WITHDRAWN)
        ],
    )
    at = forms.DateTimeField(label=_("When"), widget=DATETIME, required=False)
    place = forms.CharField(label=_("Place"), required=False)
    reason = forms.CharField(
        label=_("Reason / note"),
        widget=TEXT,
        required=False,
        help_text=_("Needed when a person is arrested before being reported located."),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason for withdrawal"), widget=TEXT)


# --- requests ---------------------------------------------------------------------------------


class RequestForm(forms.Form):
    request_type = forms.ChoiceField(label=_("Type"), choices=RequestType.choices)
    to_unit = forms.ChoiceField(label=pgettext_lazy("recipient", "To"), required=False)
    requesting_authority = forms.CharField(label=_("Requesting authority"), required=False)
    investigation_subject = forms.CharField(
        label=_("Subject and nature of the investigation"), widget=TEXT, required=False
    )
    investigating_authority = forms.CharField(
        label=_("Authority conducting the investigation"), required=False
    )
    facts_summary = forms.CharField(label=_("Summary of the facts"), widget=TEXT, required=False)
    assistance_sought = forms.CharField(label=_("Assistance sought"), widget=TEXT, required=False)
    special_procedure = forms.CharField(label=_("Special procedure"), widget=TEXT, required=False)
    purpose = forms.CharField(label=_("Purpose"), widget=TEXT, required=False)
    person_full_name = forms.CharField(label=_("Person: name (original script)"), required=False)
    person_latin_name = forms.CharField(label=_("Person: name (romanised)"), required=False)
    person_birth_date = forms.CharField(label=_("Person: birth date"), required=False)
    person_nationality = forms.CharField(label=_("Person: nationality"), required=False)
    person_location = forms.CharField(label=_("Person: location"), required=False)
    person_id_number = forms.CharField(label=_("Person: document number"), required=False)
    person_description = forms.CharField(
        label=_("Description of the person"), widget=TEXT, required=False
    )
    offence = forms.CharField(label=_("Offence"), required=False)
    acts = forms.CharField(label=_("Acts alleged"), widget=TEXT, required=False)
    law_text = forms.CharField(label=_("Law describing the offence"), widget=TEXT, required=False)
    penalty = forms.CharField(label=_("Penalty"), required=False)
    limitation = forms.CharField(label=_("Limitation period"), required=False)
    warrant_reference = forms.CharField(label=_("Warrant reference"), required=False)
    evidence_summary = forms.CharField(label=_("Evidence"), widget=TEXT, required=False)
    judgment_reference = forms.CharField(label=_("Judgment"), required=False)
    confidential = forms.BooleanField(label=_("Confidentiality requested"), required=False)
    deadline = forms.DateField(label=_("Deadline"), widget=DATE, required=False)
    attachments = MultipleFileField(label=_("Attachments"), help_text=attachments_help)
    tlp = forms.ChoiceField(label=_("TLP"), choices=TLP_CHOICES, initial=Tlp.AMBER)

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        person = {
            k: d[f"person_{k}"]
            for k in (
                "full_name",
                "latin_name",
                "birth_date",
                "nationality",
                "location",
                "id_number",
            )
        }
        code, _sep, name = (d.get("to_unit") or "").partition("|")
        out: dict[str, Any] = {
            "request_type": d["request_type"],
            "to_unit_code": code,
            "to_unit_name": name,
            "persons": [person] if any(person.values()) else [],
            "offences": [{"offence": d["offence"], "acts": d["acts"]}]
            if d["offence"] or d["acts"]
            else [],
            "tlp": d["tlp"],
        }
        for field in (
            "requesting_authority", "investigation_subject", "investigating_authority",
            "facts_summary", "assistance_sought", "special_procedure", "purpose",
            "person_description", "law_text", "penalty", "limitation", "warrant_reference",
            "evidence_summary", "judgment_reference", "confidential", "deadline",
        ):  # fmt: skip
            out[field] = d[field]
        return out


class ResponseForm(forms.Form):
    kind = forms.ChoiceField(label=_("Response"), choices=ResponseKind.choices)
    assignee = forms.CharField(label=_("Assignee"), required=False)
    text = forms.CharField(label=_("Text"), widget=TEXT, required=False)
    attachments = MultipleFileField(label=_("Attachments"), help_text=attachments_help)


# --- joint cases, patrols ------------------------------------------------------------------


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
        choices=[("", "—"), ("VN", _("Viet Nam")), ("LA", _("Laos"))],
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


class PatrolForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=PatrolKind.choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    partner_unit = forms.ChoiceField(label=_("Partner unit"), required=False)
    starts_on = forms.DateField(label=pgettext_lazy("date range", "From"), widget=DATE)
    ends_on = forms.DateField(label=pgettext_lazy("date range", "To"), widget=DATE)
    area = forms.CharField(label=_("Area or route"), widget=TEXT, required=False)
    gates = forms.MultipleChoiceField(label=_("Border gates"), required=False)
    plan = forms.CharField(label=_("Plan"), widget=TEXT, required=False)
    partner_units = forms.CharField(
        label=_("Partner units"),
        widget=TEXT,
        required=False,
        help_text=_("One unit per line."),
    )
    share_now = forms.BooleanField(label=_("Send to the partner now (supervisor)"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["gates"].choices = [  # type: ignore[attr-defined]
            (g.name, g.name) for g in BorderGate.objects.order_by("name")
        ]


class PatrolStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=PatrolStatus.choices)


class ResultForm(forms.Form):
    arrests = forms.IntegerField(label=_("Arrests"), min_value=0, initial=0)
    seizures = forms.CharField(
        label=_("Seizures (record ids)"), widget=TEXT, required=False, help_text=_("One per line.")
    )
    persons = forms.CharField(label=_("Persons (record ids)"), widget=TEXT, required=False)
    cases = forms.CharField(label=_("Cases (record ids)"), widget=TEXT, required=False)
    note = forms.CharField(label=_("Note"), widget=TEXT, required=False)

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        lines = {k: [x.strip() for x in d[k].splitlines() if x.strip()] for k in ("seizures", "persons", "cases")}  # fmt: skip
        return {"arrests": d["arrests"], "note": d["note"], **lines}


# --- agreements, meetings, projects ------------------------------------------------------


class AgreementForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=AgreementKind.choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    parties = forms.CharField(label=_("Parties"), required=False)
    signed_on = forms.DateField(label=_("Signed"), widget=DATE, required=False)
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE, required=False)
    valid_to = forms.DateField(label=_("Valid to"), widget=DATE, required=False)
    summary = forms.CharField(label=_("Summary"), widget=TEXT, required=False)
    documents = MultipleFileField(label=_("Documents"), help_text=attachments_help)
    share_now = forms.BooleanField(label=_("Send to the partner now (supervisor)"), required=False)


class ActionForm(forms.Form):
    text = forms.CharField(label=_("Action"), widget=TEXT)
    owner = forms.CharField(label=_("Owner"), required=False)
    owner_country = forms.ChoiceField(
        label=_("Side"),
        required=False,
        choices=[("", "—"), ("VN", _("Viet Nam")), ("LA", _("Laos"))],
    )
    due = forms.DateField(label=_("Due"), widget=DATE, required=False)


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)
    progress_note = forms.CharField(label=_("Implementation"), required=False)


def split_unit(value: str) -> tuple[str, str]:
    """The (code, name) of a partner unit choice ("CODE|Name")."""
    code, _sep, name = (value or "").partition("|")
    return code, name


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
            commitments.append({"text": parts[0], "owner": parts[1], "owner_country": parts[2], "due": due})  # fmt: skip
        return {
            "kind": d["kind"], "title": d["title"], "held_on": d["held_on"], "place": d["place"],
            "participants": people, "minutes": d["minutes"], "commitments": commitments,
            "share_now": d["share_now"],
        }  # fmt: skip


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
