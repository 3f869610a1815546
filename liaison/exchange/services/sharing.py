"""Sharing from the record's page and from lists (the web pages' side of :mod:`.release`):
an officer proposes a record to several peers at once, a supervisor releases the records
selected on a list page to one or more peers, each peer under its own markings and legal
basis, and the records these pages show are audited as read.

A list release is all or nothing, in one transaction: when any selected record cannot go,
every refusal is named (which record, why) and nothing is released. ``liaison release``
(:func:`.release.bulk_release`) is the command-line path for large numbers of records."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from liaison.core import audit
from liaison.core.audit import Actor
from liaison.core.models import Record, Role, User
from liaison.core.services import require_role
from liaison.exchange.models import Release
from liaison.exchange.registry import Kind
from liaison.exchange.services.parts import check_without
from liaison.exchange.services.release import Recipient, propose_release, release_to


def propose_to(
    user: User, obj: Record, recipients: Collection[Recipient], *, leave_out: Collection[Any] = ()
) -> list[Release]:
    """An officer proposes ``obj`` to every recipient under its markings, all or none; the
    parts in ``leave_out`` stay here when a supervisor approves."""
    if not recipients:
        raise ValidationError(_("Choose at least one partner."))
    with transaction.atomic():
        return [
            propose_release(
                user,
                obj,
                to.peer,
                tlp=to.tlp,
                handling=to.handling,
                basis=to.basis,
                handling_note=to.handling_note,
                leave_out=leave_out,
            )
            for to in recipients
        ]


def read_shown(user: User, objs: Iterable[Record], source: str, via: str) -> None:
    """One "release.read" audit entry per record a release page shows (a case's persons
    among its parts, the records selected on a list)."""
    audit.record_many("release.read", objs, actor=Actor.of(user, source), via=via)


def release_selected(
    user: User,
    spec: Kind,
    uuids: Iterable[Any],
    recipients: Collection[Recipient],
    *,
    without: Collection[str] = (),
) -> list[Release]:
    """Release every record of ``spec`` named in ``uuids`` (each with its parts, except the
    kinds in ``without``) to every recipient. Returns the releases of the records
    themselves; raises ``ValidationError`` naming each refused record, and then nothing
    changed."""
    require_role(user, Role.SUPERVISOR)
    check_without(spec, without)
    wanted = list(dict.fromkeys(str(u) for u in uuids))
    if not wanted:
        raise ValidationError(_("Select at least one record to release."))
    if not recipients:
        raise ValidationError(_("Choose at least one partner."))
    visible = spec.model.objects.visible_to(user)  # type: ignore[attr-defined]
    records = {str(r.uuid): r for r in visible.filter(uuid__in=wanted)}
    refusals = [
        _("%(k)s %(u)s: no such record in your area.") % {"k": spec.kind, "u": u}
        for u in wanted
        if u not in records
    ]
    out: list[Release] = []
    with transaction.atomic():
        for uuid in wanted:
            obj = records.get(uuid)
            if obj is None:
                continue
            try:
                out += release_to(user, obj, recipients, without=without)
            except (ValidationError, PermissionDenied) as exc:
                reason = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                refusals.append(_("%(r)s: %(reason)s") % {"r": obj, "reason": reason})
        if refusals:
            raise ValidationError(refusals)
        audit.record(
            "release.selected",
            actor=Actor.of(user),
            object_kind=spec.kind,
            count=len(wanted),
            peers=[r.peer.name for r in recipients],
            uuids=wanted[:50],
        )
    return out
