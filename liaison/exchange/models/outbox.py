"""The outbox: the per-peer feed of signed envelopes, with each entry's delivery state."""

from __future__ import annotations

from django.db import models

from liaison.exchange.models.peers import Peer


class OutboxEntry(models.Model):
    """One signed envelope in a peer's feed. ``id`` is the feed's sequence number (cursor).
    Only the newest entry per (peer, record) is kept; it also carries the delivery state."""

    id = models.BigAutoField(primary_key=True)
    peer = models.ForeignKey(Peer, on_delete=models.CASCADE, related_name="outbox")
    kind = models.CharField(max_length=40)
    record_uuid = models.UUIDField()
    version = models.PositiveIntegerField()
    op = models.CharField(max_length=8)
    jws = models.TextField()
    created_at = models.DateTimeField()
    #: When the peer's receipt confirmed this entry.
    acked_at = models.DateTimeField(null=True, blank=True)
    #: The peer refused this envelope (reason from its receipt).
    refused = models.CharField(max_length=300, blank=True)
    #: Version the peer had confirmed before this entry superseded the older one.
    held_version = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["peer", "id"], name="exch_outbox_feed"),
            models.Index(fields=["record_uuid", "peer"], name="exch_outbox_rec"),
        ]

    def __str__(self) -> str:
        return f"#{self.id} {self.op} {self.kind}/{self.record_uuid} v{self.version}"
