"""The federation envelope: a released record as canonical JSON, signed as a compact JWS (EdDSA).

Plain typed Python, no Django: it can be tested (and fuzzed) without a database.

An envelope's payload is the canonical JSON (keys sorted, UTF-8, no whitespace) of::

    {"kind": "cases", "uuid": "…", "origin": "<node id>", "origin_country": "<ISO 3166-1>",
     "version": 3,
     "markings": {"tlp": "AMBER", "handling": "H0", "handling_note": "", "released_to": [...]},
     "body": {...}, "op": "upsert" | "recall", "issued_at": "2026-11-23T14:16:01.123456Z"}

and the JWS protected header is ``{"alg": "EdDSA", "kid": <key id>, "typ": <type>}``, where
the key id is the SHA-256 of the raw 32-byte public key in lower-case hex (the node's
fingerprint without spaces). Everything is checked strictly: base64url must be canonical, the
payload must be the canonical serialisation of itself, no unknown or missing keys, no NaN, no
duplicate keys. Any failure raises :class:`EnvelopeError` with a ``reason`` code (for counters)
and a message a person can act on.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import re
import uuid as uuidlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

#: Largest envelope accepted (the whole compact JWS, in bytes).
MAX_ENVELOPE_BYTES = 256 * 1024

TYP_ENVELOPE = "liaison-envelope"
TYP_RECEIPT = "liaison-receipt"
TYP_KEY_ROTATION = "liaison-key-rotation"
TYP_BUNDLE = "liaison-bundle"

TLP_RELEASABLE = ("CLEAR", "GREEN", "AMBER", "AMBER+STRICT")
TLP_ALL = (*TLP_RELEASABLE, "RED")
HANDLING_CODES = ("H0", "H1", "H2", "H3")
OPS = ("upsert", "recall")
MAX_VERSION = 2**31 - 1

_NODE_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
_COUNTRY = re.compile(r"[A-Z]{2}")
_KIND = re.compile(r"[a-z][a-z0-9-]{0,39}")
_KID = re.compile(r"[0-9a-f]{64}")
_ISSUED_AT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z")
_B64URL = re.compile(r"[A-Za-z0-9_-]*")

_ENVELOPE_KEYS = frozenset(
    {"kind", "uuid", "origin", "origin_country", "version", "markings", "body", "op", "issued_at"}
)
_MARKING_KEYS = frozenset({"tlp", "handling", "handling_note", "released_to"})
_HEADER_KEYS = frozenset({"alg", "kid", "typ"})


class EnvelopeError(ValueError):
    """An envelope (or other signed statement) was refused. ``reason`` is a short code."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


# --- encoding helpers ----------------------------------------------------------------------


