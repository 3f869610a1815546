"""Real Liaison nodes for the federation tests: init, serve (with its sync worker), SIGKILL,
SQL against each node's own database, and requests signed with a node's key; and a hostile
fake node that serves a crafted feed."""

from __future__ import annotations

import json
import os
import secrets
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit, urlunsplit

import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from liaison.core.node import fingerprint_of
from liaison.exchange import envelope as env
from liaison.exchange.envelope import Envelope, Markings, Signer
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
        env_.update(SYNC_ENV)
        env_["LIAISON_HOME"] = str(self.home)
        env_["LIAISON_FAST_HASHER"] = "1"
        env_["DJANGO_SETTINGS_MODULE"] = "liaison.settings"
        if self.database_url:
            env_["LIAISON_DATABASE_URL"] = self.database_url
        return env_

    def _run(self, command: list[str], timeout: float) -> subprocess.CompletedProcess:
        return subprocess.run(
            command, env=self.env(), capture_output=True, text=True, timeout=timeout
        )

    def cli(
        self, *args: str, check: bool = True, timeout: float = 300
    ) -> subprocess.CompletedProcess:
        result = self._run([sys.executable, "-m", "liaison.cli", *args], timeout)
        if check and result.returncode != 0:
            raise AssertionError(
                f"liaison {' '.join(args)} exited {result.returncode}: {result.stderr}"
            )
        return result

    def py(self, code: str, timeout: float = 120) -> Any:
        """Run code in the node's Django; the value printed last as JSON is returned."""
        result = self._run([sys.executable, "-c", PRELUDE + code], timeout)
        if result.returncode != 0:
            raise AssertionError(f"python in {self.country} failed: {result.stderr[-3000:]}")
        lines = [line for line in result.stdout.splitlines() if line.strip()]
        return json.loads(lines[-1]) if lines else None

    def make_cases(self, n: int) -> None:
        """Many plain local cases quickly (bulk insert, not through the services)."""
        result = self._run([sys.executable, "-c", MAKE_CASES.format(n=n)], 300)
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
        command = [sys.executable, "-m", "liaison.cli", "serve", "--host", "127.0.0.1"]
        command += ["--port", str(self.port), "--workers", "1"]
        self.process = subprocess.Popen(
            command,
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

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


def signed_headers(
    key: Ed25519PrivateKey,
    sender: str,
    to: str,
    method: str,
    path: str,
    body: bytes = b"",
    ts: int | None = None,
    nonce: str | None = None,
) -> dict[str, str]:
    """The headers of a request from node ``sender`` to node ``to``, signed with ``key``."""
    ts_text = str(int(time.time()) if ts is None else ts)
    nonce = nonce or secrets.token_urlsafe(18)
    text = env.request_signing_text(method, path, to, sender, ts_text, nonce, body)
    return {
        "X-Liaison-From": sender,
        "X-Liaison-To": to,
        "X-Liaison-Time": ts_text,
        "X-Liaison-Nonce": nonce,
        "X-Liaison-Key": env.key_id(key.public_key()),
        "X-Liaison-Signature": env.b64url_encode(key.sign(text)),
    }


def signed_receipt(signer: env.Signer, sender: str, to: str, through: int) -> str:
    """A receipt (JWS) from ``sender`` confirming ``to``'s feed up to ``through``."""
    payload = {
        "from": sender,
        "to": to,
        "through": through,
        "rejected": [],
        "issued_at": env.utc_stamp(),
    }
    return signer.sign_json(payload, env.TYP_RECEIPT)


def signed_get(key: Ed25519PrivateKey, sender: str, node: Node, path: str) -> httpx.Response:
    """GET ``path`` on ``node``, signed by ``sender`` with ``key``."""
    return httpx.get(
        node.url + path, headers=signed_headers(key, sender, node.node_id, "GET", path)
    )


def signed_post(
    key: Ed25519PrivateKey, sender: str, node: Node, path: str, body: bytes
) -> httpx.Response:
    """POST ``body`` to ``path`` on ``node``, signed by ``sender`` with ``key``."""
    headers = signed_headers(key, sender, node.node_id, "POST", path, body)
    return httpx.post(node.url + path, content=body, headers=headers)


def payload_of(token: str) -> Any:
    """The payload of a compact JWS, unverified."""
    return env.strict_json(env.b64url_decode(token.split(".")[1]))


class FakeNode:
    """A node simulated in the test process: its own key and node id, and envelopes signed
    with that key."""

    def __init__(self, node_id: str, country: str) -> None:
        self.key = Ed25519PrivateKey.generate()
        self.signer = Signer(self.key)
        self.node_id = node_id
        self.country = country
        self.public_key = env.b64url_encode(env.raw_key(self.key.public_key()))

    @property
    def fingerprint(self) -> str:
        return fingerprint_of(env.raw_key(self.key.public_key()))

    def make_envelope(
        self, markings: Markings, body: dict[str, Any], over: dict[str, Any]
    ) -> Envelope:
        """A new version-1 case from this node; ``over`` replaces any field (body too)."""
        data: dict[str, Any] = {
            "kind": "cases",
            "uuid": str(uuid.uuid4()),
            "origin": self.node_id,
            "origin_country": self.country,
            "version": 1,
            "markings": markings,
            "body": body,
            "op": "upsert",
            "issued_at": env.utc_stamp(),
        }
        data.update(over)
        return Envelope(**data)

    def sign(self, e: Envelope) -> str:
        return self.signer.sign_json(e.to_dict(), env.TYP_ENVELOPE)


class EvilPeer(FakeNode):
    """A fake node that serves a feed of crafted envelopes and records the receipts it gets."""

    def __init__(self) -> None:
        super().__init__("th-evil00001", "TH")
        self.items: list[tuple[int, str]] = []
        self.receipts: list[dict[str, Any]] = []
        self.garbage: bytes | None = None
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def identity(self) -> dict[str, Any]:
        return {
            "node_id": self.node_id,
            "country": self.country,
            "public_key": self.public_key,
            "rotations": [],
        }

    def feed_page(self, after: int, limit: int) -> dict[str, Any]:
        rest = [i for i in self.items if i[0] > after]
        return {
            "items": [{"seq": seq, "jws": jws} for seq, jws in rest[:limit]],
            "more": len(rest) > limit,
        }

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        evil = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _send(self, data: bytes, status: int = 200) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:  # noqa: N802
                url = urlsplit(self.path)
                if url.path == "/federation/v1/identity":
                    self._send(json.dumps(evil.identity()).encode())
                    return
                if evil.garbage is not None:
                    self._send(evil.garbage)
                    return
                query = parse_qs(url.query)
                page = evil.feed_page(int(query["after"][0]), int(query["limit"][0]))
                self._send(json.dumps(page).encode())

            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.path == "/federation/v1/receipts":
                    evil.receipts.append(payload_of(json.loads(body)["receipt"]))
                self._send(b'{"ok": true}')

        return Handler

    def envelope(self, to: str, **over: Any) -> Envelope:
        body = {
            "case_ref": f"TH-{uuid.uuid4().hex[:6]}",
            "detected_on": "2026-01-05",
            "province": "LA-XI",
            "summary": "evil",
            "created_at": "2026-01-05T00:00:00+00:00",
            "updated_at": "2026-01-05T00:00:00+00:00",
        }
        return self.make_envelope(Markings("AMBER", "H0", "", (to,)), body, over)

    def sign_red(self, to: str) -> str:
        """A well-signed envelope marked TLP:RED, which no node may ever send."""
        markings = {"tlp": "RED", "handling": "H0", "handling_note": "", "released_to": [to]}
        return self.signer.sign_json(
            {**self.envelope(to).to_dict(), "markings": markings}, env.TYP_ENVELOPE
        )

    def close(self) -> None:
        self.server.shutdown()
