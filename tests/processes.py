"""Real node processes for tests: `liaison init` a home, `liaison serve` it on a free port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def node_env(home: Path, database_url: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"LIAISON_DATABASE_URL"}}
    env["LIAISON_HOME"] = str(home)
    env["LIAISON_FAST_HASHER"] = "1"
    if database_url:
        env["LIAISON_DATABASE_URL"] = database_url
    return env


def run_liaison(
    home: Path,
    *args: str,
    database_url: str | None = None,
    check: bool = True,
    timeout: float = 600,
) -> subprocess.CompletedProcess:
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "liaison.cli", *args],
        env=node_env(home, database_url),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"liaison {' '.join(args)} failed: {result.stderr}")
    return result


@dataclass
class NodeProcess:
    """A node home and (once started) its `liaison serve` process."""

    home: Path
    country: str
    port: int = field(default_factory=free_port)
    database_url: str | None = None
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def init(self, name: str | None = None, password: str = "demo-liaison-2026") -> NodeProcess:
        name = name or f"Test {self.country}"
        options = ["--country", self.country, "--name", name, "--url", self.url]
        run_liaison(self.home, "init", *options, database_url=self.database_url)
        run_liaison(self.home, "demo_users", "--password", password, database_url=self.database_url)
        return self

    def liaison(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return run_liaison(self.home, *args, database_url=self.database_url, check=check)

    def start(self, *extra: str) -> NodeProcess:
        (self.home / "logs").mkdir(exist_ok=True)
        log = self.home / "logs" / "serve.log"
        serve = [sys.executable, "-m", "liaison.cli", "serve", "--host", "127.0.0.1"]
        options = ["--port", str(self.port), "--workers", "1", *extra]
        self.process = subprocess.Popen(  # noqa: S603
            [*serve, *options],
            env=node_env(self.home, self.database_url),
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"liaison serve exited: {log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/api/v1/health", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"node {self.country} did not start: {log.read_text()[-2000:]}")

    def stop(self, kill: bool = False) -> None:
        if self.process is None:
            return
        if kill:
            self.process.kill()
        else:
            self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None
