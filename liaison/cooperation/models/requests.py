"""Assistance requests (1988 Convention art. 7(10)) and the receiving side's responses."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from liaison.cooperation.models.common import Contribution
from liaison.cooperation.models.wanted import WantedNotice
from liaison.core.models import Record


class RequestType(models.TextChoices):
    VERIFICATION = "verification", _("Verification of identity or citizenship")
    INFORMATION = "information", _("Information")
    ARREST = "arrest", _("Arrest")
    EXTRADITION = "extradition", _("Handover / extradition")


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ASSIGNED = "assigned", _("Assigned")
    ANSWERED = "answered", _("Answered")
    REFUSED = "refused", _("Refused")
    CLOSED = "closed", _("Closed")


#: What the sender fills in on a request, beyond the parties, persons and offences.
REQUEST_FIELDS = (
    "requesting_authority",
    "investigation_subject",
    "investigating_authority",
    "facts_summary",
    "assistance_sought",
    "special_procedure",
    "purpose",
    "confidential",
    "deadline",
    "person_description",
    "law_text",
    "penalty",
    "limitation",
    "warrant_reference",
    "evidence_summary",
    "judgment_reference",
)


class AssistanceRequest(Record):  # type: ignore[django-manager-missing]
    record_kind: ClassVar[str] = "requests"

    reference = models.CharField(_("reference"), max_length=40)
    request_type = models.CharField(_("type"), max_length=12, choices=RequestType.choices)
    from_unit_code = models.CharField(_("from unit code"), max_length=40, blank=True)
    from_unit_name = models.CharField(_("from"), max_length=200, blank=True)
    to_country = models.CharField(_("to country"), max_length=2)
    to_unit_code = models.CharField(_("to unit code"), max_length=40, blank=True)
    to_unit_name = models.CharField(_("to"), max_length=200, blank=True)
    # 1988 Convention art. 7(10)
    requesting_authority = models.CharField(_("requesting authority"), max_length=300, blank=True)
    investigation_subject = models.TextField(
        _("subject and nature of the investigation"), blank=True
    )
    investigating_authority = models.CharField(
        _("authority conducting the investigation"), max_length=300, blank=True
    )
    facts_summary = models.TextField(_("summary of the facts"), blank=True)
    assistance_sought = models.TextField(_("assistance sought"), blank=True)
    special_procedure = models.TextField(_("special procedure"), blank=True)
    persons = models.JSONField(_("persons concerned"), default=list, blank=True)
    purpose = models.TextField(_("purpose"), blank=True)
    confidential = models.BooleanField(_("confidentiality requested"), default=False)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    # extradition / handover
    person_description = models.TextField(_("description of the person"), blank=True)
    offences = models.JSONField(_("offences and acts alleged"), default=list, blank=True)
    law_text = models.TextField(_("law describing the offence"), blank=True)
    penalty = models.CharField(_("penalty"), max_length=300, blank=True)
    limitation = models.CharField(_("limitation period"), max_length=300, blank=True)
    warrant_reference = models.CharField(_("warrant reference"), max_length=100, blank=True)
    evidence_summary = models.TextField(_("evidence"), blank=True)
    judgment_reference = models.CharField(_("judgment"), max_length=300, blank=True)
    wanted_notice = models.ForeignKey(
        WantedNotice,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requests",
        verbose_name=_("wanted notice"),
    )
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    sent_at = models.DateTimeField(_("sent"))
    sent_by = models.CharField(_("sent by"), max_length=150, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    #: Current status on this node (kept from the responses; not sent).
    status = models.CharField(
        _("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )

    class Meta:
        ordering = ["-sent_at", "-id"]
        # The list's order: a page (web or API) walks this index from its cursor.
        indexes = [models.Index(fields=["sent_at", "id"], name="coop_request_sent")]
        verbose_name = _("assistance request")
        verbose_name_plural = _("assistance requests")

    def __str__(self) -> str:
        return self.reference


class ResponseKind(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")
    NOTE = "note", _("Note")
    ANSWER = "answer", _("Answer")
    REFUSAL = "refusal", _("Refusal")


class RequestResponse(Record, Contribution):  # type: ignore[django-manager-missing]
    """The receiving side's work on a request: assignment, notes, the answer, a refusal."""

    record_kind: ClassVar[str] = "request-responses"

    request = models.ForeignKey(
        AssistanceRequest, on_delete=models.SET_NULL, null=True, related_name="responses"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ResponseKind.choices)
    text = models.TextField(_("text"), blank=True)
    assignee = models.CharField(_("assignee"), max_length=200, blank=True)
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    at = models.DateTimeField(_("time"))
    by_user = models.CharField(_("by"), max_length=150, blank=True)
    by_unit = models.CharField(_("unit"), max_length=200, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("request response")
        verbose_name_plural = _("request responses")
