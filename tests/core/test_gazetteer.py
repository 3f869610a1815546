"""Gazetteer: counts, idempotency, code resolution across the 2025 merger, border links."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.utils import translation

from liaison.core.gazetteer import (
    MERGER_DATE,
    GazetteerError,
    border_provinces,
    clear_cache,
    load_gazetteer,
    province_label,
    resolve_province,
    successor_of,
)
from liaison.core.models import (
    BorderGate,
    Commune,
    Country,
    District,
    Province,
    ProvinceSuccession,
)

pytestmark = pytest.mark.django_db

BEFORE = dt.date(2024, 6, 1)
AFTER = dt.date(2025, 9, 1)

# shared/reference/border-facts.md, typed here so the test does not need the shared folder.
LAO_SCRIPT = {
    "LA-PH": "ຜົ້ງສາລີ",
    "LA-LP": "ຫຼວງພະບາງ",
    "LA-HO": "ຫົວພັນ",
    "LA-XI": "ຊຽງຂວາງ",
    "LA-BL": "ບໍລິຄຳໄຊ",
    "LA-KH": "ຄຳມ່ວນ",
    "LA-SV": "ສະຫວັນນະເຂດ",
    "LA-SL": "ສາລະວັນ",
    "LA-XE": "ເຊກອງ",
    "LA-AT": "ອັດຕະປື",
}
BORDER_TABLE = {  # pre-2025 ISO: (stats code, Lao provinces faced, post-2025 unit)
    "VN-71": ("11", {"LA-PH", "LA-LP"}, "VN:11"),
    "VN-05": ("14", {"LA-HO", "LA-LP"}, "VN:14"),
    "VN-21": ("38", {"LA-HO"}, "VN:38"),
    "VN-22": ("40", {"LA-HO", "LA-XI", "LA-BL"}, "VN:40"),
    "VN-23": ("42", {"LA-BL", "LA-KH"}, "VN:42"),
    "VN-24": ("44", {"LA-KH", "LA-SV"}, "VN:44"),
    "VN-25": ("45", {"LA-SV", "LA-SL"}, "VN:44"),
    "VN-26": ("46", {"LA-SL", "LA-XE"}, "VN:46"),
    "VN-27": ("49", {"LA-XE"}, "VN:48"),
    "VN-28": ("62", {"LA-AT", "LA-XE"}, "VN:51"),
}


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    # The lookup cache holds Province rows; a test that reloads inside its rolled-back
    # transaction must not leave rows behind for the next test.
    clear_cache()
    with translation.override("en"):
        yield
    clear_cache()


def _codes(provinces: list[Province]) -> set[str]:
    return {p.code for p in provinces}


# ----------------------------------------------------------------------------- counts


def test_counts() -> None:
    vn = Province.objects.filter(country__code="VN")
    assert vn.filter(valid_to=dt.date(2025, 6, 30), valid_from__isnull=True).count() == 63
    assert vn.filter(valid_from=MERGER_DATE, valid_to__isnull=True).count() == 34
    assert Province.objects.filter(country__code="LA").count() == 18
    assert vn.filter(is_border=True, valid_to__isnull=False).count() == 10
    assert vn.filter(is_border=True, valid_from=MERGER_DATE).count() == 9
    assert vn.filter(valid_from=MERGER_DATE, faces__country__code="LA").distinct().count() == 9
    assert BorderGate.objects.count() == 10
    assert ProvinceSuccession.objects.count() == 63
    assert set(Country.objects.values_list("code", flat=True)) >= {
        "VN",
        "LA",
        "KH",
        "TH",
        "CN",
        "MM",
        "RU",
    }
    assert District.objects.count() > 600
    assert Commune.objects.filter(code__startswith="VN-W2025-", district=None).count() > 3000
    assert Commune.objects.filter(code__startswith="VN-W-", district__isnull=False).count() > 10000


def test_every_pre_merger_province_has_one_successor() -> None:
    for p in Province.objects.filter(country__code="VN", valid_to__isnull=False):
        successions = list(p.successions.all())
        assert len(successions) == 1, p.code
        assert successions[0].effective == MERGER_DATE
        assert successions[0].successor.valid_from == MERGER_DATE


def test_names_and_codes() -> None:
    nghe_an = Province.objects.get(code="VN-22")
    assert (nghe_an.name, nghe_an.name_vi, nghe_an.name_en) == ("Nghệ An", "Nghệ An", "Nghe An")
    assert nghe_an.stats_code == "40"
    assert nghe_an.latitude and nghe_an.longitude
    assert Province.objects.get(code="VN:44").name == "Quảng Trị"
    vientiane = Province.objects.get(code="LA-VT")
    assert vientiane.name_lo == "ນະຄອນຫຼວງວຽງຈັນ"
    assert vientiane.name_en == "Vientiane Capital"
    assert Province.objects.get(code="LA-XI").name_vi == "Xiêng Khoảng"
    assert Country.objects.get(code="LA").name_lo == "ລາວ"
    assert Country.objects.get(code="VN").name_vi == "Việt Nam"
    ky_son = District.objects.get(province__code="VN-22", name="Huyện Kỳ Sơn")
    assert ky_son.code.startswith("VN-D-")
    assert ky_son.name_en == "Ky Son District"
    assert ky_son.communes.filter(name="Xã Mỹ Lý").exists()


def test_lao_script_names_of_border_provinces_match_reference() -> None:
    for code, lao in LAO_SCRIPT.items():
        p = Province.objects.get(code=code)
        assert p.name == lao, code
        assert p.name_lo == lao, code
        assert p.is_border, code


def test_border_table_matches_reference() -> None:
    for iso, (stats, faces, successor) in BORDER_TABLE.items():
        p = Province.objects.get(code=iso)
        assert p.stats_code == stats
        assert p.is_border
        assert _codes(list(p.faces.all())) == faces, iso
        assert successor_of(p, MERGER_DATE).code == successor
    # A post-merger unit faces the union of what its predecessors faced.
    assert _codes(list(Province.objects.get(code="VN:44").faces.all())) == {
        "LA-KH",
        "LA-SV",
        "LA-SL",
    }
    # faces is symmetrical
    assert _codes(list(Province.objects.get(code="LA-XE").faces.all())) == {
        "VN-26",
        "VN-27",
        "VN-28",
        "VN:46",
        "VN:48",
        "VN:51",
    }


def test_gates() -> None:
    gate = BorderGate.objects.get(local_name="Cầu Treo")
    assert gate.partner_name == "Nam Phao"
    assert (gate.province.code, gate.partner_province.code) == ("VN:42", "LA-BL")
    assert gate.latitude == pytest.approx(18.38)
    lao_bao = BorderGate.objects.get(local_name="Lao Bảo")
    assert lao_bao.province.code == "VN:44"  # Quảng Trị as it is today
    assert set(BorderGate.objects.values_list("partner_province__code", flat=True)) == set(
        LAO_SCRIPT
    ) - {"LA-LP"}
    for g in BorderGate.objects.select_related("province", "partner_province"):
        assert g.province.faces.filter(pk=g.partner_province.pk).exists(), g.name


# ----------------------------------------------------------------------------- loading


def test_load_is_idempotent() -> None:
    before = {
        m.__name__: m.objects.count()
        for m in (Country, Province, District, Commune, ProvinceSuccession, BorderGate)
    }
    faces_before = Province.faces.through.objects.count()
    result = load_gazetteer()
    assert set(result.values()) == {0}
    after = {
        m.__name__: m.objects.count()
        for m in (Country, Province, District, Commune, ProvinceSuccession, BorderGate)
    }
    assert after == before
    assert Province.faces.through.objects.count() == faces_before


def test_load_into_an_empty_database_creates_everything_once() -> None:
    for model in (BorderGate, ProvinceSuccession, Commune, District):
        model.objects.all().delete()
    Province.faces.through.objects.all().delete()
    Province.objects.all().delete()
    Country.objects.all().delete()
    result = load_gazetteer()
    assert result["provinces"] == 63 + 34 + 18
    assert result["gates"] == 10
    assert result["successions"] == 63
    assert result["communes"] > 13000
    assert load_gazetteer()["provinces"] == 0


def test_load_repairs_a_changed_name() -> None:
    Province.objects.filter(code="VN-22").update(name_en="wrong")
    result = load_gazetteer()
    assert result["updated"] == 1
    assert Province.objects.get(code="VN-22").name_en == "Nghe An"


def test_unknown_country_is_rejected() -> None:
    with pytest.raises(GazetteerError, match="unknown country code XX"):
        load_gazetteer(["XX"])


# ----------------------------------------------------------------------------- resolution


def test_resolve_iso_codes() -> None:
    assert resolve_province("VN-22").code == "VN-22"
    assert resolve_province(" vn-22 ", BEFORE).code == "VN-22"
    assert resolve_province("la-xi").code == "LA-XI"
    assert resolve_province("LA-XI", AFTER).code == "LA-XI"
    assert resolve_province("VN-22", dt.date(2025, 6, 30)).code == "VN-22"


def test_resolve_statistics_codes_by_date() -> None:
    assert resolve_province("VN:40", BEFORE).code == "VN-22"
    assert resolve_province("VN:40", AFTER).code == "VN:40"
    assert resolve_province("VN:44", dt.date(2025, 6, 30)).code == "VN-24"  # Quảng Bình
    assert resolve_province("VN:44", MERGER_DATE).code == "VN:44"  # Quảng Trị
    assert resolve_province("vn:1", BEFORE).code == "VN-HN"
    assert resolve_province("VN:44").code == "VN:44"  # no date: today


def test_old_iso_code_after_merger_only_when_unchanged() -> None:
    assert resolve_province("VN-22", AFTER).code == "VN:40"  # Nghệ An continued
    assert resolve_province("VN-71", MERGER_DATE).code == "VN:11"  # Điện Biên continued
    with pytest.raises(GazetteerError) as err:
        resolve_province("VN-24", AFTER)
    assert str(err.value) == (
        "VN-24 (Quảng Bình) was merged into Quảng Trị (VN:44) on 1 July 2025; "
        "use VN:44 for records from that date"
    )
    # Same name, new statistics code: the old Quảng Trị is not the new one.
    with pytest.raises(GazetteerError, match=r"^VN-25 \(Quảng Trị\) was merged into Quảng Trị"):
        resolve_province("VN-25", MERGER_DATE)
    with pytest.raises(GazetteerError, match=r"VN-28 \(Kon Tum\) was merged into Quảng Ngãi"):
        resolve_province("VN-28", AFTER)


def test_retired_statistics_code_after_merger() -> None:
    with pytest.raises(GazetteerError) as err:
        resolve_province("VN:45", AFTER)
    assert str(err.value) == (
        "VN:45 (Quảng Trị) was merged into Quảng Trị (VN:44) on 1 July 2025; "
        "use VN:44 for records from that date"
    )


@pytest.mark.parametrize("code", ["VN-99", "XX-01", "LA:01", "VN:999", "", "Nghe An"])
def test_unknown_codes(code: str) -> None:
    with pytest.raises(GazetteerError) as err:
        resolve_province(code, BEFORE)
    assert str(err.value).startswith("unknown province code ")
    assert isinstance(err.value, ValueError)


def test_unknown_code_message() -> None:
    with pytest.raises(GazetteerError, match=r'^unknown province code "VN-99"$'):
        resolve_province("VN-99")


def test_cache_serves_repeated_lookups(django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    resolve_province("VN-22")
    with django_assert_num_queries(0):
        for _ in range(1000):
            resolve_province("VN:40", BEFORE)
            resolve_province("la-xi")
    clear_cache()
    assert resolve_province("VN-22").code == "VN-22"


# ----------------------------------------------------------------------------- border


def test_border_provinces_across_merger() -> None:
    before = border_provinces("VN", "LA", dt.date(2021, 7, 1), dt.date(2024, 6, 30))
    assert _codes(before) == set(BORDER_TABLE)
    after = border_provinces("VN", "LA", MERGER_DATE, AFTER)
    assert _codes(after) == {s for _stats, _faces, s in BORDER_TABLE.values()}
    assert len(after) == 9
    straddling = border_provinces("vn", "la", dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert len(straddling) == 19
    edge = border_provinces("VN", "LA", dt.date(2025, 6, 30), dt.date(2025, 6, 30))
    assert len(edge) == 10
    assert _codes(border_provinces("LA", "VN", BEFORE, AFTER)) == set(LAO_SCRIPT)
    assert border_provinces("VN", "KH", BEFORE, AFTER) == []


# ----------------------------------------------------------------------------- helpers


def test_successor_of() -> None:
    quang_binh = Province.objects.get(code="VN-24")
    assert successor_of(quang_binh, BEFORE) == quang_binh
    assert successor_of(quang_binh, AFTER).code == "VN:44"
    new = Province.objects.get(code="VN:44")
    assert successor_of(new, AFTER) == new
    with pytest.raises(GazetteerError, match="exists only from"):
        successor_of(new, BEFORE)
    la = Province.objects.get(code="LA-HO")
    assert successor_of(la, AFTER) == la


def test_province_label() -> None:
    assert province_label(Province.objects.get(code="VN-22"), "vi") == (
        "Nghệ An (VN-22, until 2025-06-30)"
    )
    assert province_label(Province.objects.get(code="VN:44"), "en") == (
        "Quảng Trị – Quang Tri (VN:44, from 2025-07-01)"
    )
    assert province_label(Province.objects.get(code="LA-HO"), "en") == "ຫົວພັນ – Houaphanh (LA-HO)"
    assert province_label(Province.objects.get(code="LA-HO"), "lo") == "ຫົວພັນ (LA-HO)"


def test_resolve_accepts_a_timestamp() -> None:
    moment = dt.datetime(2025, 7, 1, 8, 30, tzinfo=dt.UTC)
    assert resolve_province("VN:40", moment).code == "VN:40"
    assert resolve_province("VN-22", moment).code == "VN:40"
