"""Three real nodes (VN, LA, RU on SQLite) started with `liaison serve`, all peered with each
other. VN releases a whole case (its persons and seizures go along) to LA only: LA holds every
part, RU holds nothing. VN recalls it: LA's copies are gone and VN's holdings view says so."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from .nodes import Node, wait_for

pytestmark = [pytest.mark.federation, pytest.mark.timeout(600)]

PARTS = ("cases", "persons", "seizures")


@pytest.fixture(scope="module")
def trio(tmp_path_factory) -> Iterator[tuple[Node, Node, Node]]:  # type: ignore[no-untyped-def]
    base = tmp_path_factory.mktemp("three")
    vn = Node(base / "vn", "VN").init()
    la = Node(base / "la", "LA").init()
    ru = Node(base / "ru", "RU").init()
    vn.cli("seed", "--cases", "12", "--seed", "5")  # cases with persons and seizures
    nodes = (vn, la, ru)
    for node in nodes:
        node.start()
    try:
        for a in nodes:
            for b in nodes:
                if a is not b:
                    a.cli("peer", "add", b.country, b.url, "--fingerprint", b.fingerprint)
        yield vn, la, ru
    finally:
        for node in nodes:
            node.stop()


def held_from(node: Node, origin: str) -> dict[str, int]:
    """Records ``node`` holds from ``origin``, by kind, as `liaison status --json` reports."""
    status = json.loads(node.cli("status", "--json").stdout)
    return {kind: status["records"].get(kind, {}).get(origin, 0) for kind in PARTS}


def test_whole_case_to_one_partner_then_recall(trio) -> None:  # type: ignore[no-untyped-def]
    vn, la, ru = trio
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
    before_ru = held_from(ru, "VN")

    out = vn.cli(
        "release",
        "cases",
        "--uuid",
        whole["case"],
        "--to",
        "LA:AMBER:H1:MoU of 9 Aug 2021",
        "--as",
        "admin",
    ).stdout
    assert "Released 1 cases to LA (TLP:AMBER, H1, basis: MoU of 9 Aug 2021)" in out

    wait_for(lambda: held_from(la, "VN") == expected, 60, "LA to hold the whole case")
    # RU was never a recipient: it holds nothing of VN's, then or later.
    assert held_from(ru, "VN") == before_ru == {k: 0 for k in PARTS}
    # VN's holdings view: LA holds version 1 of every part, confirmed by its receipts.
    every = [whole["case"], *whole["persons"], *whole["seizures"]]

    def holdings() -> dict[str, list[dict[str, Any]]]:
        return vn.py(  # type: ignore[no-any-return]
            f"print(json.dumps({{u: services.delivery_status(u) for u in {every!r}}}))"
        )

    def confirmed(op: str) -> bool:
        views = holdings()
        return all(
            len(v) == 1 and v[0]["peer"] == "LA" and v[0]["op"] == op and v[0]["confirmed_at"]
            for v in views.values()
        )

    wait_for(lambda: confirmed("upsert"), 60, "LA's receipts for every part")
    assert all(v[0]["held_version"] == 1 for v in holdings().values())

    vn.py(
        f"r = Release.objects.get(record_uuid='{uuid.UUID(whole['case'])}', peer__name='LA',"
        " state='active')\n"
        "services.withdraw_release(admin, r, reason='test recall')"
    )
    wait_for(lambda: held_from(la, "VN") == {k: 0 for k in PARTS}, 60, "LA to drop every part")
    wait_for(lambda: confirmed("recall"), 60, "LA's receipts for the recalls")
    views = holdings()
    assert all(v[0]["held_version"] is None for v in views.values())
    assert all("recalled; confirmed by LA" in v[0]["text"] for v in views.values())
    assert held_from(ru, "VN") == {k: 0 for k in PARTS}
