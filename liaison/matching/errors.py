"""Typed errors raised by the matching library for bad input."""

from __future__ import annotations


class MatchingInputError(ValueError):
    """A value given to the matching library cannot be used.

    ``field`` names the offending field (``birth_date``, ``nationality`` …) and
    ``value`` is the raw text, so callers can build messages such as
    ``input.csv row 7 field birth_date: not a date "1990-13-45"``.
    """

    def __init__(self, field: str, value: str, reason: str) -> None:
        self.field = field
        self.value = value
        self.reason = reason
        super().__init__(f'field {field}: {reason} "{value}"')


class InvalidDateError(MatchingInputError):
    """A birth date is not ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (or not a real date)."""

    def __init__(self, value: str, reason: str = "not a date") -> None:
        super().__init__("birth_date", value, reason)


class InvalidNationalityError(MatchingInputError):
    """A nationality is not an ISO 3166-1 country code."""

    def __init__(self, value: str) -> None:
        super().__init__("nationality", value, "not an ISO 3166-1 country code")
