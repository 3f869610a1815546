"""Wanted notices and the lifecycle events either side records on them."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from liaison.cooperation.models.common import Contribution
from liaison.core.models import Record


class NoticeType(models.TextChoices):
    RED = "red", _("Red-like: locate and arrest for handover")
    BLUE = "blue", _("Blue-like: locate and inform")


class WantedStatus(models.TextChoices):
    ISSUED = "issued", _("Issued")
    LOCATED = "located", _("Located")
    ARRESTED = "arrested", _("Arrested")
    HANDED_OVER = "handed_over", _("Handed over")
    EXTRADITED = "extradited", _("Extradited")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class WantedNotice(Record):  # type: ignore[django-manager-missing]
    record_kind: ClassVar[str] = "wanted-notices"

    reference = models.CharField(_("reference"), max_length=40)
    notice_type = models.CharField(_("notice type"), max_length=4, choices=NoticeType.choices)
    full_name = models.CharField(_("name (original script)"), max_length=200)
    latin_name = models.CharField(_("name (romanised)"), max_length=200, blank=True)
    other_names = models.JSONField(_("other names"), default=list, blank=True)
    sex = models.CharField(_("sex"), max_length=1, blank=True)
    birth_date = models.CharField(_("birth date"), max_length=10, blank=True)
    nationality = models.CharField(_("nationality"), max_length=2, blank=True)
    id_documents = models.JSONField(_("identity documents"), default=list, blank=True)
    description = models.TextField(_("description"), blank=True)
    photos = models.JSONField(_("photos"), default=list, blank=True)
    offences = models.TextField(_("offences"))
    warrant_reference = models.CharField(_("warrant reference"), max_length=100)
    warrant_date = models.DateField(_("warrant date"), null=True, blank=True)
    issuing_unit_name = models.CharField(_("issuing unit"), max_length=200)
    believed_country = models.CharField(_("believed to be in"), max_length=2, blank=True)
    believed_location = models.CharField(_("believed location"), max_length=300, blank=True)
    issued_at = models.DateTimeField(_("issued"))
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawal_reason = models.CharField(_("reason for withdrawal"), max_length=500, blank=True)
    #: Newest lifecycle status on this node (kept from the events; not sent).
    status = models.CharField(
        _("status"), max_length=12, choices=WantedStatus.choices, default=WantedStatus.ISSUED
    )

    class Meta:
        ordering = ["-issued_at", "-id"]
        # The list's order: a page (web or API) walks this index from its cursor.
        indexes = [models.Index(fields=["issued_at", "id"], name="coop_notice_issued")]
        verbose_name = _("wanted notice")
        verbose_name_plural = _("wanted notices")

    def __str__(self) -> str:
        return f"{self.reference} {self.full_name}"


class WantedEvent(Record, Contribution):  # type: ignore[django-manager-missing]
    """A lifecycle step recorded by either side."""

    record_kind: ClassVar[str] = "wanted-notice-events"
    past_dates = ("at",)

    notice = models.ForeignKey(
        WantedNotice, on_delete=models.SET_NULL, null=True, related_name="events"
    )
    status = models.CharField(_("status"), max_length=12, choices=WantedStatus.choices)
    at = models.DateTimeField(_("time"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    reason = models.TextField(_("reason / note"), blank=True)
    by_unit = models.CharField(_("unit"), max_length=200, blank=True)
    by_user = models.CharField(_("by"), max_length=150, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("wanted notice event")
        verbose_name_plural = _("wanted notice events")
