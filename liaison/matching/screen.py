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
import contextlib
import csv
import gc
import multiprocessing
import os
import sys
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from .dates import DateRelation, PartialDate, compare_dates, parse_date
from .errors import MatchingInputError
from .identifiers import normalise_id, normalise_nationality, normalise_phone, normalise_plate
from .index import NameBlocker
from .names import NameKeys, name_keys
from .scoring import (
    DATE_ADJUST,
    DEFAULT_THRESHOLD,
    ID_DIFFERENT,
    ID_EQUAL,
    NAME_WEIGHT,
    NATIONALITY_DIFFERENT,
    NATIONALITY_SAME,
    NameComparison,
    PreparedPerson,
    combine,
    compare_names,
    score_prepared,
)

REQUIRED = ("id", "full_name", "birth_date", "nationality", "id_number")
#: hits scoring more than this below the best hit of the same input record are dropped
DEFAULT_MARGIN = 0.12
#: distinct names per unit of parallel work
CHUNK_NAMES = 1000
#: fewer distinct input names than this are screened in this process
PARALLEL_MIN_NAMES = 20_000


class BadInput(Exception):
    """Bad input file: the message is the one line shown to the user."""


@dataclass(slots=True)
class Loaded:
    """One validated CSV file, column-wise; names are stored once per distinct name.

    Row ``r`` has ``ids[r]`` and the name ``names[name_of[r]]``; ``births``,
    ``nationalities`` and ``id_numbers`` hold the parsed / normalised fields.
    ``phones`` / ``plates`` are ``None`` when the file has no such column.
    """

    ids: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    name_of: list[int] = field(default_factory=list)
    births: list[PartialDate | None] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)
    id_numbers: list[str] = field(default_factory=list)
    phones: list[frozenset[str]] | None = None
    plates: list[frozenset[str]] | None = None

    def __len__(self) -> int:
        return len(self.ids)

    def person(self, row: int, keys: NameKeys | None = None) -> PreparedPerson:
        """Row ``row`` as a :class:`PreparedPerson` (name keys computed unless given)."""
        return PreparedPerson(
            self.ids[row],
            keys if keys is not None else name_keys(self.names[self.name_of[row]]),
            self.births[row],
            self.nationalities[row],
            self.id_numbers[row],
            self.phones[row] if self.phones is not None else frozenset(),
            self.plates[row] if self.plates is not None else frozenset(),
        )

    @property
    def people(self) -> list[PreparedPerson]:
        """All rows as :class:`PreparedPerson` (convenient, not fast)."""
        return [self.person(r) for r in range(len(self.ids))]


def _open(path: Path) -> TextIO:
    try:
        return path.open(encoding="utf-8-sig", newline="")
    except FileNotFoundError:
        raise BadInput(f"{path.name}: file not found") from None
    except OSError as exc:
        raise BadInput(f"{path.name}: cannot read ({exc.strerror})") from None


def _header(path: Path, reader: Iterator[list[str]]) -> tuple[list[str], dict[str, int]]:
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
    # a repeated column name: the last one wins
    return cols, {c: i for i, c in enumerate(cols)}


def _records(path: Path, reader: Iterator[list[str]]) -> Iterator[tuple[int, int, list[str]]]:
    row_no = 0
    line_num = getattr(reader, "line_num", 0)
    try:
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            row_no += 1
            yield row_no, getattr(reader, "line_num", line_num), values
    except (csv.Error, UnicodeDecodeError) as exc:
        raise BadInput(
            f"{path.name} row {row_no + 1} (line {getattr(reader, 'line_num', 0)}): "
            f"not valid UTF-8 CSV ({exc})"
        ) from None


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building large acyclic structures.

    Millions of new rows would otherwise trigger repeated full collections, each
    walking every object already loaded.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _cell(values: Sequence[str], i: int | None) -> str:
    if i is None or i >= len(values):
        return ""
    return values[i].strip()


def load(path: Path) -> Loaded:
    """Read and validate one CSV file.

    Dates, nationalities and identity numbers are parsed once per distinct
    value; name keys are *not* computed here (they are made once per distinct
    name, in parallel, when screening).
    """
    out = Loaded()
    name_ids: dict[str, int] = {}
    dates: dict[str, PartialDate | None] = {}
    with _open(path) as fh, _no_gc():
        reader = csv.reader(fh)
        _, pos = _header(path, reader)
        i_id, i_name, i_birth = pos["id"], pos["full_name"], pos["birth_date"]
        i_nat, i_doc = pos["nationality"], pos["id_number"]
        i_phone, i_plate = pos.get("phone"), pos.get("plate")
        if i_phone is not None:
            out.phones = []
        if i_plate is not None:
            out.plates = []
        for row_no, line, values in _records(path, reader):
            rid = _cell(values, i_id)
            if not rid:
                raise BadInput(f'{path.name} row {row_no} field id: empty "" (line {line})')
            name = _cell(values, i_name)
            birth_text = _cell(values, i_birth)
            try:
                nat = normalise_nationality(_cell(values, i_nat))
                if birth_text in dates:
                    birth = dates[birth_text]
                else:
                    birth = dates[birth_text] = parse_date(birth_text)
            except MatchingInputError as exc:
                raise BadInput(
                    f'{path.name} row {row_no} field {exc.field}: {exc.reason} "{exc.value}" '
                    f"(line {line})"
                ) from None
            doc = _cell(values, i_doc)
            nid = name_ids.get(name)
            if nid is None:
                nid = name_ids[name] = len(out.names)
                out.names.append(name)
            out.ids.append(rid)
            out.name_of.append(nid)
            out.births.append(birth)
            out.nationalities.append(nat)
            out.id_numbers.append(normalise_id(doc, nat) if doc else "")
            if out.phones is not None:
                phone = normalise_phone(_cell(values, i_phone))
                out.phones.append(frozenset((phone,)) if phone else frozenset())
            if out.plates is not None:
                plate = normalise_plate(_cell(values, i_plate))
                out.plates.append(frozenset((plate,)) if plate else frozenset())
    return out


