"""REST API for statistics: /api/v1/statistics (the same figures as `liaison report`)."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Query, Router

from liaison.core.countries import is_country
from liaison.core.gazetteer import GazetteerError
from liaison.crime.taxonomy import DEFAULT_TABLE
from liaison.reports import stats

router = Router(tags=["reports"])


def unit_scope(user: Any) -> str | None:
    """The unit path a user's statistics are limited to (None: the whole node)."""
    if user.is_superuser or (user.unit_id and user.unit.parent_id is None):
        return None
    return str(user.unit.path) if user.unit_id else "/nothing/"


@router.get("/statistics")
def statistics(
    request: HttpRequest,
    date_from: dt.date,
    date_to: dt.date,
    border_provinces: bool = False,
    partner: str | None = None,
    province: list[str] = Query([]),  # noqa: B008
    table: str = DEFAULT_TABLE,
) -> dict[str, Any]:
    """Cases, defendants, foreign defendants, seizures by drug with kg-equivalents, hotspots
    eradicated, rings dismantled, joint cases; counted over the caller's unit subtree.
    ``border_provinces`` keeps the provinces facing ``partner`` (ISO 3166-1 alpha-2), or
    facing any country this node works with."""
    if date_to < date_from:
        raise ValidationError({"date_to": "before date_from"})
    if partner and not is_country(partner):
        raise ValidationError({"partner": "not an ISO 3166-1 alpha-2 country code"})
    try:
        selection = stats.select(
            date_from, date_to, province, border=border_provinces, partner=partner
        )
        return stats.compute(selection, table, unit_path=unit_scope(request.user))
    except GazetteerError as exc:
        raise ValidationError({"province": str(exc)}) from exc
    except ValueError as exc:
        raise ValidationError({"table": str(exc)}) from exc
