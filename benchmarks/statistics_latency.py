"""Statistics as the node serves them: ``GET /api/v1/statistics`` for the three-year
border-provinces report over HTTP against ``liaison serve`` (its granian workers), 8
concurrent clients from the first request after the start, and the memory of each worker.

The node is either the one ``search_latency.py`` seeds (``liaison seed`` at ``--scale`` ×
the national fixture, kept in benchmarks/.cache/served-<scale>) or, with ``--fixture
report-speed``, the fixture of ``report_speed.py`` (1,000,000 cases, 1,500,000 persons and
2,000,000 seizures at scale 1, written straight into SQLite, its tallies counted with
``liaison tallies --rebuild``). The three years are the last three calendar years the cases
cover. Before serving, ``liaison tallies --check`` recounts every record and compares it with
the tallies the report reads (the figures are exact, or the benchmark fails). Prints JSON and
writes benchmarks/results/statistics_latency[-<fixture>-<scale>].json, with the servers'
CPU time per request (the machine is shared: the load average says how much).

    python benchmarks/statistics_latency.py [--scale 0.1] [--fixture served|report-speed]
        [--requests 200] [--clients 8]

Target (issue 13): p95 < 100 ms at 8 concurrent, with exact figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
import report_speed  # noqa: E402
import served  # noqa: E402


def period(home: Path) -> tuple[int, dt.date, dt.date]:
    """The cases held and the three calendar years ending with the newest case's year."""
    served.django_setup(home)
    served.api_user_ready("admin")
    from django.db.models import Max

    from liaison.crime.models import DrugCase

    newest = DrugCase.objects.aggregate(last=Max("detected_on"))["last"]
    end = dt.date(newest.year, 12, 31)
    return DrugCase.objects.count(), dt.date(end.year - 2, 1, 1), end


def report_speed_fixture(scale: float) -> tuple[Path, dict[str, Any]]:
    """report_speed.py's fixture node (built unless cached), brought to this tree's schema."""
    home = report_speed.CACHE / f"report-speed-{scale:g}" / "node"
    built: dict[str, Any] = {"fixture": "report-speed", "scale": scale}
    if not (home / "fixture.json").exists():
        built.update(report_speed.build(home, scale))
    served.liaison(home, "migrate", "--no-input")
    built.update(json.loads((home / "fixture.json").read_text()))
    return home, built


def check(response: httpx.Response) -> None:
    assert response.status_code == 200, response.text[:200]
    assert isinstance(response.json(), dict), response.text[:200]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--fixture", choices=("served", "report-speed"), default="served")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--home", type=Path)
    parser.add_argument(
        "--skip-check", action="store_true", help="do not recount the records first (slow at 1x)"
    )
    args = parser.parse_args()
    if args.fixture == "report-speed":
        home, built = report_speed_fixture(args.scale)
    else:
        home = args.home or served.default_home(args.scale)
        built = {"fixture": "served", **served.build(home, args.scale)}
        served.liaison(home, "migrate", "--no-input")
    started = time.perf_counter()
    exact: dict[str, Any] = {"differences": "not checked (--skip-check)"}
    if not args.skip_check:
        exact = json.loads(served.liaison(home, "tallies", "--check"))
    check_seconds = round(time.perf_counter() - started, 1)
    cases, start, end = period(home)
    params = {
        "date_from": start.isoformat(),
        "date_to": end.isoformat(),
        "border_provinces": "true",
    }
    token = served.liaison(home, "token", "create", "admin").strip().splitlines()[-1]
    port = served.free_port()
    process = served.serve(home, port)
    try:
        cpu_before = served.group_cpu_seconds(process)
        load = served.drive(
            f"http://127.0.0.1:{port}",
            token,
            [("/api/v1/statistics", params)] * args.requests,
            args.clients,
            check,
        )
        cpu = served.group_cpu_seconds(process) - cpu_before
        memory = served.worker_memory(process)
        with httpx.Client(headers={"Authorization": f"Bearer {token}"}) as http:
            figures = http.get(f"http://127.0.0.1:{port}/api/v1/statistics", params=params).json()
    finally:
        served.stop(process)
    result: dict[str, Any] = {
        "benchmark": "3-year border report over HTTP (liaison serve), first request counted",
        "database": "sqlite",
        **built,
        "cases_held": cases,
        "query": params,
        "figures": {k: figures[k] for k in ("cases", "defendants", "foreign_defendants")}
        | {"kg_equivalent_total": figures["kg_equivalent_total"]},
        "tallies_check": {"differences": exact["differences"], "seconds": check_seconds},
        **load,
        "server_cpu_ms_per_request": round(1000 * cpu / max(load["requests"], 1), 1),
        "processes_rss_mib": memory,
        "target_p95_ms": 100,
        "machine": served.machine(),
    }
    print(json.dumps(result))
    served.RESULTS.mkdir(exist_ok=True)
    name = "statistics_latency.json"
    if args.fixture != "served" or args.scale != 0.1:
        name = f"statistics_latency-{args.fixture}-{args.scale:g}.json"
    (served.RESULTS / name).write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
