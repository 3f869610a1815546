"""One search box: persons (own and received) and wanted notices (own and received) by name
in any script or by identity document, ranked, each with its kind, origin and the reasons
for its score (``search_persons``, split from :mod:`services`).

A search reads the keys kept in the database (:mod:`liaison.screening.keys`) with bounded
index reads and builds nothing in memory:

1. the query's blocking keys (``keys``) give candidate names; a key shared by too many
   names narrows nothing and is left out (:data:`PAIR_MAX`, :data:`RARE_TOKEN_MAX`); the
   query's words give names sharing a rare word (:data:`COMMON_WORD`, newest first);
2. the candidate names are ranked by a C-speed prefilter on their phonetic words and at most
   :data:`NAME_CANDIDATES` of them are compared with the query by the matcher (each distinct
   name once; a comparison that cannot reach the threshold stops early);
3. the newest :data:`PER_NAME` entries of each name that can reach the threshold on each side
   (those born in the year asked first), and the entries with the identity document asked,
   are scored; the best variant of each record counts;
4. visibility (the unit tree) is checked on the ids, and only the records shown are loaded,
   each audited as read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from liaison.cooperation.models import WantedNotice
from liaison.cooperation.services.common import visible
from liaison.cooperation.services.wanted import read_notices
from liaison.core import audit
from liaison.core.models import User
from liaison.crime import services as crime
from liaison.crime.models import Person
from liaison.matching import (
    MatchingInputError,
    NameComparison,
    PersonRecord,
    PreparedPerson,
    name_keys,
    normalise_nationality,
    parse_date,
    score_prepared,
)
from liaison.matching.reasons import Reason, structured
from liaison.matching.scoring import (
    DATE_ADJUST,
    ID_EQUAL,
    NAME_WEIGHT,
    NATIONALITY_SAME,
    DateRelation,
    compare_names_at_least,
)
from liaison.screening import explain
from liaison.screening import index as indexes
from liaison.screening import keys as stored
from liaison.screening.models import SideKind
from liaison.screening.services import PARTIAL_PENALTY, SEARCH_THRESHOLD, _lenient

#: fuzzy keys shared by more names than this are not used
PAIR_MAX = 2_000
#: single-word keys shared by more names than this are not used (whole-name candidates)
RARE_TOKEN_MAX = 300
#: word keys shared by more names than this narrow nothing (part-of-name candidates)
COMMON_WORD = 2_000
#: names sharing a query word, newest first, per word key
WORD_NAMES = 250
#: candidate names compared with the query per search (closest by the prefilter first)
NAME_CANDIDATES = 60
#: prefilter cut-off (0..100) for whole-name candidates
PREFILTER_CUTOFF = 70.0
#: entries read per name and side (records bearing a name are ranked by their other fields)
PER_NAME = 25
#: entries read for an identity document
PER_DOCUMENT = 100
#: the fields of a record a result shows (and its audit entry names)
SHOWN = ("uuid", "origin", "origin_country", "full_name", "latin_name", "birth_date", "nationality")
#: the matcher's reason for an equal identity document number
DOCUMENT_EQUAL = "identity document number equal"
#: names compared at a time (the closest first) …
NAME_BATCH = 8
#: … until the page is full and at least this many were compared
MIN_COMPARED = 8
#: names longer than this are not cut into parts
MAX_PARTS = 7


@dataclass
class SearchHit:
    """One record found: a person (own or received) or a wanted notice (own or received)."""

    kind: str
    record: Any  # Person | WantedNotice
    score: float
    reasons: tuple[Reason, ...] = field(default_factory=tuple)
    partial: bool = False

    @property
    def percent(self) -> int:
        return round(self.score * 100)

    @property
    def explanation(self) -> str:
        """The reasons in the active language."""
        return explain.explanation(self.reasons)

    @property
    def kind_label(self) -> str:
        return str(SideKind(self.kind).label)

    @property
    def is_notice(self) -> bool:
        return self.kind == SideKind.WANTED_NOTICE

    @property
    def received(self) -> bool:
        return not self.record.is_local

    @property
    def reference(self) -> str:
        """The case of a person, the reference of a notice."""
        return str(self.record.reference if self.is_notice else self.record.case.case_ref)

    @property
    def url(self) -> str:
        if self.is_notice:
            return reverse("cooperation:wanted", args=[self.record.uuid])
        return reverse("crime:detail", args=["persons", self.record.uuid])


def warm_up() -> None:
    """Compare names in each script once, so that a worker's first search does not pay for
    the matcher's tables (called at the start of a served worker)."""
    names = ["Nguyễn Văn Hùng", "Nguyen Van Hung", "ສຸກສະຫວັນ ພົມມະຈັນ", "Иванов Сергей"]
    for a in names:
        for b in names:
            compare_names_at_least(name_keys(a), name_keys(b), -1.0)
    explain.explanation(structured(["names equal"]))


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


