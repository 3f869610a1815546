"""Gazetteer loading and province resolution.

Sources: ``pycountry`` (ISO 3166-1/-2 codes and their Vietnamese/Lao translations),
``vietnamadminunits`` (Viet Nam's 63 pre-merger and 34 post-merger units, districts, wards,
centre points and the 2025 conversion table) and ``data/border_facts.json`` (the border table,
Lao-side names and gates from the project's reference facts, which no package ships).

Code scheme:

* pre-2025 Vietnamese provinces and all other countries' provinces: ISO 3166-2 (``VN-22``);
* Vietnamese units formed on 1 July 2025: ``VN:<statistics code>`` (``VN:44``);
* districts ``VN-D-<code>``, pre-2025 communes ``VN-W-<code>``, post-2025 ``VN-W2025-<code>``
  (the statistics office reuses ward codes across the reform, hence the era prefix).
"""

from __future__ import annotations

import datetime as dt
import gettext as gettext_module
import json
import re
import sqlite3
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pycountry
from django.db import models, transaction
from django.db.models import Q
from django.utils import dateformat
from django.utils.translation import gettext as _

from liaison.core.models import (
    BorderGate,
    Commune,
    Country,
    District,
    Province,
    ProvinceSuccession,
)

__all__ = [
    "MERGER_DATE",
    "GazetteerError",
    "border_provinces",
    "clear_cache",
    "load_gazetteer",
    "province_label",
    "resolve_province",
    "successor_of",
]

MERGER_DATE = dt.date(2025, 7, 1)
LAST_PRE_MERGER_DAY = MERGER_DATE - dt.timedelta(days=1)

DATA_DIR = Path(__file__).resolve().parent / "data"

# Countries the project peers with or borders; each gets a Country row whatever is loaded.
NEIGHBOURS = ("VN", "LA", "KH", "TH", "CN", "MM", "RU")
# Language of each country's own name (Country.name keeps the original script).
OWN_LANGUAGE = {
    "VN": "vi",
    "LA": "lo",
    "KH": "km",
    "TH": "th",
    "CN": "zh_CN",
    "MM": "my",
    "RU": "ru",
}

_DISTRICT_TYPE_EN = {"Huyện": "District", "Quận": "Urban District", "Thị xã": "Town"}
_WARD_TYPE_EN = {
    "Xã": "Commune",
    "Phường": "Ward",
    "Thị trấn": "Township",
    "Đặc khu": "Special Zone",
}


class GazetteerError(ValueError):
    """A place code that is unknown or not valid on the date it is used for."""


# ----------------------------------------------------------------------------- helpers


def fold_vietnamese(text: str) -> str:
    """Vietnamese without tone marks and with đ→d ("Nghệ An" → "Nghe An")."""
    text = text.replace("Đ", "D").replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if not unicodedata.combining(c))
    )


def _name_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold_vietnamese(text).lower())


@lru_cache(maxsize=32)
def _translator(domain: str, language: str) -> gettext_module.NullTranslations:
    return gettext_module.translation(
        domain, pycountry.LOCALES_DIR, languages=[language], fallback=True
    )


def _translate(domain: str, language: str, *candidates: str | None) -> str:
    """First candidate pycountry actually translates (an untranslated string comes back as is)."""
    translator = _translator(domain, language)
    names = [c for c in candidates if c]
    for name in names:
        translated = translator.gettext(name)
        if translated != name:
            return translated
    return names[0] if names else ""


