"""Peers and keys: the partner nodes this node exchanges with, and this node's key rotations."""

from __future__ import annotations

from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _


class PeerStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    REMOVED = "removed", _("removed")


class Peer(models.Model):
    """A partner node this node exchanges records with. Its key was confirmed out of band
    (the fingerprint read over the hotline) when it was added."""

    name = models.CharField(_("name"), max_length=40, unique=True)
    url = models.CharField(_("address"), max_length=300)
    node_id = models.CharField(_("node id"), max_length=64, unique=True)
    country = models.CharField(_("country"), max_length=2)
    node_name = models.CharField(_("node name"), max_length=200, blank=True)
    public_key = models.CharField(_("public key"), max_length=64)
    fingerprint = models.CharField(_("fingerprint"), max_length=80)
    #: Keys this peer rotated away from (base64url); still verify envelopes signed before.
    previous_keys = models.JSONField(default=list, blank=True)
    #: When each previous key was retired (base64url key -> UTC stamp of the rotation): it
    #: is trusted only for statements issued up to then (plus a clock-skew margin).
    retired_keys = models.JSONField(default=dict, blank=True)
    #: Keys revoked by an operator (base64url key -> UTC stamp): never trusted again.
    revoked_keys = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=PeerStatus.choices, default=PeerStatus.ACTIVE
    )
    added_at = models.DateTimeField(_("added"))
    added_by = models.CharField(_("added by"), max_length=150, blank=True)
    last_contact = models.DateTimeField(_("last contact"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)
    failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    retry_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    #: Highest seq of this peer's feed applied here (stored with the applied batch).
    pull_cursor = models.BigIntegerField(default=0)
    #: Highest seq of this peer's feed acknowledged to it by a receipt.
    receipt_sent_through = models.BigIntegerField(default=0)
    #: Highest seq of our outbox for this peer that it confirmed by a receipt.
    acked_through = models.BigIntegerField(default=0)
    #: Highest seq of our outbox for this peer we told it about with a ping.
    pinged_through = models.BigIntegerField(default=0)
    #: The peer pinged us: pull from it soon.
    pull_requested = models.BooleanField(default=False)
    received_count = models.BigIntegerField(_("envelopes applied"), default=0)

    class Meta:
        ordering = ["name"]
        verbose_name = _("peer")
        verbose_name_plural = _("peers")

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == PeerStatus.ACTIVE

    def all_keys(self) -> list[str]:
        return [self.public_key, *[k for k in self.previous_keys if k != self.public_key]]

    def rejection_counts(self, direction: str = "in") -> dict[str, int]:
        """Refusals by reason: of this peer's envelopes here ("in"), or of ours by the peer,
        as its signed receipts reported them ("out")."""
        from liaison.exchange.models.inbox import Rejection  # inbox imports this module

        rows = (
            Rejection.objects.filter(peer=self, direction=direction)
            .values("reason")
            .annotate(n=Count("id"))
        )
        return {row["reason"]: row["n"] for row in rows}


class KeyRotation(models.Model):
    """This node moved to a new key; ``statement`` is signed by the old key."""

    old_kid = models.CharField(max_length=64)
    new_kid = models.CharField(max_length=64)
    new_public_key = models.CharField(max_length=64)
    statement = models.TextField()
    at = models.DateTimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.old_kid[:16]} → {self.new_kid[:16]}"