@dataclass
class _Names:
    """The comparisons of one search: each name (whole, and its parts of the query's length)
    compared with the query once."""

    query: PreparedPerson
    words: int
    #: the lowest name score that can still reach the threshold (whole name, one word off)
    floor: float
    part_floor: float
    whole: dict[int, NameComparison | None] = field(default_factory=dict)
    parts: dict[int, tuple[NameComparison, int] | None] = field(default_factory=dict)
    _subs: dict[str, NameComparison | None] = field(default_factory=dict)

    def compare(self, nid: int, text: str) -> None:
        keys = name_keys(text)
        self.whole[nid] = compare_names_at_least(self.query.name, keys, self.floor)
        self.parts[nid] = self._best_part(keys) if self.words else None

    def _best_part(self, keys: Any) -> tuple[NameComparison, int] | None:
        """The best part of the name with the query's number of words (a Vietnamese middle
        name — Văn, Thị … — alone identifies nobody), and the number of words left out."""
        parts = keys.original.split()
        if len(parts) <= self.words or len(parts) > MAX_PARTS:
            return None
        left_out = len(parts) - self.words
        floor = self.part_floor + PARTIAL_PENALTY * (left_out - 1) / NAME_WEIGHT
        best: NameComparison | None = None
        vietnamese = keys.vietnamese_like
        for c in combinations(range(len(parts)), self.words):
            if vietnamese and len(parts) >= 3 and 0 not in c and len(parts) - 1 not in c:
                continue
            sub = " ".join(parts[i] for i in c)
            if sub not in self._subs:
                self._subs[sub] = compare_names_at_least(self.query.name, name_keys(sub), floor)
            found = self._subs[sub]
            if found is not None and (best is None or found.score > best.score):
                best = found
        return (best, left_out) if best is not None else None

    def bound(self, nid: int) -> float:
        """The best name score of a name (whole, or a part less its penalty); -1 if none can
        reach the threshold."""
        whole = self.whole.get(nid)
        part = self.parts.get(nid)
        return max(
            whole.score if whole is not None else -1.0,
            part[0].score - PARTIAL_PENALTY * part[1] / NAME_WEIGHT if part is not None else -1.0,
        )


def _bonus(birth_date: str, nationality: str, id_number: str) -> float:
    """The most the fields beside the name can add to a score."""
    return (
        (DATE_ADJUST[DateRelation.EXACT] if birth_date else 0.0)
        + (NATIONALITY_SAME if nationality else 0.0)
        + (ID_EQUAL if id_number else 0.0)
    )


def _candidate_names(q: PreparedPerson, text: str) -> tuple[list[int], list[int]]:
    """(names by whole-name keys, names sharing a rare word with the query)."""
    strict, fuzzy, rare = stored.name_key_strings(q.name)
    spaces = ("O|",) if q.name.vietnamese_like else ("O|", "V|")
    keys = [(stored.key_hash(k), PAIR_MAX, PAIR_MAX) for k in strict]
    keys += [(stored.key_hash(s + k[2:]), PAIR_MAX, PAIR_MAX) for k in fuzzy for s in spaces]
    keys += [
        (stored.key_hash(s + k[2:]), RARE_TOKEN_MAX, RARE_TOKEN_MAX) for k in rare for s in spaces
    ]
    whole = indexes.names_by_keys(keys)
    word_keys = [
        (stored.key_hash(s + k[2:]), COMMON_WORD, WORD_NAMES)
        for word in text.split()
        for k in stored.name_key_strings(name_keys(word))[2]
        for s in ("O|", "V|")
    ]
    by_word = indexes.names_by_keys(word_keys)
    return whole, by_word


