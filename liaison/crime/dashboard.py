"""The crime panel of the dashboard: record counts the user can see, and the last cases."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from liaison.crime import services
from liaison.crime.models import DrugCase, Hotspot, Person, TraffickingRing


def dashboard_panels(user: Any) -> list[dict[str, Any]]:
    cases = services.visible(DrugCase, user)
    rows = [
        (_("Drug cases"), cases.count(), reverse("crime:cases")),
        (_("Persons"), services.visible(Person, user).count(), reverse("crime:persons")),
        (
            _("Active hotspots"),
            services.visible(Hotspot, user).filter(status="active").count(),
            reverse("crime:list", args=["hotspots"]) + "?hotspot_status=active",
        ),
        (
            _("Active rings"),
            services.visible(TraffickingRing, user).filter(status="active").count(),
            reverse("crime:list", args=["rings"]) + "?ring_status=active",
        ),
    ]
    latest = [
        (
            f"{c.case_ref} · {c.detected_on.isoformat()}",
            c.province.localised_name(),
            reverse("crime:detail", args=["cases", c.uuid]),
        )
        for c in cases.select_related("province").order_by("-detected_on", "-id")[:5]
    ]
    return [
        {"title": _("National records"), "rows": rows},
        {"title": _("Latest cases"), "rows": latest},
    ]