def canonical_json(value: Any) -> bytes:
    """Sorted keys, no whitespace, UTF-8, no NaN/Infinity."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str, what: str = "value") -> bytes:
    """Strict: only the base64url alphabet, no padding, and the canonical encoding."""
    if not _B64URL.fullmatch(text) or len(text) % 4 == 1:
        raise EnvelopeError("malformed", f"{what} is not base64url")
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise EnvelopeError("malformed", f"{what} is not base64url") from exc
    if b64url_encode(data) != text:
        raise EnvelopeError("malformed", f"{what} is not canonical base64url")
    return data


def raw_key(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(public_key: Ed25519PublicKey) -> str:
    """Lower-case hex SHA-256 of the raw public key (= the fingerprint without spaces)."""
    return hashlib.sha256(raw_key(public_key)).hexdigest()


def public_key_from_b64(text: str) -> Ed25519PublicKey:
    data = b64url_decode(text, "public key")
    if len(data) != 32:
        raise EnvelopeError("bad_key", "an Ed25519 public key has 32 bytes")
    return Ed25519PublicKey.from_public_bytes(data)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("duplicate key in object")
    return result


def strict_json(data: bytes, what: str = "payload") -> Any:
    """Parse JSON strictly: UTF-8, no duplicate keys, no NaN/Infinity, bounded nesting."""
    try:
        text = data.decode("utf-8")
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise EnvelopeError("invalid_json", f"{what} is not valid JSON: {exc}") from exc


def utc_stamp(when: dt.datetime | None = None) -> str:
    when = (when or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    return f"{when.year:04d}-" + when.strftime("%m-%dT%H:%M:%S.%fZ")


def is_utc_stamp(value: Any) -> bool:
    """Whether ``value`` is a UTC stamp as :func:`utc_stamp` writes it."""
    return isinstance(value, str) and _ISSUED_AT.fullmatch(value) is not None


# --- JWS --------------------------------------------------------------------------------------


def _nacl_verify_key(key: Ed25519PublicKey) -> VerifyKey:
    """The PyNaCl (libsodium) twin of a `cryptography` public key: same raw 32 bytes,
    verification about twice as fast. Cached per key object."""
    found = _VERIFY_KEYS.get(id(key))
    if found is not None and found[0] is key:
        return found[1]
    if len(_VERIFY_KEYS) > 256:
        _VERIFY_KEYS.clear()
    verify_key = VerifyKey(raw_key(key))
    _VERIFY_KEYS[id(key)] = (key, verify_key)
    return verify_key


#: id(cryptography key) → (that key, kept alive so the id stays its own; libsodium key).
_VERIFY_KEYS: dict[int, tuple[Ed25519PublicKey, VerifyKey]] = {}


class Signer:
    """Signs with one private key; the protected header is computed once. Ed25519
    signatures are deterministic: signing with libsodium (PyNaCl, faster) gives exactly
    the bytes `cryptography` would."""

    def __init__(self, private_key: Ed25519PrivateKey) -> None:
        self.private_key = private_key
        self.kid = key_id(private_key.public_key())
        self._headers: dict[str, str] = {}
        self._nacl = SigningKey(
            private_key.private_bytes(
                serialization.Encoding.Raw,
                serialization.PrivateFormat.Raw,
                serialization.NoEncryption(),
            )
        )

    def header(self, typ: str) -> str:
        found = self._headers.get(typ)
        if found is None:
            found = b64url_encode(canonical_json({"alg": "EdDSA", "kid": self.kid, "typ": typ}))
            self._headers[typ] = found
        return found

    def sign_bytes(self, payload: bytes, typ: str) -> str:
        signing_input = self.header(typ) + "." + b64url_encode(payload)
        signature = self._nacl.sign(signing_input.encode("ascii")).signature
        return signing_input + "." + b64url_encode(signature)

    def sign_json(self, value: Any, typ: str) -> str:
        return self.sign_bytes(canonical_json(value), typ)


def verify_jws(
    token: str | bytes,
    keys: Mapping[str, Ed25519PublicKey],
    typ: str,
    *,
    max_bytes: int = MAX_ENVELOPE_BYTES,
) -> tuple[str, bytes]:
    """Check a compact JWS; return (kid, payload bytes). ``keys`` maps key ids to keys."""
    if isinstance(token, bytes | bytearray):
        if len(token) > max_bytes:
            raise EnvelopeError("too_large", f"signed statement over {max_bytes} bytes")
        try:
            token = bytes(token).decode("ascii")
        except UnicodeDecodeError as exc:
            raise EnvelopeError("malformed", "signed statement is not ASCII") from exc
    if not isinstance(token, str):
        raise EnvelopeError("malformed", "signed statement must be a string")
    if len(token) > max_bytes:
        raise EnvelopeError("too_large", f"signed statement over {max_bytes} bytes")
    parts = token.split(".")
    if len(parts) != 3:
        raise EnvelopeError("malformed", "not a compact JWS (three dot-separated parts)")
    header_b64, payload_b64, signature_b64 = parts
    header = _HEADERS.get(header_b64)
    if header is None:
        header = _check_header(header_b64)
        if len(_HEADERS) > 256:
            _HEADERS.clear()
        _HEADERS[header_b64] = header
    if header["typ"] != typ:
        raise EnvelopeError("bad_header", f"expected a {typ}, got {header['typ']!r}")
    kid = header["kid"]
    payload = b64url_decode(payload_b64, "JWS payload")
    signature = b64url_decode(signature_b64, "JWS signature")
    key = keys.get(kid)
    if key is None and isinstance(keys, KeyRing) and kid in keys.revoked:
        raise EnvelopeError("revoked_key", f"signed by key {kid[:16]}…, which was revoked")
    if key is None:
        raise EnvelopeError("unknown_key", f"signed by key {kid[:16]}…, which is not trusted")
    if len(signature) != 64:
        raise EnvelopeError("bad_signature", "signature does not verify (wrong length)")
    signed = (header_b64 + "." + payload_b64).encode("ascii")
    try:
        if isinstance(key, Ed25519PublicKey):
            _nacl_verify_key(key).verify(signed, signature)
        else:  # any object with cryptography's verify(signature, data)
            key.verify(signature, signed)
    except (InvalidSignature, BadSignatureError) as exc:
        raise EnvelopeError("bad_signature", "signature does not verify") from exc
    return kid, payload


class KeyRing(dict[str, Ed25519PublicKey]):
    """A peer's trusted keys by key id. A key the peer rotated away from stays in the ring
    but only for statements issued up to ``not_after[kid]`` (a UTC stamp): whoever holds a
    retired key cannot speak for the peer about anything later. Revoked keys are not in the
    ring at all; their ids are kept so the refusal can say so."""

    def __init__(
        self,
        keys: Mapping[str, Ed25519PublicKey] | None = None,
        not_after: Mapping[str, str] | None = None,
        revoked: set[str] | frozenset[str] = frozenset(),
    ) -> None:
        super().__init__(keys or {})
        self.not_after = dict(not_after or {})
        #: Key ids an operator revoked: refused with their own reason, never trusted.
        self.revoked = frozenset(revoked)

    def check_issued(self, kid: str, issued_at: Any) -> None:
        """Refuse a statement by a retired key unless it was issued before the key's end."""
        limit = self.not_after.get(kid)
        if limit is None:
            return
        if not is_utc_stamp(issued_at):
            raise EnvelopeError(
                "retired_key", f"signed by retired key {kid[:16]}… without an issue time"
            )
        if issued_at > limit:
            raise EnvelopeError(
                "retired_key",
                f"signed by key {kid[:16]}…, retired for statements issued after {limit} "
                f"(this one: {issued_at})",
            )


