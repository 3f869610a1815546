"""The sync worker (`liaison sync`): pull every peer's feed, send receipts and pings, back
off while a peer is unreachable and catch up when it is back."""

from __future__ import annotations

import datetime as dt
import logging
import os
import random
import signal
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from django.db import close_old_connections
from django.utils import timezone

from liaison.exchange import envelope as env
from liaison.exchange.client import PeerClient, PeerUnreachable, fetch_identity
from liaison.exchange.models import Peer, PeerStatus
from liaison.exchange.services.inbox import apply_envelopes, apply_summary
from liaison.exchange.services.outbox import outbox_head
from liaison.exchange.services.peers import learn_rotations, peer_keys
from liaison.exchange.services.receipts import build_receipt, receipt_sent

log = logging.getLogger("liaison.exchange.sync")

#: Seconds between pulls when nobody pings (env LIAISON_SYNC_INTERVAL).
POLL_INTERVAL = float(os.environ.get("LIAISON_SYNC_INTERVAL", "10"))
#: Longest wait between attempts while a peer is down (env LIAISON_SYNC_MAX_BACKOFF).
MAX_BACKOFF = float(os.environ.get("LIAISON_SYNC_MAX_BACKOFF", "60"))
PAGE_SIZE = int(os.environ.get("LIAISON_SYNC_PAGE", "2000"))


@dataclass
class CycleResult:
    peer: str
    ok: bool = True
    applied: int = 0
    ignored: int = 0
    rejected: int = 0
    pages: int = 0
    error: str = ""
    reasons: dict[str, int] = field(default_factory=dict)

    def line(self) -> str:
        if not self.ok:
            return f"{self.peer}: FAILED: {self.error}"
        return (
            f"{self.peer}: {apply_summary(self.applied, self.ignored, self.rejected, self.reasons)}"
        )


def _kids_in(items: list[tuple[int, str]]) -> set[str]:
    """Key ids named by the envelopes' headers (one decode per distinct header)."""
    kids: set[str] = set()
    seen: set[str] = set()
    for _seq, token in items:
        header = token.split(".", 1)[0]
        if header in seen:
            continue
        seen.add(header)
        try:
            data = env.strict_json(env.b64url_decode(header))
            if isinstance(data, dict) and isinstance(data.get("kid"), str):
                kids.add(data["kid"])
        except env.EnvelopeError:
            continue
    return kids


def refresh_keys(peer: Peer) -> bool:
    """Fetch the peer's identity and learn a rotated key it signed with its old one."""
    try:
        identity = fetch_identity(peer.url)
    except PeerUnreachable as exc:
        log.warning("cannot refresh keys of %s: %s", peer.name, exc)
        return False
    if identity.get("node_id") != peer.node_id:
        log.warning("%s now answers as %r; keys not changed", peer.name, identity.get("node_id"))
        return False
    return learn_rotations(peer, identity)


def pull(peer: Peer, client: PeerClient, result: CycleResult, page_size: int = PAGE_SIZE) -> None:
    """Pull pages until the feed is drained. The next page is fetched while the current one
    is verified and applied (the cursor for it is known before applying)."""
    refreshed = False
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="liaison-prefetch") as pool:
        pending: Future[dict[str, Any]] = pool.submit(client.feed, peer.pull_cursor, page_size)
        while True:
            page = pending.result()
            items = [(item["seq"], item["jws"]) for item in page["items"]]
            if not items:
                break
            if page["more"]:
                pending = pool.submit(client.feed, items[-1][0], page_size)
            if not refreshed and _kids_in(items) - set(peer_keys(peer)):
                refresh_keys(peer)
                refreshed = True
            applied = apply_envelopes(peer, items, cursor=items[-1][0])
            result.pages += 1
            result.applied += applied.applied
            result.ignored += applied.ignored
            result.rejected += len(applied.rejected)
            for reason, count in applied.reason_counts().items():
                result.reasons[reason] = result.reasons.get(reason, 0) + count
            if not page["more"]:
                break


def send_receipts(peer: Peer, client: PeerClient) -> None:
    while True:
        built = build_receipt(peer)
        if built is None:
            return
        token, ids = built
        through = peer.pull_cursor
        client.receipt(token)
        receipt_sent(peer, through, ids)
        if not ids:
            return


def cycle(peer: Peer, *, ping: bool = True) -> CycleResult:
    """One exchange with one peer: pull all, acknowledge, tell it about our new entries."""
    result = CycleResult(peer.name)
    Peer.objects.filter(pk=peer.pk).update(pull_requested=False)
    try:
        with PeerClient(peer) as client:
            pull(peer, client, result)
            send_receipts(peer, client)
            head = outbox_head(peer)
            if ping and head > peer.pinged_through:
                client.ping()
                Peer.objects.filter(pk=peer.pk).update(pinged_through=head)
    except PeerUnreachable as exc:
        result.ok, result.error = False, str(exc)
    now = timezone.now()
    if result.ok:
        Peer.objects.filter(pk=peer.pk).update(
            failures=0, retry_at=None, last_error="", last_contact=now
        )
    else:
        failures = peer.failures + 1
        delay = min(MAX_BACKOFF, 2 ** min(failures - 1, 16)) * (0.8 + 0.4 * random.random())  # noqa: S311
        Peer.objects.filter(pk=peer.pk).update(
            failures=failures,
            retry_at=now + dt.timedelta(seconds=delay),
            last_error=result.error[:2000],
            last_error_at=now,
        )
        log.warning(
            "sync with %s failed (%s in a row; next try in %.0f s): %s",
            peer.name,
            failures,
            delay,
            result.error,
        )
    if result.applied or result.rejected:
        log.info("sync with %s: %s", peer.name, result.line())
    return result


def run_once() -> list[CycleResult]:
    return [cycle(peer) for peer in Peer.objects.filter(status=PeerStatus.ACTIVE).order_by("name")]


class Worker:
    """The loop behind `liaison sync`. Stops cleanly on SIGTERM / SIGINT."""

    def __init__(self, poll_interval: float = POLL_INTERVAL, tick: float = 0.25) -> None:
        self.poll_interval = poll_interval
        self.tick = tick
        self.stopping = False
        self.last_cycle: dict[int, float] = {}

    def stop(self, signum: int = 0, *_args: Any) -> None:
        log.info("sync worker: signal %s received (parent %s); stopping", signum, os.getppid())
        self.stopping = True

    def due(self, peer: Peer, now_mono: float) -> bool:
        if peer.pull_requested:
            return True  # it pinged us: it is up, whatever the back-off said
        if peer.retry_at is not None and peer.retry_at > timezone.now():
            return False
        if peer.retry_at is not None:
            return True
        if outbox_head(peer) > peer.pinged_through:
            return True
        return now_mono - self.last_cycle.get(peer.pk, 0.0) >= self.poll_interval

    def run(self) -> None:
        signal.signal(signal.SIGTERM, self.stop)
        log.info("sync worker started")
        while not self.stopping:
            close_old_connections()
            try:
                for peer in Peer.objects.filter(status=PeerStatus.ACTIVE).order_by("name"):
                    if self.stopping:
                        break
                    now_mono = time.monotonic()
                    if self.due(peer, now_mono):
                        self.last_cycle[peer.pk] = now_mono
                        cycle(peer)
            except Exception:
                log.exception("sync worker: unexpected error; continuing")
                time.sleep(1)
            time.sleep(self.tick)
        log.info("sync worker stopped")
