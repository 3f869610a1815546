"""Process-wide, lazily built person indexes, one per side of the border.

* ``local``: this node's own persons and wanted notices;
* ``partner``: persons and wanted notices received from partners.

Each side holds a :class:`liaison.matching.PersonIndex` (for whole-person matching: alerts
and full-name searches) and a word index (phonetic key of every name word → person ids, for
searches on part of a name such as a given name only).

Entry ids in the ``PersonIndex`` are ``p<pk>.<n>`` (person) or ``n<pk>.<n>`` (wanted notice);
``n`` numbers the record's name/document variants (original-script name, Latin name, other
names, further identity documents), so one record may have several entries and the best one
counts. The index only proposes candidates: callers re-score them against the current
database row, so entries of records changed or deleted since they were indexed do no harm.

Freshness: new rows (``id`` above the highest indexed) are added incrementally, at once from
this process's ``post_save`` and every ``SCREENING_INDEX_CHECK_SECONDS`` (default 5) from the
database for rows written by other processes (the sync worker, imports). An index is rebuilt
when the database shrank below it (rows deleted, a test database rolled back), when more than
a fifth of its entries are superseded, and once it is older than
``SCREENING_INDEX_MAX_AGE_SECONDS`` (default one day; in a background thread while the old one
keeps serving). Memory is bounded by ``SCREENING_INDEX_MAX_RECORDS`` per side (default
1,500,000): beyond it only the newest records are indexed and ``truncated`` says so.
"""

from __future__ import annotations

import logging
import threading
import time
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, models
from rapidfuzz import fuzz, process

from liaison.matching import PersonIndex, name_keys

log = logging.getLogger("liaison.screening")

SIDES = ("local", "partner")

#: word postings longer than this are too common to narrow a search ("Nguyen", "Van")
COMMON_WORD = 20_000
#: at most this many candidates from the word index per search
WORD_CANDIDATES = 400
#: fuzzy cut-off (0..100) between phonetic word keys
WORD_CUTOFF = 84.0


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


def _models() -> tuple[Any, Any]:
    from liaison.cooperation.models import WantedNotice
    from liaison.crime.models import Person

    return Person, WantedNotice


def _this_node_id() -> str:
    from liaison.core.node import this_node

    return this_node().id


def side_of(origin: str) -> str:
    return "local" if origin == _this_node_id() else "partner"


def _side_filter(side: str) -> dict[str, Any]:
    return {"origin": _this_node_id()}


@dataclass(frozen=True)
class Entry:
    """One row as it goes into the index."""

    key: str
    name: str
    birth_date: str
    nationality: str
    id_number: str


def person_entries(
    pk: int, full_name: str, latin_name: str, birth: str, nat: str, idn: str
) -> list[Entry]:
    names = list(dict.fromkeys(n.strip() for n in (full_name, latin_name) if n and n.strip()))
    return [
        Entry(f"p{pk}.{i}", n, birth or "", nat or "", idn or "")
        for i, n in enumerate(names or [""])
    ]


def notice_entries(
    pk: int,
    full_name: str,
    latin_name: str,
    other_names: Any,
    birth: str,
    nat: str,
    documents: Any,
) -> list[Entry]:
    others = [str(n) for n in (other_names or []) if isinstance(n, str)]
    names = list(
        dict.fromkeys(n.strip() for n in (full_name, latin_name, *others) if n and n.strip())
    ) or [""]
    numbers = [
        str(d.get("number", "")).strip()
        for d in (documents or [])
        if isinstance(d, dict) and str(d.get("number", "")).strip()
    ] or [""]
    out = [Entry(f"n{pk}.{i}", n, birth or "", nat or "", numbers[0]) for i, n in enumerate(names)]
    out += [
        Entry(f"n{pk}.d{j}", names[0], birth or "", nat or "", number)
        for j, number in enumerate(numbers[1:], 1)
    ]
    return out


def entries_of(obj: Any) -> list[Entry]:
    """Index entries of a Person or WantedNotice instance."""
    Person, WantedNotice = _models()
    if isinstance(obj, Person):
        return person_entries(
            obj.pk, obj.full_name, obj.latin_name, obj.birth_date, obj.nationality, obj.id_number
        )
    if isinstance(obj, WantedNotice):
        return notice_entries(
            obj.pk,
            obj.full_name,
            obj.latin_name,
            obj.other_names,
            obj.birth_date,
            obj.nationality,
            obj.id_documents,
        )
    raise TypeError(type(obj).__name__)


def parse_key(key: str) -> tuple[str, int]:
    """``p12.0`` → ("persons", 12); ``n7.d1`` → ("wanted-notices", 7)."""
    kind = "persons" if key[0] == "p" else "wanted-notices"
    return kind, int(key[1:].split(".", 1)[0])


def word_keys(name: str) -> set[str]:
    """Phonetic keys of the words of a name, in every reading the library makes."""
    keys = name_keys(name)
    out: set[str] = set()
    for variant in keys.variants:
        for token in variant:
            if token.phon:
                out.add(token.phon)
    return out


