"""Receipts: a peer's signed confirmation of what it applied (or refused) from our feed."""

from __future__ import annotations

from django.db import models

from liaison.exchange.models.peers import Peer


class Receipt(models.Model):
    """A signed receipt from a peer: it applied (or refused) our feed through ``through``."""

    peer = models.ForeignKey(Peer, on_delete=models.CASCADE, related_name="receipts")
    through = models.BigIntegerField()
    jws = models.TextField()
    issued_at = models.CharField(max_length=27)
    received_at = models.DateTimeField()

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"receipt from {self.peer_id} through {self.through}"
