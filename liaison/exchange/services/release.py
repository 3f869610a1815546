"""Release: a supervisor releases a record to peers (an officer proposes, a supervisor
approves), in bulk with `liaison release`, or automatically for records that are exchange by
nature; withdrawing a release, a record turned TLP:RED or a deleted record recall it. Every
release puts a signed envelope in the peer's feed (:mod:`.outbox`)."""

from __future__ import annotations

import copy
from collections.abc import Iterable
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
    if not obj.is_local:
        raise PermissionDenied(
            _("Only the origin of a record may release it (this one comes from %(o)s).")
            % {"o": obj.origin}
        )
    if not peer.is_active:
        raise ValidationError(_("%(p)s is not an active peer.") % {"p": peer.name})


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
) -> Release:
    """An officer proposes a release; it waits for a supervisor's approval."""
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


def release_to(
    user: User,
    obj: Record,
    peers: Iterable[Peer],
    *,
    tlp: str,
    handling: str,
    basis: str,
    handling_note: str = "",
) -> list[Release]:
    """A supervisor releases a record to one or more peers at once."""
    with transaction.atomic():
        _user_check(user, obj, Role.SUPERVISOR)
        _check_handling(handling, handling_note, basis)
        spec = _kind_of(obj)
        out = []
        for peer in peers:
            _check_releasable(obj, peer, tlp)
            release = _open_release(spec, obj.uuid, peer, tlp, handling, handling_note, basis, user)
            out.append(release)
            _audit_release("release", obj, user, peer, tlp, handling, basis)
        enqueue([(r, obj) for r in out], "upsert")
        return out


def _open_release(
    spec: Kind,
    uuid: Any,
    peer: Peer,
    tlp: str,
    handling: str,
    note: str,
    basis: str,
    user: User | None,
) -> Release:
    """Activate the record's open release to ``peer`` (new, or replacing a proposal/markings)."""
    now = timezone.now()
    release = (
        Release.objects.select_for_update()
        .filter(peer=peer, record_uuid=uuid, state__in=_OPEN_STATES)
        .first()
    )
    if release is None:
        release = Release(kind=spec.kind, record_uuid=uuid, peer=peer, released_at=now)
    release.tlp, release.handling, release.handling_note, release.basis = tlp, handling, note, basis
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
    batch: int = 2000,
    on_batch: Any = None,
) -> tuple[int, list[str]]:
    """Release many records of one kind to one peer (``liaison release``). RED records and
    received copies are skipped and named. Returns (released, skipped messages)."""
    require_role(user, Role.SUPERVISOR)
    _check_handling(handling, handling_note, basis)
    if tlp == Tlp.RED:
        raise ValidationError(_("A TLP:RED record never leaves this node; it cannot be released."))
    if not peer.is_active:
        raise ValidationError(_("%(p)s is not an active peer.") % {"p": peer.name})
    me = this_node().id
    released, skipped = 0, []
    chunk: list[Record] = []
    allowed_units: set[int] = set()

    def flush() -> None:
        nonlocal released
        if not chunk:
            return
        with transaction.atomic():
            now = timezone.now()
            uuids = [o.uuid for o in chunk]
            open_releases = {
                r.record_uuid: r
                for r in Release.objects.filter(
                    peer=peer,
                    record_uuid__in=uuids,
                    state__in=_OPEN_STATES,
                )
            }
            new, changed = [], []
            pairs = []
            template = Release(kind=spec.kind, peer=peer, released_by=user, released_at=now)
            for obj in chunk:
                release = open_releases.get(obj.uuid)
                if release is None:
                    release = _clone(template)
                    release.record_uuid = obj.uuid
                    new.append(release)
                else:
                    changed.append(release)
                    if release.state == ReleaseState.PROPOSED:
                        release.approved_by, release.approved_at = user, now
                release.tlp, release.handling = tlp, handling
                release.handling_note, release.basis = handling_note, basis
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
                        "approved_by_id",
                        "approved_at",
                    ],
                )
            enqueue(pairs, "upsert", fresh=not changed)  # sets sent_version on each release
            fast_insert(Release, new)
            audit.record(
                "release.bulk",
                actor=Actor.of(user),
                object_kind=spec.kind,
                object_id=peer.node_id,
                peer=peer.name,
                count=len(chunk),
                tlp=tlp,
                handling=handling,
                basis=basis,
                uuids=[str(u) for u in uuids[:50]],
            )
        released += len(chunk)
        if on_batch:
            on_batch(len(chunk))
        chunk.clear()

    for obj in records:
        if obj.origin != me:
            skipped.append(
                f"{obj.uuid}: received from {obj.origin}, only its origin may release it"
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
