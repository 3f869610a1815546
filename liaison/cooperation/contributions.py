"""Only the owner changes a record. What a partner sends about a record it does not own (a
wanted-notice event, a response, a joint-case entry, a patrol result, a message receipt) is
the partner's own record, linked to ours. It may move our record's lifecycle only as
docs/cooperation.md says; anything else is refused with the reason, in the partner's receipt.
"""

from __future__ import annotations

from liaison.cooperation.models.wanted import WantedStatus
from liaison.core import audit
from liaison.core.audit import Actor
from liaison.core.models import Record

#: kind of contribution → the field naming the record it belongs to.
PARENT = {
    "message-receipts": "message",
    "wanted-notice-events": "notice",
    "request-responses": "request",
    "joint-case-entries": "joint_case",
    "patrol-results": "patrol",
}

#: kind → (field, values a partner may send on a record it does not own). A field not named
#: here moves nothing of the parent's lifecycle.
PARTNER_MAY_SET = {
    "wanted-notice-events": (
        "status",
        frozenset(
            {
                WantedStatus.LOCATED,
                WantedStatus.ARRESTED,
                WantedStatus.HANDED_OVER,
                WantedStatus.EXTRADITED,
            }
        ),
    ),
}


class NotOwner(Exception):
    """A contribution that would change what its sender does not own."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def parent_of(kind: str, obj: Record) -> Record | None:
    attr = PARENT.get(kind)
    return getattr(obj, attr, None) if attr else None


def check(kind: str, obj: Record, sender: str) -> None:
    """Refuse ``obj`` (a received contribution from node ``sender``) when it concerns a record
    of ours that was never released to the sender, or moves a lifecycle the sender may not."""
    if kind not in PARENT:
        return
    attr = PARENT[kind]
    parent = parent_of(kind, obj)
    if parent is None:
        raise NotOwner("missing_reference", f"field {attr} is missing")
    if parent.origin == sender:
        return  # a contribution to the sender's own record
    if parent.is_local and not _released_to(parent, sender):
        raise NotOwner(
            "not_released",
            f"field {attr}: {parent.record_kind} {parent.uuid} was never released to {sender}",
        )
    if lifecycle_of(parent) == WantedStatus.WITHDRAWN:
        raise NotOwner(
            "withdrawn",
            f"field {attr}: {parent.record_kind} {parent.uuid} was withdrawn by its owner "
            f"{parent.origin}; no further steps are taken on it",
        )
    rule = PARTNER_MAY_SET.get(kind)
    if rule is None:
        return
    field, allowed = rule
    value = getattr(obj, field)
    if value not in allowed:
        raise NotOwner(
            "not_owner",
            f"field {field}: {sender} may not set {parent.record_kind} {parent.uuid} "
            f"to {value!r}; only its owner {parent.origin} may",
        )


def _released_to(parent: Record, sender: str) -> bool:
    from liaison.exchange.models import Release, ReleaseState

    return Release.objects.filter(
        record_uuid=parent.uuid, peer__node_id=sender, state=ReleaseState.ACTIVE
    ).exists()


def lifecycle_of(record: Record | None) -> str | None:
    return getattr(record, "status", None) if record is not None else None


def audit_change(kind: str, obj: Record, sender: str, before: str | None) -> None:
    """Every state change a partner's contribution causes here is audited."""
    parent = parent_of(kind, obj)
    after = lifecycle_of(parent)
    if parent is None or after == before:
        return
    audit.record(
        "cooperation.contribution_applied",
        parent,
        actor=Actor.system("exchange"),
        contribution_kind=kind,
        contribution=str(obj.uuid),
        sender=sender,
        status_from=before,
        status_to=after,
    )
