"""Matching quality on labelled real name variants (Vietnamese, Lao, Russian), test parts.

Data (sources, licences and how pairs are made: the comment lines of each file):

* ``benchmarks/data/matching/dev.csv`` – Vietnamese, Russian and Lao names from
  licensed package data with the spellings other agencies use (built by
  ``build_dev.py``). Its test part's errors were seen once before its split
  changed, so it is partly contaminated.
* ``benchmarks/data/matching/foreign.csv`` – foreign names in Cyrillic and in Lao
  script against their Latin form, as translators wrote them (CLDR exemplar
  cities, iso-codes ISO 3166-2 translations; ``build_foreign.py``). Its test
  part was never looked at while tuning. Each language is screened on its own.

Each row is one written form of a person (``person, lang, role, name,
birth_date, source, part``); ``role=watch`` rows form the watchlist, ``input``
rows are screened against it; inputs of a person with no watch row are decoys.
The evaluation runs ``liaison screen`` (``liaison.matching.screen.main``) on CSV
files written from this data, so the figures are what the command gives.
Baseline, measured in the same run: rapidfuzz ``token_sort_ratio`` on
``anyascii`` output over all pairs, at its best threshold per dataset (chosen on
the test data, which flatters the baseline).

Also reported: the reliability of raw and calibrated scores (``calibration.py``,
fitted on the tuning parts by ``matching_calibrate.py``) and the effect of
Fellegi–Sunter weights re-estimated from decisions simulated with the tuning
part's labels, measured on the test part.

    python benchmarks/matching_quality.py                # test parts -> results JSON
    python benchmarks/matching_quality.py --tuning -v    # tuning parts, errors listed

Prints JSON and writes ``benchmarks/results/matching_quality.json`` (test parts only).
"""

from __future__ import annotations

import csv
import json
import re
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
from anyascii import anyascii
from rapidfuzz import fuzz, process

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from liaison.matching.calibration import (  # noqa: E402
    comparison_pattern,
    probability,
    reestimate,
    starting_weights,
)
from liaison.matching.names import name_keys  # noqa: E402
from liaison.matching.scoring import DEFAULT_THRESHOLD, PersonRecord, prepare  # noqa: E402
from liaison.matching.screen import main as screen_main  # noqa: E402
from liaison.matching.scripts import Script  # noqa: E402

DATA = ROOT / "benchmarks" / "data" / "matching" / "dev.csv"
FOREIGN = ROOT / "benchmarks" / "data" / "matching" / "foreign.csv"
OUT = ROOT / "benchmarks" / "results" / "matching_quality.json"
TARGETS = {"vi": (0.97, 0.95), "ru": (0.97, 0.92), "lo": (0.92, 0.85)}
#: score bins of the reliability table
BINS = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 1.0001)


def script_class(name: str) -> str:
    s = name_keys(name).script
    return {Script.VIETNAMESE: "vi-marked", Script.LAO: "lao", Script.CYRILLIC: "cyrillic"}.get(
        s, "latin"
    )


def load(
    part: str = "test", data: Path = DATA
) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """Watch and input rows of one part (``test`` or ``tuning``) of the set."""
    with data.open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(line for line in fh if not line.startswith("#"))]
    rows = [r for r in rows if r.get("part", part) == part]
    watch, inputs = [], []
    counter: dict[str, int] = defaultdict(int)
    for r in rows:
        counter[r["person"] + r["role"]] += 1
        r["id"] = f"{r['person']}-{r['role'][0]}{counter[r['person'] + r['role']]}"
        (watch if r["role"] == "watch" else inputs).append(r)
    return watch, inputs


def prf(tp: int, fp: int, fn: int) -> dict[str, float | int]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(f, 4),
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }


def evaluate(
    hits: set[tuple[str, str]], watch: list[dict[str, str]], inputs: list[dict[str, str]]
) -> dict[str, dict[str, dict[str, float | int]]]:
    by_id = {r["id"]: r for r in watch + inputs}
    expected = {(i["id"], w["id"]) for i in inputs for w in watch if i["person"] == w["person"]}
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    lang_counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])

    def key(iid: str, wid: str) -> tuple[str, str]:
        i, w = by_id[iid], by_id[wid]
        pair = "~".join(sorted((script_class(i["name"]), script_class(w["name"]))))
        return i["lang"], f"{i['lang']}:{pair}"

    for h in hits:
        lang, pair = key(*h)
        slot = 0 if h in expected else 1
        counts[pair][slot] += 1
        lang_counts[lang][slot] += 1
    for e in expected - hits:
        lang, pair = key(*e)
        counts[pair][2] += 1
        lang_counts[lang][2] += 1
    return {
        "by_language": {k: prf(*v) for k, v in sorted(lang_counts.items())},
        "by_script_pair": {k: prf(*v) for k, v in sorted(counts.items())},
    }


def run_screen(
    watch: list[dict[str, str]], inputs: list[dict[str, str]], threshold: float | None = None
) -> dict[tuple[str, str], float]:
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        for name, rows in (("watchlist.csv", watch), ("input.csv", inputs)):
            with (t / name).open("w", encoding="utf-8", newline="") as fh:
                w = csv.writer(fh)
                w.writerow(["id", "full_name", "birth_date", "nationality", "id_number"])
                for r in rows:
                    w.writerow([r["id"], r["name"], r["birth_date"], "", ""])
        code = screen_main(
            [
                "--watchlist",
                str(t / "watchlist.csv"),
                "--input",
                str(t / "input.csv"),
                "--out",
                str(t / "hits.csv"),
                *(["--threshold", str(threshold)] if threshold is not None else []),
            ]
        )
        if code != 0:
            raise SystemExit(f"liaison screen failed with exit code {code}")
        with (t / "hits.csv").open(encoding="utf-8") as fh:
            return {
                (h["input_id"], h["watchlist_id"]): float(h["score"]) for h in csv.DictReader(fh)
            }


def baseline(
    watch: list[dict[str, str]], inputs: list[dict[str, str]]
) -> tuple[float, dict[float, set[tuple[str, str]]]]:
    matrix = process.cdist(
        [anyascii(i["name"]).lower() for i in inputs],
        [anyascii(w["name"]).lower() for w in watch],
        scorer=fuzz.token_sort_ratio,
        score_cutoff=50,
        dtype=np.uint8,
    )
    expected = {(i["id"], w["id"]) for i in inputs for w in watch if i["person"] == w["person"]}
    best_t, best_f, by_t = 0.0, -1.0, {}
    for t in range(50, 100, 2):
        rows, cols = np.nonzero(matrix >= t)
        hits = {
            (inputs[r]["id"], watch[c]["id"])
            for r, c in zip(rows.tolist(), cols.tolist(), strict=True)
        }
        tp = len(hits & expected)
        f = 2 * tp / (len(hits) + len(expected)) if hits or expected else 0
        by_t[float(t)] = hits
        if f > best_f:
            best_t, best_f = float(t), f
    return best_t, by_t


def datasets(part: str) -> list[tuple[str, list[dict[str, str]], list[dict[str, str]]]]:
    """``(label, watch, inputs)``: dev.csv as one run, foreign.csv one run per language."""
    out = [("dev", *load(part, DATA))]
    watch, inputs = load(part, FOREIGN)
    for lang in ("ru", "lo"):
        out.append(
            (
                f"foreign-{lang}",
                [w for w in watch if w["lang"] == lang],
                [i for i in inputs if i["lang"] == lang],
            )
        )
    return out


#: a Cyrillic adjective derived from a place name (Абшеронский, Армавирская, Канарские):
#: foreign.csv pairs it with the name itself (Abşeron), which is a different word, not a
#: spelling of the name; recall is also reported without such pairs
DERIVED_ADJECTIVE = re.compile(r"(ск|цк|н)(ий|ый|ая|ое|ые|ие|ее|яя)$")


