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

``reading`` turns CSV and XLSX files into rows, ``checking`` turns rows into new records (or
problems), ``existing`` says what this node already holds, ``writing`` is the transaction,
``report`` what an import tells its user.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from liaison.core.models import Unit, User
from liaison.core.node import this_node
from liaison.crime.importer.checking import check
from liaison.crime.importer.reading import COLUMNS, KINDS, read_files
from liaison.crime.importer.report import FileReport, ImportFailed, ImportReport, Problem
from liaison.crime.importer.writing import write
from liaison.crime.services import ministry_unit

__all__ = [
    "COLUMNS",
    "KINDS",
    "FileReport",
    "ImportFailed",
    "ImportReport",
    "Problem",
    "run_import",
]


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
    reports, parsed = read_files(files, problems, preview_rows)
    checked = check(parsed, problems, origin=origin, owner=owner, today=today)
    result = ImportReport(reports, problems)
    if problems:
        raise ImportFailed(result)
    if save:
        write(result, checked, owner, user, source)
        result.saved = True
    return result
