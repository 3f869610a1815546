"""Reverse transcription: a Cyrillic word as a source language would have spelled it.

Russian writes foreign names by sound (Practical Transcription rules: Schulz →
Шульц, Dupont → Дюпон, Krzysztof → Кшиштоф). Read back by the spelling rules of
the language the name came from, the Cyrillic gives a candidate Latin spelling
that a person recognises (Шульц → German "Schulz", Кшиштоф → Polish "Kszysztof").
The matcher compares sound keys (``sound.py``); these spellings explain a match.
"""

from __future__ import annotations

import functools
import re

_WORD = re.compile(r"([\s\-]+)")

_BASE = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "е": "e",
    "ё": "io",
    "ж": "zh",
    "з": "z",
    "и": "i",
    "й": "y",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ъ": "",
    "ы": "y",
    "ь": "",
    "э": "e",
    "ю": "yu",
    "я": "ya",
}
#: per source language, the letters it spells differently from the English-style base
_LANGS: dict[str, dict[str, str]] = {
    "en": {},
    "fr": {
        "ж": "j",
        "у": "ou",
        "ш": "ch",
        "ч": "tch",
        "х": "kh",
        "ю": "u",
        "й": "ill",
        "с": "ss",
        "я": "ia",
    },
    "de": {
        "ж": "sch",
        "ш": "sch",
        "ч": "tsch",
        "ц": "z",
        "х": "ch",
        "в": "w",
        "й": "j",
        "ю": "ü",
        "я": "ja",
        "з": "s",
        "ё": "ö",
    },
    "pl": {
        "ж": "ż",
        "ш": "sz",
        "ч": "cz",
        "щ": "szcz",
        "ц": "c",
        "х": "ch",
        "в": "w",
        "й": "j",
        "ю": "iu",
        "я": "ia",
        "ы": "y",
    },
    # Polivanov back to Hepburn
    "ja": {
        "х": "h",
        "си": "shi",
        "ся": "sha",
        "сю": "shu",
        "сё": "sho",
        "ти": "chi",
        "тя": "cha",
        "тю": "chu",
        "тё": "cho",
        "дзи": "ji",
        "дз": "z",
        "цу": "tsu",
        "ю": "yu",
        "я": "ya",
        "ё": "yo",
        "й": "i",
    },
    "vi": {
        "з": "d",
        "ч": "ch",
        "ш": "s",
        "ж": "gi",
        "к": "c",
        "х": "h",
        "ы": "ư",
        "нг": "ng",
        "нь": "nh",
        "ть": "ch",
        "тх": "th",
        "ф": "ph",
    },
}
#: languages that read the name back (keys of ``_LANGS``) and their names
SPELLING_LANGUAGES = {
    "en": "English",
    "fr": "French",
    "de": "German",
    "pl": "Polish",
    "ja": "Japanese",
    "vi": "Vietnamese",
}


def spelled_back(text: str, lang: str) -> str:
    """A whole Cyrillic name spelled back by ``lang`` (other words kept as written)."""
    if lang not in SPELLING_LANGUAGES:
        return ""
    return "".join(
        latin_spelling(part, lang) if any("\u0400" <= c <= "\u04ff" for c in part) else part
        for part in _WORD.split(text)
    )


@functools.lru_cache(maxsize=50_000)
def latin_spelling(word: str, lang: str) -> str:
    """``word`` (Cyrillic) spelled back by the rules of ``lang`` (a ``SPELLING_LANGUAGES`` key).

    >>> latin_spelling("Шульц", "de"), latin_spelling("Кшиштоф", "pl")
    ('Schulz', 'Kszysztof')
    """
    table = {**_BASE, **_LANGS[lang]}
    w = word.lower()
    out: list[str] = []
    i = 0
    while i < len(w):
        three, pair = w[i : i + 3], w[i : i + 2]
        if len(three) == 3 and three in table:
            out.append(table[three])
            i += 3
            continue
        if len(pair) == 2 and pair in table:
            out.append(table[pair])
            i += 2
            continue
        ch = w[i]
        if lang == "pl" and ch == "и" and i > 0 and w[i - 1] in "шжчц":
            out.append("y")  # Polish writes the hard i after sz, ż, cz, c as y
        else:
            out.append(table.get(ch, ch))
        i += 1
    text = "".join(out)
    if lang == "fr" and text.endswith(("on", "an", "en")) and len(text) > 3:
        text += "t"  # French names end silently: Дюпон was Dupont more often than Dupon
    return text[:1].upper() + text[1:]


def latin_spellings(word: str) -> dict[str, str]:
    """Candidate Latin spellings of a Cyrillic word, one per source language."""
    return {lang: latin_spelling(word, lang) for lang in SPELLING_LANGUAGES}
