"""The audit chain's signed head: sequence number, hash and count of the newest committed
entry, signed with the node's Ed25519 key and kept in a file in the node home.

Why a file and not a row: a signed row in the database could be rolled back together with
the entries it covers (keep a copy of an old head row, later delete the newest entries and
put the old row back: every signature still checks). Whoever can write only the database
(a PostgreSQL administrator, an edited backup that is restored) cannot reach the node home,
so the file is the anchor that makes a cut at the end of the chain visible. It is rewritten
after every commit that appends entries and only ever moves forward.

No Django here: the test plugin writes a first head before Django is configured.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

GENESIS = "0" * 64


class HeadInvalid(Exception):
    """The head file is unreadable or its signature does not check."""


@dataclass(frozen=True)
class SignedHead:
    node: str
    seq: int
    hash: str
    count: int
    at: str

    def signing_text(self) -> bytes:
        body = json.dumps(asdict(self), sort_keys=True, separators=(",", ":"))
        return b"liaison-audit-head\n" + body.encode("utf-8")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def read(path: Path, public_key: Ed25519PublicKey) -> SignedHead | None:
    """The signed head in ``path`` (None when there is no file)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise HeadInvalid(f"unreadable ({exc})") from exc
    try:
        head = SignedHead(**data["head"])
        public_key.verify(_unb64(data["signature"]), head.signing_text())
    except (KeyError, TypeError, ValueError, InvalidSignature) as exc:
        raise HeadInvalid("its signature does not check with this node's key") from exc
    return head


def advance(path: Path, key: Ed25519PrivateKey, head: SignedHead) -> bool:
    """Sign ``head`` into ``path`` unless the file already holds a newer one (several
    processes commit; the slowest must not move the head back). True when written."""
    lock = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            current = json.loads(path.read_text(encoding="utf-8"))["head"]["seq"]
        except (OSError, ValueError, KeyError, TypeError):
            current = -1
        if current >= head.seq:
            return False
        signature = _b64(key.sign(head.signing_text()))
        text = json.dumps({"head": asdict(head), "signature": signature}, indent=2) + "\n"
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
        return True
    finally:
        os.close(lock)
