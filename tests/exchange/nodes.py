"""Real Liaison nodes for the federation tests: init, serve (with its sync worker), SIGKILL,
SQL against each node's own database, and requests signed with a node's key."""

from __future__ import annotations

import json
import os
import secrets
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from liaison.exchange import envelope as env
from tests.processes import free_port

SYNC_ENV = {
    "LIAISON_SYNC_INTERVAL": "1",
    "LIAISON_SYNC_MAX_BACKOFF": "2",
    "LIAISON_SYNC_PAGE": "500",
}

PRELUDE = (
    "import django, json; django.setup()\n"
    "from liaison.core.models import User\n"
    "from liaison.exchange import services\n"
    "from liaison.exchange.models import *\n"
    "from liaison.crime.models import DrugCase\n"
    "from liaison.crime import services as crime\n"
    "admin = User.objects.get(username='admin')\n"
)


MAKE_CASES = """
import django, datetime as dt, uuid
django.setup()
from django.db import transaction
from django.utils import timezone
from liaison.core.models import Province, Unit
from liaison.core.node import this_node
from liaison.crime.models import DrugCase
node, now = this_node(), timezone.now()
root = Unit.objects.filter(parent__isnull=True).first()
provinces = list(Province.objects.filter(country__code=node.country, valid_to__isnull=True, is_border=True))
for start in range(0, {n}, 2000):
    with transaction.atomic():
        DrugCase.objects.bulk_create([DrugCase(
            uuid=uuid.uuid4(), origin=node.id, origin_country=node.country, version=1,
            created_at=now, updated_at=now, owner_unit=root, tlp="AMBER", handling="H0",
            case_ref=f"BULK-{{i:06d}}", detected_on=dt.date(2025, 1, 1) + dt.timedelta(days=i % 300),
            province=provinces[i % len(provinces)], summary="Vận chuyển trái phép chất ma túy",
            status="investigating") for i in range(start, min({n}, start + 2000))])
"""


def wait_for(check: Callable[[], Any], timeout: float, what: str, interval: float = 0.2) -> Any:
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what} (last: {last!r})")


def fresh_pg_database(server_url: str, name: str) -> str:
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(server_url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def drop_pg_database(server_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Node:
    def __init__(self, home: Path, country: str, database_url: str | None = None) -> None:
        self.home, self.country, self.database_url = home, country, database_url
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.node_id = ""
        self.fingerprint = ""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        env_ = {k: v for k, v in os.environ.items() if k != "LIAISON_DATABASE_URL"}
        env_.update(SYNC_ENV, LIAISON_HOME=str(self.home), LIAISON_FAST_HASHER="1",
                    DJANGO_SETTINGS_MODULE="liaison.settings")  # fmt: skip
        if self.database_url:
            env_["LIAISON_DATABASE_URL"] = self.database_url
        return env_

    def cli(
        self, *args: str, check: bool = True, timeout: float = 300
    ) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [sys.executable, "-m", "liaison.cli", *args],
            env=self.env(), capture_output=True, text=True, timeout=timeout,
        )  # fmt: skip
        if check and result.returncode != 0:
            raise AssertionError(
                f"liaison {' '.join(args)} exited {result.returncode}: {result.stderr}"
            )
        return result

    def py(self, code: str, timeout: float = 120) -> Any:
        """Run code in the node's Django; the value printed last as JSON is returned."""
        result = subprocess.run(
            [sys.executable, "-c", PRELUDE + code], env=self.env(), capture_output=True,
            text=True, timeout=timeout,
        )  # fmt: skip
        if result.returncode != 0:
            raise AssertionError(f"python in {self.country} failed: {result.stderr[-3000:]}")
        lines = [line for line in result.stdout.splitlines() if line.strip()]
        return json.loads(lines[-1]) if lines else None

    def make_cases(self, n: int) -> None:
        """Many plain local cases quickly (bulk insert, not through the services)."""
        result = subprocess.run([sys.executable, "-c", MAKE_CASES.format(n=n)], env=self.env(),
                                capture_output=True, text=True, timeout=300)  # fmt: skip
        if result.returncode:
            raise AssertionError(f"making cases failed: {result.stderr[-2000:]}")

    def init(self) -> Node:
        self.cli(
            "init", "--country", self.country, "--name", f"Test {self.country}", "--url", self.url
        )
        out = self.cli("key", "show").stdout.split()
        self.node_id, self.fingerprint = out[0], " ".join(out[2:])
        return self

    def start(self) -> Node:
        log = (self.home / "serve.log").open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "liaison.cli", "serve", "--host", "127.0.0.1",
             "--port", str(self.port), "--workers", "1"],
            env=self.env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip

        def up() -> bool:
            assert self.process is not None
            if self.process.poll() is not None:
                raise AssertionError(
                    f"serve exited: {(self.home / 'serve.log').read_text()[-2000:]}"
                )
            try:
                return httpx.get(f"{self.url}/api/v1/health", timeout=1).status_code == 200
            except httpx.HTTPError:
                return False

        wait_for(up, 60, f"{self.country} to start")
        return self

    def kill(self) -> None:
        """SIGKILL the node: serve, its web workers and its sync worker, all at once."""
        if self.process is None:
            return
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self.process = None
        time.sleep(0.3)

    def stop(self) -> None:
        if self.process is None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.process = None
        time.sleep(0.3)

    def sql(self, query: str, params: tuple = ()) -> list[tuple]:
        if self.database_url:
            import psycopg

            with psycopg.connect(self.database_url) as conn:
                return list(conn.execute(query.replace("?", "%s"), params).fetchall())
        conn = sqlite3.connect(self.home / "liaison.sqlite3", timeout=30)
        try:
            return list(conn.execute(query, params).fetchall())
        finally:
            conn.close()

    def scalar(self, query: str, params: tuple = ()) -> Any:
        return self.sql(query, params)[0][0]

    def private_key(self) -> Ed25519PrivateKey:
        key = serialization.load_pem_private_key((self.home / "node_key.pem").read_bytes(), None)
        assert isinstance(key, Ed25519PrivateKey)
        return key


def signed_headers(key: Ed25519PrivateKey, sender: str, to: str, method: str, path: str,
                   body: bytes = b"", ts: int | None = None, nonce: str | None = None) -> dict[str, str]:  # fmt: skip
    ts_text = str(int(time.time()) if ts is None else ts)
    nonce = nonce or secrets.token_urlsafe(18)
    text = env.request_signing_text(method, path, to, sender, ts_text, nonce, body)
    return {
        "X-Liaison-From": sender, "X-Liaison-To": to, "X-Liaison-Time": ts_text,
        "X-Liaison-Nonce": nonce, "X-Liaison-Key": env.key_id(key.public_key()),
        "X-Liaison-Signature": env.b64url_encode(key.sign(text)),
    }  # fmt: skip
