"""Parsing and checking of field values, shared by forms, the API and the importer.

Each parser returns the clean value or raises :class:`ValueError` with a short reason that
names no field (the caller adds file, row and field).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

import pycountry
from django.utils.translation import gettext as _

from liaison.crime.taxonomy import DRUG_CODES, UNITS

_QUANTITY = re.compile(r"^\d+(\.\d+)?$")


def parse_date(value: Any, *, today: dt.date | None = None) -> dt.date:
    """A ``YYYY-MM-DD`` date (or a spreadsheet date cell), not in the future."""
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    else:
        text = str(value or "").strip()
        if not text:
            raise ValueError(_("missing date"))
        match = re.fullmatch(r"(\d{4}-\d{2}-\d{2})(?:[ T]00:00(?::00)?)?", text)
        try:
            if match is None:
                raise ValueError(text)
            day = dt.date.fromisoformat(match.group(1))
        except ValueError:
            raise ValueError(
                _("not a date (YYYY-MM-DD): %(value)s") % {"value": repr(text)}
            ) from None
    if day > (today or dt.date.today()):
        raise ValueError(_("date in the future: %(value)s") % {"value": day.isoformat()})
    return day


def parse_partial_date(
    value: Any, *, today: dt.date | None = None
) -> tuple[str, str, int | None, int | None, int | None]:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` → (text, precision, year, month, day).

    Empty gives ("", "", None, None, None)."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        text = value.isoformat()
    elif isinstance(value, int | float) and not isinstance(value, bool):
        text = str(int(value))
    else:
        text = str(value or "").strip()
    if not text:
        return "", "", None, None, None
    today = today or dt.date.today()
    parts = text.split("-")
    try:
        if re.fullmatch(r"\d{4}", text):
            year = int(text)
            if not 1900 <= year <= today.year:
                raise ValueError
            return text, "year", year, None, None
        if re.fullmatch(r"\d{4}-\d{2}", text):
            year, month = int(parts[0]), int(parts[1])
            if not (year >= 1900 and 1 <= month <= 12) or (year, month) > (today.year, today.month):
                raise ValueError
            return text, "month", year, month, None
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            day = dt.date.fromisoformat(text)
            if day.year < 1900 or day > today:
                raise ValueError
            return text, "day", day.year, day.month, day.day
    except ValueError:
        pass
    raise ValueError(
        _("not a birth date (YYYY, YYYY-MM or YYYY-MM-DD, in the past): %(value)s")
        % {"value": repr(text)}
    )


def parse_quantity(value: Any) -> Decimal:
    """A positive decimal number with a dot (``1500``, ``0.25``); spreadsheet numbers too."""
    if isinstance(value, bool):
        raise ValueError(_("not a number: %(value)s") % {"value": repr(value)})
    if isinstance(value, int | float):
        text = repr(value) if isinstance(value, float) else str(value)
        if isinstance(value, float) and value.is_integer():
            text = str(int(value))
    else:
        text = str(value or "").strip()
    if not text:
        raise ValueError(_("missing quantity"))
    if text.startswith("-"):
        raise ValueError(_("negative quantity: %(value)s") % {"value": text})
    if not _QUANTITY.match(text):
        raise ValueError(
            _("not a number (digits and a decimal point): %(value)s") % {"value": repr(text)}
        )
    try:
        quantity = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(_("not a number: %(value)s") % {"value": repr(text)}) from exc
    if quantity <= 0:
        raise ValueError(_("quantity must be greater than 0: %(value)s") % {"value": text})
    if quantity.as_tuple().exponent < -6 or quantity >= Decimal(10) ** 14:  # type: ignore[operator]
        raise ValueError(
            _("quantity out of range (at most 6 decimals): %(value)s") % {"value": text}
        )
    return quantity


def parse_drug(value: Any) -> str:
    code = str(value or "").strip().lower()
    if code not in DRUG_CODES:
        raise ValueError(_("unknown drug code %(value)s") % {"value": repr(code)})
    return code


def parse_unit(value: Any) -> str:
    unit = str(value or "").strip().lower()
    if unit not in UNITS:
        raise ValueError(
            _("unknown unit %(value)s (one of %(units)s)")
            % {"value": repr(unit), "units": ", ".join(UNITS)}
        )
    return unit


@lru_cache(maxsize=512)
def _is_country(code: str) -> bool:
    return pycountry.countries.get(alpha_2=code) is not None


def parse_nationality(value: Any) -> str:
    code = str(value or "").strip().upper()
    if code and not (len(code) == 2 and code.isalpha() and _is_country(code)):
        raise ValueError(
            _("not an ISO 3166-1 alpha-2 country code: %(value)s") % {"value": repr(code)}
        )
    return code


_SEX = {
    "": "",
    "m": "M",
    "male": "M",
    "nam": "M",
    "ຊາຍ": "M",
    "f": "F",
    "female": "F",
    "nữ": "F",
    "nu": "F",
    "ຍິງ": "F",
}


def parse_sex(value: Any) -> str:
    text = str(value or "").strip().lower()
    if text not in _SEX:
        raise ValueError(_("unknown sex %(value)s (M or F)") % {"value": repr(text)})
    return _SEX[text]


ROLES = ("defendant", "suspect", "witness")


def parse_role(value: Any) -> str:
    role = str(value or "").strip().lower()
    if role not in ROLES:
        raise ValueError(
            _("unknown role %(value)s (defendant, suspect or witness)") % {"value": repr(role)}
        )
    return role


def quantity_text(quantity: Decimal) -> str:
    return format(quantity.normalize(), "f")


def seizure_key(drug: str, unit: str, quantity: Decimal, occurrence: int) -> str:
    """The idempotency key of a seizure inside its case: the n-th seizure of the same drug,
    unit and quantity. Two identical rows in one file are two seizures (occurrences 1 and 2);
    importing the file again finds both keys and adds nothing."""
    return f"{drug}|{unit}|{quantity_text(quantity)}|{occurrence}"
