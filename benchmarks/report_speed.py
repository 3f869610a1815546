"""Benchmark: the three-year border-provinces report and a 100,000-case import on SQLite.

Builds (once, cached in ``benchmarks/.cache/report-speed-<scale>/``) a VN node holding
1,000,000 cases, 1,500,000 persons and 2,000,000 seizures over five years (×``--scale``),
written straight into SQLite with ``executemany``; the statistics tallies are then counted
from those records by ``liaison tallies --rebuild`` (the function the migration runs, as
rows written outside the services need). Then measures, with the real ``liaison``
commands run as child processes:

* ``liaison report --from 2023-01-01 --to 2025-12-31 --border-provinces --format json``
  (wall time of the whole command, best of three, and the statistics queries alone, timed
  in this process);
* ``liaison import cases … persons … seizures …`` of 100,000 cases with 150,000 persons and
  200,000 seizures (×``--scale``) into a copy of the node;
* the peak resident memory of those commands.

Prints one JSON object and writes ``benchmarks/results/report_speed.json``.
Targets: report < 2 s, import < 60 s, memory < 2 GiB. Quick run: ``--scale 0.01``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "benchmarks" / ".cache"
RESULTS = ROOT / "benchmarks" / "results"
START, END = dt.date(2021, 1, 1), dt.date(2025, 12, 31)
REPORT_FROM, REPORT_TO = "2023-01-01", "2025-12-31"
MERGER = dt.date(2025, 7, 1)
DRUGS = [
    ("methamphetamine_tablets", "tablet", 400),
    ("crystal_methamphetamine", "g", 150),
    ("heroin", "g", 120),
    ("cannabis_herb", "kg", 1.5),
    ("opium", "g", 200),
    ("ketamine", "g", 80),
]
#: The fixture's cases and persons: every field after the reference, province and date
CASE_REST = ("", "", "", "closed", "", "road", "")  # district … joint_case_ref
PERSON_NAME_BIRTH = ("Nguyễn Văn A", "Nguyen Van A", "M", "1990", "year", 1990, None, None)
#: The import files: their headers, and the fixed fields of their rows
CASE_HEADER = "case_ref,detected_on,province,district,commune,summary,joint_case_ref"
PERSON_HEADER = "case_ref,person_ref,full_name,latin_name,sex,birth_date,nationality,id_number,role"
SEIZURE_HEADER = "case_ref,drug,quantity,unit"
IMPORTED_CASE_TEXT = ("Huyện A", "Xã B", "Vận chuyển trái phép chất ma túy", "")
IMPORTED_PERSON = ("Trần Văn Bình", "Tran Van Binh", "M", "1988-04")


CPU: dict[str, float] = {}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def liaison(
    home: Path, *args: str, quiet: bool = True
) -> tuple[float, subprocess.CompletedProcess]:
    """Run a ``liaison`` command; returns its wall time (its CPU time goes to CPU["last"])."""
    env = {**os.environ, "LIAISON_HOME": str(home), "CI": "1"}
    env.pop("LIAISON_DATABASE_URL", None)
    cpu = _children_cpu()
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "liaison.cli", *args], env=env, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - started
    CPU["last"] = _children_cpu() - cpu
    if result.returncode != 0:
        raise SystemExit(f"liaison {' '.join(args)} failed: {result.stderr.strip()}")
    return elapsed, result


def _provinces(
    db: sqlite3.Connection,
) -> tuple[list[tuple[int, str, int]], dict[int, tuple[int, str]]]:
    """Pre-merger VN provinces (id, code, weight) and their post-merger successor (id, code)."""
    rows = db.execute(
        "SELECT p.id, p.code, p.is_border FROM core_province p JOIN core_country c "
        "ON c.id = p.country_id WHERE c.code = 'VN' AND p.valid_to IS NOT NULL ORDER BY p.code"
    ).fetchall()
    succ = {
        pre: (post, code)
        for pre, post, code in db.execute(
            "SELECT s.predecessor_id, s.successor_id, p.code FROM core_provincesuccession s "
            "JOIN core_province p ON p.id = s.successor_id"
        )
    }
    return [(pid, code, 9 if border else 1) for pid, code, border in rows], succ


def build(home: Path, scale: float) -> dict[str, float]:
    """A node with the big fixture; returns the seconds spent."""
    started = time.perf_counter()
    if home.exists():
        shutil.rmtree(home)
    home.mkdir(parents=True)
    liaison(home, "init", "--country", "VN", "--name", "Benchmark VN")
    node = json.loads((home / "node.json").read_text())
    db = sqlite3.connect(home / "liaison.sqlite3")
    db.executescript(
        "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-1000000; "
        "PRAGMA temp_store=MEMORY;"
    )
    provinces, succ = _provinces(db)
    owner = db.execute("SELECT id FROM core_unit WHERE parent_id IS NULL").fetchone()[0]
    # Drop the secondary indexes while loading; put them back afterwards.
    tables = ("crime_drugcase", "crime_person", "crime_seizure")
    indexes = db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type='index' AND sql IS NOT NULL AND tbl_name IN (?,?,?)",
        tables,
    ).fetchall()
    for name, _sql in indexes:
        db.execute(f'DROP INDEX "{name}"')
    rng = random.Random(42)
    n_cases = int(1_000_000 * scale)
    days = (END - START).days + 1
    weights = [w for _i, _c, w in provinces]
    now = dt.datetime.now(dt.UTC).isoformat(sep=" ")
    common = (node["id"], "VN", 1, now, now, owner, "AMBER", "H0", "")
    case_sql = (
        "INSERT INTO crime_drugcase (uuid, origin, origin_country, version, created_at, updated_at, "
        "owner_unit_id, tlp, handling, handling_note, id, case_ref, detected_on, province_id, "
        "district, commune, summary, status, route, transport_mode, joint_case_ref) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
    )
    person_sql = (
        "INSERT INTO crime_person (uuid, origin, origin_country, version, created_at, updated_at, "
        "owner_unit_id, tlp, handling, handling_note, case_id, person_ref, full_name, latin_name, "
        "sex, birth_date, birth_precision, birth_year, birth_month, birth_day, nationality, "
        "id_number, phones, photo, role, detected_on, province_id) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
    )
    seizure_sql = (
        "INSERT INTO crime_seizure (uuid, origin, origin_country, version, created_at, updated_at, "
        "owner_unit_id, tlp, handling, handling_note, case_id, drug_id, quantity, unit, "
        "natural_key, detected_on, province_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
    )
    batch = 50_000
    person_count = seizure_count = 0
    for first in range(1, n_cases + 1, batch):
        ids = range(first, min(first + batch, n_cases + 1))
        places = rng.choices(provinces, weights=weights, k=len(ids))
        cases, persons, seizures = [], [], []
        for case_id, (pid, _code, _w) in zip(ids, places, strict=True):
            day = START + dt.timedelta(days=rng.randrange(days))
            if day >= MERGER:
                pid = succ[pid][0]
            iso = day.isoformat()
            ref = f"B-{case_id:08d}"
            cases.append((uuid.uuid4().hex, *common, case_id, ref, iso, pid, *CASE_REST))
            for k in range(1 + case_id % 2):
                nationality = "LA" if rng.random() < 0.035 else "VN"
                role = "defendant" if k == 0 or rng.random() < 0.8 else "witness"
                person = (f"P{k + 1}", *PERSON_NAME_BIRTH, nationality, "", "", "", role)
                persons.append((uuid.uuid4().hex, *common, case_id, *person, iso, pid))
            for k in range(1 + case_id % 3):
                drug, unit, median = DRUGS[rng.randrange(len(DRUGS))]
                quantity = round(median * rng.lognormvariate(0, 1), 0 if unit == "tablet" else 3)
                seizure = (drug, quantity, unit, f"{drug}|{unit}|{quantity}|{k + 1}")
                seizures.append((uuid.uuid4().hex, *common, case_id, *seizure, iso, pid))
        db.executemany(case_sql, cases)
        db.executemany(person_sql, persons)
        db.executemany(seizure_sql, seizures)
        person_count += len(persons)
        seizure_count += len(seizures)
        db.commit()
        print(f"  fixture: {ids[-1]:,} cases", file=sys.stderr, flush=True)
    for _name, sql in indexes:
        db.execute(sql)
    db.execute("ANALYZE")
    db.commit()
    db.close()
    tallied = time.perf_counter()
    liaison(home, "tallies", "--rebuild")
    print(f"  tallies: {time.perf_counter() - tallied:.0f} s", file=sys.stderr, flush=True)
    (home / "fixture.json").write_text(
        json.dumps({"cases": n_cases, "persons": person_count, "seizures": seizure_count})
    )
    return {"fixture_seconds": round(time.perf_counter() - started, 1)}


def import_files(
    folder: Path,
    scale: float,
    provinces: list[tuple[int, str, int]],
    succ: dict[int, tuple[int, str]],
) -> list[Path]:
    paths = [folder / "cases.csv", folder / "persons.csv", folder / "seizures.csv"]
    if all(p.exists() for p in paths):
        return paths
    rng = random.Random(7)
    n = int(100_000 * scale)
    days = (END - START).days + 1
    weights = [w for _i, _c, w in provinces]
    with (
        open(paths[0], "w", newline="", encoding="utf-8") as fc,
        open(paths[1], "w", newline="", encoding="utf-8") as fp,
        open(paths[2], "w", newline="", encoding="utf-8") as fs,
    ):
        cw, pw, sw = csv.writer(fc), csv.writer(fp), csv.writer(fs)
        cw.writerow(CASE_HEADER.split(","))
        pw.writerow(PERSON_HEADER.split(","))
        sw.writerow(SEIZURE_HEADER.split(","))
        for i in range(1, n + 1):
            pid, code, _w = rng.choices(provinces, weights=weights)[0]
            day = START + dt.timedelta(days=rng.randrange(days))
            if day >= MERGER:
                code = succ[pid][1]
            ref = f"IMP-{i:07d}"
            cw.writerow([ref, day.isoformat(), code, *IMPORTED_CASE_TEXT])
            for k in range(1 + i % 2):
                nationality = "LA" if rng.random() < 0.035 else "VN"
                pw.writerow([ref, f"P{k + 1}", *IMPORTED_PERSON, nationality, "", "defendant"])
            for k in range(1 + i % 3):
                drug, unit, median = DRUGS[(i + k) % len(DRUGS)]
                quantity = round(median * rng.lognormvariate(0, 1), 0 if unit == "tablet" else 3)
                sw.writerow([ref, drug, quantity, unit])
    return paths


def report_query_seconds(home: Path) -> float:
    """The statistics queries alone, in this process (warm, best of three)."""
    os.environ["LIAISON_HOME"] = str(home)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaison.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from liaison.reports import stats

    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        selection = stats.select(
            dt.date.fromisoformat(REPORT_FROM), dt.date.fromisoformat(REPORT_TO), border=True
        )
        stats.compute(selection)
        best = min(best, time.perf_counter() - started)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 1,000,000 cases")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached fixture")
    options = parser.parse_args()
    scale = options.scale
    home = CACHE / f"report-speed-{scale:g}" / "node"
    result: dict[str, object] = {"scale": scale, "cpus": os.cpu_count(), "database": "sqlite"}
    if options.rebuild or not (home / "fixture.json").exists():
        result.update(build(home, scale))
    result.update(json.loads((home / "fixture.json").read_text()))
    liaison(home, "migrate", "--no-input")  # a cached fixture gets the current indexes
    load = os.getloadavg()[0]

    # Report: the whole command, cold first run and best of three.
    report = ["report", "--from", REPORT_FROM, "--to", REPORT_TO, "--border-provinces"]
    times, cpu = [], []
    for _ in range(3):
        seconds, completed = liaison(home, *report, "--format", "json")
        times.append(seconds)
        cpu.append(CPU["last"])
    data = json.loads(completed.stdout)
    result["report_seconds"] = round(min(times), 3)
    result["report_first_run_seconds"] = round(times[0], 3)
    result["report_cpu_seconds"] = round(min(cpu), 3)
    result["report_cases"] = data["cases"]
    result["report_defendants"] = data["defendants"]
    result["report_kg_equivalent_total"] = data["kg_equivalent_total"]

    # Import of 100,000 cases with persons and seizures into a copy of the node.
    db = sqlite3.connect(home / "liaison.sqlite3")
    provinces, succ = _provinces(db)
    db.close()
    files = import_files(home.parent, scale, provinces, succ)
    copy = home.parent / "import-node"
    if copy.exists():
        shutil.rmtree(copy)
    shutil.copytree(home, copy)
    kinds_and_files = []
    for kind, path in zip(("cases", "persons", "seizures"), files, strict=True):
        kinds_and_files += [kind, str(path)]
    seconds, completed = liaison(copy, "import", *kinds_and_files)
    result["import_seconds"] = round(seconds, 1)
    result["import_cpu_seconds"] = round(CPU["last"], 1)
    result["import_summary"] = completed.stdout.strip()
    shutil.rmtree(copy)

    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result["peak_memory_mib"] = round(peak_kib / 1024, 1)
    result["report_query_seconds"] = round(report_query_seconds(home), 3)
    # Other work on the machine slows the wall-clock figures; the CPU figures show the cost.
    result["load_average_at_start"] = round(load, 2)
    result["targets"] = {"report_seconds": 2, "import_seconds": 60, "peak_memory_mib": 2048}
    result["ok"] = (
        float(result["report_seconds"]) < 2  # type: ignore[arg-type]
        and float(result["import_seconds"]) < 60  # type: ignore[arg-type]
        and float(result["peak_memory_mib"]) < 2048  # type: ignore[arg-type]
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    text = json.dumps(result, indent=2, ensure_ascii=False)
    (RESULTS / "report_speed.json").write_text(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
