"""Countries as data: this node's country, the countries it works with, and what follows
from a country (its name, UI language and time zone) through pycountry, Babel/CLDR and
zoneinfo.

Which countries a node works with comes from three places, in this order of trust:

1. the countries of its peers (the exchange app registers a source with
   :func:`register_partner_source`; core does not import domain apps);
2. a configured list: ``partner_countries`` in ``node.json`` and/or the environment variable
   ``LIAISON_PARTNER_COUNTRIES`` (``"LA,RU"``), for partners not yet peered;
3. where neither gives anything, the countries the gazetteer's border data pairs with this
   node's country (``data/border_facts.json``), so a fresh node works with its neighbour.

``language_for`` and ``timezone_for`` need no Django app registry: ``settings.py`` uses them.
"""

from __future__ import annotations

import functools
import json
import os
import re
import zoneinfo
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

import pycountry
from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.languages import get_official_languages

__all__ = [
    "country_choices",
    "country_name",
    "is_country",
    "language_for",
    "own_country",
    "partner_countries",
    "register_partner_source",
    "timezone_for",
]

DATA_DIR = Path(__file__).resolve().parent / "data"
PARTNERS_ENV = "LIAISON_PARTNER_COUNTRIES"
FALLBACK_LANGUAGE = "en"
FALLBACK_TIME_ZONE = "UTC"

# An ISO 3166-2 subdivision code ("VN-22", "LA-XI"): its first two letters are the country.
_SUBDIVISION = re.compile(r"^[A-Z]{2}-[A-Z0-9]{1,3}$")

_partner_sources: list[Callable[[], Iterable[str]]] = []


# ----------------------------------------------------------------------------- codes


def _normalise(code: str | None) -> str:
    return (code or "").strip().upper()


def is_country(code: str | None) -> bool:
    """True for an ISO 3166-1 alpha-2 code of a country pycountry knows."""
    text = _normalise(code)
    return len(text) == 2 and pycountry.countries.get(alpha_2=text) is not None


def _codes(values: Iterable[str]) -> set[str]:
    return {_normalise(v) for v in values if is_country(v)}


def _split(text: str) -> list[str]:
    return [part for part in text.replace(";", ",").replace(" ", ",").split(",") if part]


# ----------------------------------------------------------------------------- this node


def _node_settings() -> dict:
    from django.conf import settings

    node = getattr(settings, "NODE", None)
    return node if isinstance(node, dict) else {}


def own_country() -> str:
    """This node's country (ISO 3166-1 alpha-2), or "" before `liaison init`."""
    return _normalise(_node_settings().get("country"))


def register_partner_source(fn: Callable[[], Iterable[str]]) -> None:
    """Add a source of partner countries (called at each :func:`partner_countries`)."""
    if fn not in _partner_sources:
        _partner_sources.append(fn)


def configured_partner_countries(node: dict | None = None) -> list[str]:
    """The partners named in ``node.json`` (``partner_countries``) and the environment."""
    node = _node_settings() if node is None else node
    configured = node.get("partner_countries") or []
    if isinstance(configured, str):
        configured = _split(configured)
    configured = [*configured, *_split(os.environ.get(PARTNERS_ENV, ""))]
    return sorted(_codes(configured))


@functools.cache
def border_pairs() -> tuple[tuple[str, str], ...]:
    """Country pairs the gazetteer's border table links, each once, as the table orients
    them (a province of the first country faces provinces of the second)."""
    with open(DATA_DIR / "border_facts.json", encoding="utf-8") as fh:
        facts = json.load(fh)
    pairs: dict[frozenset[str], tuple[str, str]] = {}
    for key, rows in facts.items():
        if not key.endswith("_border") or not isinstance(rows, list):
            continue
        for row in rows:
            sides = [v for v in row.values() if isinstance(v, str) and _SUBDIVISION.match(v)]
            for own in sides:
                for other in row.get("faces", []):
                    a, b = own[:2], other[:2]
                    if a != b and is_country(a) and is_country(b):
                        pairs.setdefault(frozenset((a, b)), (a, b))
    return tuple(pairs.values())


def neighbours_of(country: str) -> list[str]:
    """Countries the border data pairs with ``country``."""
    country = _normalise(country)
    return sorted({b if a == country else a for a, b in border_pairs() if country in (a, b)})


