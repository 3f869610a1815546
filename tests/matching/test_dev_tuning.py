"""Regression cases from the tuning part of benchmarks/data/matching/dev.csv (never the test part)."""

import csv
from pathlib import Path

import pytest

from liaison.matching import (
    DEFAULT_THRESHOLD,
    DateRelation,
    NameBlocker,
    PersonRecord,
    name_keys,
    score_names,
    score_pair,
)
from liaison.matching.scoring import DATE_ADJUST, NAME_WEIGHT

DEV = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "matching" / "dev.csv"


def test_regression_cases_come_from_the_tuning_part() -> None:
    with DEV.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(line for line in fh if not line.startswith("#")))
    part = {r["person"]: r["part"] for r in rows}
    for person in ("ru0275", "ru0072", "vi0100x", "vi0168x", "vi0090x", "vi0009x"):
        assert part[person.rstrip("x")] == "tuning"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("NATAL'YA AVERKOVA", "Аверкова Наталья Евгеньевна"),  # soft sign inside a word
        ("NATALʹYA AVERKOVA", "Аверкова Наталья Евгеньевна"),
        ("Nikolaĭ Andreev", "Андреев Николай Григориевич"),  # ISO 9 breve is no tone mark
        ("Ivan Aparkine", "Апаркин Иван Романович"),  # French passport style
        ("Andrei Amutzew", "Амутцев Андрей Николаевич"),  # German passport style
        ("Kanbouw Phanarin", "ກ້ານບົວ ພານະຣິນ"),
        ("Ka-Chuan Phong-Sa-Li", "ກະຈວນ ພົງສາລີ"),  # syllables hyphenated
        ("Khem-Kat Seua-Non-Kin", "ເຂັມກັດ ເສືອນອນກິນ"),
    ],
)
def test_tuning_true_pairs_match(a: str, b: str) -> None:
    assert score_names(a, b).score >= 0.9


def test_german_passport_style_matches() -> None:
    res = score_pair(
        PersonRecord("a", "Дегольцева Ирина Кирилловна", "1980-02-03"),
        PersonRecord("b", "Irina Degolzewa", "1980-02-03"),
    )
    assert res.score >= DEFAULT_THRESHOLD


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Lê Trường Vu", "Lê Trường Vũ"),  # a bare word in a marked name is a level tone
        ("Võ Gia Hoa", "Võ Gia Hòa"),
        ("Phan Ðông Dao", "Phan Ðông Ðào"),  # Ð (eth) typed for Đ
        ("Đặng Minh Vũ", "Đặng Minh Vu"),
    ],
)
def test_tuning_tone_decoys_stay_below_threshold_on_the_same_birth_date(a: str, b: str) -> None:
    res = score_pair(PersonRecord("a", a, "1971-12-12"), PersonRecord("b", b, "1971-12-12"))
    assert res.score < DEFAULT_THRESHOLD
    assert "different marks: counts against a match" in res.explanation


def test_tone_conflict_carried_by_identity_document() -> None:
    res = score_pair(
        PersonRecord("a", "Nguyễn Văn Hùng", "1971-12-12", "VN", "012345678"),
        PersonRecord("b", "Nguyễn Văn Hưng", "1971-12-12", "VN", "012345678"),
    )
    assert res.score >= DEFAULT_THRESHOLD
    assert "tone-mark conflict Hùng/Hưng" in res.explanation


def test_missing_marks_do_not_conflict() -> None:
    assert score_names("Nguyen Van Hung", "Nguyễn Văn Hùng").score == 1.0
    assert score_names("NGUYEN THI HOA", "Nguyễn Thị Hòa").score == 1.0


FOREIGN = DEV.with_name("foreign.csv")

# Foreign names in Cyrillic / Lao script, from the tuning part of foreign.csv.
FOREIGN_CASES = [
    ("lof3025", "Água Grande", "ອາກວາ ກຣານເດ"),
    ("lof3266", "Yvelines", "ອີເວລິນ"),
    ("lof2286", "Yamaguchi", "ຢາມາກຸຈິ"),
    ("lof3242", "Eşfahān", "ອິສຟາຮານ"),
    ("lof0258", "Cross River", "ຄຣອສ ຣິເວີ"),
    ("lof1638", "Bukomansibi", "ບຸໂຄມັນຊິບິ"),
    ("ruf1818", "Huesca", "Уэска"),
    ("ruf1090", "Murcia", "Мурсия"),
    ("ruf1676", "Tarija", "Тариха"),
]


