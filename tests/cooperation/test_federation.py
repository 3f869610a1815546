"""Cooperation across two real nodes (VN and LA, each `liaison init` + `liaison serve` on
loopback with its sync worker, peered with their real fingerprints), driven through the REST
API as liaison officers on both sides would. Each step waits until the other side shows it."""

from __future__ import annotations

import base64
import datetime as dt
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from liaison.core.node import fingerprint_of
from tests.processes import NodeProcess, node_env

pytestmark = [pytest.mark.federation, pytest.mark.timeout(600)]


class Side:
    def __init__(self, node: NodeProcess, token: str) -> None:
        self.node = node
        self.http = httpx.Client(
            base_url=f"{node.url}/api/v1", headers={"Authorization": f"Bearer {token}"}, timeout=30
        )

    def get(self, path: str, **params: Any) -> Any:
        r = self.http.get(path, params=params)
        assert r.status_code == 200, (path, r.status_code, r.text[:500])
        return r.json()

    def post(self, path: str, body: dict[str, Any], status: int = 201) -> Any:
        r = self.http.post(path, json=body)
        assert r.status_code == status, (path, r.status_code, r.text[:1000])
        return r.json()

    def until(self, check: Callable[[], Any], what: str, timeout: float = 30) -> Any:
        """Wait until ``check()`` is truthy (the sync workers pull every second)."""
        deadline = time.monotonic() + timeout
        last: Any = None
        while time.monotonic() < deadline:
            try:
                last = check()
            except AssertionError as exc:
                last = exc
            else:
                if last:
                    return last
            time.sleep(0.25)
        raise AssertionError(f"{self.node.country}: timed out waiting for {what} (last: {last!r})")


SYNC_ENV = {"LIAISON_SYNC_INTERVAL": "1", "LIAISON_SYNC_MAX_BACKOFF": "2"}


#: One Django start instead of three CLI calls: default hotline channels and an API token.
PREPARE = """
import django; django.setup()
from liaison.cooperation.services import ensure_default_channels
from liaison.core.models import User
from liaison.core.services import create_token
ensure_default_channels()
print(create_token(User.objects.get(username="admin")))
"""


def _prepare(node: NodeProcess) -> tuple[str, str]:
    """Init and start a node; return its key fingerprint and an API token for admin."""
    node.init()
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", PREPARE],
        env={**node_env(node.home), "DJANGO_SETTINGS_MODULE": "liaison.settings"},
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    node.start()
    raw = base64.urlsafe_b64decode((node.home / "node_key.pub").read_text().strip() + "==")
    return fingerprint_of(raw), out.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def sides(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Side, Side]]:
    base = tmp_path_factory.mktemp("coop-fed")
    saved = {k: os.environ.get(k) for k in SYNC_ENV}
    os.environ.update(SYNC_ENV)
    vn = NodeProcess(home=base / "vn", country="VN")
    la = NodeProcess(home=base / "la", country="LA")
    try:
        with ThreadPoolExecutor(2) as pool:
            (fp_vn, token_vn), (fp_la, token_la) = pool.map(_prepare, (vn, la))
            list(
                pool.map(
                    lambda args: args[0].liaison("peer", "add", *args[1:]),
                    (
                        (vn, "LA", la.url, "--fingerprint", fp_la),
                        (la, "VN", vn.url, "--fingerprint", fp_vn),
                    ),
                )
            )
        yield Side(vn, token_vn), Side(la, token_la)
    finally:
        vn.stop()
        la.stop()
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def test_wanted_notice_located_and_arrested_by_the_partner(sides) -> None:  # type: ignore[no-untyped-def]
    vn, la = sides
    notice = vn.post(
        "/wanted-notices",
        {
            "notice_type": "red",
            "full_name": "Vừ Bá Lầu",
            "latin_name": "Vu Ba Lau",
            "birth_date": "1985-03",
            "nationality": "VN",
            "offences": "Mua bán trái phép chất ma túy (Điều 251)",
            "warrant_reference": "LB-12/2026",
            "believed_location": "Xiengkhouang",
        },
    )
    seen = la.until(lambda: la.get("/wanted-notices", direction="partner")["items"], "the notice")
    assert [n["reference"] for n in seen] == [notice["reference"]]
    uuid = notice["uuid"]
    located = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=3)).isoformat()
    la.post(
        f"/wanted-notices/{uuid}/events",
        {"status": "located", "place": "Muang Kham", "at": located},
    )
    la.post(f"/wanted-notices/{uuid}/events", {"status": "arrested", "place": "Muang Kham"})
    mine = vn.until(
        lambda: (m := vn.get(f"/wanted-notices/{uuid}"))["status"] == "arrested" and m, "arrested"
    )
    events = {e["status"]: e for e in mine["events"]}
    assert (
        events["located"]["origin_country"] == "LA" and events["arrested"]["origin_country"] == "LA"
    )
    assert dt.datetime.fromisoformat(events["located"]["at"]) < dt.datetime.fromisoformat(
        events["arrested"]["at"]
    )
    assert vn.get("/wanted-notices/abroad")["by_status"]["arrested"] == 1
    # A second handover is refused on either side.
    vn.post(f"/wanted-notices/{uuid}/events", {"status": "handed_over", "place": "Nậm Cắn"})
    la.until(lambda: la.get(f"/wanted-notices/{uuid}")["status"] == "handed_over", "handed over")
    r = la.http.post(f"/wanted-notices/{uuid}/events", json={"status": "handed_over"})
    assert r.status_code == 422 and "twice" in r.text


