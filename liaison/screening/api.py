"""REST API for screening: ``GET /api/v1/persons/search`` (the one search box: persons and
wanted notices, own and received, by name in any script) and
``/api/v1/match-alerts`` (list, read, confirm, dismiss). Access as on the pages: a search
returns only persons the user may see (each one audited as read); alerts are for analysts
and supervisors and show only pairs whose both sides the user may see."""

import datetime as dt
from typing import Any
from uuid import UUID

from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from liaison.core.listing import KeysetPagination, ListFilter
from liaison.core.middleware import api_source as _source
from liaison.core.middleware import request_user as _user
from liaison.matching import DEFAULT_THRESHOLD
from liaison.matching.reasons import structured
from liaison.screening import explain, services
from liaison.screening.models import MatchAlert

router = Router(tags=["screening"])


class ReasonOut(Schema):
    code: str
    params: dict[str, str]
    text: str


class PersonHitOut(Schema):
    kind: str
    kind_label: str
    uuid: UUID
    origin: str
    origin_country: str
    received: bool
    full_name: str
    latin_name: str
    birth_date: str
    nationality: str
    id_number: str
    reference: str
    case_ref: str
    owner_unit: str
    score: float
    explanation: str
    reasons: list[ReasonOut]
    partial_name: bool
    url: str


class SearchOut(Schema):
    query: str
    threshold: float
    count: int
    results: list[PersonHitOut]


def _document(hit: services.SearchHit) -> str:
    if not hit.is_notice:
        return str(hit.record.id_number)
    documents = [d for d in hit.record.id_documents or [] if isinstance(d, dict)]
    return str(documents[0].get("number", "")) if documents else ""


@router.get("/persons/search", response=SearchOut)
def search_persons(
    request: HttpRequest,
    q: str = "",
    birth_date: str = "",
    nationality: str = "",
    id_number: str = "",
    limit: int = 20,
) -> HttpResponse:
    """Persons (own and received) and wanted notices (own and received) whose name in any
    script (Vietnamese with or without tone marks, Lao, Latin, Cyrillic) resembles ``q``,
    best first, each with its kind, origin, score and the reasons for it (codes with
    parameters, and the text in the reader's language). Optional ``birth_date`` (YYYY,
    YYYY-MM, YYYY-MM-DD), ``nationality`` (ISO 3166-1) and ``id_number`` sharpen the
    ranking. Each person and notice returned is audited as read."""
    user = _user(request)
    hits = services.search_persons(
        user,
        q,
        birth_date=birth_date,
        nationality=nationality,
        id_number=id_number,
        limit=limit,
        source=_source(request),
        via="api",
    )
    # The reasons in the reader's language: a user's saved language wins over the browser's
    # (as on the pages).
    with translation.override(getattr(user, "language", "") or translation.get_language()):
        # Built as the schema says and sent as is: validating twenty hits again through the
        # schema would cost more than the search.
        return JsonResponse(_answer(q, hits))


def _answer(q: str, hits: list[services.SearchHit]) -> dict[str, Any]:
    return {
        "query": q,
        "threshold": services.SEARCH_THRESHOLD,
        "count": len(hits),
        "results": [
            {
                "kind": h.kind,
                "kind_label": h.kind_label,
                "uuid": str(h.record.uuid),
                "origin": h.record.origin,
                "origin_country": h.record.origin_country,
                "received": h.received,
                "full_name": h.record.full_name,
                "latin_name": h.record.latin_name,
                "birth_date": h.record.birth_date,
                "nationality": h.record.nationality,
                "id_number": _document(h),
                "reference": h.reference,
                "case_ref": "" if h.is_notice else h.reference,
                "owner_unit": h.record.owner_unit.code if h.record.owner_unit else "",
                "score": h.score,
                "explanation": h.explanation,
                "reasons": explain.as_dicts(h.reasons),
                "partial_name": h.partial,
                "url": h.url,
            }
            for h in hits
        ],
    }