#: Checked JWS headers (a node signs thousands of envelopes with one header).
_HEADERS: dict[str, dict[str, str]] = {}


def _check_header(header_b64: str) -> dict[str, str]:
    header = strict_json(b64url_decode(header_b64, "JWS header"), "JWS header")
    if not isinstance(header, dict) or set(header) != _HEADER_KEYS:
        raise EnvelopeError("bad_header", "JWS header must have exactly alg, kid and typ")
    if header["alg"] != "EdDSA":
        raise EnvelopeError("bad_header", f"JWS algorithm must be EdDSA, not {header['alg']!r}")
    if not isinstance(header["typ"], str):
        raise EnvelopeError("bad_header", "JWS typ must be a string")
    kid = header["kid"]
    if not isinstance(kid, str) or not _KID.fullmatch(kid):
        raise EnvelopeError("bad_header", "JWS key id must be 64 lower-case hex digits")
    return header


# --- signed requests ------------------------------------------------------------------------


def request_signing_text(
    method: str, path: str, to: str, sender: str, ts: str, nonce: str, body: bytes
) -> bytes:
    """What a node signs to authenticate an HTTP request to a peer (headers X-Liaison-From,
    -To, -Time, -Nonce, -Key, -Signature): method, path with query, both node ids, the time
    stamp, a one-time nonce and the SHA-256 of the body."""
    digest = hashlib.sha256(body).hexdigest()
    return "\n".join(
        ["LIAISON-REQUEST-1", method.upper(), path, to, sender, ts, nonce, digest]
    ).encode("utf-8")


# --- envelopes --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Markings:
    tlp: str
    handling: str
    handling_note: str = ""
    released_to: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "tlp": self.tlp,
            "handling": self.handling,
            "handling_note": self.handling_note,
            "released_to": list(self.released_to),
        }


@dataclass(frozen=True, slots=True)
class Envelope:
    kind: str
    uuid: str
    origin: str
    origin_country: str
    version: int
    markings: Markings
    body: Mapping[str, Any] = field(default_factory=dict)
    op: str = "upsert"
    issued_at: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "uuid": self.uuid,
            "origin": self.origin,
            "origin_country": self.origin_country,
            "version": self.version,
            "markings": self.markings.to_dict(),
            "body": dict(self.body),
            "op": self.op,
            "issued_at": self.issued_at,
        }

    @property
    def order_key(self) -> tuple[int, str]:
        """Which of two envelopes of one record is newer: higher version, then later issue
        (a recall, or a re-release with other markings, keeps the record's version)."""
        return (self.version, self.issued_at)


def sign_envelope(envelope: Envelope, signer: Signer) -> str:
    data = envelope.to_dict()
    validate(data)  # never sign what a receiver would refuse
    return signer.sign_json(data, TYP_ENVELOPE)


def _fail(message: str) -> EnvelopeError:
    return EnvelopeError("schema", message)


def _string(
    value: Any, name: str, pattern: re.Pattern[str] | None = None, max_len: int = 300
) -> str:
    if not isinstance(value, str):
        raise _fail(f"{name} must be a string")
    if len(value) > max_len:
        raise _fail(f"{name} is longer than {max_len} characters")
    if pattern is not None and not pattern.fullmatch(value):
        raise _fail(f"{name} {value[:80]!r} is not in the expected form")
    return value


