"""The reasons of a :class:`~liaison.matching.scoring.MatchResult` as codes with parameters.

The scorer writes its reasons as short English phrases (``"names similar after romanisation
(0.91)"``, ``"birth date equal"`` …). :func:`structured` reads each phrase back into a
:class:`Reason` (a code and its parameters), so that a user interface can render it in the
reader's language without parsing text itself. The phrases are listed here once, beside the
code each one becomes; a phrase this module does not know becomes ``Reason("note",
{"text": phrase})`` and is shown as written.

No Django here: rendering (gettext) belongs to the caller.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from .dates import DATE_NOTES, DateRelation


@dataclass(frozen=True)
class Reason:
    """One reason: ``code`` (see :data:`CODES`) and its parameters (strings)."""

    code: str
    params: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "params": dict(self.params)}


_SCORE = r"\((?P<score>[01]\.\d\d)\)"
_HOW = r"(?: (?P<how>after romanisation|after folding marks))?"

#: how the names were brought to one spelling, as a code
HOW_CODES = {None: "", "after romanisation": "romanised", "after folding marks": "folded"}

_DATE_CODES = {
    DateRelation.EXACT: "birth_date_equal",
    DateRelation.SWAPPED: "birth_date_swapped",
    DateRelation.COMPATIBLE: "birth_date_compatible",
    DateRelation.YEAR_OFF: "birth_year_off_by_one",
    DateRelation.SAME_YEAR: "birth_year_equal_day_differs",
    DateRelation.CONFLICT: "birth_date_differs",
}

#: phrases without parameters
_FIXED: dict[str, str] = {
    "name not comparable": "name_not_comparable",
    "names sound alike across scripts": "names_sound_alike",
    "word boundaries differ": "word_boundaries_differ",
    "word order differs": "word_order_differs",
    "nationality differs": "nationality_differs",
    "identity document number equal": "document_equal",
    "identity document numbers differ": "documents_differ",
    "phone number equal": "phone_equal",
    "vehicle plate equal": "plate_equal",
    **{DATE_NOTES[rel]: code for rel, code in _DATE_CODES.items()},
}

#: phrases with parameters: (code, pattern)
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (code, re.compile(pattern))
    for code, pattern in (
        ("names_equal", r"names equal" + _HOW),
        ("names_similar", r"names similar" + _HOW + " " + _SCORE),
        ("names_differ", r"names differ " + _SCORE),
        ("names_sound_alike", r"names sound alike across scripts " + _SCORE),
        (
            "tone_mark_conflict",
            r"tone-mark conflict (?P<a>[^/]+)/(?P<b>.+?) \(same letters, different marks: "
            r"counts against a match\)",
        ),
        ("gender_form", r"male/female form (?P<a>[^/]+)/(?P<b>.+)"),
        ("equal_words", r"equal words: (?P<words>.+)"),
        ("compared_as", r"compared as (?P<a>[^/]+)/(?P<b>.+)"),
        (
            "latin_read_as",
            r"Latin name read as (?:(?P<language>.+) spelling|as written)"
            r"(?: \(the Cyrillic spelled back: (?P<back>.+)\))?",
        ),
    )
)

#: every code :func:`structured` can give
CODES = frozenset(
    [*_FIXED.values(), *(code for code, _p in _PATTERNS), "name_part", "note"],
)


def reason(text: str) -> Reason:
    """The code and parameters of one reason phrase."""
    code = _FIXED.get(text)
    if code is not None:
        return Reason(code)
    for code, pattern in _PATTERNS:
        found = pattern.fullmatch(text)
        if found is not None:
            params = {k: v for k, v in found.groupdict().items() if v is not None}
            if "how" in found.groupdict():
                params["how"] = HOW_CODES[found["how"]]
            return Reason(code, params)
    return Reason("note", {"text": text})


def structured(reasons: Iterable[str]) -> list[Reason]:
    """The reasons of a match result (``MatchResult.reasons``) as codes with parameters."""
    return [reason(text) for text in reasons]
