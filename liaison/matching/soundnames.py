"""Whole names compared by sound across scripts (the keys are made in ``sound.py``).

A foreign name written in Cyrillic or Lao script (Кшиштоф, ຫງວຽນ ວັນ ຮຸ່ງ) is
compared with a Latin name through their sound keys: the Latin name once per
source language it may be spelled in, the Cyrillic or Lao name once. The best
reading wins and is named in the explanation ("read as Polish spelling").
"""

from __future__ import annotations

import functools
import re
from itertools import combinations

from anyascii import anyascii

from .names import (
    _HYPHEN,
    _PATRONYMIC,
    _VI_SYLLABLE,
    NameKeys,
    _split_words,
    fold_vietnamese,
    phonetic,
)
from .scripts import Script, _char_script, has_vietnamese_marks
from .sound import (
    LATIN_LANGUAGES,
    TARGET_LANGUAGES,
    cyrillic_key,
    lao_key,
    lao_target,
    latin_key,
    skeleton,
)

_LATINISH = frozenset({Script.LATIN, Script.VIETNAMESE})
_NATIVE = frozenset({Script.CYRILLIC, Script.LAO})
_NON_LETTER = re.compile(r"[^a-z]+")

#: one word of a sound variant: (key, optional) – optional: a patronymic
SoundWord = tuple[str, bool]
#: a sound variant: (how the name was read, its words)
SoundVariant = tuple[str, tuple[SoundWord, ...]]


def sound_side(keys: NameKeys) -> str:
    """``"latin"``, ``"native"`` (Cyrillic or Lao script) or ``""`` (not compared by sound)."""
    if keys.script in _LATINISH:
        return "latin"
    if keys.script in _NATIVE:
        return "native"
    return ""


def compared_by_sound(a: NameKeys, b: NameKeys) -> bool:
    """Two names in different scripts, one Latin and one Cyrillic or Lao (or both native)."""
    sa, sb = sound_side(a), sound_side(b)
    return bool(sa and sb) and (sa != sb or a.script != b.script)


# Lao ໆ repeats the word before it (ແກວໆ is ແກວແກວ)
_LAO_REPEAT = re.compile("([^\\s\u0ec6]+)\u0ec6")


@functools.lru_cache(maxsize=4096)
def _parts(text: str) -> tuple[tuple[str, Script], ...]:
    """Words (hyphenated parts apart) with their script; cached for the two targets."""
    out: list[tuple[str, Script]] = []
    if "\u0ec6" in text:
        text = _LAO_REPEAT.sub(r"\1\1", text)
    for word in _split_words(text):
        out.extend((p, _part_script(p)) for p in _HYPHEN.split(word) if p)
    return tuple(out)


def _part_script(part: str) -> Script:
    for ch in part:
        s = _char_script(ch)
        if s is not None:
            return s
    return Script.UNKNOWN


def _optional(part: str, script: Script) -> bool:
    """A patronymic: it may be missing on the other side, as in the spelling comparison."""
    if script is not Script.CYRILLIC or len(part) < 7:
        return False
    return bool(_PATRONYMIC.search(phonetic(_NON_LETTER.sub("", anyascii(part).lower()))))


def sound_target(a: NameKeys, b: NameKeys) -> str:
    """Which script's habits the Latin side is read with: ``"lao"`` or ``"cyrillic"``."""
    return "lao" if Script.LAO in (a.script, b.script) else "cyrillic"


@functools.lru_cache(maxsize=200_000)
def sound_variants(text: str, target: str = "cyrillic") -> tuple[SoundVariant, ...]:
    """Sound variants of a name: one per source language for Latin words, else one.

    ``target`` (``"cyrillic"`` or ``"lao"``) is the script of the other name: Latin
    words are read by the languages that script's writers expect, and compared with
    Lao script, closing consonants are those Lao writes.
    """
    parts = _parts(text)
    if not parts:
        return ()
    latin = any(s is Script.LATIN for _, s in parts)
    # a Lao name with ແ is read twice: ແ as e (Lao names) and as a (foreign names)
    width = len(TARGET_LANGUAGES[target]) if latin else 2 if "ແ" in text else 1
    if latin and len(parts) > 1 and all(_vietnamese_syllable(p) for p, _ in parts):
        # Nguyen Van Hung is read as Vietnamese (or Lao) spelling, not as French or Polish;
        # with Vietnamese marks (Nguyễn Văn Hùng) as Vietnamese only
        width = 1 if has_vietnamese_marks(text) else 2
    # per word its key under each reading (cached per word), then one reading per name
    columns = [_word_keys(part, script, target, width) for part, script in parts]
    langs = TARGET_LANGUAGES[target][:width] if latin else ("native",) * width
    out: dict[tuple[SoundWord, ...], str] = {}
    for lang, sig in zip(langs, zip(*columns, strict=True), strict=True):
        if sig not in out:
            out[sig] = lang
    result = []
    for sig, lang in out.items():
        words = sig if all(k for k, _ in sig) else tuple(w for w in sig if w[0])
        if words:
            result.append((lang, words))
    return tuple(result)


