"""Benchmark: the first page and a deep page of the case list, as the node serves them.

Builds a node in a temporary folder (or ``--home DIR``, kept and reused), seeds it with the
project's synthetic seeder (``liaison seed --cases N``), serves it with ``liaison serve``
(2 granian workers) and times, over HTTP with one keep-alive client:

* ``GET /api/v1/cases?limit=20`` (page 1) and the same list at page ``--page`` (10,000 by
  default), reached with the cursor of the row just before that page: the cursor is
  computed from the database here (as ``next`` would be after walking 9,999 pages), so the
  benchmark does not have to walk the pages;
* the same two pages with a province filter (the province with most cases);
* for comparison, the query the list ran before keyset pagination (``OFFSET`` + the
  ``COUNT(*)`` of the whole list) at the same depth, timed in this process.

The first request after the start is reported apart. Prints one JSON object and writes
``benchmarks/results/api_pages.json`` with the machine's size. Target: p95 < 100 ms for
page 1 and for page 10,000.

    python benchmarks/api_pages.py [--cases 200000] [--page 10000] [--requests 50]

``--cases`` defaults to ``$LIAISON_BENCH_CASES`` or 200,000.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from served import (  # noqa: E402
    RESULTS,
    api_user_ready,
    django_setup,
    figures,
    free_port,
    liaison,
    machine,
    serve,
    stop,
)

ORDER = ("-detected_on", "-id")  # the case list's order (liaison.crime.api.list_cases)


def build(home: Path, cases: int) -> float:
    """Init and seed the node unless ``home`` already holds this many seeded cases; the
    seconds the seeding took (then or now)."""
    marker = home / f".seeded-{cases}"
    if marker.exists():
        return float(marker.read_text())
    if home.exists():
        shutil.rmtree(home)
    home.mkdir(parents=True)
    liaison(home, "init", "--country", "VN", "--name", "API pages benchmark")
    started = time.perf_counter()
    liaison(home, "seed", "--cases", str(cases), "--years", "3", "--seed", "11")
    seconds = time.perf_counter() - started
    marker.write_text(f"{seconds:.1f}\n")
    return seconds


def prepare(home: Path, limit: int, page: int) -> dict[str, Any]:
    """Cursors of the deep pages and the cost of the former OFFSET + COUNT query, read in
    this process from the node's database."""
    django_setup(home)
    api_user_ready()  # the sign-in gate refuses API calls until then
    from django.db.models import Count

    from liaison.core.listing import encode_cursor
    from liaison.crime.models import DrugCase

    cases = DrugCase.objects.count()
    top = DrugCase.objects.values("province__code").annotate(n=Count("id")).order_by("-n").first()
    assert top is not None, "the node holds no cases"
    scenarios = {}
    for name, filters in (("all", {}), ("province", {"province__code": top["province__code"]})):
        qs = DrugCase.objects.filter(**filters).order_by(*ORDER)
        total = cases if not filters else top["n"]
        deep = max(2, min(page, total // limit))
        before = qs[(deep - 1) * limit - 1]  # the last row of the page before
        params = {"province": top["province__code"]} if filters else {}
        started = time.perf_counter()
        list(qs.select_related("province", "owner_unit")[(deep - 1) * limit :][:limit])
        qs.count()
        offset_ms = (time.perf_counter() - started) * 1000
        scenarios[name] = {
            "params": params,
            "rows": total,
            "deep_page": deep,
            "deep_cursor": encode_cursor(DrugCase, ORDER, before),
            "offset_and_count_ms": round(offset_ms, 1),
        }
    return {"cases": cases, "scenarios": scenarios}


def timed(client: httpx.Client, params: dict[str, Any], limit: int) -> float:
    started = time.perf_counter()
    response = client.get("/api/v1/cases", params=params)
    elapsed = (time.perf_counter() - started) * 1000
    response.raise_for_status()
    body = response.json()
    assert len(body["items"]) == limit and set(body) == {"items", "next"}, body.keys()
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--cases", type=int, default=int(os.environ.get("LIAISON_BENCH_CASES", "200000"))
    )
    parser.add_argument("--limit", type=int, default=20)
    parser.add_argument("--page", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=50, help="timed requests per page")
    parser.add_argument("--home", type=Path, help="keep the node here (and reuse it)")
    args = parser.parse_args()

    home = args.home or Path(tempfile.mkdtemp(prefix="liaison-api-pages-")) / "node"
    try:
        seed_seconds = build(home, args.cases)
        data = prepare(home, args.limit, args.page)
        token = liaison(home, "token", "create", "admin").strip().splitlines()[-1]
        port = free_port()
        process = serve(home, port)
        results: dict[str, Any] = {}
        try:
            client = httpx.Client(
                base_url=f"http://127.0.0.1:{port}",
                headers={"Authorization": f"Bearer {token}"},
                timeout=60,
            )
            first = timed(client, {"limit": args.limit}, args.limit)
            for name, scenario in data["scenarios"].items():
                pages = {
                    "page_1": {**scenario["params"], "limit": args.limit},
                    f"page_{scenario['deep_page']}": {
                        **scenario["params"],
                        "limit": args.limit,
                        "cursor": scenario["deep_cursor"],
                    },
                }
                for label, params in pages.items():
                    for _ in range(3):  # warm both workers
                        timed(client, params, args.limit)
                    samples = [timed(client, params, args.limit) for _ in range(args.requests)]
                    results[f"{name}/{label}"] = figures(samples)
                results[f"{name}/before_keyset_offset_and_count_at_deep_page_ms"] = scenario[
                    "offset_and_count_ms"
                ]
        finally:
            stop(process)
    finally:
        if args.home is None:
            shutil.rmtree(home.parent, ignore_errors=True)

    result = {
        "benchmark": "api_pages",
        "database": "sqlite",
        "cases": data["cases"],
        "limit": args.limit,
        "deep_page": data["scenarios"]["all"]["deep_page"],
        "province_filter": data["scenarios"]["province"]["params"]["province"],
        "province_rows": data["scenarios"]["province"]["rows"],
        "province_deep_page": data["scenarios"]["province"]["deep_page"],
        "requests_per_page": args.requests,
        "first_request_after_start_ms": round(first, 1),
        "timings": results,
        "seed_seconds": round(seed_seconds, 1),
        "machine": machine(),
        "target_p95_ms": 100,
    }
    print(json.dumps(result))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "api_pages.json").write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
