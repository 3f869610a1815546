"""Signed requests between nodes: every federation call but ``identity`` carries the sender's
node id, the addressee, a time stamp, a nonce and an Ed25519 signature over all of them and
the body. A request that fails a check is refused, logged and counted on the peer."""

from __future__ import annotations

import datetime as dt
import secrets
import time
from collections.abc import Mapping

from django.db import IntegrityError, transaction
from django.utils import timezone

from liaison.exchange import envelope as env
from liaison.exchange.models import Peer, SeenNonce
from liaison.exchange.services.inbox import note_rejection
from liaison.exchange.services.peers import peer_keys, signer, this_node

#: Signed requests older or newer than this are refused (clock skew allowance).
REQUEST_MAX_AGE = 300
#: Largest request body accepted by the federation endpoints.
MAX_REQUEST_BYTES = 4 * 1024 * 1024


class RequestRefused(Exception):
    def __init__(self, reason: str, message: str, status: int = 401) -> None:
        super().__init__(message)
        self.reason, self.status = reason, status


def sign_request(method: str, path: str, body: bytes, to_node: str) -> dict[str, str]:
    """Headers that authenticate a request from this node to ``to_node``."""
    me = this_node()
    sign = signer()
    ts = str(int(time.time()))
    nonce = secrets.token_urlsafe(18)
    text = env.request_signing_text(method, path, to_node, me.id, ts, nonce, body)
    return {
        "X-Liaison-From": me.id,
        "X-Liaison-To": to_node,
        "X-Liaison-Time": ts,
        "X-Liaison-Nonce": nonce,
        "X-Liaison-Key": sign.kid,
        "X-Liaison-Signature": env.b64url_encode(sign.private_key.sign(text)),
    }


def verify_request(method: str, path: str, headers: Mapping[str, str], body: bytes) -> Peer:
    """The peer that signed this request; RequestRefused (logged and counted) otherwise."""
    sender = headers.get("X-Liaison-From", "")
    peer = Peer.objects.filter(node_id=sender).first() if sender else None
    try:
        return _verify_request(peer, method, path, headers, body)
    except RequestRefused as exc:
        note_rejection(peer, exc.reason, f"{method} {path}: {exc}", claimed_node=sender)
        raise


def _verify_request(
    peer: Peer | None, method: str, path: str, headers: Mapping[str, str], body: bytes
) -> Peer:
    sender = headers.get("X-Liaison-From", "")
    if not sender:
        raise RequestRefused("unsigned", "request is not signed (no X-Liaison-From header)")
    if peer is None:
        raise RequestRefused(
            "unknown_peer", f"node {sender[:64]!r} is not a peer of this node", 403
        )
    if not peer.is_active:
        raise RequestRefused("removed_peer", f"node {sender[:64]!r} was removed as a peer", 403)
    to, ts, nonce = (
        headers.get(h, "") for h in ("X-Liaison-To", "X-Liaison-Time", "X-Liaison-Nonce")
    )
    kid, signature = headers.get("X-Liaison-Key", ""), headers.get("X-Liaison-Signature", "")
    if to != this_node().id:
        raise RequestRefused("wrong_node", f"request is addressed to {to[:64]!r}, not to this node")
    if not ts.isdigit() or abs(time.time() - int(ts)) > REQUEST_MAX_AGE:
        raise RequestRefused(
            "stale_request",
            "request time stamp is missing or more than "
            f"{REQUEST_MAX_AGE} s away from this node's clock",
        )
    if not (8 <= len(nonce) <= 64):
        raise RequestRefused("bad_signature", "request nonce missing or malformed")
    keys = peer_keys(peer)
    key = keys.get(kid)
    if key is None and kid in keys.revoked:
        raise RequestRefused("revoked_key", f"request signed by key {kid[:16]!r}…, revoked")
    if key is None:
        raise RequestRefused(
            "unknown_key", f"request signed by key {kid[:16]!r}…, not trusted for {peer.name}"
        )
    limit = keys.not_after.get(kid)
    if limit is not None and env.utc_stamp(dt.datetime.fromtimestamp(int(ts), dt.UTC)) > limit:
        raise RequestRefused(
            "retired_key",
            f"request signed by key {kid[:16]!r}…, retired for anything after {limit}",
        )
    try:
        key.verify(
            env.b64url_decode(signature, "signature"),
            env.request_signing_text(method, path, to, sender, ts, nonce, body),
        )
    except Exception as exc:
        raise RequestRefused("bad_signature", "request signature does not verify") from exc
    now = timezone.now()
    try:
        with transaction.atomic():
            SeenNonce.objects.create(node_id=peer.node_id, nonce=nonce, seen_at=now)
    except IntegrityError as exc:
        raise RequestRefused(
            "replayed", "this request was already received (replayed nonce)"
        ) from exc
    if secrets.randbelow(50) == 0:
        SeenNonce.objects.filter(
            seen_at__lt=now - dt.timedelta(seconds=3 * REQUEST_MAX_AGE)
        ).delete()
    Peer.objects.filter(pk=peer.pk).update(last_contact=now)
    return peer
