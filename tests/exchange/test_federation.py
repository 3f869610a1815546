"""Two real nodes (VN on SQLite, LA on PostgreSQL when LIAISON_TEST_PG_URL is set) started
with `liaison serve` on loopback, peered with their real fingerprints, and driven through the
command line and HTTP. The tests in this module run in order and share the two nodes."""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from liaison.exchange import envelope as env
from liaison.exchange.envelope import Signer

from .nodes import (
    EvilPeer,
    Node,
    drop_pg_database,
    fresh_pg_database,
    payload_of,
    signed_get,
    signed_headers,
    signed_post,
    signed_receipt,
    wait_for,
)

pytestmark = [pytest.mark.federation, pytest.mark.timeout(900)]

PG_URL = os.environ.get("LIAISON_TEST_PG_URL", "")
VN_CASES = 10_000


@pytest.fixture(scope="module", params=["la-sqlite", "la-postgresql"])
def pair(request, tmp_path_factory) -> Iterator[tuple[Node, Node]]:  # type: ignore[no-untyped-def]
    if request.param == "la-postgresql" and not PG_URL:
        pytest.skip(
            "LA-on-PostgreSQL variant: set LIAISON_TEST_PG_URL to a PostgreSQL server "
            "URL (make test does) to run it"
        )
    base = tmp_path_factory.mktemp(request.param)
    db_name = f"liaison_fed_{uuid.uuid4().hex[:10]}"
    la_db = fresh_pg_database(PG_URL, db_name) if request.param == "la-postgresql" else None
    vn = Node(base / "vn", "VN").init()
    la = Node(base / "la", "LA", la_db).init()
    vn.cli("seed", "--cases", "30", "--seed", "3")  # realistic cases, persons, seizures
    vn.make_cases(VN_CASES)
    vn.start()
    la.start()
    try:
        yield vn, la
    finally:
        vn.stop()
        la.stop()
        if la_db:
            drop_pg_database(PG_URL, db_name)


def vn_cases_at(la: Node, vn: Node) -> tuple[int, int]:
    return la.sql(
        "SELECT COUNT(*), COUNT(DISTINCT uuid) FROM crime_drugcase WHERE origin = ?", (vn.node_id,)
    )[0]


def backlog(node: Node, peer: str) -> int:
    query = (
        "SELECT COUNT(*) FROM exchange_outboxentry o JOIN exchange_peer p ON o.peer_id = p.id "
        "WHERE p.name = ? AND o.id > p.acked_through"
    )
    return int(node.scalar(query, (peer,)))


def peer_row(node: Node, peer: str) -> tuple[str, int]:
    """(last_error, failures) of ``peer`` as ``node`` sees it."""
    return node.sql("SELECT last_error, failures FROM exchange_peer WHERE name = ?", (peer,))[0]  # type: ignore[return-value]


def db_uuid(node: Node, value: str) -> str:
    return value if node.database_url else value.replace("-", "")


def with_summary(node: Node, summary: str) -> int:
    """How many cases on ``node`` carry ``summary``."""
    return int(node.scalar("SELECT COUNT(*) FROM crime_drugcase WHERE summary = ?", (summary,)))


def pull_cursor(node: Node, peer: str) -> int:
    return int(node.scalar("SELECT pull_cursor FROM exchange_peer WHERE name = ?", (peer,)))


def status_of(node: Node, peer: str) -> dict[str, Any]:
    """``peer``'s row of ``services.peer_status()`` on ``node``."""
    rows = node.py("print(json.dumps(services.peer_status()))")
    [row] = [row for row in rows if row["name"] == peer]
    return row  # type: ignore[no-any-return]


def release_cases(node: Node, *args: str) -> str:
    """`liaison release cases ARGS --as admin` on ``node``; its output. The cases alone:
    these tests count cases and holdings, so their persons and seizures stay home."""
    return node.cli(
        "release", "cases", *args, "--without", "persons,seizures", "--as", "admin"
    ).stdout


