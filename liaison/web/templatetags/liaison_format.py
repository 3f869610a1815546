"""Template filters that format in the reader's language and the node's time zone.

``{% load liaison_format %}`` then::

    {{ case.detected_on|local_date }}          30 thg 11, 2026
    {{ case.detected_on|local_date:"long" }}   30 tháng 11, 2026
    {{ message.sent_at|local_datetime }}       06:03:01 1 thg 12, 2026
    {{ message.sent_at|local_time }}           06:03
    {{ count|local_number }}                   133.400
    {{ share|local_number:1 }}                 15,7
    {{ seizure.quantity|quantity:seizure.unit }}  1.200 viên
    {{ person.birth_date|partial_date }}       thg 4 1990
    {{ delay|duration }}                       3 giờ
"""

from __future__ import annotations

from typing import Any

from django import template

from liaison.web import formatting

register = template.Library()


@register.filter
def local_date(value: Any, length: str = "medium") -> str:
    return formatting.format_date(value, length)


@register.filter
def local_datetime(value: Any, length: str = "medium") -> str:
    return formatting.format_datetime(value, length)


@register.filter
def local_time(value: Any, length: str = "short") -> str:
    return formatting.format_time(value, length)


@register.filter
def local_number(value: Any, decimals: Any = None) -> str:
    places = int(decimals) if decimals not in (None, "") else None
    return formatting.format_number(value, places)


@register.filter
def quantity(value: Any, unit: str = "") -> str:
    return formatting.format_quantity(value, str(unit or ""))


@register.filter
def partial_date(value: Any) -> str:
    return formatting.format_partial_date(value)


@register.filter
def duration(value: Any) -> str:
    return formatting.format_duration(value)


@register.filter
def sex(value: Any) -> str:
    """ "F" → "Female" in the reader's language ("Nữ", "ຍິງ")."""
    from liaison.crime.models import Sex

    return str(dict(Sex.choices).get(value or "", value)) if value else ""


@register.filter
def province(value: Any) -> str:
    """A province in the reader's language with its era: "Sơn La (to 30 Jun 2025)"."""
    from liaison.web.names import province_display

    return province_display(value) if value else ""


@register.filter
def unit_name(value: Any) -> str:
    """A partner unit's name romanised for a reader of another script, the original beside."""
    from liaison.web.names import unit_display

    return unit_display(str(value or ""))
