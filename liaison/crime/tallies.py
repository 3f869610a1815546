"""The counts behind the statistics (``crime.Tally``), kept in the writer's transaction.

The report reads the tallies, never the millions of records (``reports.stats``). Every
writer of cases, persons and seizures keeps them exact:

* the services (``crime.services``) recount the records they change: ``with recount(model,
  ids): …`` reads what those records (a case: with its persons and seizures) counted
  before the write and after it, and adds the difference;
* bulk writers of new records add what they wrote: the importer with :func:`add`,
  ``liaison seed`` with :func:`add_records`;
* a federation batch or a recall (``exchange``) announces its writes with
  ``core.signals.changing_records``, which recounts them here (:func:`connect`);
* ``liaison tallies --rebuild`` and the migration that created the table count everything
  again (:func:`rebuild`); ``liaison tallies --check`` compares.

A province merger moves no record: records keep the province they were filed under, and
the report chooses which provinces to count (``reports.stats.select``).

Each record counts in three cells: its day, its month and its year, so that a report reads
one cell a year for its whole years, one a month for its other whole months, and days only
for the months it covers in part (``reports.stats.period``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from decimal import Context, Decimal
from operator import attrgetter
from types import TracebackType
from typing import Any

from django.db import connection, transaction

from liaison.crime.models import (
    DrugCase,
    Person,
    PersonRole,
    Seizure,
    Tally,
    TallyKind,
    TallySpan,
)

#: The fields a case, a person and a seizure are counted by (see :func:`add`).
CASE_FIELDS = ("province_id", "detected_on", "owner_unit_id")
PERSON_FIELDS = (*CASE_FIELDS, "role", "nationality")
SEIZURE_FIELDS = (*CASE_FIELDS, "drug_id", "unit", "quantity")
#: A tally cell: kind, province id, span, start, owner unit id, drug, unit, nationality.
Cell = tuple[str, int, str, dt.date, int, str, str, str]
KEY = ("kind", "province_id", "span", "start", "owner_unit_id", "drug", "unit", "nationality")
Delta = dict[Cell, list[int]]
CHUNK = 900  # stay under SQLite's limit of bound parameters
MILLIONTHS = Decimal(1_000_000)
#: Decimals as SQLite gives them back (15 significant digits, see Django's converter).
_SQLITE_DIGITS = Context(prec=15)


def _cells(kind: str, province: int, day: dt.date, owner: int, *rest: str) -> list[Cell]:
    """The day, month and year cells a record counts in."""
    starts = (
        (TallySpan.DAY, day),
        (TallySpan.MONTH, day.replace(day=1)),
        (TallySpan.YEAR, day.replace(month=1, day=1)),
    )
    return [(kind, province, span, start, owner, *rest) for span, start in starts]  # type: ignore[misc]


def millionths(quantity: Decimal) -> int:
    """A seizure's quantity as the database holds it, in millionths of its unit."""
    quantity = Decimal(quantity)
    if connection.vendor == "sqlite" and quantity.adjusted() >= 9:
        # SQLite keeps decimals as doubles: count the value the records give back.
        quantity = _SQLITE_DIGITS.create_decimal_from_float(float(quantity))
    return int((quantity * MILLIONTHS).to_integral_value())


def _count(
    delta: Delta,
    sign: int,
    cases: Iterable[tuple[Any, ...]] = (),
    persons: Iterable[tuple[Any, ...]] = (),
    seizures: Iterable[tuple[Any, ...]] = (),
) -> Delta:
    for province, day, owner in cases:
        for cell in _cells(TallyKind.CASE, province, day, owner, "", "", ""):
            delta[cell][0] += sign
    for province, day, owner, role, nationality in persons:
        if role == PersonRole.DEFENDANT:
            for cell in _cells(TallyKind.DEFENDANT, province, day, owner, "", "", nationality):
                delta[cell][0] += sign
    for province, day, owner, drug, unit, quantity in seizures:
        q = millionths(quantity)
        for cell in _cells(TallyKind.SEIZURE, province, day, owner, drug, unit, ""):
            entry = delta[cell]
            entry[0] += sign
            entry[1] += sign * q
    return delta


def _new_delta() -> Delta:
    return defaultdict(lambda: [0, 0])


