"""The inbox: what this node holds from its peers, and what it refused (or a peer refused)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from liaison.exchange.models.peers import Peer


class Holding(models.Model):
    """The newest state of a partner's record as applied here (also remembers recalls, so a
    late copy of an older version can never bring a recalled record back)."""

    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="holdings")
    origin = models.CharField(max_length=64)
    kind = models.CharField(max_length=40)
    record_uuid = models.UUIDField(unique=True)
    version = models.PositiveIntegerField()
    issued_at = models.CharField(max_length=27)
    op = models.CharField(max_length=8)
    tlp = models.CharField(max_length=12)
    handling = models.CharField(max_length=2)
    source_seq = models.BigIntegerField(default=0)
    applied_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["peer", "kind"], name="exch_holding_peer")]

    def __str__(self) -> str:
        return f"{self.kind}/{self.record_uuid} v{self.version} from {self.origin}"


class Rejection(models.Model):
    """Something refused: by this node (direction in), or by a peer about our envelope (out)."""

    class Direction(models.TextChoices):
        IN = "in", _("refused here")
        OUT = "out", _("refused by the peer")

    peer = models.ForeignKey(
        Peer, on_delete=models.CASCADE, related_name="rejections", null=True, blank=True
    )
    claimed_node = models.CharField(max_length=64, blank=True)
    direction = models.CharField(max_length=3, choices=Direction.choices, default=Direction.IN)
    reason = models.CharField(max_length=30)
    detail = models.TextField(blank=True)
    seq = models.BigIntegerField(null=True, blank=True)
    record_uuid = models.CharField(max_length=36, blank=True)
    at = models.DateTimeField()
    #: Reported back to the peer in a receipt.
    reported = models.BooleanField(default=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["peer", "reported"], name="exch_reject_report")]

    def __str__(self) -> str:
        return f"{self.reason}: {self.detail[:80]}"
