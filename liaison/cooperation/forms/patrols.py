"""Forms of the joint patrol pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from liaison.cooperation.forms.common import (
    DATE,
    TEXT,
)
from liaison.cooperation.models.patrols import PatrolKind, PatrolStatus
from liaison.core.models import BorderGate


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
        lines = {
            k: [x.strip() for x in d[k].splitlines() if x.strip()]
            for k in ("seizures", "persons", "cases")
        }
        return {"arrests": d["arrests"], "note": d["note"], **lines}
