"""Match alerts: a possible same-person pair across the border, for an analyst to decide.

Alerts are local to this node (not a ``Record``; they never cross a border). The decision
(confirmed / dismissed, by whom, when, why) is kept with a snapshot of both sides as they were
matched: these rows are the labelled data for tuning the scorer later
(``liaison match_decisions``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AlertStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CONFIRMED = "confirmed", _("Confirmed: same person")
    DISMISSED = "dismissed", _("Dismissed: not the same person")


class SideKind(models.TextChoices):
    PERSON = "persons", _("Person")
    WANTED_NOTICE = "wanted-notices", _("Wanted notice")


class MatchAlert(models.Model):
    """``subject`` is the record whose arrival triggered the match (a received wanted notice,
    a new local person, a received partner person); ``candidate`` is the record on the other
    side it resembles. Both are named by kind and uuid (records may be recalled later)."""

    subject_kind = models.CharField(_("subject kind"), max_length=20, choices=SideKind.choices)
    subject_uuid = models.UUIDField(_("subject"))
    subject_local = models.BooleanField(_("subject is this node's own record"))
    subject_unit = models.ForeignKey(
        "core.Unit", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    subject_snapshot = models.JSONField(_("subject as matched"), default=dict)
    candidate_kind = models.CharField(_("candidate kind"), max_length=20, choices=SideKind.choices)
    candidate_uuid = models.UUIDField(_("candidate"))
    candidate_local = models.BooleanField(_("candidate is this node's own record"))
    candidate_unit = models.ForeignKey(
        "core.Unit", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    candidate_snapshot = models.JSONField(_("candidate as matched"), default=dict)
    score = models.FloatField(_("score"))
    threshold = models.FloatField(_("threshold"))
    explanation = models.TextField(_("explanation"), blank=True)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=AlertStatus.choices, default=AlertStatus.OPEN
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("raised"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("match alert")
        verbose_name_plural = _("match alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["subject_kind", "subject_uuid", "candidate_kind", "candidate_uuid"],
                name="screening_alert_pair_unique",
            )
        ]
        indexes = [
            models.Index(fields=["status", "created_at"], name="screening_alert_status"),
            models.Index(fields=["candidate_kind", "candidate_uuid"], name="screening_alert_cand"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.subject_snapshot.get('name', '')} ~ {self.candidate_snapshot.get('name', '')}"
        )


class MatchCursor(models.Model):
    """How far a batch of records has been matched (records with ``id`` above ``last_id``
    are still to do). Used for received persons, which arrive in bulk without signals."""

    name = models.CharField(max_length=40, primary_key=True)
    last_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name}: {self.last_id}"
