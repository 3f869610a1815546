"""Loading the gazetteer: countries, provinces of both eras, districts, communes, the border."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pycountry
from django.db import models, transaction
from django.utils.translation import gettext as _

from liaison.core.gazetteer.common import (
    _DISTRICT_TYPE_EN,
    _WARD_TYPE_EN,
    LAST_PRE_MERGER_DAY,
    MERGER_DATE,
    NEIGHBOURS,
    GazetteerError,
    _facts,
    _name_key,
    _subdivision_names,
    _translate,
    _vn_dataset,
    fold_vietnamese,
    own_locale,
)
from liaison.core.gazetteer.lookups import clear_cache
from liaison.core.models import (
    BorderGate,
    Commune,
    Country,
    District,
    Province,
    ProvinceSuccession,
)


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
        own = own_locale(code)
        plan.countries[code] = {
            "name": _translate("iso3166-1", own, common, country.name) if own else name_en,
            "name_en": name_en,
            "name_vi": _translate("iso3166-1", "vi", common, country.name),
            "name_lo": _translate("iso3166-1", "lo", common, country.name),
        }


def _plan_iso_country(plan: _Plan, country: str) -> None:
    """Any country without a richer source: its first-level ISO 3166-2 units from pycountry,
    named in the country's own language where pycountry or ``data/subdivision_names.json``
    has the name (else the ISO name, itself in the country's own language or its
    romanisation) and in English (else the ISO name)."""
    overrides: Mapping[str, Mapping[str, Any]] = _facts()["la_provinces"] if country == "LA" else {}
    names = _subdivision_names().get(country, {})
    own = own_locale(country)
    subdivisions = pycountry.subdivisions.get(country_code=country) or []
    for sub in subdivisions:
        if sub.parent_code:
            continue
        extra = {**names.get(sub.code, {}), **overrides.get(sub.code, {})}
        name_lo = extra.get("name_lo") or _translate("iso3166-2", "lo", sub.name)
        if own == "lo":
            own_name = name_lo
        else:
            own_name = extra.get("name") or (_translate("iso3166-2", own, sub.name) if own else "")
        plan.provinces[sub.code] = {
            "name": own_name or sub.name,
            "name_en": extra.get("name_en") or _translate("iso3166-2", "en", sub.name),
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
