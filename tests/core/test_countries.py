"""Countries are data: own country, partners from peers / configuration / border data, and
names, languages and time zones from pycountry, Babel/CLDR and zoneinfo."""

from __future__ import annotations

import zoneinfo

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.utils import translation

from liaison.core import countries
from liaison.exchange import envelope as env


def _node(settings, **extra):  # type: ignore[no-untyped-def]
    settings.NODE = {"id": "vn-test0001", "country": "VN", "name": "Test", "url": "", **extra}


def _add_peer(country: str, node_id: str) -> None:
    from liaison.exchange import services

    key = Ed25519PrivateKey.generate()
    identity = {
        "node_id": node_id,
        "country": country,
        "name": f"Test {country}",
        "public_key": env.b64url_encode(env.raw_key(key.public_key())),
        "rotations": [],
    }
    services.add_peer(node_id, "http://127.0.0.1:9", identity)


def test_own_country_comes_from_the_node_settings(settings) -> None:  # type: ignore[no-untyped-def]
    _node(settings)
    assert countries.own_country() == "VN"
    settings.NODE = {"country": "la"}
    assert countries.own_country() == "LA"
    settings.NODE = {}
    assert countries.own_country() == ""


@pytest.mark.django_db
def test_a_fresh_node_works_with_the_country_across_its_border(settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv(countries.PARTNERS_ENV, raising=False)
    _node(settings)
    assert countries.partner_countries() == ["LA"]
    settings.NODE = {"id": "la-test0001", "country": "LA"}
    assert countries.partner_countries() == ["VN"]
    # A country the border table does not pair with anyone has no default partner.
    settings.NODE = {"id": "ru-test0001", "country": "RU"}
    assert countries.partner_countries() == []


@pytest.mark.django_db
def test_configured_partners_replace_the_border_default(settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv(countries.PARTNERS_ENV, raising=False)
    _node(settings, partner_countries=["ru", "KH", "XX", "VN"])
    # Unknown codes and the node's own country are dropped; the rest sorted.
    assert countries.partner_countries() == ["KH", "RU"]
    monkeypatch.setenv(countries.PARTNERS_ENV, "TH, la")
    assert countries.partner_countries() == ["KH", "LA", "RU", "TH"]
    _node(settings, partner_countries="CN;MM")
    assert countries.partner_countries() == ["CN", "LA", "MM", "TH"]


@pytest.mark.django_db
def test_peers_countries_are_partners(settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv(countries.PARTNERS_ENV, raising=False)
    _node(settings)
    _add_peer("RU", "ru-peer0001")
    # A peer exists: the border default no longer applies.
    assert countries.partner_countries() == ["RU"]
    _add_peer("KH", "kh-peer0001")
    monkeypatch.setenv(countries.PARTNERS_ENV, "LA")
    assert countries.partner_countries() == ["KH", "LA", "RU"]


def test_registered_sources_are_asked_and_own_country_left_out(settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv(countries.PARTNERS_ENV, raising=False)
    monkeypatch.setattr(countries, "_partner_sources", [])
    _node(settings)
    countries.register_partner_source(lambda: ["th", "VN", "not a country"])
    assert countries.partner_countries() == ["TH"]


def test_names_follow_the_active_language() -> None:
    with translation.override("vi"):
        assert countries.country_name("LA") == "Lào"
        assert dict(countries.country_choices(["VN", "LA"])) == {"VN": "Việt Nam", "LA": "Lào"}
    with translation.override("lo"):
        assert countries.country_name("VN") == "ຫວຽດນາມ"
    with translation.override("en"):
        assert countries.country_name("RU") == "Russia"
        choices = countries.country_choices()
    assert len(choices) == len({c for c, _n in choices}) >= 249
    names = [n for _c, n in choices]
    assert names == sorted(names, key=str.casefold)
    assert countries.country_name("LA", "ru") == "Лаос"


def test_language_for_a_country_is_one_the_node_offers() -> None:
    assert countries.language_for("VN") == "vi"
    assert countries.language_for("la") == "lo"
    assert countries.language_for("RU") == "ru"
    # Thai is not among settings.LANGUAGES: English.
    assert countries.language_for("TH") == "en"
    assert countries.language_for("RU", ["en", "ru"]) == "ru"
    assert countries.language_for("TW", ["zh-hant", "en"]) == "zh-hant"
    assert countries.language_for("") == "en"
    assert countries.language_for("XX") == "en"


def test_time_zone_for_a_country() -> None:
    assert countries.timezone_for("VN") in {"Asia/Ho_Chi_Minh", "Asia/Saigon"}
    assert countries.timezone_for("LA") == "Asia/Vientiane"
    assert countries.timezone_for("RU") == "Europe/Moscow"
    assert countries.timezone_for("CN") == "Asia/Shanghai"
    assert countries.timezone_for("XX") == "UTC"
    for code in ("KH", "TH", "MM", "US", "AU", "BR"):
        zoneinfo.ZoneInfo(countries.timezone_for(code))


def test_is_country() -> None:
    assert countries.is_country("VN")
    assert countries.is_country("la")
    assert not countries.is_country("XX")
    assert not countries.is_country("VNM")
    assert not countries.is_country("")
    assert not countries.is_country(None)
