"""Mixed load: colleagues working on the node at the same time, as the node serves them.

Serves the fixture node of ``served.py`` (``--scale`` × 1,000,000 cases, cached in
benchmarks/.cache/served-<scale>) with ``liaison serve`` (its 2 granian workers) and runs,
with locust as a library (headless, in this process), ``--users`` simulated colleagues for
``--seconds``, from the first request after the start. Each colleague has an account of its
own (supervisor, so the sign-in has a second step: a code from its authenticator) and an API
token, signs in on the web, then, with ``--wait`` seconds of reading between requests, mixes:

* web: the dashboard, the case list filtered by a province, a case's record page, signing in
  again (password and code) now and then;
* API: the case list filtered by a province, deep keyset pages of the case list (a cursor
  thousands of pages down, then the two next pages), a case record, person search, the
  3-year border statistics.

Every response is checked (status, and that a web page is the page asked for, not the sign-in
page). Prints one JSON object (errors, p50/p95/p99 per endpoint and overall, throughput, the
workers' memory, the machine's size) and writes ``benchmarks/results/load.json``
(``load-<scale>.json`` for another scale). Target (issue 13): 0 errors, p95 < 300 ms.

    python benchmarks/load.py [--scale 0.1] [--users 50] [--seconds 60] [--wait 0.5 2.5]
"""

# locust runs its simulated users on gevent: patch the standard library before anything
# else imports it.
from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import secrets  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402
from urllib.parse import urlsplit  # noqa: E402

import gevent  # noqa: E402
from locust import HttpUser, between, events, task  # noqa: E402
from locust.env import Environment  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import search_latency  # noqa: E402
import served  # noqa: E402

#: The colleagues' password, new at every run.
PASSWORD = "Load-" + secrets.token_urlsafe(18)
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ORDER = ("-detected_on", "-id")  # the API case list's order (liaison.crime.api.list_cases)
LIMIT = 20
#: Where in the case list the deep-page calls start (the cursor of the row before): a tenth,
#: half and nine tenths of the way down (page 45,000 of 50,000 at the national scale).
DEEP_FRACTIONS = (0.1, 0.5, 0.9)
#: A code is good once per 30-second step: a colleague signs in again after this long.
SIGN_IN_AGAIN_AFTER_S = 31


