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
import math
import random
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from liaison.core import audit
from liaison.core.gazetteer import MERGER_DATE, fold_vietnamese, successor_of
from liaison.core.models import Commune, District, Province, Unit
from liaison.core.node import this_node
from liaison.core.progress import progress
from liaison.crime.models import (
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

# --- names ---------------------------------------------------------------------------

VN_SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Phan", "Trương", "Đinh", "Cao", "Lương", "Hà"]  # fmt: skip
VN_MIDDLE_M = ["Văn", "Văn", "Văn", "Đức", "Minh", "Hữu", "Quang", "Công", "Xuân", "Bá"]
VN_MIDDLE_F = ["Thị", "Thị", "Thị", "Thu", "Ngọc", "Thanh"]
VN_GIVEN_M = ["Hùng", "Hưng", "Dũng", "Tuấn", "Nam", "Long", "Hải", "Sơn", "Thắng", "Cường", "Quân", "Phong", "Bình", "Khánh", "Trung", "Hiếu", "Lâm", "Tài", "Thành", "Tâm", "Đạt", "Vinh"]  # fmt: skip
VN_GIVEN_F = [
    "Mai",
    "Hoa",
    "Lan",
    "Hương",
    "Hằng",
    "Nga",
    "Thảo",
    "Linh",
    "Trang",
    "Huyền",
    "Yến",
    "Dung",
]
HMONG_SURNAMES = ["Lầu", "Vừ", "Giàng", "Sùng", "Mùa", "Thào", "Hờ", "Vàng"]
HMONG_GIVEN = ["Chư", "Pó", "Dính", "Tủa", "Sính", "Lử", "Chá", "Xềnh", "Dua", "Nhè"]
THAI_SURNAMES = ["Lò", "Lường", "Quàng", "Vi", "Lô", "Cầm"]

#: Lao given names and surnames: (Lao script, romanisation)
LA_GIVEN_M = [("ສົມສັກ", "Somsak"), ("ບຸນມີ", "Bounmy"), ("ຄຳພອນ", "Khamphone"), ("ສີສະຫວັດ", "Sisavath"), ("ວັນນະ", "Vanna"), ("ບົວພັນ", "Bouaphanh"), ("ຄຳແພງ", "Khamphaeng"), ("ສຸກສະຫວັນ", "Souksavanh"), ("ທອງສະຫວັນ", "Thongsavanh"), ("ພູວົງ", "Phouvong"), ("ແສງທອງ", "Sengthong"), ("ອຸດອນ", "Oudone")]  # fmt: skip
LA_GIVEN_F = [("ມະນີວອນ", "Manivone"), ("ຈັນທະລາ", "Chanthala"), ("ນ້ອຍ", "Noy"), ("ແສງດາວ", "Sengdao"), ("ພອນປະເສີດ", "Phonprasert"), ("ບົວສີ", "Bouasy")]  # fmt: skip
LA_SURNAMES = [("ແກ້ວມະນີ", "Keomany"), ("ພົມມະຈັນ", "Phommachanh"), ("ສີສຸວັນ", "Sisouvanh"), ("ວົງສະຫວັນ", "Vongsavanh"), ("ສຸລິຍະ", "Souliya"), ("ອິນທະວົງ", "Inthavong"), ("ຈັນທະວົງ", "Chanthavong"), ("ພົມມະວົງ", "Phommavong"), ("ແສງອາລຸນ", "Sengaloun"), ("ດວງມາລາ", "Douangmala")]  # fmt: skip
OTHER_NAMES = {
    "CN": [
        ("王伟", "Wang Wei"),
        ("李强", "Li Qiang"),
        ("张敏", "Zhang Min"),
        ("刘洋", "Liu Yang"),
        ("陈杰", "Chen Jie"),
    ],  # fmt: skip
    "TH": [
        ("สมชาย ใจดี", "Somchai Jaidee"),
        ("ประยุทธ ศรีสุข", "Prayut Srisuk"),
        ("วิชัย ทองดี", "Wichai Thongdee"),
    ],  # fmt: skip
    "MM": [("Aung Kyaw", "Aung Kyaw"), ("Zaw Min", "Zaw Min"), ("Tun Naing", "Tun Naing")],
    "KH": [("សុខ ចាន់", "Sok Chan"), ("ហេង សំណាង", "Heng Samnang")],
}

#: Lao districts (the gazetteer has none): province → [(Lao, romanised)]
LA_DISTRICTS = {
    "LA-VT": [
        ("ຈັນທະບູລີ", "Chanthabouly"),
        ("ສີສັດຕະນາກ", "Sisattanak"),
        ("ໄຊເສດຖາ", "Xaysetha"),
        ("ສີໂຄດຕະບອງ", "Sikhottabong"),
        ("ຫາດຊາຍຟອງ", "Hadxayfong"),
    ],  # fmt: skip
    "LA-BK": [("ຫ້ວຍຊາຍ", "Houayxay"), ("ຕົ້ນເຜີ້ງ", "Tonpheung")],
    "LA-LM": [("ຫຼວງນ້ຳທາ", "Luang Namtha"), ("ລອງ", "Long"), ("ສິງ", "Sing")],
    "LA-PH": [("ຜົ້ງສາລີ", "Phongsaly"), ("ໃໝ່", "Mai"), ("ຂວາ", "Khoua")],
    "LA-LP": [("ຫຼວງພະບາງ", "Luang Prabang"), ("ວຽງຄຳ", "Viengkham")],
    "LA-HO": [("ຊຳເໜືອ", "Xamneua"), ("ວຽງໄຊ", "Viengxay"), ("ຊຽງຄໍ້", "Xiengkho")],
    "LA-XI": [("ແປກ", "Pek"), ("ໜອງແຮດ", "Nonghed"), ("ຄູນ", "Khoun")],
    "LA-BL": [("ປາກຊັນ", "Paksan"), ("ຄຳເກີດ", "Khamkeut"), ("ປາກກະດິງ", "Pakkading")],
    "LA-KH": [("ທ່າແຂກ", "Thakhek"), ("ບົວລະພາ", "Boualapha"), ("ຍົມມະລາດ", "Nhommalath")],
    "LA-SV": [("ໄກສອນ ພົມວິຫານ", "Kaysone Phomvihane"), ("ເຊໂປນ", "Sepon"), ("ພີນ", "Phine")],
    "LA-SL": [("ສາລະວັນ", "Salavan"), ("ຕະໂອ້ຍ", "Ta Oy"), ("ສະມ້ວຍ", "Samouay")],
    "LA-XE": [("ລະມາມ", "Lamam"), ("ດາກຈຶງ", "Dakcheung"), ("ກະລືມ", "Kaleum")],
    "LA-AT": [("ສາມັກຄີໄຊ", "Samakkhixay"), ("ພູວົງ", "Phouvong"), ("ສະໜາມໄຊ", "Sanamxay")],
    "LA-CH": [("ປາກເຊ", "Pakse"), ("ໂຂງ", "Khong")],
}

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
FOREIGN = {"VN": [("LA", 0.6), ("CN", 0.25), ("TH", 0.05), ("KH", 0.05), ("MM", 0.05)],
           "LA": [("VN", 0.35), ("CN", 0.3), ("TH", 0.2), ("MM", 0.15)]}  # fmt: skip
PARTNER = {"VN": "LA", "LA": "VN"}
ROUTES = {
    "VN": [
        "Lào → Nghệ An → Hà Nội",
        "Lào → Điện Biên → Hà Nội",
        "Lào → Quảng Trị → TP. Hồ Chí Minh",
        "Lào → Sơn La → Hà Nội",
        "Tam giác vàng → Lào → Hà Tĩnh",
    ],  # fmt: skip
    "LA": [
        "ສາມຫຼ່ຽມຄຳ → ບໍ່ແກ້ວ → ວຽງຈັນ",
        "ຫຼວງນ້ຳທາ → ອຸດົມໄຊ → ຫົວພັນ → ຫວຽດນາມ",
        "ບໍ່ແກ້ວ → ສະຫວັນນະເຂດ → ຫວຽດນາມ",
        "ວຽງຈັນ → ໄທ",
    ],  # fmt: skip
}
TRANSPORT = [("motorbike", 0.35), ("car", 0.2), ("truck", 0.12), ("foot", 0.15), ("bus", 0.06), ("boat", 0.05), ("post", 0.04), ("air", 0.03)]  # fmt: skip


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

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    # names ---------------------------------------------------------------------------
    def vn_name(self, sex: str, minority: bool) -> tuple[str, str]:
        r = self.rng
        if minority and r.random() < 0.6:
            name = f"{r.choice(HMONG_SURNAMES)} {r.choice(['A', 'Bá', 'Văn', 'Mí', 'Thị' if sex == 'F' else 'Seo'])} {r.choice(HMONG_GIVEN)}"  # fmt: skip
        elif minority:
            middle = "Thị" if sex == "F" else "Văn"
            given = r.choice(VN_GIVEN_F if sex == "F" else VN_GIVEN_M)
            name = f"{r.choice(THAI_SURNAMES)} {middle} {given}"
        else:
            middle = r.choice(VN_MIDDLE_F if sex == "F" else VN_MIDDLE_M)
            given = r.choice(VN_GIVEN_F if sex == "F" else VN_GIVEN_M)
            name = f"{r.choice(VN_SURNAMES)} {middle} {given}"
        return name, fold_vietnamese(name)

    def la_name(self, sex: str) -> tuple[str, str]:
        given = self.rng.choice(LA_GIVEN_F if sex == "F" else LA_GIVEN_M)
        surname = self.rng.choice(LA_SURNAMES)
        return f"{given[0]} {surname[0]}", f"{given[1]} {surname[1]}"

    def name(self, nationality: str, sex: str, minority: bool) -> tuple[str, str]:
        if nationality == "VN":
            return self.vn_name(sex, minority)
        if nationality == "LA":
            return self.la_name(sex)
        return self.rng.choice(OTHER_NAMES[nationality])

    def quantity(self, unit: str, median: float, sigma: float) -> Decimal:
        value = median * math.exp(self.rng.gauss(0, sigma))
        if unit in {"tablet", "plant"}:
            return Decimal(max(1, round(value)))
        if unit == "g":
            return Decimal(str(max(0.1, round(value, 1))))
        return Decimal(str(max(0.001, round(value, 3))))


def _places(country: str) -> list[_Place]:
    provinces = Province.objects.filter(country__code=country).order_by("code")
    if country == "VN":
        provinces = provinces.filter(valid_to__isnull=False)  # the 63 pre-merger provinces
    partner = PARTNER.get(country, "")
    border = {
        p.id
        for p in Province.objects.filter(
            country__code=country, is_border=True, faces__country__code=partner
        )  # fmt: skip
    }
    big = {"VN-HN": 4.0, "VN-SG": 4.0, "VN-HP": 1.5, "LA-VT": 4.0, "LA-BK": 4.0, "LA-LM": 3.0, "LA-OU": 2.0, "LA-SV": 3.0, "LA-CH": 2.0}  # fmt: skip
    districts: dict[int, list[tuple[str, str]]] = {}
    for d in District.objects.filter(province__in=provinces):
        districts.setdefault(d.province_id, []).append((d.name, d.name_en))
    places = []
    for p in provinces:
        weight = big.get(p.code, 12.0 if p.id in border else 1.0)
        found = districts.get(p.id) or LA_DISTRICTS.get(p.code, [])
        places.append(_Place(p, weight, found))
    return places


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
    places = _places(country)
    if not places:
        raise ValueError(f"the gazetteer has no provinces for {country}")
    owners = _owner_units(places, fallback)
    successor_cache: dict[tuple[int, bool], Province] = {}
    post_wards: dict[int, list[str]] = {}
    if country == "VN":
        for pid, name in Commune.objects.filter(district__isnull=True).values_list("province_id", "name"):  # fmt: skip
            post_wards.setdefault(pid, []).append(name)
    unit_for_successor = {u.province_id: u for u in Unit.objects.filter(kind="province_police")}

    # Days with seasonal weights and a slight upward trend.
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    day_weights = [MONTH_WEIGHT[d.month - 1] * (1 + 0.1 * i / len(days)) for i, d in enumerate(days)]  # fmt: skip
    chosen_days = sorted(rng.choices(days, weights=day_weights, k=cases))
    chosen_places = rng.choices(places, weights=[p.weight for p in places], k=cases)
    prefix = f"{country}-S{seed}"
    if DrugCase.objects.filter(origin=node.id, case_ref__startswith=prefix + "-").exists():
        raise ValueError(f"this node already holds records seeded with --seed {seed}")

    now = timezone.now()
    counts = {k: 0 for k in ("cases", "persons", "seizures", "rings", "hotspots", "cultivation-sites", "precursor-incidents")}  # fmt: skip
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
            province = place.province
            district, commune = "", ""
            if country == "VN" and day >= MERGER_DATE:
                key = (province.id, True)
                if key not in successor_cache:
                    successor_cache[key] = successor_of(province, day)
                province = successor_cache[key]
                wards = post_wards.get(province.id)
                commune = rng.choice(wards) if wards else ""
            elif place.districts:
                district = rng.choice(place.districts)[0]
            owner_unit = unit_for_successor.get(province.id) or owners[place.province.id]
            created = dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC) + dt.timedelta(minutes=rng.randrange(600))  # fmt: skip
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
                status=_weighted(
                    rng,
                    [("closed", 0.45), ("prosecuted", 0.3), ("investigating", 0.2), ("open", 0.05)],
                ),  # fmt: skip
                route=rng.choice(ROUTES.get(country, [""])) if rng.random() < 0.3 else "",
                transport_mode=_weighted(rng, TRANSPORT),
                joint_case_ref=f"JC-{day.year}-{rng.randrange(1, 6):02d}"
                if rng.random() < 0.0008
                else "",  # fmt: skip
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
                text = {"day": birth.isoformat(), "month": birth.isoformat()[:7], "year": str(birth.year)}[precision]  # fmt: skip
                id_number = ""
                if nationality == "VN" and rng.random() < 0.8:
                    id_number = f"0{province.stats_code or '01'}{'0' if sex == 'M' else '1'}{birth.year % 100:02d}{rng.randrange(10**6):06d}"  # fmt: skip
                phones = ""
                if rng.random() < 0.6:
                    phones = f"+84 9{rng.randrange(10**8):08d}" if country == "VN" else f"+856 20 {rng.randrange(10**8):08d}"  # fmt: skip
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
            for drug, share, unit, median, sigma in mix:
                if rng.random() < share:
                    q = gen.quantity(unit, median, sigma)
                    base = seizure_key(drug, unit, q, 0)
                    taken[base] = taken.get(base, 0) + 1
                    seized.append(
                        {
                            "uuid": gen.uuid(),
                            "drug_id": drug,
                            "quantity": q,
                            "unit": unit,
                            "natural_key": seizure_key(drug, unit, q, taken[base]),
                            "detected_on": day,
                            "province_id": province.id,
                            **common,
                        }
                    )
            if not seized:
                drug, _share, unit, median, sigma = mix[rng.randrange(3)]
                q = gen.quantity(unit, median, sigma)
                seized.append(
                    {"uuid": gen.uuid(), "drug_id": drug, "quantity": q, "unit": unit,
                     "natural_key": seizure_key(drug, unit, q, 1), "detected_on": day,
                     "province_id": province.id, **common}
                )  # fmt: skip
            pending.append((case, people, seized))
            if len(batch_cases) >= 1000:
                flush()
        if batch_cases:
            flush()
        counts["cases"] = cases
        _related(gen, cases, start, end, places, owners, fallback, persons_by_province, counts, node.id)  # fmt: skip
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
    cases: int,
    start: dt.date,
    end: dt.date,
    places: list[_Place],
    owners: dict[int, Unit],
    fallback: Unit,
    persons_by_province: dict[int, list[Person]],
    counts: dict[str, int],
    origin: str,
) -> None:
    rng = gen.rng
    span = (end - start).days
    country = gen.country
    now = timezone.now()
    weights = [p.weight for p in places]

    def when() -> dt.date:
        return start + dt.timedelta(days=rng.randrange(span + 1))

    def at(place: _Place, day: dt.date) -> Province:
        if country == "VN" and day >= MERGER_DATE:
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
        eradicated = found + dt.timedelta(days=rng.randrange(30, 400)) if rng.random() < 0.35 else None  # fmt: skip
        if eradicated and eradicated > end:
            eradicated = None
        district = rng.choice(place.districts)[0] if place.districts else ""
        h = Hotspot(
            hotspot_ref=f"HS-S{gen.seed}-{i + 1:05d}",
            name=f"{'Bản' if country == 'VN' else 'ບ້ານ'} {rng.choice(HMONG_GIVEN if country == 'VN' else [n for n, _ in LA_GIVEN_M])} {i + 1}",  # fmt: skip
            kind=_weighted(
                rng,
                [
                    ("retail", 0.45),
                    ("den", 0.25),
                    ("transit", 0.15),
                    ("crossing", 0.1),
                    ("cultivation", 0.05),
                ],
            ),  # fmt: skip
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
        dismantled = found + dt.timedelta(days=rng.randrange(60, 500)) if rng.random() < 0.6 else None  # fmt: skip
        if dismantled and dismantled > end:
            dismantled = None
        pool = persons_by_province.get(at(place, found).id, [])
        chosen = rng.sample(pool, min(len(pool), rng.randrange(2, 7)))
        r = TraffickingRing(
            ring_ref=f"RG-S{gen.seed}-{i + 1:04d}",
            name=f"{'Đường dây' if country == 'VN' else 'ເຄືອຂ່າຍ'} {chosen[0].full_name if chosen else i + 1}",  # fmt: skip
            province=at(place, dismantled or found),
            leader=chosen[0].full_name if chosen else "",
            route=rng.choice(ROUTES.get(country, [""])),
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
        ]  # fmt: skip
    )
    counts["rings"] = len(rings)

    from liaison.crime.models import Drug

    poppy = Drug.objects.get(code="opium_poppy_plants")
    mountain = [p for p in places if p.weight >= 12] or places
    sites = []
    for i in range(max(1, cases // (500 if country == "VN" else 150))):
        place = rng.choice(mountain)
        found = when()
        plants = int(rng.lognormvariate(math.log(150 if country == "VN" else 3000), 0.9))
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
    chemicals = [("Ephedrine", "I"), ("Pseudoephedrine", "I"), ("Acetic anhydride", "I"), ("Safrole", "I"), ("Sulphuric acid", "II"), ("Hydrochloric acid", "II"), ("Acetone", "II")]  # fmt: skip
    for i in range(max(1, cases // 1000)):
        place = rng.choices(places, weights=weights)[0]
        day = when()
        chemical, table = rng.choice(chemicals)
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