def own_language(country: str) -> str:
    """The country's first official (or de facto) language in CLDR, "en" if none."""
    languages = get_official_languages(_normalise(country), de_facto=True)
    return str(languages[0]) if languages else FALLBACK_LANGUAGE


def partner_countries() -> list[str]:
    """Sorted ISO codes of the countries this node works with; never its own country."""
    own = own_country()
    found: set[str] = set()
    for source in _partner_sources:
        found |= _codes(source())
    found |= set(configured_partner_countries())
    found.discard(own)
    if not found and own:
        found = set(neighbours_of(own))
    found.discard(own)
    return sorted(found)


# ----------------------------------------------------------------------------- names


def _active_locale() -> str:
    from django.utils import translation

    return translation.to_locale(translation.get_language() or FALLBACK_LANGUAGE)


@functools.lru_cache(maxsize=16)
def _territory_names(locale: str) -> dict[str, str]:
    try:
        return dict(Locale.parse(locale).territories)
    except (UnknownLocaleError, ValueError):
        language = locale.replace("-", "_").split("_")[0]
        if language == locale:
            return {}
        return _territory_names(language)


def country_name(code: str, locale: str | None = None) -> str:
    """The country's name in ``locale`` (default: the active language), from CLDR."""
    code = _normalise(code)
    name = _territory_names(locale or _active_locale()).get(code)
    if name:
        return name
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    return str(getattr(country, "common_name", None) or country.name)


def country_choices(codes: Iterable[str] | None = None) -> list[tuple[str, str]]:
    """``(code, name)`` pairs in the active language, sorted by name; default all countries."""
    if codes is None:
        codes = [c.alpha_2 for c in pycountry.countries]
    locale = _active_locale()
    pairs = [(code, country_name(code, locale)) for code in dict.fromkeys(map(_normalise, codes))]
    return sorted(pairs, key=lambda pair: pair[1].casefold())


# ----------------------------------------------------------------------------- language, zone


def _django_language(babel_code: str) -> str:
    return babel_code.replace("_", "-").lower()


def language_for(country: str | None, available: Iterable[str] | None = None) -> str:
    """The UI language for ``country``: its first official (or de facto) CLDR language the
    node offers (``available``, default ``settings.LANGUAGES``), otherwise English."""
    if available is None:
        from django.conf import settings

        available = [code for code, _name in settings.LANGUAGES]
    offered = {code.lower() for code in available}
    code = _normalise(country)
    if not code:
        return FALLBACK_LANGUAGE
    for language in get_official_languages(code, de_facto=True):
        candidate = _django_language(language)
        for option in (candidate, candidate.split("-")[0]):
            if option in offered:
                return option
    return FALLBACK_LANGUAGE


@functools.cache
def _zone_tab_order() -> dict[str, int]:
    """Position of each zone in tzdata's zone.tab, which lists a country's most populous
    zones first where geography allows."""
    order: dict[str, int] = {}
    for root in zoneinfo.TZPATH:
        path = Path(root) / "zone.tab"
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError:
            continue
        for line in lines:
            fields = line.split("\t")
            if len(fields) >= 3 and not line.startswith("#"):
                order.setdefault(fields[2], len(order))
        break
    return order


def timezone_for(country: str | None) -> str:
    """The IANA time zone for ``country`` from CLDR's territory zones (Babel).

    Where a country spans several zones, the one tzdata's legacy names point to most (e.g.
    ``W-SU`` → ``Europe/Moscow``, ``PRC`` → ``Asia/Shanghai``) is its usual national time,
    then zone.tab's order decides. ``UTC`` for an unknown country.
    """
    code = _normalise(country)
    zones: list[str] = list(get_global("territory_zones").get(code, []))
    if not zones:
        return FALLBACK_TIME_ZONE
    aliases = get_global("zone_aliases")
    legacy_names = Counter(aliases.values())
    order = _zone_tab_order()
    canonical = [aliases.get(z, z) for z in zones]
    canonical.sort(key=lambda z: (-legacy_names[z], order.get(z, len(order)), z))
    for zone in canonical:
        try:
            zoneinfo.ZoneInfo(zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            continue
        return zone
    return FALLBACK_TIME_ZONE
