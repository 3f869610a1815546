"""Birth dates that may be partial (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

from .errors import InvalidDateError

_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
MIN_YEAR = 1000


@dataclass(frozen=True, slots=True, order=True)
class PartialDate:
    """A date known to year, year-month or the full day."""

    year: int
    month: int | None = None
    day: int | None = None

    def __str__(self) -> str:
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"


def parse_date(value: str | None) -> PartialDate | None:
    """Parse a birth date. Blank → ``None`` (unknown); malformed → ``InvalidDateError``.

    Accepted: ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` (``/`` or ``.`` instead of
    ``-`` too). The date must exist (no 30 February) and lie between year 1000 and
    next year.
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    m = _DATE.match(text.replace("/", "-").replace(".", "-"))
    if not m:
        raise InvalidDateError(value)
    year = int(m.group(1))
    if not MIN_YEAR <= year <= dt.date.today().year + 1:
        raise InvalidDateError(value, "year out of range")
    month = int(m.group(2)) if m.group(2) else None
    day = int(m.group(3)) if m.group(3) else None
    if month is not None and not 1 <= month <= 12:
        raise InvalidDateError(value)
    if day is not None:
        try:
            dt.date(year, month or 1, day)
        except ValueError:
            raise InvalidDateError(value) from None
    return PartialDate(year, month, day)


class DateRelation(StrEnum):
    """How two birth dates relate. Codes are stable (used in SQL too)."""

    MISSING = "missing"  # one or both unknown: neutral
    EXACT = "exact"  # same full date
    SWAPPED = "swapped"  # same year, day and month swapped
    COMPATIBLE = "compatible"  # partial dates agreeing as far as known
    YEAR_OFF = "year_off"  # same day and month, year differs by one
    SAME_YEAR = "same_year"  # same year, other month/day
    CONFLICT = "conflict"  # clearly different


DATE_NOTES: dict[DateRelation, str] = {
    DateRelation.MISSING: "",
    DateRelation.EXACT: "birth date equal",
    DateRelation.SWAPPED: "birth date day/month swapped",
    DateRelation.COMPATIBLE: "birth date compatible (partial)",
    DateRelation.YEAR_OFF: "birth year differs by one",
    DateRelation.SAME_YEAR: "birth year equal, day/month differ",
    DateRelation.CONFLICT: "birth date differs",
}


def compare_dates(a: PartialDate | None, b: PartialDate | None) -> DateRelation:
    """Relation between two (possibly partial) birth dates."""
    if a is None or b is None:
        return DateRelation.MISSING
    full = a.day is not None and b.day is not None
    if a.year == b.year:
        if full:
            if a.month == b.month and a.day == b.day:
                return DateRelation.EXACT
            if a.month == b.day and a.day == b.month:
                return DateRelation.SWAPPED
            return DateRelation.SAME_YEAR
        if a.month is None or b.month is None or a.month == b.month:
            return DateRelation.COMPATIBLE
        if (a.day is not None and a.day == b.month) or (b.day is not None and b.day == a.month):
            return DateRelation.COMPATIBLE
        return DateRelation.SAME_YEAR
    if abs(a.year - b.year) == 1 and full and a.month == b.month and a.day == b.day:
        return DateRelation.YEAR_OFF
    return DateRelation.CONFLICT


def date_to_ints(d: PartialDate | None) -> tuple[int, int, int]:
    """``(year, month, day)`` with 0 for unknown parts (for vectorised matching)."""
    if d is None:
        return (0, 0, 0)
    return (d.year, d.month or 0, d.day or 0)