class WordIndex:
    """Phonetic word key → ids of persons having a name word with that key (ascending ids,
    so the newest come last)."""

    def __init__(self) -> None:
        self._postings: dict[str, array] = {}
        self._vocab: list[str] | None = None

    def add(self, pk: int, names: Iterable[str]) -> None:
        for key in set().union(*(word_keys(n) for n in names if n)) if names else ():
            posting = self._postings.get(key)
            if posting is None:
                self._postings[key] = posting = array("q")
                self._vocab = None
            if not posting or posting[-1] != pk:
                posting.append(pk)

    def __len__(self) -> int:
        return len(self._postings)

    def candidates(self, query: str, limit: int = WORD_CANDIDATES) -> list[int]:
        """Ids of persons sharing (similar) name words with ``query``, those sharing the most
        words first, then the newest."""
        if self._vocab is None:
            self._vocab = list(self._postings)
        per_word: list[set[int] | array] = []
        for word in query.split():
            keys = word_keys(word)
            similar: set[str] = set()
            for key in keys:
                if key in self._postings:
                    similar.add(key)
                if len(key) >= 4:
                    for found, _score, _pos in process.extract(
                        key, self._vocab, scorer=fuzz.ratio, score_cutoff=WORD_CUTOFF, limit=20
                    ):
                        similar.add(found)
            postings = [self._postings[k] for k in similar]
            if not postings:
                continue
            if sum(len(p) for p in postings) > COMMON_WORD:
                per_word.append(array("q"))  # too common: marks the word, narrows nothing
                continue
            ids: set[int] = set()
            for p in postings:
                ids.update(p)
            per_word.append(ids)
        useful = [w for w in per_word if len(w)]
        if not useful:
            return []
        counts: dict[int, int] = {}
        for word_ids in useful:
            for pk in word_ids:
                counts[pk] = counts.get(pk, 0) + 1
        ranked = sorted(counts, key=lambda pk: (-counts[pk], -pk))
        return ranked[:limit]


@dataclass
class SideIndex:
    """The index of one side, and how far it has read the database."""

    side: str
    persons: PersonIndex = field(default_factory=PersonIndex)
    words: WordIndex = field(default_factory=WordIndex)
    max_ids: dict[str, int] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    superseded: int = 0
    #: ids added from this process's signals, ahead of ``load`` (which skips them)
    early: dict[str, set[int]] = field(default_factory=dict)
    built_at: float = 0.0
    checked_at: float = 0.0
    build_seconds: float = 0.0
    truncated: bool = False
    lock: threading.RLock = field(default_factory=threading.RLock)

    def __len__(self) -> int:
        return sum(self.counts.values())

    # --- filling ---------------------------------------------------------------------

    def add_entries(self, kind: str, pk: int, entries: list[Entry], *, new: bool = True) -> None:
        with self.lock:
            for e in entries:
                self.persons.add(
                    e.key, e.name, e.birth_date, e.nationality, e.id_number, strict=False
                )
            if kind == "persons":
                self.words.add(pk, [e.name for e in entries])
            if new:
                self.counts[kind] = self.counts.get(kind, 0) + 1
            else:
                self.superseded += len(entries)

    def add_object(self, obj: Any, *, new: bool = True) -> None:
        kind = obj.record_kind
        with self.lock:
            if new:
                if obj.pk <= self.max_ids.get(kind, 0) or obj.pk in self.early.get(kind, ()):
                    return  # already read from the database
                # Not moving max_ids: rows other processes write meanwhile still get read.
                self.early.setdefault(kind, set()).add(obj.pk)
            self.add_entries(kind, obj.pk, entries_of(obj), new=new)

    def load(self, min_ids: dict[str, int] | None = None) -> int:
        """Add rows of this side with ids above ``min_ids`` (default: what is indexed)."""
        added = 0
        with self.lock:
            for kind, rows in _rows(self.side, dict(self.max_ids if min_ids is None else min_ids)):
                early = self.early.pop(kind, set())
                for pk, entries in rows:
                    self.max_ids[kind] = pk
                    if pk in early:
                        continue
                    self.add_entries(kind, pk, entries)
                    added += 1
        return added

    def query(self, *args: Any, **kwargs: Any) -> list[Any]:
        with self.lock:
            return self.persons.query(*args, **kwargs)

    def word_candidates(self, query: str) -> list[int]:
        with self.lock:
            return self.words.candidates(query)


