"""Receipts: after applying a peer's feed this node sends it a signed receipt (how far it
applied, and what it refused); a receipt from a peer marks our outbox entries delivered or
refused."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from liaison.exchange import envelope as env
from liaison.exchange.envelope import EnvelopeError
from liaison.exchange.models import OutboxEntry, Peer, Receipt, Rejection
from liaison.exchange.services.outbox import outbox_head
from liaison.exchange.services.peers import issue_stamp, peer_keys, signer, this_node

RECEIPT_MAX_REJECTIONS = 500


def build_receipt(peer: Peer) -> tuple[str, list[int]] | None:
    """A signed receipt for what was applied from ``peer`` and not yet acknowledged, with
    the refusals not yet reported. None when there is nothing to say."""
    pending = list(
        Rejection.objects.filter(peer=peer, reported=False, direction=Rejection.Direction.IN)
        .order_by("id")
        .values_list("id", "seq", "record_uuid", "reason", "detail")[:RECEIPT_MAX_REJECTIONS]
    )
    if peer.pull_cursor <= peer.receipt_sent_through and not pending:
        return None
    payload = {
        "from": this_node().id,
        "to": peer.node_id,
        "through": peer.pull_cursor,
        "rejected": [
            {"seq": seq, "uuid": ruuid, "reason": reason, "detail": detail[:300]}
            for _id, seq, ruuid, reason, detail in pending
        ],
        "issued_at": issue_stamp(),
    }
    return signer().sign_json(payload, env.TYP_RECEIPT), [row[0] for row in pending]


def receipt_sent(peer: Peer, through: int, rejection_ids: list[int]) -> None:
    with transaction.atomic():
        Rejection.objects.filter(id__in=rejection_ids).update(reported=True)
        Peer.objects.filter(pk=peer.pk, receipt_sent_through__lt=through).update(
            receipt_sent_through=through
        )
    peer.receipt_sent_through = max(peer.receipt_sent_through, through)


def accept_receipt(peer: Peer, token: Any) -> dict[str, Any]:
    """The peer confirms it applied (or refused) our feed up to ``through``."""
    data = env.parse_statement(token, peer_keys(peer), env.TYP_RECEIPT)
    through = data.get("through")
    rejected = data.get("rejected")
    if (
        data.get("from") != peer.node_id
        or data.get("to") != this_node().id
        or type(through) is not int
        or through < 0
        or not isinstance(rejected, list)
        or not isinstance(data.get("issued_at"), str)
    ):
        raise EnvelopeError(
            "schema",
            "receipt must name this node and its sender, "
            "with an integer 'through' and a list 'rejected'",
        )
    if through > outbox_head(peer):
        raise EnvelopeError("schema", f"receipt confirms seq {through}, beyond this peer's feed")
    now = timezone.now()
    with transaction.atomic():
        Receipt.objects.create(
            peer=peer, through=through, jws=token, issued_at=data["issued_at"][:27], received_at=now
        )
        acked = OutboxEntry.objects.filter(
            peer=peer, id__lte=through, acked_at__isnull=True
        ).update(acked_at=now)
        refusals = []
        for item in rejected[:RECEIPT_MAX_REJECTIONS]:
            if not isinstance(item, dict):
                continue
            reason = str(item.get("reason", ""))[:30]
            detail = str(item.get("detail", ""))[:300]
            seq = item.get("seq") if type(item.get("seq")) is int else None
            if seq is not None:
                OutboxEntry.objects.filter(peer=peer, id=seq).update(
                    refused=f"{reason}: {detail}"[:300]
                )
            refusals.append(
                Rejection(
                    peer=peer,
                    direction=Rejection.Direction.OUT,
                    reason=reason,
                    detail=detail,
                    seq=seq,
                    at=now,
                    record_uuid=str(item.get("uuid", ""))[:36],
                )
            )
        Rejection.objects.bulk_create(refusals)
        Peer.objects.filter(pk=peer.pk, acked_through__lt=through).update(acked_through=through)
        Peer.objects.filter(pk=peer.pk).update(last_contact=now)
    return {"acknowledged": acked, "through": through}
