"""Dashboard panels for a liaison officer: unacknowledged hotline messages, overdue requests,
new partner notices and wanted persons located this month."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from liaison.cooperation.services.hotline import unacknowledged
from liaison.cooperation.services.requests import overdue_requests
from liaison.cooperation.services.wanted import (
    located_this_month,
    new_partner_notices,
    read_notices,
)
from liaison.core.node import NodeNotInitialised


def dashboard_panels(user: Any) -> list[dict[str, Any]]:
    if not getattr(user, "is_authenticated", False):
        return []
    try:
        unacked = list(unacknowledged(user).order_by("-sent_at")[:5])
        unacked_count = unacknowledged(user).count()
        overdue = list(overdue_requests(user).order_by("deadline")[:5])
        overdue_count = overdue_requests(user).count()
        notices = list(new_partner_notices(user).order_by("-created_at")[:5])
        notices_count = new_partner_notices(user).count()
        located = list(located_this_month(user)[:5])
        located_count = located_this_month(user).count()
    except NodeNotInitialised:
        return []
    # The panel shows the wanted persons' names: each notice shown is read once.
    shown = {n.pk: n for n in [*notices, *located]}
    read_notices(list(shown.values()), user, via="dashboard")
    hotline = reverse("cooperation:hotline")
    requests = reverse("cooperation:request_list")
    wanted = reverse("cooperation:wanted_list")
    rows_msgs = [(_("Unacknowledged"), unacked_count, hotline)] + [
        (
            f"[{m.get_priority_display()}] {m.subject}",
            m.from_unit_name,
            reverse("cooperation:message", args=[m.uuid]),
        )
        for m in unacked
    ]
    rows_req = [(_("Overdue"), overdue_count, f"{requests}?overdue=1")] + [
        (
            f"{r.reference} · {r.get_request_type_display()}",
            r.deadline.isoformat() if r.deadline else "",
            reverse("cooperation:request", args=[r.uuid]),
        )
        for r in overdue
    ]
    rows_notices = [(_("Last 14 days"), notices_count, f"{wanted}?side=partner")] + [
        (
            f"{n.full_name} {n.latin_name}".strip(),
            n.reference,
            reverse("cooperation:wanted", args=[n.uuid]),
        )
        for n in notices
    ]
    rows_located = [(_("This month"), located_count, f"{wanted}?status=located")] + [
        (
            f"{n.full_name} {n.latin_name}".strip(),
            n.get_status_display(),
            reverse("cooperation:wanted", args=[n.uuid]),
        )
        for n in located
    ]
    return [
        {"title": _("Hotline messages to acknowledge"), "url": hotline, "rows": rows_msgs},
        {
            "title": _("Overdue assistance requests"),
            "url": f"{requests}?overdue=1",
            "rows": rows_req,
        },
        {
            "title": _("New partner wanted notices"),
            "url": f"{wanted}?side=partner",
            "rows": rows_notices,
        },
        {
            "title": _("Wanted persons located this month"),
            "url": f"{wanted}?status=located",
            "rows": rows_located,
        },
    ]


def dashboard_counts(user: Any) -> dict[str, int]:
    return {
        "unacknowledged": unacknowledged(user).count(),
        "overdue": overdue_requests(user).count(),
        "new_notices": new_partner_notices(user).count(),
        "located": located_this_month(user).count(),
    }
