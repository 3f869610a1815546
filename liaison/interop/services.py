"""TAXII readers, the per-peer STIX collections and the STIX export.

A collection follows its peer's federation feed: every envelope in the outbox for that peer
(only the newest per record is kept there: the current version, or a recall) is mapped to
STIX objects (:mod:`liaison.interop.stix`) and stored. Nothing else goes in, so a collection
holds exactly what is released to its peer. It is brought up to date before every read and
every export (and by ``liaison taxii refresh``), in batches of one transaction each.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import secrets
import uuid
from collections.abc import Iterable, Iterator
from typing import Any, Protocol

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from liaison.core import audit
from liaison.core.audit import Actor
from liaison.core.node import this_node
from liaison.crime.models import Drug
from liaison.exchange import envelope as env
from liaison.exchange.models import OutboxEntry, Peer, Release
from liaison.interop import definitions as d
from liaison.interop import stix
from liaison.interop.models import Collection, CollectionObject, PublishedRecord, TaxiiReader

log = logging.getLogger("liaison.interop")

TOKEN_PREFIX = "taxii_"  # noqa: S105 - a prefix, not a secret
BATCH = 500


# --- readers ----------------------------------------------------------------------------


def create_reader(peer: Peer, *, label: str = "", actor: Actor | None = None) -> str:
    """A new bearer token bound to ``peer``; returned once, only its hash is kept."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        collection_of(peer)
        reader = TaxiiReader.objects.create(
            peer=peer,
            digest=TaxiiReader.digest_of(token),
            prefix=token[: len(TOKEN_PREFIX) + 6],
            label=label,
            created_at=timezone.now(),
            created_by=actor.username if actor else "",
        )
        audit.record(
            "taxii.reader.create",
            reader,
            actor=actor,
            object_id=reader.prefix,
            peer=peer.name,
            label=label,
        )
    return token


def revoke_reader(reader: TaxiiReader, *, actor: Actor | None = None) -> TaxiiReader:
    with transaction.atomic():
        if reader.revoked_at is None:
            reader.revoked_at = timezone.now()
            reader.save(update_fields=["revoked_at"])
        audit.record(
            "taxii.reader.revoke",
            reader,
            actor=actor,
            object_id=reader.prefix,
            peer=reader.peer.name,
        )
    return reader


def reader_for_token(token: str) -> TaxiiReader | None:
    """The active reader of an active peer that holds ``token``, or None."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    reader = (
        TaxiiReader.objects.select_related("peer")
        .filter(digest=TaxiiReader.digest_of(token), revoked_at__isnull=True)
        .first()
    )
    if reader is None or not reader.peer.is_active:
        return None
    TaxiiReader.objects.filter(pk=reader.pk).update(last_used_at=timezone.now())
    return reader


# --- collections --------------------------------------------------------------------------


def collection_of(peer: Peer) -> Collection:
    collection = Collection.objects.filter(peer=peer).first()
    if collection is None:
        with transaction.atomic():
            collection, _ = Collection.objects.get_or_create(
                peer=peer, defaults={"created_at": timezone.now()}
            )
    return collection


def refresh(peer: Peer) -> Collection:
    """Bring the peer's collection up to date with its feed; return it."""
    collection = collection_of(peer)
    head = OutboxEntry.objects.filter(peer=peer).aggregate(m=Max("id"))["m"] or 0
    if collection.last_seq and head <= collection.synced_through:
        return collection
    while True:
        with transaction.atomic():
            collection = Collection.objects.select_for_update().get(pk=collection.pk)
            entries = list(
                OutboxEntry.objects.filter(peer=peer, id__gt=collection.synced_through)
                .order_by("id")
                .only("id", "jws", "created_at")[:BATCH]
            )
            publisher = _Publisher(collection, peer)
            publisher.publish(entries)
            if entries:
                collection.synced_through = entries[-1].id
            publisher.save()
        if len(entries) < BATCH:
            return collection


