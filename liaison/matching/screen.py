"""``liaison screen``: batch person matching of an input file against a watchlist.

    liaison screen --watchlist W.csv --input I.csv --out HITS.csv [--threshold T]

Both CSV files (UTF-8, header row) need the columns ``id, full_name,
birth_date, nationality, id_number``; more columns are allowed (``phone`` and
``plate`` are used when present). ``HITS.csv`` gets ``input_id, watchlist_id,
score, explanation``, best hits first for each input record.

Exit codes: 0 success, 2 bad input (one line on stderr naming file, row and
field), 1 any other failure. Row numbers count data rows (the first record
after the header is row 1); the physical line of the file is given too.

Neutral treatment (documented, never a crash): an empty name or a name in a
script nothing can read matches only through ``id_number``; blank birth dates,
nationalities and id numbers are "unknown" and neither help nor hurt.
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing
import os
import sys
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from .dates import compare_dates
from .errors import MatchingInputError
from .index import NameBlocker
from .names import name_keys
from .scoring import (
    DEFAULT_THRESHOLD,
    NAME_WEIGHT,
    NameComparison,
    PersonRecord,
    PreparedPerson,
    combine,
    compare_names,
    prepare,
    score_prepared,
)

REQUIRED = ("id", "full_name", "birth_date", "nationality", "id_number")
#: hits scoring more than this below the best hit of the same input record are dropped
DEFAULT_MARGIN = 0.12


class BadInput(Exception):
    """Bad input file: the message is the one line shown to the user."""


@dataclass(slots=True)
class Loaded:
    people: list[PreparedPerson]
    names: list[str]


def _open(path: Path) -> TextIO:
    try:
        return path.open(encoding="utf-8-sig", newline="")
    except FileNotFoundError:
        raise BadInput(f"{path.name}: file not found") from None
    except OSError as exc:
        raise BadInput(f"{path.name}: cannot read ({exc.strerror})") from None


def _rows(path: Path) -> Iterator[tuple[int, int, dict[str, str]]]:
    with _open(path) as fh:
        reader = csv.reader(fh)
        try:
            header = next(reader)
        except StopIteration:
            raise BadInput(f"{path.name}: empty file (no header row)") from None
        except (csv.Error, UnicodeDecodeError) as exc:
            raise BadInput(f"{path.name} row 0 (line 1): not valid UTF-8 CSV ({exc})") from None
        cols = [h.strip().lower() for h in header]
        missing = [c for c in REQUIRED if c not in cols]
        if missing:
            raise BadInput(f"{path.name}: missing required column(s) {', '.join(missing)}")
        row_no = 0
        try:
            for values in reader:
                if not any(v.strip() for v in values):
                    continue
                row_no += 1
                rec = {
                    c: (values[i].strip() if i < len(values) else "") for i, c in enumerate(cols)
                }
                yield row_no, reader.line_num, rec
        except (csv.Error, UnicodeDecodeError) as exc:
            raise BadInput(
                f"{path.name} row {row_no + 1} (line {reader.line_num}): not valid UTF-8 CSV ({exc})"
            ) from None


def load(path: Path) -> Loaded:
    """Read and validate one CSV file."""
    people: list[PreparedPerson] = []
    names: list[str] = []
    for row_no, line, rec in _rows(path):
        if not rec["id"]:
            raise BadInput(f'{path.name} row {row_no} field id: empty "" (line {line})')
        phones = tuple(p for p in (rec.get("phone", ""),) if p)
        plates = tuple(p for p in (rec.get("plate", ""),) if p)
        try:
            person = prepare(
                PersonRecord(
                    rec["id"],
                    rec["full_name"],
                    rec["birth_date"],
                    rec["nationality"],
                    rec["id_number"],
                    phones,
                    plates,
                )
            )
        except MatchingInputError as exc:
            raise BadInput(
                f'{path.name} row {row_no} field {exc.field}: {exc.reason} "{exc.value}" '
                f"(line {line})"
            ) from None
        people.append(person)
        names.append(rec["full_name"])
    return Loaded(people, names)


# --- name-level matching (parallel over distinct input names) -----------------------

_BLOCKER: NameBlocker | None = None
_MIN_NAME = 0.0


def _similar_chunk(names: list[str]) -> list[list[tuple[int, NameComparison]]]:
    assert _BLOCKER is not None
    return [_BLOCKER.similar(name_keys(n), _MIN_NAME) for n in names]


def _name_matches(
    blocker: NameBlocker, names: list[str], min_name: float, workers: int, progress: object
) -> list[list[tuple[int, NameComparison]]]:
    global _BLOCKER, _MIN_NAME
    _BLOCKER, _MIN_NAME = blocker, min_name
    chunk = 2000
    chunks = [names[i : i + chunk] for i in range(0, len(names), chunk)]
    out: list[list[tuple[int, NameComparison]]] = []
    advance = getattr(progress, "advance_names", None)
    if workers > 1 and len(names) > 20_000 and "fork" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(workers) as pool:
            for res in pool.imap(_similar_chunk, chunks):
                out.extend(res)
                if advance:
                    advance(len(res))
    else:
        for c in chunks:
            res = _similar_chunk(c)
            out.extend(res)
            if advance:
                advance(len(res))
    return out


class _Progress:
    """A rich progress bar on a terminal; nothing otherwise."""

    def __init__(self, enabled: bool, total: int) -> None:
        self._bar = None
        if enabled:
            from rich.progress import Progress

            self._bar = Progress(transient=True)
            self._task = self._bar.add_task("screening names", total=total)
            self._bar.start()

    def advance_names(self, n: int) -> None:
        if self._bar is not None:
            self._bar.advance(self._task, n)

    def stop(self) -> None:
        if self._bar is not None:
            self._bar.stop()


def screen(
    watchlist: Loaded,
    inputs: Loaded,
    threshold: float = DEFAULT_THRESHOLD,
    margin: float | None = DEFAULT_MARGIN,
    workers: int | None = None,
    show_progress: bool = False,
) -> Iterator[tuple[str, str, float, str]]:
    """Yield ``(input_id, watchlist_id, score, explanation)`` for every hit."""
    blocker = NameBlocker()
    wl_by_name: dict[int, list[PreparedPerson]] = defaultdict(list)
    wl_by_doc: dict[str, list[PreparedPerson]] = defaultdict(list)
    for person, name in zip(watchlist.people, watchlist.names, strict=True):
        wl_by_name[blocker.add(name)].append(person)
        if len(person.id_number) >= 5:
            wl_by_doc[person.id_number].append(person)

    distinct: dict[str, int] = {}
    for name in inputs.names:
        distinct.setdefault(name, len(distinct))
    distinct_names = list(distinct)
    min_name = max(0.0, (threshold - 0.1) / NAME_WEIGHT)
    progress = _Progress(show_progress, len(distinct_names))
    try:
        matches = _name_matches(
            blocker, distinct_names, min_name, workers or os.cpu_count() or 1, progress
        )
    finally:
        progress.stop()

    for person, name in zip(inputs.people, inputs.names, strict=True):
        hits: dict[str, tuple[float, str]] = {}
        for nid, cmp in matches[distinct[name]]:
            for w in wl_by_name[nid]:
                if person.phones or person.plates or w.phones or w.plates:
                    res = score_prepared(person, w, cmp)
                else:
                    res = combine(
                        cmp,
                        compare_dates(person.birth, w.birth),
                        _rel(person.nationality, w.nationality),
                        _rel(person.id_number, w.id_number),
                    )
                if res.score >= threshold and res.score > hits.get(w.id, (-1.0, ""))[0]:
                    hits[w.id] = (res.score, res.explanation)
        if len(person.id_number) >= 5:
            for w in wl_by_doc.get(person.id_number, ()):
                if w.id not in hits:
                    res = score_prepared(person, w, compare_names(person.name, w.name))
                    if res.score >= threshold:
                        hits[w.id] = (res.score, res.explanation)
        if not hits:
            continue
        ranked = sorted(hits.items(), key=lambda kv: (-kv[1][0], kv[0]))
        best = ranked[0][1][0]
        for wid, (score, expl) in ranked:
            if margin is not None and score < best - margin:
                break
            yield person.id, wid, score, expl


def _rel(a: str, b: str) -> int:
    if not a or not b:
        return 0
    return 1 if a == b else -1


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="liaison screen", description="Screen persons against a watchlist."
    )
    p.add_argument("--watchlist", required=True, type=Path, help="watchlist CSV")
    p.add_argument("--input", required=True, type=Path, help="input CSV to screen")
    p.add_argument("--out", required=True, type=Path, help="hits CSV to write")
    p.add_argument(
        "--threshold",
        type=float,
        default=DEFAULT_THRESHOLD,
        help=f"minimum score 0..1 (default {DEFAULT_THRESHOLD})",
    )
    p.add_argument(
        "--margin",
        type=float,
        default=DEFAULT_MARGIN,
        help="drop hits this far below the best hit of the same record (-1 keeps all)",
    )
    p.add_argument("--workers", type=int, default=None, help="processes (default: CPUs)")
    return p


class _ArgError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise _ArgError(message)


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code (0 ok, 2 bad input, 1 other failure)."""
    parser = _parser()
    parser.__class__ = _Parser
    try:
        args = parser.parse_args(argv)
    except _ArgError as exc:
        print(f"liaison screen: {exc}", file=sys.stderr)
        return 2
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    if not 0.0 <= args.threshold <= 1.0:
        print(
            f'liaison screen: --threshold must be in 0..1, got "{args.threshold}"', file=sys.stderr
        )
        return 2
    try:
        watchlist = load(args.watchlist)
        if not watchlist.people:
            raise BadInput(f"{args.watchlist.name}: watchlist has no rows")
        inputs = load(args.input)
        tmp = args.out.with_name(args.out.name + ".part")
        n = 0
        with tmp.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["input_id", "watchlist_id", "score", "explanation"])
            for input_id, wid, score, expl in screen(
                watchlist,
                inputs,
                threshold=args.threshold,
                margin=None if args.margin < 0 else args.margin,
                workers=args.workers,
                show_progress=sys.stderr.isatty(),
            ):
                writer.writerow([input_id, wid, f"{score:.4f}", expl])
                n += 1
        tmp.replace(args.out)
        if sys.stderr.isatty():
            print(
                f"{len(inputs.people)} records screened against {len(watchlist.people)}: "
                f"{n} hits → {args.out}",
                file=sys.stderr,
            )
        return 0
    except BadInput as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("liaison screen: interrupted", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - the contract is "exit 1 on other failures"
        print(f"liaison screen: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
