"""Import of cases, persons and seizures in the interchange format (DESIGN.md section 3).

The rules (also in docs/import.md):

* CSV must be UTF-8 (a byte-order mark is allowed) with a header row; XLSX uses the sheet
  named like the kind (``cases``) or else the first sheet. Column names are matched without
  regard to case or surrounding spaces; extra columns are ignored.
* Rows are numbered as a spreadsheet shows them: the header is row 1.
* Every row of every file is checked before anything is written. Any problem → nothing is
  written, and every problem is reported as ``FILE row N field F: reason``.
* Idempotent: a case whose ``case_ref`` this node already holds is skipped; a person is
  skipped when its case already has that ``person_ref``; a seizure's key is its case, drug,
  unit, quantity and the occurrence of that same combination in the file (two identical rows
  are two seizures; importing the file again adds neither).
* Several files may be imported together (cases, then persons, then seizures, in one
  transaction); a person or seizure row may name a case from this node or from the cases
  file of the same import.
* The records belong to the importing user's unit (the web page), or to the unit of
  ``--as USER``, or to the ministry (root) unit.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from liaison.core import audit
from liaison.core.gazetteer import GazetteerError, resolve_province
from liaison.core.models import Province, Unit, User
from liaison.core.node import this_node
from liaison.core.progress import progress
from liaison.crime.models import DrugCase, Person, Seizure
from liaison.crime.services import actor_for, ministry_unit
from liaison.crime.values import (
    parse_date,
    parse_drug,
    parse_nationality,
    parse_partial_date,
    parse_quantity,
    parse_role,
    parse_sex,
    parse_unit,
    seizure_key,
)

KINDS = ("cases", "persons", "seizures")
COLUMNS: dict[str, tuple[str, ...]] = {
    "cases": (
        "case_ref",
        "detected_on",
        "province",
        "district",
        "commune",
        "summary",
        "joint_case_ref",
    ),
    "persons": (
        "case_ref",
        "person_ref",
        "full_name",
        "latin_name",
        "sex",
        "birth_date",
        "nationality",
        "id_number",
        "role",
    ),
    "seizures": ("case_ref", "drug", "quantity", "unit"),
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "cases": ("case_ref", "detected_on", "province"),
    "persons": ("case_ref", "person_ref", "full_name", "role"),
    "seizures": ("case_ref", "drug", "quantity", "unit"),
}
MAX_LENGTH = {
    "case_ref": 64,
    "district": 200,
    "commune": 200,
    "joint_case_ref": 64,
    "person_ref": 64,
    "full_name": 200,
    "latin_name": 200,
    "id_number": 64,
}
BATCH = 2000
CHUNK = 900  # stay under the SQLite limit of bound parameters


@dataclass(frozen=True)
class Problem:
    file: str
    row: int
    field: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.file} row {self.row}" if self.row else self.file
        if self.field:
            where += f" field {self.field}"
        return f"{where}: {self.reason}"


@dataclass
class FileReport:
    kind: str
    name: str
    rows: int = 0
    new: int = 0
    present: int = 0
    preview: list[dict[str, Any]] = field(default_factory=list)
    sha256: str = ""


@dataclass
class ImportReport:
    files: list[FileReport]
    problems: list[Problem]
    saved: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        names = ", ".join(f.name for f in self.files)
        if self.problems:
            n = len(self.problems)
            return f"{names}: {n} problem{'s' if n != 1 else ''}, nothing imported"
        parts = [f"{f.kind} {f.new} new, {f.present} already present" for f in self.files]
        verb = "imported" if self.saved else "checked"
        return f"{names}: {verb}: " + "; ".join(parts)


class ImportFailed(Exception):
    def __init__(self, report: ImportReport) -> None:
        super().__init__(report.summary())
        self.report = report

    def message(self) -> str:
        return "\n".join([self.report.summary(), *(str(p) for p in self.report.problems)])


# --- reading files ---------------------------------------------------------------------


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    return value


def _read_csv(name: str, data: bytes, problems: list[Problem]) -> Iterator[tuple[int, list[Any]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        for number, line in enumerate(data.split(b"\n"), start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError as exc:
                bad = line[exc.start : exc.start + 1].hex()
                problems.append(
                    Problem(name, number, "", f"not UTF-8 text (byte 0x{bad}); save as UTF-8")
                )
        return
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for values in reader:
            yield reader.line_num, [_cell(v) for v in values]
    except csv.Error as exc:
        problems.append(Problem(name, reader.line_num, "", f"malformed CSV: {exc}"))


def _read_xlsx(
    name: str, data: bytes, kind: str, problems: list[Problem]
) -> Iterator[tuple[int, list[Any]]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # zipfile, XML and openpyxl errors alike
        problems.append(Problem(name, 0, "", f"not a readable XLSX workbook ({exc})"))
        return
    try:
        sheet = next((s for s in book.worksheets if s.title.strip().lower() == kind), None)
        sheet = sheet or book.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [_cell(v) for v in values]
    except Exception as exc:
        problems.append(Problem(name, 0, "", f"not a readable XLSX workbook ({exc})"))
    finally:
        book.close()


def read_rows(
    kind: str, name: str, data: bytes, problems: list[Problem]
) -> list[tuple[int, dict[str, Any]]]:
    """The data rows of a file as (row number, {column: value}); problems are appended."""
    is_xlsx = name.lower().endswith((".xlsx", ".xlsm")) or data[:2] == b"PK"
    source = _read_xlsx(name, data, kind, problems) if is_xlsx else _read_csv(name, data, problems)
    header: list[str] | None = None
    rows: list[tuple[int, dict[str, Any]]] = []
    for number, values in source:
        if header is None:
            header = [str(v).strip().lower().lstrip("\ufeff") for v in values]
            missing = [c for c in COLUMNS[kind] if c not in header]
            for column in missing:
                problems.append(Problem(name, number, column, "missing column"))
            if missing:
                return []
            continue
        if not any(v not in ("", None) for v in values):
            continue
        row = {c: (values[i] if i < len(values) else "") for i, c in enumerate(header) if c}
        rows.append((number, row))
    if header is None and not problems:
        problems.append(Problem(name, 1, "", "empty file (no header row)"))
    return rows


# --- checking --------------------------------------------------------------------------


@dataclass
class _Case:
    row: int
    case_ref: str
    detected_on: dt.date
    province: Province
    district: str
    commune: str
    summary: str
    joint_case_ref: str


@dataclass
class _Known:
    """A case the rows may refer to: (id or None if new, detected_on, province id, owner path)."""

    id: int | None
    detected_on: dt.date
    province_id: int
    owner_path: str


class _Provinces:
    """resolve_province with a cache that respects the validity periods."""

    def __init__(self) -> None:
        self._found: dict[str, list[Province]] = {}
        self._errors: dict[tuple[str, dt.date], str] = {}

    def resolve(self, code: str, day: dt.date) -> Province:
        for p in self._found.get(code, ()):
            if p.valid_on(day):
                return p
        if (code, day) in self._errors:
            raise GazetteerError(self._errors[code, day])
        try:
            p = resolve_province(code, day)
        except GazetteerError as exc:
            self._errors[code, day] = str(exc)
            raise
        self._found.setdefault(code, []).append(p)
        return p


def _text(row: dict[str, Any], column: str) -> str:
    value = row.get(column, "")
    if type(value) is str:
        return value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime | dt.date):
        value = value.isoformat()[:10]
    return str(value).strip()


def _check(
    name: str,
    number: int,
    row: dict[str, Any],
    kind: str,
    problems: list[Problem],
    parsers: dict[str, Callable[[Any], Any]],
) -> dict[str, Any] | None:
    clean: dict[str, Any] = {}
    bad = False
    for column in COLUMNS[kind]:
        if column in REQUIRED[kind] and row.get(column) in ("", None):
            problems.append(Problem(name, number, column, "missing value"))
            bad = True
            continue
        try:
            if column in parsers:
                clean[column] = parsers[column](row.get(column, ""))
            else:
                text = _text(row, column)
                limit = MAX_LENGTH.get(column)
                if limit and len(text) > limit:
                    raise ValueError(f"longer than {limit} characters")
                clean[column] = text
        except (ValueError, GazetteerError) as exc:
            problems.append(Problem(name, number, column, str(exc)))
            bad = True
    return None if bad else clean


def _chunks(items: list[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _existing_cases(origin: str, refs: Iterable[str]) -> dict[str, _Known]:
    found: dict[str, _Known] = {}
    for chunk in _chunks(sorted(set(refs))):
        for ref, pk, day, province_id, path in DrugCase.objects.filter(
            origin=origin, case_ref__in=chunk
        ).values_list("case_ref", "id", "detected_on", "province_id", "owner_unit__path"):
            found[ref] = _Known(pk, day, province_id, path)
    return found


def run_import(
    files: list[tuple[str, str, bytes]],
    *,
    user: User | None = None,
    owner_unit: Unit | None = None,
    save: bool = True,
    source: str = "",
    preview_rows: int = 0,
    today: dt.date | None = None,
) -> ImportReport:
    """Check and (when ``save`` and there is no problem) write the files in one transaction.

    ``files`` is a list of (kind, file name, content). Raises :class:`ImportFailed` with every
    problem found; returns the report otherwise."""
    today = today or timezone.localdate()
    problems: list[Problem] = []
    origin = this_node().id
    owner = owner_unit or (user.unit if user is not None and user.unit_id else None)
    owner = owner or ministry_unit()
    files = sorted(files, key=lambda f: KINDS.index(f[0]))
    reports: list[FileReport] = []
    parsed: dict[str, list[tuple[FileReport, list[tuple[int, dict[str, Any]]]]]] = {
        k: [] for k in KINDS
    }
    for kind, name, data in files:
        if kind not in KINDS:
            problems.append(Problem(name, 0, "", f"unknown kind {kind!r}"))
            continue
        report = FileReport(kind, name, sha256=hashlib.sha256(data).hexdigest())
        rows = read_rows(kind, name, data, problems)
        report.rows = len(rows)
        report.preview = [{"row": n, **r} for n, r in rows[:preview_rows]]
        reports.append(report)
        parsed[kind].append((report, rows))

    provinces = _Provinces()
    date_parser = lambda v: parse_date(v, today=today)  # noqa: E731

    # Cases ----------------------------------------------------------------------------
    new_cases: list[_Case] = []
    file_cases: dict[str, _Known] = {}
    case_files: list[tuple[FileReport, list[_Case]]] = []
    for report, rows in parsed["cases"]:
        checked: list[_Case] = []
        seen: dict[str, int] = {}
        for number, row in rows:
            ref = _text(row, "case_ref")
            if ref and ref in seen:
                problems.append(
                    Problem(report.name, number, "case_ref", f"{ref!r} repeats row {seen[ref]}")
                )
                continue
            if ref:
                seen[ref] = number
            clean = _check(
                report.name, number, row, "cases", problems, {"detected_on": date_parser}
            )
            if clean is None:
                if ref:
                    file_cases.setdefault(ref, _Known(None, today, 0, owner.path))
                code = _text(row, "province")
                if code and "detected_on" in [p.field for p in problems[-3:] if p.row == number]:
                    try:  # without a valid date, at least say whether the code exists
                        resolve_province(code, None)
                    except GazetteerError as exc:
                        problems.append(Problem(report.name, number, "province", str(exc)))
                continue
            try:
                province = provinces.resolve(clean.pop("province"), clean["detected_on"])
            except GazetteerError as exc:
                problems.append(Problem(report.name, number, "province", str(exc)))
                file_cases.setdefault(ref, _Known(None, today, 0, owner.path))
                continue
            case = _Case(number, province=province, **clean)
            checked.append(case)
            file_cases[ref] = _Known(None, case.detected_on, province.id, owner.path)
        case_files.append((report, checked))

    all_refs = set(file_cases)
    for _kind in ("persons", "seizures"):
        for _report, rows in parsed[_kind]:
            all_refs.update(_text(r, "case_ref") for _n, r in rows)
    existing = _existing_cases(origin, all_refs - {""})
    for report, checked in case_files:
        for case in checked:
            if case.case_ref in existing:
                report.present += 1
            else:
                report.new += 1
                new_cases.append(case)

    def known_case(name: str, number: int, ref: str) -> _Known | None:
        if not ref:
            return None
        known = existing.get(ref) or file_cases.get(ref)
        if known is None:
            problems.append(
                Problem(
                    name,
                    number,
                    "case_ref",
                    f"case {ref!r} is neither on this node nor in the cases file",
                )  # fmt: skip
            )
        elif known.id is not None and not known.owner_path.startswith(owner.path):
            problems.append(
                Problem(
                    name, number, "case_ref", f"case {ref!r} belongs to a unit outside {owner.name}"
                )  # fmt: skip
            )
            return None
        return known

    # Persons --------------------------------------------------------------------------
    person_parsers: dict[str, Callable[[Any], Any]] = {
        "sex": parse_sex,
        "birth_date": lambda v: parse_partial_date(v, today=today),
        "nationality": parse_nationality,
        "role": parse_role,
    }
    new_persons: list[tuple[str, dict[str, Any]]] = []
    person_files: list[tuple[FileReport, list[tuple[str, dict[str, Any]]]]] = []
    for report, rows in parsed["persons"]:
        checked_p: list[tuple[str, dict[str, Any]]] = []
        seen_p: dict[tuple[str, str], int] = {}
        for number, row in rows:
            key = (_text(row, "case_ref"), _text(row, "person_ref"))
            if all(key) and key in seen_p:
                problems.append(
                    Problem(
                        report.name,
                        number,
                        "person_ref",
                        f"{key[1]!r} of case {key[0]!r} repeats row {seen_p[key]}",
                    )  # fmt: skip
                )
                continue
            seen_p[key] = number
            clean = _check(report.name, number, row, "persons", problems, person_parsers)
            known = known_case(report.name, number, key[0])
            if clean is not None and known is not None:
                checked_p.append((key[0], clean))
        person_files.append((report, checked_p))
    existing_persons: set[tuple[str, str]] = set()
    old_ids = {k.id: ref for ref, k in existing.items() if k.id is not None}
    if parsed["persons"]:  # cases already on this node may have persons already
        for chunk in _chunks(sorted(old_ids)):
            for case_id, person_ref in Person.objects.filter(case_id__in=chunk).values_list(
                "case_id", "person_ref"
            ):
                existing_persons.add((old_ids[case_id], person_ref))
    for report, checked_p in person_files:
        for ref, clean in checked_p:
            if (ref, clean["person_ref"]) in existing_persons:
                report.present += 1
            else:
                report.new += 1
                new_persons.append((ref, clean))

    # Seizures -------------------------------------------------------------------------
    seizure_parsers: dict[str, Callable[[Any], Any]] = {
        "drug": parse_drug,
        "quantity": parse_quantity,
        "unit": parse_unit,
    }
    new_seizures: list[tuple[str, str, dict[str, Any]]] = []
    existing_keys: set[tuple[str, str]] = set()
    if parsed["seizures"]:
        for chunk in _chunks(sorted(old_ids)):
            for case_id, key in Seizure.objects.filter(case_id__in=chunk).values_list(
                "case_id", "natural_key"
            ):
                existing_keys.add((old_ids[case_id], key))
    for report, rows in parsed["seizures"]:
        occurrences: Counter[tuple[str, str]] = Counter()
        for number, row in rows:
            clean = _check(report.name, number, row, "seizures", problems, seizure_parsers)
            ref = _text(row, "case_ref")
            known = known_case(report.name, number, ref)
            if clean is None or known is None:
                continue
            base = seizure_key(clean["drug"], clean["unit"], clean["quantity"], 0)[:-2]
            occurrences[ref, base] += 1
            skey = seizure_key(clean["drug"], clean["unit"], clean["quantity"], occurrences[ref, base])  # fmt: skip
            if (ref, skey) in existing_keys:
                report.present += 1
            else:
                report.new += 1
                new_seizures.append((ref, skey, clean))

    result = ImportReport(reports, problems)
    if problems:
        raise ImportFailed(result)
    if save:
        _write(result, new_cases, new_persons, new_seizures, existing, owner, user, source)
        result.saved = True
    return result


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


def uuid7() -> uuid.UUID:
    """A time-ordered UUID (RFC 9562 version 7): imported rows then land at the end of the
    uuid index instead of all over it, which keeps big imports fast."""
    ms = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (
        (ms & ((1 << 48) - 1)) << 80
        | 0x7 << 76
        | ((rand >> 62) & 0xFFF) << 64
        | 0b10 << 62
        | (rand & ((1 << 62) - 1))
    )
    return uuid.UUID(int=value)


def _uuid7_hex() -> str:
    return uuid7().hex


def _decimal(value: Decimal) -> Any:
    return connection.ops.adapt_decimalfield_value(value, 20, 6)


def _write(
    result: ImportReport,
    new_cases: list[_Case],
    new_persons: list[tuple[str, dict[str, Any]]],
    new_seizures: list[tuple[str, str, dict[str, Any]]],
    existing: dict[str, _Known],
    owner: Unit,
    user: User | None,
    source: str,
) -> None:
    node = this_node()
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    # Django keeps uuids as 32 hex digits on SQLite, as uuid values elsewhere.
    new_uuid: Callable[[], Any] = _uuid7_hex if connection.vendor == "sqlite" else uuid7
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:  # room for the indexes of big tables
            cursor.execute("PRAGMA cache_size = -262144")
    record_columns = [
        "uuid", "origin", "origin_country", "version", "created_at", "updated_at",
        "owner_unit_id", "tlp", "handling", "handling_note",
    ]  # fmt: skip
    common = (node.id, node.country, 1, now, now, owner.id, "AMBER", "H0", "")
    total = len(new_cases) + len(new_persons) + len(new_seizures)
    cases: dict[str, tuple[int, dt.date, int]] = {
        ref: (k.id, k.detected_on, k.province_id) for ref, k in existing.items() if k.id
    }
    case_insert = _Inserter(DrugCase, [*record_columns, "case_ref", "detected_on", "province_id", "district", "commune", "summary", "status", "route", "transport_mode", "joint_case_ref"])  # fmt: skip
    person_insert = _Inserter(Person, [*record_columns, "case_id", "detected_on", "province_id", "person_ref", "full_name", "latin_name", "sex", "birth_date", "birth_precision", "birth_year", "birth_month", "birth_day", "nationality", "id_number", "phones", "photo", "role"])  # fmt: skip
    seizure_insert = _Inserter(Seizure, [*record_columns, "case_id", "detected_on", "province_id", "drug_id", "quantity", "unit", "natural_key"])  # fmt: skip
    with transaction.atomic(), progress("Importing", total) as bar:
        for chunk in _chunks(new_cases, BATCH):
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
                        "open",
                        "",
                        "",
                        c.joint_case_ref,
                    )  # fmt: skip
                    for c in chunk
                ]
            )
            refs = [c.case_ref for c in chunk]
            for sub in _chunks(refs):
                for ref, pk, day, province_id in DrugCase.objects.filter(
                    origin=node.id, case_ref__in=sub
                ).values_list("case_ref", "id", "detected_on", "province_id"):
                    cases[ref] = (pk, day, province_id)
            bar.advance(len(chunk))
        rows: list[tuple[Any, ...]]
        for chunk_p in _chunks(new_persons, BATCH):
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
                        "",
                        "",
                        p["role"],
                    )  # fmt: skip
                )
            person_insert.insert(rows)
            bar.advance(len(rows))
        for chunk_s in _chunks(new_seizures, BATCH):
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
                    )  # fmt: skip
                )
            seizure_insert.insert(rows)
            bar.advance(len(rows))
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size = -2000")
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
