"""Three real nodes started with `liaison init` and `liaison serve`, all peered with each
other: VN and RU on SQLite, LA on PostgreSQL (the server scripts/test.sh starts; without
``LIAISON_TEST_PG_URL`` the module fails, it is deselected only with ``-m "not postgres"``).
The tests run in order on the same three nodes (issue 10 item 8):

* VN releases a whole case (its persons and seizures go along) to LA only: LA holds every
  part, RU holds nothing, by `liaison status --json` and by the API;
* VN releases a wanted notice to LA and RU; LA reports "located": VN sees it, RU only once LA
  releases its own step to RU; LA cannot withdraw VN's notice, and nothing changes on VN;
* VN recalls the case and the notice from LA: LA's copies are gone, LA's own step stays,
  marked "parent recalled by VN", and VN's holdings view says what each partner holds;
* a page of VN's feed carries one envelope LA cannot store among good ones: the good ones
  apply, the feed moves on, and VN shows the refusal that LA's signed receipt names.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from .nodes import Node, drop_pg_database, fresh_pg_database, wait_for

pytestmark = [pytest.mark.federation, pytest.mark.postgres, pytest.mark.timeout(900)]

PG_URL = os.environ.get("LIAISON_TEST_PG_URL", "")
PARTS = ("cases", "persons", "seizures")
PASSWORD = "three-nodes-2026"
VN_LA = "MoU of 9 Aug 2021"
VN_RU = "VN-RU agreement on cooperation against drug crime"


class Api:
    """The REST API of one node, as its admin (a write token)."""

    def __init__(self, node: Node) -> None:
        self.node = node
        token = node.cli("token", "create", "admin").stdout.strip().splitlines()[-1]
        self.headers = {"Authorization": f"Bearer {token}"}

    def get(self, path: str) -> httpx.Response:
        return httpx.get(self.node.url + "/api/v1" + path, headers=self.headers, timeout=30)

    def post(self, path: str, data: dict[str, Any]) -> httpx.Response:
        url = self.node.url + "/api/v1" + path
        return httpx.post(url, json=data, headers=self.headers, timeout=30)


class Trio:
    def __init__(self, vn: Node, la: Node, ru: Node) -> None:
        self.vn, self.la, self.ru = vn, la, ru
        self.api = {node.country: Api(node) for node in (vn, la, ru)}
        self.shared: dict[str, Any] = {}  # what one test leaves for the next


@pytest.fixture(scope="module")
def trio(tmp_path_factory) -> Iterator[Trio]:  # type: ignore[no-untyped-def]
    if not PG_URL:
        pytest.fail(
            "LA runs on PostgreSQL in this module: set LIAISON_TEST_PG_URL to a server URL "
            "(scripts/test.sh starts one) or deselect the module with -m 'not postgres'"
        )
    base = tmp_path_factory.mktemp("three")
    db_name = f"liaison_three_{uuid.uuid4().hex[:10]}"
    la_db = fresh_pg_database(PG_URL, db_name)
    vn = Node(base / "vn", "VN")
    la = Node(base / "la", "LA", la_db)
    ru = Node(base / "ru", "RU")
    nodes = (vn, la, ru)

    def ready(node: Node) -> None:
        node.init()
        if node is vn:
            node.cli("seed", "--cases", "12", "--seed", "5")  # cases with persons and seizures
        node.cli("demo_users", "--password", PASSWORD)  # admin's API token works
        node.start()

    def peer_with_the_others(node: Node) -> None:
        for other in nodes:
            if other is not node:
                node.cli(
                    "peer", "add", other.country, other.url, "--fingerprint", other.fingerprint
                )

    try:
        with ThreadPoolExecutor(len(nodes)) as pool:  # the three start side by side
            list(pool.map(ready, nodes))
            list(pool.map(peer_with_the_others, nodes))
        yield Trio(vn, la, ru)
    finally:
        with ThreadPoolExecutor(len(nodes)) as pool:
            list(pool.map(Node.stop, nodes))
        drop_pg_database(PG_URL, db_name)


def held_from(node: Node, origin: str, kinds: tuple[str, ...] = PARTS) -> dict[str, int]:
    """Records ``node`` holds from ``origin``, by kind, as `liaison status --json` reports."""
    status = json.loads(node.cli("status", "--json").stdout)
    return {kind: status["records"].get(kind, {}).get(origin, 0) for kind in kinds}


TABLES = {"cases": "crime_drugcase", "persons": "crime_person", "seizures": "crime_seizure"}


def counted(node: Node, origin: str) -> dict[str, int]:
    """The same counts read from ``node``'s database (cheap enough to poll)."""
    query = "SELECT COUNT(*) FROM {} WHERE origin_country = ?"
    return {kind: int(node.scalar(query.format(TABLES[kind]), (origin,))) for kind in PARTS}


