"""Operations on cooperation records: the only code that writes them.

One module per mechanism (``hotline``, ``wanted``, ``requests``, ``joint``, ``patrols``,
``agreements``); ``common`` holds the write guard, record creation and visibility they share,
``attachments`` the files. Code inside this app imports from those modules directly.

Below is the interface other apps, commands and tests use: ``core``'s ``liaison init`` makes
the default hotline channels, the demo sends notices and messages, reports count joint cases.
"""

from liaison.cooperation.services.agreements import (
    add_action_item,
    create_agreement,
    create_project,
    implementation_status,
    record_meeting,
    update_action_item,
    update_project,
)
from liaison.cooperation.services.common import visible
from liaison.cooperation.services.hotline import (
    acknowledge,
    channels_for,
    create_channel,
    ensure_default_channels,
    format_duration,
    hotline_report,
    inbox,
    mark_read,
    receipt_times,
    render_template,
    send_message,
    unacknowledged,
)
from liaison.cooperation.services.joint import (
    add_entry,
    joint_case_count,
    open_joint_case,
    update_entry,
)
from liaison.cooperation.services.patrols import (
    add_patrol_result,
    patrol_totals,
    plan_patrol,
    set_patrol_status,
)
from liaison.cooperation.services.requests import (
    close_request,
    overdue_requests,
    respond,
    send_request,
)
from liaison.cooperation.services.wanted import (
    add_wanted_event,
    cancellation_status,
    issue_wanted_notice,
    located_this_month,
    update_wanted_notice,
    wanted_abroad_summary,
    withdraw_wanted_notice,
)

__all__ = [
    "acknowledge",
    "add_action_item",
    "add_entry",
    "add_patrol_result",
    "add_wanted_event",
    "cancellation_status",
    "channels_for",
    "close_request",
    "create_agreement",
    "create_channel",
    "create_project",
    "ensure_default_channels",
    "format_duration",
    "hotline_report",
    "implementation_status",
    "inbox",
    "issue_wanted_notice",
    "joint_case_count",
    "located_this_month",
    "mark_read",
    "open_joint_case",
    "overdue_requests",
    "patrol_totals",
    "plan_patrol",
    "receipt_times",
    "record_meeting",
    "render_template",
    "respond",
    "send_message",
    "send_request",
    "set_patrol_status",
    "unacknowledged",
    "update_action_item",
    "update_entry",
    "update_project",
    "update_wanted_notice",
    "visible",
    "wanted_abroad_summary",
    "withdraw_wanted_notice",
]
