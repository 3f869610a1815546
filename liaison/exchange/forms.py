from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from liaison.core.models import Handling, Tlp
from liaison.exchange.models import Peer, PeerStatus

RELEASABLE_TLP = [(value, label) for value, label in Tlp.choices if value != Tlp.RED]


class ReleaseForm(forms.Form):
    peers = forms.ModelMultipleChoiceField(
        label=_("Release to"),
        queryset=Peer.objects.filter(status=PeerStatus.ACTIVE),
        widget=forms.CheckboxSelectMultiple,
    )
    tlp = forms.ChoiceField(label=_("TLP"), choices=RELEASABLE_TLP, initial=Tlp.AMBER)
    handling = forms.ChoiceField(label=_("Handling code"), choices=Handling.choices)
    handling_note = forms.CharField(
        label=_("Handling conditions (H3)"), required=False, max_length=300
    )
    basis = forms.CharField(
        label=_("Legal basis"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("e.g. the MoU of 9 Aug 2021"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["peers"].queryset = Peer.objects.filter(status=PeerStatus.ACTIVE)  # type: ignore[attr-defined]
