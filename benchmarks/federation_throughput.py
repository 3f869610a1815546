"""Federation throughput: 100,000 released records from one node to the other over loopback
HTTP, end to end (target, issue 13: >= 10,000 records/s on a 2-core machine), and the
latency of single releases at a steady rate (target: p95 < 1 s from release to visible).

Two nodes (VN, LA) are made with `liaison init` in a temporary folder (SQLite), VN gets
100,000 drug cases (written directly, not timed), both run `liaison serve` (web + sync
worker) and are peered with their real fingerprints. The clock starts when

    liaison release cases --to LA --tlp AMBER --handling H0 --basis … --as admin

starts on VN — serialising and signing every envelope — and stops when LA has verified and
applied the last of them (LA's database holds all 100,000 copies). In between: VN's worker
pings LA, LA pulls VN's feed over HTTP (2,000 envelopes a page), checks each signature and
the schema, applies each page in one transaction and sends signed receipts.

``peak_rss_mb`` is the largest peak resident memory (VmHWM) of any process involved: the
release command, either node's web server or sync worker. ``cpu_seconds`` is the CPU time
each of them used during the run, and the load average before and after is printed, so a
run on a busy machine can be told from a run on an idle one.

Then, on the same two nodes, ``--steady-rate`` (20) cases a second are released one at a
time (``release_to``, as a supervisor's release from the web page) for ``--steady-seconds``
(30): ``release_to_visible`` is the time from the commit of each release on VN to its copy
being in LA's database (VN's worker pings LA, LA pulls, verifies and applies).

    python benchmarks/federation_throughput.py [--records N] [--steady-rate 20]

Prints JSON and writes ``benchmarks/results/federation_throughput.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from served import machine  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
RESULT = ROOT / "benchmarks" / "results" / "federation_throughput.json"

MAKE_CASES = """
import django, datetime as dt, uuid, random
django.setup()
from django.db import transaction
from django.utils import timezone
from liaison.core.models import Province, Unit
from liaison.core.node import this_node
from liaison.crime.models import DrugCase
n = int({n})
prefix = "{prefix}"
node = this_node()
root = Unit.objects.filter(parent__isnull=True).first()
provinces = list(Province.objects.filter(country__code="VN", valid_to__isnull=True, is_border=True))
rng = random.Random({seed})
now = timezone.now()
for start in range(0, n, 5000):
    batch = []
    for i in range(start, min(n, start + 5000)):
        batch.append(DrugCase(
            uuid=uuid.UUID(int=rng.getrandbits(128), version=4), origin=node.id,
            origin_country=node.country, version=1, created_at=now, updated_at=now,
            owner_unit=root, tlp="AMBER", handling="H0", case_ref=f"{{prefix}}-{{i:07d}}",
            detected_on=dt.date(2025, 1, 1) + dt.timedelta(days=i % 600),
            province=provinces[i % len(provinces)],
            summary="Bắt quả tang đối tượng vận chuyển 2.000 viên ma túy tổng hợp qua biên giới",
            district="Kỳ Sơn", commune="Nậm Cắn", status="investigating",
            route="Xiangkhouang → Nậm Cắn → Vinh", transport_mode="motorbike",
        ))
    with transaction.atomic():
        DrugCase.objects.bulk_create(batch)
