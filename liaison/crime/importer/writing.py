"""Writing the new rows of an import: cases, then persons, then seizures, in one transaction
with one audit entry a file. All or nothing: any failure rolls the whole import back."""

from __future__ import annotations

import datetime as dt
import os
import time
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from liaison.core import audit
from liaison.core.models import Unit, User
from liaison.core.node import this_node
from liaison.core.progress import progress
from liaison.core.signals import records_written
from liaison.crime import tallies
from liaison.crime.importer.checking import Checked
from liaison.crime.importer.existing import chunks
from liaison.crime.importer.report import ImportReport
from liaison.crime.models import DrugCase, Person, Seizure
from liaison.crime.services import actor_for

BATCH = 2000
#: The columns every record has; ``write`` gives them the same values in every row.
RECORD_COLUMNS = [
    "uuid",
    "origin",
    "origin_country",
    "version",
    "created_at",
    "updated_at",
    "owner_unit_id",
    "tlp",
    "handling",
    "handling_note",
]
CASE_COLUMNS = [
    *RECORD_COLUMNS,
    "case_ref",
    "detected_on",
    "province_id",
    "district",
    "commune",
    "summary",
    "status",
    "route",
    "transport_mode",
    "joint_case_ref",
]
PERSON_COLUMNS = [
    *RECORD_COLUMNS,
    "case_id",
    "detected_on",
    "province_id",
    "person_ref",
    "full_name",
    "latin_name",
    "sex",
    "birth_date",
    "birth_precision",
    "birth_year",
    "birth_month",
    "birth_day",
    "nationality",
    "id_number",
    "phones",
    "photo",
    "role",
]
SEIZURE_COLUMNS = [
    *RECORD_COLUMNS,
    "case_id",
    "detected_on",
    "province_id",
    "drug_id",
    "quantity",
    "unit",
    "natural_key",
]


class _Inserter:
    """Plain ``INSERT … VALUES`` with ``executemany``: several times faster than building
    model instances for hundreds of thousands of rows. Values are adapted the way Django
    stores them on the current database (uuids, datetimes, decimals)."""

    def __init__(self, model: type[Any], columns: list[str]) -> None:
        ops = connection.ops
        self.model = model
        self.sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - names from the model
            ops.quote_name(model._meta.db_table),
            ", ".join(ops.quote_name(c) for c in columns),
            ", ".join(["%s"] * len(columns)),
        )

    def insert(self, rows: list[tuple[Any, ...]]) -> None:
        with connection.cursor() as cursor:
            cursor.executemany(self.sql, rows)


def _uuid7_int() -> int:
    ms = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    return (
        (ms & ((1 << 48) - 1)) << 80
        | 0x7 << 76
        | ((rand >> 62) & 0xFFF) << 64
        | 0b10 << 62
        | (rand & ((1 << 62) - 1))
    )


def uuid7() -> uuid.UUID:
    """A time-ordered UUID (RFC 9562 version 7): imported rows then land at the end of the
    uuid index instead of all over it, which keeps big imports fast."""
    return uuid.UUID(int=_uuid7_int())


def _uuid7_hex() -> str:
    """:func:`uuid7` as SQLite keeps it (32 hex digits), without making a UUID object."""
    return f"{_uuid7_int():032x}"


def _decimal(value: Decimal) -> Any:
    return connection.ops.adapt_decimalfield_value(value, 20, 6)


