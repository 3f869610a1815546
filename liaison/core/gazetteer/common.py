"""What the gazetteer's loading and lookups share: dates of the 2025 reform, errors, name helpers."""

from __future__ import annotations

import datetime as dt
import gettext as gettext_module
import json
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any

import pycountry
from django.utils import dateformat

MERGER_DATE = dt.date(2025, 7, 1)
LAST_PRE_MERGER_DAY = MERGER_DATE - dt.timedelta(days=1)

DATA_DIR = Path(__file__).resolve().parents[1] / "data"

# Countries the project peers with or borders; each gets a Country row whatever is loaded.
NEIGHBOURS = ("VN", "LA", "KH", "TH", "CN", "MM", "RU")
_DISTRICT_TYPE_EN = {"Huyện": "District", "Quận": "Urban District", "Thị xã": "Town"}
_WARD_TYPE_EN = {
    "Xã": "Commune",
    "Phường": "Ward",
    "Thị trấn": "Township",
    "Đặc khu": "Special Zone",
}


class GazetteerError(ValueError):
    """A place code that is unknown or not valid on the date it is used for."""


# ----------------------------------------------------------------------------- helpers


def fold_vietnamese(text: str) -> str:
    """Vietnamese without tone marks and with đ→d ("Nghệ An" → "Nghe An")."""
    text = text.replace("Đ", "D").replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if not unicodedata.combining(c))
    )


def _name_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold_vietnamese(text).lower())


@lru_cache(maxsize=32)
def _translator(domain: str, language: str) -> gettext_module.NullTranslations:
    return gettext_module.translation(
        domain, pycountry.LOCALES_DIR, languages=[language], fallback=True
    )


def _translate(domain: str, language: str, *candidates: str | None) -> str:
    """First candidate pycountry actually translates (an untranslated string comes back as is)."""
    translator = _translator(domain, language)
    names = [c for c in candidates if c]
    for name in names:
        translated = translator.gettext(name)
        if translated != name:
            return translated
    return names[0] if names else ""


@lru_cache(maxsize=256)
def own_locale(country: str) -> str:
    """The pycountry catalogue of the country's own language (CLDR's first official one):
    "ru", "km", "zh_CN"; "" where pycountry has none."""
    from liaison.core.countries import own_language

    language = own_language(country)
    base = language.split("_")[0]
    for candidate in (f"{base}_{country}", language, base):
        if (Path(pycountry.LOCALES_DIR) / candidate).is_dir():
            return candidate
    return ""


@lru_cache(maxsize=1)
def _subdivision_names() -> dict[str, dict[str, dict[str, str]]]:
    """Names pycountry does not ship, by country and ISO 3166-2 code."""
    with open(DATA_DIR / "subdivision_names.json", encoding="utf-8") as fh:
        data = json.load(fh)
    return {k: v for k, v in data.items() if not k.startswith("_")}


@lru_cache(maxsize=1)
def _facts() -> dict[str, Any]:
    with open(DATA_DIR / "border_facts.json", encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def _vn_dataset() -> Path:
    import vietnamadminunits

    return Path(vietnamadminunits.__file__).resolve().parent / "data"


def _fmt_date(day: dt.date) -> str:
    return dateformat.format(day, "j F Y")
