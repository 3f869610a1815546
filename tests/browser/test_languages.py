"""Every main page in each UI language (vi, lo, en, ru) read in Chromium: no catalog text of
another language and no English left untranslated may appear. The lists come from the
catalogs themselves: a text counts when the reader's own translation of the same msgid
differs from it. Screenshots go into docs/screens/."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from babel.messages.pofile import read_po

from tests.browser.conftest import sign_in
from tests.processes import NodeProcess

ROOT = Path(__file__).resolve().parents[2]
SCREENS = ROOT / "docs" / "screens"
LANGS = ("vi", "lo", "en", "ru")
#: Where the walk starts; it then follows every link of the node's own pages.
START = (
    "/",
    "/password/",
    "/crime/cultivation-sites/",
    "/crime/precursor-incidents/",
    "/screening/search/",
)
#: Addresses that are not pages: actions (POST only), downloads, JSON, other protocols.
NOT_PAGES = re.compile(
    r"^/(api|admin|federation|taxii2|static|attachments|files|logout|language)/"
    r"|/export\.|\.json$|\.geojson$|/(approve|decline|withdraw|reset|reset-second-factor)/$"
)
#: Routes the walk need not reach, with the reason.
UNREACHED_ROUTES = {
    "login/": "visited signed out, before the walk",
    "sign-in/code/": "only during a second-factor sign-in (tests/core)",
    "crime/<slug:kind>/": "the named lists (crime/cases/ …) are the same view",
    "screening/alerts/<int:alert_id>/": "no alert on a node without partners",
    "exchange/releases/bulk/<str:kind>/": "opened by posting a list's selection (test_share_ui)",
}
_IDS = re.compile(r"/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d+)(?=/)")


#: English a page in another language must not show as a whole line or cell.
KNOWN_ENGLISH = {"Version", "code", "Code", "None", "True", "False", "Sent at"}
#: The import files' names, which the import page lists as the format has them.
FORMAT_WORDS = {"cases", "persons", "seizures"}


def raw_choice_values() -> set[str]:
    """Stored values of the models' choices ("tablet", "g", "plant", "F", "eradicated"):
    shown alone, they are a value nobody translated. Upper-case codes (TLP "AMBER", "H0")
    are shown as such by design."""
    from django.apps import apps

    out = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            for value, label in getattr(field, "flatchoices", None) or ():
                text = str(value)
                if not text or text.isdigit() or text == str(label):
                    continue
                if len(text) == 1 or not text.isupper():
                    out.add(text)
    return out


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


#: A hotline message, a wanted notice and a request, so that their pages exist (the seed
#: makes joint cases, patrols, agreements, meetings and projects).
COOPERATION = """
import datetime as dt
from liaison.cooperation import services as c
from liaison.core.models import User
admin = User.objects.get(username="admin")
c.ensure_default_channels()
channel = c.channels_for(admin).filter(level="ministry").first()
c.send_message(admin, channel, subject="Trao đổi thông tin", body="Đề nghị xác minh.")
c.issue_wanted_notice(
    admin, notice_type="red", full_name="Lầu Văn Páo", latin_name="Lau Van Pao",
    birth_date="1980", nationality="VN", offences="Mua bán trái phép chất ma túy",
    warrant_reference="W-1", warrant_date=dt.date.today() - dt.timedelta(days=40),
    believed_country="LA",
)
c.send_request(
    admin, request_type="information", to_country="LA", to_unit_code=channel.partner_unit_code,
    to_unit_name=channel.partner_unit_name, requesting_authority="Bộ Công an",
    investigation_subject="Đường dây", investigating_authority="Công an Nghệ An",
    facts_summary="Tóm tắt", assistance_sought="Thông tin", purpose="Điều tra",
)
"""


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NodeProcess]:
    node = NodeProcess(home=tmp_path_factory.mktemp("languages") / "vn", country="VN")
    node.init()
    node.liaison("seed", "--cases", "120", "--years", "1", "--seed", "3")
    node.liaison("cooperation_seed")
    node.liaison("shell", "-c", COOPERATION)
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


def page_routes() -> set[str]:
    """The routes of the node's HTML pages (from its URL configuration)."""
    from django.urls import URLResolver, get_resolver

    def walk(resolver: URLResolver, prefix: str) -> Iterator[str]:
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                yield from walk(p, prefix + str(p.pattern))
            else:
                yield prefix + str(p.pattern)

    routes = {r for r in walk(get_resolver(), "") if not r.startswith("^")}
    return {r for r in routes if not NOT_PAGES.search("/" + re.sub(r"<[^>]+>", "1", r))}


