"""What the cooperation forms share. Forms only collect input; services check and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from liaison.core.countries import country_choices, own_country, partner_countries
from liaison.core.models import Tlp
from liaison.core.uploads import check_uploaded

DATE = forms.DateInput(attrs={"type": "date"})
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TEXT = forms.Textarea(attrs={"rows": 3})
TLP_CHOICES = [(v, label) for v, label in Tlp.choices if v != Tlp.RED]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files; each one's size is checked before anything reads it."""

    def __init__(self, *args: Any, max_bytes: int | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        self.max_bytes = max_bytes
        super().__init__(*args, **kwargs)

    def to_python(self, data: Any) -> Any:
        if data and hasattr(data, "size"):
            from liaison.cooperation.services.attachments import max_attachment_bytes

            check_uploaded(data, self.max_bytes or max_attachment_bytes())
        return super().to_python(data)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def form_field(form: forms.Form | None, name: str) -> str | None:
    """The form field a service's field name stands for: itself, or the field a code or a
    name is chosen in ("to_unit_code" → "to_unit"); None when the form has none."""
    if form is None:
        return None
    if name in form.fields:
        return name
    for suffix in ("_code", "_name", "_id", "_uuid"):
        if name.endswith(suffix) and name.removesuffix(suffix) in form.fields:
            return name.removesuffix(suffix)
    return None


def apply_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: on the field it names, else on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(form_field(form, field), errors)
    else:
        form.add_error(None, exc.messages)


def error_banner(form: forms.Form | None, exc: ValidationError) -> str:
    """A refusal as the reader reads it: each message after its field's label on the form
    unless the message names it already ("Deadline: The date is in the past."), never after a
    field's programming name."""
    if not hasattr(exc, "error_dict"):
        return " ".join(exc.messages)
    parts = []
    for name, errors in exc.message_dict.items():
        field = form_field(form, name)
        label = str(form.fields[field].label or "") if form is not None and field else ""
        text = " ".join(errors)
        named = not label or label.casefold() in text.casefold()
        parts.append(text if named else f"{label}: {text}")
    return "; ".join(parts)


def attachments_help() -> str:
    return str(_("PDF, JPG, PNG, DOCX, XLSX or TXT; at most 10 MB each."))


def split_unit(value: str) -> tuple[str, str]:
    """The (code, name) of a partner unit choice ("CODE|Name")."""
    code, _sep, name = (value or "").partition("|")
    return code, name


def side_choices() -> list[tuple[str, str]]:
    """The sides of the cooperation: this node's country, then its partners (names in the
    active language)."""
    own = own_country()
    return [
        ("", "—"),
        *country_choices([own] if own else []),
        *country_choices(partner_countries()),
    ]
