"""Dates, times, numbers and quantities in the reader's language (Babel/CLDR).

The reader's language is Django's active language (the user's choice, else the browser's,
else the node's); times are shown in the node's time zone (``settings.TIME_ZONE``, from its
country), whatever the server's clock zone. Every function accepts what a template may hand
it (``None``, an empty string, a string that is not a date) and then returns it unchanged as
text, so a filter never breaks a page.

The template filters in :mod:`liaison.web.templatetags.liaison_format` call these; Python
code (exports, messages) may call them directly.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from babel import Locale, UnknownLocaleError
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from babel import units as babel_units
from django.utils import timezone, translation
from django.utils.translation import ngettext

__all__ = [
    "format_date",
    "format_datetime",
    "format_duration",
    "format_number",
    "format_partial_date",
    "format_quantity",
    "format_time",
    "reader_locale",
]

#: Measure units stored with seizures (DESIGN.md) that CLDR names.
CLDR_UNITS = {
    "kg": "mass-kilogram",
    "g": "mass-gram",
    "t": "mass-tonne",
    "l": "volume-liter",
    "ml": "volume-milliliter",
    "ha": "area-hectare",
}

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")


def reader_locale(language: str | None = None) -> Locale:
    """The Babel locale of ``language`` (default: the active language), English if unknown."""
    code = (language or translation.get_language() or "en").replace("-", "_")
    try:
        return Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def _zone() -> dt.tzinfo:
    return timezone.get_current_timezone()


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return _local(value).date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            moment = _as_datetime(value)
            return moment.date() if moment is not None else None
    return None


def _local(value: dt.datetime) -> dt.datetime:
    if timezone.is_naive(value):
        value = timezone.make_aware(value, _zone())
    return value.astimezone(_zone())


def _as_datetime(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return _local(value)
    if isinstance(value, str):
        try:
            return _local(dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00")))
        except ValueError:
            return None
    return None


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def format_date(value: Any, length: str = "medium", language: str | None = None) -> str:
    """30 thg 11, 2026 · 30 ພ.ຈ. 2026 · Nov 30, 2026 (``length``: short, medium, long, full)."""
    day = _as_date(value)
    if day is None:
        return _text(value)
    return babel_dates.format_date(day, length, locale=reader_locale(language))


def format_datetime(value: Any, length: str = "medium", language: str | None = None) -> str:
    """A moment in the node's time zone: 06:03:01 1 thg 12, 2026 · Dec 1, 2026, 6:03:01 AM."""
    moment = _as_datetime(value)
    if moment is None:
        return format_date(value, length, language) if isinstance(value, dt.date) else _text(value)
    return babel_dates.format_datetime(
        moment, length, tzinfo=_zone(), locale=reader_locale(language)
    )


def format_time(value: Any, length: str = "short", language: str | None = None) -> str:
    moment = _as_datetime(value)
    if moment is None:
        return _text(value)
    return babel_dates.format_time(moment, length, tzinfo=_zone(), locale=reader_locale(language))


def format_partial_date(value: Any, language: str | None = None) -> str:
    """A date known to the year, month or day ("1990", "1990-04", "1990-04-17")."""
    if isinstance(value, dt.date):
        return format_date(value, "medium", language)
    match = _PARTIAL_DATE.match(_text(value).strip())
    if not match:
        return _text(value)
    year, month, day = match.groups()
    try:
        if day:
            return format_date(dt.date(int(year), int(month), int(day)), "medium", language)
        if month:
            first = dt.date(int(year), int(month), 1)
            return babel_dates.format_skeleton("yMMM", first, locale=reader_locale(language))
    except ValueError:
        return _text(value)
    return year


def _as_number(value: Any) -> Decimal | int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str) and value.strip():
        try:
            return Decimal(value.strip())
        except InvalidOperation:
            return None
    return None


def format_number(value: Any, decimals: int | None = None, language: str | None = None) -> str:
    """133.400,5 in Vietnamese and Lao, 133,400.5 in English. ``decimals`` fixes the number
    of decimals; without it a Decimal keeps its significant digits (no trailing zeros)."""
    number = _as_number(value)
    if number is None:
        return _text(value)
    locale = reader_locale(language)
    if decimals is not None:
        pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
        return babel_numbers.format_decimal(number, format=pattern, locale=locale)
    if isinstance(number, Decimal):
        number = number.normalize()
        places = max(0, -int(number.as_tuple().exponent))  # type: ignore[arg-type]
        pattern = "#,##0" + ("." + "#" * places if places else "")
        return babel_numbers.format_decimal(number, format=pattern, locale=locale)
    return babel_numbers.format_decimal(number, locale=locale)


def format_quantity(value: Any, unit: str, language: str | None = None) -> str:
    """A seizure quantity with its unit in the reader's language: "15,7 kg",
    "1.200 viên", "3 ຮຕ."; tablets and plants are counted with the right plural."""
    number = _as_number(value)
    if number is None:
        return " ".join(p for p in (_text(value), unit) if p)
    cldr = CLDR_UNITS.get(unit)
    if cldr:
        locale = reader_locale(language)
        text = babel_units.format_unit(number, cldr, length="short", locale=locale)
        # format_unit rounds to three decimals: put the number back as stored.
        babel_text = babel_numbers.format_decimal(number, locale=locale)
        return text.replace(babel_text, format_number(number, language=language), 1)
    count = int(number) if number == int(number) else 2
    shown = format_number(number, language=language)
    with translation.override(language) if language else contextlib.nullcontext():
        if unit == "tablet":
            return ngettext("%(n)s tablet", "%(n)s tablets", count) % {"n": shown}
        if unit == "plant":
            return ngettext("%(n)s plant", "%(n)s plants", count) % {"n": shown}
    return f"{shown} {unit}"


def format_duration(value: Any, language: str | None = None) -> str:
    """A time span in words: "3 giờ", "2 ມື້", "5 minutes"."""
    if isinstance(value, int | float):
        value = dt.timedelta(seconds=value)
    if not isinstance(value, dt.timedelta):
        return _text(value)
    return babel_dates.format_timedelta(value, locale=reader_locale(language))
