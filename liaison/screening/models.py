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

    @property
    def explained(self) -> str:
        """The matcher's reasons in the reader's language."""
        from liaison.screening.explain import phrases

        return "; ".join(phrases(self.reasons)) if self.reasons else self.explanation


class MatchCursor(models.Model):
    """How far a batch of records has been matched (records with ``id`` above ``last_id``
    are still to do). Used for received persons, which arrive in bulk without signals."""

    name = models.CharField(max_length=40, primary_key=True)
    last_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name}: {self.last_id}"


# =========================================================================== the search keys
# Kept by the services that write persons and wanted notices (``liaison.screening.keys``), in
# the same transaction, and shared by every worker: search builds nothing in memory.


class SearchName(models.Model):
    """One distinct name (any script). Its blocking keys are :class:`SearchKey` rows; records
    bearing it are :class:`SearchEntry` rows. A name no entry uses any more does no harm (it
    proposes nothing) and ``liaison reindex`` drops it."""

    text = models.CharField(max_length=400, unique=True)
    #: sorted phonetic words, for the cheap prefilter before the full comparison
    prefilter = models.CharField(max_length=400, blank=True)

    def __str__(self) -> str:
        return self.text


class SearchKey(models.Model):
    """A blocking key of a name, as a 64-bit hash (small rows, one integer index)."""

    key = models.BigIntegerField()
    name = models.ForeignKey(SearchName, on_delete=models.CASCADE, related_name="+", db_index=False)

    class Meta:
        indexes = [models.Index(fields=["key", "name"], name="screening_searchkey_key")]

    def __str__(self) -> str:
        return f"{self.key} → {self.name_id}"


class SearchEntry(models.Model):
    """One name / document variant of a person or wanted notice, local or received."""

    kind = models.CharField(max_length=20, choices=SideKind.choices)
    record_id = models.BigIntegerField()
    local = models.BooleanField()
    #: ``0``, ``1`` … name variants; ``d1`` … further identity documents (see ``index``)
    variant = models.CharField(max_length=8)
    name = models.ForeignKey(SearchName, on_delete=models.PROTECT, related_name="+", db_index=False)
    birth_date = models.CharField(max_length=10, blank=True)
    nationality = models.CharField(max_length=8, blank=True)
    #: normalised identity document number (blank when shorter than 5 characters)
    id_number = models.CharField(max_length=64, blank=True)

    class Meta:
        indexes = [
            # Covers the part-of-name lookup (record ids of names) without reading the rows.
            models.Index(
                fields=["name", "local", "record_id", "kind"], name="screening_entry_name_rec"
            ),
            models.Index(fields=["kind", "record_id"], name="screening_entry_record"),
            models.Index(fields=["id_number"], name="screening_entry_doc"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}/{self.record_id}.{self.variant}"


class SearchIndexState(models.Model):
    """Which version of the key recipe the stored keys follow (``liaison reindex`` rebuilds
    them when the matcher's key generation changes)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    keys_version = models.PositiveIntegerField(default=0)
    built_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"keys v{self.keys_version}"
