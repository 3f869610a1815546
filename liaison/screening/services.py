"""Screening: match persons and wanted notices across the border; the one search box (``search``).

"The other side" of a record is the records held from the other side of the border:

* a new **local person** is matched against received partner persons and received wanted
  notices;
* a **received wanted notice** is matched against local persons;
* a **received partner person** is matched against local persons and local wanted notices
  (our fugitive turning up in the partner's records);
* a **local wanted notice** is matched against received partner persons.

A match at or above :data:`liaison.matching.DEFAULT_THRESHOLD` raises a :class:`MatchAlert`
for an analyst, with the scorer's explanation. Nothing is ever merged: an analyst confirms
or dismisses, and the decision is kept.

Public functions: ``match_person``, ``match_incoming_wanted_notice``, ``match_wanted_notice``,
``match_record``, ``match_pending_received``, ``match_all``; ``search_persons``;
``alerts_for``, ``get_alert``, ``confirm``, ``dismiss``, ``open_count``, ``decision_rows``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.cooperation.models import WantedNotice
from liaison.core import audit
from liaison.core.audit import Actor
from liaison.core.models import Role, User
from liaison.core.node import this_node
from liaison.core.services import require_role
from liaison.crime import services as crime
from liaison.crime.models import Person
from liaison.matching import (
    DEFAULT_THRESHOLD,
    MatchingInputError,
    MatchResult,
    PersonRecord,
    PreparedPerson,
    prepare,
    score_prepared,
)
from liaison.screening import index as indexes
from liaison.screening.models import AlertStatus, MatchAlert, MatchCursor, SideKind

log = logging.getLogger("liaison.screening")

DECIDER_ROLES = (Role.ANALYST, Role.SUPERVISOR)
#: search results below this score are not shown
SEARCH_THRESHOLD = 0.7
#: a match on part of a name counts this much less per name word left out
PARTIAL_PENALTY = 0.04
#: at most this many received persons matched per federation batch (the rest: ``match_all``)
PENDING_BATCH = 5000
#: at most this many candidates are scored per search (index hits first, then word hits)
SEARCH_CANDIDATES = 120
#: candidates asked of the index per name variant
CANDIDATE_LIMIT = 50

MatchTarget = Person | WantedNotice


# =========================================================================== records as the matcher sees them


def _phones(text: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in re.split(r"[,;/\s]+", text or "") if p.strip())


def _aliases(obj: MatchTarget, phones: bool = True) -> list[PersonRecord]:
    """The record's name / document variants as matcher records (best one counts)."""
    if isinstance(obj, Person):
        entries = indexes.person_entries(
            obj.pk, obj.full_name, obj.latin_name, obj.birth_date, obj.nationality, obj.id_number
        )
        numbers = _phones(obj.phones) if phones else ()
    else:
        entries = indexes.notice_entries(
            obj.pk,
            obj.full_name,
            obj.latin_name,
            obj.other_names,
            obj.birth_date,
            obj.nationality,
            obj.id_documents,
        )
        numbers = ()
    return [
        PersonRecord(e.key, e.name, e.birth_date, e.nationality, e.id_number, numbers)
        for e in entries
    ]


def _lenient(rec: PersonRecord) -> PreparedPerson:
    """Prepare a stored record; a malformed birth date or nationality counts as unknown."""
    try:
        return prepare(rec)
    except MatchingInputError:
        pass
    try:
        return prepare(
            PersonRecord(rec.id, rec.full_name, "", rec.nationality, rec.id_number, rec.phones)
        )
    except MatchingInputError:
        return prepare(PersonRecord(rec.id, rec.full_name, "", "", rec.id_number, rec.phones))


def _best(a: list[PreparedPerson], b: list[PreparedPerson]) -> MatchResult | None:
    best: MatchResult | None = None
    for x in a:
        for y in b:
            r = score_prepared(x, y)
            if best is None or r.score > best.score:
                best = r
    return best


