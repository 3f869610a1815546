"""TAXII collection: how fast released records become STIX, and how fast a partner's TAXII
client reads them back.

One node is made with `liaison init` in a temporary folder (SQLite) and seeded with
realistic cases (`liaison seed`: cases with their persons and seizures); a peer LA is added
(its node is not run) and every case, person and seizure is released to it with
`liaison release` (not timed). Then:

* ``refresh_s``: `liaison taxii refresh LA` maps the whole feed into the collection (the
  first TAXII read after a large release pays this once; later reads pay only for what
  changed);
* ``incremental_s``: the same after 100 cases changed;
* ``page_ms``: latency of `GET …/objects/?limit=1000` pages read with taxii2-client from
  `liaison serve`, paging through the whole collection (p50, p95), and ``read_objects_per_s``.

    python benchmarks/taxii_collection.py [--cases N]

Prints JSON and writes ``benchmarks/results/taxii_collection.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import requests
from taxii2client.v21 import Collection

ROOT = Path(__file__).resolve().parent.parent
RESULT = ROOT / "benchmarks" / "results" / "taxii_collection.json"

ADD_PEER = """
import django; django.setup()
from liaison.exchange import services
services.add_peer("LA", "http://127.0.0.1:9", {"node_id": "la-bench00001", "country": "LA",
                  "name": "Bench LA", "public_key": "A" * 43, "rotations": []})
"""

TOUCH = """
import django; django.setup()
from liaison.crime import services
from liaison.crime.models import DrugCase
for case in DrugCase.objects.order_by("id")[:100]:
    services.update_case(case, user=None, summary=case.summary + " (cập nhật)")
"""


class Bearer(requests.auth.AuthBase):
    def __init__(self, token: str) -> None:
        self.token = token

    def __call__(self, request):  # type: ignore[no-untyped-def]
        request.headers["Authorization"] = f"Bearer {self.token}"
        return request


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1000)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="liaison-bench-taxii-"))
    env = {
        **os.environ,
        "LIAISON_HOME": str(home),
        "LIAISON_FAST_HASHER": "1",
        "DJANGO_SETTINGS_MODULE": "liaison.settings",
    }

    def liaison(*argv: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "liaison.cli", *argv],
            env=env,
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        return result.stdout

    def python(code: str) -> None:
        subprocess.run([sys.executable, "-c", code], env=env, check=True, cwd=ROOT)

    liaison("init", "--country", "VN", "--name", "Bench VN", "--url", "http://127.0.0.1")
    liaison("seed", "--cases", str(args.cases), "--seed", "11")
    python(ADD_PEER)
    release = [
        "--to",
        "LA",
        "--tlp",
        "AMBER",
        "--handling",
        "H1",
        "--basis",
        "MoU",
        "--as",
        "admin",
    ]
    for kind in ("cases", "persons", "seizures"):
        liaison("release", kind, *release)
    started = time.perf_counter()
    out = liaison("taxii", "refresh", "LA")
    refresh_s = time.perf_counter() - started
    objects = int(out.split(":")[1].split()[0])
    python(TOUCH)
    started = time.perf_counter()
    liaison("taxii", "refresh", "LA")
    incremental_s = time.perf_counter() - started
    token = liaison("taxii", "token", "LA").strip()

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "liaison.cli",
            "serve",
            "--port",
            str(port),
            "--workers",
            "1",
            "--no-sync",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        listing = httpx.get(
            f"{base}/taxii2/liaison/collections/", headers={"Authorization": f"Bearer {token}"}
        ).json()
        url = f"{base}/taxii2/liaison/collections/{listing['collections'][0]['id']}/"
        collection = Collection(url, auth=Bearer(token))
        pages, read, params = [], 0, {"limit": 1000}
        started = time.perf_counter()
        while True:
            t0 = time.perf_counter()
            body = collection.get_objects(**params)
            pages.append((time.perf_counter() - t0) * 1000)
            read += len(body.get("objects", []))
            if not body.get("more"):
                break
            params = {"limit": 1000, "next": body["next"]}
        read_s = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    pages.sort()
    result = {
        "cases": args.cases,
        "objects": objects,
        "refresh_s": round(refresh_s, 2),
        "refresh_objects_per_s": round(objects / refresh_s),
        "incremental_s": round(incremental_s, 2),
        "pages": len(pages),
        "page_ms_p50": round(pages[len(pages) // 2], 1),
        "page_ms_p95": round(pages[min(len(pages) - 1, int(len(pages) * 0.95))], 1),
        "read_objects_per_s": round(read / read_s),
        "objects_read": read,
        "loadavg": os.getloadavg(),
    }
    print(json.dumps(result, indent=2))
    RESULT.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
