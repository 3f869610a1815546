"""What a score means: calibrated probabilities, and weights re-estimated from analyst decisions.

* :func:`probability` maps a raw score (``MatchResult.score``) to the share of
  true matches among pairs scored like it. The map is an isotonic regression
  fitted on the tuning part of the development sets and shipped as
  ``data/calibration.json`` (``benchmarks/matching_calibrate.py`` makes it).
* :func:`reestimate` is Fellegi–Sunter learning from decided pairs: every
  confirmed or dismissed alert gives the comparison pattern of a true or false
  pair; ``m`` and ``u`` (how often each level of each field occurs among true and
  among false pairs) are re-counted, smoothed toward the current weights, and
  the weight of a level is ``log2(m / u)``. Plain Python, no framework.
"""

from __future__ import annotations

import bisect
import functools
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .dates import compare_dates
from .scoring import PreparedPerson, compare_names

CALIBRATION_FILE = Path(__file__).parent / "data" / "calibration.json"


# --- calibrated probability ---------------------------------------------------------


def fit_isotonic(pairs: Iterable[tuple[float, bool]]) -> list[tuple[float, float]]:
    """Pool-adjacent-violators fit: ``[(score, probability)]`` non-decreasing in both."""
    blocks: list[list[float]] = []  # [sum of labels, count, lowest score, highest score]
    for score, label in sorted(pairs):
        blocks.append([float(label), 1.0, score, score])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] >= blocks[-1][0] / blocks[-1][1]:
            s, n, _, hi = blocks.pop()
            blocks[-1][0] += s
            blocks[-1][1] += n
            blocks[-1][3] = hi
    return [(round((b[2] + b[3]) / 2, 4), round(b[0] / b[1], 4)) for b in blocks]


@functools.cache
def _table() -> tuple[tuple[float, ...], tuple[float, ...]]:
    data = json.loads(CALIBRATION_FILE.read_text(encoding="utf-8"))
    points = data["points"]
    return tuple(p[0] for p in points), tuple(p[1] for p in points)


def probability(score: float) -> float:
    """Calibrated probability that a pair with this raw score is the same person.

    Linear between the fitted points; below the lowest fitted score the lowest
    probability (pairs scored that low are not shown).
    """
    xs, ys = _table()
    if not xs:
        return score
    if score <= xs[0]:
        return ys[0]
    if score >= xs[-1]:
        return ys[-1]
    k = bisect.bisect_right(xs, score)
    x0, x1, y0, y1 = xs[k - 1], xs[k], ys[k - 1], ys[k]
    return round(y0 + (y1 - y0) * (score - x0) / (x1 - x0), 4)


# --- Fellegi–Sunter weights from decisions --------------------------------------------

#: comparison fields and their levels
FIELDS: dict[str, tuple[str, ...]] = {
    "name": ("equal", "close", "similar", "weak"),
    "birth": ("exact", "swapped", "compatible", "year_off", "same_year", "conflict", "missing"),
    "nationality": ("same", "different", "unknown"),
    "document": ("equal", "different", "unknown"),
}
Pattern = Mapping[str, str]


def comparison_pattern(a: PreparedPerson, b: PreparedPerson) -> dict[str, str]:
    """The level of each field for one pair (what an analyst's decision is counted on)."""
    name = compare_names(a.name, b.name).score
    level = "equal" if name >= 0.97 else "close" if name >= 0.9 else "similar"
    if name < 0.8:
        level = "weak"

    def rel(x: str, y: str, same: str) -> str:
        return "unknown" if not x or not y else same if x == y else "different"

    return {
        "name": level,
        "birth": compare_dates(a.birth, b.birth).name.lower(),
        "nationality": rel(a.nationality, b.nationality, "same"),
        "document": rel(a.id_number, b.id_number, "equal"),
    }


@dataclass(frozen=True)
class FSWeights:
    """``m`` and ``u`` per field level, and the share of true pairs among candidates."""

    m: dict[str, dict[str, float]]
    u: dict[str, dict[str, float]]
    prior: float = 0.5
    decisions: int = 0
    weights: dict[str, dict[str, float]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        w = {
            f: {lv: math.log2(self.m[f][lv] / self.u[f][lv]) for lv in levels}
            for f, levels in FIELDS.items()
        }
        object.__setattr__(self, "weights", w)

    def weight(self, pattern: Pattern) -> float:
        """Total match weight (log2 likelihood ratio) of a comparison pattern."""
        return sum(self.weights[f][pattern[f]] for f in FIELDS if f in pattern)

    def probability(self, pattern: Pattern) -> float:
        """Posterior probability that the pair is the same person."""
        odds = self.prior / (1.0 - self.prior) * 2.0 ** self.weight(pattern)
        return odds / (1.0 + odds)


def starting_weights() -> FSWeights:
    """Weights before any decision: what the hand-set scores assume (names and dates decide)."""
    m = {
        "name": {"equal": 0.6, "close": 0.3, "similar": 0.08, "weak": 0.02},
        "birth": {
            "exact": 0.7,
            "swapped": 0.02,
            "compatible": 0.1,
            "year_off": 0.03,
            "same_year": 0.01,
            "conflict": 0.02,
            "missing": 0.12,
        },
        "nationality": {"same": 0.5, "different": 0.02, "unknown": 0.48},
        "document": {"equal": 0.2, "different": 0.01, "unknown": 0.79},
    }
    u = {
        "name": {"equal": 0.05, "close": 0.15, "similar": 0.4, "weak": 0.4},
        "birth": {
            "exact": 0.3,
            "swapped": 0.01,
            "compatible": 0.05,
            "year_off": 0.1,
            "same_year": 0.1,
            "conflict": 0.34,
            "missing": 0.1,
        },
        "nationality": {"same": 0.4, "different": 0.2, "unknown": 0.4},
        "document": {"equal": 0.0001, "different": 0.2, "unknown": 0.7999},
    }
    return FSWeights(m, u, prior=0.5)


def reestimate(
    decisions: Iterable[tuple[Pattern, bool]],
    current: FSWeights | None = None,
    strength: float = 20.0,
) -> FSWeights:
    """New ``m``/``u`` from decided pairs: ``(pattern, confirmed)``.

    Counts per level among confirmed (m) and dismissed (u) pairs, each smoothed
    toward ``current`` as if ``strength`` earlier decisions had shown it, so a few
    decisions move the weights a little and many decide them. The prior becomes the
    share of confirmed pairs.
    """
    base = current or starting_weights()
    counts = {
        True: {f: dict.fromkeys(lv, 0.0) for f, lv in FIELDS.items()},
        False: {f: dict.fromkeys(lv, 0.0) for f, lv in FIELDS.items()},
    }
    n = {True: 0, False: 0}
    for pattern, confirmed in decisions:
        n[confirmed] += 1
        for f in FIELDS:
            if f in pattern:
                counts[confirmed][f][pattern[f]] += 1.0

    def estimate(side: bool, prior: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
        out: dict[str, dict[str, float]] = {}
        for f, levels in FIELDS.items():
            total = sum(counts[side][f].values()) + strength
            out[f] = {
                lv: max(1e-4, (counts[side][f][lv] + strength * prior[f][lv]) / total)
                for lv in levels
            }
        return out

    decided = n[True] + n[False]
    prior = (n[True] + 1.0) / (decided + 2.0) if decided else base.prior
    return FSWeights(
        estimate(True, base.m),
        estimate(False, base.u),
        prior=prior,
        decisions=base.decisions + decided,
    )
