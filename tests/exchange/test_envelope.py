"""The envelope format: signing, strict parsing, and property tests of the parser."""

from __future__ import annotations

import uuid

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liaison.exchange import envelope as env
from liaison.exchange.envelope import Envelope, EnvelopeError, Markings, Signer

KEY = Ed25519PrivateKey.generate()
SIGNER = Signer(KEY)
KEYS = {SIGNER.kid: KEY.public_key()}
OTHER = Signer(Ed25519PrivateKey.generate())


def make(**over) -> Envelope:  # type: ignore[no-untyped-def]
    data = dict(
        kind="cases",
        uuid=str(uuid.uuid4()),
        origin="vn-abc123",
        origin_country="VN",
        version=1,
        markings=Markings("AMBER", "H0", "", ("la-def456",)),
        body={"case_ref": "NA-2026-001", "summary": "Bắt giữ 2 đối tượng", "n": 3},
        op="upsert",
        issued_at=env.utc_stamp(),
    )
    data.update(over)
    return Envelope(**data)  # type: ignore[arg-type]


def test_round_trip() -> None:
    e = make()
    token = env.sign_envelope(e, SIGNER)
    assert env.parse(token, KEYS, expected_origin="vn-abc123") == e


def test_payload_is_canonical_json() -> None:
    token = env.sign_envelope(make(), SIGNER)
    payload = env.b64url_decode(token.split(".")[1])
    assert b" " not in payload.replace("Bắt giữ 2 đối tượng".encode(), b"")
    assert "Bắt giữ".encode() in payload  # UTF-8, not \\u escapes


def test_wrong_key_refused() -> None:
    token = env.sign_envelope(make(), OTHER)
    with pytest.raises(EnvelopeError) as info:
        env.parse(token, KEYS)
    assert info.value.reason == "unknown_key"


def test_forged_kid_refused() -> None:
    # Signed by another key but claiming our key id.
    header = env.b64url_encode(
        env.canonical_json({"alg": "EdDSA", "kid": SIGNER.kid, "typ": env.TYP_ENVELOPE})
    )
    payload = env.b64url_encode(env.canonical_json(make().to_dict()))
    sig = OTHER.private_key.sign(f"{header}.{payload}".encode())
    with pytest.raises(EnvelopeError) as info:
        env.parse(f"{header}.{payload}.{env.b64url_encode(sig)}", KEYS)
    assert info.value.reason == "bad_signature"


def test_red_refused_even_when_signed() -> None:
    data = make().to_dict()
    data["markings"]["tlp"] = "RED"
    token = SIGNER.sign_json(data, env.TYP_ENVELOPE)
    with pytest.raises(EnvelopeError) as info:
        env.parse(token, KEYS)
    assert info.value.reason == "tlp_red"
    with pytest.raises(EnvelopeError):
        env.sign_envelope(make(markings=Markings("RED", "H0")), SIGNER)


def test_foreign_origin_refused() -> None:
    token = env.sign_envelope(make(origin="th-999"), SIGNER)
    with pytest.raises(EnvelopeError) as info:
        env.parse(token, KEYS, expected_origin="vn-abc123")
    assert info.value.reason == "foreign_origin"
    assert "th-999" in str(info.value)


def test_size_limit() -> None:
    token = env.sign_envelope(make(body={"x": "a" * 300_000}), SIGNER)
    with pytest.raises(EnvelopeError) as info:
        env.parse(token, KEYS)
    assert info.value.reason == "too_large"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("op"), "missing ['op']"),
        (lambda d: d.update(extra=1), "unexpected ['extra']"),
        (lambda d: d.update(version=0), "version"),
        (lambda d: d.update(version="2"), "version"),
        (lambda d: d.update(version=True), "version"),
        (lambda d: d.update(uuid="not-a-uuid"), "uuid"),
        (lambda d: d.update(op="delete"), "op must be"),
        (lambda d: d.update(issued_at="yesterday"), "issued_at"),
        (lambda d: d["markings"].update(handling="H9"), "handling"),
        (lambda d: d["markings"].update(tlp="PINK"), "tlp"),
        (lambda d: d.update(body=[1]), "body"),
        (lambda d: d.update(op="recall"), "empty body"),
    ],
)
def test_schema_violations_named(change, message) -> None:  # type: ignore[no-untyped-def]
    data = make().to_dict()
    change(data)
    token = SIGNER.sign_json(data, env.TYP_ENVELOPE)
    with pytest.raises(EnvelopeError) as info:
        env.parse(token, KEYS)
    assert info.value.reason == "schema"
    assert message in str(info.value)


