"""Synthetic national records for demonstrations and tests (``liaison seed``).

Deterministic for a given seed and data set: the same seed, case count, years and end date
give the same records (uuids included). Patterns (see docs/import.md):

* provinces: real gazetteer provinces; those facing the partner country, the capital and the
  big cities get more cases; Vietnamese records dated from 1 July 2025 are filed under the
  post-merger units, with wards of the new units and no district;
* seasons: more cases in the months around Tết / Lao New Year and at the year's end;
* about 1.4 defendants per case, 3–4 % of them foreigners (for Viet Nam mostly Lao nationals);
* seizure mixes after the 2024 ministerial conference figures (border-facts.md): for Viet Nam
  about 0.14 kg and 210 pills a case, for Laos about 10,000 pills, 0.8 kg of crystal meth and
  1.7 kg of cannabis a case, heroin, opium and ketamine;
* trafficking rings with members, hotspots (about a third eradicated), cultivation sites and
  precursor incidents.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from liaison.core import audit
from liaison.core.gazetteer import MERGER_DATE, successor_of
from liaison.core.models import Commune, District, Province, Unit
from liaison.core.node import this_node
from liaison.core.progress import progress
from liaison.core.signals import records_written
from liaison.crime.models import (
    CultivationSite,
    Drug,
    DrugCase,
    Hotspot,
    Person,
    PrecursorIncident,
    Seizure,
    TraffickingRing,
)
from liaison.crime.services import actor_for, ministry_unit
from liaison.crime.synthetic_cases import HMONG_GIVEN, LA_GIVEN_M, Generator, weighted

# --- places (data/synthetic_places.json) ---------------------------------------------

_PLACES = json.loads(
    (Path(__file__).parent / "data" / "synthetic_places.json").read_text(encoding="utf-8")
)
#: Lao districts (the gazetteer has none): province → [(Lao, romanised)]
LA_DISTRICTS = {
    province: [(lao, latin) for lao, latin in districts]
    for province, districts in _PLACES["la_districts"].items()
}
#: Big cities and trafficking hubs: province → weight (an inland province weighs 1)
PROVINCE_WEIGHTS: dict[str, float] = _PLACES["province_weights"]
BORDER_WEIGHT = 12.0  # a province facing the partner country

MONTH_WEIGHT = (1.3, 1.25, 1.0, 1.05, 0.9, 0.9, 0.95, 0.95, 1.0, 1.0, 1.1, 1.3)

# --- seizure mixes: drug → (share of cases with it, unit, median, lognormal sigma) -----

MIX: dict[str, list[tuple[str, float, str, float, float]]] = {
    "VN": [
        ("methamphetamine_tablets", 0.34, "tablet", 90, 1.8),
        ("crystal_methamphetamine", 0.30, "g", 40, 1.5),
        ("heroin", 0.30, "g", 35, 1.5),
        ("cannabis_herb", 0.06, "g", 80, 1.4),
        ("opium", 0.04, "g", 50, 1.4),
        ("ketamine", 0.02, "g", 50, 1.6),
        ("mdma", 0.01, "tablet", 20, 1.2),
        ("opium_poppy_plants", 0.003, "plant", 60, 1.0),
    ],
    "LA": [
        ("methamphetamine_tablets", 0.55, "tablet", 2600, 2.0),
        ("crystal_methamphetamine", 0.30, "kg", 0.6, 1.7),
        ("cannabis_herb", 0.10, "kg", 3.3, 1.8),
        ("heroin", 0.10, "kg", 0.35, 1.5),
        ("opium", 0.05, "kg", 0.8, 1.4),
        ("ketamine", 0.02, "kg", 2.5, 1.7),
        ("mdma", 0.005, "tablet", 60, 1.2),
        ("cocaine", 0.001, "kg", 0.25, 1.5),
    ],
}
FOREIGN = {
    "VN": [("LA", 0.6), ("CN", 0.25), ("TH", 0.05), ("KH", 0.05), ("MM", 0.05)],
    "LA": [("VN", 0.35), ("CN", 0.3), ("TH", 0.2), ("MM", 0.15)],
}
PARTNER = {"VN": "LA", "LA": "VN"}
ROUTES = {
    "VN": [
        "Lào → Nghệ An → Hà Nội",
        "Lào → Điện Biên → Hà Nội",
        "Lào → Quảng Trị → TP. Hồ Chí Minh",
        "Lào → Sơn La → Hà Nội",
        "Tam giác vàng → Lào → Hà Tĩnh",
    ],
    "LA": [
        "ສາມຫຼ່ຽມຄຳ → ບໍ່ແກ້ວ → ວຽງຈັນ",
        "ຫຼວງນ້ຳທາ → ອຸດົມໄຊ → ຫົວພັນ → ຫວຽດນາມ",
        "ບໍ່ແກ້ວ → ສະຫວັນນະເຂດ → ຫວຽດນາມ",
        "ວຽງຈັນ → ໄທ",
    ],
}
HOTSPOT_KIND = [
    ("retail", 0.45),
    ("den", 0.25),
    ("transit", 0.15),
    ("crossing", 0.1),
    ("cultivation", 0.05),
]
#: Precursor chemicals and their table of the 1988 Convention
PRECURSORS = [
    ("Ephedrine", "I"),
    ("Pseudoephedrine", "I"),
    ("Acetic anhydride", "I"),
    ("Safrole", "I"),
    ("Sulphuric acid", "II"),
    ("Hydrochloric acid", "II"),
    ("Acetone", "II"),
]
RECORD_KINDS = (
    "cases",
    "persons",
    "seizures",
    "rings",
    "hotspots",
    "cultivation-sites",
    "precursor-incidents",
)


@dataclass
class _Place:
    province: Province
    weight: float
    districts: list[tuple[str, str]]


def _places(country: str) -> list[_Place]:
    provinces = Province.objects.filter(country__code=country).order_by("code")
    if country == "VN":
        provinces = provinces.filter(valid_to__isnull=False)  # the 63 pre-merger provinces
    partner = PARTNER.get(country, "")
    border = {
        p.id
        for p in Province.objects.filter(
            country__code=country, is_border=True, faces__country__code=partner
        )
    }
    districts: dict[int, list[tuple[str, str]]] = {}
    for d in District.objects.filter(province__in=provinces):
        districts.setdefault(d.province_id, []).append((d.name, d.name_en))
    places = []
    for p in provinces:
        weight = PROVINCE_WEIGHTS.get(p.code, BORDER_WEIGHT if p.id in border else 1.0)
        found = districts.get(p.id) or LA_DISTRICTS.get(p.code, [])
        places.append(_Place(p, weight, found))
    return places


def _owner_units(places: list[_Place], fallback: Unit) -> dict[int, Unit]:
    by_province = {u.province_id: u for u in Unit.objects.filter(kind="province_police")}
    return {p.province.id: by_province.get(p.province.id, fallback) for p in places}


class _Where:
    """Where a case of a given day is filed: Vietnamese records dated from the merger go to
    the post-merger province, with a ward of the new units and no district."""

    def __init__(self, gen: Generator) -> None:
        self.rng = gen.rng
        self.country = gen.country
        self.successors: dict[int, Province] = {}
        self.post_wards: dict[int, list[str]] = {}
        if self.country == "VN":
            wards = Commune.objects.filter(district__isnull=True)
            for province_id, name in wards.values_list("province_id", "name"):
                self.post_wards.setdefault(province_id, []).append(name)

    def __call__(self, place: _Place, day: dt.date) -> dict[str, Any]:
        province = place.province
        district, commune = "", ""
        if self.country == "VN" and day >= MERGER_DATE:
            if province.id not in self.successors:
                self.successors[province.id] = successor_of(province, day)
            province = self.successors[province.id]
            wards = self.post_wards.get(province.id)
            commune = self.rng.choice(wards) if wards else ""
        elif place.districts:
            district = self.rng.choice(place.districts)[0]
        return {"province": province, "district": district, "commune": commune}


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
    gen = Generator(seed, country, ROUTES.get(country, [""]))
    rng = gen.rng
    end = end or (timezone.localdate().replace(day=1) - dt.timedelta(days=1))
    start = end - dt.timedelta(days=round(365.25 * years)) + dt.timedelta(days=1)
    fallback = owner or ministry_unit()
    places = _places(country)
    if not places:
        raise ValueError(f"the gazetteer has no provinces for {country}")
    owners = _owner_units(places, fallback)
    where = _Where(gen)
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
    counts = dict.fromkeys(RECORD_KINDS, 0)
    persons_by_province: dict[int, list[Person]] = {}
    mix = MIX.get(country, MIX["VN"])
    foreign_mix = FOREIGN.get(country, FOREIGN["VN"])
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
            for person in persons:
                if person.role == "defendant" and rng.random() < 0.05:
                    persons_by_province.setdefault(person.province_id, []).append(person)
            counts["persons"] += len(persons)
            counts["seizures"] += len(seizures)
            bar.advance(len(batch_cases))
            batch_cases.clear()
            pending.clear()

        for n, (day, place) in enumerate(zip(chosen_days, chosen_places, strict=True), start=1):
            filed = where(place, day)
            province = filed["province"]
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
            case = gen.case(f"{prefix}-{day.year}-{n:06d}", day, filed, common)
            batch_cases.append(case)
            border = place.weight == BORDER_WEIGHT
            people = gen.persons(day, province, border, foreign_mix, common)
            seized = gen.seizures(mix, day, province, common)
            pending.append((case, people, seized))
            if len(batch_cases) >= 1000:
                flush()
        if batch_cases:
            flush()
        counts["cases"] = cases
        related = _Related(gen, start, end, places, owners, fallback, node.id)
        counts["hotspots"] = _hotspots(related, cases)
        counts["rings"] = _rings(related, cases, persons_by_province)
        counts["cultivation-sites"] = _cultivation_sites(related, cases)
        counts["precursor-incidents"] = _precursor_incidents(related, cases)
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


@dataclass
class _Related:
    """What the records around the cases share: the generator, the period, the places and
    who owns the records of each place."""

    gen: Generator
    start: dt.date
    end: dt.date
    places: list[_Place]
    owners: dict[int, Unit]
    fallback: Unit
    origin: str
    now: dt.datetime = field(default_factory=timezone.now)

    def place(self) -> _Place:
        return self.gen.rng.choices(self.places, weights=[p.weight for p in self.places])[0]

    def when(self) -> dt.date:
        span = (self.end - self.start).days
        return self.start + dt.timedelta(days=self.gen.rng.randrange(span + 1))

    def later(self, day: dt.date, share: float, days: tuple[int, int]) -> dt.date | None:
        """For ``share`` of the records, a day some ``days`` after ``day`` (None if that
        day has not come yet at the end of the period)."""
        rng = self.gen.rng
        later = day + dt.timedelta(days=rng.randrange(*days)) if rng.random() < share else None
        return later if later and later <= self.end else None

    def at(self, place: _Place, day: dt.date) -> Province:
        if self.gen.country == "VN" and day >= MERGER_DATE:
            return successor_of(place.province, day)
        return place.province

    def stamp(self, obj: Any, place: _Place) -> None:
        obj.uuid = self.gen.uuid()
        obj.origin, obj.origin_country, obj.version = self.origin, self.gen.country, 1
        obj.created_at = obj.updated_at = self.now
        obj.owner_unit = self.owners.get(place.province.id, self.fallback)


def _hotspots(related: _Related, cases: int) -> int:
    gen, rng, country = related.gen, related.gen.rng, related.gen.country
    word = "Bản" if country == "VN" else "ບ້ານ"
    villages = HMONG_GIVEN if country == "VN" else [n for n, _ in LA_GIVEN_M]
    hotspots = []
    for i in range(max(1, cases // 60)):
        place = related.place()
        found = related.when()
        eradicated = related.later(found, 0.35, (30, 400))
        district = rng.choice(place.districts)[0] if place.districts else ""
        village = rng.choice(villages)
        h = Hotspot(
            hotspot_ref=f"HS-S{gen.seed}-{i + 1:05d}",
            name=f"{word} {village} {i + 1}",
            kind=weighted(rng, HOTSPOT_KIND),
            province=related.at(place, eradicated or found),
            district=district,
            status="eradicated" if eradicated else "active",
            identified_on=found,
            eradicated_on=eradicated,
        )
        related.stamp(h, place)
        hotspots.append(h)
    Hotspot.objects.bulk_create(hotspots)
    return len(hotspots)


def _rings(related: _Related, cases: int, persons_by_province: dict[int, list[Person]]) -> int:
    gen, rng, country = related.gen, related.gen.rng, related.gen.country
    word = "Đường dây" if country == "VN" else "ເຄືອຂ່າຍ"
    rings = []
    members: list[list[Person]] = []
    for i in range(max(1, cases // 150)):
        place = related.place()
        found = related.when()
        dismantled = related.later(found, 0.6, (60, 500))
        pool = persons_by_province.get(related.at(place, found).id, [])
        chosen = rng.sample(pool, min(len(pool), rng.randrange(2, 7)))
        r = TraffickingRing(
            ring_ref=f"RG-S{gen.seed}-{i + 1:04d}",
            name=f"{word} {chosen[0].full_name if chosen else i + 1}",
            province=related.at(place, dismantled or found),
            leader=chosen[0].full_name if chosen else "",
            route=rng.choice(ROUTES.get(country, [""])),
            status="dismantled" if dismantled else "active",
            identified_on=found,
            dismantled_on=dismantled,
        )
        related.stamp(r, place)
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
    return len(rings)


def _cultivation_sites(related: _Related, cases: int) -> int:
    gen, rng, country = related.gen, related.gen.rng, related.gen.country
    poppy = Drug.objects.get(code="opium_poppy_plants")
    mountain = [p for p in related.places if p.weight >= BORDER_WEIGHT] or related.places
    sites = []
    for i in range(max(1, cases // (500 if country == "VN" else 150))):
        place = rng.choice(mountain)
        found = related.when()
        plants = int(rng.lognormvariate(math.log(150 if country == "VN" else 3000), 0.9))
        site = CultivationSite(
            site_ref=f"CS-S{gen.seed}-{i + 1:04d}",
            province=related.at(place, found),
            district=rng.choice(place.districts)[0] if place.districts else "",
            crop=poppy,
            plants=plants,
            area_ha=Decimal(str(round(plants / 60000, 4))),
            found_on=found,
            destroyed_on=found + dt.timedelta(days=rng.randrange(0, 10)),
        )
        related.stamp(site, place)
        sites.append(site)
    CultivationSite.objects.bulk_create(sites)
    return len(sites)


def _precursor_incidents(related: _Related, cases: int) -> int:
    gen, rng = related.gen, related.gen.rng
    incidents = []
    for i in range(max(1, cases // 1000)):
        place = related.place()
        day = related.when()
        chemical, table = rng.choice(PRECURSORS)
        inc = PrecursorIncident(
            incident_ref=f"PI-S{gen.seed}-{i + 1:04d}",
            occurred_on=day,
            province=related.at(place, day),
            chemical=chemical,
            convention_table=table,
            quantity=Decimal(str(round(rng.lognormvariate(math.log(200), 1.2), 1))),
            unit=rng.choice(["kg", "l"]),
        )
        related.stamp(inc, place)
        incidents.append(inc)
    PrecursorIncident.objects.bulk_create(incidents)
    return len(incidents)
