"""Names of places as a reader wants them: in the reader's language and script, with the
original beside it when it is written differently, and a province's era when Viet Nam's
2025 reform makes two units share a name."""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from liaison.core.models import Province
from liaison.web.formatting import format_date, format_datetime, format_number


def place_name(local: str, original: str) -> str:
    """ "Phông-xa-lỳ (ຜົ້ງສາລີ)" or just "Nghệ An" when both are the same."""
    if not original or local == original:
        return local or original
    return f"{local} ({original})"


def province_era(p: Province) -> str:
    """ "to 30 Jun 2025", "from 1 Jul 2025" or "" for a unit of every era."""
    if p.valid_to:
        return _("to %(date)s") % {"date": format_date(p.valid_to)}
    if p.valid_from:
        return _("from %(date)s") % {"date": format_date(p.valid_from)}
    return ""


def province_display(p: Province) -> str:
    """ "Sơn La (to 30 Jun 2025)", "Hủa Phăn (ຫົວພັນ)", "Quang Tri (Quảng Trị, from 1 Jul 2025)"."""
    local = p.localised_name()
    notes = [p.name] if p.name and p.name != local else []
    era = province_era(p)
    if era:
        notes.append(era)
    return f"{local} ({', '.join(notes)})" if notes else local


def display_value(value: Any) -> Any:
    """A field's value as a reader sees it: dates and times in their language and the node's
    time zone, numbers with their decimal separator, provinces with their era."""
    if isinstance(value, Province):
        return province_display(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, dt.datetime):
        return format_datetime(value)
    if isinstance(value, dt.date):
        return format_date(value)
    if isinstance(value, Decimal | float | int):
        return format_number(value)
    if isinstance(value, list):
        return ", ".join(str(display_value(v)) for v in value)
    return value


#: Scripts a reader of each interface language reads.
_READS = {"vi": {"latin", "vietnamese"}, "en": {"latin", "vietnamese"}, "lo": {"lao"}}


@functools.lru_cache(maxsize=1)
def _national_units() -> dict[str, dict[str, Any]]:
    from liaison.core.setup import national_units

    return national_units()


@functools.lru_cache(maxsize=512)
def _province_named(country: str, name: str) -> Province | None:
    """The province a unit's name names (the current unit where both eras share the name)."""
    found = Province.objects.filter(country__code=country, name=name)
    return found.order_by("valid_to", "code").first()


def translated_unit_name(name: str, language: str) -> str:
    """A national unit's name in ``language`` when the name is one the partner's own
    ``liaison init`` gives (its ministry, drug police department or a province police,
    core/data/national_units.json), else "": "Bộ Chỉ huy Công an tỉnh Phông-xa-lỳ" for
    "ກອງບັນຊາການ ປກສ ແຂວງ ຜົ້ງສາລີ" in Vietnamese."""
    from liaison.core.countries import language_for

    for country, facts in _national_units().items():
        if language_for(country) == language:
            continue
        for kind in ("ministry", "department"):
            entry = facts.get(kind) or {}
            if entry.get("name") == name:
                return str(entry.get(f"name_{language}") or entry.get("name_en") or "")
        pattern = str(facts.get("province_police") or "")
        prefix, _sep, suffix = pattern.partition("{province}")
        if not _sep or not name.startswith(prefix) or not name.endswith(suffix):
            continue
        province = _province_named(country, name[len(prefix) : len(name) - len(suffix)])
        patterns = facts.get("province_police_in") or {}
        local = patterns.get(language) or patterns.get("en")
        if province is not None and local:
            return str(local).format(province=province.localised_name(language))
    return ""


def _romanised(name: str) -> str:
    """A name in a script the reader does not read, romanised: Lao by the Ministry of Health
    2020 system (lao2ipa), Cyrillic by ICAO 9303 (iuliia); "" for a name the reader reads."""
    from anyascii import anyascii

    from liaison.matching.names import _romanise_token
    from liaison.matching.scripts import Script, detect_script

    script = detect_script(name)
    reads = _READS.get((get_language() or "en")[:2], {"cyrillic"})
    if script in reads or script in (Script.LATIN, Script.VIETNAMESE, Script.EMPTY):
        return ""
    if script in (Script.UNKNOWN, Script.OTHER):
        return ""
    words = []
    for token in name.split():
        romanised = _romanise_token(token, script)[0] or anyascii(token)
        # Short consonant clusters are abbreviations (ປກສ, "PKS").
        words.append(romanised.upper() if len(romanised) <= 3 else romanised.capitalize())
    return " ".join(words)


def unit_display(name: str) -> str:
    """A partner unit's name as the reader can read it, the original beside: translated where
    the name is a national unit the data knows ("Bộ Chỉ huy Công an tỉnh Phông-xa-lỳ
    (ກອງບັນຊາການ ປກສ ແຂວງ ຜົ້ງສາລີ)" to a Vietnamese reader), else romanised when written in a
    script the reader does not read ("Kongbanxakan PKS Khveng Phongsali (ກອງບັນ…)")."""
    if not name:
        return name
    language = (get_language() or "en")[:2]
    local = translated_unit_name(name, language) or _romanised(name)
    return place_name(local, name) if local else name
