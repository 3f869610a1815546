"""Release: a supervisor releases a record to peers (an officer proposes, a supervisor
approves), in bulk with `liaison release`, or automatically for records that are exchange by
nature; withdrawing a release, a record turned TLP:RED or a deleted record recall it. Every
release puts a signed envelope in the peer's feed (:mod:`.outbox`)."""

from __future__ import annotations

import copy
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.core import audit
from liaison.core.audit import Actor
from liaison.core.models import Handling, Record, Role, Tlp, Unit, User
from liaison.core.services import require_role, require_unit_access
from liaison.exchange.bulk_sql import fast_insert, fast_update
from liaison.exchange.models import Peer, Release, ReleaseState
from liaison.exchange.registry import Kind, get_kind, kind_for_model
from liaison.exchange.services.outbox import enqueue
from liaison.exchange.services.parts import (
    Markings,
    check_without,
    parts_of,
    stricter,
    whole_uuid,
)
from liaison.exchange.services.peers import this_node

#: A record has at most one open release per peer (a database constraint says so too).
_OPEN_STATES = (ReleaseState.PROPOSED, ReleaseState.ACTIVE)


def _kind_of(obj: Record) -> Kind:
    spec = kind_for_model(type(obj))
    if spec is None:
        raise ValidationError(
            _("Records of type %(m)s cannot be exchanged.") % {"m": type(obj).__name__}
        )
    return spec


def _check_releasable(obj: Record, peer: Peer, tlp: str) -> None:
    if tlp == Tlp.RED or obj.tlp == Tlp.RED:
        raise ValidationError(_("A TLP:RED record never leaves this node; it cannot be released."))
    if tlp not in Tlp.values:
        raise ValidationError(_("Unknown TLP %(t)s.") % {"t": tlp})
    refuse_onward(obj)
    if not peer.is_active:
        raise ValidationError(_("%(p)s is not an active peer.") % {"p": peer.name})


def refuse_onward(obj: Record) -> None:
    """H2 by construction: a node never releases onward a record it received."""
    if not obj.is_local:
        raise PermissionDenied(
            _(
                "%(k)s %(u)s was received from %(o)s: a node never releases onward a record "
                "it received (H2); only its origin may release it."
            )
            % {"k": _kind_of(obj).kind, "u": obj.uuid, "o": obj.origin}
        )


def _check_handling(handling: str, note: str, basis: str) -> None:
    if handling not in Handling.values:
        raise ValidationError(_("Unknown handling code %(h)s.") % {"h": handling})
    if handling == Handling.H3 and not note.strip():
        raise ValidationError(_("Handling code H3 needs the conditions written out."))
    if not basis.strip():
        raise ValidationError(
            _("Give the legal basis of the release (e.g. the MoU of 9 Aug 2021).")
        )


def _audit_release(
    action: str, obj: Record, user: User, peer: Peer, tlp: str, handling: str, basis: str
) -> None:
    """The audit entry of one record proposed or released to ``peer`` under its markings."""
    audit.record(
        action, obj, actor=Actor.of(user), peer=peer.name, tlp=tlp, handling=handling, basis=basis
    )


def _user_check(user: User, obj: Record, *roles: str) -> None:
    require_role(user, *roles)
    require_unit_access(user, obj.owner_unit)


@transaction.atomic
def propose_release(
    user: User,
    obj: Record,
    peer: Peer,
    *,
    tlp: str,
    handling: str,
    basis: str,
    handling_note: str = "",
    leave_out: Collection[Any] = (),
) -> Release:
    """An officer proposes a release; it waits for a supervisor's approval. ``leave_out``:
    the parts (uuids) that are not to go along when it is approved."""
    _user_check(user, obj, Role.OFFICER, Role.ANALYST, Role.SUPERVISOR)
    spec = _kind_of(obj)
    _check_releasable(obj, peer, tlp)
    _check_handling(handling, handling_note, basis)
    if Release.objects.filter(peer=peer, record_uuid=obj.uuid, state__in=_OPEN_STATES).exists():
        raise ValidationError(
            _("This record is already released or proposed to %(p)s.") % {"p": peer.name}
        )
    release = Release.objects.create(
        kind=spec.kind,
        record_uuid=obj.uuid,
        peer=peer,
        tlp=tlp,
        handling=handling,
        handling_note=handling_note,
        basis=basis,
        state=ReleaseState.PROPOSED,
        released_by=user,
        released_at=timezone.now(),
        left_out=sorted(str(u) for u in leave_out),
    )
    _audit_release("release.propose", obj, user, peer, tlp, handling, basis)
    return release


