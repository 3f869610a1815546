"""Dashboard panels for a liaison officer: unacknowledged hotline messages, overdue requests,
new partner notices and wanted persons located this month."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from liaison.cooperation import services
from liaison.core.node import NodeNotInitialised


def dashboard_panels(user: Any) -> list[dict[str, Any]]:
    if not getattr(user, "is_authenticated", False):
        return []
    try:
        unacked = list(services.unacknowledged(user).order_by("-sent_at")[:5])
        unacked_count = services.unacknowledged(user).count()
        overdue = list(services.overdue_requests(user).order_by("deadline")[:5])
        overdue_count = services.overdue_requests(user).count()
        notices = list(services.new_partner_notices(user).order_by("-created_at")[:5])
        notices_count = services.new_partner_notices(user).count()
        located = list(services.located_this_month(user)[:5])
        located_count = services.located_this_month(user).count()
    except NodeNotInitialised:
        return []
    hotline = reverse("cooperation:hotline")
    requests = reverse("cooperation:request_list")
    wanted = reverse("cooperation:wanted_list")
    rows_msgs = [(_("Unacknowledged"), unacked_count, hotline)] + [
        (f"[{m.get_priority_display()}] {m.subject}", m.from_unit_name,
         reverse("cooperation:message", args=[m.uuid]))
        for m in unacked
    ]  # fmt: skip
    rows_req = [(_("Overdue"), overdue_count, f"{requests}?overdue=1")] + [
        (f"{r.reference} · {r.get_request_type_display()}", r.deadline.isoformat() if r.deadline else "",
         reverse("cooperation:request", args=[r.uuid]))
        for r in overdue
    ]  # fmt: skip
    rows_notices = [(_("Last 14 days"), notices_count, f"{wanted}?side=partner")] + [
        (f"{n.full_name} {n.latin_name}".strip(), n.reference, reverse("cooperation:wanted", args=[n.uuid]))
        for n in notices
    ]  # fmt: skip
    rows_located = [(_("This month"), located_count, f"{wanted}?status=located")] + [
        (f"{n.full_name} {n.latin_name}".strip(), n.get_status_display(),
         reverse("cooperation:wanted", args=[n.uuid]))
        for n in located
    ]  # fmt: skip
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
