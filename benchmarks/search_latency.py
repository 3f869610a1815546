"""Latency of the person search box as the node serves it: index lookup, database fetch,
scoring and the audit entries for every person shown.

Creates a node in benchmarks/.cache/search-latency (reused), seeds it with `liaison seed`,
then times `screening.services.search_persons` for queries drawn from the seeded names.
Prints JSON and writes benchmarks/results/search_latency.json.

    python benchmarks/search_latency.py [--cases 40000] [--queries 200]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
HOME = ROOT / ".cache" / "search-latency"


def liaison(*args: str) -> None:
    env = {**os.environ, "LIAISON_HOME": str(HOME), "LIAISON_FAST_HASHER": "1"}
    env.pop("LIAISON_DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "liaison.cli", *args], env=env, check=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=40000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    marker = HOME / f".seeded-{args.cases}"
    if not marker.exists():
        if HOME.exists():
            import shutil

            shutil.rmtree(HOME)
        liaison("init", "--country", "VN", "--name", "Search benchmark")
        liaison("seed", "--cases", str(args.cases), "--years", "3", "--seed", "7")
        marker.write_text("seeded\n")

    os.environ["LIAISON_HOME"] = str(HOME)
    os.environ.pop("LIAISON_DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaison.settings")
    import django

    django.setup()
    from liaison.core.models import User
    from liaison.crime.models import Person
    from liaison.screening import services

    user = User.objects.get(username="admin")
    persons = Person.objects.count()
    names = list(Person.objects.values_list("full_name", "latin_name")[:20000])
    rng = random.Random(7)
    queries = []
    for full, latin in rng.sample(names, min(args.queries, len(names))):
        # Half in the original script, half as a romanised form with the words reversed.
        queries.append(full if rng.random() < 0.5 else " ".join(reversed((latin or full).split())))

    started = time.perf_counter()
    services.search_persons(user, queries[0])  # builds the process's index
    build_seconds = time.perf_counter() - started

    timings = []
    for q in queries:
        t0 = time.perf_counter()
        services.search_persons(user, q)
        timings.append((time.perf_counter() - t0) * 1000)
    timings.sort()
    result = {
        "persons": persons,
        "queries": len(timings),
        "index_build_seconds": round(build_seconds, 2),
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[int(0.95 * (len(timings) - 1))], 1),
        "max_ms": round(timings[-1], 1),
        "cpus": os.cpu_count(),
        "target_p95_ms": 200,
    }
    print(json.dumps(result))
    out = ROOT / "results" / "search_latency.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
