"""The search keys in the database: kept up to date by the writes, read by every worker.

Each person and wanted notice (own or received) has :class:`SearchEntry` rows, one per name
or identity-document variant (see :func:`liaison.screening.index.person_entries`). Each
distinct name is one :class:`SearchName` row with its blocking keys (:class:`SearchKey`, from
:func:`liaison.matching.blocking_keys`), so a name shared by thousands of persons is keyed
once.

Writers call :func:`index_records` / :func:`forget_records` inside their transaction:

* ``post_save`` / ``post_delete`` of ``Person`` and ``WantedNotice`` (crime and cooperation
  services, received notices applied one by one) — see ``signals``;
* bulk writers without model signals (the importer, ``liaison seed``, a federation page) send
  ``liaison.core.signals.records_written``.

:func:`rebuild` (``liaison reindex``) fills the tables for existing data and after a change of
:data:`KEYS_VERSION`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from liaison.matching import (
    MatchingInputError,
    NameKeys,
    blocking_keys,
    name_keys,
    normalise_id,
    normalise_nationality,
)
from liaison.screening.models import (
    SearchEntry,
    SearchIndexState,
    SearchKey,
    SearchName,
    SideKind,
)

#: bump when the key recipe (here or in ``liaison.matching``) changes: run ``liaison reindex``
KEYS_VERSION = 1
#: identity-document numbers shorter than this are not keys
MIN_DOCUMENT = 5
#: rows per ``IN (…)`` (under SQLite's parameter limit)
CHUNK = 900

NAME_TEXT_MAX = 400
#: The columns of a :class:`SearchEntry` row as ``index_rows`` writes them.
ENTRY_COLUMNS = (
    "kind",
    "record_id",
    "local",
    "variant",
    "name_id",
    "birth_date",
    "nationality",
    "id_number",
)


def key_hash(key: str) -> int:
    """A key as a signed 64-bit integer."""
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def name_key_strings(keys: NameKeys) -> tuple[list[str], list[str], list[str]]:
    """``(strict, fuzzy, word)`` keys of a name as stored. Vietnamese-looking names and
    others keep their fuzzy keys apart (``V|`` / ``O|``): a Vietnamese-looking query meets
    other Vietnamese-looking names only through the strict key (one different syllable is
    another name)."""
    if keys.empty:
        return [], [], []
    strict, fuzzy, rare = blocking_keys(keys)
    space = "V|" if keys.vietnamese_like else "O|"
    return (
        ["S|" + k for k in strict],
        [space + k for k in fuzzy],
        [space + k for k in rare],
    )


def prefilter_text(keys: NameKeys) -> str:
    """Sorted phonetic words of the reading with the fewest words (patronymics left out)."""
    if keys.empty:
        return ""
    fewest = min(keys.variants, key=len)
    return " ".join(sorted(t.phon for t in fewest if not t.optional))


def _lenient_nationality(value: str) -> str:
    try:
        return normalise_nationality(value or "")
    except MatchingInputError:
        return ""


def document_key(id_number: str, nationality: str) -> str:
    number = normalise_id(id_number or "", _lenient_nationality(nationality))
    return number if len(number) >= MIN_DOCUMENT else ""


# --------------------------------------------------------------------------- names


def _name_ids(texts: Iterable[str]) -> dict[str, int]:
    """Ids of names, creating (with their keys) those not stored yet."""
    wanted = sorted({t[:NAME_TEXT_MAX] for t in texts})
    found: dict[str, int] = {}
    for i in range(0, len(wanted), CHUNK):
        part = wanted[i : i + CHUNK]
        found.update(SearchName.objects.filter(text__in=part).values_list("text", "id"))
    missing = [t for t in wanted if t not in found]
    if not missing:
        return found
    rows = []
    for text in missing:
        rows.append(SearchName(text=text, prefilter=prefilter_text(name_keys(text))[:400]))
    # Another worker may store the same name meanwhile: keep theirs.
    SearchName.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
    fresh: dict[str, int] = {}
    for i in range(0, len(missing), CHUNK):
        part = missing[i : i + CHUNK]
        fresh.update(SearchName.objects.filter(text__in=part).values_list("text", "id"))
    fresh_ids = list(fresh.values())
    keyed: set[int] = set()
    for i in range(0, len(fresh_ids), CHUNK):
        ids = fresh_ids[i : i + CHUNK]
        keyed.update(SearchKey.objects.filter(name_id__in=ids).values_list("name_id", flat=True))
    key_rows = []
    for text, nid in fresh.items():
        if nid in keyed:
            continue
        strict, fuzzy, words = name_key_strings(name_keys(text))
        for k in dict.fromkeys([*strict, *fuzzy, *words]):
            key_rows.append((key_hash(k), nid))
    _insert_keys(key_rows)
    found.update(fresh)
    return found


def _insert(model: Any, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
    """Plain ``INSERT … VALUES`` with ``executemany``: for hundreds of thousands of keys and
    entries, many times faster than building model instances for ``bulk_create``."""
    if not rows:
        return
    qn = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - names from the model
        qn(model._meta.db_table),
        ", ".join(qn(c) for c in columns),
        ", ".join(["%s"] * len(columns)),
    )
    with connection.cursor() as cursor:
        for i in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[i : i + 5000])


def _insert_keys(rows: Sequence[tuple[int, int]]) -> None:
    _insert(SearchKey, ("key", "name_id"), rows)


# --------------------------------------------------------------------------- entries


def _entries(kind: str, row: dict[str, Any]) -> list[tuple[str, str, str, str, str]]:
    """(variant, name, birth date, nationality, document) of one record's row."""
    from liaison.screening import index

    if kind == SideKind.PERSON:
        made = index.person_entries(
            row["id"],
            row["full_name"],
            row["latin_name"],
            row["birth_date"],
            row["nationality"],
            row["id_number"],
        )
    else:
        made = index.notice_entries(
            row["id"],
            row["full_name"],
            row["latin_name"],
            row["other_names"],
            row["birth_date"],
            row["nationality"],
            row["id_documents"],
        )
    return [
        (
            e.key.split(".", 1)[1],
            e.name[:NAME_TEXT_MAX],
            (e.birth_date or "")[:10],
            (e.nationality or "")[:8],
            document_key(e.id_number, e.nationality),
        )
        for e in made
    ]


