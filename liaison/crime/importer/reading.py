"""Reading the files of an import: CSV (UTF-8, a byte-order mark allowed) or XLSX (the sheet
named like the kind, or else the first), each with a header row. Rows are numbered as a
spreadsheet shows them: the header is row 1."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from liaison.crime.importer.report import FileReport, Problem

KINDS = ("cases", "persons", "seizures")
#: The columns of each kind, in the interchange format's order (DESIGN.md section 3).
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

#: The data rows of a file: (row number, {column: value}).
Rows = list[tuple[int, dict[str, Any]]]


@dataclass(frozen=True)
class Limits:
    """How much one file may hold: data rows, columns, characters in a cell, and bytes of
    XML an XLSX workbook expands to (settings ``IMPORT_MAX_*``)."""

    rows: int
    columns: int
    cell_chars: int
    xml_bytes: int

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            rows=int(getattr(settings, "IMPORT_MAX_ROWS", 200_000)),
            columns=int(getattr(settings, "IMPORT_MAX_COLUMNS", 64)),
            cell_chars=int(getattr(settings, "IMPORT_MAX_CELL_CHARS", 10_000)),
            xml_bytes=int(getattr(settings, "IMPORT_MAX_XML_BYTES", 200 * 1024 * 1024)),
        )


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
        for values in reader:  # every CSV cell is a string
            yield reader.line_num, [v.strip() for v in values]
    except csv.Error as exc:
        problems.append(Problem(name, reader.line_num, "", f"malformed CSV: {exc}"))


def _expanded_size(data: bytes) -> int | None:
    """The bytes the workbook's parts expand to, as its zip directory declares them (a zip
    entry never yields more than its declared size); None when it is not a zip."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None


def _read_xlsx(
    name: str, data: bytes, kind: str, problems: list[Problem], limits: Limits
) -> Iterator[tuple[int, list[Any]]]:
    import openpyxl

    expanded = _expanded_size(data)
    if expanded is not None and expanded > limits.xml_bytes:
        mb = 1024 * 1024
        problems.append(
            Problem(
                name,
                0,
                "",
                f"the workbook expands to {expanded / mb:.0f} MB of XML; "
                f"the limit is {limits.xml_bytes / mb:.0f} MB",
            )
        )
        return
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # zipfile, XML and openpyxl errors alike
        problems.append(Problem(name, 0, "", f"not a readable XLSX workbook ({exc})"))
        return
    try:
        sheet = next((s for s in book.worksheets if s.title.strip().lower() == kind), None)
        sheet = sheet or book.worksheets[0]
        # Cells past one more than the column limit are never built: enough to tell that a
        # row has too many.
        rows = sheet.iter_rows(values_only=True, max_col=limits.columns + 1)
        for number, values in enumerate(rows, start=1):
            yield number, [_cell(v) for v in values]
    except Exception as exc:
        problems.append(Problem(name, 0, "", f"not a readable XLSX workbook ({exc})"))
    finally:
        book.close()


def _over_limits(name: str, number: int, values: list[Any], limits: Limits) -> Problem | None:
    """The first limit this row breaks, if any."""
    if number > limits.rows + 1:
        return Problem(name, number, "", f"more than {limits.rows} data rows (the limit)")
    while values and values[-1] in ("", None):
        values.pop()
    if len(values) > limits.columns:
        return Problem(name, number, "", f"more than {limits.columns} columns (the limit)")
    for i, v in enumerate(values):
        if isinstance(v, str) and len(v) > limits.cell_chars:
            return Problem(
                name,
                number,
                f"column {i + 1}",
                f"a cell of {len(v)} characters; the limit is {limits.cell_chars}",
            )
    return None


def read_rows(
    kind: str, name: str, data: bytes, problems: list[Problem], limits: Limits | None = None
) -> Rows:
    """The data rows of a file; problems are appended. A file past a limit of ``limits``
    gives one problem (file, row, reason) and no rows: reading stops there."""
    limits = limits or Limits.from_settings()
    is_xlsx = name.lower().endswith((".xlsx", ".xlsm")) or data[:2] == b"PK"
    source = (
        _read_xlsx(name, data, kind, problems, limits)
        if is_xlsx
        else _read_csv(name, data, problems)
    )
    header: list[str] | None = None
    rows: Rows = []
    for number, values in source:
        over = _over_limits(name, number, values, limits)
        if over is not None:
            problems.append(over)
            return []
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


def read_files(
    files: list[tuple[str, str, bytes]], problems: list[Problem], preview_rows: int
) -> tuple[list[FileReport], dict[str, list[tuple[FileReport, Rows]]]]:
    """Every file's report and rows, by kind: cases first, then persons, then seizures."""
    files = sorted(files, key=lambda f: KINDS.index(f[0]))
    reports: list[FileReport] = []
    parsed: dict[str, list[tuple[FileReport, Rows]]] = {k: [] for k in KINDS}
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
    return reports, parsed
