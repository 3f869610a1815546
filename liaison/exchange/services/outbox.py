"""The outbox: one signed envelope per released record in each peer's feed (only the newest
per record and peer is kept, carrying what the peer is known to hold), the feed pages a peer
pulls, and the delivery state of a record as its origin sees it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.core.models import Record
from liaison.exchange import envelope as env
from liaison.exchange.bulk_sql import fast_insert_rows, fast_update
from liaison.exchange.envelope import Envelope, Markings
from liaison.exchange.models import OutboxEntry, Peer, Release
from liaison.exchange.registry import get_kind
from liaison.exchange.services.peers import iso_time, issue_stamp, signer, this_node

FEED_DEFAULT_LIMIT = 1000
FEED_MAX_LIMIT = 2000
_PG_OUTBOX_LOCK = 0x4C49414F42  # serialises outbox appends so feed order = commit order


def _outbox_lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_OUTBOX_LOCK])


def enqueue(pairs: Sequence[tuple[Release, Record | None]], op: str, *, fresh: bool = False) -> int:
    """Sign an envelope per (release, record) and append it to the release's peer feed.
    Older entries for the same record and peer are superseded (the newest carries the
    delivery state). ``fresh``: the caller knows no older entries exist."""
    if not pairs:
        return 0
    me = this_node()
    sign = signer()
    stamp = issue_stamp()
    now = timezone.now()
    bodies: dict[Any, dict[str, Any]] = {}
    if op == "upsert":
        by_kind: dict[str, list[Record]] = {}
        for release, obj in pairs:
            assert obj is not None
            by_kind.setdefault(release.kind, []).append(obj)
        for kind, objs in by_kind.items():
            spec = get_kind(kind)
            assert spec is not None
            unique = list({o.uuid: o for o in objs}.values())
            for obj, body in zip(unique, spec.bodies(unique), strict=True):
                bodies[obj.uuid] = body
    entries = []
    for release, obj in pairs:
        version = obj.version if obj is not None else max(release.sent_version, 1)
        envelope = Envelope(
            kind=release.kind,
            uuid=str(release.record_uuid),
            origin=me.id,
            origin_country=me.country,
            version=version,
            markings=Markings(
                release.tlp, release.handling, release.handling_note, (release.peer.node_id,)
            ),
            body=bodies[obj.uuid] if op == "upsert" and obj is not None else {},
            op=op,
            issued_at=stamp,
        )
        entries.append(
            {
                "peer_id": release.peer_id,
                "kind": release.kind,
                "record_uuid": release.record_uuid,
                "version": version,
                "op": op,
                "jws": env.sign_envelope(envelope, sign),
                "created_at": now,
                "acked_at": None,
                "refused": "",
                "held_version": None,
            }
        )
        release.sent_version = version
    with transaction.atomic():
        _outbox_lock()
        if not fresh:
            _supersede(entries)
        fast_insert_rows(OutboxEntry, entries)
        releases = [r for r, _o in pairs if r.pk]
        fast_update(Release, releases, ["sent_version"])
    return len(entries)


def _supersede(entries: list[dict[str, Any]]) -> None:
    """Delete older entries for the same records and peers; the new entry (a row of
    :func:`fast_insert_rows`) takes over what the peer is known to hold."""
    by_peer: dict[int, dict[Any, dict[str, Any]]] = {}
    for e in entries:
        by_peer.setdefault(e["peer_id"], {})[e["record_uuid"]] = e
    for peer_id, wanted in by_peer.items():
        uuids = list(wanted)
        for i in range(0, len(uuids), 900):
            part = uuids[i : i + 900]
            old = OutboxEntry.objects.filter(peer_id=peer_id, record_uuid__in=part).values_list(
                "id", "record_uuid", "version", "op", "acked_at", "held_version", "refused"
            )
            ids = []
            for oid, ruuid, version, op, acked_at, held, refused in old:
                ids.append(oid)
                if acked_at is not None and not refused:
                    held = version if op == "upsert" else None
                wanted[ruuid]["held_version"] = held
            if ids:
                OutboxEntry.objects.filter(id__in=ids).delete()


def feed_page(peer: Peer, after: int, limit: int) -> dict[str, Any]:
    """The next envelopes released to ``peer`` after ``after``. Only this peer's entries,
    whatever cursor it asks for."""
    limit = max(1, min(limit, FEED_MAX_LIMIT))
    rows = list(
        OutboxEntry.objects.filter(peer=peer, id__gt=max(after, 0))
        .order_by("id")
        .values_list("id", "jws")[: limit + 1]
    )
    more = len(rows) > limit
    rows = rows[:limit]
    return {
        "node": this_node().id,
        "peer": peer.node_id,
        "items": [{"seq": seq, "jws": jws} for seq, jws in rows],
        "next": rows[-1][0] if rows else max(after, 0),
        "more": more,
    }


def outbox_head(peer: Peer) -> int:
    return OutboxEntry.objects.filter(peer=peer).aggregate(m=Max("id"))["m"] or 0


def delivery_status(record_uuid: Any) -> list[dict[str, Any]]:
    """Per peer: which version it holds, what is on its way, recall confirmations."""
    out = []
    for entry in OutboxEntry.objects.select_related("peer").filter(record_uuid=record_uuid):
        if entry.acked_at and not entry.refused:
            held = entry.version if entry.op == "upsert" else None
        else:
            held = entry.held_version
        if entry.op == "recall" and entry.acked_at and not entry.refused:
            text = _("recalled; confirmed by %(p)s at %(t)s") % {
                "p": entry.peer.name,
                "t": timezone.localtime(entry.acked_at).strftime("%Y-%m-%d %H:%M:%S"),
            }
        elif entry.op == "recall":
            text = _("recall sent to %(p)s, not yet confirmed") % {"p": entry.peer.name}
        elif entry.refused:
            text = _("refused by %(p)s: %(r)s") % {"p": entry.peer.name, "r": entry.refused}
        elif entry.acked_at:
            text = _("%(p)s holds version %(v)s (confirmed %(t)s)") % {
                "p": entry.peer.name,
                "v": entry.version,
                "t": timezone.localtime(entry.acked_at).strftime("%Y-%m-%d %H:%M:%S"),
            }
        else:
            text = _("version %(v)s on its way to %(p)s") % {
                "v": entry.version,
                "p": entry.peer.name,
            }
        out.append(
            {
                "peer": entry.peer.name,
                "op": entry.op,
                "version": entry.version,
                "held_version": held,
                "confirmed_at": iso_time(entry.acked_at),
                "refused": entry.refused,
                "text": text,
            }
        )
    return out
