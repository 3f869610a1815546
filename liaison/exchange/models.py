"""Federation state: peers, releases, the per-peer outbox (feed), what this node holds from
its peers, receipts, replay protection, rejections and key rotations."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from liaison.core.models import Handling, Tlp


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

    def rejection_counts(self) -> dict[str, int]:
        rows = (
            Rejection.objects.filter(peer=self, direction=Rejection.Direction.IN)
            .values("reason")
            .annotate(n=Count("id"))
        )
        return {row["reason"]: row["n"] for row in rows}


class ReleaseState(models.TextChoices):
    PROPOSED = "proposed", _("proposed")
    ACTIVE = "active", _("released")
    WITHDRAWN = "withdrawn", _("withdrawn")
    DECLINED = "declined", _("declined")


class Release(models.Model):
    """A record released to one peer, with the markings and legal basis it was released under."""

    kind = models.CharField(_("kind"), max_length=40)
    record_uuid = models.UUIDField(_("record"))
    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="releases")
    tlp = models.CharField(_("TLP"), max_length=12, choices=Tlp.choices)
    handling = models.CharField(_("handling code"), max_length=2, choices=Handling.choices)
    handling_note = models.CharField(_("handling conditions"), max_length=300, blank=True)
    basis = models.TextField(_("legal basis"))
    state = models.CharField(
        _("state"), max_length=10, choices=ReleaseState.choices, default=ReleaseState.PROPOSED
    )
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("released by"),
    )
    released_at = models.DateTimeField(_("released at"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("withdrawn by"),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    #: Record version last put in the outbox for this release.
    sent_version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-released_at", "-id"]
        verbose_name = _("release")
        verbose_name_plural = _("releases")
        indexes = [models.Index(fields=["record_uuid", "state"], name="exch_release_rec")]
        constraints = [
            models.UniqueConstraint(
                fields=["peer", "record_uuid"],
                condition=Q(state__in=["proposed", "active"]),
                name="exch_release_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}/{self.record_uuid} → {self.peer}"


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
