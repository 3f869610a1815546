"""The hooks through which core reaches the apps above it without importing them."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from liaison.core.audit import Actor
from liaison.core.setup import initial_data
from liaison.core.status import node_status

pytestmark = pytest.mark.django_db


def test_init_gives_every_app_its_start_up_defaults(units) -> None:  # type: ignore[no-untyped-def]
    from liaison.cooperation.models import Channel

    initial_data(Actor.system("init"))
    # The cooperation app's hook: hotline channels to the partner's ministry and the provinces
    # our border province police face.
    levels = set(Channel.objects.values_list("level", flat=True))
    assert levels == {"ministry", "province"}
    made = Channel.objects.count()
    initial_data(Actor.system("init"))
    assert Channel.objects.count() == made


def test_status_holds_what_the_apps_report(units) -> None:  # type: ignore[no-untyped-def]
    from liaison.exchange import envelope as env
    from liaison.exchange import services

    assert node_status()["peers"] == []
    key = Ed25519PrivateKey.generate()
    identity = {
        "node_id": "la-peer0001",
        "country": "LA",
        "name": "Test LA",
        "public_key": env.b64url_encode(env.raw_key(key.public_key())),
        "rotations": [],
    }
    services.add_peer("LA", "http://127.0.0.1:9", identity)
    status = node_status()
    assert list(status) == ["node", "peers", "records", "sync_worker"]
    assert [p["node_id"] for p in status["peers"]] == ["la-peer0001"]
    assert status["node"]["country"] == "VN"
