"""Federation operations, one module per mechanism; the only code that writes the exchange
models:

* :mod:`.peers` — this node's key and its rotation, peering, a peer's keys, peer status;
* :mod:`.release` — releasing (proposal, approval, bulk, automatic), withdrawal and recall;
* :mod:`.outbox` — the per-peer feed of signed envelopes, delivery state of a record;
* :mod:`.inbox` — verifying and applying what a peer sends, refusals, pings;
* :mod:`.receipts` — signed receipts, sent and received;
* :mod:`.signing` — signed HTTP requests between nodes.

This package exports what other apps, commands and tests use. Other apps call:

* :func:`record_changed` after a service saved a new version of a record (a ``post_save``
  signal on every Record subclass calls it too, so forgetting it is harmless);
* :func:`release_to`, :func:`propose_release`, :func:`approve_release`,
  :func:`decline_release`, :func:`withdraw_release`, :func:`bulk_release`,
  :func:`auto_release` for releases; :func:`releases_of` / :func:`delivery_status` to show
  them on a record's page;
* :func:`sign_request` / :func:`verify_request` for their own node-to-node endpoints;
* :func:`peer_status` for ``liaison status``.

Inside the exchange app, modules import from the mechanism module itself.
"""

from liaison.exchange.services.inbox import apply_envelopes
from liaison.exchange.services.outbox import delivery_status, feed_page, outbox_head
from liaison.exchange.services.peers import (
    PeerError,
    add_peer,
    check_identity,
    peer_status,
    remove_peer,
    signer,
    this_node,
)
from liaison.exchange.services.receipts import accept_receipt, build_receipt, receipt_sent
from liaison.exchange.services.release import (
    approve_release,
    auto_release,
    bulk_release,
    decline_release,
    propose_release,
    record_changed,
    release_to,
    releases_of,
    withdraw_release,
)
from liaison.exchange.services.signing import RequestRefused, sign_request, verify_request

__all__ = [
    "PeerError",
    "RequestRefused",
    "accept_receipt",
    "add_peer",
    "apply_envelopes",
    "approve_release",
    "auto_release",
    "build_receipt",
    "bulk_release",
    "check_identity",
    "decline_release",
    "delivery_status",
    "feed_page",
    "outbox_head",
    "peer_status",
    "propose_release",
    "receipt_sent",
    "record_changed",
    "release_to",
    "releases_of",
    "remove_peer",
    "sign_request",
    "signer",
    "this_node",
    "verify_request",
    "withdraw_release",
]
