"""Every main page in each UI language (vi, lo, en, ru) read in Chromium: no catalog text of
another language and no English left untranslated may appear. The lists come from the
catalogs themselves: a text counts when the reader's own translation of the same msgid
differs from it. Screenshots go into docs/screens/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.browser.conftest import sign_in
from tests.processes import NodeProcess

ROOT = Path(__file__).resolve().parents[2]
SCREENS = ROOT / "docs" / "screens"
LANGS = ("vi", "lo", "en", "ru")
PAGES = (
    "/",
    "/crime/cases/",
    "/crime/persons/",
    "/crime/seizures/",
    "/crime/hotspots/",
    "/statistics/",
    "/hotline/",
    "/hotline/report/",
    "/requests/",
    "/requests/new/",
    "/wanted/",
    "/joint/",
    "/screening/alerts/",
    "/map/",
    "/links/",
)


def _is_phrase(text: str) -> bool:
    # Short words ("TLP", "kg", "Nghệ An") also occur in data and codes: only phrases count.
    return len(text) >= 14 and " " in text.strip() and "%" not in text and "{" not in text


def _catalogs() -> dict[str, dict[tuple[str, str | None], str]]:
    out: dict[str, dict[tuple[str, str | None], str]] = {lang: {} for lang in LANGS}
    for po in sorted(ROOT.glob("liaison/*/locale/*/LC_MESSAGES/django.po")):
        lang = po.parent.parent.name
        if lang not in out:
            continue
        with po.open("rb") as fh:
            for m in read_po(fh, locale=lang):
                if not m.id or m.pluralizable or not isinstance(m.string, str) or not m.string:
                    continue
                out[lang][(str(m.id), m.context)] = m.string
    return out


def forbidden_texts() -> dict[str, set[str]]:
    """For each language, catalog texts a page in it must not show: another language's
    translation, or the msgid itself, wherever the reader's translation differs."""
    catalogs = _catalogs()
    out: dict[str, set[str]] = {lang: set() for lang in LANGS}
    for lang in LANGS:
        own = catalogs[lang]
        for key, mine in own.items():
            msgid = key[0]
            candidates = {msgid}
            candidates |= {catalogs[o][key] for o in LANGS if o != lang and key in catalogs[o]}
            # The reader's text may legitimately contain the other (a name, a code).
            out[lang] |= {t for t in candidates if t != mine and t not in mine and _is_phrase(t)}
    # A text that some catalog uses as the translation of another msgid is ambiguous.
    for lang in LANGS:
        out[lang] -= set(catalogs[lang].values())
    return out


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NodeProcess]:
    node = NodeProcess(home=tmp_path_factory.mktemp("languages") / "vn", country="VN")
    node.init()
    node.liaison("seed", "--cases", "120", "--years", "1", "--seed", "3")
    node.liaison("cooperation_seed")
    node.start("--no-sync")
    yield node
    node.stop()


def _visible_text(page) -> str:  # type: ignore[no-untyped-def]
    # The language chooser names every language in its own script, by design.
    return str(
        page.evaluate(
            """() => {
                const body = document.body.cloneNode(true);
                body.querySelectorAll('#language-select, script, style, noscript')
                    .forEach(e => e.remove());
                return body.innerText;
            }"""
        )
    )


def _segments(text: str) -> set[str]:
    """The page's texts as the interface writes them: whole lines and table cells, and a
    label before its colon. Records' own words (a Vietnamese case title on a Lao page,
    "Chuyên án chung số 1") are data in their author's language and not matched."""
    out = set()
    for line in text.replace("\t", "\n").splitlines():
        line = line.strip()
        out.add(line)
        out.add(line.split(":")[0].strip())
    return out


def test_no_text_of_another_language_on_any_page(page, node) -> None:  # type: ignore[no-untyped-def]
    forbidden = forbidden_texts()
    assert all(len(forbidden[lang]) > 50 for lang in LANGS)  # the lists are real
    sign_in(page, node)
    page.set_viewport_size({"width": 1280, "height": 900})
    SCREENS.mkdir(parents=True, exist_ok=True)
    found: list[str] = []
    for lang in LANGS:
        page.goto(f"{node.url}/")
        if page.locator("html").get_attribute("lang") != lang:
            with page.expect_navigation():
                page.select_option("#language-select", lang)
        for path in PAGES:
            response = page.goto(f"{node.url}{path}")
            assert response is not None and response.status == 200, (lang, path)
            assert page.locator("html").get_attribute("lang") == lang
            shown = _segments(_visible_text(page))
            found += [f"{lang} {path}: {t!r}" for t in sorted(forbidden[lang] & shown)]
            if path in ("/", "/crime/cases/", "/statistics/", "/hotline/report/"):
                name = path.strip("/").replace("/", "-") or "home"
                page.screenshot(path=str(SCREENS / f"lang-{lang}-{name}.png"), full_page=False)
    assert not found, "\n".join(found)