# --- screening: one unit of work is a block of distinct input names ---------------------

Hit = tuple[str, float, str]  # (watchlist_id, score, explanation)
# a watchlist person: (person, id, birth, nationality, id number, birth year, no phone/plate)
_Entry = tuple[PreparedPerson, str, PartialDate | None, str, str, int | None, bool]


@dataclass(slots=True)
class _Job:
    """Everything a worker needs; set before the pool forks, so it is shared, not sent."""

    blocker: NameBlocker
    wl_by_name: dict[int, list[_Entry]]
    wl_by_doc: dict[str, list[PreparedPerson]]
    inputs: Loaded
    rows_of: list[list[int] | int]  # distinct input name -> its row(s)
    min_name: float
    threshold: float
    margin: float | None


_JOB: _Job | None = None
_name_keys_once = name_keys.__wrapped__
_NONE = (-1.0, "")
#: the most a pair with conflicting birth dates can get from dates and nationality
_CONFLICT_BEST = DATE_ADJUST[DateRelation.CONFLICT] + max(
    0.0, NATIONALITY_SAME, NATIONALITY_DIFFERENT
)


def _score_row(
    job: _Job, row: int, keys: NameKeys, matches: list[tuple[int, NameComparison]]
) -> list[Hit]:
    """Hits of one input row, best first (margin applied)."""
    inp = job.inputs
    threshold = job.threshold
    birth = inp.births[row]
    nat = inp.nationalities[row]
    doc = inp.id_numbers[row]
    extra_evidence = bool(
        (inp.phones is not None and inp.phones[row]) or (inp.plates is not None and inp.plates[row])
    )
    # Watchlist persons born two or more years apart get the date-conflict penalty;
    # when even the best other evidence cannot lift such a pair to the threshold,
    # they are skipped without scoring (the result is the same, only faster).
    skip_far = birth is not None and not doc and not extra_evidence
    lo = hi = 0
    if birth is not None:
        lo, hi = birth.year - 1, birth.year + 1
    person: PreparedPerson | None = None
    hits: dict[str, tuple[float, str]] = {}
    for nid, cmp in matches:
        name_part = NAME_WEIGHT * cmp.score
        near_only = skip_far and name_part + _CONFLICT_BEST < threshold - 1e-4
        for w, wid, w_birth, w_nat, w_doc, w_year, w_plain in job.wl_by_name[nid]:
            if near_only and w_plain and w_year is not None and (w_year < lo or w_year > hi):
                continue
            if extra_evidence or not w_plain:
                if person is None:
                    person = inp.person(row, keys)
                res = score_prepared(person, w, cmp)
                if res.score >= threshold and res.score > hits.get(wid, _NONE)[0]:
                    hits[wid] = (res.score, res.explanation)
                continue
            # The arithmetic of ``combine`` (hence the same rounding), without building
            # the explanation of pairs that stay below the threshold.
            date_rel = compare_dates(birth, w_birth)
            nat_rel = 0 if not nat or not w_nat else 1 if nat == w_nat else -1
            id_rel = 0 if not doc or not w_doc else 1 if doc == w_doc else -1
            s = name_part + DATE_ADJUST[date_rel]
            if nat_rel > 0:
                s += NATIONALITY_SAME
            elif nat_rel < 0:
                s += NATIONALITY_DIFFERENT
            if id_rel > 0:
                s += ID_EQUAL
            elif id_rel < 0:
                s += ID_DIFFERENT
            score = round(max(0.0, min(1.0, s)), 4)
            if score >= threshold and score > hits.get(wid, _NONE)[0]:
                res = combine(cmp, date_rel, nat_rel, id_rel)
                hits[wid] = (res.score, res.explanation)
    if len(doc) >= 5:
        for w in job.wl_by_doc.get(doc, ()):
            if w.id not in hits:
                if person is None:
                    person = inp.person(row, keys)
                res = score_prepared(person, w, compare_names(keys, w.name))
                if res.score >= threshold:
                    hits[w.id] = (res.score, res.explanation)
    if not hits:
        return []
    ranked = sorted(hits.items(), key=lambda kv: (-kv[1][0], kv[0]))
    best = ranked[0][1][0]
    margin = job.margin
    out: list[Hit] = []
    for wid, (score, expl) in ranked:
        if margin is not None and score < best - margin:
            break
        out.append((wid, score, expl))
    return out


