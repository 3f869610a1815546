"""The audit log: an append-only hash chain of every write and every read of a person."""

from __future__ import annotations

import hashlib
import json

from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS = "0" * 64


class AuditEntry(models.Model):
    seq = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField(_("time"))
    username = models.CharField(_("user"), max_length=150, blank=True)
    unit = models.CharField(_("unit"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=40)
    object_kind = models.CharField(_("object kind"), max_length=60, blank=True)
    object_id = models.CharField(_("object"), max_length=64, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    source = models.CharField(_("from"), max_length=100, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["object_kind", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.username}"

    def compute_hash(self) -> str:
        body = {
            "seq": self.seq,
            "at": self.at.isoformat(),
            "username": self.username,
            "unit": self.unit,
            "action": self.action,
            "object_kind": self.object_kind,
            "object_id": self.object_id,
            "detail": self.detail,
            "source": self.source,
            "prev": self.prev_hash,
        }
        canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class AuditHead(models.Model):
    """The chain's last sequence number and hash, so that removing the newest rows shows."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS)

    def __str__(self) -> str:
        return f"audit head #{self.seq}"
