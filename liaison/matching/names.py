"""Name keys: one person's name written in any script becomes comparable keys.

Every name is split into tokens (words). Each token carries

* ``marked`` – the original token, lower-cased, Unicode NFC (keeps Vietnamese
  tone marks, so Hùng and Hưng stay different),
* ``fold`` – lower-case ASCII without tone marks, đ→d (the Vietnamese folded key),
* ``phon`` – a phonetic key in a shared Latin space where the usual
  romanisation differences disappear (kh/h, ph/f/p, x/s, ou/u, final h, doubled
  letters, ya/ia, zh/j, -sky/-skii …),
* ``skel`` – the consonant skeleton of ``phon`` used for blocking.

A name can have several *variants* (alternative token lists): a Lao name has
one per romanisation system (MoH 2020 and an IPA-based reading, both from
``lao2ipa``), a Cyrillic name one per passport system (ICAO 9303 and BGN/PCGN
via ``iuliia``), a hyphenated name one split and one joined.
"""

from __future__ import annotations

import contextlib
import functools
import re
import unicodedata
from dataclasses import dataclass

import iuliia
import lao2ipa
from anyascii import anyascii

from .scripts import Script, _char_script, detect_script, has_vietnamese_marks

_TONE_LETTERS = re.compile("[˥˦˧˨˩]")
_NON_LETTER = re.compile(r"[^a-z]+")
_SPLIT = re.compile(r"[\s,;/_.()\[\]\"]+|'(?!\w)|(?<!\w)'")
# Soft signs and apostrophes written inside a romanised word (Natal'ya, Natalʹya).
_SOFT_SIGN = re.compile("(?<=\\w)['\u02b9\u02bc\u2019](?=\\w)")
_HYPHEN = re.compile(r"[-\u2010\u2011\u2012\u2013\u2014\u00b7]+")

# Vietnamese syllable: onset + 1..3 vowels + optional coda (folded ASCII).
_VI_SYLLABLE = re.compile(
    r"^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|b|c|d|g|h|k|l|m|n|p|r|s|t|v|x)?"
    r"[aeiouy]{1,3}(ch|ng|nh|c|m|n|p|t)?$"
)

# Russian patronymics (phonetic keys) – optional when the other name lacks them.
_PATRONYMIC = re.compile(r"(ovi|evi|ovna|evna|ijna)$")

