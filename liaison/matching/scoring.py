"""Scoring two person records: a score in 0..1 and an explanation a person can read."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field

from rapidfuzz.distance import Indel

from .dates import DATE_NOTES, DateRelation, PartialDate, compare_dates, parse_date
from .identifiers import normalise_id, normalise_nationality, normalise_phone, normalise_plate
from .names import NameKeys, NameToken, is_gender_pair, is_given_name_conflict, name_keys
from .scripts import Script

#: Default decision threshold for ``liaison screen`` and alerts (tuned on the
#: labelled evaluation set, see docs/matching.md).
DEFAULT_THRESHOLD = 0.8

#: Weight of the name similarity in the final score.
NAME_WEIGHT = 0.92

#: Score adjustments for the relation between birth dates.
DATE_ADJUST: dict[DateRelation, float] = {
    DateRelation.MISSING: 0.0,
    DateRelation.EXACT: 0.08,
    DateRelation.SWAPPED: 0.05,
    DateRelation.COMPATIBLE: 0.03,
    DateRelation.YEAR_OFF: -0.02,
    DateRelation.SAME_YEAR: -0.08,
    DateRelation.CONFLICT: -0.2,
}
NATIONALITY_SAME = 0.01
NATIONALITY_DIFFERENT = -0.04
ID_EQUAL = 0.3
ID_DIFFERENT = -0.03
PHONE_EQUAL = 0.15
PLATE_EQUAL = 0.1

TONE_CONFLICT_PENALTY = 0.3
GENDER_CONFLICT_PENALTY = 0.3
#: Token similarity below this counts as "different word".
TOKEN_MIN = 0.7


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """A person as the matcher sees it. Only ``id`` is required."""

    id: str
    full_name: str = ""
    birth_date: str = ""
    nationality: str = ""
    id_number: str = ""
    phones: tuple[str, ...] = ()
    plates: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PreparedPerson:
    """A record with all keys computed (validated)."""

    id: str
    name: NameKeys
    birth: PartialDate | None
    nationality: str
    id_number: str
    phones: frozenset[str] = frozenset()
    plates: frozenset[str] = frozenset()


def prepare(record: PersonRecord) -> PreparedPerson:
    """Validate and key one record.

    Raises ``InvalidDateError`` / ``InvalidNationalityError`` (both
    ``MatchingInputError``) on malformed dates and nationalities. Names never
    raise: empty or unreadable names are neutral.
    """
    nat = normalise_nationality(record.nationality)
    return PreparedPerson(
        id=record.id,
        name=name_keys(record.full_name),
        birth=parse_date(record.birth_date),
        nationality=nat,
        id_number=normalise_id(record.id_number, nat),
        phones=frozenset(p for p in (normalise_phone(x) for x in record.phones) if p),
        plates=frozenset(p for p in (normalise_plate(x) for x in record.plates) if p),
    )


@dataclass(frozen=True, slots=True)
class NameComparison:
    """Result of comparing two names."""

    score: float
    notes: tuple[str, ...] = ()
    comparable: bool = True


@dataclass(frozen=True, slots=True)
class MatchResult:
    """Score (0..1) of one pair plus the reasons behind it."""

    score: float
    name_score: float
    reasons: tuple[str, ...] = field(default_factory=tuple)

    @property
    def explanation(self) -> str:
        return "; ".join(self.reasons)


def _token_sim(a: NameToken, b: NameToken, strict: bool) -> float:
    if a.fold == b.fold:
        return 1.0
    return _phon_sim(a.phon, b.phon, strict)


@functools.lru_cache(maxsize=1_000_000)
def _phon_sim(a: str, b: str, strict: bool) -> float:
    if a == b:
        return 0.6 if strict else 0.97
    if strict:
        return 0.0
    if is_given_name_conflict(a, b) or is_gender_pair(a, b):
        return 0.0
    return Indel.normalized_similarity(a, b)


def _align(
    ta: Sequence[NameToken], tb: Sequence[NameToken], strict: bool
) -> list[tuple[int, int, float]]:
    """Greedy best one-to-one alignment of tokens (order-independent)."""
    cells = []
    for i, x in enumerate(ta):
        for j, y in enumerate(tb):
            s = _token_sim(x, y, strict)
            if s >= TOKEN_MIN:
                cells.append((s, -abs(i - j), i, j))
    cells.sort(reverse=True)
    used_a: set[int] = set()
    used_b: set[int] = set()
    pairs = []
    for s, _, i, j in cells:
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        pairs.append((i, j, s))
    return pairs


def _weight(t: NameToken, matched: bool) -> float:
    w = float(len(t.phon))
    if t.optional and not matched:
        return 0.15 * w
    return w


def _compare_variant(
    ta: Sequence[NameToken], tb: Sequence[NameToken], strict: bool
) -> tuple[float, list[tuple[int, int, float]], bool]:
    pairs = _align(ta, tb, strict)
    ma = {i for i, _, _ in pairs}
    mb = {j for _, j, _ in pairs}
    num = sum(s * (len(ta[i].phon) + len(tb[j].phon)) for i, j, s in pairs)
    den = sum(_weight(t, i in ma) for i, t in enumerate(ta)) + sum(
        _weight(t, j in mb) for j, t in enumerate(tb)
    )
    tok_score = num / den if den else 0.0
    joined = False
    if not strict:
        # Word boundaries may differ ("Thong Loun" / "Thongloun"): compare joined strings,
        # in the original order and in the aligned order, ignoring optional tokens.
        ja = "".join(t.phon for t in ta if not t.optional)
        jb = "".join(t.phon for t in tb if not t.optional)
        j_score = Indel.normalized_similarity(ja, jb) if ja and jb else 0.0
        if len(pairs) == min(len(ta), len(tb)) and pairs:
            order = [j for _, j, _ in sorted(pairs)]
            rest = [j for j in range(len(tb)) if j not in mb]
            jb2 = "".join(tb[j].phon for j in order + rest if not tb[j].optional)
            j_score = max(j_score, Indel.normalized_similarity(ja, jb2))
        # Only trust the joined comparison for long enough strings, slightly discounted.
        if min(len(ja), len(jb)) >= 8 and j_score * 0.97 > tok_score:
            tok_score = j_score * 0.97
            joined = True
    return tok_score, pairs, joined


def compare_names(a: NameKeys, b: NameKeys) -> NameComparison:
    """Similarity of two names in 0..1, with notes (tone conflicts, word order …)."""
    if a.empty or b.empty:
        return NameComparison(0.0, ("name not comparable",), comparable=False)
    if a.original > b.original:
        a, b = b, a
    strict = a.vietnamese_like and b.vietnamese_like
    best: tuple[float, int, int, list[tuple[int, int, float]], bool] = (-1.0, 0, 0, [], False)
    for ia, va in enumerate(a.variants):
        for ib, vb in enumerate(b.variants):
            s, pairs, joined = _compare_variant(va, vb, strict)
            if s > best[0]:
                best = (s, ia, ib, pairs, joined)
    score, ia, ib, pairs, joined = best
    va, vb = a.variants[ia], b.variants[ib]
    notes: list[str] = []
    penalty = 0.0
    # Tone-mark conflicts: words equal once folded, both marked, marks differ.
    # A word without marks in a name that is otherwise written with marks is a
    # level-tone word (Lan vs Lân); in a mostly unmarked name it is just untyped.
    full_a = a.marked_name and 2 * sum(t.has_marks for t in va) >= len(va)
    full_b = b.marked_name and 2 * sum(t.has_marks for t in vb) >= len(vb)
    for i, j, _ in pairs:
        x, y = va[i], vb[j]
        marks_known = (x.has_marks or full_a) and (y.has_marks or full_b)
        if (
            x.fold == y.fold
            and marks_known
            and (x.has_marks or y.has_marks)
            and x.marked != y.marked
        ):
            penalty += TONE_CONFLICT_PENALTY
            notes.append(f"tone-mark conflict {x.marked.capitalize()}/{y.marked.capitalize()}")
    if not strict and score >= 0.5:
        for x in va:
            for y in vb:
                if is_gender_pair(x.phon, y.phon):
                    penalty += GENDER_CONFLICT_PENALTY
                    notes.append(f"male/female form {x.fold.capitalize()}/{y.fold.capitalize()}")
                    break
    exact = score >= 0.999
    cross = a.script != b.script and not ({a.script, b.script} <= {Script.LATIN, Script.VIETNAMESE})
    reordered = bool(pairs) and [j for _, j in sorted((i, j) for i, j, _ in pairs)] != sorted(
        j for _, j, _ in pairs
    )
    how = (
        "after romanisation" if cross else "after folding marks" if a.original != b.original else ""
    )
    if exact:
        notes.insert(0, f"names equal {how}".strip())
    elif score >= 0.85:
        notes.insert(0, f"names similar {how} ({score:.2f})".replace("  ", " "))
    else:
        notes.insert(0, f"names differ ({score:.2f})")
    if joined:
        notes.append("word boundaries differ")
    if reordered:
        notes.append("word order differs")
    if len(pairs) >= 1 and len(va) > 1 and len(vb) > 1:
        # Surname check: family names are first in VN/RU passports, last in Lao use –
        # report when at least one full word matched exactly.
        full = [va[i].fold for i, j, s in pairs if s >= 0.97]
        if full and not exact and score >= 0.7:
            notes.append("equal words: " + ", ".join(w.capitalize() for w in full))
    if cross:
        sys_a = a.systems[ia] if ia < len(a.systems) else a.script.value
        sys_b = b.systems[ib] if ib < len(b.systems) else b.script.value
        notes.append(f"compared as {sys_a}/{sys_b}")
    return NameComparison(max(0.0, min(1.0, score - penalty)), tuple(notes))


def combine(
    name: NameComparison,
    date_rel: DateRelation,
    nat_rel: int,
    id_rel: int,
    extra: float = 0.0,
    extra_notes: Sequence[str] = (),
) -> MatchResult:
    """Final score from the name comparison and the other evidence.

    ``nat_rel`` and ``id_rel``: 1 equal, -1 different, 0 unknown.
    """
    reasons = list(name.notes)
    s = NAME_WEIGHT * name.score + DATE_ADJUST[date_rel]
    if DATE_NOTES[date_rel]:
        reasons.append(DATE_NOTES[date_rel])
    if nat_rel > 0:
        s += NATIONALITY_SAME
    elif nat_rel < 0:
        s += NATIONALITY_DIFFERENT
        reasons.append("nationality differs")
    if id_rel > 0:
        s += ID_EQUAL
        reasons.append("identity document number equal")
    elif id_rel < 0:
        s += ID_DIFFERENT
        reasons.append("identity document numbers differ")
    s += extra
    reasons.extend(extra_notes)
    return MatchResult(round(max(0.0, min(1.0, s)), 4), round(name.score, 4), tuple(reasons))


def _rel(a: str, b: str) -> int:
    if not a or not b:
        return 0
    return 1 if a == b else -1


def score_prepared(
    a: PreparedPerson, b: PreparedPerson, name: NameComparison | None = None
) -> MatchResult:
    """Score two prepared records (symmetric).

    ``name`` may pass a name comparison already made (``compare_names`` is
    symmetric), so records sharing a name are not compared again.
    """
    # Symmetry: always compare in a canonical order.
    if (a.name.original, a.id) > (b.name.original, b.id):
        a, b = b, a
    if name is None:
        name = compare_names(a.name, b.name)
    extra = 0.0
    notes: list[str] = []
    if a.phones & b.phones:
        extra += PHONE_EQUAL
        notes.append("phone number equal")
    if a.plates & b.plates:
        extra += PLATE_EQUAL
        notes.append("vehicle plate equal")
    return combine(
        name,
        compare_dates(a.birth, b.birth),
        _rel(a.nationality, b.nationality),
        _rel(a.id_number, b.id_number),
        extra,
        notes,
    )


def score_pair(a: PersonRecord, b: PersonRecord) -> MatchResult:
    """Score two raw records: ``score_pair(x, y).score`` in 0..1, ``.explanation`` text.

    Raises ``MatchingInputError`` for malformed birth dates / nationalities.
    """
    return score_prepared(prepare(a), prepare(b))


def score_names(a: str, b: str) -> NameComparison:
    """Compare two names only."""
    return compare_names(name_keys(a), name_keys(b))