FIELDS = {
    SideKind.PERSON.value: (
        "id",
        "origin",
        "full_name",
        "latin_name",
        "birth_date",
        "nationality",
        "id_number",
    ),
    SideKind.WANTED_NOTICE.value: (
        "id",
        "origin",
        "full_name",
        "latin_name",
        "other_names",
        "birth_date",
        "nationality",
        "id_documents",
    ),
}


def model_of(kind: str) -> Any:
    if kind == SideKind.PERSON:
        from liaison.crime.models import Person

        return Person
    from liaison.cooperation.models import WantedNotice

    return WantedNotice


def _me() -> str:
    from liaison.core.node import this_node

    return str(this_node().id)


def index_rows(kind: str, rows: Sequence[dict[str, Any]], *, fresh: bool = False) -> int:
    """(Re-)index records given as dicts of :data:`FIELDS`. ``fresh``: they have no entries
    yet (saves the delete). Returns the number of entries written."""
    if not rows:
        return 0
    me = _me()
    made = [(row, _entries(kind, row)) for row in rows]
    names = _name_ids(e[1] for _row, entries in made for e in entries)
    if not fresh:
        forget_records(kind, [row["id"] for row in rows])
    entries = [
        (kind, row["id"], row["origin"] == me, variant, names[name], birth, nat, doc)
        for row, made_entries in made
        for variant, name, birth, nat, doc in made_entries
    ]
    _insert(SearchEntry, ENTRY_COLUMNS, entries)
    return len(entries)


def index_records(
    kind: str, ids: Iterable[int] | None = None, objs: Iterable[Any] = (), *, fresh: bool = False
) -> int:
    """(Re-)index records of ``kind`` by id (read from the database) or as instances.
    ``fresh``: the records were just created (they have no entries yet)."""
    rows = [{f: getattr(o, f) for f in FIELDS[kind]} for o in objs]
    id_list = list(ids or ())
    model = model_of(kind)
    for i in range(0, len(id_list), CHUNK):
        part = id_list[i : i + CHUNK]
        rows += list(model._default_manager.filter(pk__in=part).values(*FIELDS[kind]))
    present = {row["id"] for row in rows}
    gone = [pk for pk in id_list if pk not in present]
    if gone and not fresh:
        forget_records(kind, gone)
    return index_rows(kind, rows, fresh=fresh)


def forget_records(kind: str, ids: Sequence[int]) -> None:
    for i in range(0, len(ids), CHUNK):
        SearchEntry.objects.filter(kind=kind, record_id__in=ids[i : i + CHUNK]).delete()


# --------------------------------------------------------------------------- rebuild


def current() -> bool:
    state = SearchIndexState.objects.filter(pk=1).first()
    return state is not None and state.keys_version == KEYS_VERSION


def rebuild(
    on_progress: Callable[[str, int | None], Any] | None = None, batch: int = 5000
) -> dict[str, int]:
    """Drop and refill every key (existing data, a new key recipe). One transaction per
    batch: search keeps answering meanwhile (from what is filled so far)."""
    with transaction.atomic():
        SearchEntry.objects.all().delete()
        SearchKey.objects.all().delete()
        SearchName.objects.all().delete()
    counts: dict[str, int] = {}
    for kind in (SideKind.PERSON.value, SideKind.WANTED_NOTICE.value):
        qs = model_of(kind)._default_manager.order_by("id")
        if on_progress:
            on_progress(str(SideKind(kind).label), qs.count())
        last = 0
        counts[kind] = 0
        while True:
            rows = list(qs.filter(id__gt=last).values(*FIELDS[kind])[:batch])
            if not rows:
                break
            with transaction.atomic():
                index_rows(kind, rows, fresh=True)
            last = rows[-1]["id"]
            counts[kind] += len(rows)
            if on_progress:
                on_progress("", len(rows))
    with transaction.atomic():
        SearchIndexState.objects.update_or_create(
            pk=1, defaults={"keys_version": KEYS_VERSION, "built_at": timezone.now()}
        )
    return counts
