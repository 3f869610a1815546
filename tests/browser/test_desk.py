"""The analyst's desk in Chromium: the map (offline boundaries, layers, a province's
records), the link chart (expand one step, export as PNG) and a case timeline, with
screenshots saved into docs/screens/ for the tour (docs/tour.md)."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.processes import NodeProcess

SCREENS = Path(__file__).resolve().parents[2] / "docs" / "screens"


@pytest.fixture(scope="module")
def desk_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NodeProcess]:
    """A node with two years of synthetic records and the cooperation demo records."""
    node = NodeProcess(home=tmp_path_factory.mktemp("desk") / "vn", country="VN")
    node.init()
    node.liaison("seed", "--cases", "800", "--years", "2", "--seed", "7")
    node.liaison("cooperation_seed")
    node.start("--no-sync")
    yield node
    node.stop()


def _db(node: NodeProcess) -> sqlite3.Connection:
    return sqlite3.connect(node.home / "liaison.sqlite3")


def _ring_member(node: NodeProcess) -> str:
    with _db(node) as conn:
        row = conn.execute(
            "SELECT p.uuid FROM crime_person p"
            " JOIN crime_traffickingring_members m ON m.person_id = p.id"
            " WHERE p.phones != '' ORDER BY p.id LIMIT 1"
        ).fetchone()
    return str(uuid.UUID(row[0]))


def _busy_case(node: NodeProcess) -> str:
    with _db(node) as conn:
        row = conn.execute(
            "SELECT c.uuid FROM crime_drugcase c JOIN crime_seizure s ON s.case_id = c.id"
            " GROUP BY c.id ORDER BY count(*) DESC, c.id LIMIT 1"
        ).fetchone()
    return str(uuid.UUID(row[0]))


def _language(page, code: str) -> None:  # type: ignore[no-untyped-def]
    if page.locator("html").get_attribute("lang") != code:
        with page.expect_navigation():
            page.select_option("#language-select", code)
    assert page.locator("html").get_attribute("lang") == code


def test_map_offline_with_layers_and_records(page, desk_node) -> None:  # type: ignore[no-untyped-def]
    outside: list[str] = []
    page.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith(desk_node.url) else None,
    )
    sign_in(page, desk_node)
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{desk_node.url}/map/")
    _language(page, "vi")
    page.wait_for_selector("#map[data-ready='1']", timeout=30_000)
    assert outside == []  # no tiles, fonts or scripts from anywhere else
    # The units from 1 July 2025 (34) and the Lao provinces (17 drawn by Natural Earth).
    assert page.locator("path.province").count() >= 51
    assert page.locator("path.gate").count() == 10
    assert page.locator("path.hotspot-active").count() > 0
    assert page.locator("path.hotspot-eradicated").count() > 0
    control = page.locator(".leaflet-control-layers").inner_text()
    assert "Các tỉnh từ 1 thg 7, 2025" in control and "Cửa khẩu" in control
    # A dual-function station at each gate, drawn above the gate; its popup says where the
    # position comes from.
    assert "Trạm hai chức năng" in control
    assert page.locator(".dual-station").count() == 10
    page.screenshot(path=str(SCREENS / "map.png"))
    page.locator(".dual-station").first.click(force=True)
    station = page.locator(".leaflet-popup-content")
    station.wait_for()
    assert "Trạm hai chức năng" in station.inner_text() and "vị trí" in station.inner_text()
    page.locator(".leaflet-popup-close-button").click()
    expect(station).to_have_count(0)

    # The province of Nghệ An (from 1 July 2025) opens the cases behind its colour.
    page.locator("path.province-VN\\:40").first.click(force=True)
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "Nghệ An" in popup.inner_text()
    with page.expect_navigation():
        popup.get_by_role("link", name="Vụ án").click()
    assert "province=VN%3A40" in page.url or "province=VN:40" in page.url
    assert page.locator("table tbody tr").count() > 0

    # The older era in Lao, for the tour.
    page.goto(f"{desk_node.url}/map/?date_from=2024-01-01&date_to=2025-06-30")
    _language(page, "lo")
    page.wait_for_selector("#map[data-ready='1']", timeout=30_000)
    assert page.locator("path.province-VN-22").count() == 1
    page.screenshot(path=str(SCREENS / "map-lo-before-2025.png"))
    _language(page, "en")


def test_link_chart_expands_and_exports(page, desk_node, tmp_path) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, desk_node)
    page.set_viewport_size({"width": 1400, "height": 1000})
    person = _ring_member(desk_node)
    page.goto(f"{desk_node.url}/links/?start=person:{person}")
    _language(page, "vi")
    page.wait_for_selector("#chart[data-nodes]", timeout=30_000)
    first = int(page.locator("#chart").get_attribute("data-nodes"))
    assert first >= 4  # the person, the case, the ring, the phone…
    ring = page.evaluate("window.liaisonChart.nodes('[kind = \"ring\"]').first().id()")
    page.evaluate(f"window.liaisonChart.getElementById('{ring}').emit('dbltap')")
    # Waited for through the DOM: the page's CSP forbids the eval that wait_for_function uses.
    chart = page.locator("#chart")
    expect(chart).not_to_have_attribute("data-nodes", str(first), timeout=30_000)
    assert int(chart.get_attribute("data-nodes")) > first
    assert "Đường dây" in page.locator("#node-info").inner_text()
    page.screenshot(path=str(SCREENS / "linkchart.png"))
    with page.expect_download() as download:
        page.click("#export-png")
    saved = tmp_path / "chart.png"
    download.value.save_as(saved)
    assert saved.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and saved.stat().st_size > 10_000
    _language(page, "en")


def test_case_timeline_in_lao(page, desk_node) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, desk_node)
    page.set_viewport_size({"width": 1200, "height": 900})
    case = _busy_case(desk_node)
    page.goto(f"{desk_node.url}/timeline/cases/{case}/")
    _language(page, "lo")
    assert page.locator("h1").inner_text().startswith("ລຳດັບເຫດການຂອງຄະດີ")
    items = page.locator("#timeline li")
    assert items.count() >= 3
    assert "ກວດພົບ" in items.first.inner_text()
    page.screenshot(path=str(SCREENS / "timeline-lo.png"), full_page=True)
    _language(page, "en")


def test_not_found_page_is_translated(page, desk_node) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, desk_node)
    page.goto(f"{desk_node.url}/crime/cases/{uuid.uuid4()}/")
    _language(page, "vi")
    assert page.locator("#error-page h1").inner_text() == "Không tìm thấy"
    page.screenshot(path=str(SCREENS / "not-found-vi.png"))
    _language(page, "en")


def test_partner_units_in_the_reader_script_with_the_original(page, desk_node) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, desk_node)
    page.goto(f"{desk_node.url}/hotline/")
    _language(page, "vi")
    text = page.locator("main").inner_text()
    assert "Bộ Chỉ huy Công an tỉnh Hủa Phăn (ກອງບັນຊາການ ປກສ ແຂວງ ຫົວພັນ)" in text
    assert "Bộ An ninh Lào (ກະຊວງປ້ອງກັນຄວາມສະຫງົບ)" in text
    page.goto(f"{desk_node.url}/requests/new/")
    options = page.locator("#id_to_unit option").all_inner_texts()
    assert "Bộ An ninh Lào (ກະຊວງປ້ອງກັນຄວາມສະຫງົບ)" in options
    page.screenshot(path=str(SCREENS / "request-form-partner-units-vi.png"))
    _language(page, "en")
