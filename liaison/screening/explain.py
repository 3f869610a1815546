"""Match explanations in the reader's language.

The matcher gives its reasons as codes with parameters (:mod:`liaison.matching.reasons`);
this module renders them through gettext in the active language. Stored alerts keep the
matcher's phrases (``MatchAlert.reasons``): they are read back into codes the same way, so an
alert raised before a change of language reads in the new one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy, pgettext_lazy

from liaison.matching.reasons import Reason, structured

#: one text per code; parameters as ``%(name)s``
TEXTS: dict[str, Promise] = {
    "name_not_comparable": gettext_lazy("name not comparable"),
    "names_equal": gettext_lazy("names equal"),
    "names_equal_romanised": gettext_lazy("names equal after romanisation"),
    "names_equal_folded": gettext_lazy("names equal after folding marks"),
    "names_similar": gettext_lazy("names similar (%(score)s)"),
    "names_similar_romanised": gettext_lazy("names similar after romanisation (%(score)s)"),
    "names_similar_folded": gettext_lazy("names similar after folding marks (%(score)s)"),
    "names_differ": gettext_lazy("names differ (%(score)s)"),
    "names_sound_alike": gettext_lazy("names sound alike across scripts"),
    "tone_mark_conflict": gettext_lazy(
        "tone-mark conflict %(a)s/%(b)s (same letters, different marks: counts against a match)"
    ),
    "gender_form": gettext_lazy("male and female forms of a name: %(a)s/%(b)s"),
    "word_boundaries_differ": gettext_lazy("word boundaries differ"),
    "word_order_differs": gettext_lazy("word order differs"),
    "equal_words": gettext_lazy("equal words: %(words)s"),
    "compared_as": gettext_lazy("compared as %(a)s / %(b)s"),
    "latin_read_as": gettext_lazy("Latin name read as %(language)s spelling"),
    "latin_read_as_written": gettext_lazy("Latin name read as written"),
    "cyrillic_spelled_back": gettext_lazy("the Cyrillic spelled back: %(back)s"),
    "birth_date_equal": gettext_lazy("birth date equal"),
    "birth_date_swapped": gettext_lazy("birth date with day and month swapped"),
    "birth_date_compatible": gettext_lazy("birth date compatible (partial)"),
    "birth_year_off_by_one": gettext_lazy("birth year differs by one"),
    "birth_year_equal_day_differs": gettext_lazy("birth year equal, day or month differ"),
    "birth_date_differs": gettext_lazy("birth date differs"),
    "nationality_differs": gettext_lazy("nationality differs"),
    "document_equal": gettext_lazy("identity document number equal"),
    "documents_differ": gettext_lazy("identity document numbers differ"),
    "phone_equal": gettext_lazy("phone number equal"),
    "plate_equal": gettext_lazy("vehicle plate equal"),
    "name_part": gettext_lazy("part of the name (%(n)s of %(m)s words)"),
}

#: the spelling rules a Latin name was read by (``language`` of latin_read_as)
LANGUAGES: dict[str, Promise] = {
    "English": pgettext_lazy("spelling", "English"),
    "French": pgettext_lazy("spelling", "French"),
    "German": pgettext_lazy("spelling", "German"),
    "Polish": pgettext_lazy("spelling", "Polish"),
    "Spanish": pgettext_lazy("spelling", "Spanish"),
    "Italian": pgettext_lazy("spelling", "Italian"),
    "Japanese": pgettext_lazy("spelling", "Japanese"),
    "Vietnamese": pgettext_lazy("spelling", "Vietnamese"),
    "Lao/Thai": pgettext_lazy("spelling", "Lao/Thai"),
}

#: romanisation systems (``a`` / ``b`` of compared_as)
SYSTEMS: dict[str, Promise] = {
    "lao-moh2020": gettext_lazy("Lao government romanisation"),
    "lao-ipa": gettext_lazy("Lao read by sound"),
    "icao9303": gettext_lazy("ICAO passport romanisation"),
    "bgn-pcgn": gettext_lazy("BGN/PCGN romanisation"),
    "anyascii": gettext_lazy("plain Latin letters"),
    "latin": gettext_lazy("Latin as written"),
}


def _score(value: str) -> str:
    try:
        return number_format(float(value), 2)
    except ValueError:
        return value


def render(reason: Reason) -> str:
    """One reason as a phrase in the active language."""
    p: Mapping[str, str] = reason.params
    code = reason.code
    if code == "note" or code not in TEXTS:
        return p.get("text", code)
    if code == "latin_read_as":
        language = p.get("language", "")
        text = (
            str(TEXTS[code]) % {"language": LANGUAGES.get(language, language)}
            if language
            else str(TEXTS["latin_read_as_written"])
        )
        if p.get("back"):
            text += " (" + str(TEXTS["cyrillic_spelled_back"]) % {"back": p["back"]} + ")"
        return text
    values = {k: v for k, v in p.items() if k != "how"}
    if p.get("how"):
        code = f"{code}_{p['how']}"
    if "score" in values:
        values["score"] = _score(values["score"])
    if code == "compared_as":
        values = {k: str(SYSTEMS.get(v, v)) for k, v in values.items()}
    text = str(TEXTS.get(code, TEXTS[reason.code]))
    return text % values if "%(" in text else text


def rendered(reasons: Iterable[Reason]) -> list[str]:
    return [render(r) for r in reasons]


def explanation(reasons: Iterable[Reason]) -> str:
    """The reasons joined, in the active language."""
    return "; ".join(rendered(reasons))


def phrases(texts: Iterable[str]) -> list[str]:
    """The matcher's stored phrases (``MatchAlert.reasons``) in the active language."""
    return rendered(structured(texts))


def as_dicts(reasons: Iterable[Reason]) -> list[dict[str, Any]]:
    """Reasons for the API: code, parameters and the text in the reader's language."""
    return [{**r.as_dict(), "text": render(r)} for r in reasons]
