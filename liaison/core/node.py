"""This node's identity: id, country, name, URL and its Ed25519 key pair in the home folder."""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

PRIVATE_KEY_FILE = "node_key.pem"
PUBLIC_KEY_FILE = "node_key.pub"


class NodeNotInitialised(RuntimeError):
    pass


@dataclass(frozen=True)
class NodeIdentity:
    id: str
    country: str
    name: str
    url: str
    fingerprint: str
    public_key: str  # base64url of the raw 32-byte Ed25519 public key


def fingerprint_of(public_key_raw: bytes) -> str:
    """SHA-256 of the raw public key, as 16 groups of 4 hex digits (read over the hotline)."""
    digest = hashlib.sha256(public_key_raw).hexdigest()
    return " ".join(digest[i : i + 4] for i in range(0, 64, 4))


def normalise_fingerprint(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch in "0123456789abcdef")


def raw_public_key(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def write_key_pair(home: Path) -> Ed25519PrivateKey:
    """Make a new key pair; the private key file is created with mode 0600."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path = home / PRIVATE_KEY_FILE
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    (home / PUBLIC_KEY_FILE).write_text(b64url(raw_public_key(key.public_key())) + "\n")
    return key


def new_node_settings(country: str, name: str, url: str, database_url: str | None) -> dict:
    node_id = f"{country.lower()}-{uuid.uuid4().hex[:12]}"
    data = {"id": node_id, "country": country, "name": name, "url": url}
    if database_url:
        data["database_url"] = database_url
    return data


def write_node_settings(home: Path, data: dict) -> None:
    path = home / "node.json"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    path.chmod(0o600)


#: Files in the node home only the node's own account may read (the public key may stay
#: readable). SQLite gives the -wal and -shm files the database file's mode.
PRIVATE_FILES = (
    "node.json",
    "secret_key",
    PRIVATE_KEY_FILE,
    "liaison.sqlite3",
    "liaison.sqlite3-wal",
    "liaison.sqlite3-shm",
    "audit_head.json",
    "audit_head.json.lock",
)


def secure_home(path: Path) -> None:
    """Home 0700, its private files 0600: also for a node made before these modes."""
    path.chmod(0o700)
    for name in PRIVATE_FILES:
        if (path / name).exists():
            (path / name).chmod(0o600)


def home() -> Path:
    return Path(settings.HOME)


@functools.cache
def signing_key() -> Ed25519PrivateKey:
    try:
        pem = (home() / PRIVATE_KEY_FILE).read_bytes()
    except OSError as exc:
        raise NodeNotInitialised(f"no node key in {home()}; run `liaison init` first") from exc
    key = serialization.load_pem_private_key(pem, password=None)
    assert isinstance(key, Ed25519PrivateKey)
    return key


@functools.cache
def this_node() -> NodeIdentity:
    data = settings.NODE
    if not data.get("id"):
        raise NodeNotInitialised(f"no node in {home()}; run `liaison init` first")
    raw = raw_public_key(signing_key().public_key())
    return NodeIdentity(
        id=data["id"],
        country=data["country"],
        name=data.get("name", ""),
        url=data.get("url", ""),
        fingerprint=fingerprint_of(raw),
        public_key=b64url(raw),
    )


def is_initialised() -> bool:
    return bool(settings.NODE.get("id")) and (home() / PRIVATE_KEY_FILE).exists()
