"""Helpers for cooperation tests: a partner peer, and records "received" from the partner
through the exchange registry's apply path (as the federation would apply them)."""

from __future__ import annotations

import uuid as uuidlib
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from liaison.core.models import Role

LA_NODE = "la-test0001"


@pytest.fixture
def peer(db):  # type: ignore[no-untyped-def]
    from liaison.exchange.models import Peer

    return Peer.objects.create(
        name="LA", url="http://127.0.0.1:9", node_id=LA_NODE, country="LA",
        public_key="A" * 43, fingerprint="0000", added_at=timezone.now(),
    )  # fmt: skip


@pytest.fixture
def receive(db) -> Callable[..., Any]:  # type: ignore[no-untyped-def]
    from liaison.exchange.registry import get_kind

    def apply(kind: str, body: dict[str, Any], *, uuid: str | None = None, version: int = 1,
              origin: str = LA_NODE, country: str = "LA", tlp: str = "AMBER") -> Any:  # fmt: skip
        spec = get_kind(kind)
        assert spec is not None and spec.apply is not None
        now = timezone.now().isoformat()
        body = {"created_at": now, "updated_at": now, **body}
        values = spec.field_values([body])[0]
        assert not isinstance(values, Exception), values
        fields, _many = values
        uuid = uuid or str(uuidlib.uuid4())
        envelope = SimpleNamespace(
            uuid=uuid, origin=origin, origin_country=country, version=version,
            markings=SimpleNamespace(tlp=tlp, handling="H0", handling_note=""),
        )  # fmt: skip
        existing = spec.model.objects.filter(uuid=uuid).first()
        spec.apply(envelope, fields, existing)
        return spec.model.objects.get(uuid=uuid)

    return apply


@pytest.fixture
def officer(units, make_user):  # type: ignore[no-untyped-def]
    return make_user(units.nghe_an, [Role.OFFICER])


@pytest.fixture
def supervisor(units, make_user):  # type: ignore[no-untyped-def]
    return make_user(units.nghe_an, [Role.OFFICER, Role.SUPERVISOR])


@pytest.fixture
def national(units, make_user):  # type: ignore[no-untyped-def]
    return make_user(units.ministry, [Role.OFFICER, Role.SUPERVISOR, Role.NODE_ADMIN])
