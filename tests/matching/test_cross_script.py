"""Foreign names written in Cyrillic or Lao script against their Latin spelling."""

import pytest

from liaison.matching import DEFAULT_THRESHOLD, PersonRecord, name_keys, score_names, score_pair
from liaison.matching.index import NameBlocker
from liaison.matching.sound import cyrillic_key, lao_key, latin_key
from liaison.matching.transcribe import latin_spellings


@pytest.mark.parametrize(
    ("native", "latin"),
    [
        ("Жан-Пьер Дюпон", "Jean-Pierre Dupont"),
        ("Кшиштоф", "Krzysztof"),
        ("Шульц", "Schulz"),
        ("Такахаси", "Takahashi"),
        ("Нгуен Ван Хунг", "Nguyen Van Hung"),
        ("Такахаси Кэндзи", "Takahashi Kenji"),
        ("ຫງວຽນ ວັນ ຮຸ່ງ", "Nguyễn Văn Hùng"),
        ("ຫງວຽນ ຝູ ຈ້ອງ", "Nguyễn Phú Trọng"),
        ("ປຣະຍຸດ ຈັນໂອຊາ", "Prayut Chan-o-cha"),
        ("ສີ ຈິ້ນຜິງ", "Xi Jinping"),
        ("ສຸພານຸວົງ", "Souphanouvong"),
    ],
)
def test_foreign_names_match_across_scripts(native: str, latin: str) -> None:
    assert score_names(native, latin).score >= 0.88
    res = score_pair(
        PersonRecord("a", native, "1970-01-02"), PersonRecord("b", latin, "1970-01-02")
    )
    assert res.score >= DEFAULT_THRESHOLD


def test_explanation_names_the_reading() -> None:
    notes = score_names("Кшиштоф", "Krzysztof").notes
    assert notes[0].startswith("names sound alike across scripts")
    assert "Latin name read as Polish spelling (the Cyrillic spelled back: Kszysztof)" in notes


def test_different_names_stay_apart() -> None:
    assert score_names("Жан-Пьер Дюпон", "Jean-Paul Durand").score < 0.7
    assert score_names("Шульц", "Schmidt").score < 0.7
    # a known given-name conflict is not undone by sound (Ilya vs Yuri)
    res = score_pair(
        PersonRecord("a", "Il'ya Stepanov", "1980-01-01"),
        PersonRecord("b", "Степанов Юрий Сергеевич", "1980-01-01"),
    )
    assert res.score < DEFAULT_THRESHOLD


def test_sound_keys_meet() -> None:
    assert latin_key("Krzysztof", "pl") == cyrillic_key("Кшиштоф")
    assert latin_key("Schulz", "de") == cyrillic_key("Шульц")
    assert latin_key("Nguyễn", "vi") == cyrillic_key("Нгуен") == lao_key("ຫງວຽນ")


def test_reverse_transcription_per_language() -> None:
    got = latin_spellings("Шульц")
    assert got["de"] == "Schulz" and got["pl"] == "Szulc"
    assert latin_spellings("Дюпон")["fr"] == "Dupont"
    assert latin_spellings("Такахаси")["ja"] == "Takahashi"


def test_blocker_finds_names_in_the_other_script() -> None:
    blocker = NameBlocker()
    ids = {blocker.add(n): n for n in ("Кшиштоф Ковальский", "ຫງວຽນ ວັນ ຮຸ່ງ", "Иван Петров")}
    found = [ids[i] for i, _ in blocker.similar(name_keys("Krzysztof Kowalski"), 0.7)]
    assert found == ["Кшиштоф Ковальский"]
    found = [ids[i] for i, _ in blocker.similar(name_keys("Nguyen Van Hung"), 0.7)]
    assert found == ["ຫງວຽນ ວັນ ຮຸ່ງ"]
