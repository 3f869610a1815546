"""Names of places as a reader wants them: in the reader's language and script, with the
original beside it when it is written differently, and a province's era when Viet Nam's
2025 reform makes two units share a name."""

from __future__ import annotations

import datetime as dt
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


def unit_display(name: str) -> str:
    """A partner unit's name as the reader can read it: a name in a script the reader does not
    read gets a romanised form first and the original beside it, "Kongbanxakan PKS Khveng
    Phongsali (ກອງບັນຊາການ ປກສ ແຂວງ ຜົ້ງສາລີ)" to a Vietnamese reader."""
    from anyascii import anyascii

    from liaison.matching.names import _romanise_token
    from liaison.matching.scripts import Script, detect_script

    if not name:
        return name
    script = detect_script(name)
    reads = _READS.get((get_language() or "en")[:2], {"cyrillic"})
    if script in reads or script in (Script.LATIN, Script.VIETNAMESE, Script.EMPTY):
        return name
    if script in (Script.UNKNOWN, Script.OTHER):
        return name
    words = []
    for token in name.split():
        romanised = _romanise_token(token, script)[0] or anyascii(token)
        # Short consonant clusters are abbreviations (ປກສ, "PKS").
        words.append(romanised.upper() if len(romanised) <= 3 else romanised.capitalize())
    return f"{' '.join(words)} ({name})"
