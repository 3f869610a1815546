"""The statistics read tallies (``crime.tallies``), not the records: every figure of the
report must equal a direct count over the records after imports, edits, partner records
received, changed and recalled, and across Viet Nam's 1 July 2025 province merger.

The direct count here is written independently of both the tallies and the report: it walks
the records in Python."""

from __future__ import annotations

import datetime as dt
import importlib
import uuid
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps as django_apps

from liaison.cli import main as liaison
from liaison.core.models import Province, Role, Unit
from liaison.crime import services, tallies
from liaison.crime.importer import run_import
from liaison.crime.models import Drug, DrugCase, Person, Seizure, Tally
from liaison.exchange import envelope as env
from liaison.exchange import services as exchange
from liaison.exchange.envelope import Envelope, Markings
from liaison.reports import stats
from tests.exchange.conftest import THIS_NODE, FakePeer

pytestmark = pytest.mark.django_db

CASES = """case_ref,detected_on,province,district,commune,summary,joint_case_ref
T1,2024-01-01,VN-22,,,,JC-1
T2,2024-03-05,VN-24,,,,JC-1
T3,2024-03-31,VN-25,,,,
T4,2025-06-30,VN-25,,,,
T5,2025-07-01,VN:44,,,,JC-2
T6,2025-09-17,VN:40,,,,
T7,2024-05-05,VN-HN,,,,
T8,2023-12-31,VN-22,,,,
T9,2025-12-31,VN:11,,,,
"""
PERSONS = """case_ref,person_ref,full_name,latin_name,sex,birth_date,nationality,id_number,role
T1,P1,Lầu Bá Chư,Lau Ba Chu,M,1988,VN,,defendant
T1,P2,ສົມສັກ,Somsak,M,1990,LA,,defendant
T1,P3,Vi Thị Mai,Vi Thi Mai,F,,VN,,witness
T2,P1,Hồ Văn Nam,Ho Van Nam,M,,,,defendant
T4,P1,王伟,Wang Wei,M,1985,CN,,defendant
T5,P1,ບຸນມີ,Bounmy,M,1970,LA,,defendant
T6,P1,Nguyễn Văn An,Nguyen Van An,M,1970,VN,,suspect
T7,P1,Trần Văn Bình,Tran Van Binh,M,1980,VN,,defendant
T9,P1,Lò Văn Pọm,Lo Van Pom,M,1975,,,defendant
"""
SEIZURES = """case_ref,drug,quantity,unit
T1,methamphetamine_tablets,20000,tablet
T1,methamphetamine_tablets,20000,tablet
T2,heroin,1.5,kg
T3,crystal_methamphetamine,350.125,g
T4,heroin,0.000001,kg
T5,cannabis_plants,1200,plant
T6,methamphetamine_tablets,5000,tablet
T7,heroin,2,kg
T8,opium,9,kg
T9,opium,123456.654321,g
"""
#: Two files of persons and seizures imported later, for cases held already.
MORE_PERSONS = """case_ref,person_ref,full_name,latin_name,sex,birth_date,nationality,id_number,role
T3,P1,Khamla,Khamla,F,1992,LA,,defendant
T6,P2,Seng,Seng,M,1991,TH,,defendant
"""
MORE_SEIZURES = """case_ref,drug,quantity,unit
T3,ketamine,12.5,g
T6,methamphetamine_tablets,5000,tablet
"""


def _files(tmp_path: Path, **texts: str) -> list[tuple[str, str, bytes]]:
    return [(kind, f"{kind}.csv", text.encode()) for kind, text in texts.items()]