@transaction.atomic
def approve_release(user: User, release: Release) -> Release:
    """A supervisor approves a proposed release: the record goes out."""
    release = Release.objects.select_for_update().get(pk=release.pk)
    obj = record_for(release.kind, release.record_uuid)
    _user_check(user, obj, Role.SUPERVISOR)
    if release.state != ReleaseState.PROPOSED:
        raise ValidationError(_("Only a proposed release can be approved."))
    _check_releasable(obj, release.peer, release.tlp)
    release.state = ReleaseState.ACTIVE
    release.approved_by = user
    release.approved_at = timezone.now()
    release.save()
    enqueue([(release, obj)], "upsert")
    _release_parts(user, _kind_of(obj), obj, release, (), release.left_out)
    audit.record(
        "release.approve", obj, actor=Actor.of(user), peer=release.peer.name, tlp=release.tlp
    )
    return release


@transaction.atomic
def decline_release(user: User, release: Release, reason: str = "") -> Release:
    release = Release.objects.select_for_update().get(pk=release.pk)
    obj = record_for(release.kind, release.record_uuid)
    _user_check(user, obj, Role.SUPERVISOR)
    if release.state != ReleaseState.PROPOSED:
        raise ValidationError(_("Only a proposed release can be declined."))
    release.state = ReleaseState.DECLINED
    release.withdrawn_by = user
    release.withdrawn_at = timezone.now()
    release.save()
    audit.record(
        "release.decline", obj, actor=Actor.of(user), peer=release.peer.name, reason=reason
    )
    return release


@dataclass(frozen=True)
class Recipient:
    """One peer of a release, with its own markings and legal basis (empty: the defaults)."""

    peer: Peer
    tlp: str = ""
    handling: str = ""
    basis: str = ""
    handling_note: str = ""


def release_to(
    user: User,
    obj: Record,
    peers: Iterable[Peer | Recipient],
    *,
    tlp: str = "",
    handling: str = "",
    basis: str = "",
    handling_note: str = "",
    without: Collection[str] = (),
    leave_out: Collection[Any] = (),
) -> list[Release]:
    """A supervisor releases a record to one or more peers at once, each under its own
    markings and legal basis (``tlp``, ``handling`` and ``basis`` are the defaults). The
    record's parts (a case's persons and seizures) go along at the same or stricter markings,
    except the kinds named in ``without`` and the parts (uuids) in ``leave_out``. Returns the
    releases of the record itself."""
    with transaction.atomic():
        _user_check(user, obj, Role.SUPERVISOR)
        spec = _kind_of(obj)
        refuse_onward(obj)
        check_without(spec, without)
        recipients = [p if isinstance(p, Recipient) else Recipient(p) for p in peers]
        out = []
        for to in recipients:
            r_tlp = to.tlp or tlp
            r_handling = to.handling or handling
            r_basis = to.basis or basis
            r_note = to.handling_note or handling_note
            _check_handling(r_handling, r_note, r_basis)
            _check_releasable(obj, to.peer, r_tlp)
            release = _open_release(
                spec, obj.uuid, to.peer, r_tlp, r_handling, r_note, r_basis, user
            )
            out.append(release)
            _audit_release("release", obj, user, to.peer, r_tlp, r_handling, r_basis)
            enqueue([(release, obj)], "upsert")
            _release_parts(user, spec, obj, release, without, leave_out)
        return out


