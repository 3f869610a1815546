"""Gazetteer loading and province resolution.

Sources: ``pycountry`` (ISO 3166-1/-2 codes and their Vietnamese/Lao translations),
``vietnamadminunits`` (Viet Nam's 63 pre-merger and 34 post-merger units, districts, wards,
centre points and the 2025 conversion table) and ``data/border_facts.json`` (the border table,
Lao-side names and gates from the project's reference facts, which no package ships).

Code scheme:

* pre-2025 Vietnamese provinces and all other countries' provinces: ISO 3166-2 (``VN-22``);
* Vietnamese units formed on 1 July 2025: ``VN:<statistics code>`` (``VN:44``);
* districts ``VN-D-<code>``, pre-2025 communes ``VN-W-<code>``, post-2025 ``VN-W2025-<code>``
  (the statistics office reuses ward codes across the reform, hence the era prefix).
"""

from liaison.core.gazetteer.common import MERGER_DATE, GazetteerError, fold_vietnamese
from liaison.core.gazetteer.loading import load_gazetteer
from liaison.core.gazetteer.lookups import (
    border_provinces,
    clear_cache,
    dual_function_stations,
    predecessors_of,
    province_label,
    provinces_of,
    resolve_province,
    successions,
    successor_of,
)

__all__ = [
    "MERGER_DATE",
    "fold_vietnamese",
    "GazetteerError",
    "border_provinces",
    "clear_cache",
    "dual_function_stations",
    "load_gazetteer",
    "predecessors_of",
    "province_label",
    "provinces_of",
    "resolve_province",
    "successions",
    "successor_of",
]