@functools.lru_cache(maxsize=100_000)
def _vietnamese_syllable(part: str) -> bool:
    return bool(_VI_SYLLABLE.match(fold_vietnamese(part)))


@functools.lru_cache(maxsize=200_000)
def _word_keys(part: str, script: Script, target: str, width: int) -> tuple[SoundWord, ...]:
    """One word under each of ``width`` readings (the same for non-Latin words)."""
    if script is Script.LATIN:
        keys = tuple(latin_key(part, lang) for lang in TARGET_LANGUAGES[target][:width])
    elif script is Script.CYRILLIC:
        keys = (cyrillic_key(part),) * width
    elif script is Script.LAO:
        keys = (lao_key(part), *(lao_key(part, True) for _ in range(width - 1)))
    else:
        keys = ("",) * width
    if target == "lao" or script is Script.LAO:
        keys = tuple(lao_target(k) if k else k for k in keys)
    optional = _optional(part, script)
    return tuple((k, optional) for k in keys)


def all_sound_variants(text: str) -> tuple[SoundVariant, ...]:
    """The variants a name can meet another script with: a Latin name both targets' readings,
    a Cyrillic or Lao name its own reading."""
    variants = sound_variants(text, "cyrillic")
    if variants and variants[0][0] == "native":
        return variants if not any(_is_lao(ch) for ch in text) else sound_variants(text, "lao")
    return variants + sound_variants(text, "lao")


def _is_lao(ch: str) -> bool:
    return "\u0e80" <= ch <= "\u0eff"


def sound_blocking_keys(text: str) -> list[str]:
    """Blocking keys from the consonant skeletons of the sound variants.

    * ``J:`` the first six consonants of the joined name, also with one consonant
      left out when three or more (one consonant more, less or different still
      meets: Narail/ນາຣາຍ, Essaouira/ເອດຊາອຸຍຣາ);
    * ``F:`` the whole key, vowels too, of a name of one consonant (Phayao/ພະເຍົາ);
    * ``O:`` the skeletons in sorted word order;
    * ``P:`` every two word skeletons of a name of three words or more (a middle
      name or a title on one side only).
    """
    keys: set[str] = set()
    variants = all_sound_variants(text)
    seen: set[tuple[str, ...]] = set()
    for _, words in variants:
        core = [k for k, opt in words if not opt] or [k for k, _ in words]
        skels = [skeleton(k) for k in core]
        if tuple(skels) in seen:
            continue
        seen.add(tuple(skels))
        head = "".join(skels)[:6]
        if len(head) >= 2:
            keys.add("J:" + head)
            if len(head) >= 3:
                keys.update(["J:" + head[:i] + head[i + 1 :] for i in range(len(head))])
        elif core:
            keys.add("F:" + "".join(core))
        if len(skels) > 1:
            keys.add("O:" + "".join(sorted(skels))[:6])
        if len(skels) > 2:
            long = sorted(s for s in skels if len(s) >= 2)
            keys.update(f"P:{a}|{b}" for a, b in combinations(long, 2))
    return list(keys)


def sound_text(text: str) -> list[str]:
    """Joined sound keys of each variant (for the prefilter)."""
    variants = all_sound_variants(text)
    return list(dict.fromkeys("".join(k for k, opt in v if not opt) for _, v in variants))


def reading_label(lang: str) -> str:
    """Readable name of a reading ("Polish spelling")."""
    name = LATIN_LANGUAGES.get(lang)
    return f"{name} spelling" if name else "as written"