def holdings(api: Api, records: list[tuple[str, str]]) -> dict[str, list[dict[str, Any]]]:
    """What the origin shows about each partner's holding of each (kind, uuid), by its API."""
    out = {}
    for kind, u in records:
        answer = api.get(f"/releases/status/{kind}/{u}")
        assert answer.status_code == 200, answer.text
        out[u] = answer.json()
    return out


def db_uuid(node: Node, value: str) -> str:
    """A uuid as ``node``'s database stores it (SQLite: 32 hex digits)."""
    return value if node.database_url else value.replace("-", "")


def test_whole_case_to_one_partner(trio: Trio) -> None:
    vn, la, ru = trio.vn, trio.la, trio.ru
    # A case with at least one person and one seizure; what it is made of.
    whole: dict[str, Any] = vn.py(
        "from django.db.models import Count\n"
        "case = DrugCase.objects.exclude(tlp='RED').annotate(p=Count('persons', distinct=True),"
        " s=Count('seizures', distinct=True)).filter(p__gt=0, s__gt=0).order_by('id').first()\n"
        "print(json.dumps({'case': str(case.uuid),"
        " 'persons': [str(p.uuid) for p in case.persons.exclude(tlp='RED')],"
        " 'seizures': [str(s.uuid) for s in case.seizures.exclude(tlp='RED')]}))"
    )
    expected = {"cases": 1, "persons": len(whole["persons"]), "seizures": len(whole["seizures"])}
    assert expected["persons"] and expected["seizures"]
    assert held_from(ru, "VN") == held_from(la, "VN") == {k: 0 for k in PARTS}

    out = vn.cli(
        "release", "cases", "--uuid", whole["case"], "--to", f"LA:AMBER:H1:{VN_LA}", "--as", "admin"
    ).stdout
    assert f"Released 1 cases to LA (TLP:AMBER, H1, basis: {VN_LA})" in out

    wait_for(lambda: counted(la, "VN") == expected, 60, "LA to hold the whole case")
    assert held_from(la, "VN") == expected
    every = [
        ("cases", whole["case"]),
        *[("persons", u) for u in whole["persons"]],
        *[("seizures", u) for u in whole["seizures"]],
    ]
    for kind, u in every:
        got = trio.api["LA"].get(f"/{kind}/{u}")
        assert got.status_code == 200, (kind, u, got.text)
        assert got.json()["origin_country"] == "VN" and got.json()["tlp"] == "AMBER"
        assert trio.api["RU"].get(f"/{kind}/{u}").status_code == 404

    # VN's holdings view: LA holds version 1 of every part, confirmed by its receipts.
    def confirmed() -> bool:
        views = holdings(trio.api["VN"], every)
        return all(
            len(v) == 1 and v[0]["peer"] == "LA" and v[0]["op"] == "upsert" and v[0]["confirmed_at"]
            for v in views.values()
        )

    wait_for(confirmed, 60, "LA's receipts for every part")
    assert all(v[0]["held_version"] == 1 for v in holdings(trio.api["VN"], every).values())
    # RU was never a recipient: after LA's receipts (RU's sync runs as often), still nothing.
    assert held_from(ru, "VN") == {k: 0 for k in PARTS}
    listed = trio.api["RU"].get("/cases").json()["items"]
    assert [c for c in listed if c["origin_country"] == "VN"] == []
    trio.shared["case"] = whole["case"]
    trio.shared["parts"] = every


def wanted_notice(api: Api, uuid_: str) -> dict[str, Any]:
    got = api.get(f"/wanted-notices/{uuid_}")
    assert got.status_code == 200, got.text
    return got.json()  # type: ignore[no-any-return]


def events_from(notice: dict[str, Any], country: str) -> list[dict[str, Any]]:
    return [e for e in notice["events"] if e["origin_country"] == country]


QUEUE_SIGNED = """
import uuid
from django.utils import timezone
from liaison.core.models import Province
from liaison.crime.models import Drug
from liaison.exchange import envelope as env
from liaison.exchange.envelope import Envelope, Markings
from liaison.exchange.services.peers import signer, this_node
me, peer = this_node(), Peer.objects.get(name="@PEER@")
u = str(uuid.uuid4())
body = @BODY@
e = Envelope(kind="@KIND@", uuid=u, origin=me.id, origin_country=me.country,
    version=1, markings=Markings("AMBER", "H0", "", (peer.node_id,)), body=body, op="upsert",
    issued_at=env.utc_stamp())
OutboxEntry.objects.create(peer=peer, kind="@KIND@", record_uuid=u, version=1,
    op="upsert", jws=signer().sign_json(e.to_dict(), env.TYP_ENVELOPE),
    created_at=timezone.now())
print(json.dumps(u))
"""


