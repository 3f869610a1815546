"""How copies received from a partner are filed, and the registration of every cooperation
record kind with the exchange (which verifies and applies what partners send).

Per kind: its model, the unit a received copy is filed under (which decides who sees it),
what to refresh after it is applied, and the fields that are this node's own and not sent.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from liaison.cooperation import federation
from liaison.cooperation.contributions import NotOwner
from liaison.cooperation.models.agreements import ActionItem, Agreement, CapacityProject, Meeting
from liaison.cooperation.models.common import Contribution
from liaison.cooperation.models.hotline import Message, MessageReceipt
from liaison.cooperation.models.joint import JointCase, JointCaseEntry
from liaison.cooperation.models.patrols import Patrol, PatrolResult
from liaison.cooperation.models.requests import AssistanceRequest, RequestResponse
from liaison.cooperation.models.wanted import WantedEvent, WantedNotice
from liaison.cooperation.services.hotline import route_message
from liaison.cooperation.services.requests import refresh_request
from liaison.cooperation.services.wanted import refresh_notice
from liaison.core.models import Record, Unit


def _parent_unit(attr: str) -> Callable[[Record], Unit]:
    def route(obj: Record) -> Unit:
        parent = getattr(obj, attr)
        return parent.owner_unit if parent is not None else federation.root_unit()

    return route


def _root(obj: Record) -> Unit:
    return federation.root_unit()


def _request_unit(obj: Record) -> Unit:
    assert isinstance(obj, AssistanceRequest)
    return federation.unit_by_code(obj.to_unit_code) or federation.root_unit()


def _partner_unit_of(obj: Record) -> Unit:
    """A joint case or patrol is filed under the unit it names as the partner's (this node's
    unit, seen from the side that opened it), else at the ministry."""
    return federation.unit_by_code(getattr(obj, "partner_unit_code", "")) or federation.root_unit()


def _action_unit(obj: Record) -> Unit:
    assert isinstance(obj, ActionItem)
    parent = obj.agreement or obj.meeting
    return parent.owner_unit if parent is not None else federation.root_unit()


def _after_event(obj: Record) -> None:
    assert isinstance(obj, WantedEvent)
    if obj.notice is not None:
        refresh_notice(obj.notice)


def _after_notice(obj: Record) -> None:
    assert isinstance(obj, WantedNotice)
    refresh_notice(obj)


def _after_response(obj: Record) -> None:
    assert isinstance(obj, RequestResponse)
    if obj.request is not None:
        refresh_request(obj.request)


def _after_request(obj: Record) -> None:
    assert isinstance(obj, AssistanceRequest)
    refresh_request(obj)


#: kind → (model, where a received copy is filed, what to refresh after, fields not sent)
RECEIVING: dict[str, tuple[type[Record], Callable[[Record], Unit], Any, tuple[str, ...]]] = {
    "messages": (Message, route_message, None, ("channel",)),
    "message-receipts": (MessageReceipt, _parent_unit("message"), None, ()),
    "wanted-notices": (WantedNotice, _root, _after_notice, ("status",)),
    "wanted-notice-events": (WantedEvent, _parent_unit("notice"), _after_event, ()),
    "requests": (AssistanceRequest, _request_unit, _after_request, ("status",)),
    "request-responses": (RequestResponse, _parent_unit("request"), _after_response, ()),
    "joint-cases": (JointCase, _partner_unit_of, None, ()),
    "joint-case-entries": (JointCaseEntry, _parent_unit("joint_case"), None, ()),
    "patrols": (Patrol, _partner_unit_of, None, ()),
    "patrol-results": (PatrolResult, _parent_unit("patrol"), None, ()),
    "agreements": (Agreement, _root, None, ()),
    "meetings": (Meeting, _root, None, ()),
    "action-items": (ActionItem, _action_unit, None, ()),
    "capacity-projects": (CapacityProject, _root, None, ()),
}


LOCAL_TO_CONTRIBUTIONS = ("parent_recalled_by", "parent_recalled_at")


def register_with_exchange() -> None:
    """Make every cooperation kind exchangeable, with its own filing of received copies."""
    try:
        from liaison.exchange.registry import ApplyRefused, register_kind
    except ImportError:  # pragma: no cover
        return

    def refusing(apply: Any) -> Any:
        def run(envelope: Any, fields: dict[str, Any], existing: Record | None) -> None:
            try:
                apply(envelope, fields, existing)
            except NotOwner as exc:
                raise ApplyRefused(exc.reason, str(exc)) from exc

        return run

    for kind, (model, route, after, exclude) in RECEIVING.items():
        apply = refusing(federation.make_apply(model, route, after, kind))
        if issubclass(model, Contribution):
            exclude = (*exclude, *LOCAL_TO_CONTRIBUTIONS)  # this node's own notes
        register_kind(kind, model, apply=apply, exclude=exclude)
