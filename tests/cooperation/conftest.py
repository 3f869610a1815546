"""Helpers for cooperation tests: a partner peer, records "received" from the partner through
the exchange registry's apply path (as the federation would apply them), the REST API as a
given user, and one record of each kind."""

from __future__ import annotations

import datetime as dt
import uuid as uuidlib
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from liaison.cooperation import services
from liaison.core import services as core_services
from liaison.core.models import Role
from tests.listing import walk

LA_NODE = "la-test0001"


@pytest.fixture
def peer(db):  # type: ignore[no-untyped-def]
    from liaison.exchange.models import Peer

    return Peer.objects.create(
        name="LA",
        url="http://127.0.0.1:9",
        node_id=LA_NODE,
        country="LA",
        public_key="A" * 43,
        fingerprint="0000",
        added_at=timezone.now(),
    )


@pytest.fixture
def receive(db) -> Callable[..., Any]:  # type: ignore[no-untyped-def]
    from liaison.exchange.registry import get_kind

    def apply(
        kind: str,
        body: dict[str, Any],
        *,
        uuid: str | None = None,
        version: int = 1,
        origin: str = LA_NODE,
        country: str = "LA",
        tlp: str = "AMBER",
    ) -> Any:
        spec = get_kind(kind)
        assert spec is not None and spec.apply is not None
        now = timezone.now().isoformat()
        body = {"created_at": now, "updated_at": now, **body}
        values = spec.field_values([body])[0]
        assert not isinstance(values, Exception), values
        fields, _many = values
        uuid = uuid or str(uuidlib.uuid4())
        envelope = SimpleNamespace(
            uuid=uuid,
            origin=origin,
            origin_country=country,
            version=version,
            markings=SimpleNamespace(tlp=tlp, handling="H0", handling_note=""),
        )
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


@pytest.fixture
def partner_request(receive) -> Callable[..., Any]:  # type: ignore[no-untyped-def]
    """Make an information request received from LA, addressed to Nghệ An police; ``fields``
    add to or replace its content."""

    def make(reference: str, **fields: Any) -> Any:
        body = {
            "reference": reference,
            "request_type": "information",
            "to_country": "VN",
            "to_unit_code": "VN-PA-40",
            "sent_at": timezone.now().isoformat(),
            **fields,
        }
        return receive("requests", body)

    return make


@pytest.fixture
def partner_notice(receive) -> Callable[..., Any]:  # type: ignore[no-untyped-def]
    """Make a red-like wanted notice received from LA; ``fields`` add to or replace it."""

    def make(reference: str, **fields: Any) -> Any:
        body = {
            "reference": reference,
            "notice_type": "red",
            "full_name": "X",
            "offences": "Y",
            "warrant_reference": "Z",
            "issuing_unit_name": "U",
            "issued_at": timezone.now().isoformat(),
            **fields,
        }
        return receive("wanted-notices", body)

    return make


class ApiClient:
    """The REST API as one user (bearer token): paths under /api/v1, JSON bodies."""

    def __init__(self, user: Any) -> None:
        token = core_services.create_token(user)
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    def get(self, path: str) -> Any:
        return self.client.get(f"/api/v1{path}")

    def post(self, path: str, body: dict[str, Any]) -> Any:
        return self.client.post(f"/api/v1{path}", body, content_type="application/json")

    def walk(self, path: str, **params: Any) -> list[dict[str, Any]]:
        """Every item of a list, page by page (see ``tests.listing.walk``)."""
        return walk(self.client, f"/api/v1{path}", **params)


@pytest.fixture
def api_as(db) -> Callable[[Any], ApiClient]:  # type: ignore[no-untyped-def]
    return ApiClient


@pytest.fixture
def one_of_each(supervisor) -> SimpleNamespace:  # type: ignore[no-untyped-def]
    """One local record of each cooperation kind, none sent to the partner."""
    return SimpleNamespace(
        notice=services.issue_wanted_notice(
            supervisor,
            notice_type="blue",
            full_name="Hờ A Dính",
            offences="x",
            warrant_reference="w",
            send_to_partner=False,
        ),
        case=services.open_joint_case(supervisor, title="JC", share_now=False),
        patrol=services.plan_patrol(
            supervisor,
            title="P",
            starts_on=dt.date(2026, 1, 1),
            ends_on=dt.date(2026, 1, 2),
            area="A",
        ),
        agreement=services.create_agreement(supervisor, title="MoU"),
        meeting=services.record_meeting(supervisor, title="M", held_on=dt.date(2026, 1, 1)),
        project=services.create_project(supervisor, title="Station", kind="station"),
    )