def _release_parts(
    user: User | None,
    spec: Kind,
    obj: Record,
    whole: Release,
    without: Collection[str],
    leave_out: Collection[Any] = (),
) -> int:
    """Release ``obj``'s parts (but those in ``leave_out``) to ``whole``'s peer along with
    it. A part already released on its own keeps that release (and so stays when the whole
    is recalled)."""
    markings = Markings(whole.tlp, whole.handling, whole.handling_note)
    left_out = {str(u) for u in leave_out}
    pairs = []
    for part_spec, all_parts in parts_of(spec, [obj], without):
        parts = [p for p in all_parts if str(p.uuid) not in left_out]
        standalone = set(
            Release.objects.filter(
                peer=whole.peer,
                record_uuid__in=[p.uuid for p in parts],
                state=ReleaseState.ACTIVE,
                part_of__isnull=True,
            ).values_list("record_uuid", flat=True)
        )
        for part in parts:
            if part.uuid in standalone:
                continue
            m = stricter(markings, part)
            release = _open_release(
                part_spec,
                part.uuid,
                whole.peer,
                m.tlp,
                m.handling,
                m.note,
                whole.basis,
                user,
                part_of=obj.uuid,
            )
            pairs.append((release, part))
    if pairs:
        enqueue(pairs, "upsert")
        audit.record(
            "release.parts",
            obj,
            actor=Actor.of(user) if user else Actor.system("exchange"),
            peer=whole.peer.name,
            parts=[str(p.uuid) for _r, p in pairs[:50]],
            count=len(pairs),
        )
    return len(pairs)


def _open_release(
    spec: Kind,
    uuid: Any,
    peer: Peer,
    tlp: str,
    handling: str,
    note: str,
    basis: str,
    user: User | None,
    *,
    part_of: Any = None,
) -> Release:
    """Activate the record's open release to ``peer`` (new, or replacing a proposal/markings).
    ``part_of``: the whole it goes out with; none when released on its own."""
    now = timezone.now()
    release = (
        Release.objects.select_for_update()
        .filter(peer=peer, record_uuid=uuid, state__in=_OPEN_STATES)
        .first()
    )
    if release is None:
        release = Release(kind=spec.kind, record_uuid=uuid, peer=peer, released_at=now)
    release.tlp, release.handling, release.handling_note, release.basis = tlp, handling, note, basis
    release.part_of = part_of
    if release.state == ReleaseState.PROPOSED and release.pk:
        release.approved_by, release.approved_at = user, now
    else:
        release.released_by, release.released_at = user, now
    release.state = ReleaseState.ACTIVE
    release.save()
    return release


def auto_release(
    obj: Record, peers: Iterable[Peer], *, basis: str, user: User | None = None
) -> int:
    """Release a record that is exchange by nature (a hotline message to the partner, a
    response to the partner's request …) without a supervisor step; the calling service
    decides that. Uses the record's own TLP and handling code. TLP:RED records and received
    copies are never released. Returns the number of envelopes queued."""
    peers = [p for p in peers if p.is_active]
    if not peers or obj.tlp == Tlp.RED or not obj.is_local:
        return 0
    with transaction.atomic():
        spec = _kind_of(obj)
        releases = [
            _open_release(
                spec, obj.uuid, peer, obj.tlp, obj.handling, obj.handling_note, basis, user
            )
            for peer in peers
        ]
        queued = enqueue([(r, obj) for r in releases], "upsert")
        audit.record(
            "release.auto",
            obj,
            actor=Actor.of(user) if user else Actor.system("exchange"),
            peers=[p.name for p in peers],
            basis=basis,
        )
        return queued


