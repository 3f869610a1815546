"""What `liaison status` reports: identity, peers (from the exchange app) and record counts."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db.models import Count

from liaison.core.models import Record
from liaison.core.node import home, this_node
from liaison.core.worker import worker_status


def record_models() -> list[type[Record]]:
    return [m for m in apps.get_models() if issubclass(m, Record) and m.record_kind]


def record_counts() -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for model in record_models():
        rows = model.objects.values("origin_country").annotate(n=Count("id"))
        by_origin = {row["origin_country"]: row["n"] for row in rows}
        counts[model.record_kind] = by_origin
    return counts


def peer_statuses() -> list[dict[str, Any]]:
    try:
        from liaison.exchange.services import peer_status
    except ImportError:
        return []
    return list(peer_status())


def node_status() -> dict[str, Any]:
    identity = this_node()
    return {
        "node": {
            "id": identity.id,
            "country": identity.country,
            "name": identity.name,
            "fingerprint": identity.fingerprint,
            "url": identity.url,
        },
        "peers": peer_statuses(),
        "records": record_counts(),
        "sync_worker": worker_status(home()),
    }