def queue_signed(node: Node, peer: str, kind: str, body: str) -> str:
    """A new record of ``kind`` whose body is the Python expression ``body``, signed by
    ``node`` and queued in its feed to ``peer`` past every check its services make; its uuid."""
    code = QUEUE_SIGNED.replace("@PEER@", peer).replace("@KIND@", kind).replace("@BODY@", body)
    return node.py(code)  # type: ignore[no-any-return]


#: LA's status step "withdrawn" on VN's notice, which LA's services would never make.
FORGED_WITHDRAWAL = """{
    "notice": "@NOTICE@", "status": "withdrawn", "at": "2026-03-01T00:00:00+00:00",
    "place": "", "reason": "LA withdraws it", "by_unit": "", "by_user": "",
    "created_at": "2026-03-01T00:00:00+00:00", "updated_at": "2026-03-01T00:00:00+00:00",
}"""

NOTICE_ON_VN = """
from liaison.core.models import AuditEntry
from liaison.cooperation.models import WantedNotice
n = WantedNotice.objects.get(uuid="{notice}")
audit = list(AuditEntry.objects.filter(object_id="{notice}").exclude(action__contains="read")
    .order_by("id").values_list("action", flat=True))
print(json.dumps({{"version": n.version, "status": n.status, "withdrawn_at": str(n.withdrawn_at),
    "events": n.events.count(), "audit": audit}}))
"""


def test_contributions_reach_a_third_node_only_through_their_own_origin(trio: Trio) -> None:
    vn, la, ru = trio.vn, trio.la, trio.ru
    issued = trio.api["VN"].post(
        "/wanted-notices",
        {
            "notice_type": "red",
            "full_name": "Иван Петрович Сидоров",
            "latin_name": "Ivan Petrovich Sidorov",
            "nationality": "RU",
            "offences": "Mua bán trái phép chất ma túy (Điều 251 BLHS)",
            "warrant_reference": "LB-77/2026",
            "believed_country": "LA",
            "send_to_partner": False,
        },
    )
    assert issued.status_code == 201, issued.text
    notice = issued.json()["uuid"]
    out = vn.cli(
        "release",
        "wanted-notices",
        "--uuid",
        notice,
        "--to",
        f"LA:AMBER:H0:{VN_LA}",
        "--to",
        f"RU:AMBER:H0:{VN_RU}",
        "--as",
        "admin",
    ).stdout
    assert "Released 1 wanted-notices to LA" in out and "Released 1 wanted-notices to RU" in out
    for country in ("LA", "RU"):
        wait_for(
            lambda c=country: trio.api[c].get(f"/wanted-notices/{notice}").status_code == 200,
            60,
            f"{country} to hold VN's notice",
        )

    # LA reports "located": its own step, linked to VN's notice, goes back to VN.
    located = trio.api["LA"].post(
        f"/wanted-notices/{notice}/events", {"status": "located", "place": "Viêng Chăn"}
    )
    assert located.status_code == 201, located.text
    [step] = events_from(located.json(), "LA")
    assert step["status"] == "located"
    on_vn = wait_for(
        lambda: events_from(wanted_notice(trio.api["VN"], notice), "LA"), 60, "LA's step on VN"
    )
    assert [e["uuid"] for e in on_vn] == [step["uuid"]]
    vn_notice = wanted_notice(trio.api["VN"], notice)
    assert vn_notice["status"] == "located" and vn_notice["version"] == 1
    audited = vn.py(
        "from liaison.core.models import AuditEntry\n"
        "print(json.dumps(list(AuditEntry.objects.filter(action='cooperation.contribution_applied',"
        f" object_id='{notice}').values_list('detail', flat=True))))"
    )
    assert [(a["sender"], a["status_from"], a["status_to"]) for a in audited] == [
        (la.node_id, "issued", "located")
    ]
    # RU holds the notice, not LA's step: LA released the step to VN alone.
    assert (
        la.py(
            f"print(json.dumps(OutboxEntry.objects.filter(record_uuid='{step['uuid']}')"
            ".values_list('peer__name', flat=True).distinct().count()))"
        )
        == 1
    )
    ru_notice = wanted_notice(trio.api["RU"], notice)
    assert ru_notice["status"] == "issued" and ru_notice["events"] == []
    assert held_from(ru, "LA", ("wanted-notice-events",)) == {"wanted-notice-events": 0}
    # H2: LA never releases onward what it received (VN's notice).
    onward = la.cli(
        "release",
        "wanted-notices",
        "--uuid",
        notice,
        "--to",
        "RU:AMBER:H0:onward",
        "--as",
        "admin",
        check=False,
    )
    assert onward.returncode != 0 and notice in onward.stderr, onward.stderr
    # The step's own origin, LA, releases it to RU: now RU sees it.
    la.cli(
        "release",
        "wanted-notice-events",
        "--uuid",
        step["uuid"],
        "--to",
        "RU:AMBER:H0:LA-RU agreement on drug control",
        "--as",
        "admin",
    )
    wait_for(
        lambda: wanted_notice(trio.api["RU"], notice)["status"] == "located",
        60,
        "LA's step on RU",
    )
    assert [e["uuid"] for e in events_from(wanted_notice(trio.api["RU"], notice), "LA")] == [
        step["uuid"]
    ]

    # LA cannot withdraw VN's notice: refused with a reason, on LA and (forged) on VN.
    before = vn.py(NOTICE_ON_VN.format(notice=notice))
    refused = trio.api["LA"].post(f"/wanted-notices/{notice}/withdraw", {"reason": "mistake"})
    assert refused.status_code == 403, refused.text
    assert "Only the side that created this record can change it" in refused.json()["detail"]
    step_refused = trio.api["LA"].post(f"/wanted-notices/{notice}/events", {"status": "withdrawn"})
    assert step_refused.status_code == 422, step_refused.text
    body = FORGED_WITHDRAWAL.replace("@NOTICE@", notice)
    forged = queue_signed(la, "VN", "wanted-notice-events", body)

    def refused_at_la() -> str:
        query = "SELECT refused FROM exchange_outboxentry WHERE record_uuid = ?"
        rows = la.sql(query, (db_uuid(la, forged),))
        return str(rows[0][0]) if rows and rows[0][0] else ""

    reason = wait_for(refused_at_la, 60, "VN's receipt refusing LA's withdrawal")
    assert reason.startswith("not_owner") and "status" in reason and "withdrawn" in reason, reason
    rows = vn.sql("SELECT reason, detail FROM exchange_rejection WHERE record_uuid = ?", (forged,))
    assert [r[0] for r in rows] == ["not_owner"], rows
    assert notice in rows[0][1] and "only its owner" in rows[0][1]
    assert vn.py(NOTICE_ON_VN.format(notice=notice)) == before
    assert wanted_notice(trio.api["VN"], notice)["status"] == "located"
    trio.shared["notice"], trio.shared["step"] = notice, step["uuid"]