def test_peering_checks_fingerprints(pair) -> None:  # type: ignore[no-untyped-def]
    vn, la = pair
    wrong = vn.cli("peer", "add", "LA", la.url, "--fingerprint", "1234 5678 9abc", check=False)
    assert wrong.returncode == 2
    assert "fingerprint mismatch" in wrong.stderr and len(wrong.stderr.strip().splitlines()) == 1
    assert "LA" not in vn.cli("peer", "list").stdout.split()
    vn.cli("peer", "add", "LA", la.url, "--fingerprint", la.fingerprint)
    la.cli("peer", "add", "VN", vn.url, "--fingerprint", vn.fingerprint.upper())
    listing = vn.cli("peer", "list").stdout
    assert la.node_id in listing and la.fingerprint in listing and vn.fingerprint in listing


def test_release_update_recall(pair) -> None:  # type: ignore[no-untyped-def]
    vn, la = pair
    uuids = [
        row[0]
        for row in vn.sql("SELECT uuid FROM crime_drugcase WHERE tlp != 'RED' ORDER BY id LIMIT 3")
    ]
    args = [a for u in uuids for a in ("--uuid", str(uuid.UUID(str(u))))]
    out = release_cases(
        vn,
        *args,
        "--to",
        "LA",
        "--tlp",
        "AMBER",
        "--handling",
        "H1",
        "--basis",
        "MoU of 9 Aug 2021",
    )
    assert "Released 3 cases to LA" in out
    wait_for(lambda: vn_cases_at(la, vn) == (3, 3), 30, "3 released cases to appear on LA")
    row = la.sql(
        "SELECT origin_country, tlp, handling, version FROM crime_drugcase WHERE origin = ?",
        (vn.node_id,),
    )[0]
    assert row == ("VN", "AMBER", "H1", 1)
    first, second = (str(uuid.UUID(str(u))) for u in uuids[:2])
    vn.py(
        f"c = DrugCase.objects.get(uuid='{first}')\n"
        "crime.update_case(c, user=admin, summary='Đã khởi tố')"
    )

    def first_on_la() -> list[tuple]:
        query = "SELECT version, summary FROM crime_drugcase WHERE uuid = ?"
        return la.sql(query, (db_uuid(la, first),))

    wait_for(lambda: first_on_la() == [(2, "Đã khởi tố")], 30, "the new version on LA")
    vn.py(f"r = Release.objects.get(record_uuid='{second}'); services.withdraw_release(admin, r)")
    wait_for(lambda: vn_cases_at(la, vn) == (2, 2), 30, "the recalled copy to disappear on LA")

    def recall_confirmed() -> bool:
        query = "SELECT acked_at FROM exchange_outboxentry WHERE record_uuid = ? AND op = 'recall'"
        return vn.sql(query, (db_uuid(vn, second),)) not in ([], [(None,)])

    wait_for(recall_confirmed, 30, "LA's signed receipt of the recall on VN")
    [status] = vn.py(f"print(json.dumps(services.delivery_status('{second}')))")
    assert status["op"] == "recall" and status["text"].startswith("recalled; confirmed by LA at")
    held = vn.py(f"print(json.dumps(services.delivery_status('{first}')))")
    assert held[0]["held_version"] == 2


def test_requests_must_be_signed_fresh_and_from_a_peer(pair) -> None:  # type: ignore[no-untyped-def]
    vn, la = pair
    key = la.private_key()
    path = "/federation/v1/feed?after=0&limit=5"
    assert httpx.get(vn.url + path).status_code == 401
    headers = signed_headers(key, la.node_id, vn.node_id, "GET", path)
    ok = httpx.get(vn.url + path, headers=headers)
    assert ok.status_code == 200 and ok.json()["items"]
    replay = httpx.get(vn.url + path, headers=headers)
    assert replay.status_code == 401 and replay.json()["error"] == "replayed"
    stale = signed_headers(key, la.node_id, vn.node_id, "GET", path, ts=int(time.time()) - 3600)
    assert httpx.get(vn.url + path, headers=stale).json()["error"] == "stale_request"
    stranger = Ed25519PrivateKey.generate()
    foreign = signed_headers(stranger, "th-stranger01", vn.node_id, "GET", path)
    answer = httpx.get(vn.url + path, headers=foreign)
    assert answer.status_code == 403 and answer.json()["error"] == "unknown_peer"
    forged = signed_headers(stranger, la.node_id, vn.node_id, "GET", path)
    assert httpx.get(vn.url + path, headers=forged).json()["error"] == "unknown_key"
    other_path = signed_headers(
        key, la.node_id, vn.node_id, "GET", "/federation/v1/feed?after=0&limit=6"
    )
    assert httpx.get(vn.url + path, headers=other_path).json()["error"] == "bad_signature"
    receipts = "/federation/v1/receipts"
    big = b"{" + b" " * (5 * 1024 * 1024) + b"}"
    answer = signed_post(key, la.node_id, vn, receipts, big)
    assert answer.status_code == 413 and answer.json()["error"] == "too_large"
    answer = signed_post(key, la.node_id, vn, receipts, b"{not json")
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_json"
    forged_receipt = signed_receipt(Signer(stranger), la.node_id, vn.node_id, 1)
    body = json.dumps({"receipt": forged_receipt}).encode()
    answer = signed_post(key, la.node_id, vn, receipts, body)
    assert answer.status_code == 400 and answer.json()["error"] == "unknown_key"
    counts = status_of(vn, "LA")["rejected"]
    for reason in (
        "replayed",
        "stale_request",
        "unknown_key",
        "bad_signature",
        "too_large",
        "invalid_json",
    ):
        assert counts.get(reason), (reason, counts)
    assert "replayed" in (vn.home / "logs" / "liaison.log").read_text()


