"""Forms of the wanted-notice pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from liaison.cooperation.forms.common import (
    DATE,
    DATETIME,
    TEXT,
    TLP_CHOICES,
    MultipleFileField,
)
from liaison.cooperation.models.wanted import NoticeType, WantedStatus
from liaison.core.models import Tlp


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
