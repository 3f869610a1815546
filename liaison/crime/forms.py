"""Forms for national records. They only check input; saving goes through services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from liaison.core.models import Province
from liaison.core.node import this_node
from liaison.core.uploads import LimitedFileField, LimitedImageField, limit
from liaison.crime.models import (
    CultivationSite,
    DrugCase,
    Hotspot,
    Person,
    PrecursorIncident,
    Seizure,
    TraffickingRing,
)
from liaison.crime.values import parse_nationality, parse_partial_date, parse_quantity

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProvinceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        # "Sơn La (đến 30 thg 6, 2025) · VN-05": the two eras' units share names.
        from liaison.web.names import province_display

        return f"{province_display(obj)} · {obj.code}"


def national_provinces() -> Any:
    return Province.objects.filter(country__code=this_node().country).order_by("name", "code")


class RecordForm(forms.ModelForm):
    """The form of a record: it checks the input only; the service validates the record when
    it saves it (audited, versioned), so the model is not validated here."""

    def _post_clean(self) -> None:
        pass


class _ProvinceMixin:
    """Province choices of this node's country; the province must be valid on ``date_field``."""

    date_field = ""

    def setup_province(self) -> None:
        self.fields["province"] = ProvinceField(  # type: ignore[attr-defined]
            queryset=national_provinces(), label=_("province")
        )

    def check_province(self, cleaned: dict[str, Any]) -> None:
        province, day = cleaned.get("province"), cleaned.get(self.date_field)
        if province is not None and day is not None and not province.valid_on(day):
            from liaison.web.formatting import format_date
            from liaison.web.names import province_display

            self.add_error(  # type: ignore[attr-defined]
                "province",
                _("%(province)s is not valid on %(date)s.")
                % {"province": province_display(province), "date": format_date(day)},
            )


class CaseForm(_ProvinceMixin, RecordForm):
    date_field = "detected_on"

    class Meta:
        model = DrugCase
        fields = [
            "case_ref",
            "detected_on",
            "province",
            "district",
            "commune",
            "summary",
            "status",
            "route",
            "transport_mode",
            "joint_case_ref",
            "tlp",
            "handling",
            "handling_note",
        ]
        widgets = {"detected_on": DATE, "summary": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setup_province()
        if self.instance.pk:
            self.fields["case_ref"].disabled = True

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.check_province(cleaned)
        return cleaned


class PersonForm(RecordForm):
    birth_date = forms.CharField(
        label=_("birth date"),
        required=False,
        help_text=_("YYYY-MM-DD, YYYY-MM or YYYY"),
    )
    photo = LimitedImageField(label=_("photo"), required=False, max_bytes=0)

    class Meta:
        model = Person
        fields = [
            "person_ref",
            "full_name",
            "latin_name",
            "sex",
            "birth_date",
            "nationality",
            "id_number",
            "phones",
            "photo",
            "role",
            "tlp",
            "handling",
            "handling_note",
        ]
        help_texts = {"nationality": _("ISO 3166-1 alpha-2, e.g. VN, LA, CN")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["photo"].max_bytes = limit("PHOTO_MAX_BYTES", 5)  # type: ignore[attr-defined]
        if self.instance.pk:
            self.fields["person_ref"].disabled = True

    def clean_birth_date(self) -> str:
        value = self.cleaned_data.get("birth_date", "")
        try:
            return parse_partial_date(value)[0]
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean_nationality(self) -> str:
        try:
            return parse_nationality(self.cleaned_data.get("nationality", ""))
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc


class SeizureForm(RecordForm):
    quantity = forms.CharField(label=_("quantity"), help_text=_("as reported, e.g. 1500 or 0.35"))

    class Meta:
        model = Seizure
        fields = ["drug", "quantity", "unit", "tlp", "handling"]

    def clean_quantity(self) -> Any:
        try:
            return parse_quantity(self.cleaned_data.get("quantity", ""))
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc


class HotspotForm(_ProvinceMixin, RecordForm):
    date_field = "identified_on"

    class Meta:
        model = Hotspot
        fields = [
            "hotspot_ref",
            "name",
            "kind",
            "province",
            "district",
            "commune",
            "latitude",
            "longitude",
            "status",
            "identified_on",
            "eradicated_on",
            "notes",
            "tlp",
            "handling",
        ]
        widgets = {"identified_on": DATE, "eradicated_on": DATE}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setup_province()
        self.fields["hotspot_ref"].required = False
        self.fields["hotspot_ref"].help_text = _("left empty: numbered automatically")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.check_province(cleaned)
        if cleaned.get("status") == "eradicated" and not cleaned.get("eradicated_on"):
            self.add_error("eradicated_on", _("Give the date the hotspot was eradicated."))
        return cleaned


class RingForm(_ProvinceMixin, RecordForm):
    date_field = "identified_on"
    member_refs = forms.CharField(
        label=_("members"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("one person a line, as CASE_REF/PERSON_REF"),
    )

    class Meta:
        model = TraffickingRing
        fields = [
            "ring_ref",
            "name",
            "province",
            "leader",
            "route",
            "summary",
            "status",
            "identified_on",
            "dismantled_on",
            "tlp",
            "handling",
        ]
        widgets = {"identified_on": DATE, "dismantled_on": DATE}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setup_province()
        self.fields["ring_ref"].required = False
        if self.instance.pk:
            self.initial["member_refs"] = "\n".join(
                f"{p.case.case_ref}/{p.person_ref}"
                for p in self.instance.members.select_related("case")
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("status") == "dismantled" and not cleaned.get("dismantled_on"):
            self.add_error("dismantled_on", _("Give the date the ring was dismantled."))
        return cleaned


class CultivationSiteForm(_ProvinceMixin, RecordForm):
    date_field = "found_on"

    class Meta:
        model = CultivationSite
        fields = [
            "site_ref",
            "province",
            "district",
            "commune",
            "crop",
            "plants",
            "area_ha",
            "found_on",
            "destroyed_on",
            "latitude",
            "longitude",
            "tlp",
            "handling",
        ]
        widgets = {"found_on": DATE, "destroyed_on": DATE}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setup_province()
        self.fields["site_ref"].required = False

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.check_province(cleaned)
        return cleaned


class PrecursorForm(_ProvinceMixin, RecordForm):
    date_field = "occurred_on"

    class Meta:
        model = PrecursorIncident
        fields = [
            "incident_ref",
            "occurred_on",
            "province",
            "chemical",
            "convention_table",
            "quantity",
            "unit",
            "summary",
            "tlp",
            "handling",
        ]
        widgets = {"occurred_on": DATE}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setup_province()
        self.fields["incident_ref"].required = False

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.check_province(cleaned)
        return cleaned


class ImportForm(forms.Form):
    """Each file's size is checked before it is read (IMPORT_MAX_FILE_BYTES)."""

    cases = LimitedFileField(label=_("Cases file"), required=False, max_bytes=0)
    persons = LimitedFileField(label=_("Persons file"), required=False, max_bytes=0)
    seizures = LimitedFileField(label=_("Seizures file"), required=False, max_bytes=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("cases", "persons", "seizures"):
            self.fields[name].max_bytes = limit("IMPORT_MAX_FILE_BYTES", 20)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not any(cleaned.get(k) for k in ("cases", "persons", "seizures")):
            raise forms.ValidationError(_("Choose at least one file."))
        return cleaned