def recall(trio: Trio, kind: str, record: str) -> None:
    """VN's admin withdraws VN's release of ``record`` to LA through the API."""
    listed = trio.api["VN"].get(f"/releases?kind={kind}&peer=LA&state=active").json()["items"]
    [release] = [r for r in listed if r["record_uuid"] == record]
    answer = trio.api["VN"].post(f"/releases/{release['id']}/withdraw", {})
    assert answer.status_code == 200 and answer.json()["state"] == "withdrawn", answer.text


def test_recall_leaves_the_partners_own_steps(trio: Trio) -> None:
    la, ru = trio.la, trio.ru
    notice, step = trio.shared["notice"], trio.shared["step"]
    recall(trio, "cases", trio.shared["case"])
    recall(trio, "wanted-notices", notice)

    wait_for(lambda: counted(la, "VN") == {k: 0 for k in PARTS}, 60, "LA to drop every part")
    assert held_from(la, "VN") == {k: 0 for k in PARTS}
    wait_for(
        lambda: trio.api["LA"].get(f"/wanted-notices/{notice}").status_code == 404,
        60,
        "LA to drop VN's notice",
    )
    # LA's own step stays, detached, saying who recalled its parent.
    kept = la.py(
        "from liaison.cooperation.models import WantedEvent\n"
        f"e = WantedEvent.objects.get(uuid='{step}')\n"
        "print(json.dumps([e.notice_id, e.parent_recalled_by, e.parent_recalled, e.status]))"
    )
    assert kept[0] is None and kept[1] == "VN" and kept[3] == "located"
    assert kept[2].startswith("parent recalled by VN on ")
    # VN's holdings view: LA holds nothing (confirmed by LA's receipts), RU still the notice.
    records = [*trio.shared["parts"], ("wanted-notices", notice)]

    def recalls_confirmed() -> bool:
        views = holdings(trio.api["VN"], records)
        return all(
            any(v["peer"] == "LA" and v["op"] == "recall" and v["confirmed_at"] for v in view)
            for view in views.values()
        )

    wait_for(recalls_confirmed, 60, "LA's receipts for the recalls")
    for u, view in holdings(trio.api["VN"], records).items():
        [at_la] = [v for v in view if v["peer"] == "LA"]
        assert at_la["held_version"] is None and "recalled; confirmed by LA" in at_la["text"], u
    delivered = trio.api["VN"].get(f"/wanted-notices/{notice}/delivery").json()
    by_peer = {row["peer"]: row for row in delivered}
    assert by_peer["LA"]["held_version"] is None and by_peer["LA"]["op"] == "recall"
    assert by_peer["RU"]["held_version"] == 1 and by_peer["RU"]["text"].startswith(
        "RU holds version 1"
    )
    # RU keeps what it was given: VN's notice and LA's step on it.
    ru_notice = wanted_notice(trio.api["RU"], notice)
    assert [e["uuid"] for e in events_from(ru_notice, "LA")] == [step]
    assert held_from(ru, "VN") == {k: 0 for k in PARTS}