def _closest_names(q: PreparedPerson, text: str, names: _Names) -> list[tuple[int, str]]:
    """The candidate names, the closest to the query by the prefilter first, at most
    :data:`NAME_CANDIDATES`."""
    whole, by_word = _candidate_names(q, text)
    rows = indexes.name_rows(list(dict.fromkeys([*whole, *by_word])))
    if not rows:
        return []
    in_word = set(by_word)
    scores, within = indexes.prefilter_scores(stored.prefilter_text(q.name), rows)
    ranked: list[tuple[float, int, str]] = []
    for (nid, name, _pre), s, w in zip(rows, scores, within, strict=True):
        # A name sharing a word with the query is a part-of-name candidate: ranked by how
        # well the query's words are found in it.
        if nid in in_word:
            s = max(s, w)
        elif s < PREFILTER_CUTOFF and len(rows) > 8:
            continue
        ranked.append((s, nid, name))
    ranked.sort(key=lambda r: (-r[0], -r[1]))
    return [(nid, name) for _s, nid, name in ranked[:NAME_CANDIDATES]]


def _score_entries(
    names: _Names, texts: dict[int, str], entries: list[tuple[Any, ...]]
) -> dict[tuple[str, int], tuple[float, bool, tuple[str, ...]]]:
    """The best (score, part of the name, reasons) of each record among its entries."""
    best: dict[tuple[str, int], tuple[float, bool, tuple[str, ...]]] = {}
    prepared: dict[tuple[str, str, str, str], PreparedPerson] = {}
    q = names.query
    for kind, record_id, _local, _variant, nid, birth, nat, doc in entries:
        text = texts.get(nid)
        if text is None:
            continue
        # A field the query leaves empty counts for nothing: records differing only there
        # score the same.
        birth = birth if q.birth is not None else ""
        nat = nat if q.nationality else ""
        doc = doc if q.id_number else ""
        key = (text, birth, nat, doc)
        person = prepared.get(key)
        if person is None:
            person = prepared[key] = _lenient(PersonRecord("?entry", text, birth, nat, doc))
        found: list[tuple[float, bool, tuple[str, ...]]] = []
        whole = names.whole.get(nid)
        if whole is not None or not names.words:
            res = score_prepared(names.query, person, whole)
            found.append((res.score, False, res.reasons))
        part = names.parts.get(nid)
        if part is not None:
            cmp, left_out = part
            res = score_prepared(names.query, person, cmp)
            score = round(max(0.0, res.score - PARTIAL_PENALTY * left_out), 4)
            found.append((score, True, (*res.reasons, f"\0part {names.words} {left_out}")))
        for item in found:
            if item[0] > best.get((kind, record_id), (-1.0,))[0]:
                best[kind, record_id] = item
    return best


def _reasons(texts: tuple[str, ...]) -> tuple[Reason, ...]:
    out: list[Reason] = []
    for text in texts:
        if text.startswith("\0part "):
            n, left_out = text.split()[1:]
            out.append(Reason("name_part", {"n": n, "m": str(int(n) + int(left_out))}))
        else:
            out += structured([text])
    return tuple(out)