def derived_adjective_recall(
    hits: set[tuple[str, str]], watch: list[dict[str, str]], inputs: list[dict[str, str]]
) -> dict[str, float | int]:
    """Recall of the true pairs whose Cyrillic name is a derived adjective, and of the rest."""
    names = {r["id"]: r["name"] for r in watch}
    truth = truth_of(watch, inputs)
    derived = {p for p in truth if DERIVED_ADJECTIVE.search(names[p[1]].lower())}
    rest = truth - derived
    return {
        "derived_adjective_pairs": len(derived),
        "recall_derived_adjective": round(len(derived & hits) / len(derived), 4)
        if derived
        else 1.0,
        "other_pairs": len(rest),
        "recall_other": round(len(rest & hits) / len(rest), 4) if rest else 1.0,
    }


def truth_of(watch: list[dict[str, str]], inputs: list[dict[str, str]]) -> set[tuple[str, str]]:
    return {(i["id"], w["id"]) for i in inputs for w in watch if i["person"] == w["person"]}


def scored_parts(
    part: str,
) -> list[tuple[str, dict[tuple[str, str], float], set[tuple[str, str]]]]:
    """Every pair ``liaison screen`` scores at threshold 0.5, with the true pairs, per dataset."""
    return [
        (label, run_screen(watch, inputs, threshold=0.5), truth_of(watch, inputs))
        for label, watch, inputs in datasets(part)
    ]


def reliability_table(
    pairs: list[tuple[float, bool]], bins: tuple[float, ...] = BINS
) -> list[dict[str, float | int | str]]:
    table = []
    for lo, hi in zip(bins, bins[1:], strict=False):
        in_bin = [(s, t) for s, t in pairs if lo <= s < hi]
        true = sum(1 for _, t in in_bin if t)
        table.append(
            {
                "bin": f"{lo:.2f}-{min(hi, 1.0):.2f}",
                "pairs": len(in_bin),
                "true": true,
                "observed": round(true / len(in_bin), 4) if in_bin else 0.0,
                "mean_predicted": round(sum(s for s, _ in in_bin) / len(in_bin), 4)
                if in_bin
                else 0.0,
            }
        )
    return table


def patterns(part: str) -> list[tuple[dict[str, str], float, bool]]:
    """``(comparison pattern, raw score, true?)`` of every pair scored at 0.5 in ``part``."""
    out = []
    for (_, watch, inputs), (_, scored, truth) in zip(
        datasets(part), scored_parts(part), strict=True
    ):
        by_id = {r["id"]: r for r in watch + inputs}
        for (iid, wid), score in scored.items():
            a, b = by_id[iid], by_id[wid]
            pa = prepare(PersonRecord(iid, a["name"], a["birth_date"]))
            pb = prepare(PersonRecord(wid, b["name"], b["birth_date"]))
            out.append((comparison_pattern(pa, pb), score, (iid, wid) in truth))
    return out


def fellegi_sunter() -> dict[str, object]:
    """Analyst decisions simulated from the tuning labels re-estimate m/u; effect on the test part."""
    tuning = patterns("tuning")
    test = patterns("test")
    before = starting_weights()
    after = reestimate([(p, t) for p, _, t in tuning])

    def rates(decide: list[bool]) -> dict[str, float | int]:
        tp = sum(1 for d, (_, _, t) in zip(decide, test, strict=True) if d and t)
        fp = sum(1 for d, (_, _, t) in zip(decide, test, strict=True) if d and not t)
        fn = sum(1 for d, (_, _, t) in zip(decide, test, strict=True) if not d and t)
        return prf(tp, fp, fn)

    def brier(probs: list[float]) -> float:
        return round(
            sum((p - t) ** 2 for p, (_, _, t) in zip(probs, test, strict=True)) / len(test), 4
        )

    p_before = [before.probability(p) for p, _, _ in test]
    p_after = [after.probability(p) for p, _, _ in test]
    p_cal = [probability(s) for _, s, _ in test]
    return {
        "decisions_from_tuning_part": len(tuning),
        "confirmed": sum(1 for _, _, t in tuning if t),
        "test_pairs": len(test),
        "note": "candidate pairs = pairs liaison screen scores >= 0.5; a pair is accepted at "
        "probability >= 0.5 (FS) or raw score >= the default threshold",
        "raw_score_at_default_threshold": rates([s >= DEFAULT_THRESHOLD for _, s, _ in test]),
        "fs_starting_weights": rates([p >= 0.5 for p in p_before]),
        "fs_reestimated_weights": rates([p >= 0.5 for p in p_after]),
        "brier": {
            "calibrated_score": brier(p_cal),
            "fs_starting_weights": brier(p_before),
            "fs_reestimated_weights": brier(p_after),
        },
        "reestimated_weights_log2": after.weights,
    }