#: A cultivation site with more plants than any database stores.
POISON = """{
    "site_ref": "VN-POISON", "district": "", "commune": "",
    "province": Province.objects.filter(country__code=me.country).order_by("code").first().code,
    "crop": Drug.objects.order_by("code").first().code, "plants": 10**30, "area_ha": "1.0",
    "found_on": "2026-02-01", "destroyed_on": None, "latitude": None, "longitude": None,
    "created_at": "2026-02-01T00:00:00+00:00", "updated_at": "2026-02-01T00:00:00+00:00",
}"""


def release_cases(vn: Node, uuids: list[str]) -> None:
    """The cases alone, to LA (their persons and seizures stay home)."""
    args = [a for u in uuids for a in ("--uuid", u)]
    to = f"LA:AMBER:H0:{VN_LA}"
    vn.cli("release", "cases", *args, "--to", to, "--without", "persons,seizures", "--as", "admin")


def test_poison_envelope_refused_alone_and_shown_at_the_origin(trio: Trio) -> None:
    vn, la = trio.vn, trio.la
    recalled = trio.shared["case"]
    cases = vn.py(
        f"print(json.dumps([str(c.uuid) for c in DrugCase.objects.exclude(tlp='RED')"
        f".exclude(uuid='{recalled}').order_by('id')[:5]]))"
    )
    release_cases(vn, cases[:2])
    poison = queue_signed(vn, "LA", "cultivation-sites", POISON)
    release_cases(vn, cases[2:4])
    head = int(
        vn.scalar(
            "SELECT MAX(o.id) FROM exchange_outboxentry o JOIN exchange_peer p"
            " ON o.peer_id = p.id WHERE p.name = 'LA'"
        )
    )
    # The page LA pulls holds the four cases and the poison between them.
    wait_for(lambda: counted(la, "VN")["cases"] == 4, 60, "the good cases around the poison")
    cursor = "SELECT pull_cursor FROM exchange_peer WHERE name = 'VN'"
    wait_for(lambda: int(la.scalar(cursor)) >= head, 30, "LA's cursor past the poison")
    assert (
        la.scalar("SELECT COUNT(*) FROM crime_cultivationsite WHERE origin = ?", (vn.node_id,)) == 0
    )
    rows = la.sql("SELECT reason, detail FROM exchange_rejection WHERE record_uuid = ?", (poison,))
    assert len(rows) == 1, rows
    [(reason, detail)] = rows
    assert reason == "schema" and poison in detail and "plants" in detail

    def refused_at_vn() -> str:
        query = "SELECT refused FROM exchange_outboxentry WHERE record_uuid = ?"
        rows = vn.sql(query, (db_uuid(vn, poison),))
        return str(rows[0][0]) if rows and rows[0][0] else ""

    assert "plants" in wait_for(refused_at_vn, 30, "LA's receipt naming the refusal on VN")
    [delivery] = vn.py(f"print(json.dumps(services.delivery_status('{poison}')))")
    assert delivery["text"].startswith("refused by LA: schema") and "plants" in delivery["text"]
    status = json.loads(vn.cli("status", "--json").stdout)
    [la_row] = [p for p in status["peers"] if p["name"] == "LA"]
    assert la_row["refused_by_peer"] == {"schema": 1}
    # The feed keeps moving after the poison: a later release arrives too.
    release_cases(vn, cases[4:5])
    wait_for(lambda: counted(la, "VN")["cases"] == 5, 60, "a release after the poison on LA")
    assert held_from(la, "VN")["cases"] == 5
