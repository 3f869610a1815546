"""Shared by every mechanism: files attached to cooperation records, and what a
contribution (a record linked to another node's record) keeps when its parent is recalled."""

from __future__ import annotations

from django.db import models
from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Contribution(models.Model):
    """A record of one node linked to a record that may be another node's (an event on a
    notice, a response to a request…). When the other node recalls its record, this node's
    own contributions stay, detached, and say so."""

    #: Country of the node that recalled the parent, and when (empty while it is held).
    parent_recalled_by = models.CharField(max_length=2, blank=True, editable=False)
    parent_recalled_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def parent_recalled(self) -> str:
        if not self.parent_recalled_at:
            return ""
        return gettext("parent recalled by %(country)s on %(date)s") % {
            "country": self.parent_recalled_by,
            "date": formats.date_format(self.parent_recalled_at, "SHORT_DATE_FORMAT"),
        }


class Attachment(models.Model):
    """A file attached to a cooperation record (a message, a response, a notice's photo).

    Records carry the list of their attachments (name, type, size, SHA-256) in a JSON field,
    which is what travels to the partner; the bytes are kept here."""

    owner_kind = models.CharField(_("record kind"), max_length=40)
    owner_uuid = models.UUIDField(_("record"), db_index=True)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    file = models.FileField(upload_to="cooperation/%Y/%m/")
    uploaded_by = models.CharField(_("uploaded by"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("created"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name
