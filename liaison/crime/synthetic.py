"""Synthetic national records for demonstrations and tests (``liaison seed``).

Deterministic for a given seed and data set: the same seed, case count, years and end date
give the same records (uuids included). The per-country facts (names, seizure mixes, routes …)
are data: ``data/synthetic.json``. Patterns (see docs/import.md):

* provinces: real gazetteer provinces; those facing a partner country (the countries the node
  works with, ``core.countries.partner_countries``), the capital and the big cities get more
  cases; Vietnamese records dated from 1 July 2025 are filed under the
  post-merger units, with wards of the new units and no district;
* seasons: more cases in the months around Tết / Lao New Year and at the year's end;
* about 1.4 defendants per case, 3–4 % of them foreigners (for Viet Nam mostly Lao nationals);
* seizure mixes after the 2024 ministerial conference figures (border-facts.md): for Viet Nam
  about 0.14 kg and 210 pills a case, for Laos about 10,000 pills, 0.8 kg of crystal meth and
  1.7 kg of cannabis a case, heroin, opium and ketamine; for Russia mostly grams of synthetic
  cathinones, cannabis and hashish, with foreign defendants mostly from Central Asia;
* trafficking rings with members, hotspots (about a third eradicated), cultivation sites and
  precursor incidents.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import random
import uuid
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import iuliia
from django.db import transaction
from django.utils import timezone

from liaison.core import audit
from liaison.core.countries import partner_countries
from liaison.core.gazetteer import fold_vietnamese, successor_of
from liaison.core.models import Commune, District, Province, Unit
from liaison.core.node import this_node
from liaison.core.progress import progress
from liaison.core.signals import records_written
from liaison.crime import tallies
from liaison.crime.models import (
    RECORD_MODELS,
    CultivationSite,
    DrugCase,
    Hotspot,
    Person,
    PrecursorIncident,
    Seizure,
    TraffickingRing,
)
from liaison.crime.services import actor_for, ministry_unit
from liaison.crime.values import seizure_key

DATA_FILE = Path(__file__).resolve().parent / "data" / "synthetic.json"

MONTH_WEIGHT = (1.3, 1.25, 1.0, 1.05, 0.9, 0.9, 0.95, 0.95, 1.0, 1.0, 1.1, 1.3)
TRANSPORT = [
    ("motorbike", 0.35),
    ("car", 0.2),
    ("truck", 0.12),
    ("foot", 0.15),
    ("bus", 0.06),
    ("boat", 0.05),
    ("post", 0.04),
    ("air", 0.03),
]
CASE_STATUS = [("closed", 0.45), ("prosecuted", 0.3), ("investigating", 0.2), ("open", 0.05)]
HOTSPOT_KINDS = [
    ("retail", 0.45),
    ("den", 0.25),
    ("transit", 0.15),
    ("crossing", 0.1),
    ("cultivation", 0.05),
]
PRECURSORS = [
    ("Ephedrine", "I"),
    ("Pseudoephedrine", "I"),
    ("Acetic anhydride", "I"),
    ("Safrole", "I"),
    ("Sulphuric acid", "II"),
    ("Hydrochloric acid", "II"),
    ("Acetone", "II"),
]


@functools.cache
def synthetic_data() -> dict[str, Any]:
    """Names per nationality and the seizure mix, foreigners, routes … per node country."""
    with open(DATA_FILE, encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


@dataclass
class _Place:
    province: Province
    weight: float
    districts: list[tuple[str, str]]


def _weighted(rng: random.Random, items: list[tuple[Any, float]]) -> Any:
    return rng.choices([i for i, _ in items], weights=[w for _, w in items])[0]


class Generator:
    def __init__(self, seed: int, country: str) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.country = country
        self.names: dict[str, dict[str, Any]] = synthetic_data()["names"]

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    # names ---------------------------------------------------------------------------
    def vietnamese_name(self, names: dict[str, Any], sex: str, minority: bool) -> tuple[str, str]:
        """Kinh names; in the border highlands also Hmong and Thái ones."""
        r = self.rng
        if minority and r.random() < names["highland_share"]:
            highland = names["highland"]
            family = r.choice(highland["family"])
            middle = r.choice([*highland["middle"], highland["last_middle"][sex]])
            name = f"{family} {middle} {r.choice(highland['given'])}"
        elif minority:
            valley = names["valley"]
            middle = valley["middle"][sex]
            given = r.choice(names["given"][sex])
            name = f"{r.choice(valley['family'])} {middle} {given}"
        else:
            middle = r.choice(names["middle"][sex])
            given = r.choice(names["given"][sex])
            name = f"{r.choice(names['family'])} {middle} {given}"
        return name, fold_vietnamese(name)

    def given_family_name(self, names: dict[str, Any], sex: str) -> tuple[str, str]:
        """(script, romanisation) pairs: given name, then family name."""
        given = self.rng.choice(names["given"][sex])
        family = self.rng.choice(names["family"])
        return f"{given[0]} {family[0]}", f"{given[1]} {family[1]}"

    def family_given_patronymic_name(self, names: dict[str, Any], sex: str) -> tuple[str, str]:
        """Russian order (family, given, patronymic), the family name in its ``sex`` form;
        romanised as the passport office writes it (ICAO Doc 9303)."""
        family = self.rng.choice(names["family"])[0 if sex == "M" else 1]
        given = self.rng.choice(names["given"][sex])
        patronymic = self.rng.choice(names["patronymic"][sex])
        name = f"{family} {given} {patronymic}"
        return name, iuliia.ICAO_DOC_9303.translate(name)

    def name(self, nationality: str, sex: str, minority: bool) -> tuple[str, str]:
        names = self.names[nationality]
        if names["style"] == "vietnamese":
            return self.vietnamese_name(names, sex, minority)
        if names["style"] == "given_family":
            return self.given_family_name(names, sex)
        if names["style"] == "family_given_patronymic":
            return self.family_given_patronymic_name(names, sex)
        full, latin = self.rng.choice(names["names"])
        return full, latin

    def id_number(self, nationality: str, province: Province, sex: str, birth: dt.date) -> str:
        """A national id number of the nationality's shape (none where the data has none)."""
        pattern = self.names[nationality].get("id_number")
        if not pattern or self.rng.random() >= 0.8:
            return ""
        return str(pattern).format(
            stats_code=province.stats_code or "01",
            sex_digit="0" if sex == "M" else "1",
            birth_yy=f"{birth.year % 100:02d}",
            serial=f"{self.rng.randrange(10**6):06d}",
        )

    def quantity(self, unit: str, median: float, sigma: float) -> Decimal:
        value = median * math.exp(self.rng.gauss(0, sigma))
        if unit in {"tablet", "plant"}:
            return Decimal(max(1, round(value)))
        if unit == "g":
            return Decimal(str(max(0.1, round(value, 1))))
        return Decimal(str(max(0.001, round(value, 3))))


