"""Cooperation records: hotline, wanted notices, assistance requests, joint cases, patrols,
agreements, meetings and capacity projects.

Only the origin node changes a record. What the partner contributes (a receipt, a status
event, a response, a joint-case entry, a patrol result) is its own linked record, so that
every piece has exactly one writer and travels through the federation like any other record.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from liaison.core.models import BorderGate, Province, Record, Unit

# --------------------------------------------------------------------------- shared


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


class Side(models.TextChoices):
    """Which side of the border a contribution comes from (ISO 3166-1)."""

    VN = "VN", _("Viet Nam")
    LA = "LA", _("Laos")


# --------------------------------------------------------------------------- hotline


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
        verbose_name = _("hotline message")
        verbose_name_plural = _("hotline messages")


class ReceiptKind(models.TextChoices):
    READ = "read", _("Read")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")


class MessageReceipt(Record):  # type: ignore[django-manager-missing]
    """Read / acknowledged by the receiving side: its own record, linked to the message."""

    record_kind: ClassVar[str] = "message-receipts"

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="receipts")
    kind = models.CharField(_("receipt"), max_length=12, choices=ReceiptKind.choices)
    at = models.DateTimeField(_("time"))
    by_user = models.CharField(_("by"), max_length=150, blank=True)
    by_unit = models.CharField(_("unit"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("message receipt")
        verbose_name_plural = _("message receipts")


# --------------------------------------------------------------------------- wanted notices


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
        verbose_name = _("wanted notice")
        verbose_name_plural = _("wanted notices")

    def __str__(self) -> str:
        return f"{self.reference} {self.full_name}"


class WantedEvent(Record):  # type: ignore[django-manager-missing]
    """A lifecycle step recorded by either side."""

    record_kind: ClassVar[str] = "wanted-notice-events"

    notice = models.ForeignKey(WantedNotice, on_delete=models.CASCADE, related_name="events")
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


# --------------------------------------------------------------------------- requests


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
        verbose_name = _("assistance request")
        verbose_name_plural = _("assistance requests")

    def __str__(self) -> str:
        return self.reference


class ResponseKind(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")
    NOTE = "note", _("Note")
    ANSWER = "answer", _("Answer")
    REFUSAL = "refusal", _("Refusal")


class RequestResponse(Record):  # type: ignore[django-manager-missing]
    """The receiving side's work on a request: assignment, notes, the answer, a refusal."""

    record_kind: ClassVar[str] = "request-responses"

    request = models.ForeignKey(
        AssistanceRequest, on_delete=models.CASCADE, related_name="responses"
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


# --------------------------------------------------------------------------- joint cases


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


class JointCaseEntry(Record):  # type: ignore[django-manager-missing]
    """One side's contribution to a joint case; only that side edits it."""

    record_kind: ClassVar[str] = "joint-case-entries"

    joint_case = models.ForeignKey(JointCase, on_delete=models.CASCADE, related_name="entries")
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


# --------------------------------------------------------------------------- patrols


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


class PatrolResult(Record):  # type: ignore[django-manager-missing]
    """Results one side reports for a patrol: arrests and linked records."""

    record_kind: ClassVar[str] = "patrol-results"

    patrol = models.ForeignKey(Patrol, on_delete=models.CASCADE, related_name="results")
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


# --------------------------------------------------------------------------- agreements


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
