"""Script detection for person names."""

from __future__ import annotations

import functools
import unicodedata
from collections import Counter
from enum import StrEnum


class Script(StrEnum):
    """The writing system a name is written in (as far as matching cares)."""

    EMPTY = "empty"
    LATIN = "latin"  # plain Latin, no Vietnamese-specific marks
    VIETNAMESE = "vietnamese"  # Latin with Vietnamese diacritics (ă â đ ê ô ơ ư or tone marks)
    LAO = "lao"
    CYRILLIC = "cyrillic"
    THAI = "thai"
    KHMER = "khmer"
    HAN = "han"
    OTHER = "other"  # some other script: handled by the generic transliterator
    UNKNOWN = "unknown"  # no letters we can read at all


_VIET_SPECIFIC = set("ăâđêôơưĂÂĐÊÔƠƯ")
# Combining marks used by Vietnamese tones and vowel modifiers.
_VIET_COMBINING = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323", "\u0306", "\u0302", "\u031b"}


@functools.lru_cache(maxsize=65_536)
def _char_script(ch: str) -> Script | None:
    cp = ord(ch)
    if 0x0E80 <= cp <= 0x0EFF:
        return Script.LAO
    if 0x0400 <= cp <= 0x052F or 0x1C80 <= cp <= 0x1C8F:
        return Script.CYRILLIC
    if 0x0E00 <= cp <= 0x0E7F:
        return Script.THAI
    if 0x1780 <= cp <= 0x17FF or 0x19E0 <= cp <= 0x19FF:
        return Script.KHMER
    if 0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0xF900 <= cp <= 0xFAFF:
        return Script.HAN
    if ch.isascii():
        return Script.LATIN if ch.isalpha() else None
    cat = unicodedata.category(ch)
    if not cat.startswith("L"):
        return None
    name = unicodedata.name(ch, "")
    if name.startswith("LATIN"):
        return Script.LATIN
    return Script.OTHER


def has_vietnamese_marks(text: str) -> bool:
    """True if ``text`` carries Vietnamese vowel modifiers, tone marks or đ."""
    if text.isascii():
        return False
    if not _VIET_SPECIFIC.isdisjoint(text):
        return True
    return not _VIET_COMBINING.isdisjoint(unicodedata.normalize("NFD", text))


def detect_script(text: str) -> Script:
    """The dominant script of ``text``.

    Latin text carrying Vietnamese diacritics is reported as ``VIETNAMESE``.
    Text with no letters is ``EMPTY`` (blank) or ``UNKNOWN`` (symbols only).
    """
    if not text or not text.strip():
        return Script.EMPTY
    # Count each distinct character once (scripts in order of first appearance, so
    # ties go to the script seen first).
    counts: dict[Script, int] = {}
    for ch, n in Counter(text).items():
        s = _char_script(ch)
        if s is not None:
            counts[s] = counts.get(s, 0) + n
    if not counts:
        return Script.UNKNOWN
    best = max(counts.items(), key=lambda kv: kv[1])[0]
    if best is Script.LATIN and has_vietnamese_marks(text):
        return Script.VIETNAMESE
    return best
