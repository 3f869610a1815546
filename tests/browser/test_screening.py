"""An officer searches a seeded node's persons by a Latin spelling and finds the record
written in Lao script (or with Vietnamese tone marks), with its score and explanation."""

from __future__ import annotations

import httpx

from tests.browser.conftest import sign_in


def _seeded_person(node) -> dict:  # type: ignore[no-untyped-def]
    node.liaison("seed", "--cases", "50", "--seed", "1")
    token = node.liaison("token", "create", "admin").stdout.strip().splitlines()[-1]
    headers = {"Authorization": f"Bearer {token}"}
    for nationality in ("LA", "VN"):
        items = httpx.get(
            f"{node.url}/api/v1/persons",
            params={"nationality": nationality, "limit": 50},
            headers=headers,
            timeout=30,
        ).json()["items"]
        for item in items:
            if item["latin_name"] and item["latin_name"] != item["full_name"]:
                return item  # type: ignore[no-any-return]
    raise AssertionError("the seeded node has no person with a romanised name")


def test_search_finds_a_person_across_scripts(page, served_node) -> None:  # type: ignore[no-untyped-def]
    person = _seeded_person(served_node)
    sign_in(page, served_node)
    page.click("nav >> text=Person search")
    assert page.url.endswith("/screening/search/")
    # Word order reversed and in Latin script: the stored name is in its original script.
    query = " ".join(reversed(person["latin_name"].split()))
    page.fill("#id_q", query)
    with page.expect_navigation():
        page.click("#person-search button[type=submit]")
    results = page.locator("#search-results tbody")
    assert person["full_name"] in results.inner_text()
    first = results.locator("tr").first
    assert float(first.locator(".score").inner_text()) >= 0.7
    assert "Person" in first.inner_text()  # each result says its kind
    assert "ms)" in page.locator("#search-summary").inner_text()
    # The same page in Lao.
    with page.expect_navigation():
        page.select_option("#language-select", "lo")
    assert page.locator("h1").first.inner_text().strip() == "ຄົ້ນຫາບຸກຄົນ"
    with page.expect_navigation():
        page.select_option("#language-select", "en")