print(DrugCase.objects.count())
"""

#: Releases the cases made with the prefix LAT one at a time at a steady rate; prints each
#: one's uuid and the time its release was committed.
RELEASE_STEADILY = """
import django, json, time
django.setup()
from liaison.core.models import User
from liaison.crime.models import DrugCase
from liaison.exchange.models import Peer
from liaison.exchange.services.release import release_to
user = User.objects.get(username="admin")
peer = Peer.objects.get(name="LA")
cases = list(DrugCase.objects.filter(case_ref__startswith="LAT-").order_by("id"))
print("ready", flush=True)
start = time.time()
for i, case in enumerate(cases):
    time.sleep(max(0.0, start + i / {rate} - time.time()))
    release_to(user, case, [peer], tlp="AMBER", handling="H0", basis="MoU of 9 Aug 2021")
    print(json.dumps([case.uuid.hex, time.time()]), flush=True)
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Node:
    def __init__(self, home: Path, country: str) -> None:
        self.home, self.country, self.port = home, country, free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k != "LIAISON_DATABASE_URL"}
        env.update(
            LIAISON_HOME=str(self.home),
            LIAISON_FAST_HASHER="1",
            DJANGO_SETTINGS_MODULE="liaison.settings",
            LIAISON_SYNC_INTERVAL="2",
            CI="1",
        )
        return env

    def python(self, what: str, *args: str) -> str:
        """Run Python with this node's environment; stop the benchmark if it fails."""
        result = subprocess.run(
            [sys.executable, *args],
            env=self.env(),
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode:
            raise SystemExit(f"{what} failed: {result.stderr[-2000:]}")
        return result.stdout

    def cli(self, *args: str) -> str:
        return self.python(f"liaison {' '.join(args)}", "-m", "liaison.cli", *args)

    def start(self) -> None:
        log = (self.home / "serve.log").open("ab")
        serve = ["serve", "--host", "127.0.0.1", "--port", str(self.port), "--workers", "1"]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "liaison.cli", *serve],
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/api/v1/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise SystemExit(f"{self.country} did not start")

    def pids(self) -> list[int]:
        if self.process is None:
            return []
        out = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    if os.getpgid(int(entry.name)) == self.process.pid:
                        out.append(int(entry.name))
                except OSError:
                    continue
        return out

    def stop(self) -> None:
        if self.process is not None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=20)
            except (OSError, subprocess.TimeoutExpired):
                os.killpg(self.process.pid, signal.SIGKILL)


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a live process."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    except (OSError, IndexError, ValueError):
        return 0.0


def role_of(pid: int) -> str:
    try:
        args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return "?"
    return "sync" if b"sync" in args else "web"


def peak_rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def count(home: Path, origin: str) -> int:
    conn = sqlite3.connect(home / "liaison.sqlite3", timeout=30)
    try:
        return int(
            conn.execute(
                "SELECT COUNT(*) FROM crime_drugcase WHERE origin = ?", (origin,)
            ).fetchone()[0]
        )
    finally:
        conn.close()


def make_cases(node: Node, n: int, prefix: str, seed: int) -> None:
    node.python(f"making {n} cases", "-c", MAKE_CASES.format(n=n, prefix=prefix, seed=seed))


