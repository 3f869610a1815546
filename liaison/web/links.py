"""Where a record of any kind is shown: one place that knows every app's detail page, so
the map, the link chart and the timelines can link to the records behind what they show."""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse

from liaison.crime.models import RECORD_MODELS

CRIME_KINDS = set(RECORD_MODELS)
#: record kind → URL name of its detail page (taking ``uuid``).
COOPERATION_PAGES = {
    "messages": "cooperation:message",
    "wanted-notices": "cooperation:wanted",
    "requests": "cooperation:request",
    "joint-cases": "cooperation:joint",
    "patrols": "cooperation:patrol",
    "agreements": "cooperation:agreement",
    "meetings": "cooperation:meeting",
    "capacity-projects": "cooperation:project",
}
#: record kind → URL name of its timeline (see liaison.web.timeline).
TIMELINES = {
    "cases": "web:timeline",
    "wanted-notices": "web:timeline",
    "requests": "web:timeline",
    "joint-cases": "web:timeline",
}


def record_url(kind: str, uuid: Any) -> str:
    """The detail page of a record, or "" when no page shows that kind."""
    try:
        if kind in CRIME_KINDS:
            return reverse("crime:detail", kwargs={"kind": kind, "uuid": uuid})
        if kind in COOPERATION_PAGES:
            return reverse(COOPERATION_PAGES[kind], kwargs={"uuid": uuid})
    except NoReverseMatch:
        return ""
    return ""


def timeline_url(kind: str, uuid: Any) -> str:
    if kind not in TIMELINES:
        return ""
    try:
        return reverse(TIMELINES[kind], kwargs={"kind": kind, "uuid": uuid})
    except NoReverseMatch:
        return ""


def list_url(kind: str, **params: Any) -> str:
    """A crime list page filtered by ``params`` (``province``, ``date_from``…)."""
    from urllib.parse import urlencode

    try:
        base = reverse("crime:list", kwargs={"kind": kind})
    except NoReverseMatch:
        return ""
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"{base}?{query}" if query else base