def test_withdrawal_reaches_the_partner_and_is_confirmed(sides) -> None:  # type: ignore[no-untyped-def]
    vn, la = sides
    notice = vn.post(
        "/wanted-notices",
        {
            "notice_type": "blue",
            "full_name": "Lò Văn Xình",
            "offences": "Art. 250",
            "warrant_reference": "W-2",
        },
    )
    path = f"/wanted-notices/{notice['uuid']}"
    la.until(lambda: la.http.get(path).status_code == 200, "the notice")
    vn.post(f"{path}/withdraw", {"reason": "Đình chỉ điều tra"}, status=200)
    la.until(lambda: la.get(path)["status"] == "withdrawn", "the withdrawal")
    rows = vn.until(
        lambda: (r := vn.get(f"{path}/delivery")) and r[0]["withdrawal_confirmed"] and r,
        "LA's confirmation",
    )
    assert rows[0]["peer"] == "LA"


def test_verification_request_answered_across_the_border(sides) -> None:  # type: ignore[no-untyped-def]
    vn, la = sides
    req = vn.post(
        "/requests",
        {
            "request_type": "verification",
            "to_unit_code": "LA-MPS",
            "requesting_authority": "Cục Cảnh sát điều tra tội phạm về ma túy",
            "investigation_subject": "Đường dây ma túy qua Nậm Cắn",
            "investigating_authority": "CSĐT Nghệ An",
            "facts_summary": "Bắt 12.000 viên",
            "assistance_sought": "Xác minh quốc tịch",
            "purpose": "Điều tra",
            "persons": [{"full_name": "ສົມພອນ", "nationality": "LA", "birth_date": "1990"}],
            "deadline": (dt.date.today() + dt.timedelta(days=7)).isoformat(),
        },
    )
    la.until(lambda: la.http.get(f"/requests/{req['uuid']}").status_code == 200, "the request")
    theirs = la.get(f"/requests/{req['uuid']}")
    assert theirs["status"] == "open" and theirs["persons"][0]["full_name"] == "ສົມພອນ"
    la.post(
        f"/requests/{req['uuid']}/responses",
        {"kind": "assigned", "assignee": "Xiengkhouang police"},
    )
    pdf = b"%PDF-1.4 verification result"
    la.post(
        f"/requests/{req['uuid']}/responses",
        {
            "kind": "answer",
            "text": "Lao citizen, ID 01-234567",
            "attachments": [
                {"name": "result.pdf", "content_base64": base64.b64encode(pdf).decode()}
            ],
        },
    )
    mine = vn.until(
        lambda: (m := vn.get(f"/requests/{req['uuid']}"))["status"] == "answered" and m, "answer"
    )
    assert [r["kind"] for r in mine["responses"]] == ["assigned", "answer"]
    answer = mine["responses"][1]
    assert answer["origin_country"] == "LA" and answer["attachments"][0]["name"] == "result.pdf"
    # The file itself is fetched from LA on first use (a signed node-to-node request).
    r = vn.http.get(
        f"/files/request-responses/{answer['uuid']}/{answer['attachments'][0]['sha256']}"
    )
    assert r.status_code == 200 and r.content == pdf


def test_hotline_message_acknowledged_with_time(sides) -> None:  # type: ignore[no-untyped-def]
    vn, la = sides
    channel = next(c for c in vn.get("/hotline/channels") if c["partner_unit_code"] == "LA-MPS")
    msg = vn.post(
        "/messages",
        {
            "channel": channel["id"],
            "priority": "flash",
            "subject": "Khẩn: đối tượng vượt biên",
            "body": "Đề nghị phối hợp",
        },
    )
    inbox = la.until(
        lambda: {c["partner_unit_code"]: c for c in la.get("/hotline/channels") if c["received"]},
        "the message",
    )
    assert inbox["VN-MPS"]["unread"] == 1
    la.post(f"/messages/{msg['uuid']}/acknowledge", {"note": "ໄດ້ຮັບແລ້ວ"}, status=200)
    mine = vn.until(
        lambda: (m := vn.get(f"/messages/{msg['uuid']}"))["acknowledged_at"] and m, "the ack"
    )
    assert mine["read_at"]
    assert 0 <= mine["time_to_acknowledge_seconds"] < 300
    report = vn.get(
        "/hotline/report",
        date_from=dt.date.today().isoformat(),
        date_to=dt.date.today().isoformat(),
    )
    assert report["acknowledged"] >= 1


def test_joint_case_with_entries_from_both_sides(sides) -> None:  # type: ignore[no-untyped-def]
    vn, la = sides
    case = vn.post(
        "/joint-cases",
        {"title": "Chuyên án 126LT", "summary": "Đường dây heroin Nghệ An – Xiengkhouang"},
    )
    vn.post(
        f"/joint-cases/{case['uuid']}/entries",
        {"kind": "timeline", "text": "Bắt 2 đối tượng tại Kỳ Sơn"},
    )
    la.until(
        lambda: len(la.http.get(f"/joint-cases/{case['uuid']}").json().get("entries", [])) == 1,
        "the case",
    )
    la.post(f"/joint-cases/{case['uuid']}/entries", {"kind": "join"})
    entry = la.post(
        f"/joint-cases/{case['uuid']}/entries", {"kind": "timeline", "text": "ຈັບ 1 ຄົນ ຢູ່ ເມືອງຄຳ"}
    )
    for side in (vn, la):
        entries = side.until(
            lambda s=side: (
                len(s.get(f"/joint-cases/{case['uuid']}")["entries"]) == 3
                and s.get(f"/joint-cases/{case['uuid']}")["entries"]
            ),
            "3 entries",
        )
        assert sorted(e["origin_country"] for e in entries) == ["LA", "LA", "VN"], side.node.country
    # VN cannot edit LA's entry.
    r = vn.http.patch(f"/joint-cases/{case['uuid']}/entries/{entry['uuid']}", json={"text": "x"})
    assert r.status_code == 403