# Russian given names, each group holding spellings of one name. Two tokens that
# are *different* known given names never count as the same token.
_RU_GIVEN_GROUPS: tuple[str, ...] = (
    "Aleksandr Alexander Aleksander Alexandr",
    "Aleksandra Alexandra",
    "Aleksey Alexei Aleksei Alexey Alexej",
    "Andrey Andrei Andrej",
    "Anatoly Anatolii Anatoliy",
    "Anton",
    "Artem Artyom Artiom",
    "Boris",
    "Vadim",
    "Valentin",
    "Valery Valerii Valeriy",
    "Vasily Vasilii Vasiliy Vassily",
    "Viktor Victor",
    "Vitaly Vitalii Vitaliy",
    "Vladimir Wladimir",
    "Vladislav",
    "Vyacheslav Viacheslav",
    "Gennady Gennadii Gennadiy",
    "Georgy Georgii Georgiy",
    "Grigory Grigorii Grigoriy",
    "Denis",
    "Dmitry Dmitrii Dmitriy",
    "Yevgeny Evgenii Evgeniy Evgeny",
    "Yegor Egor",
    "Ivan",
    "Igor",
    "Ilya Ilia Ilja",
    "Kirill",
    "Konstantin",
    "Leonid",
    "Maksim Maxim",
    "Mikhail Michail",
    "Nikita",
    "Nikolay Nikolai",
    "Oleg",
    "Pavel",
    "Pyotr Petr Piotr",
    "Roman",
    "Ruslan",
    "Sergey Sergei Sergej",
    "Stanislav",
    "Stepan",
    "Timur",
    "Fyodor Fedor Fiodor",
    "Yury Yuri Iurii Yuriy Jurij",
    "Yakov Iakov",
    "Anna",
    "Yelena Elena",
    "Olga",
    "Natalya Natalia Natalja",
    "Tatyana Tatiana",
    "Svetlana",
    "Mariya Maria",
    "Irina",
    "Yekaterina Ekaterina",
    "Yevgeniya Evgeniia Evgenia",
    "Lyudmila Liudmila",
    "Galina",
    "Nadezhda",
    "Valentina",
    "Vera",
    "Larisa",
    "Marina",
    "Darya Daria",
    "Polina",
    "Sofya Sofia",
    "Oksana",
    "Kseniya Ksenia",
    "Anastasiya Anastasia",
    "Alina",
    "Viktoriya Victoria Viktoria",
    "Yuliya Yulia Iuliia",
    "Eduard",
    "Lev",
    "Semyon Semen",
)
# Phonetic rewrite rules, applied in order to lower-case ASCII tokens.
_PHON_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), r)
    for p, r in (
        (r"w", "v"),
        (r"q", "k"),
        # Lao/Thai-style spellings: bp for the unaspirated p, non-rhotic r after a
        # vowel (Vimarn = Viman, Kor = Ko), ae for the open e.
        (r"bp", "p"),
        (r"(?<=[aeiou])r(?=[^aeiouy]|$)", ""),
        (r"ae", "e"),
        (r"(?<=[aeiou])w$", "o"),
        (r"shch|sch|shh", "s"),
        (r"tsch|tch|dzh|dj|zh|ch|tj", "j"),
        (r"ck", "k"),
        (r"c", "k"),
        (r"tz|ts", "c"),
        (r"kh", "h"),
        (r"(?<=[oe])ff$", "v"),
        (r"ph|f", "p"),
        (r"th", "t"),
        (r"sh", "s"),
        (r"gh", "g"),
        (r"ks|x", "s"),
        (r"nh$", "n"),
        (r"gn|nh", "ny"),
        (r"y", "i"),
        (r"(?<=[aeiou])j$", "i"),
        (r"r", "l"),
        (r"oo", "o"),
        (r"ou|uu", "u"),
        (r"(?<=.)i?e(?=[aeiou])", "e"),
        (r"i[eo](?=[^aeiou]|$)", "e"),
        (r"iu(?=[aeiou])", "u"),
        (r"ea", "ia"),
        (r"eu|ue|uo", "u"),
        (r"au", "ao"),
        (r"ii+", "i"),
        (r"(?<=[mn])e$", ""),
        (r"(?<=[aeiou])h$", ""),
        (r"(?<=[oe]v)s$", ""),
        (r"(.)\1+", r"\1"),
    )
)

# Vietnamese vowels with tone/quality marks that differ from Lao / Russian use.
_VOWELS = set("aeiou")


def fold_vietnamese(text: str) -> str:
    """Lower-case ASCII without tone marks and vowel modifiers; đ→d.

    >>> fold_vietnamese("Nguyễn Văn Hùng")
    'nguyen van hung'
    """
    t = text.replace("đ", "d").replace("Đ", "D")
    t = unicodedata.normalize("NFD", t)
    t = "".join(ch for ch in t if not unicodedata.combining(ch))
    return t.lower()


@functools.lru_cache(maxsize=200_000)
def phonetic(token: str) -> str:
    """Phonetic key of one lower-case ASCII token (see module doc)."""
    t = _NON_LETTER.sub("", token.lower())
    if not t:
        return ""
    for pat, rep in _PHON_RULES:
        t = pat.sub(rep, t)
    return t


@functools.lru_cache(maxsize=200_000)
def skeleton(phon: str) -> str:
    """Consonant skeleton of a phonetic key (first letter kept even if a vowel)."""
    if not phon:
        return ""
    rest = "".join(ch for ch in phon[1:] if ch not in _VOWELS)
    head = phon[0] if phon[0] not in _VOWELS else "a"
    return head + rest


@dataclass(frozen=True, slots=True)
class NameToken:
    """One word of a name, in its several keys."""

    marked: str
    fold: str
    phon: str
    has_marks: bool
    optional: bool = False  # a patronymic: may be missing on the other side

    @property
    def skel(self) -> str:
        return skeleton(self.phon)


