"""Two real nodes: VN's feed to LA carries one envelope LA cannot store (plants = 10**30)
among good ones. LA applies the good ones and moves on; VN shows the refusal on the record
and on the peer's status (issue 10 item 6)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import pytest

from .nodes import Node, wait_for

pytestmark = [pytest.mark.federation, pytest.mark.timeout(600)]

POISON = """
import uuid
from django.utils import timezone
from liaison.core.models import Province
from liaison.crime.models import Drug
from liaison.exchange import envelope as env
from liaison.exchange.envelope import Envelope, Markings
from liaison.exchange.services.peers import signer, this_node
me, peer = this_node(), Peer.objects.get(name="LA")
u = str(uuid.uuid4())
body = {
    "site_ref": "VN-POISON", "district": "", "commune": "",
    "province": Province.objects.filter(country__code=me.country).order_by("code").first().code,
    "crop": Drug.objects.order_by("code").first().code, "plants": 10**30, "area_ha": "1.0",
    "found_on": "2026-02-01", "destroyed_on": None, "latitude": None, "longitude": None,
    "created_at": "2026-02-01T00:00:00+00:00", "updated_at": "2026-02-01T00:00:00+00:00",
}
e = Envelope(kind="cultivation-sites", uuid=u, origin=me.id, origin_country=me.country,
    version=1, markings=Markings("AMBER", "H0", "", (peer.node_id,)), body=body, op="upsert",
    issued_at=env.utc_stamp())
OutboxEntry.objects.create(peer=peer, kind="cultivation-sites", record_uuid=u, version=1,
    op="upsert", jws=signer().sign_json(e.to_dict(), env.TYP_ENVELOPE),
    created_at=timezone.now())
print(json.dumps(u))
"""


@pytest.fixture(scope="module")
def pair(tmp_path_factory) -> Iterator[tuple[Node, Node]]:  # type: ignore[no-untyped-def]
    base = tmp_path_factory.mktemp("poison")
    vn = Node(base / "vn", "VN").init()
    la = Node(base / "la", "LA").init()
    vn.make_cases(6)
    vn.start()
    la.start()
    vn.cli("peer", "add", "LA", la.url, "--fingerprint", la.fingerprint)
    la.cli("peer", "add", "VN", vn.url, "--fingerprint", vn.fingerprint)
    try:
        yield vn, la
    finally:
        vn.stop()
        la.stop()


def release(vn: Node, uuids: list[str]) -> None:
    args = [a for u in uuids for a in ("--uuid", u)]
    vn.cli(
        "release",
        "cases",
        *args,
        "--to",
        "LA",
        "--tlp",
        "AMBER",
        "--handling",
        "H0",
        "--basis",
        "MoU of 9 Aug 2021",
        "--as",
        "admin",
    )


def test_poison_envelope_refused_alone_and_shown_at_the_origin(pair) -> None:  # type: ignore[no-untyped-def]
    vn, la = pair
    cases = [str(uuid.UUID(str(r[0]))) for r in vn.sql("SELECT uuid FROM crime_drugcase")]
    release(vn, cases[:2])
    poison = vn.py(POISON)
    release(vn, cases[2:4])
    head = int(vn.scalar("SELECT MAX(id) FROM exchange_outboxentry"))

    def vn_cases_on_la() -> int:
        query = "SELECT COUNT(*) FROM crime_drugcase WHERE origin = ?"
        return int(la.scalar(query, (vn.node_id,)))

    wait_for(lambda: vn_cases_on_la() == 4, 60, "the good cases around the poison on LA")
    cursor = "SELECT pull_cursor FROM exchange_peer WHERE name = 'VN'"
    wait_for(lambda: int(la.scalar(cursor)) == head, 30, "LA's cursor past the poison")
    assert la.scalar("SELECT COUNT(*) FROM crime_cultivationsite") == 0
    # (refusals of requests made while the two were still peering are not about records)
    rows = la.sql("SELECT reason, detail FROM exchange_rejection WHERE record_uuid != ''")
    assert len(rows) == 1, rows
    [(reason, detail)] = rows
    assert reason == "schema" and poison in detail and "plants" in detail

    def refused_at_vn() -> str:
        query = "SELECT refused FROM exchange_outboxentry WHERE record_uuid = ?"
        rows = vn.sql(query, (poison.replace("-", ""),))
        return str(rows[0][0]) if rows and rows[0][0] else ""

    assert "plants" in wait_for(refused_at_vn, 30, "LA's receipt naming the refusal on VN")
    [delivery] = vn.py(f"print(json.dumps(services.delivery_status('{poison}')))")
    assert delivery["text"].startswith("refused by LA: schema") and "plants" in delivery["text"]
    status = json.loads(vn.cli("status", "--json").stdout)
    [la_row] = [p for p in status["peers"] if p["name"] == "LA"]
    assert la_row["refused_by_peer"] == {"schema": 1}
    # The feed keeps moving after the poison: a later release arrives too.
    release(vn, cases[4:5])
    wait_for(lambda: vn_cases_on_la() == 5, 60, "a release after the poison on LA")