def _later_unit(province: Province, day: dt.date) -> bool:
    """Whether a record on ``day`` is filed under the unit that succeeded ``province`` (Viet
    Nam's provinces merged on 1 July 2025)."""
    return province.valid_to is not None and day > province.valid_to


def _places(country: str, profile: dict[str, Any]) -> list[_Place]:
    # The provinces of the earliest era: records after a reform move to the successors.
    provinces = Province.objects.filter(country__code=country, valid_from__isnull=True)
    provinces = provinces.order_by("code")
    border = {
        p.id
        for p in Province.objects.filter(
            country__code=country, is_border=True, faces__country__code__in=partner_countries()
        )
    }
    busy: dict[str, float] = profile["busy_provinces"]
    districts: dict[int, list[tuple[str, str]]] = {}
    for d in District.objects.filter(province__in=provinces):
        districts.setdefault(d.province_id, []).append((d.name, d.name_en))
    places = []
    for p in provinces:
        weight = busy.get(p.code, 12.0 if p.id in border else 1.0)
        found = districts.get(p.id) or [tuple(d) for d in profile["districts"].get(p.code, [])]
        places.append(_Place(p, weight, found))
    return places


def _seizure(
    gen: Generator, drug: str, unit: str, q: Decimal, n: int, filed: dict[str, Any]
) -> dict[str, Any]:
    """A seizure row: the ``n``-th of this drug, unit and quantity in its case."""
    return {
        "uuid": gen.uuid(),
        "drug_id": drug,
        "quantity": q,
        "unit": unit,
        "natural_key": seizure_key(drug, unit, q, n),
        **filed,
    }


def _owner_units(places: list[_Place], fallback: Unit) -> dict[int, Unit]:
    by_province = {u.province_id: u for u in Unit.objects.filter(kind="province_police")}
    return {p.province.id: by_province.get(p.province.id, fallback) for p in places}