def steady_latency(vn: Node, la: Node, origin: str, rate: float, seconds: float) -> dict:
    """Single releases at a steady ``rate`` a second for ``seconds``: from the commit of each
    release on VN to the copy being in LA's database (polled every 10 ms)."""
    n = max(1, int(rate * seconds))
    make_cases(vn, n, "LAT", 8)
    conn = sqlite3.connect(la.home / "liaison.sqlite3", timeout=30)
    last_id = conn.execute("SELECT COALESCE(MAX(id), 0) FROM crime_drugcase").fetchone()[0]
    releaser = subprocess.Popen(
        [sys.executable, "-c", RELEASE_STEADILY.format(rate=rate)],
        env=vn.env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    released: dict[str, float] = {}

    def read() -> None:
        assert releaser.stdout is not None
        for line in releaser.stdout:
            if line.startswith("["):
                uuid, at = json.loads(line)
                released[uuid] = at

    reader = threading.Thread(target=read)
    reader.start()
    arrived: dict[str, float] = {}
    deadline = time.monotonic() + seconds + 180
    while len(arrived) < n and time.monotonic() < deadline:
        if releaser.poll() not in (None, 0):
            raise SystemExit(f"steady release failed: {releaser.stderr.read()[-2000:]}")  # type: ignore[union-attr]
        rows = conn.execute(
            "SELECT id, uuid FROM crime_drugcase WHERE id > ? AND origin = ?", (last_id, origin)
        ).fetchall()
        now = time.time()
        for pk, uuid in rows:
            arrived.setdefault(uuid.replace("-", ""), now)
            last_id = max(last_id, pk)
        time.sleep(0.01)
    releaser.wait()
    reader.join()
    conn.close()
    ms = sorted((arrived[u] - at) * 1000 for u, at in released.items() if u in arrived)
    if not ms:
        return {"rate_per_s": rate, "released": len(released), "visible": 0}
    return {
        "rate_per_s": rate,
        "seconds": seconds,
        "released": len(released),
        "visible": len(ms),
        "p50_ms": round(ms[len(ms) // 2], 1),
        "p95_ms": round(ms[int(0.95 * (len(ms) - 1))], 1),
        "p99_ms": round(ms[int(0.99 * (len(ms) - 1))], 1),
        "max_ms": round(ms[-1], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--steady-rate", type=float, default=20, help="single releases a second")
    parser.add_argument("--steady-seconds", type=float, default=30)
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="liaison-bench-fed-"))
    vn, la = Node(base / "vn", "VN"), Node(base / "la", "LA")
    try:
        for node in (vn, la):
            node.cli(
                "init",
                "--country",
                node.country,
                "--name",
                f"Bench {node.country}",
                "--url",
                node.url,
            )
        ids = {}
        for node in (vn, la):
            words = node.cli("key", "show").split()
            ids[node.country] = (words[0], " ".join(words[2:]))
        make_cases(vn, args.records, "BENCH", 7)
        vn.start()
        la.start()
        vn.cli("peer", "add", "LA", la.url, "--fingerprint", ids["LA"][1])
        la.cli("peer", "add", "VN", vn.url, "--fingerprint", ids["VN"][1])
        baseline = {pid: cpu_seconds(pid) for node in (vn, la) for pid in node.pids()}
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        children_before = before.ru_utime + before.ru_stime
        load_before = os.getloadavg()[0]
        started = time.perf_counter()
        release_cases = ["release", "cases", "--to", "LA", "--tlp", "AMBER", "--handling", "H0"]
        release_cases += ["--basis", "MoU of 9 Aug 2021", "--as", "admin"]
        release = subprocess.Popen(
            [sys.executable, "-m", "liaison.cli", *release_cases],
            env=vn.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        peak = 0
        deadline = time.monotonic() + 1800
        while count(la.home, ids["VN"][0]) < args.records:
            if time.monotonic() > deadline:
                raise SystemExit("LA did not receive every record within 30 minutes")
            for pid in vn.pids() + la.pids():
                peak = max(peak, peak_rss_kb(pid))
            if release.poll() is not None and release.returncode:
                raise SystemExit(
                    f"release failed: {release.stderr.read() if release.stderr else ''}"
                )
            time.sleep(0.1)
        seconds = time.perf_counter() - started
        release.wait()
        cpu: dict[str, float] = {}
        for node in (vn, la):
            for pid in node.pids():
                peak = max(peak, peak_rss_kb(pid))
                key = f"{node.country.lower()}_{role_of(pid)}"
                cpu[key] = round(cpu.get(key, 0.0) + cpu_seconds(pid) - baseline.get(pid, 0.0), 1)
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu["vn_release_command"] = round(usage.ru_utime + usage.ru_stime - children_before, 1)
        peak = max(peak, usage.ru_maxrss)
        load_after = os.getloadavg()[0]
        latency = steady_latency(vn, la, ids["VN"][0], args.steady_rate, args.steady_seconds)
        result = {
            "records": args.records,
            "seconds": round(seconds, 2),
            "records_per_s": round(args.records / seconds, 1),
            "peak_rss_mb": round(peak / 1024, 1),
            "target_records_per_s": 10_000,
            "cpus": os.cpu_count(),
            "database": "sqlite",
            "page_size": 2000,
            "cpu_seconds": cpu,
            "cpu_seconds_total": round(sum(cpu.values()), 1),
            "load_average_before": round(load_before, 2),
            "load_average_after": round(load_after, 2),
            "release_to_visible": latency,
            "target_release_to_visible_p95_ms": 1000,
            "memory_gib": machine()["memory_gib"],
        }
        print(json.dumps(result))
        RESULT.parent.mkdir(parents=True, exist_ok=True)
        RESULT.write_text(json.dumps(result, indent=2) + "\n")
    finally:
        vn.stop()
        la.stop()
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