def snapshot(obj: MatchTarget) -> dict[str, Any]:
    """The fields the match was made on (kept with the alert: training data)."""
    data: dict[str, Any] = {
        "kind": obj.record_kind,
        "uuid": str(obj.uuid),
        "origin": obj.origin,
        "origin_country": obj.origin_country,
        "version": obj.version,
        "name": obj.full_name,
        "latin_name": obj.latin_name,
        "birth_date": obj.birth_date,
        "nationality": obj.nationality,
    }
    if isinstance(obj, Person):
        data.update(
            id_number=obj.id_number, phones=obj.phones, sex=obj.sex, reference=obj.person_ref
        )
    else:
        data.update(
            id_number=", ".join(str(d.get("number", "")) for d in obj.id_documents or []),
            other_names=list(obj.other_names or []),
            sex=obj.sex,
            reference=obj.reference,
        )
    return data


# =========================================================================== alerts


def _is_local(obj: MatchTarget) -> bool:
    return bool(obj.origin == this_node().id)


def _targets(obj: MatchTarget) -> tuple[str, set[str]]:
    """(side to search, kinds wanted there) for a subject; see the module docstring."""
    other = "partner" if _is_local(obj) else "local"
    if isinstance(obj, WantedNotice):
        return other, {SideKind.PERSON.value}
    return other, {SideKind.PERSON.value, SideKind.WANTED_NOTICE.value}


def find_matches(
    obj: MatchTarget, threshold: float = DEFAULT_THRESHOLD, kinds: set[str] | None = None
) -> list[tuple[MatchTarget, MatchResult]]:
    """Records on the other side resembling ``obj`` (score ≥ threshold), best first.
    Candidates come from the cached index and are re-scored on their current rows."""
    side, default_kinds = _targets(obj)
    kinds = default_kinds & kinds if kinds is not None else default_kinds
    idx = indexes.get_index(side)
    mine = _aliases(obj)
    wanted: dict[str, set[int]] = {k: set() for k in kinds}
    for rec in mine:
        try:
            hits = idx.query(
                rec.full_name,
                rec.birth_date,
                rec.nationality,
                rec.id_number,
                threshold=max(0.0, threshold - 0.05),
                limit=CANDIDATE_LIMIT,
            )
        except MatchingInputError:
            hits = idx.query(
                rec.full_name,
                "",
                "",
                rec.id_number,
                threshold=max(0.0, threshold - 0.1),
                limit=CANDIDATE_LIMIT,
            )
        for hit in hits:
            kind, pk = indexes.parse_key(hit.person_id)
            if kind in wanted:
                wanted[kind].add(pk)
    if not any(wanted.values()):
        return []
    me = this_node().id
    prepared_mine = [_lenient(r) for r in mine]
    out: list[tuple[MatchTarget, MatchResult]] = []
    for kind, pks in wanted.items():
        if not pks:
            continue
        model: Any = Person if kind == SideKind.PERSON else WantedNotice
        qs = model.objects.filter(pk__in=pks)
        qs = qs.filter(origin=me) if side == "local" else qs.exclude(origin=me)
        for cand in qs:
            res = _best(prepared_mine, [_lenient(r) for r in _aliases(cand)])
            if res is not None and res.score >= threshold:
                out.append((cand, res))
    out.sort(key=lambda pair: (-pair[1].score, str(pair[0].uuid)))
    return out


def _pair_exists(a: MatchTarget, b: MatchTarget) -> bool:
    return MatchAlert.objects.filter(
        Q(
            subject_kind=a.record_kind,
            subject_uuid=a.uuid,
            candidate_kind=b.record_kind,
            candidate_uuid=b.uuid,
        )
        | Q(
            subject_kind=b.record_kind,
            subject_uuid=b.uuid,
            candidate_kind=a.record_kind,
            candidate_uuid=a.uuid,
        )
    ).exists()


