"""Cross-script person matching (plain typed Python, no Django).

Main entry points:

* :func:`score_pair` – score two :class:`PersonRecord` s, with an explanation;
* :class:`PersonIndex` – an in-memory index of persons (live queries; the node's search box
  keeps its keys in the database instead, see ``liaison.screening.keys``);
* :func:`liaison.matching.screen.main` – the ``liaison screen`` batch command.
"""

from .dates import DateRelation, PartialDate, compare_dates, parse_date
from .errors import InvalidDateError, InvalidNationalityError, MatchingInputError
from .identifiers import normalise_id, normalise_nationality, normalise_phone, normalise_plate
from .index import Match, NameBlocker, PersonIndex, blocking_keys
from .names import NameKeys, NameToken, fold_vietnamese, name_keys, phonetic
from .scoring import (
    DEFAULT_THRESHOLD,
    MatchResult,
    NameComparison,
    PersonRecord,
    PreparedPerson,
    compare_names,
    prepare,
    score_names,
    score_pair,
    score_prepared,
)
from .scripts import Script, detect_script

__all__ = [
    "DEFAULT_THRESHOLD",
    "DateRelation",
    "InvalidDateError",
    "InvalidNationalityError",
    "Match",
    "MatchResult",
    "MatchingInputError",
    "NameBlocker",
    "NameComparison",
    "NameKeys",
    "NameToken",
    "PartialDate",
    "PersonIndex",
    "PersonRecord",
    "PreparedPerson",
    "Script",
    "blocking_keys",
    "compare_dates",
    "compare_names",
    "detect_script",
    "fold_vietnamese",
    "name_keys",
    "normalise_id",
    "normalise_nationality",
    "normalise_phone",
    "normalise_plate",
    "parse_date",
    "phonetic",
    "prepare",
    "score_names",
    "score_pair",
    "score_prepared",
]
