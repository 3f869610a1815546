"""Release forms: the peers a record goes to, each with its own markings and legal basis
(empty: the markings given for every chosen peer), the parts that go along with a whole
record, and the records selected on a list page. TLP:RED is never offered."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from liaison.core.models import Handling, Tlp
from liaison.exchange.models import Peer, PeerStatus
from liaison.exchange.services.release import Recipient

RELEASABLE_TLP = [(value, label) for value, label in Tlp.choices if value != Tlp.RED]
AS_ABOVE: list[tuple[str, Any]] = [("", _("as above"))]


class RecipientsForm(forms.Form):
    """Peers and markings: the defaults for every chosen peer, and per peer its own."""

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
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("e.g. the MoU of 9 Aug 2021; a partner's own legal basis replaces it"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.peer_list = list(Peer.objects.filter(status=PeerStatus.ACTIVE).order_by("name"))
        self.fields["peers"].queryset = Peer.objects.filter(status=PeerStatus.ACTIVE)  # type: ignore[attr-defined]
        for peer in self.peer_list:
            self.fields[f"tlp_{peer.pk}"] = forms.ChoiceField(
                label=_("TLP"), choices=[*AS_ABOVE, *RELEASABLE_TLP], required=False
            )
            self.fields[f"handling_{peer.pk}"] = forms.ChoiceField(
                label=_("Handling code"), choices=[*AS_ABOVE, *Handling.choices], required=False
            )
            self.fields[f"note_{peer.pk}"] = forms.CharField(
                label=_("Handling conditions (H3)"), required=False, max_length=300
            )
            self.fields[f"basis_{peer.pk}"] = forms.CharField(
                label=_("Legal basis"), required=False, max_length=1000
            )

    def peer_rows(self) -> list[dict[str, Any]]:
        """One row per active peer for the template: its checkbox and its own markings."""
        boxes = {str(box.data["value"]): box for box in self["peers"]}
        return [
            {
                "peer": peer,
                "box": boxes.get(str(peer.pk)),
                "tlp": self[f"tlp_{peer.pk}"],
                "handling": self[f"handling_{peer.pk}"],
                "note": self[f"note_{peer.pk}"],
                "basis": self[f"basis_{peer.pk}"],
            }
            for peer in self.peer_list
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for peer in data.get("peers") or []:
            if not (data.get(f"basis_{peer.pk}") or data.get("basis") or "").strip():
                self.add_error(
                    None, _("Give the legal basis of the release to %(p)s.") % {"p": peer.name}
                )
        return data

    def recipients(self) -> list[Recipient]:
        """The chosen peers, each with its own markings (empty: the defaults)."""
        d = self.cleaned_data
        return [
            Recipient(
                peer,
                tlp=d.get(f"tlp_{peer.pk}") or d["tlp"],
                handling=d.get(f"handling_{peer.pk}") or d["handling"],
                basis=(d.get(f"basis_{peer.pk}") or "").strip() or d["basis"],
                handling_note=d.get(f"note_{peer.pk}") or d["handling_note"],
            )
            for peer in d["peers"]
        ]


class ReleaseForm(RecipientsForm):
    """Releasing (or proposing) one record; ``parts`` are the records that go along with it,
    each checked by default: unchecking one leaves it out."""

    parts = forms.MultipleChoiceField(
        label=_("What goes along"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, part_uuids: Sequence[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.part_uuids = list(part_uuids)
        self.fields["parts"].choices = [(u, u) for u in self.part_uuids]  # type: ignore[attr-defined]
        self.fields["parts"].initial = self.part_uuids

    def leave_out(self) -> list[str]:
        """The parts the user unchecked. A post without the parts list (an older client)
        leaves nothing out."""
        if "parts_shown" not in self.data:
            return []
        kept = set(self.cleaned_data.get("parts") or [])
        return [u for u in self.part_uuids if u not in kept]


class BulkReleaseForm(RecipientsForm):
    """Releasing the records selected on a list, with the kinds of parts to leave out."""

    records = forms.MultipleChoiceField(
        label=_("Selected records"), widget=forms.CheckboxSelectMultiple
    )
    without = forms.MultipleChoiceField(
        label=_("Leave out"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(
        self,
        *args: Any,
        records: Sequence[tuple[str, str]] = (),
        part_kinds: Sequence[tuple[str, Any]] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["records"].choices = list(records)  # type: ignore[attr-defined]
        self.fields["records"].initial = [u for u, _label in records]
        self.fields["without"].choices = list(part_kinds)  # type: ignore[attr-defined]


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the withdrawal"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the audit log."),
    )
