"""Fixtures for the exchange tests: a peer with its own key, and envelopes it signs."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest

from liaison.core.models import Province, Role
from liaison.exchange import services
from liaison.exchange.envelope import Envelope, Markings
from tests.exchange.nodes import FakeNode, signed_headers, signed_receipt

#: The node id of the test run's own node (tests/node_home.py).
THIS_NODE = "vn-test0001"


class FakePeer(FakeNode):
    """Another node (LA) in the test process: its key, its id, and helpers to sign with it."""

    def __init__(self, node_id: str = "la-peer0001", country: str = "LA") -> None:
        super().__init__(node_id, country)

    def identity(self) -> dict[str, Any]:
        return {
            "node_id": self.node_id,
            "country": self.country,
            "name": "Test LA",
            "public_key": self.public_key,
            "rotations": [],
        }

    def envelope(self, **over: Any) -> Envelope:
        return self.make_envelope(Markings("AMBER", "H1", "", (THIS_NODE,)), case_body(), over)

    def receipt(self, through: int) -> str:
        """A receipt from this peer to the test node, confirming our feed up to ``through``."""
        return signed_receipt(self.signer, self.node_id, THIS_NODE, through)

    def request_headers(
        self,
        method: str,
        path: str,
        body: bytes,
        *,
        to: str = THIS_NODE,
        ts: int | None = None,
        nonce: str | None = None,
    ) -> dict[str, str]:
        return signed_headers(self.key, self.node_id, to, method, path, body, ts, nonce)


def case_body(ref: str | None = None, **over: Any) -> dict[str, Any]:
    now = dt.datetime.now(dt.UTC).isoformat()
    body = {
        "case_ref": ref or f"LA-{uuid.uuid4().hex[:8]}",
        "detected_on": "2026-03-01",
        "province": "LA-XI",
        "district": "",
        "commune": "",
        "summary": "ຢາບ້າ 20,000 ເມັດ",
        "status": "open",
        "route": "",
        "transport_mode": "",
        "joint_case_ref": "",
        "created_at": now,
        "updated_at": now,
    }
    body.update(over)
    return body


@pytest.fixture
def fake_la() -> FakePeer:
    return FakePeer()


@pytest.fixture
def la_peer(db, units, fake_la):  # type: ignore[no-untyped-def]
    return services.add_peer("LA", "http://127.0.0.1:9", fake_la.identity())


@pytest.fixture
def staff(units, make_user) -> SimpleNamespace:  # type: ignore[no-untyped-def]
    return SimpleNamespace(
        supervisor=make_user(units.ministry, [Role.SUPERVISOR, Role.OFFICER], username="sup"),
        officer=make_user(units.nghe_an, [Role.OFFICER], username="off"),
        province_supervisor=make_user(units.nghe_an, [Role.SUPERVISOR], username="psup"),
    )


@pytest.fixture
def make_case(units):  # type: ignore[no-untyped-def]
    from liaison.crime import services as crime

    counter = {"n": 0}

    def make(unit=None, **over):  # type: ignore[no-untyped-def]
        counter["n"] += 1
        data = {
            "case_ref": f"NA-2026-{counter['n']:04d}",
            "detected_on": dt.date(2026, 2, 1),
            "province": Province.objects.get(code="VN-22"),
            "summary": "Bắt quả tang",
        }
        data.update(over)
        return crime.create_case(user=None, owner_unit=unit or units.nghe_an, **data)

    return make


@pytest.fixture
def ru_peer(db, units):  # type: ignore[no-untyped-def]
    return services.add_peer("RU", "http://127.0.0.1:7", FakePeer("ru-0001", "RU").identity())


@pytest.fixture
def whole_case(staff, make_case):  # type: ignore[no-untyped-def]
    """A case with a witness, a suspect (stricter markings than most releases) and a seizure."""
    from liaison.crime import services as crime

    case = make_case()
    witness = crime.create_person(
        user=None,
        case=case,
        person_ref="W1",
        full_name="Nguyễn Văn A",
        role="witness",
        tlp="GREEN",
    )
    suspect = crime.create_person(
        user=None,
        case=case,
        person_ref="S1",
        full_name="Lò Văn B",
        role="suspect",
        tlp="AMBER+STRICT",
        handling="H1",
    )
    seizure = crime.create_seizure(
        user=None,
        case=case,
        drug="methamphetamine_tablets",
        quantity=Decimal("2000"),
        unit="tablet",
    )
    return case, witness, suspect, seizure