def _store(delta: Delta) -> None:
    """Add ``delta`` to the tallies (one upsert per cell); cells that reach 0 go."""
    changes = [(cell, n, q) for cell, (n, q) in delta.items() if n or q]
    if not changes:
        return
    table = connection.ops.quote_name(Tally._meta.db_table)
    key = ", ".join(KEY)
    date = connection.ops.adapt_datefield_value
    rows: list[tuple[Any, ...]] = [
        (k, p, sp, date(st), *rest, n, q) for (k, p, sp, st, *rest), n, q in changes
    ]
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({key}, n, quantity) "  # noqa: S608 - names from the model
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
            f"ON CONFLICT ({key}) DO UPDATE SET n = {table}.n + excluded.n, "
            f"quantity = {table}.quantity + excluded.quantity",
            rows,  # type: ignore[arg-type]
        )
        emptied = [row[:8] for row in rows if row[8] < 0]
        if emptied:
            cursor.executemany(
                f"DELETE FROM {table} WHERE "  # noqa: S608 - names from the model
                + " AND ".join(f"{name} = %s" for name in KEY)
                + " AND n = 0",
                emptied,  # type: ignore[arg-type]
            )


def add(
    cases: Iterable[tuple[Any, ...]] = (),
    persons: Iterable[tuple[Any, ...]] = (),
    seizures: Iterable[tuple[Any, ...]] = (),
) -> None:
    """Count new records given as tuples of :data:`CASE_FIELDS`, :data:`PERSON_FIELDS` and
    :data:`SEIZURE_FIELDS` (an import writes rows, not model instances)."""
    _store(_count(_new_delta(), 1, cases, persons, seizures))


def add_records(
    cases: Iterable[DrugCase] = (),
    persons: Iterable[Person] = (),
    seizures: Iterable[Seizure] = (),
) -> None:
    """Count new cases, persons and seizures (saved model instances)."""
    add(
        map(attrgetter(*CASE_FIELDS), cases),
        map(attrgetter(*PERSON_FIELDS), persons),
        map(attrgetter(*SEIZURE_FIELDS), seizures),
    )


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]


def _stored(model: type[Any], ids: set[int], sign: int, delta: Delta) -> None:
    """Count, with ``sign``, what the records ``ids`` of ``model`` count now (a case with
    its persons and seizures: deleting a case deletes them, changing it changes theirs)."""
    for part in _chunks(sorted(ids)):
        if model is DrugCase:
            _count(
                delta,
                sign,
                DrugCase.objects.filter(pk__in=part).values_list(*CASE_FIELDS),
                Person.objects.filter(case_id__in=part).values_list(*PERSON_FIELDS),
                Seizure.objects.filter(case_id__in=part).values_list(*SEIZURE_FIELDS),
            )
        elif model is Person:
            _count(
                delta, sign, persons=Person.objects.filter(pk__in=part).values_list(*PERSON_FIELDS)
            )
        elif model is Seizure:
            _count(
                delta,
                sign,
                seizures=Seizure.objects.filter(pk__in=part).values_list(*SEIZURE_FIELDS),
            )


class recount:  # noqa: N801 - used like a function
    """``with recount(Seizure, [seizure.pk]): …change it…``: the records ``ids`` of
    ``model`` are counted again after the block (with any ids added by :meth:`also`, e.g.
    records the block creates). Inside the writer's transaction."""

    counted = (DrugCase, Person, Seizure)

    def __init__(self, model: type[Any], ids: Iterable[int] = ()) -> None:
        self.model = model
        self.ids = set(ids)
        self.before = _new_delta()
        if model in self.counted and self.ids:
            _stored(model, self.ids, -1, self.before)

    def also(self, ids: Iterable[int]) -> None:
        self.ids.update(ids)

    def done(self, ids: Iterable[int] = ()) -> None:
        """Count the records again now (``ids``: more records written meanwhile)."""
        self.also(ids)
        if self.model not in self.counted or not self.ids:
            return
        delta = self.before
        _stored(self.model, self.ids, 1, delta)
        _store(delta)
        self.before = _new_delta()

    def __enter__(self) -> recount:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if kind is None:
            self.done()


def _changing(sender: Any, ids: list[int], **kwargs: Any) -> Any:
    """``core.signals.records_changing``: recount the records when the writer is done."""
    return recount(sender, ids).done


def connect() -> None:
    from liaison.core.signals import records_changing

    for model in recount.counted:
        records_changing.connect(_changing, sender=model, dispatch_uid=f"tallies.{model.__name__}")


# --- reading -------------------------------------------------------------------------


