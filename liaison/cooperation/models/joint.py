"""Joint cases and the entries each side contributes to them."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from liaison.cooperation.models.common import Contribution
from liaison.core.models import Record


class JointCase(Record):  # type: ignore[django-manager-missing]
    record_kind: ClassVar[str] = "joint-cases"

    reference = models.CharField(_("reference"), max_length=40)
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("shared summary"), blank=True)
    partner_country = models.CharField(_("partner country"), max_length=2)
    #: The partner unit working the case (its copy is filed under that unit there).
    partner_unit_code = models.CharField(_("partner unit code"), max_length=40, blank=True)
    partner_unit_name = models.CharField(_("partner unit"), max_length=200, blank=True)
    opened_on = models.DateField(_("opened"))
    closed_on = models.DateField(_("closed"), null=True, blank=True)
    opened_by_unit = models.CharField(_("opened by"), max_length=200, blank=True)

    class Meta:
        ordering = ["-opened_on", "-id"]
        verbose_name = _("joint case")
        verbose_name_plural = _("joint cases")

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"


class EntryKind(models.TextChoices):
    JOIN = "join", _("Joined")
    PARTICIPANT = "participant", _("Participant")
    TIMELINE = "timeline", _("Timeline entry")
    TASK = "task", _("Task")
    LINK = "link", _("Linked record")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class JointCaseEntry(Record, Contribution):  # type: ignore[django-manager-missing]
    """One side's contribution to a joint case; only that side edits it."""

    record_kind: ClassVar[str] = "joint-case-entries"
    past_dates = ("at",)

    joint_case = models.ForeignKey(
        JointCase, on_delete=models.SET_NULL, null=True, related_name="entries"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=EntryKind.choices)
    at = models.DateTimeField(_("time"))
    text = models.TextField(_("text"), blank=True)
    person_name = models.CharField(_("name"), max_length=200, blank=True)
    person_role = models.CharField(_("role"), max_length=200, blank=True)
    assigned_to_country = models.CharField(_("assigned to side"), max_length=2, blank=True)
    assigned_to = models.CharField(_("assigned to"), max_length=200, blank=True)
    due = models.DateField(_("due"), null=True, blank=True)
    task_status = models.CharField(
        _("task status"), max_length=10, choices=TaskStatus.choices, blank=True
    )
    link_kind = models.CharField(_("linked record kind"), max_length=40, blank=True)
    link_uuid = models.UUIDField(_("linked record"), null=True, blank=True)
    link_label = models.CharField(_("linked record label"), max_length=300, blank=True)
    by_unit = models.CharField(_("unit"), max_length=200, blank=True)
    by_user = models.CharField(_("by"), max_length=150, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("joint case entry")
        verbose_name_plural = _("joint case entries")
