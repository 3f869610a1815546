"""Identity documents, phone numbers, vehicle plates and nationalities."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

import phonenumbers
import pycountry
from anyascii import anyascii
from stdnum import util as stdnum_util

from .errors import InvalidNationalityError

_ALNUM = re.compile(r"[^0-9A-Z]")


DATA_FILE = Path(__file__).resolve().parent / "data" / "regions.json"


def _regions_data() -> dict[str, Any]:
    with open(DATA_FILE, encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def _stdnum_modules(
    names: dict[str, list[str]],
) -> dict[str, tuple[stdnum_util.NumberValidationModule, ...]]:
    """Country → the python-stdnum modules that validate its national numbers."""
    mods: dict[str, tuple[stdnum_util.NumberValidationModule, ...]] = {}
    for country, modules in names.items():
        found = []
        for name in modules:
            try:
                found.append(stdnum_util.get_cc_module(country, name))
            except ImportError:  # pragma: no cover - depends on python-stdnum build
                continue
        mods[country.upper()] = tuple(m for m in found if m is not None)
    return mods


_DATA = _regions_data()
#: Regions a phone number without a country code is tried in, in order.
PHONE_REGIONS: tuple[str, ...] = tuple(_DATA["phone_regions"])
_STDNUM = _stdnum_modules(_DATA["national_numbers"])


@functools.lru_cache(maxsize=200_000)
def normalise_id(value: str | None, country: str | None = None) -> str:
    """Canonical form of an identity-document number ('' when blank).

    Where python-stdnum knows a national number of ``country`` (VN tax code,
    RU INN, TH citizen id) and the value validates, its compact form is used;
    otherwise the value is upper-cased with everything but letters and digits
    removed (``B 123-456.7`` → ``B1234567``). Cyrillic letters in passport
    series are transliterated.
    """
    if not value:
        return ""
    for mod in _STDNUM.get((country or "").upper(), ()):
        try:
            if mod.is_valid(value):
                return str(mod.compact(value))
        except Exception:  # noqa: S112 - stdnum validators may raise on odd input
            continue
    return _ALNUM.sub("", anyascii(value).upper())


def normalise_phone(value: str | None, regions: tuple[str, ...] | None = None) -> str:
    """E.164 form of a phone number ('' if it cannot be parsed in any default region;
    ``regions`` default to ``PHONE_REGIONS``)."""
    if not value or not value.strip():
        return ""
    parsed = []
    for region in PHONE_REGIONS if regions is None else regions:
        try:
            parsed.append(phonenumbers.parse(value, region))
        except phonenumbers.NumberParseException:
            continue
    for check in (phonenumbers.is_valid_number, phonenumbers.is_possible_number):
        for num in parsed:
            if check(num):
                return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)
    return ""


_PLATE_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "Q": "0"})


def normalise_plate(value: str | None) -> str:
    """Vehicle plate key: Latin upper-case alphanumerics, O/I/Q read as digits.

    ``29A-123.45`` and ``29a 12345`` give the same key; Lao plates in Lao
    script (``ກຂ 1234``) are transliterated first.
    """
    if not value:
        return ""
    return _ALNUM.sub("", anyascii(value).upper()).translate(_PLATE_CONFUSABLE)


@functools.lru_cache(maxsize=1024)
def normalise_nationality(value: str | None) -> str:
    """ISO 3166-1 alpha-2 code ('' when blank); ``InvalidNationalityError`` if unknown.

    Accepts alpha-2, alpha-3 and English country names (``vn``, ``VNM``, ``Viet Nam``).
    """
    if value is None or not value.strip():
        return ""
    text = value.strip()
    try:
        country = pycountry.countries.lookup(text)
    except LookupError:
        raise InvalidNationalityError(value) from None
    return str(country.alpha_2)
