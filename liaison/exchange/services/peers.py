"""Peers and keys: this node's signing key (and its rotation), peering with a partner node
whose fingerprint was read over the hotline, learning a peer's rotated key, and the status of
every peer (`liaison status`, the partners page)."""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Mapping
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.core import audit, node
from liaison.core.audit import Actor
from liaison.exchange import envelope as env
from liaison.exchange.envelope import EnvelopeError, Signer
from liaison.exchange.models import KeyRotation, OutboxEntry, Peer, PeerStatus

# --- this node's key ---------------------------------------------------------------------

_signer_lock = threading.Lock()
_signer_state: dict[str, Any] = {"stamp": None, "signer": None}


def signer() -> Signer:
    """This node's signer; reloads when `liaison key rotate` replaced the key file."""
    path = node.home() / node.PRIVATE_KEY_FILE
    try:
        st = path.stat()
        stamp = (st.st_mtime_ns, st.st_ino, st.st_size)
    except OSError:
        stamp = None
    with _signer_lock:
        if _signer_state["signer"] is None or stamp != _signer_state["stamp"]:
            node.signing_key.cache_clear()
            node.this_node.cache_clear()
            _signer_state["signer"] = Signer(node.signing_key())
            _signer_state["stamp"] = stamp
        return _signer_state["signer"]  # type: ignore[no-any-return]


def this_node() -> node.NodeIdentity:
    signer()  # reload after a key rotation
    return node.this_node()


_stamp_lock = threading.Lock()
_last_stamp = [""]


def issue_stamp() -> str:
    """A UTC time stamp, strictly increasing within this process."""
    with _stamp_lock:
        now = timezone.now()
        stamp = env.utc_stamp(now)
        if stamp <= _last_stamp[0]:
            last = dt.datetime.fromisoformat(_last_stamp[0][:-1]).replace(tzinfo=dt.UTC)
            stamp = env.utc_stamp(last + dt.timedelta(microseconds=1))
        _last_stamp[0] = stamp
        return stamp


