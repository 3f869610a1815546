"""Dashboard panel for analysts and supervisors: open match alerts."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from liaison.screening import services
from liaison.screening.models import AlertStatus


def dashboard_panels(user: Any) -> list[dict[str, Any]]:
    if not getattr(user, "is_authenticated", False):
        return []
    if not (user.is_superuser or any(user.has_role(r) for r in services.DECIDER_ROLES)):
        return []
    alerts = services.alerts_for(user).filter(status=AlertStatus.OPEN)
    url = reverse("screening:alerts")
    rows: list[tuple[str, Any, str]] = [(_("Matching alerts: open"), alerts.count(), url)]
    shown = list(alerts.order_by("-score", "-id")[:5])
    # The panel shows both persons' names of each alert.
    services.read_alerts(shown, user, via="dashboard")
    for a in shown:
        rows.append(
            (
                f"{a.subject_snapshot.get('name', '')} ~ {a.candidate_snapshot.get('name', '')}",
                f"{a.score:.2f}",
                reverse("screening:alert", args=[a.pk]),
            )
        )
    return [{"title": _("Matching alerts"), "url": url, "rows": rows}]
