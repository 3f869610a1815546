"""Statistics as the node serves them: ``GET /api/v1/statistics`` for the three-year
border-provinces report over HTTP against ``liaison serve`` (its granian workers), 8
concurrent clients from the first request after the start, and the memory of each worker.

The node is the one ``search_latency.py`` seeds (``liaison seed`` at ``--scale`` × the
national fixture, kept in benchmarks/.cache/served-<scale>). The three years are the last
three calendar years the seeded cases cover. Prints JSON and writes
benchmarks/results/statistics_latency.json.

    python benchmarks/statistics_latency.py [--scale 0.1] [--requests 200] [--clients 8]

Target (issue 13): p95 < 100 ms at 8 concurrent, with exact figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
import served  # noqa: E402


def period(home: Path) -> tuple[int, dt.date, dt.date]:
    """The seeded cases and the three calendar years ending with the newest case's year."""
    served.django_setup(home)
    served.api_user_ready("admin")
    from django.db.models import Max

    from liaison.crime.models import DrugCase

    newest = DrugCase.objects.aggregate(last=Max("detected_on"))["last"]
    end = dt.date(newest.year, 12, 31)
    return DrugCase.objects.count(), dt.date(end.year - 2, 1, 1), end


def check(response: httpx.Response) -> None:
    assert response.status_code == 200, response.text[:200]
    assert isinstance(response.json(), dict), response.text[:200]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--home", type=Path)
    args = parser.parse_args()
    home = args.home or served.default_home(args.scale)
    built = served.build(home, args.scale)
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
        load = served.drive(
            f"http://127.0.0.1:{port}",
            token,
            [("/api/v1/statistics", params)] * args.requests,
            args.clients,
            check,
        )
        memory = served.worker_memory(process)
    finally:
        served.stop(process)
    result: dict[str, Any] = {
        "benchmark": "3-year border report over HTTP (liaison serve), first request counted",
        "database": "sqlite",
        **built,
        "cases_held": cases,
        "query": params,
        **load,
        "processes_rss_mib": memory,
        "target_p95_ms": 100,
        "machine": served.machine(),
    }
    print(json.dumps(result))
    served.RESULTS.mkdir(exist_ok=True)
    (served.RESULTS / "statistics_latency.json").write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
