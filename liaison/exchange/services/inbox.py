"""The inbox: what a peer sends is verified and applied here, from its feed (pulled by the
sync worker) or from a bundle. Each envelope that fails a check is refused on its own, logged,
counted on the peer and reported back in the next receipt; applying the same envelopes again
changes nothing. A peer's ping asks for the next pull."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from liaison.core import audit
from liaison.core.audit import Actor
from liaison.core.models import Unit
from liaison.core.signals import changing_records, records_changing, records_written
from liaison.exchange import envelope as env
from liaison.exchange.bulk_sql import fast_insert_rows, fast_update, pks_by_uuid
from liaison.exchange.envelope import Envelope, EnvelopeError
from liaison.exchange.models import Holding, Peer, Rejection
from liaison.exchange.registry import ApplyRefused, Kind, get_kind
from liaison.exchange.services.peers import peer_keys, this_node

log = logging.getLogger("liaison.exchange")

#: Largest feed page a receiver accepts.
MAX_FEED_BYTES = 64 * 1024 * 1024


@dataclass
class ApplyResult:
    applied: int = 0
    ignored: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (reason, detail)
    cursor: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "applied": self.applied,
            "ignored": self.ignored,
            "rejected": [{"reason": r, "detail": d} for r, d in self.rejected],
            "cursor": self.cursor,
        }

    def add(self, part: ApplyResult) -> None:
        """Count one more batch into this total."""
        self.applied += part.applied
        self.ignored += part.ignored
        self.rejected.extend(part.rejected)

    def reason_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for reason, _detail in self.rejected:
            counts[reason] = counts.get(reason, 0) + 1
        return counts

    def summary(self) -> str:
        return apply_summary(self.applied, self.ignored, len(self.rejected), self.reason_counts())


def apply_summary(applied: int, ignored: int, refused: int, reasons: Mapping[str, int]) -> str:
    """One line for the operator: what a sync or a bundle import applied and refused."""
    text = f"applied {applied}, unchanged {ignored}, refused {refused}"
    if reasons:
        text += " (" + ", ".join(f"{k} {v}" for k, v in sorted(reasons.items())) + ")"
    return text


def root_unit() -> Unit:
    unit = Unit.objects.filter(parent__isnull=True).order_by("path").first()
    if unit is None:
        raise RuntimeError("this node has no ministry unit")
    return unit


def note_rejection(
    peer: Peer | None,
    reason: str,
    detail: str,
    *,
    claimed_node: str = "",
    seq: int | None = None,
    record_uuid: str = "",
    reported: bool = True,
    save: bool = True,
) -> Rejection:
    """Log and count something refused from a peer (or from a node claiming to be one)."""
    who = peer.name if peer else (claimed_node or "unknown node")
    log.warning("refused from %s: %s: %s", who, reason, detail)
    rejection = Rejection(
        peer=peer,
        claimed_node=claimed_node[:64],
        reason=reason[:30],
        detail=detail[:2000],
        seq=seq,
        record_uuid=record_uuid[:36],
        at=timezone.now(),
        reported=reported,
    )
    if save:
        rejection.save()
    return rejection


def apply_envelopes(
    peer: Peer,
    items: Sequence[tuple[int | None, Any]],
    *,
    cursor: int | None = None,
    source: str = "feed",
) -> ApplyResult:
    """Verify and apply envelopes from ``peer`` in one transaction, storing ``cursor``
    (the feed position reached) in the same transaction. Each envelope that fails a check
    is refused on its own (reason logged, counted, reported back in the receipt); nothing of
    it is applied. Applying the same envelopes again changes nothing."""
    me = this_node()
    keys = peer_keys(peer)
    result = ApplyResult(cursor=cursor or peer.pull_cursor)
    rejections: list[Rejection] = []

    def refuse(seq: int | None, reason: str, detail: str, uuid: str = "") -> None:
        result.rejected.append((reason, detail))
        rejections.append(
            note_rejection(
                peer,
                reason,
                f"{source} seq {seq}: {detail}" if seq else detail,
                seq=seq,
                record_uuid=uuid,
                reported=source != "feed",
                save=False,
            )
        )

    with transaction.atomic():
        locked = Peer.objects.select_for_update().get(pk=peer.pk)
        if source == "feed" and cursor is not None:
            # Another worker may have applied (part of) this page meanwhile.
            items = [
                (seq, token) for seq, token in items if seq is None or seq > locked.pull_cursor
            ]
        newest: dict[str, tuple[int | None, Envelope]] = {}
        for seq, token in items:
            try:
                e = env.parse(token, keys, expected_origin=peer.node_id)
            except EnvelopeError as exc:
                refuse(seq, exc.reason, str(exc))
                continue
            if me.id not in e.markings.released_to:
                # An envelope released to nobody in particular is released to no one.
                refuse(
                    seq,
                    "not_addressed",
                    f"{e.kind} {e.uuid} was released to "
                    f"{', '.join(e.markings.released_to) or 'no node'}, not to this node",
                    e.uuid,
                )
                continue
            if e.origin_country.upper() != peer.country.upper():
                refuse(
                    seq,
                    "foreign_country",
                    f"{e.kind} {e.uuid}: field origin_country is {e.origin_country}, "
                    f"but {peer.name} is a node of {peer.country}",
                    e.uuid,
                )
                continue
            if get_kind(e.kind) is None:
                refuse(
                    seq,
                    "unknown_kind",
                    f"this node does not take records of kind {e.kind!r}",
                    e.uuid,
                )
                continue
            seen = newest.get(e.uuid)
            if seen is not None:
                if seen[1].order_key >= e.order_key:
                    result.ignored += 1
                    continue
                result.ignored += 1
            newest[e.uuid] = (seq, e)
        held_pks = pks_by_uuid(Holding, "record_uuid", list(newest))
        holdings = (
            {str(h.record_uuid): h for h in Holding.objects.filter(pk__in=held_pks)}
            if held_pks
            else {}
        )
        todo: dict[str, list[tuple[int | None, Envelope, Holding | None]]] = {}
        for uuid, (seq, e) in newest.items():
            held = holdings.get(uuid)
            if held is not None and held.origin != e.origin:
                refuse(seq, "foreign_origin", f"{e.kind} {uuid} belongs to {held.origin}", uuid)
                continue
            if held is not None and (held.version, held.issued_at) >= e.order_key:
                if (held.version, held.issued_at) > e.order_key:
                    refuse(
                        seq,
                        "older_version",
                        f"{e.kind} {uuid} version {e.version} is older "
                        f"than version {held.version} held here",
                        uuid,
                    )
                else:
                    result.ignored += 1
                continue
            todo.setdefault(e.kind, []).append((seq, e, held))
        root = root_unit()
        new_holdings: list[dict[str, Any]] = []
        changed_holdings: list[Holding] = []
        now = timezone.now()
        for kind in _kind_order(list(todo)):
            spec = get_kind(kind)
            assert spec is not None
            done = _apply_kind(spec, todo[kind], peer, root, refuse)
            for seq, e, held in done:
                state = {
                    "version": e.version,
                    "issued_at": e.issued_at,
                    "op": e.op,
                    "tlp": e.markings.tlp,
                    "handling": e.markings.handling,
                    "source_seq": seq or 0,
                    "applied_at": now,
                }
                if held is None:
                    new_holdings.append(
                        {
                            "peer_id": peer.pk,
                            "origin": e.origin,
                            "kind": e.kind,
                            "record_uuid": e.uuid,
                            **state,
                        }
                    )
                else:
                    for k, v in state.items():
                        setattr(held, k, v)
                    changed_holdings.append(held)
                result.applied += 1
        fast_insert_rows(Holding, new_holdings)
        if changed_holdings:
            fast_update(
                Holding,
                changed_holdings,
                ["version", "issued_at", "op", "tlp", "handling", "source_seq", "applied_at"],
            )
        Rejection.objects.bulk_create(rejections, batch_size=1000)
        updates: dict[str, Any] = {
            "received_count": locked.received_count + result.applied,
            "last_contact": now,
        }
        if cursor is not None and cursor > locked.pull_cursor:
            updates["pull_cursor"] = cursor
        Peer.objects.filter(pk=peer.pk).update(**updates)
        for k, v in updates.items():
            setattr(peer, k, v)
        result.cursor = peer.pull_cursor
        if result.applied:
            audit.record(
                "exchange.apply",
                actor=Actor.system("exchange"),
                object_kind="peer",
                object_id=peer.node_id,
                peer=peer.name,
                applied=result.applied,
                ignored=result.ignored,
                rejected=len(result.rejected),
                cursor=result.cursor,
                source=source,
            )
    return result


#: What storing one received record can raise when its values do not fit this database
#: (a constraint, a number out of range, a value of the wrong type): the record is refused,
#: never the page.
UNSTORABLE: tuple[type[Exception], ...] = (DatabaseError, OverflowError, ValueError, TypeError)


def _first_line(exc: BaseException) -> str:
    text = str(exc).splitlines()
    return text[0][:200] if text else type(exc).__name__


def _kind_order(kinds: list[str]) -> list[str]:
    """Kinds others refer to first (cases before their persons and seizures)."""

    def depth(kind: str) -> int:
        spec = get_kind(kind)
        return sum(1 for r in spec.refs if r.by == "uuid") if spec else 0

    return sorted(kinds, key=depth)


def _apply_kind(
    spec: Kind,
    items: list[tuple[int | None, Envelope, Holding | None]],
    peer: Peer,
    root: Unit,
    refuse: Any,
) -> list[tuple[int | None, Envelope, Holding | None]]:
    model = spec.model
    uuids = [e.uuid for _s, e, _h in items]
    existing_pks = pks_by_uuid(model, "uuid", uuids)
    # Those who keep figures of these records (the statistics tallies) count them again.
    with changing_records(model, existing_pks) as written:
        return _write_kind(spec, items, existing_pks, peer, root, refuse, written)


def _write_kind(
    spec: Kind,
    items: list[tuple[int | None, Envelope, Holding | None]],
    existing_pks: list[Any],
    peer: Peer,
    root: Unit,
    refuse: Any,
    written: list[int],
) -> list[tuple[int | None, Envelope, Holding | None]]:
    model = spec.model
    manager = model._default_manager
    existing = {str(o.uuid): o for o in manager.filter(pk__in=existing_pks)} if existing_pks else {}
    done: list[tuple[int | None, Envelope, Holding | None]] = []
    upserts = [(s, e, h) for s, e, h in items if e.op == "upsert"]
    recalls = [(s, e, h) for s, e, h in items if e.op == "recall"]
    # Local records (or another origin's) with this uuid are never touched.
    for group in (upserts, recalls):
        for item in list(group):
            obj = existing.get(item[1].uuid)
            if obj is not None and obj.origin != peer.node_id:
                refuse(
                    item[0],
                    "foreign_origin",
                    f"{spec.kind} {item[1].uuid} belongs to {obj.origin}, not {peer.node_id}",
                    item[1].uuid,
                )
                group.remove(item)
    values_list = spec.field_values([dict(e.body) for _s, e, _h in upserts])
    creates, updates, ready = [], [], []
    for (seq, e, held), values in zip(upserts, values_list, strict=True):
        if isinstance(values, ApplyRefused):
            refuse(seq, values.reason, f"{spec.kind} {e.uuid}: {values}", e.uuid)
            continue
        fields, many = values
        obj = existing.get(e.uuid)
        if spec.apply is not None:
            try:
                with transaction.atomic():
                    spec.apply(e, fields, obj)
            except (ApplyRefused, ValidationError, *UNSTORABLE) as exc:  # type: ignore[misc]
                refuse(
                    seq,
                    getattr(
                        exc, "reason", "schema" if isinstance(exc, ValidationError) else "conflict"
                    ),
                    f"{spec.kind} {e.uuid}: {_first_line(exc)}",
                    e.uuid,
                )
                continue
            done.append((seq, e, held))
            continue
        now = timezone.now()
        fields.setdefault("created_at", now)
        fields.setdefault("updated_at", now)
        common = dict(
            origin=e.origin,
            origin_country=e.origin_country,
            version=e.version,
            tlp=e.markings.tlp,
            handling=e.markings.handling,
            handling_note=e.markings.handling_note[:300],
        )
        if obj is None:
            obj = {"uuid": e.uuid, "owner_unit_id": root.pk, **common, **fields}
            creates.append(obj)
        else:
            for k, v in {**common, **fields}.items():
                setattr(obj, k, v)
            updates.append(obj)
        ready.append((seq, e, held, obj, many))
    update_fields = sorted(
        {f.attname for f in spec.plain}
        | {r.field.attname for r in spec.refs}
        | {"origin", "origin_country", "version", "tlp", "handling", "handling_note"}
    )
    try:
        with transaction.atomic():
            fast_insert_rows(model, creates)
            if updates:
                fast_update(model, updates, update_fields)
        applied = ready
    except UNSTORABLE:
        # Find the culprit(s): one savepoint per record.
        applied = []
        for seq, e, held, obj, many in ready:
            try:
                with transaction.atomic():
                    if isinstance(obj, dict):
                        model(**obj).save(force_insert=True)
                    else:
                        obj.save(update_fields=update_fields)
                applied.append((seq, e, held, obj, many))
            except UNSTORABLE as exc:
                refuse(
                    seq,
                    "conflict" if isinstance(exc, IntegrityError) else "unstorable",
                    f"{spec.kind} {e.uuid} cannot be stored here: {_first_line(exc)}",
                    e.uuid,
                )
    if spec.many and applied:
        fresh = {str(o.uuid): o for o in manager.filter(uuid__in=[a[1].uuid for a in applied])}
        for _seq, e, _held, _obj, many in applied:
            target = fresh[e.uuid]
            for name, member_uuids in many.items():
                m2m = next(m for m in spec.many if m.name == name)
                members = m2m.related_model._default_manager.filter(uuid__in=member_uuids)  # type: ignore[union-attr]
                getattr(target, name).set(members)
    done.extend((s, e, h) for s, e, h, _o, _m in applied)
    if applied and (records_written.has_listeners(model) or records_changing.has_listeners(model)):
        ids = pks_by_uuid(model, "uuid", [e.uuid for _s, e, _h, _o, _m in applied])
        records_written.send(sender=model, kind=spec.kind, ids=ids)
        written.extend(ids)
    if recalls:
        recalled = manager.filter(uuid__in=[e.uuid for _s, e, _h in recalls], origin=peer.node_id)
        _detach_contributions(model, recalled, peer)
        recalled.delete()
        done.extend(recalls)
    return done


def _detach_contributions(model: type[Any], recalled: Any, peer: Peer) -> None:
    """A recall removes only the recalled copy. Records linked to it that the recalling peer
    owns go with it; those of this node (or of a third node) stay, detached and marked with
    who recalled their parent and when."""
    for rel in model._meta.related_objects:
        child = rel.related_model
        if not rel.one_to_many or not _has_field(child, "parent_recalled_by"):
            continue
        linked = child._default_manager.filter(**{f"{rel.field.name}__in": recalled})
        linked.filter(origin=peer.node_id).delete()
        linked.exclude(origin=peer.node_id).update(
            **{
                rel.field.name: None,
                "parent_recalled_by": peer.country,
                "parent_recalled_at": timezone.now(),
            }
        )


def _has_field(model: type[Any], name: str) -> bool:
    return any(f.name == name for f in model._meta.concrete_fields)


@transaction.atomic
def ping_received(peer: Peer) -> None:
    Peer.objects.filter(pk=peer.pk).update(pull_requested=True)
