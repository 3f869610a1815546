"""`liaison serve` supervises its sync worker: started from the installed package whatever
the current directory holds, restarted after SIGKILL (records keep arriving), its state in
`liaison status --json`, and serve stops with an error when the worker keeps dying."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.exchange.nodes import Node, wait_for

pytestmark = [pytest.mark.federation, pytest.mark.timeout(900)]

ROOT = Path(__file__).resolve().parents[2]


def serve_from(node: Node, cwd: Path) -> None:
    """`liaison serve` started in ``cwd``; the package itself comes from PYTHONPATH."""
    env = {**node.env(), "PYTHONPATH": str(ROOT)}
    log = (node.home / "serve.log").open("ab")
    command = [sys.executable, "-P", "-m", "liaison.cli", "serve"]
    command += ["--host", "127.0.0.1", "--port", str(node.port), "--workers", "1"]
    node.process = subprocess.Popen(
        command,
        cwd=cwd,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )

    def up() -> bool:
        assert node.process is not None
        if node.process.poll() is not None:
            raise AssertionError(f"serve exited: {(node.home / 'serve.log').read_text()[-2000:]}")
        try:
            return httpx.get(f"{node.url}/api/v1/health", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    wait_for(up, 60, "serve to start")


def worker(node: Node) -> dict[str, Any]:
    return json.loads(node.cli("status", "--json").stdout)["sync_worker"]


def release(vn: Node, la: Node, uuids: list[str]) -> None:
    args = [a for u in uuids for a in ("--uuid", str(uuid.UUID(str(u))))]
    markings = ["--tlp", "AMBER", "--handling", "H1", "--basis", "MoU of 9 Aug 2021"]
    vn.cli("release", "cases", *args, "--to", "LA", *markings, "--as", "admin")


def held(la: Node, vn: Node) -> int:
    return int(la.scalar("SELECT COUNT(*) FROM crime_drugcase WHERE origin = ?", (vn.node_id,)))


def test_worker_survives_sigkill_and_serve_gives_up_on_a_crash_loop(tmp_path: Path) -> None:
    # A source tree of another version where serve is started: its `liaison/` must not load.
    other = tmp_path / "other-version"
    (other / "liaison").mkdir(parents=True)
    (other / "liaison" / "__init__.py").write_text(
        "raise ImportError('another version of liaison, not the installed one')\n"
    )
    vn = Node(tmp_path / "vn", "VN").init()
    la = Node(tmp_path / "la", "LA").init()
    vn.make_cases(40)
    vn.start()
    serve_from(la, other)
    try:
        vn.cli("peer", "add", "LA", la.url, "--fingerprint", la.fingerprint)
        la.cli("peer", "add", "VN", vn.url, "--fingerprint", vn.fingerprint)
        uuids = [row[0] for row in vn.sql("SELECT uuid FROM crime_drugcase ORDER BY id")]
        release(vn, la, uuids[:10])
        wait_for(lambda: held(la, vn) == 10, 60, "the first 10 cases on LA")

        first = worker(la)
        assert first["running"] and first["restarts"] == 0, first
        os.kill(first["pid"], signal.SIGKILL)
        back = wait_for(
            lambda: (w := worker(la))["running"] and w["pid"] != first["pid"] and w,
            60,
            "the worker to come back",
        )
        assert back["restarts"] == 1 and "SIGKILL" in back["last_error"], back
        release(vn, la, uuids[10:20])
        wait_for(lambda: held(la, vn) == 20, 60, "cases released after the kill on LA")

        # While served, the database and its WAL are the node account's alone.
        for name in ("liaison.sqlite3", "liaison.sqlite3-wal", "liaison.sqlite3-shm"):
            assert stat.S_IMODE((la.home / name).stat().st_mode) == 0o600, name
        assert stat.S_IMODE(la.home.stat().st_mode) == 0o700

        # A worker that keeps dying stops serve with an error instead of being hidden.
        assert la.process is not None
        pid = back["pid"]
        for _ in range(6):
            if la.process.poll() is not None:
                break
            os.kill(pid, signal.SIGKILL)

            def next_pid(old: int = pid) -> Any:
                if la.process is not None and la.process.poll() is not None:
                    return -1
                w = worker(la)
                return w["running"] and w["pid"] != old and w["pid"]

            pid = wait_for(next_pid, 90, "the next worker")
        assert la.process.wait(timeout=60) == 1
        la.process = None
        gave_up = worker(la)
        assert gave_up["state"] == "failed" and not gave_up["running"]
        assert "keeps dying" in (la.home / "serve.log").read_text()
    finally:
        vn.stop()
        la.stop()
