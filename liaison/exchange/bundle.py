"""Offline bundles: the same signed envelopes, carried in a file.

A bundle is UTF-8 JSON lines. Line 1 is a manifest, signed by the origin (JWS, typ
``liaison-bundle``): ``{origin, to, count, entries_sha256, through, issued_at}``. Each
further line is ``{"seq": N, "jws": "<envelope>"}``. ``entries_sha256`` is the SHA-256 of
those lines (each with its newline), so any change to the file is detected before anything
is applied. Importing applies the envelopes with the same checks as the feed; importing the
same bundle twice changes nothing.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import IO, Any

from liaison.exchange import envelope as env
from liaison.exchange.models import OutboxEntry, Peer, PeerStatus
from liaison.exchange.services.inbox import ApplyResult, apply_envelopes, note_rejection
from liaison.exchange.services.peers import issue_stamp, peer_keys, signer, this_node

MAX_BUNDLE_LINE = env.MAX_ENVELOPE_BYTES + 1024


class BundleError(Exception):
    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def export_bundle(peer: Peer, out: IO[bytes]) -> int:
    """Write every envelope currently in ``peer``'s feed. Returns the number written."""
    digest = hashlib.sha256()
    lines: list[bytes] = []
    through = 0
    rows = OutboxEntry.objects.filter(peer=peer).order_by("id").values_list("id", "jws")
    for seq, jws in rows.iterator(chunk_size=2000):
        line = json.dumps({"seq": seq, "jws": jws}, separators=(",", ":")).encode() + b"\n"
        digest.update(line)
        lines.append(line)
        through = seq
    me = this_node()
    manifest = signer().sign_json(
        {
            "origin": me.id,
            "to": peer.node_id,
            "count": len(lines),
            "entries_sha256": digest.hexdigest(),
            "through": through,
            "issued_at": issue_stamp(),
        },
        env.TYP_BUNDLE,
    )
    out.write(json.dumps({"manifest": manifest}).encode() + b"\n")
    for line in lines:
        out.write(line)
    return len(lines)


def read_bundle(path: Path) -> tuple[Peer, dict[str, Any], list[tuple[int, str]]]:
    """Check a bundle file completely; raise BundleError (nothing applied) when it is bad."""
    try:
        fh = path.open("rb")
    except OSError as exc:
        raise BundleError("unreadable", f"{path}: {exc.strerror}") from exc
    with fh:
        first = fh.readline(MAX_BUNDLE_LINE)
        try:
            head = json.loads(first)
            token = head["manifest"]
            unverified = env.strict_json(env.b64url_decode(token.split(".")[1]), "manifest")
            origin = unverified["origin"]
        except (ValueError, KeyError, TypeError, IndexError, env.EnvelopeError) as exc:
            raise BundleError("schema", f"{path} line 1: not a Liaison bundle manifest") from exc
        peer = Peer.objects.filter(node_id=origin).first() if isinstance(origin, str) else None
        if peer is None or peer.status != PeerStatus.ACTIVE:
            raise BundleError(
                "unknown_peer",
                f"{path}: made by node {str(origin)[:64]!r}, which is not an active peer",
            )
        try:
            manifest = env.parse_statement(token, peer_keys(peer), env.TYP_BUNDLE)
        except env.EnvelopeError as exc:
            note_rejection(peer, exc.reason, f"bundle {path.name}: manifest: {exc}")
            raise BundleError(exc.reason, f"{path} line 1: manifest refused: {exc}") from exc
        me = this_node().id
        if manifest.get("origin") != peer.node_id or manifest.get("to") != me:
            note_rejection(
                peer, "not_addressed", f"bundle {path.name} is for {manifest.get('to')!r}"
            )
            raise BundleError(
                "not_addressed",
                f"{path}: bundle is for node {manifest.get('to')!r}, not this node ({me})",
            )
        digest = hashlib.sha256()
        items: list[tuple[int, str]] = []
        for number, line in enumerate(iter(lambda: fh.readline(MAX_BUNDLE_LINE + 1), b""), start=2):
            if len(line) > MAX_BUNDLE_LINE:
                raise BundleError(
                    "too_large", f"{path} line {number}: over {MAX_BUNDLE_LINE} bytes"
                )
            digest.update(line)
            try:
                item = json.loads(line)
                seq, jws = item["seq"], item["jws"]
                if type(seq) is not int or not isinstance(jws, str):
                    raise TypeError
            except (ValueError, KeyError, TypeError) as exc:
                raise BundleError(
                    "invalid_json", f"{path} line {number}: not {{seq, jws}}"
                ) from exc
            items.append((seq, jws))
    if digest.hexdigest() != manifest.get("entries_sha256") or len(items) != manifest.get("count"):
        note_rejection(
            peer, "bad_signature", f"bundle {path.name}: contents do not match its signed manifest"
        )
        raise BundleError(
            "bad_signature",
            f"{path}: contents do not match the signed manifest (changed or truncated)",
        )
    return peer, manifest, items


def import_bundle(path: Path) -> ApplyResult:
    peer, _manifest, items = read_bundle(path)
    total = ApplyResult()
    for i in range(0, len(items), 1000):
        total.add(apply_envelopes(peer, items[i : i + 1000], cursor=None, source="bundle"))
    total.cursor = peer.pull_cursor
    return total