def _visible_ids(user: User, kind: str, ids: list[int]) -> set[int]:
    qs: QuerySet[Any] = (
        crime.visible(Person, user) if kind == SideKind.PERSON else visible(WantedNotice, user)
    )
    if not qs.query.has_filters():
        # No condition: the user sees every record (the keys change with the records, in
        # their transaction, so every id names one).
        return set(ids)
    out: set[int] = set()
    for i in range(0, len(ids), stored.CHUNK):
        out.update(qs.filter(pk__in=ids[i : i + stored.CHUNK]).values_list("pk", flat=True))
    return out


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
    """Persons and wanted notices the user may see whose name (in any script) resembles
    ``q`` or who bear the identity document ``id_number``, ranked, with the reasons. Every
    person and notice returned is recorded in the audit log as read."""
    q = " ".join((q or "").split())[:200]
    id_number = (id_number or "").strip()[:64]
    birth_date = (birth_date or "").strip()
    nationality = (nationality or "").strip().upper()
    if not q and not id_number:
        raise ValidationError({"q": _("Type a name or an identity document number.")})
    _check_query(birth_date, nationality)
    limit = max(1, min(int(limit), 100))
    query = _lenient(PersonRecord("?search", q, birth_date, nationality, id_number))
    bonus = _bonus(birth_date, nationality, id_number)
    floor = (threshold - bonus) / NAME_WEIGHT
    names = _Names(query, len(q.split()) if q else 0, floor, floor + PARTIAL_PENALTY / NAME_WEIGHT)
    candidates = _closest_names(query, q, names) if q else []
    texts: dict[int, str] = {}
    year = birth_date[:4] if birth_date[:4].isdigit() else ""
    entries: list[tuple[Any, ...]] = []
    doc = stored.document_key(id_number, nationality)
    best: dict[tuple[str, int], tuple[float, bool, tuple[str, ...]]] = {}
    if doc and not q:
        # The document alone: each record bearing it is shown, the number equal.
        for kind, record_id, *_rest in indexes.entries_with_document(doc, PER_DOCUMENT):
            best[kind, record_id] = (1.0, False, (DOCUMENT_EQUAL,))
    elif doc:
        entries = indexes.entries_with_document(doc, PER_DOCUMENT)
        for nid, name, _pre in indexes.name_rows(sorted({e[4] for e in entries})):
            texts[nid] = name
            names.whole[nid] = compare_names_at_least(query.name, name_keys(name), -1.0)
    shown: list[tuple[str, int]] = []
    checked: set[tuple[str, int]] = set()
    per_name = max(PER_NAME, limit + 5)
    # The closest names a few at a time: each compared with the query, the records bearing
    # those that can reach the threshold read, scored and checked for visibility, until the
    # page is full (and at least MIN_COMPARED names were compared).
    for i in range(0, max(len(candidates), 1), NAME_BATCH):
        batch = [(nid, name) for nid, name in candidates[i : i + NAME_BATCH] if nid not in texts]
        for nid, name in batch:
            texts[nid] = name
            names.compare(nid, name)
        reach = sorted(((names.bound(nid), nid) for nid, _n in batch), reverse=True)
        entries += indexes.entries_of_names([nid for b, nid in reach if b >= 0.0], per_name, year)
        for rec, found in _score_entries(names, texts, entries).items():
            if found[0] >= threshold and found[0] > best.get(rec, (-1.0,))[0]:
                best[rec] = found
        entries = []
        fresh = [rec for rec in best if rec not in checked]
        checked.update(fresh)
        for kind in (SideKind.PERSON.value, SideKind.WANTED_NOTICE.value):
            ids = [pk for k, pk in fresh if k == kind]
            seen = _visible_ids(user, kind, ids) if ids else set()
            shown += [(kind, pk) for pk in ids if pk in seen]
        if len(shown) >= limit and i + NAME_BATCH >= MIN_COMPARED:
            break
    shown.sort(key=lambda r: (-best[r][0], best[r][1], r[0], -r[1]))
    shown = shown[:limit]
    persons = (
        Person.objects.select_related("case", "owner_unit")
        .only(*SHOWN, "id_number", "case__case_ref", "owner_unit__code")
        .in_bulk([pk for k, pk in shown if k == SideKind.PERSON])
    )
    notices = WantedNotice.objects.select_related("owner_unit").in_bulk(
        [pk for k, pk in shown if k == SideKind.WANTED_NOTICE]
    )
    hits = []
    for kind, pk in shown:
        record = persons.get(pk) if kind == SideKind.PERSON else notices.get(pk)
        if record is not None:
            score, partial, reasons = best[kind, pk]
            hits.append(SearchHit(kind, record, score, _reasons(reasons), partial))
    _audit(user, hits, q, birth_date, nationality, id_number, source, via)
    return hits


def _audit(
    user: User,
    hits: list[SearchHit],
    q: str,
    birth_date: str,
    nationality: str,
    id_number: str,
    source: str,
    via: str,
) -> None:
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
        found = [h.record for h in hits if not h.is_notice]
        if found:
            crime.read_persons(found, user=user, source=source, via=f"{via} search")
        wanted = [h.record for h in hits if h.is_notice]
        if wanted:
            read_notices(wanted, user, via=f"{via} search")
