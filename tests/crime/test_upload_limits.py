"""Uploads are bounded: a file over its limit is refused by its size before it is read (the
import page, person photos, cooperation attachments, the API); XLSX is read as a stream within
row, column, cell and expanded-XML limits; import previews never confirmed are removed."""

from __future__ import annotations

import base64
import io
import os
import time
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from liaison.core import services as core_services
from liaison.core.models import Role
from liaison.crime.importer import ImportFailed, run_import
from liaison.crime.importer.reading import Limits, read_rows

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
HEADER = "case_ref,detected_on,province,district,commune,summary,joint_case_ref\n"


def cases_csv(rows: int) -> str:
    return HEADER + "".join(f"C-{n},2024-03-05,VN-22,,,,\n" for n in range(rows))


def xlsx(rows: int, columns: int = 7, cell: str = "x") -> bytes:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("cases")
    sheet.append(HEADER.strip().split(","))
    for n in range(rows):
        sheet.append([f"C-{n}", "2024-03-05", "VN-22", *[cell] * (columns - 3)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def problems_of(kind: str, name: str, data: bytes) -> list[str]:
    with pytest.raises(ImportFailed) as failed:
        run_import([(kind, name, data)], save=False)
    return [str(p) for p in failed.value.report.problems]


def test_xlsx_expanding_past_the_xml_limit_is_refused_before_it_is_parsed(units, settings) -> None:  # type: ignore[no-untyped-def]
    data = xlsx(3000)
    settings.IMPORT_MAX_XML_BYTES = 100_000
    assert len(data) < 100_000  # small on disk, large once expanded
    (problem,) = problems_of("cases", "big.xlsx", data)
    assert problem.startswith("big.xlsx: the workbook expands to")
    assert "the limit is 0 MB" in problem


def test_row_column_and_cell_limits(units, settings) -> None:  # type: ignore[no-untyped-def]
    settings.IMPORT_MAX_ROWS = 10
    (problem,) = problems_of("cases", "cases.csv", cases_csv(11).encode())
    assert problem == "cases.csv row 12: more than 10 data rows (the limit)"
    (problem,) = problems_of("cases", "cases.xlsx", xlsx(11))
    assert problem == "cases.xlsx row 12: more than 10 data rows (the limit)"
    # Exactly at the limit is accepted.
    assert run_import([("cases", "cases.csv", cases_csv(10).encode())], save=False).ok
    settings.IMPORT_MAX_ROWS = 1000
    (problem,) = problems_of("cases", "wide.xlsx", xlsx(2, columns=70))
    assert problem == "wide.xlsx row 2: more than 64 columns (the limit)"
    (problem,) = problems_of("cases", "long.xlsx", xlsx(2, cell="y" * 10_001))
    assert (
        problem == "long.xlsx row 2 field column 4: a cell of 10001 characters; the limit is 10000"
    )
    problems: list = []
    tight = Limits(rows=5, columns=64, cell_chars=100, xml_bytes=MB)
    assert read_rows("cases", "c.csv", cases_csv(6).encode(), problems, tight) == []
    assert [str(p) for p in problems] == ["c.csv row 7: more than 5 data rows (the limit)"]


def test_import_page_refuses_a_file_over_the_limit_by_its_size(
    units, make_user, login, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.IMPORT_MAX_FILE_BYTES = 1 * MB
    client = login(make_user(units.nghe_an, [Role.OFFICER]))
    big = cases_csv(50_000).encode()
    r = client.post("/crime/import/", {"cases": SimpleUploadedFile("cases.csv", big)})
    html = r.content.decode()
    assert r.status_code == 200 and "report" not in r.context
    assert f"cases.csv is {len(big) / MB:.1f} MB; the limit is 1 MB." in html


def test_a_file_past_the_node_limit_is_dropped_while_it_arrives(
    units, make_user, login, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.UPLOAD_MAX_FILE_BYTES = 1 * MB
    client = login(make_user(units.nghe_an, [Role.OFFICER]))
    big = cases_csv(50_000).encode()
    r = client.post("/crime/import/", {"cases": SimpleUploadedFile("cases.csv", big)})
    assert r.status_code == 200
    assert f"cases.csv is {len(big) / MB:.1f} MB; the limit is 1 MB." in r.content.decode()
    settings.UPLOAD_MAX_REQUEST_BYTES = 1 * MB
    r = client.post("/crime/import/", {"cases": SimpleUploadedFile("cases.csv", big)})
    assert r.status_code == 400


def test_person_photo_is_refused_by_size_before_the_image_is_opened(
    units, make_user, login, settings
) -> None:  # type: ignore[no-untyped-def]
    from liaison.crime.forms import PersonForm

    settings.PHOTO_MAX_BYTES = 1 * MB
    photo = SimpleUploadedFile("face.jpg", b"\xff\xd8\xff" + b"0" * (2 * MB))
    form = PersonForm({"full_name": "A", "tlp": "AMBER", "handling": "H0"}, {"photo": photo})
    assert not form.is_valid()
    assert form.errors["photo"] == ["face.jpg is 2.0 MB; the limit is 1 MB."]


def test_attachments_refused_by_size_on_pages_and_api(units, make_user, login, settings) -> None:  # type: ignore[no-untyped-def]
    from liaison.cooperation import services
    from liaison.cooperation.models import Channel, Message

    settings.COOPERATION_MAX_ATTACHMENT_BYTES = 1 * MB
    services.ensure_default_channels()
    channel = Channel.objects.get(local_unit=units.nghe_an, partner_unit_code="LA-PP-LA-HO")
    officer = make_user(units.nghe_an, [Role.OFFICER])
    scan = b"%PDF-1.4" + b"0" * (2 * MB)
    message = {"priority": "urgent", "subject": "Hỏi", "body": "Nội dung", "tlp": "AMBER"}
    r = login(officer).post(
        f"/hotline/channels/{channel.pk}/",
        {**message, "attachments": SimpleUploadedFile("scan.pdf", scan)},
    )
    assert r.status_code == 200
    assert "scan.pdf is 2.0 MB; the limit is 1 MB." in r.content.decode()
    api = Client(HTTP_AUTHORIZATION=f"Bearer {core_services.create_token(officer)}")
    body = {
        "channel": channel.pk,
        "subject": "Hỏi",
        "body": "x",
        "attachments": [{"name": "scan.pdf", "content_base64": base64.b64encode(scan).decode()}],
    }
    r = api.post("/api/v1/messages", body, content_type="application/json")
    assert r.status_code in (400, 422)
    assert "scan.pdf is 2.0 MB; the limit is 1 MB." in r.content.decode()
    assert Message.objects.count() == 0


def test_abandoned_previews_are_removed(units, make_user, login, settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    old = tmp_path / "imports" / "0123abcd"
    old.mkdir(parents=True)
    (old / "0__cases__cases.csv").write_text(HEADER)
    recent = tmp_path / "imports" / "4567ef01"
    recent.mkdir()
    two_hours_ago = time.time() - 7200
    os.utime(old, (two_hours_ago, two_hours_ago))
    client = login(make_user(units.nghe_an, [Role.OFFICER]))
    r = client.post("/crime/import/", {"cases": SimpleUploadedFile("c.csv", cases_csv(2).encode())})
    token = r.context["token"]
    assert not old.exists() and recent.exists() and (tmp_path / "imports" / token).exists()
    os.utime(recent, (two_hours_ago, two_hours_ago))
    out = io.StringIO()
    call_command("import", "--clean-previews", stdout=out)
    assert "1 abandoned import previews removed" in out.getvalue()
    assert not recent.exists() and (tmp_path / "imports" / token).exists()
