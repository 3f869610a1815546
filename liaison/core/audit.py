"""Append to and verify the audit hash chain. Every service write calls :func:`record`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from liaison.core import audit_head, node
from liaison.core.middleware import client_address, current_request
from liaison.core.models.audit import GENESIS, AuditEntry, AuditHead

# Any constant works: it only serialises appends to the chain on PostgreSQL.
_PG_LOCK_KEY = 0x4C49414953


@dataclass(frozen=True)
class Actor:
    """Who did something: a user, or the node itself (federation, commands)."""

    username: str
    unit: str = ""
    source: str = ""

    @classmethod
    def of(cls, user: Any, source: str = "") -> Actor:
        if user is None or not getattr(user, "is_authenticated", False):
            return cls("anonymous", "", source)
        unit = user.unit.name if getattr(user, "unit_id", None) else ""
        return cls(user.username, unit, source)

    @classmethod
    def system(cls, what: str = "node") -> Actor:
        return cls(f"system:{what}")


def _actor_from_request() -> Actor | None:
    request = current_request.get()
    if request is None:
        return None
    return Actor.of(getattr(request, "user", None), client_address(request))


def record(
    action: str,
    obj: Any = None,
    *,
    actor: Actor | None = None,
    object_kind: str = "",
    object_id: str = "",
    **detail: Any,
) -> AuditEntry:
    """Append one entry. Runs inside the caller's transaction, so the entry and the change
    it describes are committed together or not at all."""
    actor = actor or _actor_from_request() or Actor.system()
    if obj is not None:
        object_kind = object_kind or obj._meta.label_lower
        object_id = object_id or str(getattr(obj, "uuid", None) or obj.pk)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
        head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
        entry = AuditEntry(
            seq=head.seq + 1,
            at=timezone.now(),
            username=actor.username,
            unit=actor.unit,
            action=action,
            object_kind=object_kind,
            object_id=object_id,
            detail=_jsonable(detail),
            source=actor.source,
            prev_hash=head.hash,
        )
        entry.hash = entry.compute_hash()
        entry.save()
        head.seq, head.hash = entry.seq, entry.hash
        head.save(update_fields=["seq", "hash"])
    _anchor_after_commit()
    return entry


def record_many(
    action: str, objs: Iterable[Any], *, actor: Actor | None = None, **detail: Any
) -> list[AuditEntry]:
    """Append one entry per object under a single lock and one bulk insert: what a search
    result page showing twenty persons needs, at the cost of one entry."""
    objs = list(objs)
    if not objs:
        return []
    actor = actor or _actor_from_request() or Actor.system()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
        head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
        now, prev, entries = timezone.now(), head.hash, []
        clean = _jsonable(detail)
        for n, obj in enumerate(objs, start=head.seq + 1):
            entry = AuditEntry(
                seq=n,
                at=now,
                username=actor.username,
                unit=actor.unit,
                action=action,
                object_kind=obj._meta.label_lower,
                object_id=str(getattr(obj, "uuid", None) or obj.pk),
                detail=clean,
                source=actor.source,
                prev_hash=prev,
            )
            entry.hash = prev = entry.compute_hash()
            entries.append(entry)
        _insert(entries)
        head.seq, head.hash = entries[-1].seq, entries[-1].hash
        head.save(update_fields=["seq", "hash"])
    _anchor_after_commit()
    return entries


#: the fields every entry of one ``record_many`` shares
_SHARED = frozenset(["at", "username", "unit", "action", "detail", "source"])


def _insert(entries: list[AuditEntry]) -> None:
    """Insert the entries of one ``record_many`` in one statement, the fields they share
    converted for the database once (a search page audits twenty reads at a time)."""
    meta = AuditEntry._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    first = entries[0]
    shared = {
        f.attname: f.get_db_prep_save(getattr(first, f.attname), connection)
        for f in fields
        if f.attname in _SHARED
    }
    qn = connection.ops.quote_name
    columns = ", ".join(qn(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {qn(meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
    rows = [
        [shared[f.attname] if f.attname in shared else getattr(e, f.attname) for f in fields]
        for e in entries
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _anchor_after_commit() -> None:
    # Once per transaction: a sync page appends hundreds of entries in one commit.
    if any(pending[1] is anchor for pending in connection.run_on_commit):
        return
    transaction.on_commit(anchor, robust=True)


def head_file() -> Path:
    return Path(settings.AUDIT_HEAD_FILE)


def anchor() -> bool:
    """Sign the chain's committed head into the node home. Runs after each commit that
    appended entries; reads the head row as committed, so it never signs what a rollback
    takes back. True when the signed head moved forward."""
    if not node.is_initialised():
        return False
    head = AuditHead.objects.filter(id=1).first()
    if head is None:
        return False
    signed = audit_head.SignedHead(
        node=node.this_node().id,
        seq=head.seq,
        hash=head.hash,
        count=head.seq,
        at=timezone.now().isoformat(),
    )
    return audit_head.advance(head_file(), node.signing_key(), signed)


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    reason: str

    def __str__(self) -> str:
        return f"audit entry {self.seq}: {self.reason}"


def signed_head() -> audit_head.SignedHead | None:
    """The head signed into the node home (raises ``audit_head.HeadInvalid`` if forged)."""
    return audit_head.read(head_file(), node.signing_key().public_key())


def verify() -> tuple[int, ChainProblem | None]:
    """Walk the chain; return (entries checked, first problem or None).

    Finds changed entries (hash), removed or reordered ones (sequence and links), and a cut
    at the end with the head row rewound to match (the signed head in the node home records
    a later entry than the database holds). Entries after the signed head are accepted: a
    process can stop between its commit and the head file's update."""
    try:
        signed = signed_head()
    except audit_head.HeadInvalid as exc:
        return 0, ChainProblem(0, f"the signed chain head in the node home is invalid: {exc}")
    prev_hash, expected_seq, count, hash_at_signed = GENESIS, 1, 0, GENESIS
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
        if entry.seq != expected_seq:
            return count, ChainProblem(expected_seq, "missing (removed from the log)")
        if entry.prev_hash != prev_hash:
            return count, ChainProblem(entry.seq, "does not follow the entry before it")
        if entry.compute_hash() != entry.hash:
            return count, ChainProblem(entry.seq, "content was changed after it was written")
        if signed is not None and entry.seq == signed.seq:
            hash_at_signed = entry.hash
        prev_hash, expected_seq, count = entry.hash, expected_seq + 1, count + 1
    head = AuditHead.objects.filter(id=1).first()
    if head is None:
        if count:
            return count, ChainProblem(count, "chain head was removed")
    elif head.seq != count or head.hash != prev_hash:
        if head.seq > count:
            return count, ChainProblem(count + 1, "missing (newest entries removed)")
        return count, ChainProblem(head.seq, "chain head does not match the last entry")
    if signed is None:
        if count:
            return count, ChainProblem(
                count, "no signed chain head in the node home: the end cannot be checked"
            )
        return count, None
    if signed.node != node.this_node().id or signed.count != signed.seq:
        return count, ChainProblem(signed.seq, "the signed chain head is not this node's")
    if signed.seq > count:
        return count, ChainProblem(
            count + 1,
            f"missing (newest entries removed: the signed head records entry {signed.seq})",
        )
    if hash_at_signed != signed.hash:
        return count, ChainProblem(signed.seq, "differs from the signed chain head")
    return count, None