def _screen_names(span: tuple[int, int]) -> tuple[int, list[tuple[int, list[Hit]]]]:
    """Screen the input rows of distinct names ``span[0]:span[1]``: ``(names, [(row, hits)])``."""
    job = _JOB
    assert job is not None
    names = job.inputs.names
    out: list[tuple[int, list[Hit]]] = []
    for k in range(*span):
        # each distinct name comes once: not kept in the name_keys cache
        keys = _name_keys_once(names[k])
        matches = job.blocker.similar(keys, job.min_name) if not keys.empty else []
        rows = job.rows_of[k]
        docs = job.inputs.id_numbers
        for row in rows if isinstance(rows, list) else (rows,):
            if matches or len(docs[row]) >= 5:
                hits = _score_row(job, row, keys, matches)
                if hits:
                    out.append((row, hits))
    return span[1] - span[0], out


def _run(
    job: _Job, workers: int, progress: _Progress
) -> Iterator[tuple[int, list[tuple[int, list[Hit]]]]]:
    global _JOB
    n = len(job.inputs.names)
    spans = [(i, min(n, i + CHUNK_NAMES)) for i in range(0, n, CHUNK_NAMES)]
    _JOB = job
    try:
        if (
            workers > 1
            and n > PARALLEL_MIN_NAMES
            and "fork" in multiprocessing.get_all_start_methods()
        ):
            # Fork: the workers share the watchlist index and the input columns
            # copy-on-write; only spans go out and hits come back.
            # gc.freeze: the collector in the workers must not walk (and so write to,
            # and so copy) every object inherited from the parent.
            ctx = multiprocessing.get_context("fork")
            gc.freeze()
            try:
                # the workers collect garbage (the parent pauses it while collecting hits)
                with ctx.Pool(workers, initializer=gc.enable) as pool:
                    yield from pool.imap_unordered(_screen_names, spans)
            finally:
                gc.unfreeze()
        else:
            for span in spans:
                yield _screen_names(span)
    finally:
        _JOB = None


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


def _watchlist_index(
    watchlist: Loaded,
) -> tuple[NameBlocker, dict[int, list[_Entry]], dict[str, list[PreparedPerson]]]:
    blocker = NameBlocker()
    wl_by_name: dict[int, list[_Entry]] = defaultdict(list)
    wl_by_doc: dict[str, list[PreparedPerson]] = defaultdict(list)
    for row, name_id in enumerate(watchlist.name_of):
        nid = blocker.add(watchlist.names[name_id])
        p = watchlist.person(row, blocker.names[nid])
        year = p.birth.year if p.birth is not None else None
        plain = not p.phones and not p.plates
        wl_by_name[nid].append((p, p.id, p.birth, p.nationality, p.id_number, year, plain))
        if len(p.id_number) >= 5:
            wl_by_doc[p.id_number].append(p)
    return blocker, wl_by_name, wl_by_doc


def screen(
    watchlist: Loaded,
    inputs: Loaded,
    threshold: float = DEFAULT_THRESHOLD,
    margin: float | None = DEFAULT_MARGIN,
    workers: int | None = None,
    show_progress: bool = False,
) -> Iterator[tuple[str, str, float, str]]:
    """Yield ``(input_id, watchlist_id, score, explanation)`` for every hit.

    Input rows come in file order, the hits of one row best first.
    """
    by_row: dict[int, list[Hit]] = {}
    with _no_gc():
        blocker, wl_by_name, wl_by_doc = _watchlist_index(watchlist)
        rows_of: list[list[int] | int] = [-1] * len(inputs.names)
        for row, k in enumerate(inputs.name_of):
            got = rows_of[k]
            if got == -1:
                rows_of[k] = row
            elif isinstance(got, list):
                got.append(row)
            else:
                rows_of[k] = [got, row]
        job = _Job(
            blocker,
            wl_by_name,
            wl_by_doc,
            inputs,
            rows_of,
            max(0.0, (threshold - 0.1) / NAME_WEIGHT),
            threshold,
            margin,
        )
        progress = _Progress(show_progress, len(inputs.names))
        try:
            for n_names, found in _run(job, workers or os.cpu_count() or 1, progress):
                by_row.update(found)
                progress.advance_names(n_names)
        finally:
            progress.stop()
        del job, rows_of
    ids = inputs.ids
    for row in sorted(by_row):
        input_id = ids[row]
        for wid, score, expl in by_row[row]:
            yield input_id, wid, score, expl


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
        if not len(watchlist):
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
                f"{len(inputs)} records screened against {len(watchlist)}: {n} hits → {args.out}",
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