class SideOut(Schema):
    kind: str
    uuid: UUID
    local: bool
    name: str
    latin_name: str
    birth_date: str
    nationality: str
    id_number: str
    origin: str
    reference: str


class AlertOut(Schema):
    id: int
    status: str
    score: float
    threshold: float
    explanation: str
    reasons: list[str]
    reason_codes: list[ReasonOut]
    created_at: dt.datetime
    decided_by: str | None
    decided_at: dt.datetime | None
    decision_note: str
    subject: SideOut
    candidate: SideOut

    @staticmethod
    def resolve_explanation(obj: MatchAlert) -> str:
        return obj.explained

    @staticmethod
    def resolve_reason_codes(obj: MatchAlert) -> list[dict[str, Any]]:
        return explain.as_dicts(structured(obj.reasons or []))

    @staticmethod
    def resolve_decided_by(obj: MatchAlert) -> str | None:
        return obj.decided_by.username if obj.decided_by else None

    @staticmethod
    def resolve_subject(obj: MatchAlert) -> dict[str, Any]:
        return _side(obj, "subject")

    @staticmethod
    def resolve_candidate(obj: MatchAlert) -> dict[str, Any]:
        return _side(obj, "candidate")


def _side(alert: MatchAlert, prefix: str) -> dict[str, Any]:
    snap = getattr(alert, f"{prefix}_snapshot") or {}
    return {
        "kind": getattr(alert, f"{prefix}_kind"),
        "uuid": getattr(alert, f"{prefix}_uuid"),
        "local": getattr(alert, f"{prefix}_local"),
        **{k: str(snap.get(k, "") or "") for k in _SNAPSHOT_FIELDS},
    }


_SNAPSHOT_FIELDS = (
    "name",
    "latin_name",
    "birth_date",
    "nationality",
    "id_number",
    "origin",
    "reference",
)


class DecisionIn(Schema):
    action: str  # "confirm" | "dismiss"
    note: str = ""


class AlertFilter(ListFilter):
    status: str = "open"

    def filter_status(self, value: str | None) -> Q:
        return Q() if value in (None, "all") else Q(status=value)


def _audit_alert_list(request: HttpRequest, alerts: list[MatchAlert]) -> None:
    services.read_alerts(alerts, _user(request), source=_source(request), via="api list")


@router.get("/match-alerts", response=list[AlertOut])
@paginate(KeysetPagination, order=("-created_at", "-id"), on_page=_audit_alert_list)
def list_alerts(request: HttpRequest, filters: Query[AlertFilter]) -> QuerySet[MatchAlert]:
    """Match alerts the user may see (``status``: open, confirmed, dismissed or all), newest
    first. Analysts and supervisors only."""
    services.require_decider(_user(request))
    return filters.filter(services.alerts_for(_user(request)))


@router.get("/match-alerts/{alert_id}", response=AlertOut)
def get_alert(request: HttpRequest, alert_id: int) -> MatchAlert:
    services.require_decider(_user(request))
    alert = services.get_alert(_user(request), alert_id)
    services.read_alerts([alert], _user(request), source=_source(request), via="api")
    return alert


@router.post("/match-alerts/{alert_id}", response=AlertOut)
def decide_alert(request: HttpRequest, alert_id: int, payload: DecisionIn) -> MatchAlert:
    """Confirm (same person) or dismiss (different persons), with a note. Nothing is merged;
    the decision is kept and audited."""
    from django.core.exceptions import ValidationError

    user = _user(request)
    services.require_decider(user)
    alert = services.get_alert(user, alert_id)
    if payload.action == "confirm":
        decided = services.confirm(alert, user, payload.note, source=_source(request))
    elif payload.action == "dismiss":
        decided = services.dismiss(alert, user, payload.note, source=_source(request))
    else:
        raise ValidationError({"action": "confirm or dismiss"})
    # The answer carries both persons as matched.
    services.read_alerts([decided], user, source=_source(request), via="api decide")
    return decided


__all__ = ["DEFAULT_THRESHOLD", "router"]
