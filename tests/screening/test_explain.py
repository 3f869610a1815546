"""Match explanations in the reader's language: every reason the matcher gives on the
labelled names reads back as a known code, and every code renders in vi, lo and ru."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest
from django.utils import translation

from liaison.matching import PersonRecord, score_pair
from liaison.matching.reasons import CODES, Reason, reason, structured
from liaison.screening import explain

NAMES = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "matching" / "names.csv"


def labelled_pairs(n: int) -> list[tuple[list[str], list[str]]]:
    with NAMES.open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(line for line in fh if not line.startswith("#"))]
    by_person: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_person.setdefault(row["person"], []).append(row)
    rng = random.Random(3)
    pairs = []
    for _ in range(n):
        a = rng.choice(rows)
        b = rng.choice(by_person[a["person"]] if rng.random() < 0.6 else rows)
        pairs.append(([a["name"], a["birth_date"]], [b["name"], b["birth_date"]]))
    return pairs


def test_every_reason_of_the_matcher_has_a_code() -> None:
    seen: set[str] = set()
    for (name_a, birth_a), (name_b, birth_b) in labelled_pairs(1500):
        res = score_pair(PersonRecord("a", name_a, birth_a), PersonRecord("b", name_b, birth_b))
        for text, found in zip(res.reasons, structured(res.reasons), strict=True):
            assert found.code != "note", text
            seen.add(found.code)
    assert {"names_equal", "names_differ", "birth_date_equal", "compared_as"} <= seen


def test_phrases_read_back_with_their_parameters() -> None:
    assert reason("names similar after romanisation (0.91)") == Reason(
        "names_similar", {"how": "romanised", "score": "0.91"}
    )
    assert reason("Latin name read as Polish spelling (the Cyrillic spelled back: Kszysztof)") == (
        Reason("latin_read_as", {"language": "Polish", "back": "Kszysztof"})
    )
    assert reason("something new") == Reason("note", {"text": "something new"})


@pytest.mark.parametrize("language", ["vi", "lo", "ru"])
def test_every_code_renders_in_the_readers_language(language: str) -> None:
    samples = {
        "names_similar": {"how": "romanised", "score": "0.91"},
        "names_differ": {"score": "0.53"},
        "tone_mark_conflict": {"a": "Long", "b": "Lọng"},
        "gender_form": {"a": "Ivanov", "b": "Ivanova"},
        "equal_words": {"words": "Hung"},
        "compared_as": {"a": "latin", "b": "lao-moh2020"},
        "latin_read_as": {"language": "Polish", "back": "Kszysztof"},
        "name_part": {"n": "1", "m": "3"},
    }
    for code in sorted(CODES - {"note"}):
        r = Reason(code, samples.get(code, {}))
        with translation.override("en"):
            english = explain.render(r)
        with translation.override(language):
            text = explain.render(r)
        assert text and text != english, (language, code, text)
        assert "%(" not in text, (language, code, text)
    with translation.override(language):
        # Numbers in the reader's format.
        assert explain.render(Reason("names_differ", {"score": "0.53"})).count("53") == 1