def spans(start: dt.date, end: dt.date, years: bool = True) -> list[tuple[str, dt.date, dt.date]]:
    """The cells of the days from ``start`` to ``end`` as (span, first start, last start):
    the year cells of its whole years (unless not ``years``), the month cells of its other
    whole months, the day cells of the months it covers in part."""
    out: list[tuple[str, dt.date, dt.date]] = []

    def take(span: str, first: dt.date, last: dt.date) -> None:
        if out and out[-1][0] == span:
            out[-1] = (span, out[-1][1], last)
        else:
            out.append((span, first, last))

    day = start
    while day <= end:
        year_end = day.replace(month=12, day=31)
        following = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        if years and (day.month, day.day) == (1, 1) and year_end <= end:
            take(TallySpan.YEAR, day, day)
            day = year_end + dt.timedelta(days=1)
        elif day.day == 1 and following - dt.timedelta(days=1) <= end:
            take(TallySpan.MONTH, day, day)
            day = following
        else:
            last = min(end, following - dt.timedelta(days=1))
            take(TallySpan.DAY, day, last)
            day = last + dt.timedelta(days=1)
    return out


def sums(
    kind: str,
    by: tuple[str, ...],
    provinces: list[int],
    start: dt.date,
    end: dt.date,
    owner_units: list[int] | None = None,
    *,
    years: bool = True,
) -> list[tuple[Any, ...]]:
    """(*``by``, records, quantity in millionths) of the records of ``kind`` filed under
    ``provinces`` from ``start`` to ``end`` (owned by ``owner_units``, when given), from
    the tallies: one plain query (a report runs three)."""
    if not provinces or owner_units == []:
        return []
    columns = ", ".join(c for c in by if c in KEY)
    assert len(by) == len(columns.split(", ")), by
    date = connection.ops.adapt_datefield_value
    periods = spans(start, end, years)
    where = " OR ".join(["(span = %s AND start >= %s AND start <= %s)"] * len(periods))
    params: list[Any] = [kind, *provinces]
    for span, first, last in periods:
        params += [span, date(first), date(last)]
    sql = (
        f"SELECT {columns}, SUM(n), SUM(quantity) FROM {Tally._meta.db_table} "  # noqa: S608
        f"WHERE kind = %s AND province_id IN ({', '.join(['%s'] * len(provinces))}) "
        f"AND ({where})"
    )
    if owner_units is not None:
        sql += f" AND owner_unit_id IN ({', '.join(['%s'] * len(owner_units))})"
        params += owner_units
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} GROUP BY {columns}", params)
        return [(*row[:-2], int(row[-2]), int(row[-1])) for row in cursor.fetchall()]


# --- everything at once -------------------------------------------------------------


def count_all(
    cases: Any = DrugCase, persons: Any = Person, seizures: Any = Seizure
) -> dict[Cell, tuple[int, int]]:
    """The tallies of every record, counted from the records (the models may be a
    migration's)."""
    delta = _new_delta()
    batch = 20_000
    _count(delta, 1, cases=cases.objects.values_list(*CASE_FIELDS).iterator(batch))
    _count(delta, 1, persons=persons.objects.values_list(*PERSON_FIELDS).iterator(batch))
    _count(delta, 1, seizures=seizures.objects.values_list(*SEIZURE_FIELDS).iterator(batch))
    return {cell: (n, q) for cell, (n, q) in delta.items() if n or q}


def stored_tallies(tally: Any = Tally) -> dict[Cell, tuple[int, int]]:
    return {
        tuple(row[:8]): (row[8], row[9])  # type: ignore[misc]
        for row in tally.objects.values_list(*KEY, "n", "quantity").iterator(20_000)
        if row[8] or row[9]
    }


@transaction.atomic
def rebuild(
    cases: Any = DrugCase, persons: Any = Person, seizures: Any = Seizure, tally: Any = Tally
) -> int:
    """Count every record again into empty tallies; how many cells there are."""
    counted = count_all(cases, persons, seizures)
    tally.objects.all().delete()
    delta = _new_delta()
    for cell, (n, q) in counted.items():
        delta[cell] = [n, q]
    _store(delta)
    return len(counted)


def differences() -> list[str]:
    """Cells where the tallies differ from a count of the records (empty: all exact)."""
    counted, stored = count_all(), stored_tallies()
    out = []
    for cell in sorted(set(counted) | set(stored), key=str):
        if counted.get(cell) != stored.get(cell):
            out.append(f"{cell}: records {counted.get(cell)}, tallies {stored.get(cell)}")
    return out