def match_record(
    obj: MatchTarget, threshold: float = DEFAULT_THRESHOLD, kinds: set[str] | None = None
) -> list[MatchAlert]:
    """Match one record against the other side; raise an alert per new pair. Returns the
    alerts raised now (pairs already alerted, in either direction, are left as they are)."""
    raised: list[MatchAlert] = []
    for cand, res in find_matches(obj, threshold, kinds):
        if _pair_exists(obj, cand):
            continue
        try:
            with transaction.atomic():
                alert = MatchAlert.objects.create(
                    subject_kind=obj.record_kind,
                    subject_uuid=obj.uuid,
                    subject_local=_is_local(obj),
                    subject_unit_id=obj.owner_unit_id,
                    subject_snapshot=snapshot(obj),
                    candidate_kind=cand.record_kind,
                    candidate_uuid=cand.uuid,
                    candidate_local=_is_local(cand),
                    candidate_unit_id=cand.owner_unit_id,
                    candidate_snapshot=snapshot(cand),
                    score=res.score,
                    threshold=threshold,
                    explanation=res.explanation,
                    reasons=list(res.reasons),
                    created_at=timezone.now(),
                )
                audit.record(
                    "match.alert",
                    alert,
                    actor=Actor.system("screening"),
                    subject=f"{obj.record_kind}/{obj.uuid}",
                    candidate=f"{cand.record_kind}/{cand.uuid}",
                    score=res.score,
                    explanation=res.explanation,
                )
        except IntegrityError:  # raised meanwhile by another process
            continue
        raised.append(alert)
    return raised


def match_person(person: Person, threshold: float = DEFAULT_THRESHOLD) -> list[MatchAlert]:
    """A local person against received persons and notices; a received person against local
    persons and local wanted notices."""
    return match_record(person, threshold)


def match_wanted_notice(
    notice: WantedNotice, threshold: float = DEFAULT_THRESHOLD
) -> list[MatchAlert]:
    """A wanted notice against the persons of the other side."""
    return match_record(notice, threshold)


def match_incoming_wanted_notice(
    notice: WantedNotice, threshold: float = DEFAULT_THRESHOLD
) -> list[MatchAlert]:
    """A wanted notice received from a partner, against local persons."""
    if _is_local(notice):
        raise ValueError("match_incoming_wanted_notice: this notice was issued here")
    return match_record(notice, threshold)


def _cursor(name: str) -> MatchCursor:
    cursor, _created = MatchCursor.objects.get_or_create(name=name)
    return cursor


def match_pending_received(limit: int = PENDING_BATCH) -> int:
    """Match received persons not matched yet (they arrive in bulk, without ``post_save``).
    Called after each applied federation batch. Returns the number of persons matched."""
    me = this_node().id
    with transaction.atomic():
        cursor = MatchCursor.objects.select_for_update().filter(name="received-persons").first()
        cursor = cursor or _cursor("received-persons")
        start = cursor.last_id
        persons = list(
            Person.objects.exclude(origin=me).filter(id__gt=start).order_by("id")[:limit]
        )
        if not persons:
            return 0
        cursor.last_id = persons[-1].pk
        cursor.updated_at = timezone.now()
        cursor.save()
    for person in persons:
        try:
            match_record(person)
        except Exception:  # never lose the rest of the batch to one record
            log.exception("screening: matching received person %s failed", person.uuid)
    return len(persons)


@dataclass
class BatchResult:
    records: int = 0
    alerts: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"records": self.records, "alerts": self.alerts, "seconds": round(self.seconds, 1)}


def batch_plan(only_new: bool = False) -> list[tuple[str, models.QuerySet[Any]]]:
    """What ``match_all`` walks. Every (local, partner) pair of a person with a person or a
    notice is met exactly once: local persons against the partner side (persons and
    notices), received persons against local notices only."""
    me = this_node().id
    plan: list[tuple[str, models.QuerySet[Any]]] = [
        ("local persons", Person.objects.filter(origin=me)),
        ("received persons", Person.objects.exclude(origin=me)),
    ]
    if only_new:
        last = MatchCursor.objects.filter(name="batch").values_list("last_id", flat=True).first()
        plan = [(label, qs.filter(id__gt=last or 0)) for label, qs in plan]
    return plan


