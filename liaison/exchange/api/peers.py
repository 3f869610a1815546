"""REST API of peering: GET /api/v1/peers (each partner node and its exchange status; the
node-wide figures for national-level users and node admins only)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from liaison.core.middleware import request_user as _user
from liaison.exchange.services.scope import peer_status_for

router = Router()


class PeerOut(Schema):
    name: str
    url: str
    node_id: str
    country: str
    fingerprint: str
    status: str
    last_contact: str | None
    #: Node-wide figures: null for users below national level (unless node admin).
    backlog: int | None
    last_error: str | None
    received: int | None
    rejected: dict[str, int] | None


@router.get("/peers", response=list[PeerOut])
def list_peers(request: HttpRequest) -> list[dict[str, Any]]:
    return peer_status_for(_user(request))
