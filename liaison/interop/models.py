"""TAXII readers and the per-peer STIX collections.

A collection is what this node has released to one peer, as STIX 2.1: it is kept in step
with that peer's federation feed (the outbox), which always holds the newest envelope of
every record released to the peer (an upsert, or a recall once withdrawn). Each STIX object
is stored in its current version only; ``seq`` and ``date_added`` grow with every change, so
TAXII pagination by either is exact.
"""

from __future__ import annotations

import hashlib
import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class TaxiiReader(models.Model):
    """A bearer token that reads one peer's collection. Only its SHA-256 is stored."""

    peer = models.ForeignKey(
        "exchange.Peer", on_delete=models.CASCADE, related_name="taxii_readers"
    )
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(_("token prefix"), max_length=12)
    label = models.CharField(_("label"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created"))
    created_by = models.CharField(_("created by"), max_length=150, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("TAXII reader")
        verbose_name_plural = _("TAXII readers")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.peer_id})"

    @staticmethod
    def digest_of(token: str) -> str:
        return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Collection(models.Model):
    """The TAXII collection of one peer and how far the peer's feed has been read into it."""

    peer = models.OneToOneField(
        "exchange.Peer", on_delete=models.CASCADE, related_name="taxii_collection"
    )
    collection_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    #: Highest outbox sequence number of the peer's feed mapped into this collection.
    synced_through = models.BigIntegerField(default=0)
    #: Last ``seq`` and ``date_added`` given to an object (both only grow).
    last_seq = models.BigIntegerField(default=0)
    last_added = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("TAXII collection")
        verbose_name_plural = _("TAXII collections")

    def __str__(self) -> str:
        return str(self.collection_id)


class PublishedRecord(models.Model):
    """A Liaison record as published in a collection. ``generation`` counts re-releases after
    a recall: STIX never un-revokes an object, so a record released again gets fresh ids."""

    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="records")
    kind = models.CharField(max_length=40)
    record_uuid = models.UUIDField()
    generation = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=0)
    recalled = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["collection", "record_uuid"], name="interop_record_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}/{self.record_uuid}"


class CollectionObject(models.Model):
    """The current version of one STIX object in a collection. Objects made from a record
    carry its uuid (they are revoked with it); shared ones (markings, extension definitions,
    the node and unit identities) have none."""

    collection = models.ForeignKey(
        Collection, on_delete=models.CASCADE, related_name="stix_objects"
    )
    seq = models.BigIntegerField()
    stix_id = models.CharField(max_length=120)
    stix_type = models.CharField(max_length=60)
    record_uuid = models.UUIDField(null=True, blank=True)
    date_added = models.DateTimeField()
    #: STIX ``modified`` (``created`` for marking definitions): the TAXII version.
    version = models.CharField(max_length=32)
    revoked = models.BooleanField(default=False)
    tlp = models.CharField(max_length=12, blank=True)
    body = models.JSONField()

    class Meta:
        ordering = ["seq"]
        constraints = [
            models.UniqueConstraint(fields=["collection", "stix_id"], name="interop_object_id"),
            # What is TLP:RED never leaves the node; this table is what TAXII serves.
            models.CheckConstraint(condition=~Q(tlp="RED"), name="interop_object_never_red"),
        ]
        indexes = [
            models.Index(fields=["collection", "seq"], name="interop_object_seq"),
            models.Index(fields=["collection", "record_uuid"], name="interop_object_record"),
        ]

    def __str__(self) -> str:
        return self.stix_id
