from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
from django.core.management import get_commands
from django.core.management.base import BaseCommand, CommandParser

from liaison.core.commands import Failure

DEMO_PASSWORD = "demo-liaison-2026"  # noqa: S105 - printed on purpose: a demonstration only

NODES = (
    # (country, name, port)
    ("VN", "Bộ Công an Việt Nam (demo)", 8000),
    ("LA", "ກະຊວງປ້ອງກັນຄວາມສະຫງົບ ລາວ (demo)", 8001),
)


def _liaison(
    home: Path, *args: str, check: bool = True, **kwargs: Any
) -> subprocess.CompletedProcess:
    env = {**os.environ, "LIAISON_HOME": str(home)}
    env.pop("LIAISON_DATABASE_URL", None)  # the demo runs on the embedded default
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "liaison.cli", *args],
        env=env,
        check=check,
        capture_output=True,
        text=True,
        **kwargs,
    )


class Command(BaseCommand):
    help = "Run two federated demo nodes (VN on :8000, LA on :8001), seeded and peered."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dir", default=".demo", help="folder for the two node homes")
        parser.add_argument("--cases", type=int, default=15000, help="cases to seed per side")
        parser.add_argument("--years", type=int, default=3)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--no-wait", action="store_true", help="set up, then stop the nodes")

    def handle(self, *args: Any, **options: Any) -> None:
        base = Path(options["dir"]).resolve()
        host = options["host"]
        homes: dict[str, Path] = {}
        for country, name, port in NODES:
            home = base / country.lower()
            homes[country] = home
            if not (home / "node.json").exists():
                self.stdout.write(f"Creating the {country} node in {home} …")
                result = _liaison(
                    home, "init", "--country", country, "--name", name,
                    "--url", f"http://{host}:{port}", check=False,
                )  # fmt: skip
                if result.returncode != 0:
                    raise Failure(
                        f"could not create the {country} demo node: {result.stderr.strip()}"
                    )
                _liaison(home, "demo_users", "--password", DEMO_PASSWORD)
        servers = []
        for country, _name, port in NODES:
            env = {**os.environ, "LIAISON_HOME": str(homes[country])}
            env.pop("LIAISON_DATABASE_URL", None)
            (homes[country] / "logs").mkdir(exist_ok=True)
            log = (homes[country] / "logs" / "serve.log").open("ab")
            servers.append(
                subprocess.Popen(  # noqa: S603
                    [
                        sys.executable,
                        "-m",
                        "liaison.cli",
                        "serve",
                        "--host",
                        host,
                        "--port",
                        str(port),
                    ],
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )  # fmt: skip
            )
        try:
            for _country, _name, port in NODES:
                self._wait_up(f"http://{host}:{port}/api/v1/health")
            self._peer(homes, host)
            self._seed(homes, options)
            self._print_summary(host)
            if options["no_wait"]:
                return
            self.stdout.write("Press Ctrl-C to stop both nodes.")
            while all(s.poll() is None for s in servers):
                time.sleep(1)
            raise Failure("a demo node stopped; see .demo/*/logs/serve.log")
        except KeyboardInterrupt:
            self.stdout.write("Stopping …")
        finally:
            for server in servers:
                server.send_signal(signal.SIGTERM)
            for server in servers:
                try:
                    server.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    server.kill()

    def _wait_up(self, url: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if httpx.get(url, timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise Failure(f"node did not come up at {url}")

    def _peer(self, homes: dict[str, Path], host: str) -> None:
        if "peer" not in get_commands():
            return
        ports = {country: port for country, _n, port in NODES}
        for country, other in (("VN", "LA"), ("LA", "VN")):
            listed = _liaison(homes[country], "peer", "list", check=False).stdout
            if other in listed.split():
                continue
            status = json.loads(_liaison(homes[other], "status", "--json").stdout)
            fp = status["node"]["fingerprint"]
            result = _liaison(
                homes[country], "peer", "add", other, f"http://{host}:{ports[other]}",
                "--fingerprint", fp, check=False,
            )  # fmt: skip
            if result.returncode != 0:
                self.stderr.write(f"peering {country} → {other} failed: {result.stderr.strip()}")

    def _seed(self, homes: dict[str, Path], options: dict[str, Any]) -> None:
        if "seed" not in get_commands():
            return
        for country, home in homes.items():
            marker = home / ".seeded"
            if marker.exists():
                continue
            self.stdout.write(f"Seeding {options['cases']} cases on the {country} node …")
            result = _liaison(
                home, "seed", "--cases", str(options["cases"]), "--years", str(options["years"]),
                "--seed", "2024" if country == "VN" else "2025", check=False,
            )  # fmt: skip
            if result.returncode != 0:
                self.stderr.write(f"seeding {country} failed: {result.stderr.strip()}")
                continue
            if "cooperation_seed" in get_commands():
                _liaison(home, "cooperation_seed", check=False)
            for step in ("demo_exchange", "demo_cooperation"):
                result = _liaison(home, step, check=False)
                if result.returncode != 0:
                    self.stderr.write(f"{step} on {country}: {result.stderr.strip()}")
            marker.write_text("done\n")

    def _print_summary(self, host: str) -> None:
        self.stdout.write("")
        self.stdout.write("Liaison demo is running:")
        for country, name, port in NODES:
            self.stdout.write(f"  {country}  {name:<40} http://{host}:{port}/")
        self.stdout.write("")
        self.stdout.write(f"Logins on each node (password {DEMO_PASSWORD}):")
        for username, what in DEMO_USERS_SUMMARY:
            self.stdout.write(f"  {username:<12} {what}")


DEMO_USERS_SUMMARY = (
    ("admin", "node admin and supervisor, ministry"),
    ("analyst", "analyst, drug police department"),
    ("officer", "liaison officer, first border province"),
)
