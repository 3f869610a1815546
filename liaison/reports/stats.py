"""The statistics behind ``liaison report`` and the statistics page.

Selection of provinces (docs/reports.md):

* ``--province CODE``: the code is resolved through the gazetteer on the last day of the
  period, or else on its first day (``VN:44`` over 2024–2026 is the post-merger Quảng Trị).
* ``--border-provinces``: this node's provinces facing a partner country that were valid at
  any time in the period: the country chosen with ``--partner``, or else every country the
  node works with (its peers; see ``liaison.core.countries.partner_countries``).
* No option: every province of this node's country.
* Across Viet Nam's 1 July 2025 merger, a unit selected by ``--province`` also counts the
  records filed under the provinces it was formed from (``VN:44`` counts ``VN-24`` and ``VN-25`` before the
  merger). A pre-merger province that continued unchanged (``VN-22`` → ``VN:40``) counts the
  continuing unit's records too. A pre-merger province merged with others (``VN-24``) counts
  only its own records: after the merger they are filed under the merged unit and cannot be
  split; the report says so in ``notes``. ``--border-provinces`` counts exactly the border
  units of both eras that were valid in the period (the pre-merger border provinces before
  1 July 2025, the new border units after), not the non-border provinces merged into them.

Persons and seizures are counted by their case's detection date and province. The figures
come from the tallies the services keep with the records (``crime.tallies``), so a report
reads a few thousand cells, not millions of records. Counts are exact; kg-equivalents use the chosen conversion table (quantities in plants or hectares are
listed but have no kg-equivalent).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from liaison.core.countries import partner_countries
from liaison.core.gazetteer import (
    GazetteerError,
    border_provinces,
    predecessors_of,
    provinces_of,
    resolve_province,
    successions,
)
from liaison.core.models import Province, Unit
from liaison.core.node import this_node
from liaison.crime import tallies
from liaison.crime.models import (
    ConversionFactor,
    ConversionTable,
    Drug,
    DrugCase,
    Hotspot,
    TallyKind,
    TraffickingRing,
)
from liaison.crime.tallies import MILLIONTHS
from liaison.crime.taxonomy import DEFAULT_TABLE, DRUGS, NOT_WEIGHED, UNITS
from liaison.crime.values import quantity_text

KG_PLACES = Decimal("0.001")


@dataclass
class Selection:
    start: dt.date
    end: dt.date
    selected: list[Province]
    counted: list[Province]
    notes: list[str] = field(default_factory=list)
    border: bool = False
    partners: list[str] = field(default_factory=list)
    everything: bool = False

    @property
    def counted_ids(self) -> list[int]:
        return [p.id for p in self.counted]


def resolve_codes(codes: list[str], start: dt.date, end: dt.date) -> list[Province]:
    """Province codes → provinces (on ``end``, else on ``start``); GazetteerError if neither."""
    found: list[Province] = []
    for code in codes:
        try:
            found.append(resolve_province(code, end))
        except GazetteerError:
            found.append(resolve_province(code, start))
    return found


def select(
    start: dt.date,
    end: dt.date,
    codes: list[str] | None = None,
    border: bool = False,
    country: str | None = None,
    partner: str | None = None,
) -> Selection:
    """The provinces to count. ``border`` keeps those facing ``partner`` (any country this
    node works with when not given)."""
    country = country or this_node().country
    partners = [partner.strip().upper()] if partner else partner_countries()

    def facing() -> list[Province]:
        found = {
            p.id: p for other in partners for p in border_provinces(country, other, start, end)
        }
        return list(found.values())

    if codes:
        selected = resolve_codes(codes, start, end)
    elif border:
        selected = facing()
    else:
        selected = provinces_of(country, start, end)
    if border and codes:
        allowed = {p.id for p in facing()}
        selected = [p for p in selected if p.id in allowed]
    selected = sorted({p.id: p for p in selected}.values(), key=lambda p: p.code)
    counted: dict[int, Province] = {p.id: p for p in selected}
    notes: list[str] = []
    ids = {p.id for p in selected}
    # The gazetteer's successions, read once per process (reference data).
    for predecessor, successor, effective in successions(selected):
        # --border-provinces already selects the border units of both eras; expanding a new
        # unit to all it was formed from would add non-border provinces (old Đà Nẵng city).
        if successor.id in ids and (codes or not border):
            counted[predecessor.id] = predecessor
        if predecessor.id in ids and successor.id not in ids:
            if len(predecessors_of(successor)) == 1:
                counted[successor.id] = successor
            elif end >= effective:
                notes.append(
                    f"{predecessor.code} ({predecessor.name}) became part of "
                    f"{successor.code} ({successor.name}) on "
                    f"{effective.isoformat()}; records from that date are filed under "
                    f"{successor.code} and are not counted for {predecessor.code}."
                )
    return Selection(
        start,
        end,
        selected,
        sorted(counted.values(), key=lambda p: p.code),
        notes,
        border=border,
        partners=partners if border else [],
        everything=not codes and not border,
    )


def factors(
    table_code: str,
) -> tuple[ConversionTable, dict[tuple[str | None, str], Decimal | None]]:
    table = ConversionTable.objects.filter(code=table_code).first()
    if table is None:
        known = ", ".join(ConversionTable.objects.values_list("code", flat=True))
        raise ValueError(f"unknown conversion table {table_code!r} (known: {known})")
    rows = ConversionFactor.objects.filter(table=table).values_list(
        "drug_id", "unit", "kg_per_unit"
    )
    found: dict[tuple[str | None, str], Decimal | None] = {
        (drug, unit): kg for drug, unit, kg in rows
    }
    return table, found


def kg_factor(
    table: dict[tuple[str | None, str], Decimal | None], drug: str, unit: str
) -> Decimal | None:
    if (drug, unit) in table:
        return table[drug, unit]
    return table.get((None, unit))


def compute(
    selection: Selection, table_code: str = DEFAULT_TABLE, unit_path: str | None = None
) -> dict[str, Any]:
    """Every figure of a report as a JSON-ready dict (the ``--format json`` output)."""
    start, end, ids = selection.start, selection.end, selection.counted_ids
    country = this_node().country
    table, table_factors = factors(table_code)

    units = None
    if unit_path:
        units = list(Unit.objects.filter(path__startswith=unit_path).values_list("id", flat=True))

    def summed(kind: str, by: tuple[str, ...], years: bool = True) -> list[tuple[Any, ...]]:
        return tallies.sums(kind, by, ids, start, end, units, years=years)

    cases = 0
    by_month: dict[str, int] = defaultdict(int)
    cases_by_province: dict[int, int] = defaultdict(int)
    for province_id, n, _q in summed(TallyKind.CASE, ("province_id",)):
        cases += n
        cases_by_province[province_id] += n
    # By month: month and day cells, no year cells.
    for day, n, _q in summed(TallyKind.CASE, ("start",), False):
        by_month[str(day)[:7]] += n

    defendants = 0
    foreign = 0
    foreign_by_nationality: dict[str, int] = defaultdict(int)
    defendants_by_province: dict[int, int] = defaultdict(int)
    for province_id, nationality, n, _q in summed(
        TallyKind.DEFENDANT, ("province_id", "nationality")
    ):
        defendants += n
        defendants_by_province[province_id] += n
        if nationality not in ("", country):
            foreign += n
            foreign_by_nationality[nationality] += n

    order = {code: i for i, (code, *_rest) in enumerate(DRUGS)}
    seizures = []
    total_kg = Decimal(0)
    for drug, unit, n, millionths in sorted(
        summed(TallyKind.SEIZURE, ("drug", "unit")),
        key=lambda r: (order.get(r[0], 99), r[0], r[1]),
    ):
        if not n or unit not in UNITS:
            continue
        quantity = (Decimal(millionths) / MILLIONTHS).quantize(Decimal("0.000001"))
        factor = kg_factor(table_factors, drug, unit)
        kg = None if factor is None else (quantity * factor).quantize(KG_PLACES)
        if kg is not None:
            total_kg += kg
        seizures.append(
            {
                "drug": drug,
                "unit": unit,
                "quantity": _number(quantity),
                "kg_equivalent": None if kg is None else float(kg),
                "seizures": n,
            }
        )

    scope_unit = {"owner_unit__path__startswith": unit_path} if unit_path else {}
    hotspots = Hotspot.objects.filter(
        province_id__in=ids, eradicated_on__gte=start, eradicated_on__lte=end, **scope_unit
    ).count()
    rings = TraffickingRing.objects.filter(
        province_id__in=ids, dismantled_on__gte=start, dismantled_on__lte=end, **scope_unit
    ).count()
    # A partial index holds just the cases with a joint-case reference.
    # Few cases are joint ones: read them all through the partial index (its condition is
    # written out, not bound, so SQLite can match it) and filter them here.
    joint_rows = DrugCase.objects.extra(
        where=['"crime_drugcase"."joint_case_ref" > \'\'']
    ).order_by()  # noqa: S610
    if unit_path:
        joint_rows = joint_rows.filter(owner_unit__path__startswith=unit_path)
    wanted = set(ids)
    joint = len(
        {
            ref
            for ref, province_id, day in joint_rows.values_list(
                "joint_case_ref", "province_id", "detected_on"
            )
            if province_id in wanted and start <= day <= end
        }
    )
    names = {p.id: p for p in selection.counted}
    months = _months(start, end)
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "country": country,
        "border_provinces": selection.border,
        "all_provinces": selection.everything,
        "partner": selection.partners[0] if len(selection.partners) == 1 else None,
        "partners": selection.partners,
        "provinces": [p.code for p in selection.selected],
        "provinces_counted": [p.code for p in selection.counted],
        "province_count": sum(1 for p in selection.selected if p.valid_on(end)),
        "cases": cases,
        "defendants": defendants,
        "foreign_defendants": foreign,
        "foreign_defendants_by_nationality": dict(sorted(foreign_by_nationality.items())),
        "seizures": seizures,
        "kg_equivalent_total": float(total_kg),
        "conversion_table": table.code,
        "conversion_note": NOT_WEIGHED,
        "hotspots_eradicated": hotspots,
        "rings_dismantled": rings,
        "joint_cases": joint,
        "by_month": [{"month": m, "cases": by_month.get(m, 0)} for m in months],
        "by_province": [
            {
                "province": names[pid].code if pid in names else str(pid),
                "name": names[pid].name if pid in names else "",
                "cases": cases_by_province.get(pid, 0),
                "defendants": defendants_by_province.get(pid, 0),
            }
            for pid in ids
            if cases_by_province.get(pid) or defendants_by_province.get(pid)
        ],
        "notes": selection.notes,
    }


def _number(value: Decimal) -> int | float:
    text = quantity_text(value)
    return int(text) if "." not in text else float(text)


def _months(start: dt.date, end: dt.date) -> list[str]:
    out = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def drug_names(language: str) -> dict[str, str]:
    return {d.code: d.name(language) for d in Drug.objects.all()}