def _rows(
    side: str, after: dict[str, int]
) -> Iterator[tuple[str, Iterator[tuple[int, list[Entry]]]]]:
    Person, WantedNotice = _models()
    me = _this_node_id()
    limit = int(_setting("SCREENING_INDEX_MAX_RECORDS", 1_500_000))
    for model in (Person, WantedNotice):
        kind = model.record_kind  # type: ignore[attr-defined]
        qs = model._default_manager.filter(id__gt=after.get(kind, 0))
        qs = qs.filter(origin=me) if side == "local" else qs.exclude(origin=me)
        if not after.get(kind):
            # First build: bounded memory, newest records first to keep.
            cut = qs.order_by("-id").values_list("id", flat=True)[limit : limit + 1]
            floor = next(iter(cut), None)
            if floor is not None:
                qs = qs.filter(id__gt=floor)
                log.warning("screening %s index holds only the newest %d %s", side, limit, kind)
        if model is Person:
            fields: tuple[str, ...] = (
                "id",
                "full_name",
                "latin_name",
                "birth_date",
                "nationality",
                "id_number",
            )
            yield (
                kind,
                (
                    (r[0], person_entries(*r))
                    for r in qs.order_by("id").values_list(*fields).iterator(chunk_size=5000)
                ),
            )
        else:
            fields = (
                "id",
                "full_name",
                "latin_name",
                "other_names",
                "birth_date",
                "nationality",
                "id_documents",
            )
            yield (
                kind,
                (
                    (r[0], notice_entries(*r))
                    for r in qs.order_by("id").values_list(*fields).iterator(chunk_size=2000)
                ),
            )


def _db_state(side: str) -> dict[str, tuple[int, int]]:
    """(count, max id) per kind for one side."""
    Person, WantedNotice = _models()
    me = _this_node_id()
    out = {}
    for model in (Person, WantedNotice):
        qs = model._default_manager.all()
        qs = qs.filter(origin=me) if side == "local" else qs.exclude(origin=me)
        agg = qs.aggregate(n=models.Count("id"), m=models.Max("id"))
        out[model.record_kind] = (agg["n"] or 0, agg["m"] or 0)  # type: ignore[attr-defined]
    return out


def build(side: str) -> SideIndex:
    started = time.perf_counter()
    idx = SideIndex(side)
    limit = int(_setting("SCREENING_INDEX_MAX_RECORDS", 1_500_000))
    idx.load({})
    idx.truncated = any(n >= limit for n in idx.counts.values())
    idx.built_at = idx.checked_at = time.monotonic()
    idx.build_seconds = time.perf_counter() - started
    log.info("screening %s index: %d records in %.1f s", side, len(idx), idx.build_seconds)
    return idx


class _Cache:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.indexes: dict[str, SideIndex] = {}
        self.rebuilding: set[str] = set()

    def reset(self) -> None:
        with self.lock:
            self.indexes.clear()

    def peek(self, side: str) -> SideIndex | None:
        return self.indexes.get(side)

    def get(self, side: str) -> SideIndex:
        with self.lock:
            idx = self.indexes.get(side)
            if idx is None:
                idx = self.indexes[side] = build(side)
                return idx
        self._refresh(idx)
        return self.indexes[side]

    def _refresh(self, idx: SideIndex) -> None:
        now = time.monotonic()
        if now - idx.checked_at < float(_setting("SCREENING_INDEX_CHECK_SECONDS", 5)):
            return
        with idx.lock:
            idx.checked_at = now
            state = _db_state(idx.side)
            shrunk = any(
                m < idx.max_ids.get(kind, 0) or n < idx.counts.get(kind, 0) * 4 // 5
                for kind, (n, m) in state.items()
            )
            if shrunk or idx.superseded > max(1000, len(idx) // 5):
                with self.lock:
                    self.indexes[idx.side] = build(idx.side)
                return
            if any(m > idx.max_ids.get(kind, 0) for kind, (_n, m) in state.items()):
                idx.load()
        max_age = float(_setting("SCREENING_INDEX_MAX_AGE_SECONDS", 86_400))
        if now - idx.built_at > max_age:
            self._rebuild_in_background(idx.side)

    def _rebuild_in_background(self, side: str) -> None:
        with self.lock:
            if side in self.rebuilding:
                return
            self.rebuilding.add(side)

        def work() -> None:
            try:
                fresh = build(side)
                with self.lock:
                    self.indexes[side] = fresh
                fresh.load()  # rows written while it was built
            except Exception:  # pragma: no cover - logged, the old index keeps serving
                log.exception("screening: rebuilding the %s index failed", side)
            finally:
                with self.lock:
                    self.rebuilding.discard(side)
                connection.close()

        threading.Thread(target=work, name=f"screening-index-{side}", daemon=True).start()


CACHE = _Cache()


def get_index(side: str) -> SideIndex:
    """The index of ``side`` ("local" or "partner"), built on first use."""
    if side not in SIDES:
        raise ValueError(side)
    return CACHE.get(side)


def note_saved(obj: Any, created: bool) -> None:
    """A Person or WantedNotice was saved in this process: update an index already built."""
    idx = CACHE.peek(side_of(obj.origin))
    if idx is not None:
        idx.add_object(obj, new=created)


def reset() -> None:
    """Forget every index (tests; after a bulk change)."""
    CACHE.reset()