def prepare(home: Path, users: int) -> dict[str, Any]:
    """Accounts, tokens and what the colleagues ask for, read and written in this process
    through the node's own services."""
    persons, searches = search_latency.queries(home, 2000)  # sets Django up on the node
    import datetime as dt

    from django.db.models import Count, Max
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from liaison.core.listing import encode_cursor
    from liaison.core.models import Unit, User
    from liaison.core.services import change_password, create_token, create_user
    from liaison.crime.models import DrugCase

    national = Unit.objects.get(parent__isnull=True)
    accounts = []
    for i in range(users):
        username = f"load-{i + 1:02d}"
        user = User.objects.filter(username=username).first()
        if user is None:
            user, _ = create_user(
                username=username, unit=national, roles=["supervisor"], password=PASSWORD
            )
        else:
            change_password(user, PASSWORD)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="load benchmark", confirmed=True)
        accounts.append(
            {
                "username": username,
                "key": device.bin_key,
                "token": create_token(user, "load benchmark", days=1),
            }
        )
    rng = random.Random(13)
    cases = DrugCase.objects.count()
    provinces = [
        row["province__code"]
        for row in DrugCase.objects.values("province__code")
        .annotate(n=Count("id"))
        .order_by("-n")[:12]
    ]
    top = max(DrugCase.objects.aggregate(m=Max("id"))["m"] or 1, 1)
    case_ids = rng.sample(range(1, top + 1), min(2000, top))
    case_uuids = [
        str(u) for u in DrugCase.objects.filter(id__in=case_ids).values_list("uuid", flat=True)
    ]
    ordered = DrugCase.objects.order_by(*ORDER)
    pages = [int(cases // LIMIT * fraction) for fraction in DEEP_FRACTIONS]
    cursors = [encode_cursor(DrugCase, ORDER, ordered[p * LIMIT - 1]) for p in pages if p > 1]
    newest = DrugCase.objects.aggregate(last=Max("detected_on"))["last"]
    end = dt.date(newest.year, 12, 31)
    return {
        "accounts": accounts,
        "cases": cases,
        "persons": persons,
        "deep_pages": pages,
        "provinces": provinces,
        "case_uuids": case_uuids,
        "searches": searches,
        "deep_cursors": cursors,
        "statistics": {
            "date_from": dt.date(end.year - 2, 1, 1).isoformat(),
            "date_to": end.isoformat(),
            "border_provinces": "true",
        },
    }


def at(url: str, path: str) -> bool:
    """Whether ``url`` is the page at ``path`` (the root exactly, any other path as a prefix):
    a web page asked for may redirect to the sign-in instead."""
    found = urlsplit(url).path
    return found == path if path == "/" else found.startswith(path)


def colleague_class(data: dict[str, Any], wait: tuple[float, float]) -> type[HttpUser]:
    from django_otp.oath import totp

    accounts = list(data["accounts"])
    rng = random.Random(17)

    class Colleague(HttpUser):
        wait_time = between(*wait)

        def on_start(self) -> None:
            self.account = accounts.pop()
            self.client.headers["Authorization"] = f"Bearer {self.account['token']}"
            self.signed_in_at = 0.0
            self.sign_in()

        # -- checks -------------------------------------------------------------------------
        def get(self, name: str, path: str, expect: str = "", **params: Any) -> Any:
            """GET ``path``; a failure unless 200 and (for web pages) the page asked for."""
            with self.client.get(path, params=params, name=name, catch_response=True) as r:
                if r.status_code != 200:
                    r.failure(f"{r.status_code}: {r.text[:120]}")
                elif expect and not at(r.url, expect):
                    r.failure(f"landed on {r.url}")
                else:
                    r.success()
                return r

        def post_form(self, name: str, response: Any, fields: dict[str, str], lands: str) -> Any:
            found = CSRF.search(response.text)
            if found is None:
                response.failure("no CSRF token on the page")
                return None
            data = {"csrfmiddlewaretoken": found.group(1), **fields}
            headers = {"Referer": response.url}
            with self.client.post(
                response.url, data=data, headers=headers, name=name, catch_response=True
            ) as r:
                if r.status_code != 200 or not at(r.url, lands):
                    r.failure(f"{r.status_code} landed on {r.url}")
                else:
                    r.success()
                return r

        # -- what a colleague does -----------------------------------------------------------
        def sign_in(self) -> None:
            self.client.cookies.clear()
            form = self.get("web sign-in: form", "/login/", expect="/login/")
            page = self.post_form(
                "web sign-in: password",
                form,
                {"username": self.account["username"], "password": PASSWORD},
                lands="/sign-in/code/",
            )
            if page is not None and page.ok:
                code = f"{totp(self.account['key']):06d}"
                self.post_form("web sign-in: code", page, {"code": code}, lands="/")
            self.signed_in_at = time.monotonic()

        @task(1)
        def sign_in_again(self) -> None:
            if time.monotonic() - self.signed_in_at > SIGN_IN_AGAIN_AFTER_S:
                self.sign_in()
            else:
                self.dashboard()

        @task(3)
        def dashboard(self) -> None:
            self.get("web dashboard", "/", expect="/")

        @task(3)
        def web_case_list(self) -> None:
            province = rng.choice(data["provinces"])
            self.get(
                "web case list (province)", "/crime/cases/", "/crime/cases/", province=province
            )

        @task(4)
        def api_case_list(self) -> None:
            province = rng.choice(data["provinces"])
            self.get("api case list (province)", "/api/v1/cases", province=province, limit=LIMIT)

        @task(3)
        def api_deep_pages(self) -> None:
            if not data["deep_cursors"]:
                return
            cursor = rng.choice(data["deep_cursors"])
            for _ in range(3):
                r = self.get(
                    "api case list (deep keyset page)", "/api/v1/cases", limit=LIMIT, cursor=cursor
                )
                cursor = r.json().get("next") if r.ok else None
                if not cursor:
                    break

        @task(3)
        def web_case_record(self) -> None:
            uuid = rng.choice(data["case_uuids"])
            self.get("web case record", f"/crime/cases/{uuid}/", f"/crime/cases/{uuid}/")

        @task(3)
        def api_case_record(self) -> None:
            self.get("api case record", f"/api/v1/cases/{rng.choice(data['case_uuids'])}")

        @task(3)
        def person_search(self) -> None:
            self.get("api person search", "/api/v1/persons/search", q=rng.choice(data["searches"]))

        @task(1)
        def statistics(self) -> None:
            self.get(
                "api statistics (3-year border report)", "/api/v1/statistics", **data["statistics"]
            )

    return Colleague


def run(base: str, user_class: type[HttpUser], users: int, seconds: float) -> dict[str, Any]:
    """Run the colleagues headless for ``seconds`` (ramp-up included); every response
    counts."""
    samples: dict[str, list[float]] = {}
    failures: dict[str, list[str]] = {}

    @events.request.add_listener
    def _record(name: str, response_time: float, exception: Any, **_kw: Any) -> None:
        samples.setdefault(name, []).append(response_time)
        if exception is not None:
            failures.setdefault(name, []).append(str(exception)[:160])

    env = Environment(user_classes=[user_class], host=base, events=events)
    runner = env.create_local_runner()
    started = time.perf_counter()
    runner.start(users, spawn_rate=min(users, 25))
    gevent.spawn_later(seconds, runner.quit)
    runner.greenlet.join()
    wall = time.perf_counter() - started
    endpoints = {}
    for name in sorted(samples):
        endpoints[name] = {
            **served.figures(samples[name]),
            "errors": len(failures.get(name, [])),
            "error_examples": failures.get(name, [])[:2],
            "rps": round(len(samples[name]) / wall, 1),
        }
    everything = [ms for values in samples.values() for ms in values]
    return {
        "seconds": round(wall, 1),
        "overall": {
            **served.figures(everything),
            "errors": sum(len(f) for f in failures.values()),
            "throughput_rps": round(len(everything) / wall, 1),
        },
        "endpoints": endpoints,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=0.1, help="1.0 = 1,000,000 cases")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument(
        "--wait", type=float, nargs=2, default=(0.5, 2.5), help="reading time between requests"
    )
    parser.add_argument("--home", type=Path)
    args = parser.parse_args()
    home = args.home or served.default_home(args.scale)
    built = served.build(home, args.scale)
    data = prepare(home, args.users)
    port = served.free_port()
    process = served.serve(home, port)
    try:
        cpu_before = served.group_cpu_seconds(process)
        load = run(
            f"http://127.0.0.1:{port}",
            colleague_class(data, tuple(args.wait)),
            args.users,
            args.seconds,
        )
        cpu = served.group_cpu_seconds(process) - cpu_before
        memory = served.worker_memory(process)
    finally:
        served.stop(process)
    result: dict[str, Any] = {
        "benchmark": "mixed load over HTTP (liaison serve, 2 granian workers; locust)",
        "database": "sqlite",
        **built,
        "cases_held": data["cases"],
        "persons_held": data["persons"],
        "deep_pages_from": data["deep_pages"],
        "users": args.users,
        "reading_seconds_between_requests": list(args.wait),
        **load,
        # The node's own cost, whatever else runs on the machine: CPU time of its processes
        # per request served (2 cores give at most 2,000 / this many requests a second).
        "server_cpu_seconds": round(cpu, 1),
        "server_cpu_ms_per_request": round(1000 * cpu / max(1, load["overall"]["requests"]), 1),
        "processes_rss_mib": memory,
        "target": {"errors": 0, "p95_ms": 300},
        "ok": load["overall"]["errors"] == 0 and load["overall"]["p95_ms"] < 300,
        "machine": served.machine(),
    }
    print(json.dumps(result))
    served.RESULTS.mkdir(exist_ok=True)
    name = "load.json" if args.scale == 0.1 else f"load-{args.scale:g}.json"
    (served.RESULTS / name).write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