def main() -> int:
    part = "tuning" if "--tuning" in sys.argv else "test"
    if part == "test" and "-v" in sys.argv:
        raise SystemExit("errors are listed for the tuning part only (--tuning -v)")
    t0 = time.perf_counter()
    per_set: dict[str, object] = {}
    lang_counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    base_counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for label, watch, inputs in datasets(part):
        hits = set(run_screen(watch, inputs))
        ours = evaluate(hits, watch, inputs)
        bt, by_t = baseline(watch, inputs)
        base = evaluate(by_t[bt], watch, inputs)
        for lang, r in ours["by_language"].items():
            for k, f in enumerate(("tp", "fp", "fn")):
                lang_counts[lang][k] += int(r[f])
        for lang, r in base["by_language"].items():
            for k, f in enumerate(("tp", "fp", "fn")):
                base_counts[lang][k] += int(r[f])
        per_set[label] = {
            "watchlist_rows": len(watch),
            "input_rows": len(inputs),
            "liaison_screen": ours,
            "baseline": {"threshold": bt / 100, **base},
        }
        if label == "foreign-ru":
            per_set[label]["liaison_screen_by_kind"] = derived_adjective_recall(hits, watch, inputs)
        if part == "tuning" and "-v" in sys.argv:
            list_errors(hits, watch, inputs)
    elapsed = time.perf_counter() - t0
    by_language = {k: prf(*v) for k, v in sorted(lang_counts.items())}
    scored = [(s, k in truth) for _, sc, truth in scored_parts(part) for k, s in sc.items()]
    result = {
        "data": ["benchmarks/data/matching/dev.csv", "benchmarks/data/matching/foreign.csv"],
        "part": part,
        "threshold": DEFAULT_THRESHOLD,
        "note": "dev.csv test part: its errors were seen before an earlier split change "
        "(partly contaminated); foreign.csv test part: never inspected while tuning",
        "liaison_screen_by_language": by_language,
        "baseline_by_language": {k: prf(*v) for k, v in sorted(base_counts.items())},
        "baseline_method": "rapidfuzz token_sort_ratio on anyascii, best threshold per dataset",
        "targets_met": {
            lang: by_language[lang]["precision"] >= p and by_language[lang]["recall"] >= r
            for lang, (p, r) in TARGETS.items()
            if lang in by_language
        },
        "by_dataset": per_set,
        "reliability_raw_score": reliability_table(scored),
        "reliability_calibrated": reliability_table(
            [(probability(s), t) for s, t in scored],
            (0.0, 0.2, 0.4, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0001),
        ),
        "fellegi_sunter": fellegi_sunter() if part == "test" else None,
        "screen_seconds": round(elapsed, 3),
    }
    text = json.dumps(result, indent=2, ensure_ascii=False)
    if part == "test":
        OUT.parent.mkdir(parents=True, exist_ok=True)
        OUT.write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


def list_errors(
    hits: set[tuple[str, str]], watch: list[dict[str, str]], inputs: list[dict[str, str]]
) -> None:
    by_id = {r["id"]: r for r in watch + inputs}
    expected = {(i["id"], w["id"]) for i in inputs for w in watch if i["person"] == w["person"]}
    for h in sorted(hits - expected):
        print("FP", by_id[h[0]]["name"], "|", by_id[h[1]]["name"], file=sys.stderr)
    for e in sorted(expected - hits):
        print("FN", by_id[e[0]]["name"], "|", by_id[e[1]]["name"], file=sys.stderr)


if __name__ == "__main__":
    raise SystemExit(main())