class _Publisher:
    """Maps one batch of envelopes into a collection (inside the caller's transaction). Rows
    are read per batch and written in bulk by :meth:`save`."""

    def __init__(self, collection: Collection, peer: Peer) -> None:
        self.collection, self.peer = collection, peer
        node = this_node()
        self.node_identity = stix.node_identity_id(node.id)
        self.now = timezone.now()
        self.records: dict[str, PublishedRecord] = {}
        self.touched: set[str] = set()
        self.unpublished: set[str] = set()
        self.rows: dict[str, CollectionObject] = {}
        self.by_record: dict[str, list[CollectionObject]] = {}
        self.changed: dict[str, CollectionObject] = {}
        self.drugs: dict[str, str] | None = None
        fixed = _fixed_objects()
        self.load(ids=[o["id"] for o in fixed] + [self.node_identity])
        for obj in fixed:
            self.put(dict(obj), None, "")
        self.put_shared(stix.node_identity(node.id, node.name, node.country, node.url, self.now))

    # --- the batch ---------------------------------------------------------------------

    def publish(self, entries: list[OutboxEntry]) -> None:
        envelopes = []
        for entry in entries:
            try:
                payload = env.b64url_decode(entry.jws.split(".")[1], "payload")
                envelopes.append((entry, env.validate(json.loads(payload))))
            except (env.EnvelopeError, ValueError, IndexError) as exc:
                # A TLP:RED envelope fails validation here too: it is never published.
                log.error("feed entry %s for %s not published: %s", entry.id, self.peer, exc)
        mapped = [(e, v) for e, v in envelopes if v.kind in stix.PRIMARY_TYPE]
        uuids = [v.uuid for _e, v in mapped]
        # The records of this batch, and those they refer to (a person's case ...).
        related = {str(v.body[k]) for _e, v in mapped for k in stix.REFERENCES if v.body.get(k)}
        for part in _chunks([*uuids, *related]):
            for record in PublishedRecord.objects.filter(
                collection=self.collection, record_uuid__in=part
            ):
                self.records[str(record.record_uuid)] = record
        self.load(records=uuids)
        basis: dict[str, str] = {}
        for part in _chunks(uuids):
            for record_uuid, text in (
                Release.objects.filter(peer=self.peer, record_uuid__in=part)
                .order_by("released_at", "id")
                .values_list("record_uuid", "basis")
            ):
                basis[str(record_uuid)] = text
        for entry, envelope in mapped:
            if envelope.op == "recall":
                self.recall(envelope, entry.created_at)
            else:
                self.upsert(envelope, basis.get(envelope.uuid, ""), entry.created_at)

    def upsert(self, envelope: env.Envelope, basis: str, when: dt.datetime) -> None:
        record = self.record(envelope.kind, envelope.uuid)
        if record.recalled:
            record.generation += 1
            record.recalled = False
        source = stix.Source(
            kind=envelope.kind,
            uuid=envelope.uuid,
            version=envelope.version,
            origin_country=envelope.origin_country,
            tlp=envelope.markings.tlp,
            handling=envelope.markings.handling,
            handling_note=envelope.markings.handling_note,
            basis=basis,
            body=envelope.body,
            issued_at=when,
        )
        context = stix.Context(
            node_identity=self.node_identity,
            ref=self.ref,
            drug_name=self.drug_name,
            generation=record.generation,
        )
        try:
            mapped = stix.map_record(source, context)
        except stix.NeverReleased as exc:
            log.error("not published to %s: %s", self.peer, exc)
            return
        for text in mapped.statements:
            self.put_statement(text)
        for shared in mapped.shared:
            self.put_shared(shared)
        keep = set()
        for obj in mapped.objects:
            self.put(obj, envelope.uuid, envelope.markings.tlp)
            keep.add(obj["id"])
        for old in list(self.by_record.get(envelope.uuid, [])):
            if old.stix_id not in keep and not old.revoked:
                self.revoke(old, when, envelope.markings.tlp)
        record.version = envelope.version

    def recall(self, envelope: env.Envelope, when: dt.datetime) -> None:
        record = self.record(envelope.kind, envelope.uuid)
        if record.recalled:
            return
        current = [o for o in self.by_record.get(envelope.uuid, []) if not o.revoked]
        for old in current:
            self.revoke(old, when, envelope.markings.tlp)
        if not current and envelope.markings.tlp in d.TLP_MARKINGS:
            stub = stix.recalled_stub(
                envelope.kind,
                envelope.uuid,
                record.generation,
                envelope.markings.tlp,
                when,
                self.node_identity,
            )
            if stub["id"] not in self.rows:
                self.put(stub, envelope.uuid, envelope.markings.tlp)
        record.recalled = True
        record.version = envelope.version

    # --- helpers -----------------------------------------------------------------------

    def load(self, *, ids: Iterable[str] = (), records: Iterable[str] = ()) -> None:
        """Read the rows of these ids and of these records' objects (once per batch)."""
        ids = [i for i in ids if i not in self.rows]
        records = [r for r in records if r not in self.by_record]
        if not ids and not records:
            return
        for r in records:
            self.by_record[r] = []
        base = CollectionObject.objects.filter(collection=self.collection)
        for part in _chunks(ids):
            for row in base.filter(stix_id__in=part):
                self.index(row)
        for part in _chunks(records):
            for row in base.filter(record_uuid__in=part):
                self.index(row)

    def index(self, row: CollectionObject) -> None:
        if row.stix_id in self.rows:
            return
        self.rows[row.stix_id] = row
        if row.record_uuid is not None:
            self.by_record.setdefault(str(row.record_uuid), []).append(row)

    def record(self, kind: str, record_uuid: str) -> PublishedRecord:
        self.touched.add(record_uuid)
        record = self.records.get(record_uuid)
        if record is None:
            record = PublishedRecord(
                collection=self.collection, kind=kind, record_uuid=uuid.UUID(record_uuid)
            )
            self.records[record_uuid] = record
        return record

    def ref(self, kind: str, record_uuid: str) -> str:
        """The current id of a related record in this collection (first generation when
        it is not published here: the reference then points to what the peer holds)."""
        if record_uuid not in self.records and record_uuid not in self.unpublished:
            found = PublishedRecord.objects.filter(
                collection=self.collection, record_uuid=record_uuid
            ).first()
            if found is None:
                self.unpublished.add(record_uuid)
            else:
                self.records[record_uuid] = found
        record = self.records.get(record_uuid)
        return stix.primary_id(kind, record_uuid, record.generation if record else 0)

    def drug_name(self, code: str) -> str:
        if self.drugs is None:
            self.drugs = dict(Drug.objects.values_list("code", "name_en"))
        return self.drugs.get(code, "")

    def next_added(self) -> tuple[int, dt.datetime]:
        """The next ``seq`` and ``date_added``: both strictly increasing, so that paging by
        ``added_after`` (the X-TAXII-Date-Added-Last header) never skips an object."""
        c = self.collection
        now = timezone.now()
        if c.last_added is not None and now <= c.last_added:
            now = c.last_added + dt.timedelta(microseconds=1)
        c.last_seq += 1
        c.last_added = now
        return c.last_seq, now

    def put(self, obj: dict[str, Any], record_uuid: str | None, tlp: str) -> None:
        """Make ``obj`` the current version of its id, unless nothing but ``modified``
        changed. A changed object gets a ``modified`` after the one it replaces."""
        if tlp == "RED" or d.TLP_RED_ID in obj.get("object_marking_refs", []):
            raise stix.NeverReleased(f"{obj['id']} is marked TLP:RED")
        row = self.rows.get(obj["id"])
        if row is not None:
            if _same(row.body, obj):
                return
            if "modified" in obj:
                obj["modified"] = _after(obj["modified"], row.version)
        else:
            row = CollectionObject(collection=self.collection, stix_id=obj["id"])
            row.record_uuid = uuid.UUID(record_uuid) if record_uuid else None
            self.index(row)
        row.seq, row.date_added = self.next_added()
        row.stix_type = obj["type"]
        row.version = str(obj.get("modified") or obj["created"])
        row.revoked = bool(obj.get("revoked"))
        row.tlp = tlp
        row.body = obj
        self.changed[row.stix_id] = row

    def put_shared(self, obj: dict[str, Any]) -> None:
        """A shared object (node or unit identity): kept as first published; a new version
        only when more than its timestamps changed."""
        self.load(ids=[obj["id"]])
        row = self.rows.get(obj["id"])
        if row is not None:
            if _same(row.body, obj, ignore=("created", "modified")):
                return
            obj = {**obj, "created": row.body["created"]}
            if "modified" in obj:
                obj["modified"] = _after(stix.stamp(self.now), row.version)
        self.put(obj, None, "")

    def put_statement(self, text: str) -> None:
        """A statement marking (immutable: its id is derived from its text)."""
        marking_id = stix.statement_id(text)
        self.load(ids=[marking_id])
        if marking_id not in self.rows:
            self.put(stix.statement_marking(text, self.now, self.node_identity), None, "")

    def revoke(self, row: CollectionObject, when: dt.datetime, tlp: str) -> None:
        self.put(stix.revoked(row.body, when, tlp=tlp), str(row.record_uuid), tlp)

    def save(self) -> None:
        """Write what changed. A changed row is replaced (deleted and inserted again): far
        cheaper than an UPDATE per row, and nothing refers to these rows by key."""
        _replace(CollectionObject, list(self.changed.values()))
        _replace(PublishedRecord, [self.records[u] for u in self.touched])
        self.collection.save()


