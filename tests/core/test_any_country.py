"""Any country pycountry knows can run a node (issue 10 item 1): the gazetteer gives its
first-level subdivisions (ISO 3166-2) named in its own language where a source has the name
and in English; `liaison init --country XX` makes its first units, and the node's language
and time zone follow from the country (Babel/CLDR, zoneinfo). Viet Nam and Laos keep their
full detail."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pycountry
import pytest

from liaison.core.gazetteer import load_gazetteer
from liaison.core.models import Country, Province

CYRILLIC = re.compile(r"^[А-Яа-яЁё][А-Яа-яЁё \-—()]+$")
LATIN = re.compile(r"^[A-Za-z][A-Za-z \-–'()]+$")


def first_level(country: str) -> set[str]:
    return {s.code for s in pycountry.subdivisions.get(country_code=country) if not s.parent_code}


def names(country: str) -> dict[str, tuple[str, str]]:
    rows = Province.objects.filter(country__code=country).values_list("code", "name", "name_en")
    return {code: (name, name_en) for code, name, name_en in rows}


@pytest.mark.django_db
def test_gazetteer_of_any_country() -> None:
    load_gazetteer(["RU", "KH", "TH", "CN", "FR"])
    for country in ("RU", "KH", "TH", "CN", "FR"):
        assert set(names(country)) == first_level(country), country
    ru = names("RU")
    assert ru["RU-MOS"] == ("Московская область", "Moscow Oblast")
    assert ru["RU-SA"] == ("Республика Саха (Якутия)", "Sakha Republic (Yakutia)")
    assert all(CYRILLIC.match(name) and LATIN.match(en) for name, en in ru.values()), ru
    # pycountry's translations in the country's own language, with the ISO name in English.
    assert names("CN")["CN-YN"] == ("云南省", "Yunnan Sheng")
    assert names("TH")["TH-57"] == ("เชียงราย", "Chiang Rai")
    assert names("FR")["FR-IDF"] == ("Île-de-France", "Île-de-France")
    # No source has Khmer names: the ISO name stands for both.
    assert names("KH")["KH-12"] == ("Phnom Penh", "Phnom Penh")
    countries = dict(Country.objects.values_list("code", "name"))
    assert countries["RU"] == "Российская Федерация" and countries["TH"] == "ไทย"
    assert countries["KH"] == "កម្ពុជា" and countries["FR"] == "France"
    # Viet Nam and Laos keep their full detail: both eras, Lao names, the border between them.
    assert Province.objects.filter(country__code="VN").count() == 63 + 34
    la = names("LA")
    assert set(la) == first_level("LA") and la["LA-XI"][0] == "ຊຽງຂວາງ"
    assert Province.objects.filter(code="VN-22", faces__code="LA-XI").exists()


#: country → (UI language, time zone, name of the first unit, of the drug department)
NODES = {
    "RU": (
        "ru",
        "Europe/Moscow",
        "Министерство внутренних дел Российской Федерации",
        "Главное управление по контролю за оборотом наркотиков МВД России",
    ),
    "KH": (
        "en",
        "Asia/Phnom_Penh",
        "National police of Cambodia",
        "Drug control department, national police of Cambodia",
    ),
    "CN": ("en", "Asia/Shanghai", "中华人民共和国公安部", "公安部禁毒局"),
    "FR": (
        "en",
        "Europe/Paris",
        "National police of France",
        "Drug control department, national police of France",
    ),
}

REPORT = """
import django, json
django.setup()
from django.conf import settings
from liaison.core.models import Province, Unit
from liaison.core.node import this_node
units = Unit.objects.order_by("path")
print(json.dumps({
    "country": this_node().country, "language": settings.LANGUAGE_CODE,
    "time_zone": settings.TIME_ZONE, "units": [u.name for u in units[:2]],
    "provinces": sorted(Province.objects.filter(country__code=this_node().country)
        .values_list("code", flat=True)),
}))
"""


def node_env(home: Path) -> dict[str, str]:
    """A node's environment: no language, time zone or database chosen from outside."""
    unset = {"LIAISON_DATABASE_URL", "LIAISON_LANGUAGE", "LIAISON_TIME_ZONE"}
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update(LIAISON_HOME=str(home), LIAISON_FAST_HASHER="1")
    return env


@pytest.mark.federation  # runs `liaison init` in real processes with their own homes
def test_init_any_country(tmp_path: Path) -> None:
    started = {
        country: subprocess.Popen(
            [sys.executable, "-m", "liaison.cli", "init", "--country", country.lower()]
            + ["--name", f"Node {country}"],
            env=node_env(tmp_path / country),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for country in NODES
    }
    for country, process in started.items():
        out, err = process.communicate(timeout=600)
        assert process.returncode == 0, (country, err)
        assert "one-time password" in out
    for country, (language, zone, ministry, department) in NODES.items():
        home = tmp_path / country
        result = subprocess.run(
            [sys.executable, "-c", REPORT], env=node_env(home), capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
        report = json.loads(result.stdout)
        assert report["country"] == country
        assert (report["language"], report["time_zone"]) == (language, zone)
        assert report["units"] == [ministry, department]
        assert set(report["provinces"]) == first_level(country)
    status = subprocess.run(
        [sys.executable, "-m", "liaison.cli", "status", "--json"],
        env=node_env(tmp_path / "RU"),
        capture_output=True,
        text=True,
    )
    assert json.loads(status.stdout)["node"]["country"] == "RU"
