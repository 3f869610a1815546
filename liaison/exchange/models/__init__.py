"""Federation state, one module per mechanism: peers and keys, releases, the outbox (feed),
the inbox (what this node holds from its peers and what it refused), receipts and the
nonces of signed requests."""

from liaison.exchange.models.inbox import Holding, Rejection
from liaison.exchange.models.outbox import OutboxEntry
from liaison.exchange.models.peers import KeyRotation, Peer, PeerStatus
from liaison.exchange.models.receipts import Receipt
from liaison.exchange.models.release import Release, ReleaseState
from liaison.exchange.models.signing import SeenNonce

__all__ = [
    "Holding",
    "KeyRotation",
    "OutboxEntry",
    "Peer",
    "PeerStatus",
    "Receipt",
    "Rejection",
    "Release",
    "ReleaseState",
    "SeenNonce",
]
