"""Agreements and plans, meetings, their action items, and capacity projects."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from liaison.core.models import Province, Record


class AgreementKind(models.TextChoices):
    MOU = "mou", _("Memorandum of understanding")
    ANNUAL_PLAN = "annual_plan", _("Annual cooperation plan")
    AGREEMENT = "agreement", _("Agreement")
    OTHER = "other", _("Other document")


class Agreement(Record):  # type: ignore[django-manager-missing]
    record_kind: ClassVar[str] = "agreements"

    reference = models.CharField(_("reference"), max_length=40)
    kind = models.CharField(_("kind"), max_length=12, choices=AgreementKind.choices)
    title = models.CharField(_("title"), max_length=300)
    parties = models.TextField(_("parties"), blank=True)
    signed_on = models.DateField(_("signed"), null=True, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    attachments = models.JSONField(_("documents"), default=list, blank=True)

    class Meta:
        ordering = ["-signed_on", "-id"]
        verbose_name = _("agreement or plan")
        verbose_name_plural = _("agreements and plans")

    def __str__(self) -> str:
        return self.title


class MeetingKind(models.TextChoices):
    CONFERENCE = "conference", _("Conference")
    MEETING = "meeting", _("Meeting")
    WORKING = "working", _("Working session")


class Meeting(Record):  # type: ignore[django-manager-missing]
    record_kind: ClassVar[str] = "meetings"

    reference = models.CharField(_("reference"), max_length=40)
    kind = models.CharField(_("kind"), max_length=12, choices=MeetingKind.choices)
    title = models.CharField(_("title"), max_length=300)
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    participants = models.JSONField(_("participants"), default=list, blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("agreement or plan"),
    )

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return self.title


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class ActionItem(Record):  # type: ignore[django-manager-missing]
    """An action item of a plan or a commitment made at a meeting."""

    record_kind: ClassVar[str] = "action-items"

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, null=True, blank=True, related_name="action_items"
    )
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, null=True, blank=True, related_name="commitments"
    )
    text = models.TextField(_("action"))
    owner_country = models.CharField(_("side"), max_length=2, blank=True)
    owner = models.CharField(_("owner"), max_length=200, blank=True)
    due = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED
    )
    progress_note = models.TextField(_("implementation"), blank=True)

    class Meta:
        ordering = ["due", "id"]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")


class ProjectKind(models.TextChoices):
    STATION = "station", _("Police station")
    TRAINING = "training", _("Training course")
    EQUIPMENT = "equipment", _("Equipment")
    OTHER = "other", _("Other")


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    UNDER_WAY = "under_way", _("Under way")
    HANDED_OVER = "handed_over", _("Handed over")
    COMPLETED = "completed", _("Completed")


class CapacityProject(Record):  # type: ignore[django-manager-missing]
    record_kind: ClassVar[str] = "capacity-projects"

    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=10, choices=ProjectKind.choices)
    location = models.CharField(_("location"), max_length=300, blank=True)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("province")
    )
    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("agreement or plan"),
    )
    starts_on = models.DateField(_("start"), null=True, blank=True)
    due_on = models.DateField(_("planned end"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    status = models.CharField(
        _("status"), max_length=12, choices=ProjectStatus.choices, default=ProjectStatus.PLANNED
    )
    handed_over_on = models.DateField(_("handed over"), null=True, blank=True)
    trainees = models.PositiveIntegerField(_("trainees"), default=0)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("capacity project")
        verbose_name_plural = _("capacity projects")

    def __str__(self) -> str:
        return self.title