def match_all(
    *,
    only_new: bool = False,
    threshold: float = DEFAULT_THRESHOLD,
    on_progress: Callable[[str, int | None], Any] | None = None,
) -> BatchResult:
    """Match every person held here against the other side (after bulk imports, seeding or
    installing this app). Idempotent: existing alerts and decisions stay as they are."""
    import time

    started = time.perf_counter()
    result = BatchResult()
    high = Person.objects.aggregate(m=models.Max("id"))["m"] or 0
    for label, qs in batch_plan(only_new):
        total = qs.count()
        if on_progress:
            on_progress(label, total)
        local = label == "local persons"
        for person in qs.order_by("id").iterator(chunk_size=2000):
            # A received person's pairs with local persons are met from the local side.
            kinds = None if local else {SideKind.WANTED_NOTICE.value}
            raised = match_record(person, threshold, kinds)
            result.records += 1
            result.alerts += len(raised)
            if on_progress:
                on_progress(label, None)
    # Notices issued here against received persons are covered by the received persons'
    # pass; received notices against local persons by the local persons' pass.
    with transaction.atomic():
        for name in ("batch", "received-persons"):
            cursor = _cursor(name)
            cursor.last_id = max(cursor.last_id, high)
            cursor.updated_at = timezone.now()
            cursor.save()
    result.seconds = time.perf_counter() - started
    return result


def _side_visible(prefix: str, user: User) -> Q:
    """An alert side the user may see: a record of their unit's subtree, or a partner's
    wanted notice (seen by every officer, as in cooperation)."""
    if user.unit_id is None:
        return Q(**{f"{prefix}_kind": SideKind.WANTED_NOTICE, f"{prefix}_local": False})
    return Q(**{f"{prefix}_unit__path__startswith": user.unit.path}) | Q(  # type: ignore[union-attr]
        **{f"{prefix}_kind": SideKind.WANTED_NOTICE, f"{prefix}_local": False}
    )


def alerts_for(user: User) -> models.QuerySet[MatchAlert]:
    """Alerts whose both sides the user may see."""
    qs = MatchAlert.objects.select_related("decided_by", "subject_unit", "candidate_unit")
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.is_superuser:
        return qs
    return qs.filter(_side_visible("subject", user) & _side_visible("candidate", user))


def open_count(user: User) -> int:
    return alerts_for(user).filter(status=AlertStatus.OPEN).count()


def get_alert(user: User, pk: Any) -> MatchAlert:
    try:
        return alerts_for(user).get(pk=pk)
    except (MatchAlert.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("No such alert.")) from exc


def record_of(kind: str, uuid: Any) -> MatchTarget | None:
    model: Any = Person if kind == SideKind.PERSON else WantedNotice
    return model.objects.filter(uuid=uuid).first()  # type: ignore[no-any-return]


def read_alert(
    alert: MatchAlert, user: User, *, source: str = "", via: str = "web"
) -> dict[str, Any]:
    """Both sides of an alert as they are now (or as matched, if recalled since); persons
    shown are audited as read."""
    sides: dict[str, Any] = {}
    for prefix in ("subject", "candidate"):
        kind = getattr(alert, f"{prefix}_kind")
        obj = record_of(kind, getattr(alert, f"{prefix}_uuid"))
        if isinstance(obj, Person):
            crime.read_person(obj, user=user, source=source, via=f"{via} alert")
        sides[prefix] = {
            "kind": kind,
            "object": obj,
            "data": snapshot(obj) if obj is not None else getattr(alert, f"{prefix}_snapshot"),
            "local": getattr(alert, f"{prefix}_local"),
            "missing": obj is None,
        }
    return sides


def read_alerts(
    alerts: list[MatchAlert], user: User | None, *, source: str = "", via: str = "api"
) -> None:
    """Record one "alert.read" entry per alert shown: each carries both persons as matched
    (names, birth dates, ID numbers)."""
    audit.record_many("alert.read", alerts, actor=Actor.of(user, source), via=via)


