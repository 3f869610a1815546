"""The read side of TAXII 2.1 for one collection: URL filter parameters, pages of objects,
manifests and versions, and the X-TAXII-Date-Added-First/Last headers. No writes here."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext as _

from liaison.interop.models import Collection, CollectionObject
from liaison.interop.stix import stamp

MEDIA_TAXII = "application/taxii+json;version=2.1"
MEDIA_STIX = "application/stix+json;version=2.1"
API_ROOT = "liaison"
#: The largest page a client may ask for; a larger ``limit`` is refused (400).
MAX_LIMIT = 1000
DEFAULT_LIMIT = 1000

_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z")
_TYPE = re.compile(r"[a-z0-9][a-z0-9-]{1,249}")
_ID = re.compile(
    r"[a-z0-9][a-z0-9-]{1,249}--[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
)


class BadRequest(ValueError):
    """A filter parameter the server cannot understand (HTTP 400)."""


@dataclass(frozen=True)
class Filters:
    added_after: dt.datetime | None = None
    limit: int = DEFAULT_LIMIT
    after_seq: int = 0
    types: tuple[str, ...] = ()
    ids: tuple[str, ...] = ()
    #: STIX ``modified`` values asked for; empty means any (this server holds only the
    #: current version of each object, which is its first, last and all).
    versions: tuple[str, ...] = ()
    spec_version_ok: bool = True


def is_valid_id(value: str) -> bool:
    return bool(_ID.fullmatch(value))


def _values(query: QueryDict, name: str) -> list[str]:
    return [v.strip() for raw in query.getlist(name) for v in raw.split(",") if v.strip()]


def parse_timestamp(text: str, name: str) -> dt.datetime:
    if not _TIMESTAMP.fullmatch(text):
        raise BadRequest(
            _("%(name)s must be a UTC timestamp such as 2026-01-31T08:00:00.000Z.") % {"name": name}
        )
    whole, _dot, fraction = text[:-1].partition(".")
    try:
        value = dt.datetime.fromisoformat(whole).replace(tzinfo=dt.UTC)
    except ValueError as exc:
        raise BadRequest(_("%(name)s is not a valid date and time.") % {"name": name}) from exc
    return value + dt.timedelta(microseconds=int((fraction + "000000")[:6]) if fraction else 0)


def parse_filters(query: QueryDict) -> Filters:
    """The TAXII 2.1 URL parameters; anything malformed raises :class:`BadRequest`."""
    added_after = None
    if "added_after" in query:
        added_after = parse_timestamp(query.get("added_after", ""), "added_after")
    limit = DEFAULT_LIMIT
    if "limit" in query:
        raw = query.get("limit", "")
        if not raw.isdigit() or int(raw) < 1:
            raise BadRequest(_("limit must be a whole number from 1."))
        limit = int(raw)
        if limit > MAX_LIMIT:
            raise BadRequest(
                _("limit %(n)s is more than this server returns at once (%(max)s).")
                % {"n": limit, "max": MAX_LIMIT}
            )
    after_seq = 0
    if "next" in query:
        raw = query.get("next", "")
        if not raw.isdigit() or len(raw) > 18:
            raise BadRequest(_("next must be a value this server returned."))
        after_seq = int(raw)
    types = _values(query, "match[type]")
    if any(not _TYPE.fullmatch(t) for t in types):
        raise BadRequest(_("match[type] takes STIX object types."))
    ids = _values(query, "match[id]")
    if any(not is_valid_id(i) for i in ids):
        raise BadRequest(_("match[id] takes STIX identifiers."))
    versions: list[str] = []
    for value in _values(query, "match[version]"):
        if value in ("first", "last", "all"):
            versions = []
            break
        versions.append(stamp(parse_timestamp(value, "match[version]")))
    spec_versions = _values(query, "match[spec_version]")
    return Filters(
        added_after=added_after,
        limit=limit,
        after_seq=after_seq,
        types=tuple(types),
        ids=tuple(ids),
        versions=tuple(versions),
        spec_version_ok=not spec_versions or "2.1" in spec_versions,
    )


def select(
    collection: Collection, filters: Filters, object_id: str | None = None
) -> QuerySet[CollectionObject]:
    rows = CollectionObject.objects.filter(collection=collection).order_by("seq")
    if not filters.spec_version_ok:
        return rows.none()
    if object_id is not None:
        rows = rows.filter(stix_id=object_id)
    if filters.added_after is not None:
        rows = rows.filter(date_added__gt=filters.added_after)
    if filters.after_seq:
        rows = rows.filter(seq__gt=filters.after_seq)
    if filters.types:
        rows = rows.filter(stix_type__in=filters.types)
    if filters.ids:
        rows = rows.filter(stix_id__in=filters.ids)
    if filters.versions:
        rows = rows.filter(version__in=filters.versions)
    return rows


def page(rows: QuerySet[CollectionObject], filters: Filters) -> tuple[list[Any], bool]:
    found = list(rows[: filters.limit + 1])
    return found[: filters.limit], len(found) > filters.limit


def added(value: dt.datetime) -> str:
    """A date_added value, to the microsecond (what added_after compares with)."""
    value = value.astimezone(dt.UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def envelope(rows: list[CollectionObject], more: bool) -> dict[str, Any]:
    data: dict[str, Any] = {"more": more}
    if more:
        data["next"] = str(rows[-1].seq)
    if rows:
        data["objects"] = [row.body for row in rows]
    return data


def manifest(rows: list[CollectionObject], more: bool) -> dict[str, Any]:
    data: dict[str, Any] = {"more": more}
    if more:
        data["next"] = str(rows[-1].seq)
    if rows:
        data["objects"] = [
            {
                "id": row.stix_id,
                "date_added": added(row.date_added),
                "version": row.version,
                "media_type": MEDIA_STIX,
            }
            for row in rows
        ]
    return data


def versions(rows: list[CollectionObject], more: bool) -> dict[str, Any]:
    data: dict[str, Any] = {"more": more}
    if rows:
        data["versions"] = [row.version for row in rows]
    return data


def date_headers(rows: list[CollectionObject]) -> dict[str, str]:
    if not rows:
        return {}
    return {
        "X-TAXII-Date-Added-First": added(rows[0].date_added),
        "X-TAXII-Date-Added-Last": added(rows[-1].date_added),
    }