def iso_time(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


# --- peers -----------------------------------------------------------------------------


class PeerError(Exception):
    """Peering failed; the message says why."""


def peer_keys(peer: Peer) -> dict[str, Ed25519PublicKey]:
    keys: dict[str, Ed25519PublicKey] = {}
    for text in peer.all_keys():
        key = env.public_key_from_b64(text)
        keys[env.key_id(key)] = key
    return keys


def get_peer(name: str) -> Peer:
    peer = Peer.objects.filter(name=name).first()
    if peer is None:
        raise ValidationError(_("No peer named %(n)s.") % {"n": name})
    return peer


def identity_document() -> dict[str, Any]:
    """What `GET /federation/v1/identity` returns: public, unauthenticated."""
    me = this_node()
    return {
        "protocol": 1,
        "node_id": me.id,
        "country": me.country,
        "name": me.name,
        "url": me.url,
        "public_key": me.public_key,
        "key_id": signer().kid,
        "fingerprint": me.fingerprint,
        "rotations": list(KeyRotation.objects.order_by("id").values_list("statement", flat=True)),
    }


def check_identity(data: Any, fingerprint: str) -> dict[str, Any]:
    """Validate a fetched identity document against the fingerprint read over the hotline."""
    if not isinstance(data, dict):
        raise PeerError(_("the peer's identity document is not a JSON object"))
    for name in ("node_id", "country", "public_key"):
        if not isinstance(data.get(name), str):
            raise PeerError(_("the peer's identity document lacks %(k)s") % {"k": name})
    try:
        key = env.public_key_from_b64(data["public_key"])
    except EnvelopeError as exc:
        raise PeerError(_("the peer's public key is invalid: %(e)s") % {"e": exc}) from exc
    actual = node.fingerprint_of(env.raw_key(key))
    if node.normalise_fingerprint(fingerprint) != node.normalise_fingerprint(actual):
        raise PeerError(
            _("fingerprint mismatch: the node at this address has key %(a)s, not %(e)s; not peered")
            % {"a": actual, "e": fingerprint.strip()}
        )
    if data["node_id"] == this_node().id:
        raise PeerError(_("that address is this node itself"))
    return data


@transaction.atomic
def add_peer(name: str, url: str, identity: dict[str, Any], *, actor: Actor | None = None) -> Peer:
    """Add (or re-activate) a peer from its checked identity document."""
    name = name.strip()
    if not name or len(name) > 40:
        raise ValidationError(_("A peer name has 1 to 40 characters."))
    fingerprint = node.fingerprint_of(env.raw_key(env.public_key_from_b64(identity["public_key"])))
    existing = Peer.objects.filter(Q(node_id=identity["node_id"]) | Q(name=name)).first()
    if existing and existing.node_id != identity["node_id"]:
        raise ValidationError(_("The name %(n)s is already used by another peer.") % {"n": name})
    peer = existing or Peer(node_id=identity["node_id"], added_at=timezone.now())
    if existing and existing.public_key != identity["public_key"]:
        peer.previous_keys = [*existing.previous_keys, existing.public_key]
    peer.name = name
    peer.url = url.rstrip("/")
    peer.country = str(identity["country"])[:2].upper()
    peer.node_name = str(identity.get("name", ""))[:200]
    peer.public_key = identity["public_key"]
    peer.fingerprint = fingerprint
    peer.status = PeerStatus.ACTIVE
    peer.added_by = (actor.username if actor else "")[:150]
    peer.failures = 0
    peer.retry_at = None
    peer.save()
    audit.record(
        "peer.add",
        peer,
        actor=actor,
        object_id=peer.node_id,
        name=name,
        url=url,
        fingerprint=fingerprint,
    )
    return peer


@transaction.atomic
def remove_peer(peer: Peer, *, actor: Actor | None = None) -> Peer:
    """Stop exchanging with a peer: its requests are refused from now on; history is kept."""
    peer.status = PeerStatus.REMOVED
    peer.save(update_fields=["status"])
    audit.record("peer.remove", peer, actor=actor, object_id=peer.node_id, name=peer.name)
    return peer


def learn_rotations(peer: Peer, identity: Mapping[str, Any]) -> bool:
    """Accept a peer's new key when a rotation statement signed by a key we trust names it."""
    statements = identity.get("rotations") or []
    if not isinstance(statements, list):
        return False
    trusted = peer_keys(peer)
    current = peer.public_key
    changed, progress = False, True
    while progress:
        progress = False
        for token in statements:
            try:
                data = env.parse_statement(token, trusted, env.TYP_KEY_ROTATION)
            except EnvelopeError:
                continue
            new = data.get("new_key")
            if data.get("node") != peer.node_id or not isinstance(new, str):
                continue
            try:
                new_key = env.public_key_from_b64(new)
            except EnvelopeError:
                continue
            kid = env.key_id(new_key)
            if kid in trusted:
                continue
            trusted[kid] = new_key
            current, changed, progress = new, True, True
    if changed:
        with transaction.atomic():
            fresh = Peer.objects.select_for_update().get(pk=peer.pk)
            fresh.previous_keys = [k for k in fresh.all_keys() if k != current]
            fresh.public_key = current
            fresh.fingerprint = node.fingerprint_of(env.b64url_decode(current))
            fresh.save(update_fields=["previous_keys", "public_key", "fingerprint"])
            audit.record(
                "peer.key_rotated",
                fresh,
                actor=Actor.system("exchange"),
                object_id=fresh.node_id,
                fingerprint=fresh.fingerprint,
            )
        peer.refresh_from_db()
    return changed


@transaction.atomic
def rotate_key(*, actor: Actor | None = None) -> tuple[str, str]:
    """Make a new key pair; the statement introducing it is signed by the old key.
    Returns (old fingerprint, new fingerprint)."""
    old = signer()
    me = this_node()
    new_key = Ed25519PrivateKey.generate()
    new_public = env.b64url_encode(env.raw_key(new_key.public_key()))
    statement = old.sign_json(
        {
            "node": me.id,
            "old_key": me.public_key,
            "new_key": new_public,
            "issued_at": issue_stamp(),
        },
        env.TYP_KEY_ROTATION,
    )
    KeyRotation.objects.create(
        old_kid=old.kid,
        new_kid=env.key_id(new_key.public_key()),
        new_public_key=new_public,
        statement=statement,
        at=timezone.now(),
    )
    home = node.home()
    stamp = timezone.now().strftime("%Y%m%d%H%M%S")
    private = home / node.PRIVATE_KEY_FILE
    private.rename(home / f"node_key.{stamp}.retired.pem")
    pem = new_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    tmp = home / "node_key.pem.new"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    tmp.rename(private)
    (home / node.PUBLIC_KEY_FILE).write_text(new_public + "\n")
    new_fp = node.fingerprint_of(env.raw_key(new_key.public_key()))
    audit.record(
        "node.key_rotate",
        actor=actor,
        object_kind="node",
        object_id=me.id,
        old=me.fingerprint,
        new=new_fp,
    )
    signer()
    return me.fingerprint, new_fp


# --- status ------------------------------------------------------------------------------


def peer_status() -> list[dict[str, Any]]:
    """Per peer: name, url, last_contact, backlog, last_error (+ more) for `liaison status`."""
    out = []
    for peer in Peer.objects.order_by("name"):
        backlog = OutboxEntry.objects.filter(peer=peer, id__gt=peer.acked_through).count()
        out.append(
            {
                "name": peer.name,
                "url": peer.url,
                "node_id": peer.node_id,
                "country": peer.country,
                "fingerprint": peer.fingerprint,
                "status": peer.status,
                "last_contact": iso_time(peer.last_contact),
                "backlog": backlog,
                "last_error": peer.last_error,
                "last_error_at": iso_time(peer.last_error_at),
                "failures": peer.failures,
                "next_attempt": iso_time(peer.retry_at),
                "received": peer.received_count,
                "pull_cursor": peer.pull_cursor,
                "acked_through": peer.acked_through,
                "rejected": peer.rejection_counts(),
                "refused_by_peer": peer.rejection_counts("out"),
            }
        )
    return out
