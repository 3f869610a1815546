"""Person and wanted-notice search over the keys kept in the database (``keys``), one side of
the border at a time:

* ``local``: this node's own persons and wanted notices;
* ``partner``: persons and wanted notices received from partners.

Nothing is built in memory: a query hashes the blocking keys of the name it is given, looks
them up in :class:`SearchKey` (keys shared by too many names narrow nothing and are left
out), prefilters the candidate names at C speed, compares the survivors with
:func:`liaison.matching.compare_names` (once per distinct name) and scores each record bearing
them with :func:`liaison.matching.score_prepared`. Every worker reads the same tables.

Entry ids are ``p<pk>.<n>`` (person) or ``n<pk>.<n>`` (wanted notice); ``n`` numbers the
record's name/document variants (original-script name, Latin name, other names, further
identity documents), so one record may have several entries and the best one counts. Callers
re-score candidates against the current database row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import connection
from rapidfuzz import fuzz, process

from liaison.matching import (
    DEFAULT_THRESHOLD,
    Match,
    MatchingInputError,
    NameComparison,
    PersonRecord,
    PreparedPerson,
    compare_names,
    name_keys,
    prepare,
    score_prepared,
)
from liaison.screening import keys as stored
from liaison.screening.models import SearchEntry, SearchKey, SearchName, SideKind

SIDES = ("local", "partner")

#: fuzzy keys shared by more names than this are not used for candidates
PAIR_MAX = 5000
#: single-word keys shared by more names than this are not used (whole-name queries)
RARE_TOKEN_MAX = 300
#: word keys shared by more names than this narrow nothing (part-of-name queries)
COMMON_WORD = 2_000
#: at most this many records bearing the candidate names are scored per query (a name borne
#: by thousands: those born in the year asked first, then the newest)
ENTRY_CAP = 1_000
#: at most this many candidates from the word keys per search
WORD_CANDIDATES = 250
#: prefilter cut-off (0..100, ratio on sorted phonetic words)
PREFILTER_CUTOFF = 70.0


def _this_node_id() -> str:
    from liaison.core.node import this_node

    return str(this_node().id)


def side_of(origin: str) -> str:
    return "local" if origin == _this_node_id() else "partner"


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


def parse_key(key: str) -> tuple[str, int]:
    """``p12.0`` → ("persons", 12); ``n7.d1`` → ("wanted-notices", 7)."""
    kind = "persons" if key[0] == "p" else "wanted-notices"
    return kind, int(key[1:].split(".", 1)[0])


def _entry_key(kind: str, record_id: int, variant: str) -> str:
    return f"{'p' if kind == SideKind.PERSON else 'n'}{record_id}.{variant}"


def _lenient(rec: PersonRecord) -> PreparedPerson:
    """Prepare a stored record; a malformed birth date or nationality counts as unknown."""
    try:
        return prepare(rec)
    except MatchingInputError:
        pass
    try:
        return prepare(PersonRecord(rec.id, rec.full_name, "", rec.nationality, rec.id_number))
    except MatchingInputError:
        return prepare(PersonRecord(rec.id, rec.full_name, "", "", rec.id_number))


def _sql(query: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return list(cursor.fetchall())


def _tables() -> tuple[str, str, str]:
    qn = connection.ops.quote_name
    return (
        qn(SearchKey._meta.db_table),
        qn(SearchName._meta.db_table),
        qn(SearchEntry._meta.db_table),
    )


def _marks(n: int) -> str:
    return ", ".join(["%s"] * n)


def _rare(hashes: list[int], cap: int) -> list[int]:
    """The keys among ``hashes`` shared by at most ``cap`` names (one bounded index probe
    each: the row after the cap exists or not)."""
    keys_table = _tables()[0]
    out = []
    for h in hashes:
        probe = f"SELECT 1 FROM {keys_table} WHERE {connection.ops.quote_name('key')} = %s LIMIT 1 OFFSET %s"  # noqa: S608, E501
        if not _sql(probe, [h, cap]):
            out.append(h)
    return out


def _names_with(hashes: list[int], order_newest: int = 0) -> list[int]:
    """Ids of names having any of the keys (the newest ``order_newest`` per key, if given)."""
    if not hashes:
        return []
    keys_table = _tables()[0]
    qk = connection.ops.quote_name("key")
    if order_newest:
        found: list[int] = []
        for h in hashes:
            rows = _sql(
                f"SELECT name_id FROM {keys_table} WHERE {qk} = %s "  # noqa: S608
                "ORDER BY name_id DESC LIMIT %s",
                [h, order_newest],
            )
            found += [r[0] for r in rows]
        return found
    out: set[int] = set()
    for i in range(0, len(hashes), stored.CHUNK):
        part = hashes[i : i + stored.CHUNK]
        rows = _sql(
            f"SELECT name_id FROM {keys_table} WHERE {qk} IN ({_marks(len(part))})",  # noqa: S608
            part,
        )
        out.update(r[0] for r in rows)
    return sorted(out)


def _name_rows(ids: list[int]) -> list[tuple[int, str, str]]:
    names_table = _tables()[1]
    rows: list[tuple[int, str, str]] = []
    for i in range(0, len(ids), stored.CHUNK):
        part = ids[i : i + stored.CHUNK]
        rows += _sql(
            f"SELECT id, text, prefilter FROM {names_table} WHERE id IN ({_marks(len(part))})",  # noqa: S608
            part,
        )
    return rows


def _prefilter(query: str, rows: list[tuple[int, str, str]]) -> list[tuple[int, str, str]]:
    """Keep names close on sorted phonetic words or on the same joined (C speed)."""
    if not query or len(rows) <= 8:
        return rows
    words = [r[2] for r in rows]
    joined = [w.replace(" ", "") for w in words]
    keep = np.flatnonzero(
        process.cdist(
            (query,), words, scorer=fuzz.ratio, score_cutoff=PREFILTER_CUTOFF, dtype=np.uint8
        )[0]
        | process.cdist(
            (query.replace(" ", ""),),
            joined,
            scorer=fuzz.ratio,
            score_cutoff=PREFILTER_CUTOFF,
            dtype=np.uint8,
        )[0]
    )
    return [rows[k] for k in keep.tolist()]


@dataclass(frozen=True)
class SideIndex:
    """Search of one side of the border over the stored keys."""

    side: str

    @property
    def local(self) -> bool:
        return self.side == "local"

    def _entries(self, where: str, params: list[Any]) -> list[tuple[Any, ...]]:
        entries_table = _tables()[2]
        sql = (
            "SELECT kind, record_id, variant, name_id, birth_date, nationality, id_number "  # noqa: S608
            f"FROM {entries_table} WHERE local = %s AND {where}"
        )
        return _sql(sql, [self.local, *params])

    def _entries_of_names(
        self, name_ids: list[int], cap: int = ENTRY_CAP, year: str = "", newest: bool = True
    ) -> list[tuple[Any, ...]]:
        rows: list[tuple[Any, ...]] = []
        for i in range(0, len(name_ids), stored.CHUNK):
            if len(rows) >= cap:
                break
            part = name_ids[i : i + stored.CHUNK]
            where = f"name_id IN ({_marks(len(part))})"
            if year:
                rows += self._entries(
                    f"{where} AND birth_date LIKE %s ORDER BY record_id DESC LIMIT %s",
                    [*part, f"{year}%", cap - len(rows)],
                )
            # Sorting reads every entry of the names; unsorted, the probe stops at the cap.
            order = " ORDER BY record_id DESC" if newest else ""
            rows += self._entries(f"{where}{order} LIMIT %s", [*part, cap - len(rows)])
        return rows

    def _records_of_names(self, name_ids: list[int]) -> list[tuple[str, int]]:
        """The newest (kind, record id) bearing any of the names, at most
        ``WORD_CANDIDATES``: read from the covering index alone (name, local, record, kind)."""
        entries_table = _tables()[2]
        ids = list(dict.fromkeys(name_ids))[: stored.CHUNK]
        if not ids:
            return []
        sql = (
            f"SELECT kind, record_id FROM {entries_table} "  # noqa: S608
            f"WHERE local = %s AND name_id IN ({_marks(len(ids))}) "
            "ORDER BY record_id DESC LIMIT %s"
        )
        return [(r[0], r[1]) for r in _sql(sql, [self.local, *ids, WORD_CANDIDATES])]

    def query(
        self,
        full_name: str = "",
        birth_date: str = "",
        nationality: str = "",
        id_number: str = "",
        threshold: float = DEFAULT_THRESHOLD,
        limit: int = 20,
    ) -> list[Match]:
        """Best entries for a person (score ≥ ``threshold``), best first.

        Raises ``MatchingInputError`` for a malformed birth date/nationality.
        """
        q = prepare(PersonRecord("?query", full_name, birth_date, nationality, id_number))
        strict, fuzzy, rare = stored.name_key_strings(q.name)
        # A Vietnamese-looking name meets other Vietnamese-looking names only by its strict
        # key; the fuzzy keys of either space reach the names written otherwise.
        spaces = ("O|",) if q.name.vietnamese_like else ("O|", "V|")
        fuzzy = [s + k[2:] for k in fuzzy for s in spaces]
        rare = [s + k[2:] for k in rare for s in spaces]
        hashes = [stored.key_hash(k) for k in strict]
        hashes += _rare([stored.key_hash(k) for k in fuzzy], PAIR_MAX)
        hashes += _rare([stored.key_hash(k) for k in rare], RARE_TOKEN_MAX)
        names = _prefilter(stored.prefilter_text(q.name), _name_rows(_names_with(hashes)))
        compared: dict[int, NameComparison] = {}
        for nid, text, _pre in names:
            compared[nid] = compare_names(q.name, name_keys(text))
        year = birth_date[:4] if birth_date[:4].isdigit() else ""
        entries = self._entries_of_names(list(compared), year=year)
        doc = stored.document_key(id_number, nationality)
        if doc:
            extra = [e for e in self._entries("id_number = %s", [doc]) if e[3] not in compared]
            for nid, text, _pre in _name_rows(sorted({e[3] for e in extra})):
                compared[nid] = compare_names(q.name, name_keys(text))
            entries += extra
        texts = {nid: text for nid, text, _pre in _name_rows(list(compared))} if entries else {}
        seen: set[str] = set()
        out: list[Match] = []
        for kind, record_id, variant, nid, birth, nat, _doc in entries:
            key = _entry_key(kind, record_id, variant)
            if key in seen:
                continue
            seen.add(key)
            person = _lenient(PersonRecord(key, texts[nid], birth, nat, _doc))
            res = score_prepared(q, person, compared[nid])
            if res.score >= threshold:
                out.append(Match(key, res.score, res.explanation, res))
        out.sort(key=lambda m: (-m.score, m.person_id))
        return out[:limit]

    def word_candidates(self, query: str, kinds: tuple[str, ...] = ("persons",)) -> list[int]:
        """Ids of records (of the first kind asked) sharing name words with ``query``, those
        sharing the most words first, then the newest. Words shared by too many names narrow
        nothing and are left out."""
        per_word: list[set[tuple[str, int]]] = []
        for word in query.split():
            _strict, _fuzzy, rare = stored.name_key_strings(name_keys(word))
            hashes = [stored.key_hash(s + k[2:]) for k in rare for s in ("O|", "V|")]
            usable = _rare(hashes, COMMON_WORD)
            if not usable:
                continue
            name_ids = _names_with(usable, order_newest=WORD_CANDIDATES)
            records = {r for r in self._records_of_names(name_ids) if r[0] in kinds}
            if records:
                per_word.append(records)
        counts: dict[tuple[str, int], int] = {}
        for records in per_word:
            for rec in records:
                counts[rec] = counts.get(rec, 0) + 1
        ranked = sorted(counts, key=lambda r: (-counts[r], -r[1]))
        return [pk for kind, pk in ranked if kind == kinds[0]][:WORD_CANDIDATES]


def get_index(side: str) -> SideIndex:
    """Search of ``side`` ("local" or "partner"): nothing to build, the keys are stored."""
    if side not in SIDES:
        raise ValueError(side)
    return SideIndex(side)


# --------------------------------------------------------------------------- the search box
# Bounded reads for one search over both kinds and both sides (``liaison.screening.search``).


def names_by_keys(keys: Sequence[tuple[int, int, int]]) -> list[int]:
    """Ids of names having the keys, given as ``(hash, cap, newest)``: a key shared by more
    than ``cap`` names narrows nothing and is left out (a bounded probe); of the others, the
    newest ``newest`` names. One statement, each part an index read that stops early."""
    if not keys:
        return []
    keys_table = _tables()[0]
    qk = connection.ops.quote_name("key")
    part = (
        f"SELECT * FROM (SELECT name_id FROM {keys_table} WHERE {qk} = %s AND NOT EXISTS "  # noqa: S608
        f"(SELECT 1 FROM {keys_table} AS c WHERE c.{qk} = %s LIMIT 1 OFFSET %s) "
        "ORDER BY name_id DESC LIMIT %s) AS p{n}"
    )
    wanted = list(dict.fromkeys(keys))
    found: list[int] = []
    # SQLite allows 500 parts in one compound statement.
    for i in range(0, len(wanted), 400):
        chunk = wanted[i : i + 400]
        sql = " UNION ALL ".join(part.format(n=n) for n in range(len(chunk)))
        found += [r[0] for r in _sql(sql, [v for h, cap, new in chunk for v in (h, h, cap, new)])]
    return list(dict.fromkeys(found))


def entries_with_document(number: str, cap: int) -> list[tuple[Any, ...]]:
    """Entries bearing a (normalised) identity document number."""
    entries_table = _tables()[2]
    sql = f"SELECT {ENTRY_COLUMNS} FROM {entries_table} WHERE id_number = %s LIMIT %s"  # noqa: S608
    return _sql(sql, [number, cap])


def name_rows(ids: list[int]) -> list[tuple[int, str, str]]:
    """(id, text, prefilter words) of names."""
    return _name_rows(ids)


def prefilter_scores(
    query: str, rows: list[tuple[int, str, str]]
) -> tuple[list[float], list[float]]:
    """How close each name's sorted phonetic words (or the same joined) are to the query's,
    and how well the query's words are found among the name's (0..100, C speed)."""
    if not rows:
        return [], []
    words = [r[2] for r in rows]
    joined = [w.replace(" ", "") for w in words]
    apart = process.cdist((query,), words, scorer=fuzz.ratio, dtype=np.uint8)[0]
    together = process.cdist((query.replace(" ", ""),), joined, scorer=fuzz.ratio, dtype=np.uint8)[
        0
    ]
    within = process.cdist((query,), words, scorer=fuzz.token_set_ratio, dtype=np.uint8)[0]
    whole = np.maximum(apart, together).astype(float).tolist()
    return whole, within.astype(float).tolist()


#: the columns of an entry a search reads
ENTRY_COLUMNS = "kind, record_id, local, variant, name_id, birth_date, nationality, id_number"


def entries_of_names(
    name_ids: Sequence[int], per_name: int, year: str = ""
) -> list[tuple[Any, ...]]:
    """The newest ``per_name`` entries of each name on each side (those born in ``year``
    first, when given): one statement, each part an ordered index walk that stops early."""
    if not name_ids:
        return []
    entries_table = _tables()[2]
    part = (
        f"SELECT * FROM (SELECT {ENTRY_COLUMNS} FROM {entries_table} "  # noqa: S608
        "WHERE name_id = %s AND local = %s{extra} ORDER BY record_id DESC LIMIT %s) AS p{n}"
    )
    parts: list[tuple[str, list[Any]]] = []
    for nid in name_ids:
        for local in (True, False):
            if year:
                sql = part.format(extra=" AND birth_date LIKE %s", n=len(parts))
                parts.append((sql, [nid, local, f"{year}%", per_name]))
            parts.append((part.format(extra="", n=len(parts)), [nid, local, per_name]))
    rows: list[tuple[Any, ...]] = []
    # SQLite allows 500 parts in one compound statement.
    for i in range(0, len(parts), 400):
        chunk = parts[i : i + 400]
        rows += _sql(" UNION ALL ".join(s for s, _p in chunk), [v for _s, p in chunk for v in p])
    return rows
