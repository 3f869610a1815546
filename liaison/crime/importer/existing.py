"""What this node already holds of an import: the cases its rows name, and the persons and
seizures of those cases. Read in chunks, to stay under SQLite's limit of bound parameters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from liaison.crime.models import DrugCase

CHUNK = 900  # stay under the SQLite limit of bound parameters


@dataclass
class KnownCase:
    """A case the rows may refer to: (id or None if new, detected_on, province id, owner path)."""

    id: int | None
    detected_on: dt.date
    province_id: int
    owner_path: str


def chunks(items: list[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def existing_cases(origin: str, refs: Iterable[str]) -> dict[str, KnownCase]:
    found: dict[str, KnownCase] = {}
    for chunk in chunks(sorted(set(refs))):
        cases = DrugCase.objects.filter(origin=origin, case_ref__in=chunk)
        for ref, pk, day, province_id, path in cases.values_list(
            "case_ref", "id", "detected_on", "province_id", "owner_unit__path"
        ):
            found[ref] = KnownCase(pk, day, province_id, path)
    return found


def existing_of_cases(model: type[Any], column: str, refs: dict[int, str]) -> set[tuple[str, str]]:
    """(case_ref, ``column``) of the persons or seizures of these cases (``refs``: id → case_ref)."""
    found: set[tuple[str, str]] = set()
    for chunk in chunks(sorted(refs)):
        records = model.objects.filter(case_id__in=chunk)
        for case_id, value in records.values_list("case_id", column):
            found.add((refs[case_id], value))
    return found
