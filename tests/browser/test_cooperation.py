"""Main cooperation screens in a real browser, in Vietnamese and Lao: hotline (send from a
template, read the thread), wanted notices (issue, record a step, refused out-of-order step),
assistance requests (a missing field is named), joint cases (open, add an entry), and
releasing a case to a partner from the case's own page."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from uuid import UUID

import pytest

from tests.browser.conftest import sign_in
from tests.processes import NodeProcess

USER = "officer"  # province police officer made by `liaison demo_users`


def _language(page, code: str) -> None:  # type: ignore[no-untyped-def]
    if page.locator("html").get_attribute("lang") != code:
        with page.expect_navigation():
            page.select_option("#language-select", code)
    assert page.locator("html").get_attribute("lang") == code


@pytest.fixture
def officer_page(page, served_node) -> Iterator[object]:  # type: ignore[no-untyped-def]
    sign_in(page, served_node, username=USER)
    yield page
    # Leave the shared node as other tests expect it: the officer back in English.
    page.goto(f"{served_node.url}/")
    _language(page, "en")


def test_hotline_in_vietnamese_and_lao(officer_page, served_node) -> None:  # type: ignore[no-untyped-def]
    page = officer_page
    page.goto(f"{served_node.url}/hotline/")
    _language(page, "vi")
    assert page.locator("h1").first.inner_text().startswith("Đường dây nóng")
    channels = page.locator("#channels tbody tr")
    assert channels.count() >= 1
    with page.expect_navigation():
        channels.first.locator("a").first.click()
    # Fill the "request to verify a person" template and send it.
    with page.expect_navigation():
        page.locator("a.btn", has_text="Đề nghị xác minh").click()
    page.fill("input[name=name]", "Vừ Bá Lầu")
    page.fill("input[name=birth_date]", "1985")
    with page.expect_navigation():
        page.click("form.filters button")
    assert "Vừ Bá Lầu" in page.input_value("#id_subject")
    assert "ກວດສອບຕົວຕົນ" in page.input_value("#id_body")  # the Lao half of the template
    with page.expect_navigation():
        page.click("#send-form button[type=submit]")
    assert "Đã gửi tin." in page.locator(".messages").inner_text()
    assert "Vừ Bá Lầu" in page.locator("#messages").inner_text()
    _language(page, "lo")
    assert "ລະດັບຄວາມດ່ວນ" in page.locator("#messages").inner_text()  # "priority"
    with page.expect_navigation():
        page.locator("#messages a", has_text="Vừ Bá Lầu").first.click()
    assert "ເວລາຢືນຢັນ" in page.locator("main").inner_text()  # time to acknowledge


def test_wanted_notice_in_lao_and_vietnamese(officer_page, served_node) -> None:  # type: ignore[no-untyped-def]
    page = officer_page
    page.goto(f"{served_node.url}/wanted/new/")
    _language(page, "lo")
    assert page.locator("h1").inner_text() == "ແຈ້ງການຈັບກຸມໃໝ່"
    page.select_option("#id_notice_type", "red")
    page.fill("#id_full_name", "ສົມພອນ ແກ້ວມະນີ")
    page.fill("#id_latin_name", "Somphone Keomany")
    page.fill("#id_birth_date", "1990-04")
    page.fill("#id_offences", "Trafficking of methamphetamine tablets")
    page.fill("#id_warrant_reference", "W-77")
    page.uncheck("#id_send_to_partner")  # an officer: a supervisor sends it
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "ອອກແຈ້ງການຈັບກຸມແລ້ວ." in page.locator(".messages").inner_text()
    assert page.locator("#notice-status").inner_text() == "ອອກແລ້ວ"
    # Arrested before located without a reason is refused, with the reason asked for.
    page.select_option("#id_status", "arrested")
    with page.expect_navigation():
        page.click("#event-form button")
    assert "ກະລຸນາໃຫ້ເຫດຜົນ" in page.locator("#event-form").inner_text()
    _language(page, "vi")
    page.select_option("#id_status", "located")
    page.fill("#id_place", "Mường Xén")
    with page.expect_navigation():
        page.click("#event-form button")
    assert page.locator("#notice-status").inner_text() == "Đã phát hiện"
    assert "Mường Xén" in page.locator("#timeline").inner_text()
    page.goto(f"{served_node.url}/wanted/?status=located")
    assert "Somphone Keomany" in page.locator("#notices").inner_text()


def test_request_missing_field_named_in_lao(officer_page, served_node) -> None:  # type: ignore[no-untyped-def]
    page = officer_page
    page.goto(f"{served_node.url}/requests/new/")
    _language(page, "lo")
    page.select_option("#id_request_type", "verification")
    page.fill("#id_requesting_authority", "Công an tỉnh")
    with page.expect_navigation():
        page.click("#request-form button[type=submit]")
    text = page.locator("#request-form").inner_text()
    assert "ຕ້ອງມີ" in text and "ຈຸດປະສົງ" in text  # "… must have purpose"
    _language(page, "vi")
    page.goto(f"{served_node.url}/requests/")
    assert page.locator("h1").first.inner_text().startswith("Yêu cầu tương trợ")


def test_joint_case_in_vietnamese(officer_page, served_node) -> None:  # type: ignore[no-untyped-def]
    page = officer_page
    page.goto(f"{served_node.url}/joint/cases/new/")
    _language(page, "vi")
    page.fill("#id_title", "Chuyên án 126LT")
    page.fill("#id_summary", "Đường dây heroin Nghệ An – Xiengkhouang")
    page.uncheck("#id_share_now")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "Đã lập chuyên án chung." in page.locator(".messages").inner_text()
    page.select_option("#id_kind", "timeline")
    page.fill("#entry-form #id_text", "Bắt 2 đối tượng tại Kỳ Sơn")
    with page.expect_navigation():
        page.click("#entry-form button")
    assert "Bắt 2 đối tượng tại Kỳ Sơn" in page.locator("#entries").inner_text()
    _language(page, "lo")
    assert "ລຳດັບເຫດການ" in page.locator("main").inner_text()
    page.goto(f"{served_node.url}/joint/")
    assert "Chuyên án 126LT" in page.locator("#joint-cases").inner_text()


@pytest.fixture(scope="module")
def vn_with_partner(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NodeProcess]:
    """A VN node with a few cases, peered with a served LA node."""
    base = tmp_path_factory.mktemp("share")
    vn = NodeProcess(base / "vn", "VN").init()
    la = NodeProcess(base / "la", "LA").init()
    vn.liaison("seed", "--cases", "6", "--years", "1", "--seed", "4")
    la.start("--no-sync")
    try:
        vn.start("--no-sync")
        fingerprint = " ".join(la.liaison("key", "show").stdout.split()[2:])
        vn.liaison("peer", "add", "LA", la.url, "--fingerprint", fingerprint)
        yield vn
    finally:
        vn.stop()
        la.stop()


def test_supervisor_releases_a_case_from_its_page(page, vn_with_partner) -> None:  # type: ignore[no-untyped-def]
    vn = vn_with_partner
    db = sqlite3.connect(vn.home / "liaison.sqlite3")
    with db:
        case_uuid, person_uuid = db.execute(
            "SELECT c.uuid, p.uuid FROM crime_drugcase c JOIN crime_person p ON p.case_id = c.id"
            " WHERE c.tlp != 'RED' AND p.tlp != 'RED' ORDER BY c.id LIMIT 1"
        ).fetchone()
    sign_in(page, vn, username="admin")
    case_page = f"{vn.url}/crime/cases/{UUID(case_uuid)}/"
    page.goto(case_page)
    assert "Not shared with any partner." in page.locator("#share").inner_text()
    with page.expect_navigation():
        page.click("#share-release")
    assert "RED" not in page.locator("#id_tlp").inner_text()
    page.locator("#partners tr[data-peer=LA] input[type=checkbox]").check()
    page.fill("#id_basis", "MoU of 9 Aug 2021")
    left_out = page.locator(f"#parts input[value='{UUID(person_uuid)}']")
    assert left_out.is_checked()
    left_out.uncheck()
    with page.expect_navigation():
        page.click("#release-form button[type=submit]")
    assert "Released." in page.locator(".messages").inner_text()
    page.goto(case_page)
    assert "on its way to LA" in page.locator("#shared-with").inner_text()
    with db:
        released = {
            UUID(row[0])
            for row in db.execute("SELECT record_uuid FROM exchange_release WHERE state='active'")
        }
    db.close()
    assert UUID(case_uuid) in released and UUID(person_uuid) not in released
