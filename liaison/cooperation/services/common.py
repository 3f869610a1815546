"""What every cooperation mechanism's services share: who may write, how a write is
guarded and audited, how a record is created and bumped, and which records a user sees.

Every write is audited in the same transaction; every refused operation (bad input, out of
order, not allowed) leaves an audit entry ``<action>.refused`` and changes nothing else.
Only the origin changes a record; the partner's contributions are linked records (receipts,
events, responses, entries, results) that the partner alone edits. Records that belong to the
partner relationship are shared automatically (:mod:`liaison.cooperation.federation`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.cooperation.models.wanted import WantedNotice
from liaison.core import audit
from liaison.core.audit import Actor
from liaison.core.countries import partner_countries
from liaison.core.middleware import client_address, current_request
from liaison.core.models import Record, Role, Unit, UnitKind, User
from liaison.core.node import this_node
from liaison.core.services import get_or_404, require_role, require_unit_access

R = TypeVar("R", bound=Record)

WRITERS = (Role.OFFICER, Role.SUPERVISOR, Role.NODE_ADMIN)


def actor_of(user: User | None) -> Actor:
    if user is None:
        return Actor.system("cooperation")
    request = current_request.get()
    return Actor.of(user, client_address(request) if request is not None else "")


def partner_country() -> str:
    """The partner a record goes to when none is named: the first of the countries this node
    works with ("" if none). Raises NodeNotInitialised before `liaison init`."""
    this_node()
    partners = partner_countries()
    return partners[0] if partners else ""


def now() -> dt.datetime:
    return timezone.now()


def error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
        return " ".join(exc.messages)
    return str(exc) or type(exc).__name__


@contextmanager
def guard(action: str, user: User | None, obj: Any = None, **detail: Any) -> Iterator[None]:
    """Run a write; if it is refused, roll it back and write ``<action>.refused`` instead."""
    try:
        with transaction.atomic():
            yield
    except (ValidationError, PermissionDenied) as exc:
        audit.record(
            f"{action}.refused", obj, actor=actor_of(user), reason=error_text(exc), **detail
        )
        raise


@contextmanager
def filing(action: str, user: User, unit: Unit | None, **detail: Any) -> Iterator[Unit]:
    """A new record's write, as :func:`guard`: checked that ``user`` may write for ``unit``
    (default: the user's own), and yielding the unit the record is filed under."""
    owner = unit or user.unit
    with guard(action, user, owner, **detail):
        require_writer(user, owner)
        yield unit_for(user, owner)


def reject_unknown_changes(changes: Iterable[str], allowed: Iterable[str]) -> None:
    """Refuse a change to a field that the service does not let anyone change."""
    unknown = set(changes) - set(allowed)
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed: %(f)s") % {"f": ", ".join(sorted(unknown))}
        )


def new_record(model: type[R], user: User | None, unit: Unit, **fields: Any) -> R:
    node = this_node()
    at = now()
    obj = model(
        origin=node.id,
        origin_country=node.country,
        version=1,
        created_at=at,
        updated_at=at,
        owner_unit=unit,
        **fields,
    )
    obj.full_clean(exclude=["owner_unit"])
    obj.save()
    return obj


def bump(obj: Record, **changes: Any) -> Record:
    for key, value in changes.items():
        setattr(obj, key, value)
    obj.version += 1
    obj.updated_at = now()
    obj.full_clean(exclude=["owner_unit"])
    obj.save()
    return obj


def require_local(obj: Record) -> None:
    if not obj.is_local:
        raise PermissionDenied(
            _("Only the side that created this record can change it (it comes from %(o)s).")
            % {"o": obj.origin_country or obj.origin}
        )


def require_writer(user: User, unit: Unit | None) -> None:
    require_role(user, *WRITERS)
    require_unit_access(user, unit)


def unit_for(user: User, unit: Unit | None) -> Unit:
    unit = unit or user.unit
    if unit is None:
        raise ValidationError({"owner_unit": _("Your account has no unit.")})
    return unit


def _national_level(user: User) -> bool:
    return user.is_superuser or (
        user.unit is not None and user.unit.kind in (UnitKind.MINISTRY, UnitKind.DEPARTMENT)
    )


def visible(model: type[R], user: User) -> models.QuerySet[R]:
    """Records of the user's unit subtree; partner records filed at the ministry are seen by
    national-level users too, and partner wanted notices by everyone (they are for finding
    people, and officers at the border are the ones who find them)."""
    qs = model.objects.all()  # type: ignore[attr-defined]
    if not user.is_authenticated or not user.is_active:
        return qs.none()  # type: ignore[no-any-return]
    if user.is_superuser:
        return qs  # type: ignore[no-any-return]
    # The unit subtree of Record.objects.visible_to, written as a condition on the row (not
    # ``pk IN (subquery)``) so that a list can walk its order's index and stop at a page.
    mine = Q(owner_unit__path__startswith=user.unit.path) if user.unit is not None else Q(pk=None)
    extra = Q()
    if _national_level(user):
        extra = Q(owner_unit__parent__isnull=True) & ~Q(origin=this_node().id)
    if model is WantedNotice:
        extra |= ~Q(origin=this_node().id)
    return qs.filter(mine | extra) if extra else qs.filter(mine)  # type: ignore[no-any-return]


#: How lists name the records written on this node, and those received from a partner.
HERE_SIDES = ("sent", "local", "ours")
PARTNER_SIDES = ("received", "partner")


def on_side(side: str | None) -> Q:
    """Records written on this node (``sent``, ``local``, ``ours``) or received from a
    partner (``received``, ``partner``); any other value (or none): all records."""
    if side in HERE_SIDES:
        return Q(origin=this_node().id)
    if side in PARTNER_SIDES:
        return ~Q(origin=this_node().id)
    return Q()


def get_visible(model: type[R], user: User, **lookup: Any) -> R:
    return get_or_404(visible(model, user), **lookup)


def next_reference(model: type[Record], prefix: str) -> str:
    node = this_node()
    year = now().year
    stem = f"{node.country}-{prefix}-{year}-"
    count = model.objects.filter(origin=node.id, reference__startswith=stem).count()  # type: ignore[attr-defined,misc]
    return f"{stem}{count + 1:04d}"


_PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def check_partial_date(value: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    ok = bool(_PARTIAL_DATE.match(value))
    if ok:
        parts = [int(p) for p in value.split("-")]
        try:
            dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
        except ValueError:
            ok = False
    if not ok:
        raise ValidationError(
            {field: _("%(v)s is not a date (use YYYY-MM-DD, YYYY-MM or YYYY).") % {"v": value}}
        )
    return value


def check_country(value: str, field: str, *, required: bool = False) -> str:
    value = (value or "").strip().upper()
    if not value and not required:
        return ""
    if not re.fullmatch(r"[A-Z]{2}", value):
        raise ValidationError(
            {field: _("Give a two-letter country code (ISO 3166-1), e.g. VN or LA.")}
        )
    return value
