"""Checking the rows of an import, every row of every file before anything is written, and
sorting them into new rows and rows this node already holds (an import is idempotent).

A case whose ``case_ref`` this node already holds is present; a person is present when its
case already has that ``person_ref``; a seizure's key is its case, drug, unit, quantity and
the occurrence of that same combination in the file. A person or seizure row may name a case
from this node or from the cases file of the same import."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from liaison.core.gazetteer import GazetteerError, resolve_province
from liaison.core.models import Province, Unit
from liaison.crime.importer.existing import KnownCase, existing_cases, existing_of_cases
from liaison.crime.importer.reading import COLUMNS, Rows
from liaison.crime.importer.report import FileReport, Problem
from liaison.crime.models import Person, Seizure
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

Parsers = dict[str, Callable[[Any], Any]]
Files = list[tuple[FileReport, Rows]]


@dataclass
class CaseRow:
    row: int
    case_ref: str
    detected_on: dt.date
    province: Province
    district: str
    commune: str
    summary: str
    joint_case_ref: str


@dataclass
class Checked:
    """The new rows of an import, ready to write, and the cases they may name."""

    cases: list[CaseRow]
    persons: list[tuple[str, dict[str, Any]]]  # (case_ref, values)
    seizures: list[tuple[str, str, dict[str, Any]]]  # (case_ref, natural key, values)
    existing: dict[str, KnownCase]


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
    parsers: Parsers,
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
                    raise ValueError(_("longer than %(n)s characters") % {"n": limit})
                clean[column] = text
        except (ValueError, GazetteerError) as exc:
            problems.append(Problem(name, number, column, str(exc)))
            bad = True
    return None if bad else clean


def check(
    parsed: dict[str, Files],
    problems: list[Problem],
    *,
    origin: str,
    owner: Unit,
    today: dt.date,
) -> Checked:
    """Check cases, then persons, then seizures; problems are appended, counts go to the
    file reports."""
    checker = _Checker(problems, owner, today)
    case_files = checker.cases(parsed["cases"])
    refs = set(checker.in_files)
    for kind in ("persons", "seizures"):
        for _report, rows in parsed[kind]:
            refs.update(_text(r, "case_ref") for _n, r in rows)
    checker.existing = existing_cases(origin, refs - {""})
    new_cases = []
    for report, checked in case_files:
        for case in checked:
            if case.case_ref in checker.existing:
                report.present += 1
            else:
                report.new += 1
                new_cases.append(case)
    new_persons = checker.persons(parsed["persons"])
    new_seizures = checker.seizures(parsed["seizures"])
    return Checked(new_cases, new_persons, new_seizures, checker.existing)


class _Checker:
    """One import's checking: the cases its files hold, and the ones this node holds."""

    def __init__(self, problems: list[Problem], owner: Unit, today: dt.date) -> None:
        self.problems = problems
        self.owner = owner
        self.today = today
        self.provinces = _Provinces()
        #: the cases of the cases files, the ones with problems too (so that their persons
        #: and seizures are not also reported as naming an unknown case)
        self.in_files: dict[str, KnownCase] = {}
        self.existing: dict[str, KnownCase] = {}

    def _unchecked(self) -> KnownCase:
        return KnownCase(None, self.today, 0, self.owner.path)

    def cases(self, files: Files) -> list[tuple[FileReport, list[CaseRow]]]:
        problems = self.problems
        parsers: Parsers = {"detected_on": lambda v: parse_date(v, today=self.today)}
        case_files: list[tuple[FileReport, list[CaseRow]]] = []
        for report, rows in files:
            checked: list[CaseRow] = []
            seen: dict[str, int] = {}
            for number, row in rows:
                ref = _text(row, "case_ref")
                if ref and ref in seen:
                    reason = _("%(ref)s repeats row %(row)s") % {"ref": repr(ref), "row": seen[ref]}
                    problems.append(Problem(report.name, number, "case_ref", reason))
                    continue
                if ref:
                    seen[ref] = number
                clean = _check(report.name, number, row, "cases", problems, parsers)
                if clean is None:
                    if ref:
                        self.in_files.setdefault(ref, self._unchecked())
                    self._check_province_code(report.name, number, _text(row, "province"))
                    continue
                try:
                    province = self.provinces.resolve(clean.pop("province"), clean["detected_on"])
                except GazetteerError as exc:
                    problems.append(Problem(report.name, number, "province", str(exc)))
                    self.in_files.setdefault(ref, self._unchecked())
                    continue
                case = CaseRow(number, province=province, **clean)
                checked.append(case)
                self.in_files[ref] = KnownCase(None, case.detected_on, province.id, self.owner.path)
            case_files.append((report, checked))
        return case_files

    def _check_province_code(self, name: str, number: int, code: str) -> None:
        """Without a valid date, at least say whether the province code exists."""
        recent = [p.field for p in self.problems[-3:] if p.row == number]
        if code and "detected_on" in recent:
            try:
                resolve_province(code, None)
            except GazetteerError as exc:
                self.problems.append(Problem(name, number, "province", str(exc)))

    def _known_case(self, name: str, number: int, ref: str) -> KnownCase | None:
        if not ref:
            return None
        known = self.existing.get(ref) or self.in_files.get(ref)
        if known is None:
            reason = _("case %(ref)s is neither on this node nor in the cases file") % {
                "ref": repr(ref)
            }
            self.problems.append(Problem(name, number, "case_ref", reason))
        elif known.id is not None and not known.owner_path.startswith(self.owner.path):
            reason = _("case %(ref)s belongs to a unit outside %(unit)s") % {
                "ref": repr(ref),
                "unit": self.owner.name,
            }
            self.problems.append(Problem(name, number, "case_ref", reason))
            return None
        return known

    def _ids_of_existing(self) -> dict[int, str]:
        return {k.id: ref for ref, k in self.existing.items() if k.id is not None}

    def persons(self, files: Files) -> list[tuple[str, dict[str, Any]]]:
        parsers: Parsers = {
            "sex": parse_sex,
            "birth_date": lambda v: parse_partial_date(v, today=self.today),
            "nationality": parse_nationality,
            "role": parse_role,
        }
        person_files: list[tuple[FileReport, list[tuple[str, dict[str, Any]]]]] = []
        for report, rows in files:
            checked: list[tuple[str, dict[str, Any]]] = []
            seen: dict[tuple[str, str], int] = {}
            for number, row in rows:
                key = (_text(row, "case_ref"), _text(row, "person_ref"))
                if all(key) and key in seen:
                    reason = _("%(person)s of case %(ref)s repeats row %(row)s") % {
                        "person": repr(key[1]),
                        "ref": repr(key[0]),
                        "row": seen[key],
                    }
                    self.problems.append(Problem(report.name, number, "person_ref", reason))
                    continue
                seen[key] = number
                clean = _check(report.name, number, row, "persons", self.problems, parsers)
                known = self._known_case(report.name, number, key[0])
                if clean is not None and known is not None:
                    checked.append((key[0], clean))
            person_files.append((report, checked))
        present: set[tuple[str, str]] = set()
        if files:  # cases already on this node may have persons already
            present = existing_of_cases(Person, "person_ref", self._ids_of_existing())
        new: list[tuple[str, dict[str, Any]]] = []
        for report, checked in person_files:
            for ref, clean in checked:
                if (ref, clean["person_ref"]) in present:
                    report.present += 1
                else:
                    report.new += 1
                    new.append((ref, clean))
        return new

    def seizures(self, files: Files) -> list[tuple[str, str, dict[str, Any]]]:
        parsers: Parsers = {"drug": parse_drug, "quantity": parse_quantity, "unit": parse_unit}
        present: set[tuple[str, str]] = set()
        if files:
            present = existing_of_cases(Seizure, "natural_key", self._ids_of_existing())
        new: list[tuple[str, str, dict[str, Any]]] = []
        for report, rows in files:
            occurrences: Counter[tuple[str, str]] = Counter()
            for number, row in rows:
                clean = _check(report.name, number, row, "seizures", self.problems, parsers)
                ref = _text(row, "case_ref")
                known = self._known_case(report.name, number, ref)
                if clean is None or known is None:
                    continue
                drug, unit, quantity = clean["drug"], clean["unit"], clean["quantity"]
                base = seizure_key(drug, unit, quantity, 0)[:-2]
                occurrences[ref, base] += 1
                key = seizure_key(drug, unit, quantity, occurrences[ref, base])
                if (ref, key) in present:
                    report.present += 1
                else:
                    report.new += 1
                    new.append((ref, key, clean))
        return new