def _shape(path: str) -> str:
    """A page's address without its record ids and filters: "/crime/cases/*/"; a tab
    ("/joint/?tab=patrols") is a page of its own."""
    parts = urlsplit(path)
    tab = parse_qs(parts.query).get("tab", [""])[0]
    return _IDS.sub("/*", parts.path) + (f"?tab={tab}" if tab else "")


def _links(page, base: str) -> list[str]:  # type: ignore[no-untyped-def]
    hrefs = page.eval_on_selector_all(
        "a[href]", "els => els.map(e => new URL(e.getAttribute('href'), document.baseURI).href)"
    )
    out = []
    for href in hrefs:
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" == base and not NOT_PAGES.search(parts.path):
            out.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return out


def walk_pages(page, base: str, lang: str, screens: bool = False) -> tuple[list[str], list[str]]:  # type: ignore[no-untyped-def]
    """Every page reachable from START through the node's own links, one per address shape
    (a record kind's detail pages are one shape); returns the paths read and, for each, the
    forbidden texts it showed."""
    forbidden = forbidden_texts()[lang]
    if lang != "en":
        forbidden = forbidden | KNOWN_ENGLISH | (raw_choice_values() - FORMAT_WORDS)
    # One address per shape still to read; a plain address wins over a filtered one.
    todo: dict[str, str] = {_shape(p): p for p in START}
    shapes: set[str] = set()
    seen: list[str] = []
    found: list[str] = []
    while todo:
        shape, path = next(iter(todo.items()))
        del todo[shape]
        shapes.add(shape)
        response = page.goto(f"{base}{path}")
        assert response is not None and response.status == 200, (lang, path)
        if "text/html" not in (response.headers.get("content-type") or ""):
            continue
        assert page.locator("html").get_attribute("lang") == lang, (lang, path)
        seen.append(urlsplit(path).path)
        shown = _segments(_visible_text(page))
        found += [f"{lang} {path}: {t!r}" for t in sorted(forbidden & shown)]
        if screens and path in ("/", "/crime/cases/", "/statistics/", "/hotline/report/"):
            name = path.strip("/").replace("/", "-") or "home"
            page.screenshot(path=str(SCREENS / f"lang-{lang}-{name}.png"), full_page=False)
        for link in _links(page, base):
            queued = todo.get(_shape(link))
            plainer = queued is None or len(queued) > len(link)
            if _shape(link) not in shapes and plainer:
                todo[_shape(link)] = link
    return seen, found


def _route(path: str) -> str:
    from django.urls import resolve

    return str(resolve(path).route)


def test_no_text_of_another_language_on_any_page(browser, page, node) -> None:  # type: ignore[no-untyped-def]
    assert all(len(forbidden_texts()[lang]) > 50 for lang in LANGS)  # the lists are real
    found: list[str] = []
    for lang in LANGS:  # the sign-in page, before signing in
        context = browser.new_context()
        context.add_cookies([{"name": "liaison_language", "value": lang, "url": node.url}])
        signed_out = context.new_page()
        signed_out.goto(f"{node.url}/login/")
        assert signed_out.locator("html").get_attribute("lang") == lang
        shown = _segments(_visible_text(signed_out))
        found += [f"{lang} /login/: {t!r}" for t in sorted(forbidden_texts()[lang] & shown)]
        context.close()
    sign_in(page, node)
    page.set_viewport_size({"width": 1280, "height": 900})
    SCREENS.mkdir(parents=True, exist_ok=True)
    for lang in LANGS:
        page.goto(f"{node.url}/")
        if page.locator("html").get_attribute("lang") != lang:
            with page.expect_navigation():
                page.select_option("#language-select", lang)
        seen, problems = walk_pages(page, node.url, lang, screens=True)
        found += problems
        missed = page_routes() - {_route(p) for p in seen} - set(UNREACHED_ROUTES)
        assert not missed, (lang, sorted(missed))
    assert not found, "\n".join(found)
