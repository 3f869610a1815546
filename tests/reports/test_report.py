"""`liaison report`: exact totals from known input, both conversion tables, province
selection across Viet Nam's 2025 merger, briefing wording and the other formats."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import openpyxl
import pytest

from liaison.cli import main as liaison
from liaison.core.models import Province
from liaison.crime import services
from liaison.crime.models import Hotspot, TraffickingRing
from liaison.reports.briefing import approx, format_day, weight, where

pytestmark = pytest.mark.django_db

CASES = """case_ref,detected_on,province,district,commune,summary,joint_case_ref
A1,2024-03-05,VN-22,,,,JC-1
A2,2024-06-10,VN-24,,,,JC-1
A3,2024-07-01,VN-25,,,,
A4,2025-08-01,VN:44,,,,JC-2
A5,2025-09-01,VN:40,,,,
A6,2024-05-05,VN-HN,,,,
A7,2023-12-31,VN-22,,,,
"""
PERSONS = """case_ref,person_ref,full_name,latin_name,sex,birth_date,nationality,id_number,role
A1,P1,Lầu Bá Chư,Lau Ba Chu,M,1988,VN,,defendant
A1,P2,ສົມສັກ,Somsak,M,1990,LA,,defendant
A1,P3,Vi Thị Mai,Vi Thi Mai,F,,VN,,witness
A2,P1,Hồ Văn Nam,Ho Van Nam,M,,,,suspect
A4,P1,王伟,Wang Wei,M,1985,CN,,defendant
A6,P1,Nguyễn Văn An,Nguyen Van An,M,1970,VN,,defendant
A7,P1,ບຸນມີ,Bounmy,M,1970,LA,,defendant
"""
SEIZURES = """case_ref,drug,quantity,unit
A1,methamphetamine_tablets,20000,tablet
A1,methamphetamine_tablets,20000,tablet
A2,heroin,1.5,kg
A3,crystal_methamphetamine,350,g
A4,cannabis_plants,1200,plant
A5,methamphetamine_tablets,5000,tablet
A6,heroin,2,kg
A7,opium,9,kg
"""


FILES = {"cases": "c.csv", "persons": "p.csv", "seizures": "s.csv"}
PERIOD = ("report", "--from", "2024-01-01", "--to", "2025-12-31")


@pytest.fixture
def dataset(units, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for name, text in zip(FILES.values(), (CASES, PERSONS, SEIZURES), strict=True):
        (tmp_path / name).write_text(text, encoding="utf-8")
    files = {kind: str(tmp_path / name) for kind, name in FILES.items()}
    code = liaison(["import", *(x for kind, path in files.items() for x in (kind, path))])
    assert code == 0
    province = Province.objects.get
    services.create_record(
        Hotspot,
        user=None,
        name="Bản X",
        kind="retail",
        province=province(code="VN-22"),
        identified_on=dt.date(2023, 5, 1),
        status="eradicated",
        eradicated_on=dt.date(2024, 5, 1),
    )
    services.create_record(
        Hotspot,
        user=None,
        name="Bản Y",
        kind="den",
        province=province(code="VN-22"),
        identified_on=dt.date(2023, 5, 1),
    )
    services.create_record(
        TraffickingRing,
        user=None,
        name="Ring Z",
        province=province(code="VN:44"),
        status="dismantled",
        dismantled_on=dt.date(2025, 10, 1),
    )


def report(capsys, *args: str) -> dict:  # type: ignore[no-untyped-def, type-arg]
    capsys.readouterr()
    code = liaison(["report", "--from", "2024-01-01", "--to", "2025-12-31", *args])
    out = capsys.readouterr()
    assert code == 0, out.err
    return json.loads(out.out)  # type: ignore[no-any-return]


def test_border_report_totals_exact_with_both_tables(dataset, capsys) -> None:  # type: ignore[no-untyped-def]
    data = report(capsys, "--border-provinces")
    assert {"VN-22", "VN-24", "VN-25", "VN:44", "VN:40"} <= set(data["provinces"])
    assert "VN-HN" not in data["provinces_counted"]
    assert (
        "VN-DN" not in data["provinces_counted"]
    )  # merged into the border unit VN:48, not a border province itself
    assert (data["cases"], data["defendants"], data["foreign_defendants"]) == (5, 3, 2)
    rows = {(r["drug"], r["unit"]): r for r in data["seizures"]}
    assert rows["methamphetamine_tablets", "tablet"]["quantity"] == 45000
    assert rows["methamphetamine_tablets", "tablet"]["kg_equivalent"] == pytest.approx(4.5)
    assert rows["heroin", "kg"]["quantity"] == 1.5
    assert rows["crystal_methamphetamine", "g"]["kg_equivalent"] == pytest.approx(0.35)
    assert rows["cannabis_plants", "plant"]["kg_equivalent"] is None
    assert ("opium", "kg") not in rows  # A7 is before the period
    assert data["kg_equivalent_total"] == pytest.approx(6.35, rel=1e-3)
    assert data["conversion_table"] == "lao-mps-2024"
    assert (data["hotspots_eradicated"], data["rings_dismantled"], data["joint_cases"]) == (1, 1, 2)

    unodc = report(capsys, "--border-provinces", "--table", "unodc-2024")
    assert unodc["conversion_table"] == "unodc-2024"
    assert unodc["kg_equivalent_total"] == pytest.approx(4.05 + 1.5 + 0.35, rel=1e-3)
    assert unodc["cases"] == 5


def test_whole_country_and_province_selection_across_merger(dataset, capsys) -> None:  # type: ignore[no-untyped-def]
    everything = report(capsys)
    assert (everything["cases"], everything["defendants"]) == (6, 4)

    merged = report(capsys, "--province", "VN:44")
    assert merged["provinces"] == ["VN:44"]
    assert set(merged["provinces_counted"]) == {"VN:44", "VN-24", "VN-25"}
    assert merged["cases"] == 3  # A2 and A3 before the merger, A4 after

    quang_binh = report(capsys, "--province", "VN-24")
    assert quang_binh["cases"] == 1
    assert any("VN:44" in note for note in quang_binh["notes"])

    nghe_an = report(capsys, "--province", "VN-22")  # continued unchanged as VN:40
    assert nghe_an["cases"] == 2
    several = report(capsys, "--province", "VN-22", "--province", "VN-HN")
    assert several["cases"] == 3 and several["defendants"] == 3


def test_report_bad_input_exits_2(dataset, capsys) -> None:  # type: ignore[no-untyped-def]
    assert liaison([*PERIOD, "--province", "VN-99"]) == 2
    assert "VN-99" in capsys.readouterr().err
    assert liaison(["report", "--from", "2024-13-01", "--to", "2025-12-31"]) == 2
    assert liaison([*PERIOD, "--table", "nope"]) == 2


def test_rounding_words() -> None:
    assert approx(14128, "en") == "nearly 14,130"
    assert approx(19963, "en") == "more than 19,960"
    assert approx(560, "en") == "560"
    assert approx(1996, "vi") == "gần 2.000"
    assert approx(19963, "vi") == "hơn 19.960"
    assert approx(14128, "lo") == "ເກືອບ 14.130"
    assert approx(19963, "lo") == "ກວ່າ 19.960"
    assert approx(3_012_345, "en") == "more than 3.0 million"
    assert approx(158_900_000, "en") == "158.9 million"
    assert weight(15_890, "en") == "about 15.9 t"
    assert weight(1996.4, "en") == "about 2,000 kg"
    assert weight(1996.4, "vi") == "khoảng 2.000 kg"
    # Russian groups thousands with a no-break space and writes a decimal comma (CLDR).
    assert approx(14128, "ru") == "почти 14\u00a0130"
    assert approx(19963, "ru") == "более 19\u00a0960"
    assert approx(3_012_345, "ru") == "более 3,0 млн"
    assert weight(15_890, "ru") == "около 15,9 т"
    assert weight(6.35, "ru") == "около 6,4 кг"


def test_russian_nouns_agree_with_the_numbers() -> None:
    def border(count: int, partners: list[str]) -> str:
        data = {"provinces": [], "province_count": count, "border_provinces": True}
        return where({**data, "partners": partners}, "ru", {})

    assert border(1, ["LA"]) == "1 приграничной провинции (сопредельное государство — Лаос)"
    assert border(21, ["LA"]).startswith("21 приграничной провинции (")
    assert border(3, ["LA", "KH"]) == (
        "3 приграничных провинций (сопредельные государства — Лаос и Камбоджа)"
    )
    assert border(11, ["LA"]).startswith("11 приграничных провинций")
    some = {"provinces": ["VN-22", "VN-23"], "province_count": 2}
    assert where(some, "ru", {}) == "2 провинций"
    assert where({**some, "province_count": 31}, "ru", {}) == "31 провинции"
    # CLDR's long date, with a narrow no-break space before "г.".
    assert format_day(dt.date(2024, 3, 5), "ru") == "5 марта 2024\u202fг."


def test_markdown_briefing_in_four_languages(dataset, capsys) -> None:  # type: ignore[no-untyped-def]
    texts = {}
    for lang in ("en", "vi", "lo", "ru"):
        capsys.readouterr()
        assert liaison([*PERIOD, "--border-provinces", "--format", "md", "--lang", lang]) == 0
        texts[lang] = capsys.readouterr().out
    assert "detected 5 drug cases with 3 defendants (2 of them foreign nationals)" in texts["en"]
    assert "about 6.4 kg" in texts["en"] and "45,000 synthetic pills" in texts["en"]
    assert "bordering Laos" in texts["en"]
    assert "đã phát hiện 5 vụ án về ma túy với 3 bị can" in texts["vi"]
    assert "giáp Lào" in texts["vi"] and "khoảng 6,4 kg" in texts["vi"]
    assert "ກວດພົບຄະດີຢາເສບຕິດ 5 ຄະດີ" in texts["lo"]
    assert (
        "С 1 января 2024\u202fг. по 31 декабря 2025\u202fг. полицией 9 приграничных провинций"
        in (texts["ru"])
    )
    assert "(сопредельное государство — Лаос)" in texts["ru"]
    assert "выявлено преступлений в сфере незаконного оборота наркотиков — 5" in texts["ru"]
    assert "установлено обвиняемых — 3 (в том числе иностранных граждан — 2)" in texts["ru"]
    assert "— около 6,4 кг, в том числе:" in texts["ru"]
    assert "героин — около 1,5 кг" in texts["ru"]
    # the unit in the reader's language, as in the briefing ("около 1,5 кг")
    assert "| Героин | кг | 1,5 | 1,5 | 1 |" in texts["ru"]
    assert "| tablet |" not in texts["vi"] and " viên |" in texts["vi"]
    assert "| Drug cases | 5 |" in texts["en"]


def test_xlsx_and_pdf(dataset, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "r.xlsx"
    border = [*PERIOD, "--border-provinces"]
    assert liaison([*border, "--format", "xlsx", "--lang", "vi", "--out", str(out)]) == 0
    book = openpyxl.load_workbook(io.BytesIO(out.read_bytes()))
    values = [row[:2] for row in book.worksheets[0].iter_rows(values_only=True)]
    assert ("Số vụ án", 5) in values
    headers = [row for row in book.worksheets[1].iter_rows(values_only=True)][0]
    assert "code" not in headers and "Mã" in headers
    assert liaison([*border, "--format", "xlsx", "--lang", "ru", "--out", str(out)]) == 0
    book = openpyxl.load_workbook(io.BytesIO(out.read_bytes()))
    values = [row[:2] for row in book.worksheets[0].iter_rows(values_only=True)]
    assert ("Преступления, связанные с наркотиками", 5) in values
    pdf = tmp_path / "r.pdf"
    for lang in ("lo", "ru"):
        assert liaison([*border, "--format", "pdf", "--lang", lang, "--out", str(pdf)]) == 0
        assert pdf.read_bytes().startswith(b"%PDF")


def test_border_selection_follows_the_partner_countries(
    dataset, capsys, settings, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("LIAISON_PARTNER_COUNTRIES", raising=False)
    default = report(capsys, "--border-provinces")
    assert default["partners"] == ["LA"] and default["partner"] == "LA"

    # A node that also works with Cambodia: the border selection covers both partners (only
    # the Lao border is in the gazetteer's border data here), and the briefing names both.
    settings.NODE = {**settings.NODE, "partner_countries": ["KH", "LA"]}
    both = report(capsys, "--border-provinces")
    assert both["partners"] == ["KH", "LA"] and both["partner"] is None
    assert both["provinces"] == default["provinces"] and both["cases"] == default["cases"]
    assert liaison([*PERIOD, "--border-provinces", "--format", "md"]) == 0
    assert "bordering Cambodia and Laos" in capsys.readouterr().out

    # One chosen partner: only the provinces facing it.
    cambodia = report(capsys, "--border-provinces", "--partner", "kh")
    assert cambodia["partners"] == ["KH"] and cambodia["provinces"] == []
    assert cambodia["cases"] == 0
    laos = report(capsys, "--border-provinces", "--partner", "LA")
    assert laos["provinces"] == default["provinces"]
    assert liaison([*PERIOD, "--border-provinces", "--partner", "XX"]) == 2


def test_lao_pdf_charts_are_shaped(dataset, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The chart titles and labels come out of the PDF as whole Lao words (pdftotext), never
    broken into dotted circles (U+25CC), and the month labels do not all sit on one line."""
    import shutil
    import subprocess

    from liaison.reports.render import LABELS

    assert shutil.which("pdftotext"), "poppler-utils missing: run scripts/system-deps.sh"
    pdf = tmp_path / "r.pdf"
    border = [*PERIOD, "--border-provinces", "--format", "pdf", "--lang", "lo"]
    assert liaison([*border, "--out", str(pdf)]) == 0
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    labels = LABELS["lo"]
    assert "\u25cc" not in text
    for title in (labels["by_month"], labels["by_drug"], labels["by_province"]):
        assert title in text, title
    assert "ເຮໂຣອີນ" in text or "ເຮໂຣອິນ" in text