def validate(data: Any) -> Envelope:
    """Check the decoded payload against the schema; return the envelope."""
    if not isinstance(data, dict):
        raise _fail("envelope must be a JSON object")
    keys = set(data)
    if keys != _ENVELOPE_KEYS:
        missing, extra = sorted(_ENVELOPE_KEYS - keys), sorted(keys - _ENVELOPE_KEYS)
        raise _fail(f"envelope keys wrong (missing {missing}, unexpected {extra})")
    kind = _string(data["kind"], "kind", _KIND)
    raw_uuid = _string(data["uuid"], "uuid", max_len=36)
    try:
        parsed_uuid = uuidlib.UUID(raw_uuid)
    except ValueError as exc:
        raise _fail(f"uuid {raw_uuid[:40]!r} is not a UUID") from exc
    if str(parsed_uuid) != raw_uuid:
        raise _fail("uuid must be in canonical lower-case form")
    origin = _string(data["origin"], "origin", _NODE_ID)
    origin_country = _string(data["origin_country"], "origin_country", _COUNTRY)
    version = data["version"]
    if type(version) is not int or not 1 <= version <= MAX_VERSION:
        raise _fail("version must be an integer from 1")
    op = data["op"]
    if op not in OPS:
        raise _fail(f"op must be one of {', '.join(OPS)}")
    issued_at = _string(data["issued_at"], "issued_at", _ISSUED_AT)
    try:
        dt.datetime.fromisoformat(issued_at[:-1])
    except ValueError as exc:
        raise _fail(f"issued_at {issued_at!r} is not a valid time") from exc
    markings = data["markings"]
    if not isinstance(markings, dict) or set(markings) != _MARKING_KEYS:
        raise _fail("markings must have exactly tlp, handling, handling_note, released_to")
    tlp = markings["tlp"]
    if tlp not in TLP_ALL:
        raise _fail(f"markings.tlp must be one of {', '.join(TLP_ALL)}")
    if tlp == "RED":
        raise EnvelopeError("tlp_red", "a TLP:RED record never leaves its node; refused")
    handling = markings["handling"]
    if handling not in HANDLING_CODES:
        raise _fail(f"markings.handling must be one of {', '.join(HANDLING_CODES)}")
    note = _string(markings["handling_note"], "markings.handling_note")
    released_to = markings["released_to"]
    if not isinstance(released_to, list) or len(released_to) > 100:
        raise _fail("markings.released_to must be a list of node ids")
    for item in released_to:
        _string(item, "markings.released_to[]", _NODE_ID)
    body = data["body"]
    if not isinstance(body, dict):
        raise _fail("body must be a JSON object")
    if op == "recall" and body:
        raise _fail("a recall carries an empty body")
    return Envelope(
        kind=kind,
        uuid=raw_uuid,
        origin=origin,
        origin_country=origin_country,
        version=version,
        markings=Markings(tlp, handling, note, tuple(released_to)),
        body=body,
        op=op,
        issued_at=issued_at,
    )


def _canonical_or_none(payload: bytes) -> Any:
    """Fast path: parse with the C decoder and accept the result only when re-encoding it
    canonically gives back exactly ``payload``. That rules out everything the strict parser
    refuses (duplicate keys — the re-encoding would have fewer —, NaN/Infinity, non-UTF-8,
    lone surrogates, whitespace, unsorted keys), so None sends the caller down the strict,
    explaining path."""
    try:
        data = json.loads(payload)
        if canonical_json(data) == payload:
            return data
    except (ValueError, RecursionError, TypeError):
        pass
    return None


def parse(
    token: str | bytes,
    keys: Mapping[str, Ed25519PublicKey],
    *,
    expected_origin: str | None = None,
    max_bytes: int = MAX_ENVELOPE_BYTES,
) -> Envelope:
    """Verify and decode one envelope. ``keys`` are the signer peer's trusted keys (by key
    id); ``expected_origin`` is that peer's node id: a node only speaks for its own records."""
    kid, payload = verify_jws(token, keys, TYP_ENVELOPE, max_bytes=max_bytes)
    data = _canonical_or_none(payload)
    if data is None:  # not canonical: the strict path names what is wrong
        data = strict_json(payload)
        envelope = validate(data)
        raise _fail("payload is not in canonical JSON form")
    envelope = validate(data)
    if expected_origin is not None and envelope.origin != expected_origin:
        raise EnvelopeError(
            "foreign_origin",
            f"record claims origin {envelope.origin!r} but was signed by {expected_origin!r}",
        )
    if isinstance(keys, KeyRing):
        keys.check_issued(kid, envelope.issued_at)
    return envelope


def parse_statement(
    token: str | bytes,
    keys: Mapping[str, Ed25519PublicKey],
    typ: str,
    *,
    max_bytes: int = 4 * 1024 * 1024,
) -> dict[str, Any]:
    """Verify a signed statement other than an envelope (receipt, key rotation, manifest)."""
    kid, payload = verify_jws(token, keys, typ, max_bytes=max_bytes)
    data = strict_json(payload, typ)
    if not isinstance(data, dict):
        raise _fail(f"{typ} must be a JSON object")
    if isinstance(keys, KeyRing):
        keys.check_issued(kid, data.get("issued_at"))
    return data
