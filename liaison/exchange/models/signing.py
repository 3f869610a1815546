"""Signed requests: the nonces seen recently, so a replayed request is refused."""

from __future__ import annotations

from django.db import models


class SeenNonce(models.Model):
    """Nonces of signed requests seen recently: a replayed request is refused."""

    node_id = models.CharField(max_length=64)
    nonce = models.CharField(max_length=64)
    seen_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["node_id", "nonce"], name="exch_nonce_unique")
        ]

    def __str__(self) -> str:
        return self.nonce