def bulk_release(
    user: User,
    spec: Kind,
    records: Iterable[Record],
    peer: Peer,
    *,
    tlp: str,
    handling: str,
    basis: str,
    handling_note: str = "",
    without: Collection[str] = (),
    batch: int = 2000,
    on_batch: Any = None,
) -> tuple[int, list[str]]:
    """Release many records of one kind to one peer (``liaison release``), each with its
    parts (except the kinds in ``without``). RED records and received copies are skipped and
    named (H2: a received record is never released onward). Returns (released, skipped
    messages); the count is of ``spec``'s records, not their parts."""
    require_role(user, Role.SUPERVISOR)
    _check_handling(handling, handling_note, basis)
    check_without(spec, without)
    if tlp == Tlp.RED:
        raise ValidationError(_("A TLP:RED record never leaves this node; it cannot be released."))
    if not peer.is_active:
        raise ValidationError(_("%(p)s is not an active peer.") % {"p": peer.name})
    me = this_node().id
    markings = Markings(tlp, handling, handling_note)
    released, skipped = 0, []
    chunk: list[Record] = []
    allowed_units: set[int] = set()

    def flush() -> None:
        nonlocal released
        if not chunk:
            return
        with transaction.atomic():
            _bulk_write(user, spec, chunk, peer, basis, lambda _o: markings, None)
            for part_spec, parts in parts_of(spec, chunk, without):
                standalone = set(
                    Release.objects.filter(
                        peer=peer,
                        record_uuid__in=[p.uuid for p in parts],
                        state=ReleaseState.ACTIVE,
                        part_of__isnull=True,
                    ).values_list("record_uuid", flat=True)
                )
                parts = [p for p in parts if p.uuid not in standalone]
                _bulk_write(
                    user,
                    part_spec,
                    parts,
                    peer,
                    basis,
                    lambda o: stricter(markings, o),
                    lambda o, ps=part_spec: whole_uuid(o, spec, ps),
                )
        released += len(chunk)
        if on_batch:
            on_batch(len(chunk))
        chunk.clear()

    for obj in records:
        if obj.origin != me:
            skipped.append(
                f"{obj.uuid}: received from {obj.origin}; H2: a received record is never "
                "released onward"
            )
            continue
        if obj.tlp == Tlp.RED:
            skipped.append(f"{obj.uuid}: TLP:RED, never released")
            continue
        if obj.owner_unit_id not in allowed_units:
            require_unit_access(user, Unit.objects.get(pk=obj.owner_unit_id))
            allowed_units.add(obj.owner_unit_id)
        chunk.append(obj)
        if len(chunk) >= batch:
            flush()
    flush()
    return released, skipped


def _bulk_write(
    user: User,
    spec: Kind,
    objs: list[Record],
    peer: Peer,
    basis: str,
    markings_of: Any,
    part_of: Any,
) -> None:
    """Open (or update) the releases of ``objs`` to ``peer`` and queue their envelopes, in
    bulk. ``markings_of(obj)`` gives each record's markings; ``part_of(obj)`` its whole."""
    if not objs:
        return
    now = timezone.now()
    uuids = [o.uuid for o in objs]
    open_releases = {
        r.record_uuid: r
        for r in Release.objects.filter(peer=peer, record_uuid__in=uuids, state__in=_OPEN_STATES)
    }
    new, changed, pairs = [], [], []
    template = Release(kind=spec.kind, peer=peer, released_by=user, released_at=now)
    for obj in objs:
        release = open_releases.get(obj.uuid)
        if release is None:
            release = _clone(template)
            release.record_uuid = obj.uuid
            new.append(release)
        else:
            changed.append(release)
            if release.state == ReleaseState.PROPOSED:
                release.approved_by, release.approved_at = user, now
        m = markings_of(obj)
        release.tlp, release.handling = m.tlp, m.handling
        release.handling_note, release.basis = m.note, basis
        release.part_of = part_of(obj) if part_of else None
        release.state = ReleaseState.ACTIVE
        pairs.append((release, obj))
    if changed:
        fast_update(
            Release,
            changed,
            [
                "tlp",
                "handling",
                "handling_note",
                "basis",
                "state",
                "part_of",
                "approved_by_id",
                "approved_at",
            ],
        )
    # Parts may have older entries from an earlier release of their whole: supersede them.
    enqueue(pairs, "upsert", fresh=not changed and part_of is None)  # sets sent_version
    fast_insert(Release, new)
    audit.record(
        "release.bulk",
        actor=Actor.of(user),
        object_kind=spec.kind,
        object_id=peer.node_id,
        peer=peer.name,
        count=len(objs),
        tlp=markings_of(objs[0]).tlp,
        handling=markings_of(objs[0]).handling,
        basis=basis,
        uuids=[str(u) for u in uuids[:50]],
    )