def test_a_peer_only_ever_reads_what_was_released_to_it(pair) -> None:  # type: ignore[no-untyped-def]
    vn, la = pair
    kh_key = Ed25519PrivateKey.generate()
    kh_public = env.b64url_encode(env.raw_key(kh_key.public_key()))
    secret = str(
        uuid.UUID(
            str(
                vn.scalar(
                    "SELECT uuid FROM crime_drugcase WHERE tlp != 'RED' ORDER BY id DESC LIMIT 1"
                )
            )
        )
    )
    kh_identity = {"node_id": "kh-test0001", "country": "KH", "public_key": kh_public}
    vn.py(
        f"kh = services.add_peer('KH', 'http://127.0.0.1:9', {kh_identity!r})\n"
        f"case = DrugCase.objects.get(uuid='{secret}')\n"
        "services.release_to(admin, case, [kh], tlp='GREEN', handling='H0', basis='test')"
    )
    key = la.private_key()
    seen: set[str] = set()
    for after in (0, -1, 1, 2, 10**12):
        for limit in (1, 5000):
            path = f"/federation/v1/feed?after={after}&limit={limit}"
            page = signed_get(key, la.node_id, vn, path).json()
            for item in page["items"]:
                data = payload_of(item["jws"])
                assert data["markings"]["released_to"] == [la.node_id]
                seen.add(data["uuid"])
    assert secret not in seen
    path = "/federation/v1/feed?after=0&limit=100"
    page = signed_get(kh_key, "kh-test0001", vn, path).json()
    assert [payload_of(i["jws"])["uuid"] for i in page["items"]] == [secret]
    vn.cli("peer", "remove", "KH")
    answer = signed_get(kh_key, "kh-test0001", vn, path)
    assert answer.status_code == 403 and answer.json()["error"] == "removed_peer"


# --- a hostile peer --------------------------------------------------------------------------


