"""`liaison demo`: federated demo nodes, one per country, created, seeded and peered.

It lives in the web app because it drives every domain's commands (seed, peer, the demo
releases and cooperation records)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from django.core.management import get_commands
from django.core.management.base import BaseCommand, CommandParser

from liaison.core import countries
from liaison.core.commands import BadInput, Failure
from liaison.core.setup import national_units
from liaison.web.management.commands.demo_cooperation import DATA_FILE, demo_data

DEMO_PASSWORD = "demo-liaison-2026"  # noqa: S105 - printed on purpose: a demonstration only
FIRST_PORT = 8000
FIRST_SEED = 2024


@dataclass(frozen=True)
class DemoNode:
    country: str
    name: str
    port: int
    seed: int


def demo_nodes(codes: list[str], first_port: int = FIRST_PORT) -> list[DemoNode]:
    """One node per country: named after its ministry and the country, in its own language,
    on consecutive ports from ``first_port``."""
    nodes = []
    for i, code in enumerate(codes):
        ministry = national_units()[code]["ministry"]["name"]
        country = countries.country_name(code, countries.own_language(code))
        name = f"{ministry} {country} (demo)"
        nodes.append(DemoNode(code, name, first_port + i, FIRST_SEED + i))
    return nodes


def default_countries() -> list[str]:
    """The demo's countries from its data file (VN, LA and RU: border cooperation and a
    partner beyond the border), else the first pair the gazetteer's border table links."""
    with open(DATA_FILE, encoding="utf-8") as fh:
        listed = json.load(fh).get("_nodes") or []
    if listed:
        return [str(code) for code in listed]
    pairs = countries.border_pairs()
    return list(pairs[0]) if pairs else []


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
    nodes: list[DemoNode]
    help = (
        "Run federated demo nodes, seeded and peered pairwise: by default the countries of "
        "the demo data (Viet Nam on :8000, Laos on :8001, Russia on :8002)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dir", default=".demo", help="folder for the node homes")
        parser.add_argument(
            "--countries",
            default="",
            help="comma-separated ISO 3166-1 codes, one node each (default: a border pair)",
        )
        parser.add_argument("--cases", type=int, default=15000, help="cases to seed per side")
        parser.add_argument("--years", type=int, default=3)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument(
            "--first-port", type=int, default=FIRST_PORT, help="port of the first node"
        )
        parser.add_argument("--no-wait", action="store_true", help="set up, then stop the nodes")

    def handle(self, *args: Any, **options: Any) -> None:
        base = Path(options["dir"]).resolve()
        host = options["host"]
        codes = [c.strip().upper() for c in options["countries"].split(",") if c.strip()]
        codes = codes or default_countries()
        unknown = [c for c in codes if c not in national_units()]
        if len(codes) < 2 or unknown:
            raise BadInput(
                f"--countries needs two or more of {', '.join(sorted(national_units()))}"
            )
        self.nodes = demo_nodes(codes, options["first_port"])
        homes: dict[str, Path] = {}
        for demo in self.nodes:
            home = base / demo.country.lower()
            homes[demo.country] = home
            if not (home / "node.json").exists():
                self.stdout.write(f"Creating the {demo.country} node in {home} …")
                result = _liaison(
                    home,
                    "init",
                    "--country",
                    demo.country,
                    "--name",
                    demo.name,
                    "--url",
                    f"http://{host}:{demo.port}",
                    check=False,
                )
                if result.returncode != 0:
                    raise Failure(
                        f"could not create the {demo.country} demo node: {result.stderr.strip()}"
                    )
                province = demo_data(demo.country).get("officer_province", "")
                _liaison(home, "demo_users", "--password", DEMO_PASSWORD, "--province", province)
        servers = []
        for demo in self.nodes:
            env = {**os.environ, "LIAISON_HOME": str(homes[demo.country])}
            env.pop("LIAISON_DATABASE_URL", None)
            (homes[demo.country] / "logs").mkdir(exist_ok=True)
            log = (homes[demo.country] / "logs" / "serve.log").open("ab")
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
                        str(demo.port),
                    ],
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        try:
            for demo in self.nodes:
                self._wait_up(f"http://{host}:{demo.port}/api/v1/health")
            self._peer(homes, host)
            self._seed(homes, options)
            self._print_summary(host)
            if options["no_wait"]:
                return
            self.stdout.write("Press Ctrl-C to stop the nodes.")
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
        ports = {demo.country: demo.port for demo in self.nodes}
        pairs = [(a, b) for a in ports for b in ports if a != b]
        for country, other in pairs:
            listed = _liaison(homes[country], "peer", "list", check=False).stdout
            if other in listed.split():
                continue
            status = json.loads(_liaison(homes[other], "status", "--json").stdout)
            fp = status["node"]["fingerprint"]
            result = _liaison(
                homes[country],
                "peer",
                "add",
                other,
                f"http://{host}:{ports[other]}",
                "--fingerprint",
                fp,
                check=False,
            )
            if result.returncode != 0:
                self.stderr.write(f"peering {country} → {other} failed: {result.stderr.strip()}")

    def _seed(self, homes: dict[str, Path], options: dict[str, Any]) -> None:
        if "seed" not in get_commands():
            return
        seeds = {demo.country: demo.seed for demo in self.nodes}
        for country, home in homes.items():
            marker = home / ".seeded"
            if marker.exists():
                continue
            self.stdout.write(f"Seeding {options['cases']} cases on the {country} node …")
            result = _liaison(
                home,
                "seed",
                "--cases",
                str(options["cases"]),
                "--years",
                str(options["years"]),
                "--seed",
                str(seeds[country]),
                check=False,
            )
            if result.returncode != 0:
                # A country without synthetic crime data still cooperates.
                self.stdout.write(f"no crime records seeded on {country}: {result.stderr.strip()}")
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
        for demo in self.nodes:
            self.stdout.write(f"  {demo.country}  {demo.name:<40} http://{host}:{demo.port}/")
        self.stdout.write("")
        self.stdout.write(f"Logins on each node (password {DEMO_PASSWORD}):")
        for username, what in DEMO_USERS_SUMMARY:
            self.stdout.write(f"  {username:<12} {what}")


DEMO_USERS_SUMMARY = (
    ("admin", "node admin and supervisor, ministry"),
    ("analyst", "analyst, drug police department"),
    ("officer", "liaison officer, a border province facing the neighbour's"),
)
