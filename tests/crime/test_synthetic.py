"""`liaison seed`: the per-country facts are data, and the partner comes from the node."""

from __future__ import annotations

import datetime as dt

import pytest

from liaison.core import node
from liaison.core.gazetteer import load_gazetteer
from liaison.crime.models import DrugCase, Person, Seizure
from liaison.crime.synthetic import _places, generate, synthetic_data

pytestmark = pytest.mark.django_db


def _weights(country: str) -> dict[str, float]:
    profile = synthetic_data()["countries"][country]
    return {place.province.code: place.weight for place in _places(country, profile)}


def test_provinces_facing_a_partner_weigh_more(settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("LIAISON_PARTNER_COUNTRIES", raising=False)
    weights = _weights("VN")
    assert len(weights) == 63  # the provinces before the 2025 merger
    assert weights["VN-22"] == 12.0  # Nghệ An faces Laos, the default partner
    assert weights["VN-HN"] == 4.0 and weights["VN-44"] == 1.0
    # A node that works only with Cambodia: the Lao border is not a partner's border.
    settings.NODE = {**settings.NODE, "partner_countries": ["KH"]}
    assert _weights("VN")["VN-22"] == 1.0


def test_seeding_uses_the_countrys_data(units, settings) -> None:  # type: ignore[no-untyped-def]
    counts = generate(120, years=2, seed=11, end=dt.date(2026, 3, 31))
    assert counts["cases"] == DrugCase.objects.count() == 120
    nationals = Person.objects.filter(nationality="VN")
    assert nationals.exists()
    phones = [p for p in nationals.values_list("phones", flat=True) if p]
    assert phones and all(p.startswith("+84 9") for p in phones)
    # Records dated after the merger are filed under the post-merger units.
    late = DrugCase.objects.filter(detected_on__gte=dt.date(2025, 7, 1))
    assert late.exists() and all(c.province.valid_from for c in late.select_related("province"))


@pytest.fixture
def russian_node(units, settings):  # type: ignore[no-untyped-def]
    load_gazetteer(["RU"])
    settings.NODE = {**settings.NODE, "country": "RU"}
    node.this_node.cache_clear()
    yield
    node.this_node.cache_clear()


def test_a_russian_node_seeds_russian_records(russian_node) -> None:  # type: ignore[no-untyped-def]
    counts = generate(150, years=2, seed=5, end=dt.date(2026, 3, 31))
    assert counts["cases"] == 150
    cases = DrugCase.objects.filter(origin_country="RU").select_related("province")
    assert cases.count() == 150 and all(c.province.code.startswith("RU-") for c in cases)
    nationals = Person.objects.filter(nationality="RU")
    # Family, given name and patronymic in Cyrillic; the passport office's romanisation.
    family, given, patronymic = nationals[0].full_name.split()
    assert patronymic.endswith(("вич", "вна"))
    assert nationals[0].latin_name.isascii() and len(nationals[0].latin_name.split()) == 3
    women = nationals.filter(sex="F")
    assert all(p.full_name.split()[2].endswith("вна") for p in women)
    phones = [p for p in nationals.values_list("phones", flat=True) if p]
    assert phones and all(p.startswith("+7 9") and len(p) == len("+7 9123456789") for p in phones)
    drugs = set(Seizure.objects.filter(origin_country="RU").values_list("drug_id", flat=True))
    assert {"synthetic_cathinones", "cannabis_resin"} <= drugs


def test_a_country_without_synthetic_data_is_refused(units, settings) -> None:  # type: ignore[no-untyped-def]
    load_gazetteer(["KH"])
    settings.NODE = {**settings.NODE, "country": "KH"}
    node.this_node.cache_clear()
    try:
        with pytest.raises(ValueError, match="no synthetic data for KH"):
            generate(10, seed=1)
    finally:
        node.this_node.cache_clear()
