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


#: How far a peer's clock may run ahead of the moment it rotated its key: a retired key is
#: trusted for statements (envelopes, receipts, manifests, requests) issued up to its
#: retirement plus this margin, and for nothing issued later.
KEY_RETIREMENT_SKEW = dt.timedelta(minutes=5)


def _stamp_plus_skew(stamp: str) -> str:
    when = dt.datetime.fromisoformat(stamp[:-1]).replace(tzinfo=dt.UTC)
    return env.utc_stamp(when + KEY_RETIREMENT_SKEW)


def peer_keys(peer: Peer) -> env.KeyRing:
    """The keys this node trusts for ``peer``: its current key, and each retired key only for
    statements issued before its retirement (+ skew). Revoked keys are never trusted. Read
    from the database, so a revocation holds at once in a long-running sync worker too."""
    if peer.pk is not None:
        fresh = Peer.objects.filter(pk=peer.pk).only(
            "public_key", "previous_keys", "retired_keys", "revoked_keys", "added_at"
        )
        peer = fresh.first() or peer
    keys: dict[str, Ed25519PublicKey] = {}
    not_after: dict[str, str] = {}
    revoked: set[str] = set()
    for text in [*peer.all_keys(), *peer.revoked_keys]:
        key = env.public_key_from_b64(text)
        kid = env.key_id(key)
        if text in peer.revoked_keys:
            revoked.add(kid)
            continue
        keys[kid] = key
        if text != peer.public_key:
            # A previous key without a recorded retirement is trusted for nothing new.
            retired = peer.retired_keys.get(text) or env.utc_stamp(peer.added_at)
            not_after[kid] = _stamp_plus_skew(retired)
    return env.KeyRing(keys, not_after, revoked)


def _signing_kid(token: str) -> str:
    header = env.strict_json(env.b64url_decode(token.split(".")[0], "JWS header"), "JWS header")
    return str(header["kid"])


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
    if existing and identity["public_key"] in existing.revoked_keys:
        raise PeerError(_("the peer's key %(f)s was revoked on this node") % {"f": fingerprint})
    peer = existing or Peer(node_id=identity["node_id"], added_at=timezone.now())
    if existing and existing.public_key != identity["public_key"]:
        peer.previous_keys = [*existing.previous_keys, existing.public_key]
        # Re-peered with a new key over the hotline: the old one is retired as of now.
        peer.retired_keys = {
            **existing.retired_keys,
            existing.public_key: existing.retired_keys.get(existing.public_key)
            or env.utc_stamp(timezone.now()),
        }
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
    """Accept a peer's new key when a rotation statement signed by a key we trust names it.
    The old key is retired as of the statement's issue time (never later than now), so it
    can no longer sign anything newer, not even another rotation."""
    statements = identity.get("rotations") or []
    if not isinstance(statements, list):
        return False
    trusted = peer_keys(peer)
    texts = {env.key_id(env.public_key_from_b64(t)): t for t in peer.all_keys()}
    current = peer.public_key
    now = env.utc_stamp(timezone.now())
    retired: dict[str, str] = {}
    changed, progress = False, True
    while progress:
        progress = False
        for token in statements:
            try:
                data = env.parse_statement(token, trusted, env.TYP_KEY_ROTATION)
                old_kid = _signing_kid(token)
            except (EnvelopeError, KeyError, TypeError):
                continue
            new = data.get("new_key")
            if data.get("node") != peer.node_id or not isinstance(new, str):
                continue
            if new in peer.revoked_keys:
                continue
            try:
                new_key = env.public_key_from_b64(new)
            except EnvelopeError:
                continue
            kid = env.key_id(new_key)
            if kid in trusted or not env.is_utc_stamp(data.get("issued_at")):
                continue
            at = min(data["issued_at"], now)
            trusted[kid] = new_key
            texts[kid] = new
            retired[texts[old_kid]] = at
            trusted.not_after[old_kid] = min(
                trusted.not_after.get(old_kid, _stamp_plus_skew(at)), _stamp_plus_skew(at)
            )
            current, changed, progress = new, True, True
    if changed:
        with transaction.atomic():
            fresh = Peer.objects.select_for_update().get(pk=peer.pk)
            fresh.previous_keys = [k for k in fresh.all_keys() if k != current]
            fresh.public_key = current
            fresh.fingerprint = node.fingerprint_of(env.b64url_decode(current))
            for text, at in retired.items():
                known = fresh.retired_keys.get(text)
                fresh.retired_keys[text] = min(known, at) if known else at
            fresh.save(update_fields=["previous_keys", "public_key", "fingerprint", "retired_keys"])
            audit.record(
                "peer.key_rotated",
                fresh,
                actor=Actor.system("exchange"),
                object_id=fresh.node_id,
                fingerprint=fresh.fingerprint,
            )
        peer.refresh_from_db()
    return changed


def find_peer_key(peer: Peer, ref: str) -> str:
    """The peer key (base64url) named by ``ref``: its fingerprint or key id (the same hex
    digits, spaces ignored), or an unambiguous prefix of at least 16 of them."""
    wanted = node.normalise_fingerprint(ref)
    if len(wanted) < 16:
        raise ValidationError(_("Give the key's fingerprint or key id (at least 16 hex digits)."))
    matches = [
        text
        for text in dict.fromkeys([*peer.all_keys(), *peer.revoked_keys])
        if env.key_id(env.public_key_from_b64(text)).startswith(wanted)
    ]
    if len(matches) != 1:
        raise ValidationError(
            _("Peer %(p)s has no key %(k)s.") % {"p": peer.name, "k": ref}
            if not matches
            else _("%(k)s matches more than one key of %(p)s.") % {"p": peer.name, "k": ref}
        )
    return matches[0]


@transaction.atomic
def revoke_key(peer: Peer, ref: str, *, actor: Actor | None = None) -> str:
    """Stop trusting one of ``peer``'s keys from now on, for everything: signed requests,
    envelopes, receipts, bundles and rotations. Returns the key's fingerprint."""
    fresh = Peer.objects.select_for_update().get(pk=peer.pk)
    text = find_peer_key(fresh, ref)
    fingerprint = node.fingerprint_of(env.b64url_decode(text))
    if text in fresh.revoked_keys:
        return fingerprint
    fresh.revoked_keys = {**fresh.revoked_keys, text: env.utc_stamp(timezone.now())}
    fresh.save(update_fields=["revoked_keys"])
    audit.record(
        "peer.key_revoke",
        fresh,
        actor=actor,
        object_id=fresh.node_id,
        name=fresh.name,
        fingerprint=fingerprint,
        current=text == fresh.public_key,
    )
    peer.refresh_from_db()
    return fingerprint


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
