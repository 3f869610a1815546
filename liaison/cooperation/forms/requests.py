"""Forms of the assistance-request pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from liaison.cooperation.forms.common import (
    DATE,
    TEXT,
    TLP_CHOICES,
    MultipleFileField,
    attachments_help,
)
from liaison.cooperation.models.requests import REQUEST_FIELDS, RequestType, ResponseKind
from liaison.core.models import Tlp


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
        for field in REQUEST_FIELDS:
            out[field] = d[field]
        return out


class ResponseForm(forms.Form):
    kind = forms.ChoiceField(label=_("Response"), choices=ResponseKind.choices)
    assignee = forms.CharField(label=_("Assignee"), required=False)
    text = forms.CharField(label=_("Text"), widget=TEXT, required=False)
    attachments = MultipleFileField(label=_("Attachments"), help_text=attachments_help)