def _sqlite_cache(kib: int) -> None:
    """Room for the indexes of big tables while an import writes (SQLite only)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = -{kib:d}")


def write(
    result: ImportReport, checked: Checked, owner: Unit, user: User | None, source: str
) -> None:
    node = this_node()
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    # Django keeps uuids as 32 hex digits on SQLite, as uuid values elsewhere.
    new_uuid: Callable[[], Any] = _uuid7_hex if connection.vendor == "sqlite" else uuid7
    _sqlite_cache(262144)
    common = (node.id, node.country, 1, now, now, owner.id, "AMBER", "H0", "")
    total = len(checked.cases) + len(checked.persons) + len(checked.seizures)
    cases: dict[str, tuple[int, dt.date, int]] = {
        ref: (k.id, k.detected_on, k.province_id) for ref, k in checked.existing.items() if k.id
    }
    case_insert = _Inserter(DrugCase, CASE_COLUMNS)
    person_insert = _Inserter(Person, PERSON_COLUMNS)
    seizure_insert = _Inserter(Seizure, SEIZURE_COLUMNS)
    with transaction.atomic(), progress("Importing", total) as bar:
        # Rows are inserted in plain SQL: their ids are those above the highest before.
        cases_before = DrugCase.objects.aggregate(m=Max("id"))["m"] or 0
        for chunk in chunks(checked.cases, BATCH):
            case_insert.insert(
                [
                    (
                        new_uuid(),
                        *common,
                        c.case_ref,
                        c.detected_on,
                        c.province.id,
                        c.district,
                        c.commune,
                        c.summary,
                        "open",  # status
                        "",  # route
                        "",  # transport_mode
                        c.joint_case_ref,
                    )
                    for c in chunk
                ]
            )
            bar.advance(len(chunk))
        if checked.cases:  # the new cases' ids, in one read
            written = DrugCase.objects.filter(id__gt=cases_before, origin=node.id)
            for ref, pk, day, province_id in written.values_list(
                "case_ref", "id", "detected_on", "province_id"
            ):
                cases[ref] = (pk, day, province_id)
        rows: list[tuple[Any, ...]]
        persons_before = Person.objects.aggregate(m=Max("id"))["m"] or 0
        for chunk_p in chunks(checked.persons, BATCH):
            rows = []
            for ref, p in chunk_p:
                case_id, day, province_id = cases[ref]
                text, precision, year, month, dom = p["birth_date"]
                rows.append(
                    (
                        new_uuid(),
                        *common,
                        case_id,
                        day,
                        province_id,
                        p["person_ref"],
                        p["full_name"],
                        p["latin_name"],
                        p["sex"],
                        text,
                        precision,
                        year,
                        month,
                        dom,
                        p["nationality"],
                        p["id_number"],
                        "",  # phones
                        "",  # photo
                        p["role"],
                    )
                )
            person_insert.insert(rows)
            bar.advance(len(rows))
        if checked.persons and records_written.has_listeners(Person):
            new_ids = list(
                Person.objects.filter(id__gt=persons_before, origin=node.id)
                .order_by("id")
                .values_list("id", flat=True)
            )
            records_written.send(sender=Person, kind=Person.record_kind, ids=new_ids, created=True)
        for chunk_s in chunks(checked.seizures, BATCH):
            rows = []
            for ref, key, s in chunk_s:
                case_id, day, province_id = cases[ref]
                rows.append(
                    (
                        new_uuid(),
                        *common,
                        case_id,
                        day,
                        province_id,
                        s["drug"],
                        _decimal(Decimal(s["quantity"])),
                        s["unit"],
                        key,
                    )
                )
            seizure_insert.insert(rows)
            bar.advance(len(rows))
        _sqlite_cache(2000)
        tallies.add(
            [(c.province.id, c.detected_on, owner.id) for c in checked.cases],
            [(*cases[r][:0:-1], owner.id, p["role"], p["nationality"]) for r, p in checked.persons],
            [
                (*cases[r][:0:-1], owner.id, s["drug"], s["unit"], Decimal(s["quantity"]))
                for r, _key, s in checked.seizures
            ],
        )
        for report in result.files:
            audit.record(
                "crime.import",
                actor=actor_for(user, source),
                object_kind=f"crime.{report.kind}",
                object_id=report.name[:64],
                file=report.name,
                sha256=report.sha256,
                rows=report.rows,
                new=report.new,
                already_present=report.present,
                owner_unit=owner.code,
            )
