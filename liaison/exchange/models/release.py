"""Releases: a record released to one peer, with its markings and legal basis."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from liaison.core.models import Handling, Tlp
from liaison.exchange.models.peers import Peer


def _officer(verbose_name: Any) -> Any:
    """Who proposed, approved or withdrew a release (kept when the user is deactivated)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=verbose_name,
    )


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
    released_by = _officer(_("released by"))
    released_at = models.DateTimeField(_("released at"))
    approved_by = _officer(_("approved by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    withdrawn_by = _officer(_("withdrawn by"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    #: Record version last put in the outbox for this release.
    sent_version = models.PositiveIntegerField(default=0)
    #: The whole record (a case) this part (a person, a seizure) went out with; empty when
    #: the record was released on its own. Recalling the whole recalls such parts.
    part_of = models.UUIDField(_("released as part of"), null=True, blank=True)
    #: A proposal's parts (uuids) that stay here when it is approved (e.g. a witness).
    left_out = models.JSONField(_("parts left out"), default=list, blank=True)

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
