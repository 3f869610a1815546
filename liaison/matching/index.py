"""Blocking and an in-memory person index for live search.

Candidates are never all pairs. Each distinct name gets blocking keys:

* ``v:`` the sorted folded words – Vietnamese-looking names (every word a
  Vietnamese syllable) only match each other through this key, because for
  them one different syllable means a different name;
* ``p:`` every pair of word skeletons (consonants of the phonetic key),
  sorted – survives word order, vowel spelling and one missing word;
* ``t:`` single word skeletons, used only while the key is rare;
* ``j:`` the first consonants of the whole name joined – survives different
  word boundaries ("Thong Loun" / "Thongloun");
* identity-document numbers (normalised) are blocking keys of their own.

Candidate names then pass a cheap C-speed filter (rapidfuzz token-sort ratio
on phonetic keys) before the full name comparison.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations
from operator import itemgetter

import numpy as np
from rapidfuzz import fuzz, process

from .dates import parse_date
from .errors import MatchingInputError
from .identifiers import normalise_id, normalise_nationality
from .names import NameKeys, name_keys, skeleton
from .scoring import (
    DEFAULT_THRESHOLD,
    NAME_WEIGHT,
    MatchResult,
    NameComparison,
    PersonRecord,
    PreparedPerson,
    VariantData,
    compare_names_at_least,
    prepare,
    score_prepared,
    variant_data,
)
from .sound import skeleton as sound_skeleton
from .soundnames import sound_blocking_keys, sound_side, sound_text

#: single-word keys shared by more names than this are not used for candidates
RARE_TOKEN_MAX = 300
#: pair keys shared by more names than this are not used
PAIR_MAX = 5000
#: prefilter cut-off (0..100, token-sort ratio on phonetic keys)
PREFILTER_CUTOFF = 70.0
#: sound keys shared by more names than this are not used for candidates
SOUND_KEY_MAX = 500
#: prefilter cut-off on joined sound keys (0..100)
SOUND_PREFILTER_CUTOFF = 80.0
#: at most this many names found by sound are compared in full (closest first)
SOUND_CANDIDATES_MAX = 30
#: a name matched this well by spelling needs no search by sound
SOUND_NOT_NEEDED = 0.95


def blocking_keys(keys: NameKeys) -> tuple[list[str], list[str], list[str]]:
    """``(strict, fuzzy, rare)`` blocking keys of a name (see module doc)."""
    strict: list[str] = []
    fuzzy: set[str] = set()
    rare: set[str] = set()
    for variant in keys.variants:
        if keys.vietnamese_like:
            strict.append("v:" + " ".join(sorted(t.fold for t in variant)))
        core = [t for t in variant if not t.optional] or list(variant)
        skels = sorted({t.skel for t in core if len(t.skel) >= 2} or {t.skel for t in core})
        if len(skels) == 1:
            fuzzy.add("p:" + skels[0])
        for a, b in combinations(skels, 2):
            fuzzy.add(f"p:{a}|{b}")
        for s in skels:
            rare.add("t:" + s)
        joined = skeleton("".join(t.phon for t in core))
        if len(joined) >= 4:
            fuzzy.add("j:" + joined[:6])
    return list(dict.fromkeys(strict)), sorted(fuzzy), sorted(rare)


def prefilter_text(keys: NameKeys) -> str:
    """Sorted phonetic words of the variant with the fewest words (for the C-speed prefilter).

    Hyphenated syllables (Tha-Rok Vi-Marn) are compared joined, as Lao script writes them.
    """
    if not keys.variants:
        return ""
    fewest = min(keys.variants, key=len)
    return " ".join(sorted(t.phon for t in fewest if not t.optional))


class NameBlocker:
    """Distinct names with blocking keys; ``candidates(name)`` finds similar ones."""

    def __init__(self) -> None:
        self.names: list[NameKeys] = []
        self.texts: list[list[str]] = []
        # prefilter strings: sorted phonetic words, and the same without spaces
        self._sorted: list[str] = []
        self._joined: list[str] = []
        self._data: list[tuple[VariantData, ...]] = []
        self._ids: dict[str, int] = {}
        # key -> name ids; separate spaces for Vietnamese-looking and other names
        self._strict: dict[str, list[int]] = defaultdict(list)
        self._fuzzy_vi: dict[str, list[int]] = defaultdict(list)
        self._fuzzy_other: dict[str, list[int]] = defaultdict(list)
        # sound keys of Latin and of Cyrillic/Lao names, looked up across (see soundnames)
        self._sound: dict[str, dict[str, list[int]]] = {
            "latin": defaultdict(list),
            "native": defaultdict(list),
        }
        # per name its joined sound keys, each with its consonants
        self._sound_texts: dict[int, list[tuple[str, str]]] = {}

    def __len__(self) -> int:
        return len(self.names)

    def add(self, name: str) -> int:
        """Add a name (idempotent); return its id."""
        got = self._ids.get(name)
        if got is not None:
            return got
        nid = len(self.names)
        self._ids[name] = nid
        keys = name_keys(name)
        self.names.append(keys)
        text = prefilter_text(keys)
        self.texts.append([text])
        self._sorted.append(text)
        self._joined.append(text.replace(" ", ""))
        self._data.append(variant_data(keys))
        if keys.empty:
            return nid
        strict, fuzzy, rare = blocking_keys(keys)
        for k in strict:
            self._strict[k].append(nid)
        target = self._fuzzy_vi if keys.vietnamese_like else self._fuzzy_other
        for k in fuzzy:
            target[k].append(nid)
        for k in rare:
            target[k].append(nid)
        side = sound_side(keys)
        if side:
            space = self._sound[side]
            for k in sound_blocking_keys(keys.original):
                space[k].append(nid)
            texts = sound_text(keys.original)
            self._sound_texts[nid] = [(t, sound_skeleton(t)) for t in texts]
        return nid

    def _sound_found(self, keys: NameKeys) -> set[int]:
        """Ids of names in another script sharing a (not too common) sound key with ``keys``."""
        side = sound_side(keys)
        if not side:
            return set()
        space = self._sound["native" if side == "latin" else "latin"]
        found: set[int] = set()
        if not space:
            return found
        for k in sound_blocking_keys(keys.original):
            ids = space.get(k)
            if ids and len(ids) <= SOUND_KEY_MAX:
                found.update(ids)
        return found

    def sound_candidates(self, keys: NameKeys, found: set[int] | None = None) -> list[int]:
        """Ids of names in another script whose sound keys meet those of ``keys`` (closest)."""
        if found is None:
            found = self._sound_found(keys)
        if len(found) <= 8:
            return sorted(found)
        cand = sorted(found)
        texts = self._sound_texts
        flat = [(nid, t) for nid in cand for t in texts.get(nid, ())]
        query = sound_text(keys.original)
        if not flat or not query:
            return []
        # half the whole keys, half their consonants (vowels are what transcriptions
        # change most: Scotland/ສະກັອດແລນ, Maryland/ແມຣີແລນ)
        whole = process.cdist(query, [t for _, (t, _) in flat], scorer=fuzz.ratio, dtype=np.uint8)
        consonants = process.cdist(
            [sound_skeleton(q) for q in query],
            [c for _, (_, c) in flat],
            scorer=fuzz.ratio,
            dtype=np.uint8,
        )
        scores = (whole.astype(np.uint16) + consonants).max(axis=0)
        scores[scores < 2 * SOUND_PREFILTER_CUTOFF] = 0
        keep = np.flatnonzero(scores)
        if len(keep) > SOUND_CANDIDATES_MAX:
            keep = keep[np.argsort(-scores[keep], kind="stable")[:SOUND_CANDIDATES_MAX]]
        return sorted({flat[k][0] for k in keep.tolist()})

    def candidates(self, keys: NameKeys) -> list[int]:
        """Ids of names sharing a (not too common) blocking key with ``keys``."""
        if keys.empty:
            return []
        strict, fuzzy, rare = blocking_keys(keys)
        found: set[int] = set()
        if keys.vietnamese_like:
            for k in strict:
                found.update(self._strict.get(k, ()))
            spaces = [self._fuzzy_other]
        else:
            spaces = [self._fuzzy_other, self._fuzzy_vi]
        for space in spaces:
            for k in fuzzy:
                ids = space.get(k)
                if ids and len(ids) <= PAIR_MAX:
                    found.update(ids)
            for k in rare:
                ids = space.get(k)
                if ids and len(ids) <= RARE_TOKEN_MAX:
                    found.update(ids)
        return sorted(found)

    def _prefilter(self, keys: NameKeys, cand: list[int]) -> list[int]:
        """Keep candidates close on sorted words or on the joined string (C speed).

        The strings are sorted words already, so token-sort ratio is plain ratio.
        """
        query = prefilter_text(keys)
        if not query or not cand:
            return cand
        if len(cand) > 1:
            pick = itemgetter(*cand)  # C speed; returns a tuple for two or more items
            sorted_words, joined = pick(self._sorted), pick(self._joined)
        else:
            sorted_words, joined = (self._sorted[cand[0]],), (self._joined[cand[0]],)
        keep = np.flatnonzero(
            process.cdist(
                (query,),
                sorted_words,
                scorer=fuzz.ratio,
                score_cutoff=PREFILTER_CUTOFF,
                dtype=np.uint8,
            )[0]
            | process.cdist(
                (query.replace(" ", ""),),
                joined,
                scorer=fuzz.ratio,
                score_cutoff=PREFILTER_CUTOFF,
                dtype=np.uint8,
            )[0]
        )
        return [cand[k] for k in keep.tolist()]

    def similar(self, keys: NameKeys, min_score: float) -> list[tuple[int, NameComparison]]:
        """Names whose full comparison with ``keys`` reaches ``min_score``.

        Names in another script are compared by sound too when they share a sound key.
        """
        cand = self.candidates(keys)
        if len(cand) > 8:
            cand = self._prefilter(keys, cand)
        found = self._sound_found(keys)
        out: list[tuple[int, NameComparison]] = []
        names, data = self.names, self._data
        own = variant_data(keys)
        for nid in cand:
            cmp = compare_names_at_least(
                keys, names[nid], min_score, own, data[nid], by_sound=nid in found
            )
            if cmp is not None and cmp.score >= min_score:
                out.append((nid, cmp))
        # Names found by sound alone, unless a spelling already matched closely.
        if not found or any(cmp.score >= SOUND_NOT_NEEDED for _, cmp in out):
            return out
        seen = set(cand)
        by_sound = [nid for nid in self.sound_candidates(keys, found) if nid not in seen]
        # spellings are compared too only where they are close (prefilter, C speed)
        close = set(self._prefilter(keys, by_sound)) if by_sound else set()
        for nid in by_sound:
            cmp = compare_names_at_least(
                keys, names[nid], min_score, own, data[nid], sound_only=nid not in close
            )
            if cmp is not None and cmp.score >= min_score:
                out.append((nid, cmp))
        return out


@dataclass(frozen=True, slots=True)
class Match:
    """One hit of a live query."""

    person_id: str
    score: float
    explanation: str
    result: MatchResult


class PersonIndex:
    """In-memory index for the node's person search box and for alerts.

    >>> idx = PersonIndex.build([("p1", "Nguyễn Văn Hùng", "1980-03-04", "VN", "")])
    >>> [m.person_id for m in idx.query("Hung Nguyen Van")]
    ['p1']

    Rows are ``(id, full_name, birth_date, nationality, id_number)``. Rows with
    a malformed birth date or nationality raise ``MatchingInputError`` at
    ``add``; use ``add(..., strict=False)`` to store such fields as unknown.
    """

    def __init__(self) -> None:
        self._blocker = NameBlocker()
        self._by_name: dict[int, list[PreparedPerson]] = defaultdict(list)
        self._by_doc: dict[str, list[PreparedPerson]] = defaultdict(list)
        self._count = 0

    def __len__(self) -> int:
        return self._count

    @classmethod
    def build(cls, rows: Iterable[Sequence[str]], strict: bool = True) -> PersonIndex:
        idx = cls()
        for row in rows:
            f = [*row[:5], "", "", "", ""]
            idx.add(f[0], f[1], f[2], f[3], f[4], strict=strict)
        return idx

    def add(
        self,
        id: str,  # noqa: A002 - mirrors the interchange column name
        full_name: str = "",
        birth_date: str = "",
        nationality: str = "",
        id_number: str = "",
        strict: bool = True,
    ) -> None:
        """Add (or re-add) one person."""
        rec = PersonRecord(
            str(id), full_name or "", birth_date or "", nationality or "", id_number or ""
        )
        try:
            person = prepare(rec)
        except MatchingInputError:
            if strict:
                raise
            person = self._lenient(rec)
        nid = self._blocker.add(rec.full_name)
        self._by_name[nid].append(person)
        if person.id_number and len(person.id_number) >= 5:
            self._by_doc[person.id_number].append(person)
        self._count += 1

    @staticmethod
    def _lenient(rec: PersonRecord) -> PreparedPerson:
        """Prepare a record, storing malformed dates/nationalities as unknown."""
        try:
            birth = parse_date(rec.birth_date)
        except MatchingInputError:
            birth = None
        try:
            nat = normalise_nationality(rec.nationality)
        except MatchingInputError:
            nat = ""
        return PreparedPerson(
            rec.id, name_keys(rec.full_name), birth, nat, normalise_id(rec.id_number, nat)
        )

    def query(
        self,
        full_name: str = "",
        birth_date: str = "",
        nationality: str = "",
        id_number: str = "",
        threshold: float = DEFAULT_THRESHOLD,
        limit: int = 20,
    ) -> list[Match]:
        """Best matches for a person (score ≥ ``threshold``), best first.

        Raises ``MatchingInputError`` for a malformed birth date/nationality.
        """
        q = prepare(PersonRecord("?query", full_name, birth_date, nationality, id_number))
        # The best possible bonus from dates etc. bounds the name score worth comparing.
        min_name = max(0.0, (threshold - 0.1) / NAME_WEIGHT)
        seen: set[str] = set()
        out: list[Match] = []

        def consider(p: PreparedPerson, cmp: NameComparison | None = None) -> None:
            if p.id in seen:
                return
            seen.add(p.id)
            res = score_prepared(q, p, cmp)
            if res.score >= threshold:
                out.append(Match(p.id, res.score, res.explanation, res))

        for nid, cmp in self._blocker.similar(q.name, min_name):
            for p in self._by_name.get(nid, ()):
                consider(p, cmp)
        if q.id_number:
            for p in self._by_doc.get(q.id_number, ()):
                consider(p)
        out.sort(key=lambda m: (-m.score, m.person_id))
        return out[:limit]
