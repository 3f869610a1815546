"""Assistance requests: the fields each type requires, responses from the receiving side,
closing, and overdue requests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.cooperation import federation
from liaison.cooperation.models.requests import (
    REQUEST_FIELDS,
    AssistanceRequest,
    RequestResponse,
    RequestStatus,
    RequestType,
    ResponseKind,
)
from liaison.cooperation.models.wanted import WantedNotice
from liaison.cooperation.services.attachments import Upload, attach, check_uploads
from liaison.cooperation.services.common import (
    WRITERS,
    actor_of,
    bump,
    check_country,
    check_partial_date,
    filing,
    get_visible,
    guard,
    new_record,
    next_reference,
    now,
    partner_country,
    require_local,
    require_writer,
    visible,
)
from liaison.core import audit
from liaison.core.models import Tlp, Unit, User
from liaison.core.services import require_role

COMMON_REQUIRED = (
    "requesting_authority",
    "investigation_subject",
    "investigating_authority",
    "facts_summary",
    "assistance_sought",
    "purpose",
)
EXTRADITION_REQUIRED = ("person_description", "law_text", "penalty", "limitation")


def _label(field: str) -> str:
    return str(AssistanceRequest._meta.get_field(field).verbose_name)  # type: ignore[union-attr]


def _clean_persons(value: Any) -> list[dict[str, str]]:
    if not value:
        return []
    if not isinstance(value, list):
        raise ValidationError({"persons": _("Persons must be a list.")})
    keys = ("full_name", "latin_name", "birth_date", "nationality", "location", "id_number")
    out = []
    for p in value:
        if not isinstance(p, dict):
            raise ValidationError({"persons": _("Each person must have named fields.")})
        out.append({k: str(p.get(k, "") or "").strip() for k in keys})
    return out


def check_request(data: dict[str, Any]) -> None:
    """Required fields per request type: 1988 Convention art. 7(10), and for extradition the
    model-treaty contents. The error names each missing field."""
    rtype = data.get("request_type")
    if rtype not in RequestType.values:
        raise ValidationError({"request_type": _("Choose the type of request.")})
    type_label = RequestType(rtype).label
    errors: dict[str, str] = {}

    def missing(field: str, label: str | None = None) -> None:
        errors[field] = _("%(field)s is required for a request of type “%(type)s”.") % {
            "field": label or _label(field),
            "type": type_label,
        }

    for field in COMMON_REQUIRED:
        if not str(data.get(field) or "").strip():
            missing(field)
    persons = data.get("persons") or []
    if rtype != RequestType.INFORMATION:
        if not persons:
            missing("persons")
        for i, p in enumerate(persons, 1):
            for key, label in (
                ("full_name", _("name of person %(n)s") % {"n": i}),
                ("nationality", _("nationality of person %(n)s") % {"n": i}),
            ):
                if not p.get(key):
                    errors.setdefault("persons", "")
                    missing("persons", label)
            if rtype in (RequestType.ARREST, RequestType.EXTRADITION) and not p.get("location"):
                missing("persons", _("location of person %(n)s") % {"n": i})
            if p.get("birth_date"):
                check_partial_date(p["birth_date"], "persons")
    if rtype == RequestType.ARREST and not str(data.get("warrant_reference") or "").strip():
        missing("warrant_reference")
    if rtype == RequestType.EXTRADITION:
        for field in EXTRADITION_REQUIRED:
            if not str(data.get(field) or "").strip():
                missing(field)
        offences = data.get("offences") or []
        if not offences:
            missing("offences")
        for i, o in enumerate(offences, 1):
            if (
                not isinstance(o, dict)
                or not str(o.get("offence", "")).strip()
                or not str(o.get("acts", "")).strip()
            ):
                missing("offences", _("offence %(n)s with the acts alleged") % {"n": i})
        has_warrant = (
            str(data.get("warrant_reference") or "").strip()
            and str(data.get("evidence_summary") or "").strip()
        )
        if not has_warrant and not str(data.get("judgment_reference") or "").strip():
            missing(
                "warrant_reference",
                _("the arrest warrant and evidence (accused) or the judgment (convicted)"),
            )
    if errors:
        raise ValidationError(errors)


def send_request(
    user: User,
    *,
    request_type: str,
    to_country: str | None = None,
    to_unit_code: str = "",
    to_unit_name: str = "",
    persons: Any = (),
    offences: Any = (),
    wanted_notice: WantedNotice | None = None,
    attachments: Sequence[Upload] = (),
    unit: Unit | None = None,
    tlp: str = Tlp.AMBER,
    handling: str = "H0",
    **fields: Any,
) -> AssistanceRequest:
    with filing("request.send", user, unit, type=request_type) as owner:
        unknown = set(fields) - set(REQUEST_FIELDS)
        if unknown:
            raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
        data = {
            **fields,
            "request_type": request_type,
            "persons": _clean_persons(list(persons)),
            "offences": [
                {
                    "offence": str(o.get("offence", "")).strip(),
                    "acts": str(o.get("acts", "")).strip(),
                }
                if isinstance(o, dict)
                else {"offence": "", "acts": ""}
                for o in (offences or [])
            ],
        }
        check_request(data)
        deadline = fields.get("deadline")
        if isinstance(deadline, str) and deadline:
            try:
                fields["deadline"] = dt.date.fromisoformat(deadline)
            except ValueError as exc:
                raise ValidationError(
                    {"deadline": _("Deadline must be a date (YYYY-MM-DD).")}
                ) from exc
        if fields.get("deadline") and fields["deadline"] < timezone.localdate():
            raise ValidationError({"deadline": _("The deadline is in the past.")})
        if tlp == Tlp.RED:
            raise ValidationError({"tlp": _("A TLP:RED request cannot be sent to the partner.")})
        check_uploads(attachments)
        country = check_country(to_country or partner_country(), "to_country", required=True)
        request = new_record(
            AssistanceRequest,
            user,
            owner,
            reference=next_reference(AssistanceRequest, "RQ"),
            request_type=request_type,
            from_unit_code=owner.code,
            from_unit_name=owner.name,
            to_country=country,
            to_unit_code=to_unit_code,
            to_unit_name=to_unit_name,
            persons=data["persons"],
            offences=data["offences"],
            wanted_notice=wanted_notice,
            sent_at=now(),
            sent_by=user.get_full_name() or user.username,
            tlp=tlp,
            handling=handling,
            **{k: v for k, v in fields.items() if v is not None},
        )
        attach(request, attachments, user)
        audit.record(
            "request.send",
            request,
            actor=actor_of(user),
            reference=request.reference,
            type=request_type,
            to=country,
        )
        federation.share(request, federation.peers_of_country(country), user=user)
    return request


def request_status(request: AssistanceRequest) -> str:
    if request.closed_at:
        return RequestStatus.CLOSED
    kinds = set(request.responses.values_list("kind", flat=True))
    if ResponseKind.REFUSAL in kinds:
        return RequestStatus.REFUSED
    if ResponseKind.ANSWER in kinds:
        return RequestStatus.ANSWERED
    if ResponseKind.ASSIGNED in kinds:
        return RequestStatus.ASSIGNED
    return RequestStatus.OPEN


def refresh_request(request: AssistanceRequest) -> str:
    status = request_status(request)
    if status != request.status:
        AssistanceRequest.objects.filter(pk=request.pk).update(status=status)
        request.status = status
    return status


def respond(
    user: User,
    request: AssistanceRequest,
    kind: str,
    *,
    text: str = "",
    assignee: str = "",
    attachments: Sequence[Upload] = (),
) -> RequestResponse:
    """The receiving side assigns, notes, answers or refuses a request."""
    with guard("request.respond", user, request, kind=kind):
        require_role(user, *WRITERS)
        get_visible(AssistanceRequest, user, pk=request.pk)
        if request.is_local:
            raise ValidationError(_("Responses come from the side that received the request."))
        if kind not in ResponseKind.values:
            raise ValidationError({"kind": _("Unknown kind of response.")})
        if request.closed_at:
            raise ValidationError(_("This request is closed."))
        if kind == ResponseKind.ASSIGNED and not assignee.strip():
            raise ValidationError({"assignee": _("Name the person or unit assigned.")})
        if (
            kind in (ResponseKind.ANSWER, ResponseKind.REFUSAL, ResponseKind.NOTE)
            and not text.strip()
        ):
            raise ValidationError({"text": _("Write the response.")})
        check_uploads(attachments)
        response = new_record(
            RequestResponse,
            user,
            request.owner_unit,
            request=request,
            kind=kind,
            text=text.strip(),
            assignee=assignee.strip(),
            at=now(),
            by_user=user.get_full_name() or user.username,
            by_unit=user.unit.name if user.unit else "",
            tlp=request.tlp,
            handling=request.handling,
        )
        attach(response, attachments, user)
        refresh_request(request)
        audit.record(
            "request.respond", request, actor=actor_of(user), kind=kind, response=str(response.uuid)
        )
        federation.share(response, federation.peers_for_linked(request), user=user)
    return response


def close_request(user: User, request: AssistanceRequest) -> AssistanceRequest:
    with guard("request.close", user, request):
        require_local(request)
        require_writer(user, request.owner_unit)
        if request.closed_at:
            raise ValidationError(_("This request is already closed."))
        bump(request, closed_at=now())
        refresh_request(request)
        audit.record("request.close", request, actor=actor_of(user))
    return request


def overdue_requests(user: User) -> models.QuerySet[AssistanceRequest]:
    return visible(AssistanceRequest, user).filter(
        deadline__lt=timezone.localdate(),
        status__in=[RequestStatus.OPEN, RequestStatus.ASSIGNED],
    )


def is_overdue(request: AssistanceRequest) -> bool:
    return bool(
        request.deadline
        and request.deadline < timezone.localdate()
        and request.status in (RequestStatus.OPEN, RequestStatus.ASSIGNED)
    )


def read_requests(requests: list[AssistanceRequest], user: User | None, via: str = "list") -> None:
    """Record one "request.read" entry per request shown that names or describes a person."""
    about_persons = [r for r in requests if r.persons or r.person_description]
    audit.record_many("request.read", about_persons, actor=actor_of(user), via=via)
