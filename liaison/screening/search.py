"""Person search by name in any script (``search_persons``), split from :mod:`services`."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from liaison.core import audit
from liaison.core.models import User
from liaison.crime import services as crime
from liaison.crime.models import Person
from liaison.matching import (
    MatchingInputError,
    MatchResult,
    NameComparison,
    PersonRecord,
    PreparedPerson,
    compare_names,
    normalise_nationality,
    parse_date,
    score_prepared,
)
from liaison.screening import index as indexes
from liaison.screening.models import SideKind
from liaison.screening.services import (
    PARTIAL_PENALTY,
    SEARCH_CANDIDATES,
    SEARCH_THRESHOLD,
    _lenient,
)


@dataclass
class SearchHit:
    person: Person
    score: float
    explanation: str
    partial: bool = False

    @property
    def percent(self) -> int:
        return round(self.score * 100)


def _check_query(birth_date: str, nationality: str) -> None:
    errors = {}
    try:
        parse_date(birth_date or "")
    except MatchingInputError as exc:
        errors["birth_date"] = str(exc)
    try:
        normalise_nationality(nationality or "")
    except MatchingInputError as exc:
        errors["nationality"] = str(exc)
    if errors:
        raise ValidationError(errors)


#: candidates scored per search: the best whole-name hits of the stored keys, then records
#: sharing a name word with the query
INDEX_CANDIDATES = 40
WORD_CANDIDATES = 30

#: the columns of a person the search scores
_SCORED = ("pk", "full_name", "latin_name", "birth_date", "nationality", "id_number")


@dataclass(frozen=True)
class _ScoredPerson:
    pk: int
    full_name: str
    latin_name: str
    birth_date: str
    nationality: str
    id_number: str


class _Memo:
    """One search's scoring: each record prepared, and each name compared with the query,
    once (a common name is borne by many candidates, and their name parts recur)."""

    def __init__(self, query: list[PreparedPerson]) -> None:
        self.query = query
        self.prepared: dict[tuple[str, str, str, str], PreparedPerson] = {}
        self.names: dict[tuple[int, str], NameComparison] = {}

    def prepare(self, rec: PersonRecord) -> PreparedPerson:
        key = (rec.full_name, rec.birth_date, rec.nationality, rec.id_number)
        found = self.prepared.get(key)
        if found is None:
            found = self.prepared[key] = _lenient(rec)
        return found

    def best(self, people: list[PreparedPerson]) -> MatchResult | None:
        best: MatchResult | None = None
        for i, q in enumerate(self.query):
            for p in people:
                compared = self.names.get((i, p.name.original))
                if compared is None:
                    compared = self.names[i, p.name.original] = compare_names(q.name, p.name)
                r = score_prepared(q, p, compared)
                if best is None or r.score > best.score:
                    best = r
        return best


def _score_search(
    memo: _Memo, words: int, person: _ScoredPerson
) -> tuple[MatchResult | None, bool]:
    """Score a person for a search: the whole name, or (when the query has fewer words than
    the name) the best part of the name of the query's length, a little lower."""
    # A search query has no phone number: the person's names and document only.
    aliases = [
        PersonRecord(e.key, e.name, e.birth_date, e.nationality, e.id_number)
        for e in indexes.person_entries(
            person.pk,
            person.full_name,
            person.latin_name,
            person.birth_date,
            person.nationality,
            person.id_number,
        )
    ]
    prepared = [memo.prepare(a) for a in aliases]
    best = memo.best(prepared)
    partial = False
    if words:
        for alias, whole in zip(aliases, prepared, strict=True):
            parts = alias.full_name.split()
            if len(parts) <= words or len(parts) > 7:
                continue
            vietnamese = whole.name.vietnamese_like
            subs = [
                memo.prepare(
                    PersonRecord(
                        alias.id,
                        " ".join(parts[i] for i in c),
                        alias.birth_date,
                        alias.nationality,
                        alias.id_number,
                    )
                )
                for c in combinations(range(len(parts)), words)
                # A Vietnamese middle name (Văn, Thị …) alone identifies nobody.
                if not (vietnamese and len(parts) >= 3 and 0 not in c and len(parts) - 1 not in c)
            ]
            res = memo.best(subs)
            if res is None:
                continue
            penalty = PARTIAL_PENALTY * (len(parts) - words)
            score = round(max(0.0, res.score - penalty), 4)
            if best is None or score > best.score:
                note = _("part of the name (%(n)s of %(m)s words)") % {"n": words, "m": len(parts)}
                best = MatchResult(score, res.name_score, (*res.reasons, note))
                partial = True
    return best, partial