@pytest.fixture
def dataset(units, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Records imported with ``liaison import`` (the ministry's), then more of them for the
    Nghệ An police, and a case the Kỳ Sơn police file through the services."""
    for kind, text in (("cases", CASES), ("persons", PERSONS), ("seizures", SEIZURES)):
        (tmp_path / f"{kind}.csv").write_text(text, encoding="utf-8")
    args = [
        x
        for kind in ("cases", "persons", "seizures")
        for x in (kind, str(tmp_path / f"{kind}.csv"))
    ]
    assert liaison(["import", *args]) == 0
    # Persons and seizures for cases held already, then the Nghệ An police's own records.
    run_import(_files(tmp_path, persons=MORE_PERSONS, seizures=MORE_SEIZURES))
    run_import(
        _files(
            tmp_path,
            cases=CASES.splitlines()[0] + "\nN1,2024-03-15,VN-22,,,,\nN2,2025-08-20,VN:40,,,,\n",
            persons=PERSONS.splitlines()[0]
            + "\nN1,P1,Lê Văn Cường,Le Van Cuong,M,1985,VN,,defendant\n"
            + "N2,P1,Vang Pao,Vang Pao,M,1980,LA,,defendant\n",
            seizures="case_ref,drug,quantity,unit\nN1,heroin,0.75,kg\n"
            "N2,crystal_methamphetamine,99.999999,g\n",
        ),
        owner_unit=units.nghe_an,
    )
    case = services.create_case(
        user=None,
        owner_unit=units.ky_son,
        case_ref="KS-1",
        detected_on=dt.date(2025, 2, 14),
        province=Province.objects.get(code="VN-22"),
    )
    services.create_person(
        user=None, case=case, person_ref="P1", full_name="Xồng Bá Dế", nationality="la"
    )
    services.create_seizure(user=None, case=case, drug="heroin", quantity=Decimal("0.3"), unit="kg")


# --- the direct count ---------------------------------------------------------------------


class Records:
    """Every case, defendant and seizure of the node, read once for many comparisons."""

    def __init__(self) -> None:
        self.cases = list(DrugCase.objects.all())
        self.defendants = list(Person.objects.filter(role="defendant"))
        self.seizures = list(Seizure.objects.all())
        self.paths = dict(Unit.objects.values_list("id", "path"))


def direct(
    records: Records, selection: stats.Selection, table: str, unit_path: str | None
) -> dict[str, Any]:
    """The report's figures counted straight from the records."""
    country = "VN"
    wanted = set(selection.counted_ids)
    paths = records.paths

    def counted(record: Any) -> bool:
        return (
            record.province_id in wanted
            and selection.start <= record.detected_on <= selection.end
            and (unit_path is None or paths[record.owner_unit_id].startswith(unit_path))
        )

    cases = [c for c in records.cases if counted(c)]
    defendants = [p for p in records.defendants if counted(p)]
    by_month: dict[str, int] = defaultdict(int)
    by_province: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for c in cases:
        by_month[c.detected_on.strftime("%Y-%m")] += 1
        by_province[c.province_id][0] += 1
    foreign: dict[str, int] = defaultdict(int)
    for p in defendants:
        by_province[p.province_id][1] += 1
        if p.nationality not in ("", country):
            foreign[p.nationality] += 1
    _table, factors = stats.factors(table)
    sums: dict[tuple[str, str], list[Any]] = defaultdict(lambda: [Decimal(0), 0])
    for s in records.seizures:
        if counted(s):
            sums[s.drug_id, s.unit][0] += s.quantity
            sums[s.drug_id, s.unit][1] += 1
    seizures = {}
    total = Decimal(0)
    for (drug, unit), (quantity, n) in sums.items():
        factor = stats.kg_factor(factors, drug, unit)
        kg = None if factor is None else (quantity * factor).quantize(stats.KG_PLACES)
        total += kg or 0
        seizures[drug, unit] = (quantity.normalize(), None if kg is None else float(kg), n)
    return {
        "cases": len(cases),
        "defendants": len(defendants),
        "foreign_defendants": sum(foreign.values()),
        "foreign_defendants_by_nationality": dict(sorted(foreign.items())),
        "seizures": seizures,
        "kg_equivalent_total": float(total),
        "by_month": {m: n for m, n in by_month.items()},
        "by_province": {
            p.code: tuple(by_province[p.id]) for p in selection.counted if any(by_province[p.id])
        },
    }


def reported(data: dict[str, Any]) -> dict[str, Any]:
    """The same figures from the report's output."""
    return {
        "cases": data["cases"],
        "defendants": data["defendants"],
        "foreign_defendants": data["foreign_defendants"],
        "foreign_defendants_by_nationality": data["foreign_defendants_by_nationality"],
        "seizures": {
            (r["drug"], r["unit"]): (
                Decimal(str(r["quantity"])).normalize(),
                r["kg_equivalent"],
                r["seizures"],
            )
            for r in data["seizures"]
        },
        "kg_equivalent_total": data["kg_equivalent_total"],
        "by_month": {r["month"]: r["cases"] for r in data["by_month"] if r["cases"]},
        "by_province": {r["province"]: (r["cases"], r["defendants"]) for r in data["by_province"]},
    }


PERIODS = [
    (dt.date(2024, 1, 1), dt.date(2025, 12, 31)),  # whole years
    (dt.date(2024, 2, 1), dt.date(2025, 12, 31)),  # whole months, then a whole year
    (dt.date(2024, 3, 5), dt.date(2025, 9, 17)),  # partial months at both ends
    (dt.date(2024, 3, 31), dt.date(2024, 3, 31)),  # one day
    (dt.date(2023, 12, 1), dt.date(2026, 1, 31)),
]
SELECTIONS: list[dict[str, Any]] = [
    {"border": True},
    {"border": True, "partner": "LA"},
    {},
    {"codes": ["VN:44"]},  # the merged unit counts VN-24 and VN-25 before the merger
    {"codes": ["VN-24"]},  # merged away: its own records only
    {"codes": ["VN-22"]},  # continued unchanged as VN:40
    {"codes": ["VN-22", "VN-HN"], "border": True},
]


def check_every_figure(units: Any) -> int:
    """Compare every figure of every selection, period, table and unit scope; how many
    reports were compared. The tallies also equal a recount of the records."""
    assert tallies.differences() == []
    assert not Tally.objects.filter(n=0, quantity=0).exists()
    scopes = [None, units.nghe_an.path, units.ky_son.path, units.ha_tinh.path]
    records = Records()
    compared = 0
    for start, end in PERIODS:
        for options in SELECTIONS:
            selection = stats.select(start, end, **options)
            runs = [("lao-mps-2024", path) for path in scopes] + [("unodc-2024", None)]
            for table, path in runs:
                got = reported(stats.compute(selection, table, unit_path=path))
                want = direct(records, selection, table, path)
                assert got == want, (start, end, options, table, path)
                compared += 1
    return compared


# --- imports and edits ------------------------------------------------------------------------


def test_figures_after_imports_equal_a_direct_count(dataset, units) -> None:  # type: ignore[no-untyped-def]
    assert check_every_figure(units) == len(PERIODS) * len(SELECTIONS) * 5
    data = stats.compute(stats.select(dt.date(2024, 1, 1), dt.date(2025, 12, 31), border=True))
    # A hand-checked figure, so that the comparison cannot pass on two empty reports.
    assert (data["cases"], data["defendants"], data["foreign_defendants"]) == (10, 11, 7)
    again = _files(Path("."), persons=MORE_PERSONS, seizures=MORE_SEIZURES)
    assert run_import(again).saved  # already present: nothing new is counted
    check_every_figure(units)


def test_figures_after_edits_through_the_services(dataset, units, make_user) -> None:  # type: ignore[no-untyped-def]
    officer = make_user(units.nghe_an, [Role.OFFICER])
    case = DrugCase.objects.get(case_ref="T1")
    seizure = Seizure.objects.filter(case=case).first()
    assert seizure is not None
    services.update_seizure(seizure, user=None, quantity=Decimal("19999.5"))
    services.update_seizure(seizure, user=None, drug=Drug.objects.get(code="heroin"), unit="g")
    check_every_figure(units)
    # A case's date moves it to another month (and the day cells with it), its province to
    # another province; its persons and seizures follow.
    services.update_case(case, user=None, detected_on=dt.date(2024, 2, 29))
    services.update_case(case, user=None, province=Province.objects.get(code="VN-23"))
    check_every_figure(units)
    person = Person.objects.get(case=case, person_ref="P3")
    services.update_person(person, user=None, role="defendant", nationality="kh")
    services.update_person(
        Person.objects.get(case=case, person_ref="P2"), user=None, role="witness"
    )
    check_every_figure(units)
    # Handed over to another unit: the unit scopes follow.
    ky_son_case = DrugCase.objects.get(case_ref="KS-1")
    services.update_case(ky_son_case, user=None, owner_unit=units.ha_tinh)
    check_every_figure(units)
    # An officer of Nghệ An adds and changes records of the Nghệ An police.
    n1 = DrugCase.objects.get(case_ref="N1")
    services.create_seizure(user=officer, case=n1, drug="opium", quantity=Decimal("2.5"), unit="kg")
    services.create_person(
        user=officer, case=n1, person_ref="P9", full_name="Somchai", nationality="TH"
    )
    services.update_case(n1, user=officer, detected_on=dt.date(2025, 12, 31))
    check_every_figure(units)


def test_an_edit_that_fails_changes_no_tally(dataset, units) -> None:  # type: ignore[no-untyped-def]
    before = tallies.stored_tallies()
    seizure = Seizure.objects.filter(case__case_ref="T2").get()
    with pytest.raises(Exception, match="greater than 0"):
        services.update_seizure(seizure, user=None, quantity=Decimal("-1"))
    case = DrugCase.objects.get(case_ref="T2")
    with pytest.raises(Exception, match="future"):
        services.update_case(case, user=None, detected_on=dt.date.today() + dt.timedelta(days=30))
    assert tallies.stored_tallies() == before
    check_every_figure(units)


# --- the province merger ----------------------------------------------------------------------


def test_figures_across_the_province_merger(dataset, units) -> None:  # type: ignore[no-untyped-def]
    """Records filed before 1 July 2025 under the provinces merged into Quảng Trị (VN:44) and
    after it under the new unit, and records moved across the merger by an edit."""
    merged = stats.compute(stats.select(dt.date(2024, 1, 1), dt.date(2025, 12, 31), ["VN:44"]))
    assert set(merged["provinces_counted"]) == {"VN:44", "VN-24", "VN-25"}
    assert merged["cases"] == 4  # T2, T3, T4 before the merger, T5 after
    t4 = DrugCase.objects.get(case_ref="T4")
    # Re-filed after the merger: the date and the province change together.
    services.update_case(
        t4, user=None, detected_on=dt.date(2025, 7, 2), province=Province.objects.get(code="VN:44")
    )
    t2 = DrugCase.objects.get(case_ref="T2")
    services.update_case(t2, user=None, province=Province.objects.get(code="VN-25"))
    check_every_figure(units)
    only_quang_binh = stats.compute(
        stats.select(dt.date(2024, 1, 1), dt.date(2025, 12, 31), ["VN-24"])
    )
    assert only_quang_binh["cases"] == 0 and only_quang_binh["notes"]


# --- partner records: received, changed, recalled ------------------------------------------


def _envelope(peer: FakePeer, kind: str, body: dict[str, Any], **over: Any) -> Envelope:
    data: dict[str, Any] = {
        "kind": kind,
        "uuid": str(uuid.uuid4()),
        "origin": peer.node_id,
        "origin_country": peer.country,
        "version": 1,
        "markings": Markings("AMBER", "H1", "", (THIS_NODE,)),
        "body": body,
        "op": "upsert",
        "issued_at": env.utc_stamp(),
    }
    data.update(over)
    return Envelope(**data)


def _apply(peer: Any, fake: FakePeer, *envelopes: Envelope) -> None:
    peer.refresh_from_db()
    items = [(peer.pull_cursor + i + 1, fake.sign(e)) for i, e in enumerate(envelopes)]
    result = exchange.apply_envelopes(peer, items, cursor=items[-1][0])
    assert not result.rejected, result.rejected


def _stamped(body: dict[str, Any]) -> dict[str, Any]:
    now = dt.datetime.now(dt.UTC).isoformat()
    return {**body, "created_at": now, "updated_at": now}


def _case(ref: str, day: str, province: str) -> dict[str, Any]:
    return _stamped({"case_ref": ref, "detected_on": day, "province": province, "status": "open"})


def _person(case: str, ref: str, day: str, province: str, **over: Any) -> dict[str, Any]:
    body = {
        "case": case,
        "person_ref": ref,
        "full_name": "ທ້າວ ສີສຸກ",
        "nationality": "LA",
        "role": "defendant",
        "detected_on": day,
        "province": province,
    }
    return _stamped({**body, **over})


def _seizure(case: str, quantity: str, day: str, province: str, n: int = 1) -> dict[str, Any]:
    return _stamped(
        {
            "case": case,
            "drug": "methamphetamine_tablets",
            "quantity": quantity,
            "unit": "tablet",
            "natural_key": f"methamphetamine_tablets|tablet|{quantity}|{n}",
            "detected_on": day,
            "province": province,
        }
    )


def test_figures_after_partner_records_are_received_changed_and_recalled(dataset, units) -> None:  # type: ignore[no-untyped-def]
    fake = FakePeer()
    peer = exchange.add_peer("LA", "http://127.0.0.1:9", fake.identity())
    # A Lao case about a seizure in a Vietnamese border province, with its parts.
    case = _envelope(fake, "cases", _case("LA-J-1", "2025-03-10", "VN-22"))
    person = _envelope(fake, "persons", _person(case.uuid, "P1", "2025-03-10", "VN-22"))
    other = _envelope(fake, "persons", _person(case.uuid, "P2", "2025-03-10", "VN-22"))
    seizure = _envelope(fake, "seizures", _seizure(case.uuid, "40000", "2025-03-10", "VN-22"))
    second = _envelope(fake, "seizures", _seizure(case.uuid, "7", "2025-03-10", "VN-22", 2))
    lao = _envelope(fake, "cases", _case("LA-2", "2025-03-11", "LA-XI"))  # a Lao province
    _apply(peer, fake, case, person, other, seizure, second, lao)
    assert DrugCase.objects.filter(origin=fake.node_id).count() == 2
    check_every_figure(units)

    # The partner changes its records: a later version moves the case past the merger.
    moved = _case("LA-J-1", "2025-07-15", "VN:40")
    _apply(
        peer,
        fake,
        _envelope(fake, "cases", moved, uuid=case.uuid, version=2),
        _envelope(
            fake,
            "persons",
            _person(case.uuid, "P1", "2025-07-15", "VN:40", nationality="TH"),
            uuid=person.uuid,
            version=2,
        ),
        _envelope(
            fake,
            "seizures",
            _seizure(case.uuid, "41000.5", "2025-07-15", "VN:40"),
            uuid=seizure.uuid,
            version=2,
        ),
    )
    check_every_figure(units)

    def recall(e: Envelope) -> Envelope:
        time_later = env.utc_stamp()
        return _envelope(
            fake, e.kind, {}, uuid=e.uuid, op="recall", issued_at=time_later, version=3
        )

    _apply(peer, fake, recall(second))  # one seizure
    _apply(peer, fake, recall(other))  # one person
    check_every_figure(units)
    _apply(peer, fake, recall(case))  # the case, with what is left of it
    assert not Person.objects.filter(case__case_ref="LA-J-1").exists()
    assert not Tally.objects.filter(
        province__code="VN:40", span="D", start=dt.date(2025, 7, 15)
    ).exists()
    check_every_figure(units)


# --- counting everything again ------------------------------------------------------------


def test_the_migration_and_liaison_tallies_count_existing_records(dataset, units, capsys) -> None:  # type: ignore[no-untyped-def]
    kept = tallies.stored_tallies()
    assert kept
    Tally.objects.all().delete()  # as before the migration: records, no tallies
    migration = importlib.import_module("liaison.crime.migrations.0007_statistics_tallies")
    migration.count_records(django_apps, None)
    assert tallies.stored_tallies() == kept
    check_every_figure(units)

    assert liaison(["tallies", "--check"]) == 0
    cell = Tally.objects.filter(kind="seizure").first()
    assert cell is not None
    Tally.objects.filter(pk=cell.pk).update(quantity=cell.quantity + 1)
    assert liaison(["tallies", "--check"]) == 1
    assert "1 tally cells differ" in capsys.readouterr().err
    assert liaison(["tallies", "--rebuild"]) == 0
    assert tallies.stored_tallies() == kept
    assert liaison(["tallies"]) == 2


def test_seeded_records_are_counted(units) -> None:  # type: ignore[no-untyped-def]
    from liaison.crime.synthetic import generate

    generate(300, 2, 5, end=dt.date(2025, 12, 31))
    assert Tally.objects.exists()
    check_every_figure(units)