@functools.cache
def _fixed_dicts() -> tuple[dict[str, Any], ...]:
    return tuple(stix.to_dict(obj) for obj in d.fixed_objects())


def _fixed_objects() -> list[dict[str, Any]]:
    return [dict(obj) for obj in _fixed_dicts()]


def _replace(model: Any, rows: list[Any]) -> None:
    for part in _chunks([r.pk for r in rows if r.pk is not None]):
        model.objects.filter(pk__in=part).delete()
    for row in rows:
        row.pk = None
    model.objects.bulk_create(rows, batch_size=500)


def _chunks(values: list[Any], size: int = 500) -> Iterator[list[Any]]:
    for i in range(0, len(values), size):
        yield values[i : i + size]


def _same(old: dict[str, Any], new: dict[str, Any], ignore: Iterable[str] = ("modified",)) -> bool:
    skip = set(ignore)
    return {k: v for k, v in old.items() if k not in skip} == {
        k: v for k, v in new.items() if k not in skip
    }


def _after(modified: str, previous: str) -> str:
    """``modified``, or one millisecond after ``previous`` when it is not later."""
    new, old = stix.parse_time(modified), stix.parse_time(previous)
    return stix.stamp(new if new > old else old + dt.timedelta(milliseconds=1))


# --- reading and export ---------------------------------------------------------------------