def test_hostile_feed_is_refused_envelope_by_envelope(pair) -> None:  # type: ignore[no-untyped-def]
    vn, la = pair
    evil = EvilPeer()
    try:
        vn.cli("peer", "add", "EVIL", evil.url, "--fingerprint", evil.fingerprint)
        good = evil.envelope(vn.node_id)
        b = str(uuid.uuid4())
        b_body = dict(good.body, case_ref="TH-B")
        local = str(
            uuid.UUID(str(vn.scalar("SELECT uuid FROM crime_drugcase ORDER BY id LIMIT 1")))
        )
        tampered = evil.sign(evil.envelope(vn.node_id))
        tampered = tampered[:-6] + ("AAAAAA" if not tampered.endswith("AAAAAA") else "BBBBBB")
        red = evil.sign_red(vn.node_id)
        page1 = [
            evil.sign(good),
            tampered,
            evil.sign(evil.envelope(vn.node_id, origin=la.node_id, origin_country="LA")),
            red,
            evil.signer.sign_bytes(b'{"kind": "cases",', env.TYP_ENVELOPE),
            evil.sign(evil.envelope(vn.node_id, body={**good.body, "summary": "x" * 300_000})),
            Signer(Ed25519PrivateKey.generate()).sign_json(
                evil.envelope(vn.node_id).to_dict(), env.TYP_ENVELOPE
            ),
            evil.sign(
                evil.envelope(vn.node_id, uuid=b, version=3, body=dict(b_body, summary="v3"))
            ),
            evil.sign(
                evil.envelope(vn.node_id, uuid=b, version=2, body=dict(b_body, summary="v2"))
            ),
            evil.sign(good),
            evil.sign(evil.envelope(vn.node_id, uuid=local)),
            evil.sign(evil.envelope("kh-test0001")),
        ]
        evil.items = [(i + 1, t) for i, t in enumerate(page1)]
        vn.cli("sync", "--once", check=False)
        wait_for(
            lambda: pull_cursor(vn, "EVIL") == len(page1), 30, "VN to work through the hostile feed"
        )
        rows = vn.sql(
            "SELECT summary, version FROM crime_drugcase WHERE origin = ? ORDER BY summary",
            (evil.node_id,),
        )
        assert rows == [("evil", 1), ("v3", 3)]
        # An older version arriving later is refused too.
        evil.items.append(
            (100, evil.sign(evil.envelope(vn.node_id, uuid=b, version=1, body=b_body)))
        )
        wait_for(lambda: pull_cursor(vn, "EVIL") == 100, 30, "VN to pull the older version")
        assert vn.sql(
            "SELECT version FROM crime_drugcase WHERE origin = ? AND summary = 'v3'",
            (evil.node_id,),
        ) == [(3,)]
        counts = status_of(vn, "EVIL")["rejected"]
        expected = {
            "bad_signature": 1,
            "foreign_origin": 2,
            "tlp_red": 1,
            "invalid_json": 1,
            "too_large": 1,
            "unknown_key": 1,
            "older_version": 1,
            "not_addressed": 1,
        }
        assert counts == expected

        def receipts_naming_every_refusal() -> Any:
            named = {r["reason"] for rec in evil.receipts for r in rec["rejected"]}
            return named >= set(expected) and evil.receipts

        reported = wait_for(
            receipts_naming_every_refusal, 30, "signed receipts naming every refusal"
        )
        assert reported[-1]["through"] == 100 and reported[-1]["to"] == evil.node_id
        # A page that is not JSON: nothing applied, cursor kept, the error shown on the peer.
        evil.garbage = b"<html>oops"
        evil.items.append((101, evil.sign(evil.envelope(vn.node_id))))
        vn.cli("sync", "--once", check=False)
        error = vn.scalar("SELECT last_error FROM exchange_peer WHERE name = 'EVIL'")
        assert "not valid JSON" in error
        assert pull_cursor(vn, "EVIL") == 100
        assert "refused from EVIL: tlp_red" in (vn.home / "logs" / "liaison.log").read_text()
        vn.cli("peer", "remove", "EVIL")
    finally:
        evil.close()


# --- crashes, outages, bundles, key rotation -------------------------------------------------


def test_receiver_killed_mid_sync_converges_exactly_once(pair) -> None:  # type: ignore[no-untyped-def]
    vn, la = pair
    expected = vn.scalar(
        "SELECT COUNT(*) FROM crime_drugcase WHERE origin = ? AND tlp != 'RED'", (vn.node_id,)
    )
    assert expected > VN_CASES
    out = release_cases(
        vn, "--to", "LA", "--tlp", "GREEN", "--handling", "H0", "--basis", "MoU of 9 Aug 2021"
    )
    assert f"Released {expected}" in out
    wait_for(lambda: vn_cases_at(la, vn)[0] >= 1000, 60, "LA to be in the middle of the sync", 0.05)
    la.kill()
    held = vn_cases_at(la, vn)[0]
    assert held < expected, "the sync finished before the kill; nothing was tested"
    la.start()
    wait_for(lambda: vn_cases_at(la, vn) == (expected, expected), 120, "LA to converge")
    assert (
        la.scalar("SELECT COUNT(*) FROM exchange_holding WHERE origin = ?", (vn.node_id,))
        == expected
    )
    wait_for(lambda: backlog(vn, "LA") == 0, 60, "VN to get LA's receipts for everything")
    assert (
        la.scalar(
            "SELECT COUNT(*) FROM crime_drugcase WHERE origin = ? AND tlp != 'GREEN'", (vn.node_id,)
        )
        == 0
    )


