"""REST API of peering: GET /api/v1/peers (each partner node and its exchange status)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from liaison.exchange.services.peers import peer_status

router = Router()


class PeerOut(Schema):
    name: str
    url: str
    node_id: str
    country: str
    fingerprint: str
    status: str
    last_contact: str | None
    backlog: int
    last_error: str
    received: int
    rejected: dict[str, int]


@router.get("/peers", response=list[PeerOut])
def list_peers(request: HttpRequest) -> list[dict[str, Any]]:
    return peer_status()
