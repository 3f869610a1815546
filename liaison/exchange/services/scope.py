"""Which releases a user may see: those of records the user may see (the user's unit
subtree, as ``Record.objects.visible_to``). A release shows the record's legal basis and who
released it, so it is as confidential as the record. National-level users (ministry and
department) see every release of the node, and the node-wide federation figures."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from liaison.core.models import Role, UnitKind, User
from liaison.exchange.models import Release
from liaison.exchange.registry import kinds
from liaison.exchange.services.peers import peer_status

NATIONAL_KINDS = (UnitKind.MINISTRY, UnitKind.DEPARTMENT)


def sees_every_release(user: User) -> bool:
    return bool(user.is_superuser) or (user.unit is not None and user.unit.kind in NATIONAL_KINDS)


def visible_releases(user: User) -> QuerySet[Release]:
    """The releases ``user`` may see, unordered and unfiltered otherwise."""
    releases = Release.objects.all()
    if not user.is_authenticated or not user.is_active:
        return releases.none()
    if sees_every_release(user):
        return releases
    if user.unit_id is None:
        return releases.none()
    scope = Q(pk__in=[])
    for kind, spec in sorted(kinds().items()):
        records = spec.model.objects.visible_to(user).values("uuid")  # type: ignore[attr-defined]
        scope |= Q(kind=kind, record_uuid__in=records)
    return releases.filter(scope)


def sees_node_totals(user: User) -> bool:
    """Whether ``user`` sees the node-wide federation figures (backlog, envelopes received,
    refusals, last error): they count every province's records, so national-level users
    and node admins only."""
    return sees_every_release(user) or (user.is_active and user.has_role(Role.NODE_ADMIN))


def peer_status_for(user: User) -> list[dict[str, Any]]:
    """:func:`peer_status`, with the node-wide figures left out (None) for other users."""
    rows = peer_status()
    if sees_node_totals(user):
        return rows
    hidden = ("backlog", "received", "rejected", "last_error", "last_error_at", "failures")
    return [{**row, **dict.fromkeys(hidden)} for row in rows]