def generate(
    cases: int,
    years: int = 3,
    seed: int = 1,
    end: dt.date | None = None,
    owner: Unit | None = None,
) -> dict[str, int]:
    """Write ``cases`` synthetic cases with their persons, seizures and related records."""
    node = this_node()
    country = node.country
    gen = Generator(seed, country)
    rng = gen.rng
    end = end or (timezone.localdate().replace(day=1) - dt.timedelta(days=1))
    start = end - dt.timedelta(days=round(365.25 * years)) + dt.timedelta(days=1)
    fallback = owner or ministry_unit()
    data = synthetic_data()
    profile = data["countries"].get(country)
    if profile is None or country not in data["names"]:
        raise ValueError(f"there is no synthetic data for {country} (crime/data/synthetic.json)")
    places = _places(country, profile)
    if not places:
        raise ValueError(f"the gazetteer has no provinces for {country}")
    owners = _owner_units(places, fallback)
    successor_cache: dict[tuple[int, bool], Province] = {}
    post_wards: dict[int, list[str]] = {}
    # Communes of units formed by a reform have no district (Viet Nam since July 2025).
    later_communes = Commune.objects.filter(district__isnull=True, province__country__code=country)
    for pid, name in later_communes.values_list("province_id", "name"):
        post_wards.setdefault(pid, []).append(name)
    unit_for_successor = {u.province_id: u for u in Unit.objects.filter(kind="province_police")}

    # Days with seasonal weights and a slight upward trend.
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    day_weights = [
        MONTH_WEIGHT[d.month - 1] * (1 + 0.1 * i / len(days)) for i, d in enumerate(days)
    ]
    chosen_days = sorted(rng.choices(days, weights=day_weights, k=cases))
    chosen_places = rng.choices(places, weights=[p.weight for p in places], k=cases)
    prefix = f"{country}-S{seed}"
    if DrugCase.objects.filter(origin=node.id, case_ref__startswith=prefix + "-").exists():
        raise ValueError(f"this node already holds records seeded with --seed {seed}")

    now = timezone.now()
    counts = dict.fromkeys(RECORD_MODELS, 0)
    persons_by_province: dict[int, list[Person]] = {}
    mix = profile["mix"]
    foreign_mix = profile["foreign"]
    routes = profile["routes"] or [""]
    with transaction.atomic(), progress("Seeding", cases) as bar:
        batch_cases: list[DrugCase] = []
        pending: list[tuple[DrugCase, list[dict[str, Any]], list[dict[str, Any]]]] = []

        def flush() -> None:
            DrugCase.objects.bulk_create(batch_cases)
            persons, seizures = [], []
            for case, ps, ss in pending:
                for p in ps:
                    persons.append(Person(case_id=case.id, **p))
                for s in ss:
                    seizures.append(Seizure(case_id=case.id, **s))
            Person.objects.bulk_create(persons, batch_size=2000)
            records_written.send(
                sender=Person, kind=Person.record_kind, ids=[p.pk for p in persons]
            )
            Seizure.objects.bulk_create(seizures, batch_size=2000)
            tallies.add_records(batch_cases, persons, seizures)
            for person in persons:
                if person.role == "defendant" and rng.random() < 0.05:
                    persons_by_province.setdefault(person.province_id, []).append(person)
            counts["persons"] += len(persons)
            counts["seizures"] += len(seizures)
            bar.advance(len(batch_cases))
            batch_cases.clear()
            pending.clear()

        for n, (day, place) in enumerate(zip(chosen_days, chosen_places, strict=True), start=1):
            province = place.province
            district, commune = "", ""
            if _later_unit(province, day):
                key = (province.id, True)
                if key not in successor_cache:
                    successor_cache[key] = successor_of(province, day)
                province = successor_cache[key]
                wards = post_wards.get(province.id)
                commune = rng.choice(wards) if wards else ""
            elif place.districts:
                district = rng.choice(place.districts)[0]
            owner_unit = unit_for_successor.get(province.id) or owners[place.province.id]
            created = dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC)
            created += dt.timedelta(minutes=rng.randrange(600))
            common = {
                "origin": node.id,
                "origin_country": country,
                "version": 1,
                "created_at": min(created, now),
                "updated_at": min(created, now),
                "owner_unit_id": owner_unit.id,
            }
            case = DrugCase(
                uuid=gen.uuid(),
                case_ref=f"{prefix}-{day.year}-{n:06d}",
                detected_on=day,
                province_id=province.id,
                district=district,
                commune=commune,
                summary="",
                status=_weighted(rng, CASE_STATUS),
                route=rng.choice(routes) if rng.random() < 0.3 else "",
                transport_mode=_weighted(rng, TRANSPORT),
                joint_case_ref=(
                    f"JC-{day.year}-{rng.randrange(1, 6):02d}" if rng.random() < 0.0008 else ""
                ),
                **common,
            )
            batch_cases.append(case)
            count = _weighted(rng, [(1, 0.70), (2, 0.20), (3, 0.07), (4, 0.03)])
            minority = place.weight == 12.0 and rng.random() < 0.35
            people = []
            for i in range(count + (1 if rng.random() < 0.12 else 0)):
                role = "defendant" if i < count else rng.choice(["suspect", "witness"])
                foreign = rng.random() < 0.035
                nationality = _weighted(rng, foreign_mix) if foreign else country
                sex = "M" if rng.random() < 0.87 else "F"
                full, latin = gen.name(nationality, sex, minority)
                birth = day - dt.timedelta(days=rng.randrange(18 * 365, 62 * 365))
                precision = _weighted(rng, [("day", 0.75), ("year", 0.18), ("month", 0.07)])
                text = {
                    "day": birth.isoformat(),
                    "month": birth.isoformat()[:7],
                    "year": str(birth.year),
                }[precision]
                id_number = gen.id_number(nationality, province, sex, birth)
                phones = ""
                if rng.random() < 0.6:
                    digits = profile.get("phone_digits", 8)
                    phones = f"{profile['phone_prefix']}{rng.randrange(10**digits):0{digits}d}"
                people.append(
                    {
                        "uuid": gen.uuid(),
                        "person_ref": f"P{i + 1}",
                        "full_name": full,
                        "latin_name": latin,
                        "sex": sex,
                        "birth_date": text,
                        "birth_precision": precision,
                        "birth_year": birth.year,
                        "birth_month": birth.month if precision != "year" else None,
                        "birth_day": birth.day if precision == "day" else None,
                        "nationality": nationality,
                        "id_number": id_number,
                        "phones": phones,
                        "role": role,
                        "detected_on": day,
                        "province_id": province.id,
                        **common,
                    }
                )
            seized = []
            taken: dict[str, int] = {}

            filed = {"detected_on": day, "province_id": province.id, **common}
            for drug, share, unit, median, sigma in mix:
                if rng.random() < share:
                    q = gen.quantity(unit, median, sigma)
                    base = seizure_key(drug, unit, q, 0)
                    taken[base] = taken.get(base, 0) + 1
                    seized.append(_seizure(gen, drug, unit, q, taken[base], filed))
            if not seized:
                drug, _share, unit, median, sigma = mix[rng.randrange(3)]
                q = gen.quantity(unit, median, sigma)
                seized.append(_seizure(gen, drug, unit, q, 1, filed))
            pending.append((case, people, seized))
            if len(batch_cases) >= 1000:
                flush()
        if batch_cases:
            flush()
        counts["cases"] = cases
        _related(
            gen,
            profile,
            cases,
            (start, end),
            places,
            owners,
            fallback,
            persons_by_province,
            counts,
            node.id,
        )
        audit.record(
            "crime.seed",
            actor=actor_for(None),
            object_kind="crime.cases",
            object_id=prefix,
            seed=seed,
            years=years,
            **{k.replace("-", "_"): v for k, v in counts.items()},
        )
    return counts