def audit_read(
    reader: TaxiiReader,
    action: str,
    *,
    source: str,
    collection: Collection | None = None,
    **detail: Any,
) -> None:
    """Every TAXII read (and every refused one) goes in the audit log."""
    actor = Actor(f"taxii:{reader.peer.name}:{reader.prefix}", "", source)
    with transaction.atomic():
        audit.record(
            action,
            actor=actor,
            object_kind="interop.collection",
            object_id=str(collection.collection_id) if collection else "",
            peer=reader.peer.name,
            **detail,
        )


def objects_for_export(collection: Collection, since: dt.datetime | None) -> Iterator[dict]:
    rows = CollectionObject.objects.filter(collection=collection).order_by("seq")
    if since is not None:
        rows = rows.filter(Q(date_added__gte=since) | Q(record_uuid__isnull=True))
    yield from rows.values_list("body", flat=True).iterator(chunk_size=2000)


class Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


def export_bundle(
    peer: Peer, out: Writable, *, since: dt.datetime | None = None, actor: Actor | None = None
) -> int:
    """Write a STIX 2.1 bundle of what the peer's collection holds (objects added or changed
    since ``since`` and the definitions they rely on). Returns the number of objects."""
    collection = refresh(peer)
    out.write(json.dumps({"type": "bundle", "id": f"bundle--{uuid.uuid4()}"})[:-1])
    out.write(', "objects": [')
    count = 0
    for obj in objects_for_export(collection, since):
        out.write(("\n" if count == 0 else ",\n") + json.dumps(obj, ensure_ascii=False))
        count += 1
    out.write("\n]}\n")
    with transaction.atomic():
        audit.record(
            "stix.export",
            actor=actor,
            object_kind="interop.collection",
            object_id=str(collection.collection_id),
            peer=peer.name,
            objects=count,
            since=since.isoformat() if since else "",
        )
    return count