def _clone(template: Any) -> Any:
    """A new unsaved model instance with ``template``'s field values (and cached related
    objects): a dict copy instead of ``Model.__init__``, ~10x faster for bulk work."""
    obj = template.__class__.__new__(template.__class__)
    obj.__dict__.update(template.__dict__)
    state = copy.copy(template._state)
    state.fields_cache = dict(template._state.fields_cache)
    obj._state = state
    return obj


@transaction.atomic
def withdraw_release(user: User | None, release: Release, *, reason: str = "") -> Release:
    """Withdraw a release: the peer gets a recall (tombstone) and deletes its copy."""
    release = Release.objects.select_for_update().get(pk=release.pk)
    obj = record_for(release.kind, release.record_uuid, missing_ok=True)
    if user is not None:
        require_role(user, Role.SUPERVISOR)
        if obj is not None:
            require_unit_access(user, obj.owner_unit)
    if release.state not in _OPEN_STATES:
        raise ValidationError(_("This release is not open."))
    was_active = release.state == ReleaseState.ACTIVE
    release.state = ReleaseState.WITHDRAWN
    release.withdrawn_by = user
    release.withdrawn_at = timezone.now()
    release.save()
    if was_active:
        enqueue([(release, obj)], "recall")
    # The parts that went out with this record come back with it; a part also released on
    # its own has its own release (part_of empty) and stays.
    for part in Release.objects.filter(
        peer=release.peer, part_of=release.record_uuid, state__in=_OPEN_STATES
    ):
        withdraw_release(user, part, reason=reason or "recalled with its whole record")
    audit.record(
        "release.withdraw",
        obj,
        actor=Actor.of(user) if user else Actor.system("exchange"),
        object_kind=release.kind,
        object_id=str(release.record_uuid),
        peer=release.peer.name,
        reason=reason,
    )
    return release


def record_changed(obj: Record) -> int:
    """Call after saving a new version of a local record (in the same transaction): every
    peer it is released to gets the new version. A record turned TLP:RED is recalled from
    every peer. Returns the number of envelopes queued. Idempotent per version."""
    if not obj.is_local or obj.pk is None:
        return 0
    releases = list(
        Release.objects.select_related("peer").filter(
            record_uuid=obj.uuid, state=ReleaseState.ACTIVE
        )
    )
    if not releases:
        return 0
    with transaction.atomic():
        if obj.tlp == Tlp.RED:
            for release in releases:
                withdraw_release(None, release, reason="record marked TLP:RED")
            return len(releases)
        due = [r for r in releases if r.sent_version < obj.version]
        if due:
            enqueue([(r, obj) for r in due], "upsert")
        return len(due)


def record_deleted(obj: Record) -> int:
    """A local record was deleted: recall it from every peer."""
    if not obj.is_local:
        return 0
    releases = list(Release.objects.filter(record_uuid=obj.uuid, state=ReleaseState.ACTIVE))
    for release in releases:
        withdraw_release(None, release, reason="record deleted")
    return len(releases)


def record_for(kind: str, uuid: Any, *, missing_ok: bool = False) -> Any:
    spec = get_kind(kind)
    if spec is None:
        raise ValidationError(_("Unknown kind %(k)s.") % {"k": kind})
    obj = spec.model.objects.filter(uuid=uuid).first()  # type: ignore[attr-defined]
    if obj is None and not missing_ok:
        raise ValidationError(_("No %(k)s record %(u)s.") % {"k": kind, "u": uuid})
    return obj


def releases_of(obj: Record) -> list[Release]:
    return list(
        Release.objects.select_related("peer", "released_by", "approved_by")
        .filter(record_uuid=obj.uuid)
        .order_by("-released_at")
    )
