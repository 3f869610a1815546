"""Resolving province codes (ISO 3166-2, statistics codes) on a date, successors, labels."""

from __future__ import annotations

import datetime as dt
import re
import threading
from dataclasses import dataclass

from django.utils.translation import gettext as _

from liaison.core.gazetteer.common import GazetteerError, _facts, _fmt_date
from liaison.core.models import (
    BorderGate,
    Province,
    ProvinceSuccession,
)


@dataclass
class _Index:
    by_code: dict[str, Province]
    by_stats: dict[tuple[str, str], list[Province]]
    successors: dict[int, list[tuple[dt.date, Province]]]
    predecessors: dict[int, list[tuple[dt.date, Province]]]
    #: Province id → the countries of the partner provinces it faces.
    facing: dict[int, set[str]]


_index: _Index | None = None
_index_lock = threading.Lock()

_STATS_CODE = re.compile(r"^([A-Z]{2})\s*:\s*(\d{1,3})$")


def clear_cache() -> None:
    """Forget the lookup tables (after loading the gazetteer, and between tests)."""
    global _index
    with _index_lock:
        _index = None


def _get_index() -> _Index:
    global _index
    index = _index
    if index is not None:
        return index
    with _index_lock:
        if _index is None:
            provinces = list(Province.objects.select_related("country"))
            by_id = {p.id: p for p in provinces}
            by_stats: dict[tuple[str, str], list[Province]] = {}
            for p in provinces:
                if p.stats_code:
                    by_stats.setdefault((p.country.code, p.stats_code), []).append(p)
            for units in by_stats.values():
                units.sort(key=lambda p: p.valid_from or dt.date.min)
            successors: dict[int, list[tuple[dt.date, Province]]] = {}
            predecessors: dict[int, list[tuple[dt.date, Province]]] = {}
            for pre_id, succ_id, effective in ProvinceSuccession.objects.values_list(
                "predecessor_id", "successor_id", "effective"
            ):
                successors.setdefault(pre_id, []).append((effective, by_id[succ_id]))
                predecessors.setdefault(succ_id, []).append((effective, by_id[pre_id]))
            facing: dict[int, set[str]] = {}
            faces = Province.faces.through.objects.values_list("from_province_id", "to_province_id")
            for one, other in faces:
                facing.setdefault(one, set()).add(by_id[other].country.code)
            _index = _Index(
                by_code={p.code.upper(): p for p in provinces},
                by_stats=by_stats,
                successors=successors,
                predecessors=predecessors,
                facing=facing,
            )
        return _index


def _merged_error(given: str, p: Province, on: dt.date) -> GazetteerError:
    nexts = [s for effective, s in _get_index().successors.get(p.id, []) if effective <= on]
    if len(nexts) == 1:
        succ = nexts[0]
        effective = next(e for e, s in _get_index().successors[p.id] if s is succ)
        return GazetteerError(
            _(
                "%(code)s (%(name)s) was merged into %(new_name)s (%(new_code)s) on %(date)s; "
                "use %(new_code)s for records from that date"
            )
            % {
                "code": given,
                "name": p.name,
                "new_name": succ.name,
                "new_code": succ.code,
                "date": _fmt_date(effective),
            }
        )
    return GazetteerError(
        _("%(code)s (%(name)s) is valid only until %(date)s")
        % {
            "code": given,
            "name": p.name,
            "date": _fmt_date(p.valid_to or on),
        }
    )


def _not_yet_error(given: str, p: Province) -> GazetteerError:
    return GazetteerError(
        _("%(code)s (%(name)s) exists only from %(date)s; use the earlier province's code")
        % {"code": given, "name": p.name, "date": _fmt_date(p.valid_from or dt.date.min)}
    )


def _unknown(code: str) -> GazetteerError:
    return GazetteerError(_('unknown province code "%(code)s"') % {"code": code})


def resolve_province(code: str, on: dt.date | None = None) -> Province:
    """The province a code names on a date.

    ``code`` is ISO 3166-2 (``VN-22``, ``la-xi``) or ``<country>:<statistics code>``
    (``VN:40``). A statistics code picks the unit carrying it on ``on`` (today when no date
    is given). An ISO code names one unit; for a date after that unit ended it is accepted
    only when the unit continued unchanged (same statistics code and name), and then the
    continuing unit is returned. Anything else raises :class:`GazetteerError` saying why.
    """
    given = (code or "").strip().upper()
    if isinstance(on, dt.datetime):  # a timestamp would not compare with the validity dates
        on = on.date()
    index = _get_index()
    stats = _STATS_CODE.match(given)
    if stats:
        country, number = stats.group(1), stats.group(2).zfill(2)
        given = f"{country}:{number}"
        units = index.by_stats.get((country, number))
        if not units:
            raise _unknown(given)
        day = on or dt.date.today()
        for unit in units:
            if unit.valid_on(day):
                return unit
        ended = [u for u in units if u.valid_to and u.valid_to < day]
        if ended:
            raise _merged_error(given, ended[-1], day)
        raise _not_yet_error(given, units[0])

    p = index.by_code.get(given)
    if p is None or not given:
        raise _unknown(given)
    if on is None or p.valid_on(on):
        return p
    if p.valid_from and on < p.valid_from:
        raise _not_yet_error(given, p)
    nexts = [s for effective, s in index.successors.get(p.id, []) if effective <= on]
    if (
        len(nexts) == 1
        and nexts[0].stats_code == p.stats_code
        and nexts[0].name == p.name
        and nexts[0].valid_on(on)
    ):
        return nexts[0]
    raise _merged_error(given, p, on)


