"""A cross-script sound key: a name in Latin, Cyrillic or Lao script as coarse sound classes.

Transcription into Cyrillic or Lao script keeps the sounds of a foreign name and
drops its spelling (Schulz → Шульц, Dupont → Дюпон, Nguyễn → Нгуен / ຫງວຽນ).
The key writes every name in one small alphabet where those transcriptions
meet:

* consonant classes ``P`` (p b), ``F`` (f ph), ``V`` (v w), ``T`` (t d th),
  ``S`` (s z sh ch zh j ts, ш щ ж ч ц з с, ສ ຊ ຈ), ``K`` (k g c q kh h, к г х,
  ກ ຂ ຄ ຮ), ``L`` (l r), ``M``, ``N`` (n ng nh ñ);
* vowels ``a`` (a), ``e`` (e i y), ``o`` (o u), a run of vowels kept as its
  first vowel.

A Latin word is spelled by the rules of some language, unknown here, so it gets
one key per *source language* (English, French, German, Polish, Spanish,
Italian, Japanese Hepburn, Vietnamese, and the Lao/Thai romanisations): the
"ch" of Chopin, Bach and Chiba are three sounds. Cyrillic and Lao script are
written as they sound and get one key. The skeleton (consonants only) is the
blocking key; the full key is compared with an edit distance.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from anyascii import anyascii

#: the language hypotheses for Latin spellings (key -> readable name)
LATIN_LANGUAGES: dict[str, str] = {
    "en": "English",
    "fr": "French",
    "de": "German",
    "pl": "Polish",
    "es": "Spanish",
    "it": "Italian",
    "ja": "Japanese",
    "zh": "Chinese pinyin",
    "vi": "Vietnamese",
    "vl": "Vietnamese",
    "lo": "Lao/Thai",
}
#: the source languages tried for a Latin name compared with each script
TARGET_LANGUAGES: dict[str, tuple[str, ...]] = {
    # most specific first: a tie names the language that explains the spelling best;
    # names of Vietnamese syllables only are read by the first two
    "cyrillic": ("vi", "lo", "ja", "zh", "pl", "de", "fr", "es", "it", "en"),
    # Lao writes European names as English reads them, Vietnamese d/gi as y, -nh as -y
    "lao": ("vl", "lo", "zh", "fr", "es", "it", "en"),
}

_VOWEL_CLASS = {"a": "a", "e": "e", "i": "e", "y": "e", "o": "o", "u": "o"}
#: vowels only say that a vowel is there: transcriptions change them most
_VOWEL_ONE = False
_CONSONANT = {
    "b": "P",
    "p": "P",
    "f": "F",
    "v": "V",
    "w": "V",
    "t": "T",
    "d": "T",
    "s": "S",
    "z": "S",
    "c": "K",
    "k": "K",
    "g": "K",
    "q": "K",
    "x": "KS",
    "h": "K",
    "j": "S",
    "l": "L",
    "r": "L",
    "m": "M",
    "n": "N",
}
# Letters with marks that anyascii would read the wrong way for transcription.
_PRE = {
    "ç": "s",
    "ł": "l",
    "ż": "zh",
    "ž": "zh",
    "š": "sh",
    "č": "ch",
    "ć": "ch",
    "ś": "s",
    "ź": "z",
    "ń": "n",
    "ñ": "ny",
    "ş": "sh",
    "ș": "sh",
    "ţ": "ts",
    "ț": "ts",
    "ğ": "",
    "ı": "i",
    "ə": "a",
    "đ": "d",
    "ð": "d",
    "þ": "th",
    "ß": "ss",
    "æ": "e",
    "ø": "o",
    "å": "o",
    "ä": "e",
    "ö": "o",
    "ü": "u",
    "ư": "i",
    "ơ": "e",
    "ą": "on",
    "ę": "en",
}

_V = "aeiouy"


def _rules(*pairs: tuple[str, str]) -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((re.compile(p), r) for p, r in pairs)


# Per source language: spelling -> classes (upper case) before the default letters.
# Rules run in order on the lower-case word; what they leave is read by _CONSONANT.
_COMMON = (
    (r"ph", "F"),
    (r"ck", "K"),
    (r"(.)\1", r"\1"),
)
_LATIN_RULES: dict[str, tuple[tuple[re.Pattern[str], str], ...]] = {
    "en": _rules(
        (r"^x", "S"),
        (r"tch|ch|sh|dj|dg|j", "S"),
        (r"th", "T"),
        (r"wh", "V"),
        (r"(?<=[aeo])w(?![aeiouy])", "o"),
        (r"a(?=[bcdfgklmnprstvz]e$)", "e"),  # Wake Уэйк, Blake Блейк
        (r"c(?=[eiy])", "S"),
        (r"(?<=[aeiou])gh", ""),
        (r"(?<=[aeiou])h(?![aeiou])", ""),
        (r"^y(?=[aeiou])", ""),
        (r"(?<=[^aeiouy])e$", ""),
        (r"qu", "KV"),
        *_COMMON,
    ),
    "fr": _rules(
        (r"(?<=[aeioun])(ts|ds|t|d|s|x|z|p)$", ""),
        (r"(?<=i)er$", "e"),
        (r"(?<=[^aeiou])e$", ""),
        (r"eaux?|aux?", "o"),
        (r"ou", "u"),
        (r"oi", "Va"),  # Loire Луара, Poitiers Пуатье: a w before the a
        (r"ill", "Y"),
        (r"[ae]i(?![aeiou])", "e"),
        (r"gn", "NY"),
        (r"qu|gu(?=[eiy])", "K"),
        (r"ch|j|g(?=[eiy])|c(?=[eiy])", "S"),
        (r"th", "T"),
        (r"h", ""),
        *_COMMON,
    ),
    "de": _rules(
        (r"tsch|sch|tzsch", "S"),
        (r"chs", "KS"),
        (r"ch", "K"),
        (r"tz|z", "S"),
        (r"th", "T"),
        (r"v", "F"),
        (r"qu", "KV"),
        (r"j", "Y"),
        (r"(?<=[aeiou])h", ""),
        *_COMMON,
    ),
    "pl": _rules(
        (r"szcz", "S"),
        (r"sz|cz|rz|dz|dzh|c", "S"),
        (r"ch|h", "K"),
        (r"j", "Y"),
        (r"w", "V"),
        (r"(?<=[^aeiouy])i(?=[aeiou])", ""),
        *_COMMON,
    ),
    "es": _rules(
        (r"^hu(?=[aeiou])|(?<=[aeiou])hu(?=[aeiou])", "V"),
        (r"ch", "S"),
        (r"ll", "Y"),
        (r"qu|gu(?=[ei])", "K"),
        (r"j|g(?=[ei])", "K"),
        (r"c(?=[ei])|z", "S"),
        (r"h", ""),
        *_COMMON,
    ),
    "it": _rules(
        (r"ch|gh", "K"),
        (r"sc(?=[ei])", "S"),
        (r"c(?=[ei])|g(?=[ei])", "S"),
        (r"(?<=[sc])i(?=[aou])", ""),
        (r"gli", "LY"),
        (r"gn", "NY"),
        (r"qu", "KV"),
        (r"zz|z", "S"),
        (r"h", ""),
        *_COMMON,
    ),
    "ja": _rules(
        (r"ch", "T"),
        (r"sh|ts|j", "S"),
        (r"(?<=[aeiou])h(?![aeiou])", ""),
        *_COMMON,
    ),
    # Hanyu pinyin: zh ch sh j q x c z are sibilants (Си Цзиньпин, ສີ ຈິ້ນຜິງ), final ng
    # is one nasal (Шанхай, ຊຽງໄຮ້)
    "zh": _rules(
        (r"ng(?![aeiou])", "N"),
        (r"zh|ch|sh|j|q|x|c|z", "S"),
        *_COMMON,
    ),
    "vi": _rules(
        (r"^ngh?|^nh|nh$|ng$", "N"),
        (r"^ph", "F"),
        (r"^th", "T"),
        (r"^tr|^ch|^gi|^d|^x|^r", "S"),
        (r"^kh|^gh|ch$", "K"),
        (r"^qu", "KV"),
        *_COMMON,
    ),
    "vl": _rules(
        (r"^ngh?|^nh|ng$", "N"),
        (r"(?<=a)nh$", "Y"),
        (r"nh$", "N"),
        (r"^ph", "F"),
        (r"^th", "T"),
        (r"^tr|^ch|^x|^s", "S"),
        (r"^gi|^d", "Y"),
        (r"^kh|^gh|ch$", "K"),
        (r"^qu", "KV"),
        *_COMMON,
    ),
    "lo": _rules(
        (r"ph", "P"),
        (r"th", "T"),
        (r"kh", "K"),
        (r"^(ny|gn)", "Y"),
        (r"ch|j|x", "S"),
        (r"ou", "u"),
        (r"(?<=[aeiou])r(?![aeiou])", ""),
        *_COMMON,
    ),
}


_GLIDE_BEFORE = frozenset("aeiou")


def _finish(raw: str) -> str:
    """Default letters to classes; glides to vowels; runs of vowels and of a class collapsed."""
    out: list[str] = []
    for i, ch in enumerate(raw):
        if ch in "yY" and raw[i + 1 : i + 2] in _GLIDE_BEFORE:
            continue  # a glide before a vowel (Jura, Yuri; Юра, Юрий)
        if ch.isupper():
            piece = "e" if ch == "Y" else ch
        elif _VOWEL_ONE and ch in _VOWEL_CLASS:
            piece = "a"
        elif ch in _VOWEL_CLASS:
            piece = _VOWEL_CLASS[ch]
        else:
            piece = _CONSONANT.get(ch, "")
        for p in piece:
            prev = out[-1] if out else ""
            if p == prev or (p.islower() and prev.islower()):
                continue
            out.append(p)
    return "".join(out)


#: Vietnamese tone marks (grave, acute, tilde, hook, dot below): dropped from vowels so
#: the vowel letters with horn and breve (ư ơ ă) are read by ``_PRE`` whatever their tone
_TONE_MARKS = re.compile("(?<=[aeiouy\u031b\u0302\u0306])[\u0300\u0301\u0303\u0309\u0323]")


def _plain_latin(word: str, vietnamese: bool = False) -> str:
    w = unicodedata.normalize("NFD", word.lower())
    w = unicodedata.normalize("NFC", _TONE_MARKS.sub("", w))
    if vietnamese and "đ" in w:
        # Vietnamese đ is a d (Đà Nẵng → ດານັງ, Дананг); a plain d is read as z/y
        w = w.replace("đ", "0")
    w = "".join(_PRE.get(ch, ch) for ch in w)
    w = anyascii(w).lower()
    return re.sub(r"[^a-z0]", "", w)


@functools.lru_cache(maxsize=400_000)
def latin_key(word: str, lang: str) -> str:
    """Sound key of a Latin word spelled by the rules of ``lang`` (a ``LATIN_LANGUAGES`` key)."""
    t = _plain_latin(word, lang in ("vi", "vl"))
    for pat, rep in _LATIN_RULES[lang]:
        t = pat.sub(rep, t)
    return _finish(t.replace("0", "T"))


def latin_keys(word: str) -> tuple[tuple[str, str], ...]:
    """``(language, key)`` of a Latin word under each source language, distinct keys only."""
    seen: dict[str, str] = {}
    for lang in _LATIN_RULES:
        key = latin_key(word, lang)
        if key and key not in seen:
            seen[key] = lang
    return tuple((lang, key) for key, lang in seen.items())


# --- Cyrillic -----------------------------------------------------------------------

_CYR = {
    "а": "a",
    "б": "P",
    "в": "V",
    "г": "K",
    "д": "T",
    "е": "e",
    "ё": "o",
    "ж": "S",
    "з": "S",
    "и": "e",
    "й": "Y",
    "к": "K",
    "л": "L",
    "м": "M",
    "н": "N",
    "о": "o",
    "п": "P",
    "р": "L",
    "с": "S",
    "т": "T",
    "у": "o",
    "ф": "F",
    "х": "K",
    "ц": "S",
    "ч": "S",
    "ш": "S",
    "щ": "S",
    "ъ": "",
    "ы": "e",
    "ь": "",
    "э": "e",
    "ю": "o",
    "я": "a",
    "і": "e",
    "ї": "e",
    "є": "e",
    "ґ": "K",
    "ў": "V",
}
_CYR_PAIRS = _rules(
    (r"тх", "T"),
    (r"пх", "P"),
    (r"кх", "K"),
    (r"дж|дз", "S"),
    (r"нг", "N"),
    # English w is written у before a vowel (Уилтшир, Корнуолл, Суэйф)
    (r"(?<![аеёиоуыэюя])у(?=[эиоа])", "V"),
)


@functools.lru_cache(maxsize=200_000)
def cyrillic_key(word: str) -> str:
    """Sound key of a Cyrillic word."""
    t = word.lower()
    for pat, rep in _CYR_PAIRS:
        t = pat.sub(rep, t)
    return _finish("".join(_CYR.get(ch, ch if ch.isupper() else "") for ch in t))


# --- Lao ----------------------------------------------------------------------------

_LAO_CONS = {
    "ກ": "K",
    "ຂ": "K",
    "ຄ": "K",
    "ງ": "N",
    "ຈ": "S",
    "ສ": "S",
    "ຊ": "S",
    "ຍ": "Y",
    "ດ": "T",
    "ຕ": "T",
    "ຖ": "T",
    "ທ": "T",
    "ນ": "N",
    "ບ": "P",
    "ປ": "P",
    "ຜ": "P",
    "ຝ": "F",
    "ພ": "P",
    "ຟ": "F",
    "ມ": "M",
    "ຢ": "Y",
    "ຣ": "L",
    "ລ": "L",
    "ວ": "V",
    "ຫ": "K",
    "ອ": "",
    "ຮ": "K",
    "ໜ": "N",
    "ໝ": "M",
    "ຼ": "L",
}
_LAO_VOWEL = {
    "ະ": "a",
    "ັ": "a",
    "າ": "a",
    "ຳ": "aM",
    "ິ": "e",
    "ີ": "e",
    "ຶ": "e",
    "ື": "e",
    "ຸ": "o",
    "ູ": "o",
    "ົ": "o",
    "ໍ": "o",
    "ຽ": "e",
}
_LAO_PRE = {"ເ": "e", "ແ": "e", "ໂ": "o", "ໄ": "a", "ໃ": "a", "\0": "a"}
_LAO_SKIP = set("່້໊໋໌ໆ")
_LAO_SILENT_H = set("ງຍນມລວຣ")


@functools.lru_cache(maxsize=200_000)
def lao_key(word: str, open_ae: bool = False) -> str:
    """Sound key of a Lao-script word.

    Vowels written before their consonant (ເ ແ ໂ ໄ ໃ) are read after it; ຫ before a
    sonorant only marks the tone; ອ carries a vowel; ວ and ຍ after a consonant are vowels.
    ແ (ɛː) is romanised e or ae (ແກ້ວ Keo, Kaeo); ``open_ae`` reads it as the a of a
    foreign name instead (Maryland ແມຣີແລນ, Cayman ເຄແມນ).
    """
    chars = [c for c in unicodedata.normalize("NFC", word) if c not in _LAO_SKIP]
    if open_ae:
        chars = ["\0" if c == "ແ" else c for c in chars]
    out: list[str] = []
    pending = ""  # a vowel written before its consonant
    n = len(chars)
    i = 0
    while i < n:
        c = chars[i]
        nxt = chars[i + 1] if i + 1 < n else ""
        if c in _LAO_PRE:
            pending = _LAO_PRE[c]
            i += 1
            continue
        if c == "ົ" and nxt == "າ":  # ເ◌ົາ is "ao", not e-o-a
            if out and out[-1] == "e":
                out[-1] = "a"
            else:
                out.append("a")
            i += 2
            continue
        if c in _LAO_VOWEL:
            out.append(_LAO_VOWEL[c])
            i += 1
            continue
        if c == "ຫ" and nxt in _LAO_SILENT_H:
            i += 1
            continue
        if c in _LAO_CONS:
            starts = pending != "" or nxt in _LAO_VOWEL or nxt == "" and not out
            prev_cons = bool(out) and out[-1].isupper()
            if c in "ວຍອ" and not pending and (prev_cons or not starts):
                out.append("o" if c != "ຍ" else "e")
            else:
                out.append(_LAO_CONS[c])
            # a cluster (ໂບຣກ: bro-k) takes the vowel written before both; ຣ/ລ with a
            # vowel of its own starts the next syllable (ມາເຕຣາ: ma-te-ra)
            after = chars[i + 2] if i + 2 < n else ""
            cluster = nxt == "ຼ" or (nxt in ("ຣ", "ລ") and after not in _LAO_VOWEL)
            if pending and not cluster:
                out.append(pending)
                pending = ""
            i += 1
            continue
        i += 1
    if pending:
        out.append(pending)
    return _finish("".join(out))


_LAO_FINAL = {"V": "P", "F": "P", "L": "N", "S": "T"}
_AFTER_CONSONANT_V = re.compile("(?<=[A-Z])V")
_FINAL_CLUSTER = re.compile("(?<=[aeo])([A-Z])[A-Z]+$")


@functools.lru_cache(maxsize=200_000)
def lao_target(key: str) -> str:
    """A key as Lao script can write it: the closing consonants Lao has (p t k m n ng)
    and w after a consonant as a vowel (Kwania -> ຄວາເນຍ, Kiev -> ຂຽບ, Kidal -> ຄິດານ)."""
    key = _AFTER_CONSONANT_V.sub("o", key)
    # a syllable closes on one consonant: of a final cluster Lao writes the first
    # (Northland -> ນອດແລນ, Wexford -> ເວັກຟອດ)
    key = _FINAL_CLUSTER.sub(r"\1", key)
    # a doubled s is written ດ + ສ/ຊ (Assam ອັດສຳ, Essaouira ເອດຊາອຸຍຣາ)
    key = key.replace("TS", "S")
    out: list[str] = []
    for i, ch in enumerate(key):
        nxt = key[i + 1] if i + 1 < len(key) else ""
        # s before a consonant keeps a vowel of its own (Lubuskie ລູບູສະກີ)
        if ch in _LAO_FINAL and (not nxt or nxt.isupper() and ch != "S") and i > 0:
            ch = _LAO_FINAL[ch]
        if out and out[-1] == ch:
            continue
        out.append(ch)
    return "".join(out)


@functools.lru_cache(maxsize=200_000)
def skeleton(key: str) -> str:
    """Consonant classes of a key (vowels dropped): the blocking key."""
    return "".join(ch for ch in key if ch.isupper())
