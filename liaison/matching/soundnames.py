"""Whole names compared by sound across scripts (the keys are made in ``sound.py``).

A foreign name written in Cyrillic or Lao script (Кшиштоф, ຫງວຽນ ວັນ ຮຸ່ງ) is
compared with a Latin name through their sound keys: the Latin name once per
source language it may be spelled in, the Cyrillic or Lao name once. The best
reading wins and is named in the explanation ("read as Polish spelling").
"""

from __future__ import annotations

import functools
import re

from anyascii import anyascii

from .names import _HYPHEN, _PATRONYMIC, NameKeys, NameToken, _split_words, phonetic
from .scripts import Script, _char_script
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

#: a sound variant: (how the name was read, its tokens)
SoundVariant = tuple[str, tuple[NameToken, ...]]


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


def _parts(text: str) -> list[str]:
    out: list[str] = []
    for word in _split_words(text):
        out.extend(p for p in _HYPHEN.split(word) if p)
    return out


def _part_script(part: str) -> Script:
    for ch in part:
        s = _char_script(ch)
        if s is not None:
            return s
    return Script.UNKNOWN


def _token(part: str, key: str) -> NameToken:
    fold = _NON_LETTER.sub("", anyascii(part).lower())
    return NameToken(
        marked=part.lower(),
        fold="~" + key,
        phon=key,
        has_marks=False,
        optional=bool(_PATRONYMIC.search(phonetic(fold))) and len(fold) >= 7,
    )


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
    parts = [(p, _part_script(p)) for p in _parts(text)]
    if not parts:
        return ()
    latin = any(s is Script.LATIN for _, s in parts)
    langs = list(TARGET_LANGUAGES[target]) if latin else ["native"]
    to_lao = target == "lao"
    out: dict[tuple[str, ...], SoundVariant] = {}
    for lang in langs:
        tokens = []
        for part, script in parts:
            if script is Script.CYRILLIC:
                key = cyrillic_key(part)
            elif script is Script.LAO:
                key = lao_key(part)
            elif script is Script.LATIN:
                key = latin_key(part, lang)
            else:
                key = ""
            if key and (to_lao or script is Script.LAO):
                key = lao_target(key)
            if key:
                tokens.append(_token(part, key))
        sig = tuple(t.phon for t in tokens)
        if tokens and sig not in out:
            out[sig] = (lang, tuple(tokens))
    return tuple(out.values())


def sound_blocking_keys(text: str) -> list[str]:
    """Blocking keys from the consonant skeletons of the sound variants.

    The first six consonants of the joined name, in written and in sorted word order,
    each also with one consonant left out (so one differing consonant still meets).
    """
    keys: set[str] = set()
    variants = sound_variants(text, "cyrillic") + sound_variants(text, "lao")
    for _, tokens in variants:
        core = [t for t in tokens if not t.optional] or list(tokens)
        skels = [skeleton(t.phon) for t in core]
        for tag, joined in (("J", "".join(skels)), ("O", "".join(sorted(skels)))):
            head = joined[:6]
            if len(head) < 2:
                continue
            keys.add(f"{tag}:{head}")
            if len(head) >= 3:
                for i in range(len(head)):
                    keys.add(f"{tag}:{head[:i]}{head[i + 1 :]}")
    return sorted(keys)


def sound_text(text: str) -> list[str]:
    """Joined sound keys of each variant (for the prefilter)."""
    variants = sound_variants(text, "cyrillic") + sound_variants(text, "lao")
    return list(dict.fromkeys("".join(t.phon for t in v if not t.optional) for _, v in variants))


def reading_label(lang: str) -> str:
    """Readable name of a reading ("Polish spelling")."""
    name = LATIN_LANGUAGES.get(lang)
    return f"{name} spelling" if name else "as written"
