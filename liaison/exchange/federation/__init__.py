"""The federation endpoints under /federation/v1/ (node-to-node; not for browsers), one
module per mechanism:

* ``GET identity`` (:mod:`.peers`) — this node's id, key and key rotations; public;
* ``GET feed?after=N&limit=M`` (:mod:`.outbox`) — the envelopes released to the caller;
* ``POST ping`` (:mod:`.inbox`) — the caller has new entries: pull from it soon;
* ``POST receipts`` (:mod:`.receipts`) — the caller confirms what it applied or refused.

Every call but ``identity`` must be a signed request from an active peer (:mod:`.signing`,
:func:`liaison.exchange.services.signing.verify_request`). Refusals answer with a JSON body
``{"error": reason, "detail": message}`` and are logged and counted on the peer's status.
"""
