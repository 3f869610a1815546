"""One synthetic case at a time: the case, its persons, with names built from real name
parts (data/synthetic_names.json), and its seizures. ``synthetic.generate`` writes them."""

from __future__ import annotations

import datetime as dt
import json
import math
import random
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

from liaison.core.gazetteer import fold_vietnamese
from liaison.core.models import Province
from liaison.crime.models import DrugCase
from liaison.crime.values import seizure_key

_NAMES = json.loads(
    (Path(__file__).parent / "data" / "synthetic_names.json").read_text(encoding="utf-8")
)


def _pairs(items: list[list[str]]) -> list[tuple[str, str]]:
    return [(first, second) for first, second in items]


VN_SURNAMES: list[str] = _NAMES["vn_surnames"]
VN_MIDDLE_M: list[str] = _NAMES["vn_middle_m"]
VN_MIDDLE_F: list[str] = _NAMES["vn_middle_f"]
VN_GIVEN_M: list[str] = _NAMES["vn_given_m"]
VN_GIVEN_F: list[str] = _NAMES["vn_given_f"]
HMONG_SURNAMES: list[str] = _NAMES["hmong_surnames"]
HMONG_GIVEN: list[str] = _NAMES["hmong_given"]
THAI_SURNAMES: list[str] = _NAMES["thai_surnames"]
#: Lao given names and surnames: (Lao script, romanisation)
LA_GIVEN_M = _pairs(_NAMES["la_given_m"])
LA_GIVEN_F = _pairs(_NAMES["la_given_f"])
LA_SURNAMES = _pairs(_NAMES["la_surnames"])
#: nationality → [(name, romanisation)]
OTHER_NAMES = {country: _pairs(names) for country, names in _NAMES["other_names"].items()}

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
DEFENDANTS = [(1, 0.70), (2, 0.20), (3, 0.07), (4, 0.03)]  # how many a case has
BIRTH_PRECISION = [("day", 0.75), ("year", 0.18), ("month", 0.07)]


def weighted(rng: random.Random, items: list[tuple[Any, float]]) -> Any:
    return rng.choices([i for i, _ in items], weights=[w for _, w in items])[0]


class Generator:
    """The random source of a seeding: the same seed gives the same records."""

    def __init__(self, seed: int, country: str, routes: list[str]) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.country = country
        self.routes = routes  # trafficking routes of the country

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    # names ---------------------------------------------------------------------------
    def vn_name(self, sex: str, minority: bool) -> tuple[str, str]:
        r = self.rng
        if minority and r.random() < 0.6:
            surname = r.choice(HMONG_SURNAMES)
            middle = r.choice(["A", "Bá", "Văn", "Mí", "Thị" if sex == "F" else "Seo"])
            name = f"{surname} {middle} {r.choice(HMONG_GIVEN)}"
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

    # records of a case ----------------------------------------------------------------
    def case(
        self, ref: str, day: dt.date, where: dict[str, Any], common: dict[str, Any]
    ) -> DrugCase:
        rng = self.rng
        return DrugCase(
            uuid=self.uuid(),
            case_ref=ref,
            detected_on=day,
            summary="",
            status=weighted(rng, CASE_STATUS),
            route=rng.choice(self.routes) if rng.random() < 0.3 else "",
            transport_mode=weighted(rng, TRANSPORT),
            joint_case_ref=self.joint_case_ref(day),
            **where,
            **common,
        )

    def joint_case_ref(self, day: dt.date) -> str:
        """About one case in 1,250 belongs to one of five joint cases of its year."""
        if self.rng.random() < 0.0008:
            return f"JC-{day.year}-{self.rng.randrange(1, 6):02d}"
        return ""

    def persons(
        self,
        day: dt.date,
        province: Province,
        border: bool,
        foreign_mix: list[tuple[str, float]],
        common: dict[str, Any],
    ) -> list[dict[str, Any]]:
        """The defendants of a case, and sometimes a suspect or a witness. In a province
        facing the partner country a third of the cases are among its minorities."""
        rng = self.rng
        defendants = weighted(rng, DEFENDANTS)
        minority = border and rng.random() < 0.35
        people = []
        for i in range(defendants + (1 if rng.random() < 0.12 else 0)):
            role = "defendant" if i < defendants else rng.choice(["suspect", "witness"])
            foreign = rng.random() < 0.035
            nationality = weighted(rng, foreign_mix) if foreign else self.country
            sex = "M" if rng.random() < 0.87 else "F"
            full, latin = self.name(nationality, sex, minority)
            birth = day - dt.timedelta(days=rng.randrange(18 * 365, 62 * 365))
            precision = weighted(rng, BIRTH_PRECISION)
            id_number = ""
            if nationality == "VN" and rng.random() < 0.8:
                id_number = self.vn_id_number(province, sex, birth)
            phones = ""
            if rng.random() < 0.6:
                number = rng.randrange(10**8)
                phones = f"+84 9{number:08d}" if self.country == "VN" else f"+856 20 {number:08d}"
            people.append(
                {
                    "uuid": self.uuid(),
                    "person_ref": f"P{i + 1}",
                    "full_name": full,
                    "latin_name": latin,
                    "sex": sex,
                    "birth_date": birth_text(birth, precision),
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
        return people

    def vn_id_number(self, province: Province, sex: str, birth: dt.date) -> str:
        """A 12-digit citizen identity number: province, sex and century, year, serial."""
        province_code = province.stats_code or "01"
        sex_digit = "0" if sex == "M" else "1"
        serial = self.rng.randrange(10**6)
        return f"0{province_code}{sex_digit}{birth.year % 100:02d}{serial:06d}"

    def seizures(
        self,
        mix: list[tuple[str, float, str, float, float]],
        day: dt.date,
        province: Province,
        common: dict[str, Any],
    ) -> list[dict[str, Any]]:
        """What was seized in a case: drugs after the country's mix, at least one."""
        rng = self.rng
        seized = []
        taken: dict[str, int] = {}
        for drug, share, unit, median, sigma in mix:
            if rng.random() < share:
                quantity = self.quantity(unit, median, sigma)
                base = seizure_key(drug, unit, quantity, 0)
                taken[base] = taken.get(base, 0) + 1
                seized.append(self.seizure(drug, unit, quantity, taken[base], day, province))
        if not seized:
            drug, _share, unit, median, sigma = mix[rng.randrange(3)]
            quantity = self.quantity(unit, median, sigma)
            seized.append(self.seizure(drug, unit, quantity, 1, day, province))
        return [{**s, **common} for s in seized]

    def seizure(
        self,
        drug: str,
        unit: str,
        quantity: Decimal,
        occurrence: int,
        day: dt.date,
        province: Province,
    ) -> dict[str, Any]:
        return {
            "uuid": self.uuid(),
            "drug_id": drug,
            "quantity": quantity,
            "unit": unit,
            "natural_key": seizure_key(drug, unit, quantity, occurrence),
            "detected_on": day,
            "province_id": province.id,
        }


def birth_text(birth: dt.date, precision: str) -> str:
    if precision == "year":
        return str(birth.year)
    if precision == "month":
        return birth.isoformat()[:7]
    return birth.isoformat()