def test_non_canonical_payload_refused() -> None:
    import json

    data = make().to_dict()
    payload = json.dumps(data, indent=1).encode()
    token = SIGNER.sign_bytes(payload, env.TYP_ENVELOPE)
    with pytest.raises(EnvelopeError, match="canonical"):
        env.parse(token, KEYS)


def test_duplicate_keys_and_nan_refused() -> None:
    for payload in (b'{"a":1,"a":2}', b'{"a":NaN}'):
        token = SIGNER.sign_bytes(payload, env.TYP_ENVELOPE)
        with pytest.raises(EnvelopeError) as info:
            env.parse(token, KEYS)
        assert info.value.reason == "invalid_json"


def test_wrong_type_and_alg_refused() -> None:
    token = SIGNER.sign_json(make().to_dict(), env.TYP_RECEIPT)
    with pytest.raises(EnvelopeError, match="expected a liaison-envelope"):
        env.parse(token, KEYS)
    header = env.b64url_encode(
        env.canonical_json({"alg": "none", "kid": SIGNER.kid, "typ": env.TYP_ENVELOPE})
    )
    payload = token.split(".")[1]
    with pytest.raises(EnvelopeError, match="EdDSA"):
        env.parse(f"{header}.{payload}.", KEYS)


# --- property tests -----------------------------------------------------------------------

json_leaf = st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=40)
json_value = st.recursive(
    json_leaf,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=20,
)
envelopes = st.builds(
    Envelope,
    kind=st.from_regex(r"[a-z][a-z0-9-]{0,20}", fullmatch=True),
    uuid=st.uuids().map(str),
    origin=st.from_regex(r"[a-z]{2}-[0-9a-f]{1,12}", fullmatch=True),
    origin_country=st.from_regex(r"[A-Z]{2}", fullmatch=True),
    version=st.integers(1, env.MAX_VERSION),
    markings=st.builds(
        Markings,
        tlp=st.sampled_from(env.TLP_RELEASABLE),
        handling=st.sampled_from(env.HANDLING_CODES),
        handling_note=st.text(max_size=50),
        released_to=st.lists(
            st.from_regex(r"[a-z]{2}-[0-9a-f]{1,12}", fullmatch=True), max_size=3
        ).map(tuple),
    ),
    body=st.dictionaries(st.text(max_size=12), json_value, max_size=6),
    op=st.just("upsert"),
    issued_at=st.datetimes(timezones=st.just(__import__("datetime").UTC)).map(env.utc_stamp),
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(envelopes)
def test_property_round_trip(e: Envelope) -> None:
    token = env.sign_envelope(e, SIGNER)
    assert env.parse(token, KEYS, expected_origin=e.origin) == e


@settings(max_examples=500)
@given(st.binary(max_size=2000) | st.text(max_size=2000))
def test_property_arbitrary_input_never_crashes(data: bytes | str) -> None:
    try:
        env.parse(data, KEYS)
    except EnvelopeError as exc:
        assert exc.reason and str(exc)


@settings(max_examples=300)
@given(st.text(alphabet="ABCabc012_-.", max_size=300))
def test_property_jws_like_input_never_crashes(text: str) -> None:
    with pytest.raises(EnvelopeError):
        env.parse(text, KEYS)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(envelopes, st.data())
def test_property_any_tampering_detected(e: Envelope, data: st.DataObject) -> None:
    token = env.sign_envelope(e, SIGNER)
    position = data.draw(st.integers(0, len(token) - 1))
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."
    replacement = data.draw(st.sampled_from(alphabet).filter(lambda c: c != token[position]))
    tampered = token[:position] + replacement + token[position + 1 :]
    with pytest.raises(EnvelopeError):
        env.parse(tampered, KEYS)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(envelopes, st.data())
def test_property_payload_tampering_detected(e: Envelope, data: st.DataObject) -> None:
    """Re-encoding a changed payload under the original signature never verifies."""
    token = env.sign_envelope(e, SIGNER)
    header, payload, sig = token.split(".")
    raw = bytearray(env.b64url_decode(payload))
    i = data.draw(st.integers(0, len(raw) - 1))
    raw[i] = (raw[i] + data.draw(st.integers(1, 255))) % 256
    with pytest.raises(EnvelopeError):
        env.parse(f"{header}.{env.b64url_encode(bytes(raw))}.{sig}", KEYS)