def _decide(alert: MatchAlert, user: User, status: str, note: str, source: str) -> MatchAlert:
    require_role(user, *DECIDER_ROLES)
    with transaction.atomic():
        locked = get_alert(user, alert.pk)
        locked = MatchAlert.objects.select_for_update().get(pk=locked.pk)
        if locked.status != AlertStatus.OPEN:
            raise ValidationError(
                {
                    "status": _("This alert was already decided (%(s)s).")
                    % {"s": locked.get_status_display()}
                }
            )
        locked.status = status
        locked.decided_by = user
        locked.decided_at = timezone.now()
        locked.decision_note = (note or "").strip()[:4000]
        locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        audit.record(
            f"match.{'confirm' if status == AlertStatus.CONFIRMED else 'dismiss'}",
            locked,
            actor=Actor.of(user, source),
            score=locked.score,
            note=locked.decision_note,
            subject=f"{locked.subject_kind}/{locked.subject_uuid}",
            candidate=f"{locked.candidate_kind}/{locked.candidate_uuid}",
        )
    return locked


def confirm(alert: MatchAlert, user: User, note: str = "", source: str = "") -> MatchAlert:
    """An analyst or supervisor decides both records are the same person. Nothing is merged;
    the decision is recorded (and audited)."""
    return _decide(alert, user, AlertStatus.CONFIRMED, note, source)


def dismiss(alert: MatchAlert, user: User, note: str = "", source: str = "") -> MatchAlert:
    """An analyst or supervisor decides the records are different persons."""
    return _decide(alert, user, AlertStatus.DISMISSED, note, source)


def require_decider(user: User) -> None:
    if not (user.is_superuser or any(user.has_role(r) for r in DECIDER_ROLES)):
        raise PermissionDenied(_("Match alerts are for analysts and supervisors."))


# =========================================================================== export


DECISION_COLUMNS = [
    "alert_id",
    "status",
    "score",
    "threshold",
    "explanation",
    "created_at",
    "decided_at",
    "decided_by",
    "note",
    "subject_kind",
    "subject_uuid",
    "subject_origin",
    "subject_name",
    "subject_latin_name",
    "subject_birth_date",
    "subject_nationality",
    "subject_id_number",
    "candidate_kind",
    "candidate_uuid",
    "candidate_origin",
    "candidate_name",
    "candidate_latin_name",
    "candidate_birth_date",
    "candidate_nationality",
    "candidate_id_number",
]


EXPORT_CHUNK = 2000


def decision_rows(include_open: bool = False, actor: Actor | None = None) -> Iterator[list[str]]:
    """Decided alerts (optionally open ones too) as CSV rows of :data:`DECISION_COLUMNS`.
    The rows name both persons, so each chunk is audited as read before it is written."""
    qs = MatchAlert.objects.select_related("decided_by").order_by("id")
    if not include_open:
        qs = qs.exclude(status=AlertStatus.OPEN)
    actor = actor or Actor.system("match_decisions")
    last = 0
    while True:
        chunk = list(qs.filter(pk__gt=last)[:EXPORT_CHUNK])
        if not chunk:
            return
        last = chunk[-1].pk
        audit.record_many("alert.read", chunk, actor=actor, via="match_decisions export")
        yield from (_decision_row(a) for a in chunk)


def _decision_row(a: MatchAlert) -> list[str]:
    row = [
        str(a.pk),
        a.status,
        f"{a.score:.4f}",
        f"{a.threshold:.2f}",
        a.explanation,
        a.created_at.isoformat(),
        a.decided_at.isoformat() if a.decided_at else "",
        a.decided_by.username if a.decided_by else "",
        a.decision_note,
    ]
    for prefix in ("subject", "candidate"):
        snap = getattr(a, f"{prefix}_snapshot") or {}
        row += [
            getattr(a, f"{prefix}_kind"),
            str(getattr(a, f"{prefix}_uuid")),
            str(snap.get("origin", "")),
            str(snap.get("name", "")),
            str(snap.get("latin_name", "")),
            str(snap.get("birth_date", "")),
            str(snap.get("nationality", "")),
            str(snap.get("id_number", "")),
        ]
    return row


# Search lives in its own module; re-exported for callers of ``services``.
from liaison.screening.search import SearchHit, search_persons  # noqa: E402

__all__ = ["SearchHit", "search_persons"]
