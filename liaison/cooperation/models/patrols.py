"""Joint patrols and operations, and the results each side reports."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from liaison.cooperation.models.common import Contribution
from liaison.core.models import Record


class PatrolKind(models.TextChoices):
    PATROL = "patrol", _("Joint patrol")
    OPERATION = "operation", _("Joint operation")


class PatrolStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    UNDERWAY = "underway", _("Under way")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class Patrol(Record):  # type: ignore[django-manager-missing]
    record_kind: ClassVar[str] = "patrols"

    reference = models.CharField(_("reference"), max_length=40)
    kind = models.CharField(_("kind"), max_length=10, choices=PatrolKind.choices)
    title = models.CharField(_("title"), max_length=300)
    plan = models.TextField(_("plan"), blank=True)
    area = models.TextField(_("area or route"), blank=True)
    gates = models.JSONField(_("border gates"), default=list, blank=True)
    units = models.JSONField(_("participating units"), default=list, blank=True)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    status = models.CharField(
        _("status"), max_length=10, choices=PatrolStatus.choices, default=PatrolStatus.PLANNED
    )
    partner_country = models.CharField(_("partner country"), max_length=2)
    partner_unit_code = models.CharField(_("partner unit code"), max_length=40, blank=True)
    partner_unit_name = models.CharField(_("partner unit"), max_length=200, blank=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("joint patrol or operation")
        verbose_name_plural = _("joint patrols and operations")

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"


class PatrolResult(Record, Contribution):  # type: ignore[django-manager-missing]
    """Results one side reports for a patrol: arrests and linked records."""

    record_kind: ClassVar[str] = "patrol-results"
    past_dates = ("at",)

    patrol = models.ForeignKey(Patrol, on_delete=models.SET_NULL, null=True, related_name="results")
    at = models.DateTimeField(_("time"))
    arrests = models.PositiveIntegerField(_("arrests"), default=0)
    seizures = models.JSONField(_("seizures (record ids)"), default=list, blank=True)
    persons = models.JSONField(_("persons (record ids)"), default=list, blank=True)
    cases = models.JSONField(_("cases (record ids)"), default=list, blank=True)
    note = models.TextField(_("note"), blank=True)
    by_unit = models.CharField(_("unit"), max_length=200, blank=True)
    by_user = models.CharField(_("by"), max_length=150, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("patrol result")
        verbose_name_plural = _("patrol results")
