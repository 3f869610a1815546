"""Forms of the hotline pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from liaison.cooperation.forms.common import (
    TLP_CHOICES,
    MultipleFileField,
    attachments_help,
)
from liaison.cooperation.models.hotline import Level, Priority
from liaison.core.models import BorderGate, Tlp, Unit


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
