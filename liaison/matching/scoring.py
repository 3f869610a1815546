"""Scoring two person records: a score in 0..1 and an explanation a person can read."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import product

from rapidfuzz.distance import Indel
from rapidfuzz.fuzz import ratio, token_sort_ratio

from .dates import DATE_NOTES, DateRelation, PartialDate, compare_dates, parse_date
from .identifiers import normalise_id, normalise_nationality, normalise_phone, normalise_plate
from .names import NameKeys, NameToken, is_gender_pair, is_given_name_conflict, name_keys
from .scripts import Script
from .sound import skeleton as sound_skeleton
from .soundnames import compared_by_sound, reading_label, sound_target, sound_variants
from .transcribe import spelled_back

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
#: Folded syllables that Vietnamese always writes with marks (Nguyễn, Văn, Thị ...):
#: seen without them, the name was typed without marks, so a bare word in it says
#: nothing about its tone.
USUALLY_MARKED = frozenset(
    [
        "nguyen",
        "tran",
        "pham",
        "dang",
        "bui",
        "duong",
        "hoang",
        "huynh",
        "doan",
        "trinh",
        "dinh",
        "van",
        "thi",
        "duc",
    ]
)

#: Token similarity below this counts as "different word".
TOKEN_MIN = 0.7

#: A comparison by sound keys (coarser than spellings) counts this much of a spelling match.
SOUND_WEIGHT = 0.98
#: the same for names of fewer than five consonants (by count)
SOUND_SHORT = {4: 0.96, 3: 0.93, 2: 0.9, 1: 0.84, 0: 0.84}
#: share of the consonants in the similarity of two sound keys (the rest: the whole key)
SOUND_CONSONANTS = 0.5
#: sound keys are short (one letter a vowel run): joined names are compared from this length
SOUND_JOINED_MIN = 4
#: readings of a pair compared word by word (the closest as whole keys)
SOUND_READINGS_COMPARED = 2
#: readings further apart than this (token-sort ratio 0..100) are not compared
SOUND_FLOOR = 50.0
#: a spelling comparison this good is not compared again by sound
SOUND_NOT_NEEDED = 0.95


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

    @property
    def probability(self) -> float:
        """Calibrated probability that the pair is the same person (see ``calibration``)."""
        from .calibration import probability  # calibration imports this module

        return probability(self.score)


@functools.lru_cache(maxsize=1_000_000)
def _phon_sim(a: str, b: str, strict: bool) -> float:
    """Similarity of two words that differ once folded (phonetic keys ``a``, ``b``)."""
    if a == b:
        return 0.6 if strict else 0.97
    if strict:
        return 0.0
    if is_given_name_conflict(a, b) or is_gender_pair(a, b):
        return 0.0
    if not a.islower() and not b.islower():
        # sound keys (upper-case consonant classes): consonants weigh more than vowels
        return SOUND_CONSONANTS * Indel.normalized_similarity(
            sound_skeleton(a), sound_skeleton(b)
        ) + (1.0 - SOUND_CONSONANTS) * Indel.normalized_similarity(a, b)
    return Indel.normalized_similarity(a, b)


# One name variant prepared for comparison: per word ``(fold, phon, len(phon),
# optional)``, the joined phonetic key without optional words, and the total word
# weight when no word is optional (else ``None``: it depends on what matched).
_Word = tuple[str, str, int, bool]
VariantData = tuple[tuple[_Word, ...], str, float | None]


def _tokens_data(v: Sequence[NameToken]) -> VariantData:
    words = tuple((t.fold, t.phon, len(t.phon), t.optional) for t in v)
    joined = "".join([t.phon for t in v if not t.optional])
    total = None if any(t.optional for t in v) else sum([float(len(t.phon)) for t in v])
    return (words, joined, total)


def variant_data(keys: NameKeys) -> tuple[VariantData, ...]:
    """The variants of a name prepared for :func:`compare_names_at_least` (cache per name)."""
    return tuple(_tokens_data(v) for v in keys.variants)


#: a sound variant ready to compare: (reading, data, consonants in the joined key, words)
_SoundData = tuple[str, VariantData, int, str]


@functools.lru_cache(maxsize=100_000)
def sound_data(text: str, target: str = "cyrillic") -> tuple[_SoundData, ...]:
    """Sound variants of a name (see ``soundnames``) prepared for comparison."""
    out = []
    for lang, words in sound_variants(text, target):
        data: VariantData = (
            tuple(("~" + k, k, len(k), opt) for k, opt in words),
            "".join([k for k, opt in words if not opt]),
            None if any(opt for _, opt in words) else float(sum(len(k) for k, _ in words)),
        )
        out.append((lang, data, _consonants(data[1]), " ".join(k for k, _ in words)))
    return tuple(out)


def _compare_by_sound(a: NameKeys, b: NameKeys, min_score: float = -1.0) -> tuple[float, str]:
    """Best sound comparison of two names in different scripts: ``(score, reading)``.

    Of all pairs of readings, only the two closest (token-sort ratio, C speed) are
    compared word by word, and none when even those are far apart.
    """
    target = sound_target(a, b)
    sa, sb = sound_data(a.original, target), sound_data(b.original, target)
    # words sorted, or joined: a name written as one word in Lao script (ບິງເຟືອກ) meets
    # its syllables written apart (Bình Phước)
    ranked = sorted(
        (
            (max(token_sort_ratio(x[3], y[3]), ratio(x[1][1], y[1][1])), k, x, y)
            for k, (x, y) in enumerate(product(sa, sb))
        ),
        reverse=True,
    )
    # readings that far apart do not reach a score worth having (nor min_score)
    floor = max(SOUND_FLOOR, 100.0 * min_score - 10.0)
    pairs = [(x, y) for r, _, x, y in ranked[:SOUND_READINGS_COMPARED] if r >= floor]
    best, reading = 0.0, ""
    for (la, da, na, _), (lb, db, nb, _) in pairs:
        s = _compare_variant(da, db, False, SOUND_JOINED_MIN)[0]
        # few consonants are weak evidence: short keys meet by chance
        n = min(na, nb)
        s *= SOUND_WEIGHT if n >= 5 else SOUND_SHORT.get(n, SOUND_SHORT[0])
        if s > best:
            best, reading = s, la if la != "native" else lb
    return best, reading


def _names_conflict(a: NameKeys, b: NameKeys, ia: int, ib: int) -> bool:
    """Two different known given names (Ilya/Yuri): the spellings said so, sound may not undo it."""
    if Script.CYRILLIC not in (a.script, b.script):
        return False  # the known given names are Russian ones
    return any(
        is_given_name_conflict(x.phon, y.phon) for x in a.variants[ia] for y in b.variants[ib]
    )


def _consonants(key: str) -> int:
    return sum(1 for ch in key if ch.isupper())


def _align(
    ta: tuple[_Word, ...], tb: tuple[_Word, ...], strict: bool
) -> list[tuple[int, int, float]]:
    """Greedy best one-to-one alignment of words (order-independent).

    Word similarity: 1 when equal once folded, else ``_phon_sim``; pairs below
    ``TOKEN_MIN`` never align. Best pairs first; ties go to words at close
    positions, then to later positions.
    """
    cells = []
    phon_sim = _phon_sim
    for i, (x_fold, x_phon, _, _) in enumerate(ta):
        for j, (y_fold, y_phon, _, _) in enumerate(tb):
            s = 1.0 if x_fold == y_fold else phon_sim(x_phon, y_phon, strict)
            if s >= TOKEN_MIN:
                cells.append((s, i - j if j > i else j - i, i, j))  # (s, -|i - j|, i, j)
    if len(cells) <= 1:
        return [(i, j, s) for s, _, i, j in cells]
    cells.sort(reverse=True)
    used_a = used_b = 0  # bit sets of aligned positions
    pairs = []
    for s, _, i, j in cells:
        if used_a >> i & 1 or used_b >> j & 1:
            continue
        used_a |= 1 << i
        used_b |= 1 << j
        pairs.append((i, j, s))
    return pairs


def _weight_sum(words: tuple[_Word, ...], matched: set[int]) -> float:
    """Total word weight; an optional word (patronymic) left unmatched weighs 0.15."""
    return sum(
        [
            0.15 * float(n) if opt and i not in matched else float(n)
            for i, (_, _, n, opt) in enumerate(words)
        ]
    )


def _compare_variant(
    da: VariantData, db: VariantData, strict: bool, joined_min: int = 8
) -> tuple[float, list[tuple[int, int, float]], bool]:
    ta, ja, total_a = da
    tb, jb, total_b = db
    pairs = _align(ta, tb, strict)
    num = sum([s * (ta[i][2] + tb[j][2]) for i, j, s in pairs])
    if total_a is None:
        total_a = _weight_sum(ta, {i for i, _, _ in pairs})
    if total_b is None:
        total_b = _weight_sum(tb, {j for _, j, _ in pairs})
    den = total_a + total_b
    tok_score = num / den if den else 0.0
    joined = False
    # Word boundaries may differ ("Thong Loun" / "Thongloun"): compare joined strings,
    # in the original order and in the aligned order, ignoring optional words. Only
    # trusted for long enough strings, slightly discounted.
    if not strict and min(len(ja), len(jb)) >= joined_min:
        j_score = Indel.normalized_similarity(ja, jb)
        if len(pairs) == min(len(ta), len(tb)) and pairs:
            mb = {j for _, j, _ in pairs}
            order = [j for _, j, _ in sorted(pairs)]
            rest = [j for j in range(len(tb)) if j not in mb]
            jb2 = "".join([tb[j][1] for j in order + rest if not tb[j][3]])
            j_score = max(j_score, Indel.normalized_similarity(ja, jb2))
        if j_score * 0.97 > tok_score:
            tok_score = j_score * 0.97
            joined = True
    return tok_score, pairs, joined


def _fully_marked(keys: NameKeys, words: Sequence[NameToken]) -> bool:
    """The name is written with its marks, so a word without any is a level-tone word.

    True when at least half the words carry marks, or when some do and no bare word
    is one that is always marked (a bare Nguyen or Van means marks were not typed).
    """
    if not keys.marked_name:
        return False
    marked = sum(t.has_marks for t in words)
    if 2 * marked >= len(words):
        return True
    return marked > 0 and not any(not t.has_marks and t.fold in USUALLY_MARKED for t in words)


def compare_names(a: NameKeys, b: NameKeys) -> NameComparison:
    """Similarity of two names in 0..1, with notes (tone conflicts, word order …)."""
    cmp = compare_names_at_least(a, b, -1.0)
    assert cmp is not None
    return cmp


def compare_names_at_least(
    a: NameKeys,
    b: NameKeys,
    min_score: float,
    data_a: tuple[VariantData, ...] | None = None,
    data_b: tuple[VariantData, ...] | None = None,
    sound_only: bool = False,
    by_sound: bool = True,
) -> NameComparison | None:
    """``compare_names(a, b)``, or ``None`` when its score is certainly below ``min_score``.

    The word alignment bounds the final score from above (penalties only lower
    it), so the notes are only worked out for pairs that can reach ``min_score``:
    blocking candidates are mostly rejected, and cheaply. ``data_a`` / ``data_b``
    may pass ``variant_data`` of the names already made. ``sound_only``: the pair
    was found by sound alone, so its spellings are not compared (they differ);
    ``by_sound=False``: the names share no sound key, so they are not compared by sound.
    """
    if a.empty or b.empty:
        if min_score > 0.0:
            return None
        return NameComparison(0.0, ("name not comparable",), comparable=False)
    if a.original > b.original:
        a, b = b, a
        data_a, data_b = data_b, data_a
    if data_a is None:
        data_a = variant_data(a)
    if data_b is None:
        data_b = variant_data(b)
    strict = a.vietnamese_like and b.vietnamese_like
    best: tuple[float, int, int, list[tuple[int, int, float]], bool] = (-1.0, 0, 0, [], False)
    for ia, da in enumerate(data_a if not sound_only else ()):
        for ib, db in enumerate(data_b):
            s, pairs, joined = _compare_variant(da, db, strict)
            if s > best[0]:
                best = (s, ia, ib, pairs, joined)
    score, ia, ib, pairs, joined = best
    reading = ""
    if by_sound and score < SOUND_NOT_NEEDED and compared_by_sound(a, b):
        sound_score, how_read = _compare_by_sound(a, b, min_score)
        if sound_score > score and not _names_conflict(a, b, ia, ib):
            score, reading, joined = sound_score, how_read, False
    if score < min_score and min_score > 0.0:
        return None
    va, vb = a.variants[ia], b.variants[ib]
    notes: list[str] = []
    penalty = 0.0
    # Tone-mark conflicts: words equal once folded, both marked, marks differ.
    # A word without marks in a name that is otherwise written with marks is a
    # level-tone word (Lan vs Lân); in a mostly unmarked name it is just untyped.
    full_a = _fully_marked(a, va)
    full_b = _fully_marked(b, vb)
    latin = {Script.LATIN, Script.VIETNAMESE}
    for i, j, _ in pairs if a.script in latin and b.script in latin else ():
        x, y = va[i], vb[j]
        marks_known = (x.has_marks or full_a) and (y.has_marks or full_b)
        if (
            x.fold == y.fold
            and marks_known
            and (x.has_marks or y.has_marks)
            and x.marked != y.marked
        ):
            penalty += TONE_CONFLICT_PENALTY
            notes.append(
                f"tone-mark conflict {x.marked.capitalize()}/{y.marked.capitalize()}"
                " (same letters, different marks: counts against a match)"
            )
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
    if reading:
        sounds = "names sound alike across scripts"
        if score < 0.85:
            sounds = "names differ"
        notes.insert(0, sounds if exact else f"{sounds} ({score:.2f})")
        cyrillic = a if a.script is Script.CYRILLIC else b if b.script is Script.CYRILLIC else None
        back = spelled_back(cyrillic.original, reading) if cyrillic is not None else ""
        notes.append(
            f"Latin name read as {reading_label(reading)}"
            + (f" (the Cyrillic spelled back: {back})" if back else "")
        )
        return NameComparison(max(0.0, min(1.0, score - penalty)), tuple(notes))
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