@lru_cache(maxsize=1)
def _facts() -> dict[str, Any]:
    with open(DATA_DIR / "border_facts.json", encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def _vn_dataset() -> Path:
    import vietnamadminunits

    return Path(vietnamadminunits.__file__).resolve().parent / "data"


def _fmt_date(day: dt.date) -> str:
    return dateformat.format(day, "j F Y")


# ----------------------------------------------------------------------------- loading


@dataclass
class _Plan:
    """Rows to make, keyed by their natural key, before they touch the database."""

    countries: dict[str, dict[str, Any]] = field(default_factory=dict)
    provinces: dict[str, dict[str, Any]] = field(default_factory=dict)
    province_country: dict[str, str] = field(default_factory=dict)
    districts: dict[str, dict[str, Any]] = field(default_factory=dict)
    district_province: dict[str, str] = field(default_factory=dict)
    communes: dict[str, dict[str, Any]] = field(default_factory=dict)
    commune_parents: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    successions: list[tuple[str, str]] = field(default_factory=list)
    faces: set[tuple[str, str]] = field(default_factory=set)
    gates: dict[str, dict[str, Any]] = field(default_factory=dict)
    gate_provinces: dict[str, tuple[str, str]] = field(default_factory=dict)


def _plan_countries(plan: _Plan, codes: Iterable[str]) -> None:
    for code in codes:
        country = pycountry.countries.get(alpha_2=code)
        if country is None:
            raise GazetteerError(_("unknown country code %(code)s") % {"code": code})
        common = getattr(country, "common_name", None)
        name_en = common or country.name
        own = OWN_LANGUAGE.get(code)
        plan.countries[code] = {
            "name": _translate("iso3166-1", own, common, country.name) if own else name_en,
            "name_en": name_en,
            "name_vi": _translate("iso3166-1", "vi", common, country.name),
            "name_lo": _translate("iso3166-1", "lo", common, country.name),
        }


def _plan_iso_country(plan: _Plan, country: str) -> None:
    """Any country without a richer source: its ISO 3166-2 top-level units from pycountry."""
    overrides: Mapping[str, Mapping[str, Any]] = _facts()["la_provinces"] if country == "LA" else {}
    subdivisions = pycountry.subdivisions.get(country_code=country) or []
    for sub in subdivisions:
        if sub.parent_code:
            continue
        extra = overrides.get(sub.code, {})
        name_lo = extra.get("name_lo") or _translate("iso3166-2", "lo", sub.name)
        own = OWN_LANGUAGE.get(country)
        plan.provinces[sub.code] = {
            "name": name_lo if country == "LA" else _translate("iso3166-2", own or "en", sub.name),
            "name_en": extra.get("name_en") or sub.name,
            "name_vi": extra.get("name_vi") or _translate("iso3166-2", "vi", sub.name),
            "name_lo": name_lo,
            "stats_code": "",
            "valid_from": None,
            "valid_to": None,
            "is_border": False,
            "latitude": extra.get("latitude"),
            "longitude": extra.get("longitude"),
        }
        plan.province_country[sub.code] = country


def _plan_vietnam(plan: _Plan) -> None:
    data_dir = _vn_dataset()
    conn = sqlite3.connect(f"file:{data_dir / 'dataset.db'}?mode=ro", uri=True)
    try:
        legacy = conn.execute(
            "SELECT provinceCode, provinceShort, provinceKey, provinceLat, provinceLon,"
            " districtCode, district, districtShort, districtType,"
            " wardCode, ward, wardShort, wardType FROM admin_units_legacy"
        ).fetchall()
        current = conn.execute(
            "SELECT provinceCode, provinceShort, provinceKey, provinceLat, provinceLon,"
            " wardCode, ward, wardShort, wardType FROM admin_units"
        ).fetchall()
    finally:
        conn.close()
    with open(data_dir / "converter_2025.json", encoding="utf-8") as fh:
        new_to_old_keys: dict[str, list[str]] = json.load(fh)["DICT_PROVINCE"]

    # ISO 3166-2 codes are matched to statistics codes by name: pycountry has no stats codes
    # and the package no ISO codes. Exact folded names first, then a suffix match
    # ("Thừa Thiên-Huế" ↔ "Huế"); every unit must match exactly once.
    iso_by_key: dict[str, str] = {}
    iso_name: dict[str, str] = {}
    for sub in pycountry.subdivisions.get(country_code="VN") or []:
        iso_by_key[_name_key(sub.name)] = sub.code
        iso_name[sub.code] = sub.name

    old: dict[str, dict[str, Any]] = {}  # stats code → facts
    old_key_to_code: dict[str, str] = {}
    for row in legacy:
        pcode, pname, pkey, plat, plon = row[:5]
        if pcode not in old:
            old[pcode] = {"name": pname, "lat": plat, "lon": plon}
            old_key_to_code[pkey] = pcode
    unmatched = set(iso_by_key)
    iso_of: dict[str, str] = {}
    for pcode, info in sorted(old.items()):
        key = _name_key(info["name"])
        if key in iso_by_key:
            iso_of[pcode] = iso_by_key[key]
            unmatched.discard(key)
    for pcode, info in sorted(old.items()):
        if pcode in iso_of:
            continue
        key = _name_key(info["name"])
        hits = [k for k in unmatched if k.endswith(key) or key.endswith(k)]
        if len(hits) != 1:
            raise RuntimeError(f"cannot match {info['name']} to an ISO 3166-2 code: {hits}")
        iso_of[pcode] = iso_by_key[hits[0]]
        unmatched.discard(hits[0])
    if len(iso_of) != 63 or len(set(iso_of.values())) != 63:
        raise RuntimeError("Viet Nam's 63 pre-2025 provinces do not match ISO 3166-2")

    lao_of_name: dict[str, str] = {}
    for pcode, info in old.items():
        iso = iso_of[pcode]
        name_lo = _translate("iso3166-2", "lo", iso_name[iso])
        lao_of_name[info["name"]] = name_lo
        plan.provinces[iso] = {
            "name": info["name"],
            "name_en": fold_vietnamese(info["name"]),
            "name_vi": info["name"],
            "name_lo": name_lo,
            "stats_code": pcode,
            "valid_from": None,
            "valid_to": LAST_PRE_MERGER_DAY,
            "is_border": False,
            "latitude": info["lat"],
            "longitude": info["lon"],
        }
        plan.province_country[iso] = "VN"

    new_key_to_code: dict[str, str] = {}
    for row in current:
        pcode, pname, pkey, plat, plon = row[:5]
        code = f"VN:{pcode}"
        if code in plan.provinces:
            continue
        new_key_to_code[pkey] = code
        plan.provinces[code] = {
            "name": pname,
            "name_en": fold_vietnamese(pname),
            "name_vi": pname,
            # Each new unit carries the name of one predecessor, whose Lao name it keeps.
            "name_lo": lao_of_name.get(pname, ""),
            "stats_code": pcode,
            "valid_from": MERGER_DATE,
            "valid_to": None,
            "is_border": False,
            "latitude": plat,
            "longitude": plon,
        }
        plan.province_country[code] = "VN"
    if len(new_key_to_code) != 34:
        raise RuntimeError("expected 34 Vietnamese units from 1 July 2025")

    for new_key, old_keys in new_to_old_keys.items():
        for old_key in old_keys:
            plan.successions.append((iso_of[old_key_to_code[old_key]], new_key_to_code[new_key]))
    if len({pre for pre, _succ in plan.successions}) != 63:
        raise RuntimeError("the 2025 conversion table does not cover all 63 provinces")

    for row in legacy:
        pcode = row[0]
        dcode, dname, _dshort, dtype, wcode, wname, _wshort, wtype = row[5:]
        district_code = f"VN-D-{dcode}"
        if district_code not in plan.districts:
            plan.districts[district_code] = {
                "name": dname,
                "name_en": _english(dname, dtype, _DISTRICT_TYPE_EN),
                "name_vi": dname,
                "name_lo": "",
            }
            plan.district_province[district_code] = iso_of[pcode]
        if wcode:  # island districts have no wards
            commune_code = f"VN-W-{wcode}"
            plan.communes[commune_code] = {
                "name": wname,
                "name_en": _english(wname, wtype, _WARD_TYPE_EN),
                "name_vi": wname,
                "name_lo": "",
            }
            plan.commune_parents[commune_code] = (iso_of[pcode], district_code)
    for row in current:
        pcode = row[0]
        wcode, wname, _wshort, wtype = row[5:]
        commune_code = f"VN-W2025-{wcode}"
        plan.communes[commune_code] = {
            "name": wname,
            "name_en": _english(wname, wtype, _WARD_TYPE_EN),
            "name_vi": wname,
            "name_lo": "",
        }
        plan.commune_parents[commune_code] = (f"VN:{pcode}", None)


def _english(full_name: str, kind: str | None, kinds: Mapping[str, str]) -> str:
    """ "Huyện Kỳ Sơn" → "Ky Son District"; unknown kinds keep the folded Vietnamese."""
    if kind and kind in kinds and full_name.startswith(kind + " "):
        return f"{fold_vietnamese(full_name[len(kind) + 1 :])} {kinds[kind]}"
    if kind == "Thành phố" and full_name.startswith(kind + " "):
        return f"{fold_vietnamese(full_name[len(kind) + 1 :])} City"
    return fold_vietnamese(full_name)


def _plan_vn_la_border(plan: _Plan) -> None:
    facts = _facts()
    successor_of_code = dict(plan.successions)
    expected = facts["vn_successors_expected"]
    for entry in facts["vn_la_border"]:
        vn = entry["vn"]
        if plan.provinces[vn]["stats_code"] != entry["stats_code"]:
            raise RuntimeError(f"{vn}: statistics code differs from border-facts")
        new = successor_of_code[vn]
        if new != f"VN:{expected[vn]}":
            raise RuntimeError(f"{vn}: package maps it to {new}, border-facts to {expected[vn]}")
        for unit in (vn, new):
            plan.provinces[unit]["is_border"] = True
            for la in entry["faces"]:
                plan.faces.add((unit, la))
                plan.provinces[la]["is_border"] = True
    for gate in facts["vn_gates"]:
        name = f"{gate['local_name']} – {gate['partner_name']}"
        plan.gates[name] = {
            "local_name": gate["local_name"],
            "partner_name": gate["partner_name"],
            "kind": "international",
            "latitude": gate.get("latitude"),
            "longitude": gate.get("longitude"),
        }
        # Gates are standing facilities: they belong to the unit that administers them today.
        plan.gate_provinces[name] = (successor_of_code[gate["vn"]], gate["la"])


def _sync(
    model: type[models.Model],
    rows: Mapping[str, Mapping[str, Any]],
    key: str = "code",
) -> tuple[int, int]:
    """Create missing rows and correct changed ones; never delete (records may point at them)."""
    if not rows:
        return 0, 0
    fields = list(next(iter(rows.values())).keys())
    manager = model._default_manager
    existing = {r[key]: r for r in manager.values("id", key, *fields)}
    to_create = []
    to_update = []
    for natural_key, values in rows.items():
        current = existing.get(natural_key)
        if current is None:
            to_create.append(model(**{key: natural_key}, **values))
        elif any(current[f] != v for f, v in values.items()):
            to_update.append(model(id=current["id"], **{key: natural_key}, **values))
    if to_create:
        manager.bulk_create(to_create, batch_size=2000)
    if to_update:
        manager.bulk_update(to_update, fields, batch_size=500)
    return len(to_create), len(to_update)


def _ids(model: type[models.Model], key: str = "code") -> dict[str, int]:
    return {k: pk for pk, k in model._default_manager.values_list("id", key)}


def load_gazetteer(countries: Iterable[str] = ("VN", "LA")) -> dict[str, int]:
    """Fill or update the gazetteer; returns how many rows of each kind were created.

    Idempotent: a second run creates and changes nothing. ``countries`` chooses whose
    provinces are loaded; the neighbour countries themselves are always present. Border
    links and gates between Viet Nam and Laos are made when both are loaded.
    """
    wanted = [c.strip().upper() for c in countries]
    plan = _Plan()
    _plan_countries(plan, dict.fromkeys([*NEIGHBOURS, *wanted]))
    for country in wanted:
        if country == "VN":
            _plan_vietnam(plan)
        else:
            _plan_iso_country(plan, country)
    if "VN" in wanted and "LA" in wanted:
        _plan_vn_la_border(plan)

    created: Counter[str] = Counter()
    updated: Counter[str] = Counter()
    with transaction.atomic():
        created["countries"], updated["countries"] = _sync(Country, plan.countries)
        country_ids = _ids(Country)
        province_rows = {
            code: {**values, "country_id": country_ids[plan.province_country[code]]}
            for code, values in plan.provinces.items()
        }
        created["provinces"], updated["provinces"] = _sync(Province, province_rows)
        province_ids = _ids(Province)

        district_rows = {
            code: {**values, "province_id": province_ids[plan.district_province[code]]}
            for code, values in plan.districts.items()
        }
        created["districts"], updated["districts"] = _sync(District, district_rows)
        district_ids = _ids(District) if plan.communes else {}
        commune_rows = {}
        for code, values in plan.communes.items():
            province, district = plan.commune_parents[code]
            commune_rows[code] = {
                **values,
                "province_id": province_ids[province],
                "district_id": district_ids[district] if district else None,
            }
        created["communes"], updated["communes"] = _sync(Commune, commune_rows)

        existing_successions = set(
            ProvinceSuccession.objects.values_list("predecessor_id", "successor_id")
        )
        new_successions = [
            ProvinceSuccession(
                predecessor_id=province_ids[pre],
                successor_id=province_ids[succ],
                effective=MERGER_DATE,
            )
            for pre, succ in plan.successions
            if (province_ids[pre], province_ids[succ]) not in existing_successions
        ]
        ProvinceSuccession.objects.bulk_create(new_successions)
        created["successions"] = len(new_successions)

        # The symmetrical M2M stores each link twice; bulk_create on the through model
        # bypasses that, so both directions are written here.
        through = Province.faces.through
        existing_faces = set(through.objects.values_list("from_province_id", "to_province_id"))
        face_rows = []
        for a, b in sorted(plan.faces):
            for pair in ((province_ids[a], province_ids[b]), (province_ids[b], province_ids[a])):
                if pair not in existing_faces:
                    existing_faces.add(pair)
                    face_rows.append(through(from_province_id=pair[0], to_province_id=pair[1]))
        through.objects.bulk_create(face_rows)
        created["faces"] = len(face_rows) // 2

        gate_rows = {
            name: {
                **values,
                "province_id": province_ids[plan.gate_provinces[name][0]],
                "partner_province_id": province_ids[plan.gate_provinces[name][1]],
            }
            for name, values in plan.gates.items()
        }
        created["gates"], updated["gates"] = _sync(BorderGate, gate_rows, key="name")
        transaction.on_commit(clear_cache)
    clear_cache()
    result = dict(created)
    result["updated"] = sum(updated.values())
    return result


# ----------------------------------------------------------------------------- lookups


@dataclass
class _Index:
    by_code: dict[str, Province]
    by_stats: dict[tuple[str, str], list[Province]]
    successors: dict[int, list[tuple[dt.date, Province]]]


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
            for pre_id, succ_id, effective in ProvinceSuccession.objects.values_list(
                "predecessor_id", "successor_id", "effective"
            ):
                successors.setdefault(pre_id, []).append((effective, by_id[succ_id]))
            _index = _Index(
                by_code={p.code.upper(): p for p in provinces},
                by_stats=by_stats,
                successors=successors,
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


def border_provinces(country: str, partner: str, start: dt.date, end: dt.date) -> list[Province]:
    """Provinces of ``country`` facing ``partner`` valid at any time in [start, end].

    A period straddling 1 July 2025 returns both the pre-merger provinces and the new units.
    """
    return list(
        Province.objects.filter(
            country__code=country.upper(),
            is_border=True,
            faces__country__code=partner.upper(),
        )
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=end))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start))
        .distinct()
        .order_by("code")
    )


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
