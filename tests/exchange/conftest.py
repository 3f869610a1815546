"""Fixtures for the exchange tests: a peer with its own key, and envelopes it signs."""

from __future__ import annotations

import datetime as dt
import time
import uuid
from types import SimpleNamespace
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from liaison.core.models import Province, Role
from liaison.exchange import envelope as env
from liaison.exchange import services
from liaison.exchange.envelope import Envelope, Markings, Signer


class FakePeer:
    """Another node (LA) in the test process: its key, its id, and helpers to sign with it."""

    def __init__(self, node_id: str = "la-peer0001", country: str = "LA") -> None:
        self.key = Ed25519PrivateKey.generate()
        self.signer = Signer(self.key)
        self.node_id = node_id
        self.country = country
        self.public_key = env.b64url_encode(env.raw_key(self.key.public_key()))

    def identity(self) -> dict[str, Any]:
        return {"node_id": self.node_id, "country": self.country, "name": "Test LA",
                "public_key": self.public_key, "rotations": []}  # fmt: skip

    def envelope(self, **over: Any) -> Envelope:
        data: dict[str, Any] = dict(
            kind="cases", uuid=str(uuid.uuid4()), origin=self.node_id, origin_country=self.country,
            version=1, markings=Markings("AMBER", "H1", "", ("vn-test0001",)),
            body=case_body(), op="upsert", issued_at=env.utc_stamp(),
        )  # fmt: skip
        data.update(over)
        return Envelope(**data)

    def sign(self, e: Envelope) -> str:
        return self.signer.sign_json(e.to_dict(), env.TYP_ENVELOPE)

    def request_headers(self, method: str, path: str, body: bytes, *, to: str = "vn-test0001",
                        ts: int | None = None, nonce: str | None = None) -> dict[str, str]:  # fmt: skip
        import secrets

        ts_text = str(ts if ts is not None else int(time.time()))
        nonce = nonce or secrets.token_urlsafe(18)
        text = services._request_text(method, path, to, self.node_id, ts_text, nonce, body)
        return {
            "X-Liaison-From": self.node_id, "X-Liaison-To": to, "X-Liaison-Time": ts_text,
            "X-Liaison-Nonce": nonce, "X-Liaison-Key": self.signer.kid,
            "X-Liaison-Signature": env.b64url_encode(self.key.sign(text)),
        }  # fmt: skip


def case_body(ref: str | None = None, **over: Any) -> dict[str, Any]:
    now = dt.datetime.now(dt.UTC).isoformat()
    body = {
        "case_ref": ref or f"LA-{uuid.uuid4().hex[:8]}", "detected_on": "2026-03-01",
        "province": "LA-XI", "district": "", "commune": "", "summary": "ຢາບ້າ 20,000 ເມັດ",
        "status": "open", "route": "", "transport_mode": "", "joint_case_ref": "",
        "created_at": now, "updated_at": now,
    }  # fmt: skip
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
        data = dict(case_ref=f"NA-2026-{counter['n']:04d}", detected_on=dt.date(2026, 2, 1),
                    province=Province.objects.get(code="VN-22"), summary="Bắt quả tang")  # fmt: skip
        data.update(over)
        return crime.create_case(user=None, owner_unit=unit or units.nghe_an, **data)

    return make