def test_sender_killed_mid_sync_converges_exactly_once(pair) -> None:  # type: ignore[no-untyped-def]
    vn, la = pair
    expected = vn_cases_at(la, vn)[0]
    release_cases(
        vn, "--to", "LA", "--tlp", "AMBER+STRICT", "--handling", "H2", "--basis", "Joint plan 2026"
    )

    def strict_count() -> int:
        query = "SELECT COUNT(*) FROM crime_drugcase WHERE origin = ? AND tlp = 'AMBER+STRICT'"
        return int(la.scalar(query, (vn.node_id,)))

    wait_for(lambda: strict_count() >= 1000, 60, "LA to be pulling the re-release", 0.05)
    vn.kill()
    assert strict_count() < expected, "the sync finished before the kill; nothing was tested"
    time.sleep(2)  # LA finds VN gone and backs off
    vn.start()
    wait_for(lambda: strict_count() == expected, 120, "LA to converge after VN came back")
    assert vn_cases_at(la, vn) == (expected, expected)
    wait_for(lambda: backlog(vn, "LA") == 0, 60, "VN to get LA's receipts")


def test_peer_down_then_back(pair) -> None:  # type: ignore[no-untyped-def]
    vn, la = pair
    la.stop()
    changed = vn.py(
        "cases = list(DrugCase.objects.local().exclude(tlp='RED').order_by('id')[10:15])\n"
        "[crime.update_case(c, user=admin, summary='cập nhật khi LA ngừng') for c in cases]\n"
        "print(json.dumps([str(c.uuid) for c in cases]))"
    )
    wait_for(
        lambda: peer_row(vn, "LA")[0] and backlog(vn, "LA") >= 5, 30, "VN to notice LA is down"
    )
    status = status_of(vn, "LA")
    assert (
        "cannot reach" in status["last_error"]
        and status["backlog"] >= 5
        and status["failures"] >= 1
    )
    la.start()
    wait_for(lambda: with_summary(la, "cập nhật khi LA ngừng") == 5, 60, "LA to catch up")
    wait_for(
        lambda: peer_row(vn, "LA")[0] == "" and backlog(vn, "LA") == 0,
        60,
        "VN's status for LA to recover",
    )
    assert len(changed) == 5


def test_bundle_export_import_twice_and_tampered(pair, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    vn, la = pair
    la.stop()
    try:
        target = vn.py(
            "c = DrugCase.objects.local().exclude(tlp='RED').order_by('id')[20]\n"
            "crime.update_case(c, user=admin, summary='qua USB')\nprint(json.dumps(str(c.uuid)))"
        )
        bundle = tmp_path / "to-la.bundle"
        vn.cli("bundle", "export", "--peer", "LA", str(bundle))
        tampered = tmp_path / "tampered.bundle"
        lines = bundle.read_text().splitlines(keepends=True)
        lines[-1] = lines[-1].replace('"seq":', '"seq": ', 1)
        tampered.write_text("".join(lines))
        bad = la.cli("bundle", "import", str(tampered), check=False)
        assert bad.returncode == 2 and "do not match the signed manifest" in bad.stderr
        assert with_summary(la, "qua USB") == 0
        first = la.cli("bundle", "import", str(bundle)).stdout
        assert "applied 1," in first
        assert with_summary(la, "qua USB") == 1
        second = la.cli("bundle", "import", str(bundle)).stdout
        assert "applied 0," in second
        assert target
    finally:
        la.start()


def test_key_rotation_is_accepted_by_the_peer(pair) -> None:  # type: ignore[no-untyped-def]
    vn, la = pair
    out = vn.cli("key", "rotate").stdout
    new_fp = out.split("new fingerprint ")[1].splitlines()[0].strip()
    assert new_fp != vn.fingerprint
    vn.py(
        "c = DrugCase.objects.local().exclude(tlp='RED').order_by('id')[30]\n"
        "crime.update_case(c, user=admin, summary='sau khi đổi khóa')"
    )
    wait_for(
        lambda: with_summary(la, "sau khi đổi khóa") == 1,
        60,
        "LA to accept an envelope signed with VN's new key",
    )
    assert la.scalar("SELECT fingerprint FROM exchange_peer WHERE name = 'VN'") == new_fp
    wait_for(
        lambda: backlog(vn, "LA") == 0, 60, "LA's receipts signed by... and accepted after rotation"
    )
