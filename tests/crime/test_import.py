"""`liaison import`: happy path, idempotency, XLSX, and every kind of bad input."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command

from liaison.cli import main as liaison
from liaison.core.models import AuditEntry
from liaison.crime.models import DrugCase, Person, Seizure

pytestmark = pytest.mark.django_db

CASES = """case_ref,detected_on,province,district,commune,summary,joint_case_ref
NA-2024-001,2024-03-05,VN-22,Kỳ Sơn,Nậm Cắn,"Bắt quả tang vận chuyển 20.000 viên hồng phiến",
NA-2024-002,2024-03-09,VN:40,Tương Dương,,Heroin qua biên giới,JC-2024-01
HT-2024-001,2024-04-01,VN-23,Hương Sơn,,Ma túy đá,
QT-2025-001,2025-08-01,VN:44,,,Sau sáp nhập,
"""
PERSONS = """case_ref,person_ref,full_name,latin_name,sex,birth_date,nationality,id_number,role
NA-2024-001,P1,Lầu Bá Chư,Lau Ba Chu,M,1988,VN,040088001234,defendant
NA-2024-001,P2,ສົມສັກ ແກ້ວມະນີ,Somsak Keomany,M,1990-05,LA,,defendant
NA-2024-002,P1,Vi Văn Hùng,Vi Van Hung,M,1979-11-02,VN,,suspect
HT-2024-001,P1,Trần Thị Hoa,Tran Thi Hoa,F,,VN,,witness
"""
SEIZURES = """case_ref,drug,quantity,unit
NA-2024-001,methamphetamine_tablets,20000,tablet
NA-2024-001,methamphetamine_tablets,20000,tablet
NA-2024-002,heroin,1.5,kg
HT-2024-001,crystal_methamphetamine,350,g
"""


def write(tmp_path: Path, name: str, text: str | bytes) -> str:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return str(path)


def snapshot() -> tuple[int, int, int]:
    return DrugCase.objects.count(), Person.objects.count(), Seizure.objects.count()


def test_import_happy_path_and_idempotent(units, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    cases = write(tmp_path, "cases.csv", CASES)
    persons = write(tmp_path, "persons.csv", PERSONS)
    seizures = write(tmp_path, "seizures.csv", SEIZURES)
    assert liaison(["import", "cases", cases]) == 0
    assert liaison(["import", "persons", persons]) == 0
    assert liaison(["import", "seizures", seizures]) == 0
    assert snapshot() == (4, 4, 4)

    case = DrugCase.objects.get(case_ref="NA-2024-002")
    assert case.province.code == "VN-22"  # VN:40 on a 2024 date is the pre-merger Nghệ An
    assert case.joint_case_ref == "JC-2024-01"
    assert case.owner_unit == units.ministry
    assert DrugCase.objects.get(case_ref="QT-2025-001").province.code == "VN:44"
    person = Person.objects.get(case__case_ref="NA-2024-001", person_ref="P2")
    assert person.full_name == "ສົມສັກ ແກ້ວມະນີ"
    assert (person.birth_date, person.birth_precision, person.birth_year, person.birth_month) == (
        "1990-05",
        "month",
        1990,
        5,
    )
    assert person.detected_on.isoformat() == "2024-03-05"
    assert person.province.code == "VN-22"
    heroin = Seizure.objects.get(drug_id="heroin")
    assert heroin.quantity == Decimal("1.5")
    assert Seizure.objects.filter(drug_id="methamphetamine_tablets").count() == 2

    # The same files again (and all three together) add nothing.
    for kind, path in (("cases", cases), ("persons", persons), ("seizures", seizures)):
        assert liaison(["import", kind, path]) == 0
    assert liaison(["import", "cases", cases, "persons", persons, "seizures", seizures]) == 0
    assert snapshot() == (4, 4, 4)
    assert "already present" in capsys.readouterr().out
    assert AuditEntry.objects.filter(action="crime.import").count() >= 3


def test_import_of_several_files_together_and_as_user(units, make_user, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    user = make_user(units.nghe_an, username="na_officer")
    cases = write(tmp_path, "cases.csv", CASES)
    persons = write(tmp_path, "persons.csv", PERSONS)
    seizures = write(tmp_path, "seizures.csv", SEIZURES)
    # persons and seizures refer to cases that are only in the cases file of this import
    files = ["seizures", seizures, "persons", persons, "cases", cases]
    code = liaison(["import", *files, "--as", "na_officer"])
    assert code == 0
    assert snapshot() == (4, 4, 4)
    assert set(DrugCase.objects.values_list("owner_unit", flat=True)) == {user.unit_id}


def test_xlsx_import(units, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "cases"
    import datetime as dt

    sheet.append(
        ["Case_Ref", "detected_on", "province", "district", "commune", "summary", "joint_case_ref"]
    )
    sheet.append(["X-1", dt.datetime(2023, 1, 2), "LA-XI", None, None, "xlsx date cell", None])
    sheet.append(["X-2", "2023-02-03", "VN-71", "Mường Chà", None, None, None])
    seizures = book.create_sheet("seizures")
    seizures.append(["case_ref", "drug", "quantity", "unit"])
    seizures.append(["X-1", "opium", 2.25, "kg"])
    seizures.append(["X-2", "cannabis_plants", 1200, "plant"])
    buffer = io.BytesIO()
    book.save(buffer)
    path = write(tmp_path, "book.xlsx", buffer.getvalue())
    assert liaison(["import", "cases", path, "seizures", path]) == 0
    assert DrugCase.objects.get(case_ref="X-1").province.code == "LA-XI"
    assert Seizure.objects.get(drug_id="opium").quantity == Decimal("2.25")
    assert Seizure.objects.get(drug_id="cannabis_plants").quantity == Decimal(1200)


BAD_CASES = """case_ref,detected_on,province,district,commune,summary,joint_case_ref
B-1,2024-13-01,VN-22,,,,
B-2,2099-01-01,VN-22,,,,
B-3,2024-01-01,VN-99,,,,
B-4,2025-09-01,VN-24,,,,
B-5,yesterday,XX,,,,
B-1,2024-01-01,VN-22,,,,
,2024-01-01,VN-22,,,,
OK-1,2024-01-01,VN-22,,,,
"""


def run_bad(capsys, *args: str) -> tuple[int, list[str]]:  # type: ignore[no-untyped-def]
    before = snapshot()
    audit_before = AuditEntry.objects.count()
    code = liaison(["import", *args])
    assert snapshot() == before, "nothing may be saved"
    assert AuditEntry.objects.count() == audit_before
    return code, capsys.readouterr().err.strip().splitlines()


def test_bad_cases_report_every_problem(units, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path, "cases.csv", BAD_CASES)
    code, lines = run_bad(capsys, "cases", path)
    assert code == 2
    assert lines[0].endswith("cases.csv: 8 problems, nothing imported")
    problems = "\n".join(lines[1:])
    assert "cases.csv row 2 field detected_on: not a date" in problems
    assert "cases.csv row 3 field detected_on: date in the future" in problems
    assert "cases.csv row 4 field province: unknown province code" in problems
    assert "cases.csv row 5 field province:" in problems and "merged" in problems
    assert "cases.csv row 6 field detected_on" in problems
    assert "cases.csv row 6 field province" in problems  # both problems of one row
    assert "cases.csv row 7 field case_ref: 'B-1' repeats row 2" in problems
    assert "cases.csv row 8 field case_ref: missing value" in problems
    assert len(lines) == 9


def test_bad_seizures(units, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    write(tmp_path, "cases.csv", CASES)
    assert liaison(["import", "cases", str(tmp_path / "cases.csv")]) == 0
    capsys.readouterr()
    path = write(
        tmp_path,
        "seizures.csv",
        "case_ref,drug,quantity,unit\n"
        "NA-2024-001,yaba,10,tablet\n"
        "NA-2024-001,heroin,-2,kg\n"
        "NA-2024-001,heroin,abc,kg\n"
        "NA-2024-001,heroin,2,pound\n"
        "NA-2024-001,heroin,1.234,kg\n"
        "NA-2024-001,heroin,0,kg\n",
    )
    code, lines = run_bad(capsys, "seizures", path)
    assert code == 2
    assert lines[0].endswith("seizures.csv: 5 problems, nothing imported")
    text = "\n".join(lines)
    assert "row 2 field drug: unknown drug code 'yaba'" in text
    assert "row 3 field quantity: negative quantity" in text
    assert "row 4 field quantity: not a number" in text
    assert "row 5 field unit: unknown unit 'pound'" in text
    assert "row 7 field quantity: quantity must be greater than 0" in text


def test_person_without_case(units, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write(
        tmp_path,
        "persons.csv",
        "case_ref,person_ref,full_name,latin_name,sex,birth_date,nationality,id_number,role\n"
        "NOPE-1,P1,Nguyễn Văn A,Nguyen Van A,M,1980,VN,,defendant\n"
        "NOPE-1,P2,Nguyễn Văn B,Nguyen Van B,X,19800,VNM,,boss\n",
    )
    code, lines = run_bad(capsys, "persons", path)
    assert code == 2
    text = "\n".join(lines)
    unknown_case = "case 'NOPE-1' is neither on this node nor in the cases file"
    assert f"persons.csv row 2 field case_ref: {unknown_case}" in text
    for field in ("sex", "birth_date", "nationality", "role"):
        assert f"persons.csv row 3 field {field}:" in text
    assert lines[0].endswith("6 problems, nothing imported")


def test_atomic_across_files(units, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    cases = write(tmp_path, "cases.csv", CASES)
    seizures = write(tmp_path, "seizures.csv", SEIZURES + "NA-2024-001,heroin,x,kg\n")
    code, lines = run_bad(capsys, "cases", cases, "seizures", seizures)
    assert code == 2 and "seizures.csv row 6 field quantity" in lines[1]
    assert DrugCase.objects.count() == 0


def test_not_utf8_and_malformed_xlsx_and_missing_column(units, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    summary = "Bắt quả tang vận chuyển 20.000 viên hồng phiến"
    text = CASES.replace("Kỳ Sơn", "Ky Son").replace(summary, "café")
    latin1 = write(tmp_path, "cases.csv", text.encode("latin-1", errors="replace"))
    code, lines = run_bad(capsys, "cases", latin1)
    assert code == 2 and "not UTF-8" in lines[1] and "row 2" in lines[1]

    broken = write(tmp_path, "cases.xlsx", b"PK\x03\x04 this is not a workbook")
    code, lines = run_bad(capsys, "cases", broken)
    assert code == 2 and "not a readable XLSX workbook" in "\n".join(lines)

    no_column = write(tmp_path, "seizures.csv", "case_ref,drug,quantity\nA,heroin,1\n")
    code, lines = run_bad(capsys, "seizures", no_column)
    assert code == 2 and "seizures.csv row 1 field unit: missing column" in lines[1]


def test_call_command_raises_bad_input(units, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from liaison.core.commands import BadInput

    path = write(tmp_path, "seizures.csv", "case_ref,drug,quantity,unit\nA,heroin,1,kg\n")
    with pytest.raises(BadInput) as info:
        call_command("import", "seizures", path)
    assert info.value.returncode == 2