def successor_of(p: Province, on: dt.date) -> Province:
    """The unit that ``p``'s territory belonged to on ``on`` (``p`` itself while valid)."""
    if isinstance(on, dt.datetime):
        on = on.date()
    index = _get_index()
    current = index.by_code.get(p.code.upper(), p)
    for _step in range(10):  # successions form a short chain; the bound guards bad data
        if current.valid_on(on):
            return current
        if current.valid_from and on < current.valid_from:
            raise _not_yet_error(current.code, current)
        nexts = [s for effective, s in index.successors.get(current.id, []) if effective <= on]
        if len(nexts) != 1:
            raise _merged_error(current.code, current, on)
        current = nexts[0]
    raise GazetteerError(_("%(code)s: succession chain too long") % {"code": p.code})


def provinces_of(country: str, start: dt.date, end: dt.date) -> list[Province]:
    """Provinces of ``country`` valid at any time in [start, end], by code."""
    country = country.upper()
    return sorted(
        (
            p
            for p in _get_index().by_code.values()
            if p.country.code == country
            and (p.valid_from is None or p.valid_from <= end)
            and (p.valid_to is None or p.valid_to >= start)
        ),
        key=lambda p: p.code,
    )


def border_provinces(country: str, partner: str, start: dt.date, end: dt.date) -> list[Province]:
    """Provinces of ``country`` facing ``partner`` valid at any time in [start, end].

    A period straddling 1 July 2025 returns both the pre-merger provinces and the new units.
    """
    facing = _get_index().facing
    partner = partner.upper()
    return [
        p
        for p in provinces_of(country, start, end)
        if p.is_border and partner in facing.get(p.id, ())
    ]


def successions(provinces: list[Province]) -> list[tuple[Province, Province, dt.date]]:
    """(predecessor, successor, effective) of every succession into or out of
    ``provinces``."""
    index = _get_index()
    found: dict[tuple[int, int], tuple[Province, Province, dt.date]] = {}
    for p in provinces:
        for effective, successor in index.successors.get(p.id, []):
            found[p.id, successor.id] = (index.by_code[p.code.upper()], successor, effective)
        for effective, predecessor in index.predecessors.get(p.id, []):
            found[predecessor.id, p.id] = (predecessor, index.by_code[p.code.upper()], effective)
    return sorted(found.values(), key=lambda link: (link[0].code, link[1].code))


def predecessors_of(province: Province) -> list[Province]:
    """The provinces ``province`` was formed from."""
    return [p for _effective, p in _get_index().predecessors.get(province.id, [])]


def province_label(p: Province, language: str | None = None) -> str:
    """ "Nghệ An (VN-22, until 2025-06-30)"; a name in another script gets its rendering
    beside it: "ຫົວພັນ – Houaphanh (LA-HO)"."""
    local = p.localised_name(language)
    names = p.name if local == p.name else f"{p.name} – {local}"
    if p.valid_to:
        era = _("until %(date)s") % {"date": p.valid_to.isoformat()}
        return f"{names} ({p.code}, {era})"
    if p.valid_from:
        era = _("from %(date)s") % {"date": p.valid_from.isoformat()}
        return f"{names} ({p.code}, {era})"
    return f"{names} ({p.code})"


@dataclass(frozen=True)
class DualFunctionStation:
    """A border-guard station that is also a drug control point, at its gate; ``commune_centre``
    says that the gate's position is the centre of its commune rather than a surveyed point."""

    gate: BorderGate
    commune_centre: bool


def dual_function_stations() -> list[DualFunctionStation]:
    """The dual-function stations the gazetteer data lists (border_facts.json), each at its
    gate's position."""
    facts = _facts()
    names = (facts.get("dual_function_stations") or {}).get("gates", [])
    from_commune = {g["local_name"] for g in facts.get("vn_gates", []) if g.get("position")}
    gates = BorderGate.objects.filter(local_name__in=names).select_related(
        "province", "partner_province"
    )
    return [DualFunctionStation(g, g.local_name in from_commune) for g in gates]
