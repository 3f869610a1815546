"""A liaison officer signs in, switches to Lao and sees Lao labels."""

from __future__ import annotations

from tests.browser.conftest import sign_in


def test_sign_in_switch_to_lao_and_back(page, served_node) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, served_node)
    assert page.locator("h1").first.inner_text().strip() == "Dashboard"
    with page.expect_navigation():
        page.select_option("#language-select", "lo")
    assert page.locator("html").get_attribute("lang") == "lo"
    assert page.locator("h1").first.inner_text().strip() == "ແຜງຄວບຄຸມ"
    assert "ອອກຈາກລະບົບ" in page.locator("header").inner_text()
    # The choice is kept on the profile: a fresh sign-in comes back in Lao.
    page.context.clear_cookies()
    sign_in(page, served_node)
    assert page.locator("html").get_attribute("lang") == "lo"
    with page.expect_navigation():
        page.select_option("#language-select", "vi")
    assert page.locator("h1").first.inner_text().strip() == "Bảng điều khiển"


def test_switch_to_russian(page, served_node) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, served_node)
    options = page.locator("#language-select option").all_inner_texts()
    assert "Русский" in options
    with page.expect_navigation():
        page.select_option("#language-select", "ru")
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.locator("h1").first.inner_text().strip() == "Сводка"
    header = page.locator("header").inner_text()
    assert "Выйти" in header and "Горячая линия" in header and "Розыск" in header


def test_wrong_password_shows_an_error(page, served_node) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, served_node, password="not-the-password")
    assert page.url.endswith("/login/")
    assert page.locator("[role=alert]").count() == 1
