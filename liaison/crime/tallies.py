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

Each record counts in two cells: its day and its whole month (``day`` 0), so that a period
of whole months reads one cell per month and only its partial months read days.
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

from liaison.crime.models import DrugCase, Person, PersonRole, Seizure, Tally, TallyKind

#: The fields a case, a person and a seizure are counted by (see :func:`add`).
CASE_FIELDS = ("province_id", "detected_on", "owner_unit_id")
PERSON_FIELDS = (*CASE_FIELDS, "role", "nationality")
SEIZURE_FIELDS = (*CASE_FIELDS, "drug_id", "unit", "quantity")
#: A tally cell: kind, province id, month, day, owner unit id, drug, unit, nationality.
Cell = tuple[str, int, dt.date, int, int, str, str, str]
Delta = dict[Cell, list[int]]
CHUNK = 900  # stay under SQLite's limit of bound parameters
MILLIONTHS = Decimal(1_000_000)
#: Decimals as SQLite gives them back (15 significant digits, see Django's converter).
_SQLITE_DIGITS = Context(prec=15)


def _cells(kind: str, province: int, day: dt.date, owner: int, *rest: str) -> tuple[Cell, Cell]:
    month = day.replace(day=1)
    return (kind, province, month, day.day, owner, *rest), (kind, province, month, 0, owner, *rest)  # type: ignore[return-value]


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
    key = "kind, province_id, month, day, owner_unit_id, drug, unit, nationality"
    date = connection.ops.adapt_datefield_value
    rows = [(k, p, date(m), d, o, dr, u, na, n, q) for (k, p, m, d, o, dr, u, na), n, q in changes]
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({key}, n, quantity) "  # noqa: S608 - names from the model
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
            f"ON CONFLICT ({key}) DO UPDATE SET n = {table}.n + excluded.n, "
            f"quantity = {table}.quantity + excluded.quantity",
            rows,
        )
        emptied = [row[:8] for row in rows if row[8] < 0]
        if emptied:
            cursor.executemany(
                f"DELETE FROM {table} WHERE kind = %s AND province_id = %s AND month = %s "  # noqa: S608
                "AND day = %s AND owner_unit_id = %s AND drug = %s AND unit = %s "
                "AND nationality = %s AND n = 0",
                emptied,
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
    fields = ("kind", "province_id", "month", "day", "owner_unit_id", "drug", "unit")
    return {
        tuple(row[:8]): (row[8], row[9])  # type: ignore[misc]
        for row in tally.objects.values_list(*fields, "nationality", "n", "quantity").iterator(
            20_000
        )
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