def search_persons(
    user: User,
    q: str = "",
    *,
    birth_date: str = "",
    nationality: str = "",
    id_number: str = "",
    limit: int = 20,
    threshold: float = SEARCH_THRESHOLD,
    source: str = "",
    via: str = "web",
) -> list[SearchHit]:
    """Persons the user may see whose name (in any script) resembles ``q``, ranked, with the
    explanation. Every person returned is recorded in the audit log as read."""
    q = " ".join((q or "").split())[:200]
    id_number = (id_number or "").strip()[:64]
    birth_date = (birth_date or "").strip()
    nationality = (nationality or "").strip().upper()
    if not q and not id_number:
        raise ValidationError({"q": _("Type a name or an identity document number.")})
    _check_query(birth_date, nationality)
    limit = max(1, min(int(limit), 100))
    query_rec = PersonRecord("?search", q, birth_date, nationality, id_number)
    query = [_lenient(query_rec)]
    memo = _Memo(query)
    words = len(q.split())
    ranked: dict[int, None] = {}  # ordered: index hits (best first), then word hits
    cap = SEARCH_CANDIDATES
    if q:
        best: dict[int, float] = {}
        word_hits: list[int] = []
        for side in indexes.SIDES:
            idx = indexes.get_index(side)
            for hit in idx.query(
                q,
                birth_date,
                nationality,
                id_number,
                threshold=max(0.3, threshold - 0.3),
                limit=SEARCH_CANDIDATES,
            ):
                kind, pk = indexes.parse_key(hit.person_id)
                if kind == SideKind.PERSON and hit.score > best.get(pk, -1.0):
                    best[pk] = hit.score
            word_hits += idx.word_candidates(q)
        by_score = sorted(best, key=lambda k: (-best[k], k))
        strong = sum(1 for pk in by_score if best[pk] >= threshold)
        if strong >= limit:
            # The page is full of whole-name hits: fewer candidates to score, a share of
            # them kept for part-of-name hits (a low whole-name score says nothing there).
            cap = INDEX_CANDIDATES + WORD_CANDIDATES
            by_score = by_score[:INDEX_CANDIDATES]
        for pk in [*by_score, *word_hits]:
            ranked.setdefault(pk)
    qs = crime.visible(Person, user)
    chosen: list[int] = []
    pks = list(ranked)
    # Visibility first (ids only), then the cap: another unit's namesakes never crowd out
    # one's own. Only the chosen candidates are loaded as objects.
    for start in range(0, len(pks), 900):
        if len(chosen) >= cap:
            break
        part = pks[start : start + 900]
        visible = set(qs.filter(pk__in=part).values_list("pk", flat=True))
        chosen += [pk for pk in part if pk in visible]
    chosen = chosen[:cap]
    if id_number:
        seen = set(chosen)
        same_doc = qs.filter(id_number__iexact=id_number).values_list("pk", flat=True)[:limit]
        chosen += [pk for pk in same_doc if pk not in seen]
    # Scored on the few columns the matcher reads; only the hits shown are loaded as objects.
    rows = {r[0]: r for r in qs.filter(pk__in=chosen).values_list(*_SCORED)} if chosen else {}
    scored: list[tuple[float, bool, str, int, str]] = []
    for pk in chosen:
        if pk not in rows:
            continue
        res, partial = _score_search(memo, words if q else 0, _ScoredPerson(*rows[pk]))
        if res is not None and res.score >= threshold:
            scored.append((res.score, partial, rows[pk][1], pk, res.explanation))
    scored.sort(key=lambda h: (-h[0], h[1], h[2], h[3]))
    scored = scored[:limit]
    loaded = qs.select_related("case", "owner_unit").in_bulk([h[3] for h in scored])
    hits = [SearchHit(loaded[pk], score, why, partial) for score, partial, _n, pk, why in scored]
    with transaction.atomic():
        actor = crime.actor_for(user, source)
        audit.record(
            "person.search",
            actor=actor,
            object_kind="crime.person",
            query=q,
            birth_date=birth_date,
            nationality=nationality,
            id_number=id_number,
            results=len(hits),
            via=via,
        )
        crime.read_persons([h.person for h in hits], user=user, source=source, via=f"{via} search")
    return hits


# =========================================================================== reading and deciding alerts
