"""Name keys, scripts, dates and identifiers."""

from __future__ import annotations

import pytest

from liaison.matching import (
    DateRelation,
    InvalidDateError,
    InvalidNationalityError,
    PartialDate,
    Script,
    blocking_keys,
    compare_dates,
    detect_script,
    fold_vietnamese,
    name_keys,
    normalise_id,
    normalise_nationality,
    normalise_phone,
    normalise_plate,
    parse_date,
)


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("Nguyễn Văn Hùng", Script.VIETNAMESE),
        ("Nguyen Van Hung", Script.LATIN),
        ("ທອງລຸນ ສີສຸລິດ", Script.LAO),
        ("Владимир Путин", Script.CYRILLIC),
        ("สมชาย", Script.THAI),
        ("", Script.EMPTY),
        ("  ", Script.EMPTY),
        ("123 !!", Script.UNKNOWN),
    ],
)
def test_detect_script(text: str, script: Script) -> None:
    assert detect_script(text) is script


def test_vietnamese_fold_keeps_marked_form() -> None:
    assert fold_vietnamese("Đặng Thị Hưng") == "dang thi hung"
    keys = name_keys("Đặng Thị Hưng")
    assert [t.fold for t in keys.variants[0]] == ["dang", "thi", "hung"]
    assert keys.variants[0][2].marked == "hưng"
    assert keys.vietnamese_like


def test_lao_script_romanised_with_several_systems() -> None:
    keys = name_keys("ສຸກສະຫວັນ ພົມມະຈັນ")
    assert keys.script is Script.LAO
    assert keys.systems[0] == "lao-moh2020"
    latin = name_keys("Souksavanh Phommachanh")
    assert {t.phon for t in keys.variants[0]} == {t.phon for t in latin.variants[0]}


def test_cyrillic_icao_and_bgn() -> None:
    keys = name_keys("Юрий Жуков")
    folds = {" ".join(t.fold for t in v) for v in keys.variants}
    assert "iurii zhukov" in folds  # ICAO 9303
    assert "yuriy zhukov" in folds  # BGN/PCGN
    assert keys.systems[:2] == ("icao9303", "bgn-pcgn")


def test_passport_latin_variants_share_a_phonetic_key() -> None:
    groups = [
        ["Ivanov", "Ivanovs", "Ivanoff"],
        ["Khabarov", "Habarov"],
        ["Yakovlev", "Iakovlev"],
        ["Yuri", "Iurii", "Yuriy"],
        ["Zhukov", "Jukov"],
    ]
    for group in groups:
        phons = {name_keys(n).variants[0][0].phon for n in group}
        assert len(phons) == 1, group


def test_empty_and_unknown_names_are_neutral() -> None:
    assert name_keys("").empty
    assert name_keys(None).empty
    assert name_keys("☺☺").empty
    assert blocking_keys(name_keys("")) == ([], [], [])


def test_hyphenated_name_has_split_and_joined_variants() -> None:
    keys = name_keys("Xi-xu-lít")
    lens = sorted(len(v) for v in keys.variants)
    assert lens == [1, 3]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1990", PartialDate(1990)),
        ("1990-05", PartialDate(1990, 5)),
        ("1990-05-17", PartialDate(1990, 5, 17)),
        ("", None),
        ("  ", None),
    ],
)
def test_parse_date(text: str, expected: PartialDate | None) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "bad", ["1990-13-45", "1990-02-30", "17/05/1990", "abc", "0999", "90", "3000"]
)
def test_parse_date_rejects(bad: str) -> None:
    with pytest.raises(InvalidDateError) as err:
        parse_date(bad)
    assert err.value.field == "birth_date"


@pytest.mark.parametrize(
    ("a", "b", "rel"),
    [
        ("1990-05-07", "1990-05-07", DateRelation.EXACT),
        ("1990-05-07", "1990-07-05", DateRelation.SWAPPED),
        ("1990", "1990-07-05", DateRelation.COMPATIBLE),
        ("1990-07", "1990-07-05", DateRelation.COMPATIBLE),
        ("1990-05-07", "1991-05-07", DateRelation.YEAR_OFF),
        ("1990-05-07", "1990-09-01", DateRelation.SAME_YEAR),
        ("1990-05-07", "1975-05-07", DateRelation.CONFLICT),
        ("", "1975-05-07", DateRelation.MISSING),
    ],
)
def test_compare_dates(a: str, b: str, rel: DateRelation) -> None:
    assert compare_dates(parse_date(a), parse_date(b)) is rel
    assert compare_dates(parse_date(b), parse_date(a)) is rel


def test_identifiers() -> None:
    assert normalise_id("b 123-456.7") == normalise_id("B1234567") == "B1234567"
    assert normalise_id("") == ""
    assert normalise_phone("0912 345 678") == normalise_phone("+84 912 345 678")
    assert normalise_phone("not a phone") == ""
    assert normalise_plate("29A-123.45") == normalise_plate("29a 12345")
    assert normalise_nationality("vn") == "VN"
    assert normalise_nationality("LAO") == "LA"
    assert normalise_nationality("") == ""
    with pytest.raises(InvalidNationalityError):
        normalise_nationality("Atlantis")
