"""A peer's keys: a rotated key is trusted only for what was issued before the rotation (plus
the clock-skew margin); a revoked key is trusted for nothing. Real Ed25519 signatures."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command

from liaison.core.models import AuditEntry
from liaison.exchange import envelope as env
from liaison.exchange import services
from liaison.exchange.envelope import EnvelopeError, Signer
from liaison.exchange.models import Peer
from liaison.exchange.services.peers import KEY_RETIREMENT_SKEW, learn_rotations, revoke_key
from liaison.exchange.services.signing import RequestRefused
from tests.exchange.conftest import THIS_NODE, FakePeer
from tests.exchange.nodes import signed_headers

FEED = "/federation/v1/feed?after=0&limit=10"


def stamp(delta: dt.timedelta = dt.timedelta()) -> str:
    return env.utc_stamp(dt.datetime.now(dt.UTC) + delta)


class RotatedPeer:
    """LA rotated from key ``old`` to ``new`` one hour ago; this node learned it."""

    def __init__(self, peer: Peer, fake: FakePeer) -> None:
        self.fake = fake
        self.old_key, self.old = fake.key, fake.signer
        self.new_key = Ed25519PrivateKey.generate()
        self.new = Signer(self.new_key)
        self.rotated_at = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
        statement = self.rotation(self.old, self.new_key, env.utc_stamp(self.rotated_at))
        assert learn_rotations(peer, {"rotations": [statement]})
        peer.refresh_from_db()
        self.peer = peer

    def rotation(self, by: Signer, new: Ed25519PrivateKey, issued_at: str) -> str:
        payload = {
            "node": self.fake.node_id,
            "old_key": env.b64url_encode(env.raw_key(by.private_key.public_key())),
            "new_key": env.b64url_encode(env.raw_key(new.public_key())),
            "issued_at": issued_at,
        }
        return by.sign_json(payload, env.TYP_KEY_ROTATION)

    def envelope(self, signer: Signer, issued: dt.datetime) -> str:
        e = self.fake.envelope(issued_at=env.utc_stamp(issued))
        return signer.sign_json(e.to_dict(), env.TYP_ENVELOPE)

    def apply(self, token: str) -> list[str]:
        self.peer.refresh_from_db()
        seq = self.peer.pull_cursor + 1
        result = services.apply_envelopes(self.peer, [(seq, token)], cursor=seq)
        return [reason for reason, _ in result.rejected]

    def request(self, key: Ed25519PrivateKey) -> Any:
        headers = signed_headers(key, self.fake.node_id, THIS_NODE, "GET", FEED)
        return services.verify_request("GET", FEED, headers, b"")


@pytest.fixture
def rotated(la_peer, fake_la) -> RotatedPeer:  # type: ignore[no-untyped-def]
    return RotatedPeer(la_peer, fake_la)


def test_retired_key_trusted_only_before_rotation(rotated: RotatedPeer) -> None:
    before = rotated.rotated_at - dt.timedelta(minutes=30)
    assert rotated.apply(rotated.envelope(rotated.old, before)) == []
    now = dt.datetime.now(dt.UTC)
    assert rotated.apply(rotated.envelope(rotated.old, now)) == ["retired_key"]
    assert rotated.apply(rotated.envelope(rotated.new, now)) == []


def test_retired_key_skew_margin(rotated: RotatedPeer) -> None:
    inside = rotated.rotated_at + KEY_RETIREMENT_SKEW - dt.timedelta(seconds=30)
    outside = rotated.rotated_at + KEY_RETIREMENT_SKEW + dt.timedelta(seconds=30)
    assert rotated.apply(rotated.envelope(rotated.old, inside)) == []
    assert rotated.apply(rotated.envelope(rotated.old, outside)) == ["retired_key"]


def test_retired_key_cannot_sign_requests_or_receipts(rotated: RotatedPeer) -> None:
    with pytest.raises(RequestRefused) as info:
        rotated.request(rotated.old_key)
    assert info.value.reason == "retired_key"
    assert rotated.request(rotated.new_key) == rotated.peer
    old_receipt = {"from": rotated.fake.node_id, "to": THIS_NODE, "through": 0}
    token = rotated.old.sign_json(
        {**old_receipt, "rejected": [], "issued_at": stamp()}, env.TYP_RECEIPT
    )
    with pytest.raises(EnvelopeError) as refused:
        services.accept_receipt(rotated.peer, token)
    assert refused.value.reason == "retired_key"


def test_retired_key_cannot_introduce_another_key(rotated: RotatedPeer) -> None:
    intruder = Ed25519PrivateKey.generate()
    late = rotated.rotation(rotated.old, intruder, stamp())
    assert not learn_rotations(rotated.peer, {"rotations": [late]})
    rotated.peer.refresh_from_db()
    assert rotated.peer.public_key == env.b64url_encode(env.raw_key(rotated.new_key.public_key()))


def test_revoked_key_refused_for_everything(rotated: RotatedPeer) -> None:
    before = rotated.rotated_at - dt.timedelta(minutes=30)
    old_kid = env.key_id(rotated.old_key.public_key())
    fingerprint = revoke_key(rotated.peer, old_kid[:20])
    assert fingerprint.replace(" ", "") == old_kid
    assert rotated.apply(rotated.envelope(rotated.old, before)) == ["revoked_key"]
    with pytest.raises(RequestRefused) as info:
        rotated.request(rotated.old_key)
    assert info.value.reason == "revoked_key"
    entry = AuditEntry.objects.get(action="peer.key_revoke")
    assert entry.object_id == rotated.fake.node_id
    # The current key is untouched.
    assert rotated.apply(rotated.envelope(rotated.new, dt.datetime.now(dt.UTC))) == []


def test_revoke_key_command_on_current_key(la_peer, fake_la) -> None:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    call_command("peer", "revoke-key", "LA", fake_la.fingerprint, stdout=out)
    assert "Revoked key" in out.getvalue() and "current key" in out.getvalue()
    headers = fake_la.request_headers("GET", FEED, b"")
    with pytest.raises(RequestRefused) as info:
        services.verify_request("GET", FEED, headers, b"")
    assert info.value.reason == "revoked_key"
    seq = 1
    result = services.apply_envelopes(la_peer, [(seq, fake_la.sign(fake_la.envelope()))], cursor=1)
    assert [r for r, _ in result.rejected] == ["revoked_key"]
    # A rotation statement cannot bring a revoked key back, nor can re-peering.
    with pytest.raises(services.PeerError):
        services.add_peer("LA", "http://127.0.0.1:9", fake_la.identity())
    assert AuditEntry.objects.filter(action="peer.key_revoke").count() == 1
