"""Hotline: channels between counterpart units, messages and their read / acknowledged
receipts."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from liaison.cooperation.models.common import Contribution
from liaison.core.models import BorderGate, Province, Record, Unit


class Level(models.TextChoices):
    MINISTRY = "ministry", _("Ministry")
    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District")
    COMMUNE = "commune", _("Commune / border post")


class Channel(models.Model):
    """A hotline between a local unit and its counterpart across the border.

    Each node keeps its own channels; messages find their channel on arrival by the pair
    (our unit code, partner unit code)."""

    local_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="hotline_channels", verbose_name=_("our unit")
    )
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    partner_country = models.CharField(_("partner country"), max_length=2)
    partner_node = models.CharField(_("partner node"), max_length=64, blank=True)
    partner_unit_code = models.CharField(_("partner unit code"), max_length=40)
    partner_unit_name = models.CharField(_("partner unit"), max_length=200)
    partner_province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("partner province"),
    )
    gate = models.ForeignKey(
        BorderGate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("border gate"),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"))

    class Meta:
        ordering = ["level", "local_unit__path", "partner_unit_code"]
        verbose_name = _("hotline channel")
        verbose_name_plural = _("hotline channels")
        constraints = [
            models.UniqueConstraint(
                fields=["local_unit", "partner_unit_code"], name="coop_channel_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.local_unit.name} ↔ {self.partner_unit_name}"


class Priority(models.TextChoices):
    FLASH = "flash", _("Flash")
    URGENT = "urgent", _("Urgent")
    ROUTINE = "routine", _("Routine")


class Message(Record):  # type: ignore[django-manager-missing]
    record_kind: ClassVar[str] = "messages"

    #: Where the message is filed on this node (not sent: each side has its own channels).
    channel = models.ForeignKey(
        Channel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="messages",
        verbose_name=_("channel"),
    )
    from_unit_code = models.CharField(_("from unit code"), max_length=40)
    from_unit_name = models.CharField(_("from"), max_length=200)
    to_country = models.CharField(_("to country"), max_length=2)
    to_unit_code = models.CharField(_("to unit code"), max_length=40)
    to_unit_name = models.CharField(_("to"), max_length=200)
    priority = models.CharField(
        _("priority"), max_length=8, choices=Priority.choices, default=Priority.ROUTINE
    )
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("message"))
    template = models.CharField(_("template"), max_length=40, blank=True)
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    sent_by = models.CharField(_("sent by"), max_length=150, blank=True)
    sent_at = models.DateTimeField(_("sent"))

    class Meta:
        ordering = ["-sent_at", "-id"]
        # The list's order, over all messages and within a channel: a page (web or API)
        # walks one of these indexes from its cursor.
        indexes = [
            models.Index(fields=["sent_at", "id"], name="coop_message_sent"),
            models.Index(fields=["channel", "sent_at", "id"], name="coop_message_channel_sent"),
        ]
        verbose_name = _("hotline message")
        verbose_name_plural = _("hotline messages")


class ReceiptKind(models.TextChoices):
    READ = "read", _("Read")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")


class MessageReceipt(Record, Contribution):  # type: ignore[django-manager-missing]
    """Read / acknowledged by the receiving side: its own record, linked to the message."""

    record_kind: ClassVar[str] = "message-receipts"

    message = models.ForeignKey(
        Message, on_delete=models.SET_NULL, null=True, related_name="receipts"
    )
    kind = models.CharField(_("receipt"), max_length=12, choices=ReceiptKind.choices)
    at = models.DateTimeField(_("time"))
    by_user = models.CharField(_("by"), max_length=150, blank=True)
    by_unit = models.CharField(_("unit"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("message receipt")
        verbose_name_plural = _("message receipts")