@dataclass(frozen=True, slots=True)
class NameKeys:
    """All keys of one name; ``variants`` are alternative token lists."""

    original: str
    script: Script
    variants: tuple[tuple[NameToken, ...], ...]
    vietnamese_like: bool
    systems: tuple[str, ...]  # which romanisation produced each variant

    @property
    def empty(self) -> bool:
        return not self.variants

    @property
    def marked_name(self) -> bool:
        """The name carries Vietnamese diacritics (so tone conflicts are meaningful)."""
        return self.script is Script.VIETNAMESE

    def display_latin(self) -> str:
        """A readable Latin rendering (first variant)."""
        if not self.variants:
            return ""
        return " ".join(t.fold for t in self.variants[0])


def _ipa_to_latin(ipa: str) -> str:
    t = _TONE_LETTERS.sub("", ipa)
    for a, b in (
        ("tɕ", "ch"),
        ("ʰ", "h"),
        ("ʋ", "v"),
        ("ɲ", "ny"),
        ("ŋ", "ng"),
        ("ɔ", "o"),
        ("ɛ", "e"),
        ("ɯ", "eu"),
        ("ə", "a"),
        ("ː", ""),
        ("ʔ", ""),
        ("j", "y"),
    ):
        t = t.replace(a, b)
    return t


@functools.lru_cache(maxsize=100_000)
def _lao_romanise(token: str) -> tuple[str, ...]:
    """Alternative Latin readings of one Lao-script token (MoH 2020, IPA-based)."""
    out: list[str] = []
    # lao2ipa is heuristic; a failure on odd input must not crash matching.
    with contextlib.suppress(Exception):
        out.append(_TONE_LETTERS.sub("", lao2ipa.transliterate(token, "moh")))
    with contextlib.suppress(Exception):
        out.append(_ipa_to_latin(lao2ipa.transliterate(token, "ipa")))
    if not out:
        out.append(anyascii(token))
    # Tokens may still contain unconverted Lao characters: transliterate generically.
    return tuple(dict.fromkeys(anyascii(o).lower() for o in out))


_ICAO = iuliia.schemas.get("icao_doc_9303")
_BGN = iuliia.schemas.get("bgn_pcgn")


@functools.lru_cache(maxsize=100_000)
def _cyrillic_romanise(token: str) -> tuple[str, ...]:
    """ICAO 9303 (passport) and BGN/PCGN readings of one Cyrillic token."""
    out = []
    for schema in (_ICAO, _BGN):
        if schema is not None:
            out.append(schema.translate(token))
    out.append(anyascii(token))
    return tuple(dict.fromkeys(o.lower() for o in out))


def _romanise_token(token: str, script: Script) -> tuple[str, ...]:
    if script is Script.LAO:
        return _lao_romanise(token)
    if script is Script.CYRILLIC:
        return _cyrillic_romanise(token)
    return (anyascii(token).lower(),)


def _token_script(token: str) -> Script:
    for ch in token:
        s = _char_script(ch)
        if s is Script.LAO or s is Script.CYRILLIC:
            return s
    return detect_script(token)


@functools.lru_cache(maxsize=400_000)
def _make_tokens(raw: str) -> tuple[tuple[NameToken, ...], ...]:
    """Alternative tokenisations of one space-free word (may contain hyphens)."""
    parts = [p for p in _HYPHEN.split(raw) if p]
    if not parts:
        return ()
    groups: list[list[str]] = [parts] if len(parts) == 1 else [parts, ["".join(parts)]]
    results: list[tuple[NameToken, ...]] = []
    for group in groups:
        per_part: list[list[NameToken]] = []
        for part in group:
            script = _token_script(part)
            marked = unicodedata.normalize("NFC", part.lower())
            readings = _romanise_token(part, script)
            if script is Script.LATIN:
                german = _german_reading(readings[0])
                if german:
                    readings = (*readings, german)
            alts = []
            for reading in readings:
                fold = _NON_LETTER.sub("", anyascii(fold_vietnamese(reading)).lower())
                if script is Script.VIETNAMESE:
                    fold = _NON_LETTER.sub("", anyascii(fold_vietnamese(part)).lower())
                phon = phonetic(fold)
                if not phon:
                    continue
                alts.append(
                    NameToken(
                        marked=marked,
                        fold=fold,
                        phon=phon,
                        has_marks=has_vietnamese_marks(part),
                        optional=bool(_PATRONYMIC.search(phon)) and len(phon) >= 7,
                    )
                )
            if alts:
                per_part.append(alts)
        if not per_part:
            continue
        # Combine: variant i uses reading i of every part (or the first if fewer).
        width = max(len(a) for a in per_part)
        for i in range(width):
            results.append(tuple(a[min(i, len(a) - 1)] for a in per_part))
    return tuple(dict.fromkeys(results))


