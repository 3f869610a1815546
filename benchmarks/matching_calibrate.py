"""Fit the score calibration on the TUNING parts of the matching development sets.

    python benchmarks/matching_calibrate.py

Screens the tuning parts of ``dev.csv`` and ``foreign.csv`` (each language of the
latter on its own) at threshold 0.5 keeping every hit, labels each scored pair
true or false, fits an isotonic regression of the label on the raw score and
writes ``liaison/matching/calibration.json`` (shipped in the package). The test
parts are never read.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from matching_quality import scored_parts  # noqa: E402

from liaison.matching.calibration import CALIBRATION_FILE, fit_isotonic  # noqa: E402


def main() -> int:
    pairs = []
    for _, scored, truth in scored_parts("tuning"):
        pairs += [(score, key in truth) for key, score in scored.items()]
    points = fit_isotonic(pairs)
    CALIBRATION_FILE.write_text(
        json.dumps(
            {
                "fitted_on": "tuning parts of benchmarks/data/matching/dev.csv and foreign.csv",
                "pairs": len(pairs),
                "true_pairs": sum(1 for _, t in pairs if t),
                "method": "isotonic regression (pool adjacent violators) of label on raw score",
                "points": points,
            },
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"{len(pairs)} pairs, {len(points)} points -> {CALIBRATION_FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
