"""What `liaison status` reports: identity, record counts, and what each app adds.

An installed app may define ``status_report(self) -> dict`` on its AppConfig (the exchange
app reports its peers); the dicts are merged in INSTALLED_APPS order. Core knows no domain app.
"""

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


def app_reports() -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for config in apps.get_app_configs():
        report = getattr(config, "status_report", None)
        if callable(report):
            merged.update(report())
    return merged


def node_status() -> dict[str, Any]:
    identity = this_node()
    status: dict[str, Any] = {
        "node": {
            "id": identity.id,
            "country": identity.country,
            "name": identity.name,
            "fingerprint": identity.fingerprint,
            "url": identity.url,
        },
    }
    status.update(app_reports())
    status["records"] = record_counts()
    status["sync_worker"] = worker_status(home())
    return status