def _german_reading(fold: str) -> str | None:
    """A German-style romanisation (Muchmanowa, Roditschewa, Julija) read the English way."""
    if "w" not in fold and "sch" not in fold:
        return None
    t = fold.replace("tsch", "\0").replace("sch", "sh").replace("ch", "kh").replace("\0", "ch")
    return re.sub(r"(?<![bcdfghklmnpqrstvxz])j", "y", t)


def _split_words(name: str) -> list[str]:
    name = unicodedata.normalize("NFC", name)
    name = _SOFT_SIGN.sub("", name.replace("\u00d0", "\u0110").replace("\u00f0", "\u0111"))
    return [w for w in _SPLIT.split(name) if w and not _HYPHEN.fullmatch(w)]


@functools.lru_cache(maxsize=300_000)
def name_keys(name: str | None) -> NameKeys:
    """Build all keys of a name. Never raises; empty or unreadable names give no variants.

    An empty name or one in a script nothing can transliterate yields
    ``NameKeys.empty`` – such a name is *neutral*: it neither supports nor
    contradicts a match (the scorer reports "name not comparable").
    """
    text = (name or "").strip()
    script = detect_script(text)
    if script in (Script.EMPTY, Script.UNKNOWN):
        return NameKeys(text, script, (), False, ())
    words = _split_words(text)
    per_word = [v for v in (_make_tokens(w) for w in words) if v]
    if not per_word:
        return NameKeys(text, Script.UNKNOWN, (), False, ())
    width = max(len(v) for v in per_word)
    variants: list[tuple[NameToken, ...]] = []
    for i in range(min(width, 4)):
        toks: list[NameToken] = []
        for v in per_word:
            toks.extend(v[min(i, len(v) - 1)])
        variants.append(tuple(toks))
    uniq = tuple(dict.fromkeys(variants))
    vi_like = script in (Script.LATIN, Script.VIETNAMESE) and all(
        _VI_SYLLABLE.match(t.fold) for t in uniq[0]
    )
    systems: tuple[str, ...]
    if script is Script.LAO:
        systems = ("lao-moh2020", "lao-ipa")
    elif script is Script.CYRILLIC:
        systems = ("icao9303", "bgn-pcgn", "anyascii")
    else:
        systems = ("latin",)
    return NameKeys(text, script, uniq, vi_like, systems[: len(uniq)])


@functools.cache
def _ru_given() -> dict[str, int]:
    out: dict[str, int] = {}
    for i, group in enumerate(_RU_GIVEN_GROUPS):
        for spelling in group.split():
            out.setdefault(phonetic(spelling.lower()), i)
    return out


def is_given_name_conflict(a: str, b: str) -> bool:
    """Two phonetic tokens are both known Russian given names, but different ones."""
    table = _ru_given()
    ca, cb = table.get(a), table.get(b)
    return ca is not None and cb is not None and ca != cb


@functools.lru_cache(maxsize=500_000)
def is_gender_pair(a: str, b: str) -> bool:
    """Ivanov/Ivanova, Aleksandr/Aleksandra, Kovalevskii/Kovalevskaia."""
    if a == b:
        return False
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    if len(short) < 4:
        return False
    if long_ == short + "a":
        return True
    if short.endswith("ski") and long_ == short[:-1] + "aia":
        return True
    return short.endswith("ski") and long_ == short[:-1] + "a"