def test_foreign_regression_cases_come_from_the_tuning_part() -> None:
    with FOREIGN.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(line for line in fh if not line.startswith("#")))
    part = {r["person"]: r["part"] for r in rows}
    for person, _, _ in FOREIGN_CASES:
        assert part[person] == "tuning"


@pytest.mark.parametrize(("person", "latin", "native"), FOREIGN_CASES)
def test_foreign_tuning_pairs_match_by_sound(person: str, latin: str, native: str) -> None:
    res = score_names(latin, native)
    assert res.score >= 0.88
    assert res.notes[0].startswith("names sound alike across scripts")


# Pairs from the tuning part of foreign.csv / dev.csv that were missed before the sound
# keys below (blocking of short names, names written as one word in Lao script, Vietnamese
# đ, ແ as a, ໆ, s before a consonant, a glide before a vowel): each must now be found in
# the index of all tuning-part watchlist names of its language and score as a match.
SEARCH_CASES = [
    ("lof1598", "Bình Phước", "ບິງເຟືອກ"),  # one Lao word for two syllables
    ("lof0347", "Khánh Hòa", "ຄາຍຮົວ"),
    ("lof1045", "Đà Nẵng", "ດານັງ"),  # Vietnamese đ is a d
    ("ruf0484", "Đà Nẵng", "Дананг"),
    ("lof4225", "Maryland", "ແມຣີແລນ"),  # ແ for the a of a foreign name
    ("lof2717", "Scotland", "ສະກັອດແລນ"),
    ("lof1308", "Northland", "ນອດແລນ"),  # of a final cluster Lao writes the first
    ("lof2560", "Lubuskie", "ລູບູສະກີ"),  # s before a consonant keeps a vowel
    ("lof1362", "Narail", "ນາຣາຍ"),  # one consonant more on one side (blocking)
    ("lof4057", "Essaouira", "ເອດຊາອຸຍຣາ"),
    ("lof2906", "Assam", "ອັດສຳ"),  # a doubled s written ດສ
    ("lof1878", "Phayao", "ພະເຍົາ"),  # a name of one consonant
    ("ruf2072", "Jura", "Юра"),  # a glide before a vowel
    ("lo0120", "TEUK KEOKEO", "ຕຶກ ແກວໆ"),  # ໆ repeats the word; ແ as e (Keo)
]


def _tuning_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(line for line in fh if not line.startswith("#")))
    return [r for r in rows if r["part"] == "tuning"]


def test_search_cases_come_from_the_tuning_part() -> None:
    rows = _tuning_rows(FOREIGN) + _tuning_rows(DEV)
    names = {(r["person"], r["name"]) for r in rows}
    for person, latin, native in SEARCH_CASES:
        assert (person, latin) in names
        assert (person, native) in names


@pytest.fixture(scope="module")
def tuning_blockers() -> dict[str, NameBlocker]:
    blockers: dict[str, NameBlocker] = {}
    for path in (FOREIGN, DEV):
        for r in _tuning_rows(path):
            if r["role"] == "watch":
                blockers.setdefault(f"{path.stem}-{r['lang']}", NameBlocker()).add(r["name"])
    return blockers


@pytest.mark.parametrize(("person", "latin", "native"), SEARCH_CASES)
def test_tuning_pairs_are_found_and_match(
    tuning_blockers: dict[str, NameBlocker], person: str, latin: str, native: str
) -> None:
    blocker = tuning_blockers[("foreign-" if person[2] == "f" else "dev-") + person[:2]]
    min_score = (DEFAULT_THRESHOLD - DATE_ADJUST[DateRelation.EXACT]) / NAME_WEIGHT
    found = {
        blocker.names[nid].original: cmp
        for nid, cmp in blocker.similar(name_keys(latin), min_score)
    }
    assert native in found
    res = score_pair(
        PersonRecord("a", latin, "1980-02-03"), PersonRecord("b", native, "1980-02-03")
    )
    assert res.score >= DEFAULT_THRESHOLD
