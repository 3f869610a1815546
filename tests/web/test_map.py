"""The map: provinces of both eras with their shapes, and layers that follow the reader's
scope (a province officer sees only the records of their unit's subtree)."""

from __future__ import annotations

import json
import re

import pytest

from liaison.core.models import BorderGate
from tests.web.conftest import GATE

pytestmark = pytest.mark.django_db

PERIOD = "date_from=2025-01-01&date_to=2025-12-31"


def _provinces(client) -> dict[str, dict]:  # type: ignore[no-untyped-def]
    response = client.get("/map/provinces.geojson")
    assert response.status_code == 200
    return {f["properties"]["code"]: f for f in response.json()["features"]}


def test_provinces_of_both_eras_and_the_partner_are_drawn(desk, login) -> None:  # type: ignore[no-untyped-def]
    client = login(desk.nghe_an)
    client.cookies["liaison_language"] = "en"
    features = _provinces(client)
    # Nghệ An before and after 1 July 2025, and the Lao provinces it faces.
    assert features["VN-22"]["properties"]["era"] == "before"
    assert features["VN:40"]["properties"]["era"] == "after"
    assert {"LA-HO", "LA-XI", "LA-BL"} <= set(features)
    assert features["LA-XI"]["properties"]["era"] == ""
    # 63 units before the reform, 34 after; each unit of the same name says its era.
    assert sum(1 for c in features if c.startswith("VN-")) == 63
    assert sum(1 for c in features if c.startswith("VN:")) == 34
    assert features["VN-05"]["properties"]["name"].endswith("to Jun 30, 2025)")
    assert features["VN:14"]["properties"]["name"].endswith("from Jul 1, 2025)")
    # Quảng Trị from 2025 is drawn as the union of Quảng Bình and Quảng Trị.
    merged = features["VN:44"]["geometry"]
    assert merged["type"] in ("Polygon", "MultiPolygon")
    assert features["LA-XI"]["properties"]["name"] == "Xiengkhouang (ຊຽງຂວາງ)"


def test_province_names_follow_the_reader_language(desk, login) -> None:  # type: ignore[no-untyped-def]
    client = login(desk.nghe_an)
    client.cookies["liaison_language"] = "vi"
    features = _provinces(client)
    assert features["VN-05"]["properties"]["name"] == "Sơn La (đến 30 thg 6, 2025)"
    assert features["LA-XI"]["properties"]["name"] == "Xiêng Khoảng (ຊຽງຂວາງ)"


def test_layers_follow_the_reader_scope(desk, login) -> None:  # type: ignore[no-untyped-def]
    layers = login(desk.nghe_an).get(f"/map/layers.json?{PERIOD}").json()
    assert set(layers["cases"]) == {"VN-22"}
    assert layers["cases"]["VN-22"]["n"] == 1
    assert "province=VN-22" in layers["cases"]["VN-22"]["casesUrl"]
    assert [h["ref"] for h in layers["hotspots"]] == ["H-1"]
    assert [s["name"] for s in layers["stations"]] == ["Đồn công an Nậm Cắn"]
    assert [p["gates"] for p in layers["patrols"]] == [["Nậm Cắn – Nam Khan"]]

    layers = login(desk.ha_tinh).get(f"/map/layers.json?{PERIOD}").json()
    assert set(layers["cases"]) == {"VN-23"}
    assert [h["ref"] for h in layers["hotspots"]] == ["H-9"]
    assert layers["hotspots"][0]["status"] == "eradicated"
    assert layers["hotspots"][0]["approximate"] is True  # no coordinates: province centre
    assert layers["patrols"] == [] and layers["stations"] == []

    layers = login(desk.analyst).get(f"/map/layers.json?{PERIOD}").json()
    assert set(layers["cases"]) == {"VN-22", "VN-23"}
    assert {h["status"] for h in layers["hotspots"]} == {"active", "eradicated"}


def test_the_period_chooses_the_cases(desk, login) -> None:  # type: ignore[no-untyped-def]
    client = login(desk.analyst)
    layers = client.get("/map/layers.json?date_from=2025-04-01&date_to=2025-04-30").json()
    assert set(layers["cases"]) == {"VN-23"}
    assert layers["patrols"] == []  # the patrol was in March


def test_every_gate_has_a_position_and_links_to_its_patrols(desk, login) -> None:  # type: ignore[no-untyped-def]
    assert BorderGate.objects.count() == 10
    assert not BorderGate.objects.filter(latitude__isnull=True).exists()
    layers = login(desk.nghe_an).get(f"/map/layers.json?{PERIOD}").json()
    gates = {g["name"]: g for g in layers["gates"]}
    assert len(gates) == 10 and not any(g["approximate"] for g in gates.values())
    nam_can = gates["Nậm Cắn – Nam Khan"]
    assert 19.0 < nam_can["lat"] < 19.5 and 104.0 < nam_can["lon"] < 104.5
    assert [p["url"] for p in nam_can["patrols"]] == [f"/joint/patrols/{desk.patrol.uuid}/"]


def test_map_page_has_no_inline_script(desk, login) -> None:  # type: ignore[no-untyped-def]
    response = login(desk.nghe_an).get("/map/")
    assert response.status_code == 200
    html = response.content.decode()
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert "/static/vendor/leaflet/leaflet.js" in html
    assert " on" + "change=" not in html


def test_leaflet_is_served_from_node_modules(desk, login) -> None:  # type: ignore[no-untyped-def]
    from django.contrib.staticfiles import finders

    found = finders.find("vendor/leaflet/leaflet.js")
    assert found and "node_modules" in str(found)
    assert finders.find("vendor/cytoscape/cytoscape.min.js")


def test_the_map_needs_a_signed_in_user(db, client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/map/layers.json").status_code == 302


def test_dual_function_stations_sit_at_their_gates_with_the_gate_records(desk, login) -> None:  # type: ignore[no-untyped-def]
    client = login(desk.nghe_an)
    client.cookies["liaison_language"] = "en"
    layers = client.get(f"/map/layers.json?{PERIOD}").json()
    gates = {g["name"]: g for g in layers["gates"]}
    stations = {s["gate"]: s for s in layers["dualStations"]}
    assert set(stations) == set(gates)  # one at each international gate the data lists
    nam_can = stations["Nậm Cắn – Nam Khan"]
    assert nam_can["name"] == "Dual-function station Nậm Cắn"
    assert (nam_can["lat"], nam_can["lon"]) == (gates[GATE]["lat"], gates[GATE]["lon"])
    # Where the position comes from: the commune centre (vietnamadminunits) for Nậm Cắn,
    # the point border-facts.md gives for Cầu Treo.
    assert nam_can["position"] == "position: the gate's, the centre of its commune (gazetteer)"
    assert stations["Cầu Treo – Nam Phao"]["position"] == "position: the gate's (gazetteer)"
    assert [link["url"] for link in nam_can["links"]] == [f"/joint/patrols/{desk.patrol.uuid}/"]
    # The layer is offered on the page, in the reader's language.
    client.cookies["liaison_language"] = "vi"
    page = client.get("/map/").content.decode()
    config = re.search(r'<script id="map-config"[^>]*>(.*?)</script>', page, re.S)
    assert config and json.loads(config.group(1))["labels"]["dualStations"] == "Trạm hai chức năng"
