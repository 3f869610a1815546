"""Deployment defaults: headers, a CSP without inline script, hosts, cookies, idle sessions,
and `check --deploy` clean in production mode (https node URL, LIAISON_DEBUG unset)."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

LIAISON = Path(__file__).resolve().parents[2] / "liaison"


def _node_home(tmp_path: Path, url: str) -> Path:
    home = tmp_path / "node"
    home.mkdir(parents=True)
    (home / "node.json").write_text(
        json.dumps({"id": "vn-prod", "country": "VN", "name": "MPS", "url": url})
    )
    (home / "secret_key").write_text(secrets.token_urlsafe(50))
    return home


def _django(home: Path, *args: str, debug: bool = False) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIAISON_")}
    env["LIAISON_HOME"] = str(home)
    if debug:
        env["LIAISON_DEBUG"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "liaison.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


SHOW_SETTINGS = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps([s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
    "getattr(s, 'SECURE_HSTS_SECONDS', 0), s.ALLOWED_HOSTS]))"
)


def test_check_deploy_is_clean_in_production_mode(tmp_path: Path) -> None:
    home = _node_home(tmp_path, "https://liaison.mps.example:8443")
    result = _django(home, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    debug = _django(home, "check", "--deploy", "--fail-level", "WARNING", debug=True)
    assert debug.returncode != 0 and "W018" in debug.stderr + debug.stdout


def test_https_url_makes_cookies_secure_and_sends_hsts(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIAISON_")}
    for url, secure in (("https://liaison.mps.example", True), ("http://10.0.0.5:8000", False)):
        home = _node_home(tmp_path / url.split(":")[0], url)
        shown = subprocess.run(
            [sys.executable, "-c", SHOW_SETTINGS],
            env={**env, "LIAISON_HOME": str(home), "DJANGO_SETTINGS_MODULE": "liaison.settings"},
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        session_secure, csrf_secure, hsts, hosts = json.loads(shown.stdout)
        assert session_secure is csrf_secure is secure
        assert (hsts >= 180 * 86400) is secure
        assert "*" not in hosts
        assert {"127.0.0.1", "localhost", "[::1]"} <= set(hosts)
        assert url.split("//")[1].split(":")[0] in hosts


def test_unknown_host_is_refused() -> None:
    assert "*" not in settings.ALLOWED_HOSTS
    assert Client().get("/login/", headers={"host": "evil.example"}).status_code == 400
    assert Client().get("/login/", headers={"host": "127.0.0.1:8000"}).status_code == 200


def test_pages_carry_a_csp_without_inline_script_and_frame_and_sniff_headers() -> None:
    response = Client().get(reverse("login"))
    csp = response.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


INLINE = [
    re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),  # a script element with a body
    re.compile(r"\son[a-z]+\s*=", re.I),  # onclick=, onchange=, …
    re.compile(r"javascript:", re.I),
    re.compile(r"\sstyle\s*=", re.I),
    re.compile(r"<style", re.I),
]
#: Rendered to PDF by WeasyPrint, never served to a browser.
NOT_SERVED = {"reports/templates/reports/report_pdf.html"}


def test_no_template_holds_inline_script_or_style() -> None:
    found = []
    for path in sorted(LIAISON.glob("*/templates/**/*.html")):
        name = str(path.relative_to(LIAISON))
        if name in NOT_SERVED:
            continue
        text = path.read_text(encoding="utf-8")
        found += [f"{name}: {m.group(0)!r}" for p in INLINE for m in p.finditer(text)]
    assert not found, found


def test_signed_in_page_has_no_inline_script(units, make_user, login) -> None:  # type: ignore[no-untyped-def]
    page = login(make_user(units.ministry, ["node_admin", "supervisor"])).get("/")
    html = page.content.decode()
    assert page.status_code == 200
    assert not [m.group(0) for p in INLINE[:3] for m in p.finditer(html)]
    assert 'src="/static/web/liaison.js"' in html


def test_idle_session_ends(units, make_user, login, settings) -> None:  # type: ignore[no-untyped-def]
    client = login(make_user(units.nghe_an))
    assert client.get("/").status_code == 200
    session = client.session
    session["liaison_seen"] = int(time.time()) - settings.SESSION_IDLE_SECONDS - 5
    session.save()
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert client.get("/").url.startswith(reverse("login"))  # signed out, not just redirected


def test_session_ends_after_its_age_however_active(units, make_user, login, settings) -> None:  # type: ignore[no-untyped-def]
    client = login(make_user(units.nghe_an))
    client.get("/")
    session = client.session
    session["liaison_signed_in"] = int(time.time()) - settings.SESSION_COOKIE_AGE - 5
    session.save()
    assert client.get("/").url.startswith(reverse("login"))