def _related(
    gen: Generator,
    profile: dict[str, Any],
    cases: int,
    period: tuple[dt.date, dt.date],
    places: list[_Place],
    owners: dict[int, Unit],
    fallback: Unit,
    persons_by_province: dict[int, list[Person]],
    counts: dict[str, int],
    origin: str,
) -> None:
    rng = gen.rng
    start, end = period
    span = (end - start).days
    country = gen.country
    now = timezone.now()
    weights = [p.weight for p in places]

    def when() -> dt.date:
        return start + dt.timedelta(days=rng.randrange(span + 1))

    def at(place: _Place, day: dt.date) -> Province:
        if _later_unit(place.province, day):
            return successor_of(place.province, day)
        return place.province

    def stamp(obj: Any, place: _Place) -> None:
        obj.uuid = gen.uuid()
        obj.origin, obj.origin_country, obj.version = origin, country, 1
        obj.created_at = obj.updated_at = now
        obj.owner_unit = owners.get(place.province.id, fallback)

    hotspots = []
    for i in range(max(1, cases // 60)):
        place = rng.choices(places, weights=weights)[0]
        found = when()
        eradicated = None
        if rng.random() < 0.35:
            eradicated = found + dt.timedelta(days=rng.randrange(30, 400))
        if eradicated and eradicated > end:
            eradicated = None
        district = rng.choice(place.districts)[0] if place.districts else ""
        h = Hotspot(
            hotspot_ref=f"HS-S{gen.seed}-{i + 1:05d}",
            name=f"{profile['village']} {rng.choice(profile['village_names'])} {i + 1}",
            kind=_weighted(rng, HOTSPOT_KINDS),
            province=at(place, eradicated or found),
            district=district,
            status="eradicated" if eradicated else "active",
            identified_on=found,
            eradicated_on=eradicated,
        )
        stamp(h, place)
        hotspots.append(h)
    Hotspot.objects.bulk_create(hotspots)
    counts["hotspots"] = len(hotspots)

    rings = []
    members: list[list[Person]] = []
    for i in range(max(1, cases // 150)):
        place = rng.choices(places, weights=weights)[0]
        found = when()
        dismantled = None
        if rng.random() < 0.6:
            dismantled = found + dt.timedelta(days=rng.randrange(60, 500))
        if dismantled and dismantled > end:
            dismantled = None
        pool = persons_by_province.get(at(place, found).id, [])
        chosen = rng.sample(pool, min(len(pool), rng.randrange(2, 7)))
        r = TraffickingRing(
            ring_ref=f"RG-S{gen.seed}-{i + 1:04d}",
            name=f"{profile['ring']} {chosen[0].full_name if chosen else i + 1}",
            province=at(place, dismantled or found),
            leader=chosen[0].full_name if chosen else "",
            route=rng.choice(profile["routes"] or [""]),
            status="dismantled" if dismantled else "active",
            identified_on=found,
            dismantled_on=dismantled,
        )
        stamp(r, place)
        rings.append(r)
        members.append(chosen)
    TraffickingRing.objects.bulk_create(rings)
    through = TraffickingRing.members.through
    through.objects.bulk_create(
        [
            through(traffickingring_id=r.id, person_id=p.id)
            for r, ms in zip(rings, members, strict=True)
            for p in ms
        ]
    )
    counts["rings"] = len(rings)

    from liaison.crime.models import Drug

    poppy = Drug.objects.get(code="opium_poppy_plants")
    mountain = [p for p in places if p.weight >= 12] or places
    sites = []
    for i in range(max(1, cases // profile["cases_per_cultivation_site"])):
        place = rng.choice(mountain)
        found = when()
        plants = int(rng.lognormvariate(math.log(profile["median_plants"]), 0.9))
        site = CultivationSite(
            site_ref=f"CS-S{gen.seed}-{i + 1:04d}",
            province=at(place, found),
            district=rng.choice(place.districts)[0] if place.districts else "",
            crop=poppy,
            plants=plants,
            area_ha=Decimal(str(round(plants / 60000, 4))),
            found_on=found,
            destroyed_on=found + dt.timedelta(days=rng.randrange(0, 10)),
        )
        stamp(site, place)
        sites.append(site)
    CultivationSite.objects.bulk_create(sites)
    counts["cultivation-sites"] = len(sites)

    incidents = []
    for i in range(max(1, cases // 1000)):
        place = rng.choices(places, weights=weights)[0]
        day = when()
        chemical, table = rng.choice(PRECURSORS)
        inc = PrecursorIncident(
            incident_ref=f"PI-S{gen.seed}-{i + 1:04d}",
            occurred_on=day,
            province=at(place, day),
            chemical=chemical,
            convention_table=table,
            quantity=Decimal(str(round(rng.lognormvariate(math.log(200), 1.2), 1))),
            unit=rng.choice(["kg", "l"]),
        )
        stamp(inc, place)
        incidents.append(inc)
    PrecursorIncident.objects.bulk_create(incidents)
    counts["precursor-incidents"] = len(incidents)
