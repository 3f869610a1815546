"""Helpers for the benchmarks that measure the node as served: build a seeded node, serve it
with ``liaison serve`` (its granian workers), drive it with concurrent HTTP clients from the
first request after the start, and read the workers' memory from /proc.

``--scale 1`` is the national fixture of ``report_speed.py``: 1,000,000 cases (about
1,500,000 persons and 2,000,000 seizures) over 3 years. A scale of 0.1 is a tenth of it.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
FULL_CASES = 1_000_000


def node_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "LIAISON_DATABASE_URL"}
    env.update({"LIAISON_HOME": str(home), "LIAISON_FAST_HASHER": "1"})
    return env


def liaison(home: Path, *args: str) -> str:
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "liaison.cli", *args],
        env=node_env(home),
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    return done.stdout


def machine() -> dict[str, Any]:
    with open("/proc/meminfo", encoding="ascii") as fh:
        kib = next(int(line.split()[1]) for line in fh if line.startswith("MemTotal:"))
    return {
        "cpus": os.cpu_count(),
        "memory_gib": round(kib / 1024 / 1024, 1),
        # The machine is shared: a load above the core count slows every figure.
        "load_average_1m": round(os.getloadavg()[0], 1),
    }


def default_home(scale: float) -> Path:
    return ROOT / "benchmarks" / ".cache" / f"served-{scale:g}"


def build(home: Path, scale: float) -> dict[str, Any]:
    """Init and seed the node unless ``home`` holds it already; what was built and how long
    the seeding took (search keys included: the seeder writes them)."""
    cases = max(1000, int(FULL_CASES * scale))
    marker = home / f".seeded-{cases}"
    if not marker.exists():
        if home.exists():
            shutil.rmtree(home)
        home.mkdir(parents=True)
        liaison(home, "init", "--country", "VN", "--name", "Served benchmark")
        started = time.perf_counter()
        liaison(home, "seed", "--cases", str(cases), "--years", "3", "--seed", "11")
        marker.write_text(f"{time.perf_counter() - started:.1f}\n")
    return {"scale": scale, "cases": cases, "seed_seconds": float(marker.read_text())}


def django_setup(home: Path) -> None:
    """Read the node's database in this process (this tree's ``liaison``)."""
    os.environ.update(node_env(home))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaison.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def api_user_ready(username: str = "admin") -> None:
    """Let ``username`` call the API as an operator would after the first sign-in: its
    one-time password changed and an authenticator enrolled (the sign-in gate refuses API
    calls until then). Call after :func:`django_setup`."""
    import secrets

    from django_otp.plugins.otp_totp.models import TOTPDevice

    from liaison.core.models import User
    from liaison.core.services import change_password

    user = User.objects.get(username=username)
    if user.must_change_password:
        change_password(user, "Bench-" + secrets.token_urlsafe(18))
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        TOTPDevice.objects.create(user=user, name="benchmark", confirmed=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(home: Path, port: int) -> subprocess.Popen:
    log = open(home / "serve.log", "w", encoding="utf-8")  # noqa: SIM115
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "liaison.cli", "serve", "--port", str(port), "--no-sync"],
        env=node_env(home),
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=2).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.2)
    stop(process)
    raise SystemExit(f"the node did not start; see {home / 'serve.log'}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def worker_memory(process: subprocess.Popen) -> list[dict[str, Any]]:
    """Resident memory of every process of the server's process group (the granian main
    process and its workers), from /proc."""
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[2]) != process.pid:  # process group id
            continue
        rss = next(
            int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")
        )
        cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        out.append({"pid": int(entry.name), "rss_mib": round(rss / 1024, 1), "cmd": cmd[:80]})
    return sorted(out, key=lambda p: p["pid"])


def group_cpu_seconds(process: subprocess.Popen) -> float:
    """User + system CPU time used so far by the server's process group (the granian main
    process, its workers and the sync worker), from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == process.pid:  # process group id
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def figures(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "requests": len(ordered),
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 1),
        "p99_ms": round(ordered[int(0.99 * (len(ordered) - 1))], 1),
        "max_ms": round(ordered[-1], 1),
    }


def drive(
    base: str,
    token: str,
    requests: list[tuple[str, dict[str, Any]]],
    clients: int,
    check: Callable[[httpx.Response], None],
) -> dict[str, Any]:
    """Send ``requests`` (path, params) from ``clients`` threads, each with its own
    keep-alive connection, starting together; every request counts, the first ones
    included."""
    samples: list[float] = []
    firsts: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(clients)
    headers = {"Authorization": f"Bearer {token}"}

    def client(share: list[tuple[str, dict[str, Any]]]) -> None:
        with httpx.Client(base_url=base, headers=headers, timeout=120) as http:
            barrier.wait()
            for i, (path, params) in enumerate(share):
                started = time.perf_counter()
                response = http.get(path, params=params)
                ms = (time.perf_counter() - started) * 1000
                try:
                    check(response)
                except AssertionError as exc:
                    with lock:
                        errors.append(f"{response.status_code} {path} {params}: {exc}")
                with lock:
                    samples.append(ms)
                    if i == 0:
                        firsts.append(ms)

    threads = [
        threading.Thread(target=client, args=(requests[i::clients],)) for i in range(clients)
    ]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    return {
        "clients": clients,
        **figures(samples),
        "first_requests_ms": sorted(round(f, 1) for f in firsts),
        "throughput_rps": round(len(samples) / wall, 1),
        "errors": len(errors),
        "error_examples": errors[:3],
    }
