"""Operations on units, users, sign-in and tokens: the only code that writes these records."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.core import audit
from liaison.core.audit import Actor
from liaison.core.models import ApiToken, Province, Role, TokenScope, Unit, UnitKind, User
from liaison.core.models.units import UNIT_RANK

M = TypeVar("M", bound=models.Model)


def require_role(user: User, *roles: str) -> None:
    if user.is_superuser or any(user.has_role(r) for r in roles):
        return
    raise PermissionDenied(_("This needs the role: %(roles)s") % {"roles": ", ".join(roles)})


def require_unit_access(user: User, unit: Unit | None) -> None:
    """Access follows the unit tree: a user acts only inside their own unit's subtree."""
    if user.is_superuser:
        return
    if user.unit is None or not user.unit.contains(unit):
        raise PermissionDenied(_("This unit is outside your unit's area."))


def get_or_404(queryset: QuerySet[M], **lookup: Any) -> M:
    """One object of ``queryset`` (already limited to what the user may see), else Http404:
    a record outside the user's area looks exactly like one that does not exist."""
    try:
        return queryset.get(**lookup)
    except (ObjectDoesNotExist, ValueError, ValidationError) as exc:
        raise Http404(_("No such record.")) from exc


# --- units ---------------------------------------------------------------------------


#: The fields that place a unit in the tree and so decide what its users may see.
STRUCTURAL_FIELDS = ("kind", "parent", "province")


def require_unit_admin(user: User, unit: Unit | None, fields: dict[str, Any]) -> None:
    """A node admin manages the units strictly below their own unit: a unit they create or
    change stays inside their subtree and ranks below their unit, and the kind, parent and
    province of their own unit are not theirs to change. ``unit`` is None for a new unit;
    ``fields`` are the unit's values after the change."""
    if user.is_superuser:
        return
    own = user.unit
    if own is None or (unit is not None and not own.contains(unit)):
        raise PermissionDenied(_("This unit is outside your unit's area."))
    if unit is not None and unit.pk == own.pk:
        if any(f in fields and fields[f] != getattr(unit, f) for f in STRUCTURAL_FIELDS):
            raise PermissionDenied(
                _("The kind, parent unit and province of your own unit are not yours to change.")
            )
        return
    parent = fields.get("parent", unit.parent if unit else None)
    if parent is None or not own.contains(parent):
        raise PermissionDenied(_("The parent unit must be your unit or a unit below it."))
    kind = fields.get("kind", unit.kind if unit else "")
    if UNIT_RANK.get(kind, -1) <= UNIT_RANK[UnitKind(own.kind)]:
        raise PermissionDenied(_("A unit you manage must rank below your own unit."))
    province = fields.get("province", unit.province if unit else None)
    if own.province_id is not None and province is not None and province != own.province:
        raise PermissionDenied(_("A unit you manage must be in your unit's province."))


def _path_of(unit: Unit, parent: Unit | None) -> str:
    # Zero-padded ids keep sorting by path equal to walking the tree.
    return f"{parent.path if parent else '/'}{unit.pk:07d}/"


@transaction.atomic
def create_unit(
    *,
    name: str,
    kind: str,
    code: str,
    parent: Unit | None,
    name_en: str = "",
    province: Province | None = None,
    actor: Actor | None = None,
) -> Unit:
    if kind not in UnitKind.values:
        raise ValidationError({"kind": _("Unknown unit kind %(kind)s.") % {"kind": kind}})
    if parent is None and Unit.objects.exists() and kind != UnitKind.MINISTRY:
        raise ValidationError({"parent": _("Every unit but the ministry needs a parent unit.")})
    unit = Unit(name=name, name_en=name_en, kind=kind, code=code, parent=parent, province=province)
    unit.full_clean(exclude=["path"])
    unit.save()
    unit.path = _path_of(unit, parent)
    unit.save(update_fields=["path"])
    audit.record("unit.create", unit, actor=actor, name=name, kind=kind, code=code)
    return unit


@transaction.atomic
def update_unit(unit: Unit, *, actor: Actor | None = None, **changes: Any) -> Unit:
    parent_changed = "parent" in changes and changes["parent"] != unit.parent
    new_parent = changes.get("parent")
    if parent_changed and new_parent is not None and unit.contains(new_parent):
        raise ValidationError({"parent": _("A unit cannot be placed under its own subtree.")})
    for field, value in changes.items():
        setattr(unit, field, value)
    unit.full_clean(exclude=["path"])
    unit.save()
    if parent_changed:
        old_prefix = unit.path
        new_prefix = _path_of(unit, new_parent)
        for member in Unit.objects.filter(path__startswith=old_prefix):
            member.path = new_prefix + member.path[len(old_prefix) :]
            member.save(update_fields=["path"])
    audit.record("unit.update", unit, actor=actor, changes=sorted(changes))
    return unit


# --- users ---------------------------------------------------------------------------


def _check_roles(roles: Sequence[str]) -> list[str]:
    unknown = [r for r in roles if r not in Role.values]
    if unknown:
        raise ValidationError({"roles": _("Unknown role: %(r)s") % {"r": ", ".join(unknown)}})
    return sorted(set(roles))


def one_time_password() -> str:
    return secrets.token_urlsafe(12)


@transaction.atomic
def create_user(
    *,
    username: str,
    unit: Unit | None,
    roles: Sequence[str],
    password: str | None = None,
    full_name: str = "",
    email: str = "",
    language: str = "",
    actor: Actor | None = None,
) -> tuple[User, str]:
    """Create a user. Returns the user and the password (a one-time one when none given)."""
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": _("A user with this name already exists.")})
    one_time = password is None
    password = password or one_time_password()
    user = User(
        username=username,
        unit=unit,
        roles=_check_roles(roles),
        first_name=full_name[:150],
        email=email,
        language=language,
        must_change_password=one_time,
    )
    user.full_clean(exclude=["password"])
    if not one_time:
        validate_password(password, user)
    user.set_password(password)
    user.save()
    audit.record("user.create", user, actor=actor, username=username, roles=user.roles)
    return user, password


@transaction.atomic
def update_user(user: User, *, actor: Actor | None = None, **changes: Any) -> User:
    if "roles" in changes:
        changes["roles"] = _check_roles(list(changes["roles"]))
    for field, value in changes.items():
        setattr(user, field, value)
    user.full_clean(exclude=["password"])
    user.save()
    audit.record("user.update", user, actor=actor, changes=sorted(changes))
    return user


@transaction.atomic
def reset_password(user: User, *, actor: Actor | None = None) -> str:
    password = one_time_password()
    user.set_password(password)
    user.must_change_password = True
    user.failed_logins = 0
    user.locked_until = None
    user.save()
    audit.record("user.reset_password", user, actor=actor)
    return password


@transaction.atomic
def change_password(user: User, new_password: str) -> None:
    validate_password(new_password, user)
    user.set_password(new_password)
    user.must_change_password = False
    user.save()
    audit.record("user.change_password", user, actor=Actor.of(user))


@transaction.atomic
def set_language(user: User, language: str) -> None:
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Unknown language.")})
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
        audit.record("user.language", user, actor=Actor.of(user), language=language)


# --- sign-in lockout -------------------------------------------------------------------


def is_locked(username: str) -> bool:
    user = User.objects.filter(username=username).first()
    return bool(user and user.locked_until and user.locked_until > timezone.now())


@transaction.atomic
def login_failed(username: str, source: str) -> None:
    """Count a failed sign-in; lock the account after LOGIN_FAILURE_LIMIT in a row."""
    user = User.objects.select_for_update().filter(username=username).first()
    detail: dict[str, Any] = {"username": username}
    if user is not None:
        user.failed_logins += 1
        if user.failed_logins >= settings.LOGIN_FAILURE_LIMIT:
            user.locked_until = timezone.now() + dt.timedelta(
                minutes=settings.LOGIN_LOCKOUT_MINUTES
            )
            detail["locked_until"] = user.locked_until.isoformat()
        user.save(update_fields=["failed_logins", "locked_until"])
    audit.record("login.failed", actor=Actor("anonymous", "", source), **detail)


@transaction.atomic
def login_succeeded(
    user: User, source: str, *, action: str = "login", reset_failures: bool = True
) -> None:
    """A sign-in step passed. With a second factor still to come, the failure count stays:
    a right password must not wipe out the wrong codes guessed before it."""
    if reset_failures and (user.failed_logins or user.locked_until):
        user.failed_logins = 0
        user.locked_until = None
        user.save(update_fields=["failed_logins", "locked_until"])
    audit.record(action, user, actor=Actor.of(user, source))


# --- API tokens ------------------------------------------------------------------------


#: Days an API token works unless `liaison token create --expires` says otherwise.
TOKEN_DAYS = 90
TOKEN_MAX_DAYS = 366


@transaction.atomic
def create_token(
    user: User,
    label: str = "",
    actor: Actor | None = None,
    *,
    days: int = TOKEN_DAYS,
    scope: str = TokenScope.WRITE,
) -> str:
    if scope not in TokenScope.values:
        raise ValidationError({"scope": _("Unknown token scope %(s)s.") % {"s": scope}})
    if not 1 <= days <= TOKEN_MAX_DAYS:
        raise ValidationError(
            {"expires": _("A token works 1 to %(n)d days.") % {"n": TOKEN_MAX_DAYS}}
        )
    token = "lia_" + secrets.token_urlsafe(32)
    expires_at = timezone.now() + dt.timedelta(days=days)
    row = ApiToken.objects.create(
        user=user,
        digest=ApiToken.digest_of(token),
        prefix=token[:8],
        label=label,
        scope=scope,
        expires_at=expires_at,
    )
    audit.record(
        "token.create",
        user,
        actor=actor,
        token=row.pk,
        label=label,
        scope=scope,
        expires_at=expires_at.isoformat(),
    )
    return token


#: How precisely a token's last use is recorded.
TOKEN_USE_PRECISION = dt.timedelta(minutes=1)


def token_for(token: str) -> ApiToken | None:
    """The token row behind a bearer token, if it still works (not revoked, not expired,
    its user active)."""
    found = (
        ApiToken.objects.select_related("user", "user__unit")
        .filter(digest=ApiToken.digest_of(token), revoked=False, expires_at__gt=timezone.now())
        .first()
    )
    if found is None or not found.user.is_active:
        return None
    now = timezone.now()
    # To the minute: a write on every API request would queue the requests of all workers
    # behind the database's write lock (SQLite has one writer).
    if found.last_used_at is None or now - found.last_used_at >= TOKEN_USE_PRECISION:
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
    return found


def user_for_token(token: str) -> User | None:
    found = token_for(token)
    return found.user if found is not None else None


@transaction.atomic
def revoke_token(token: ApiToken, *, actor: Actor | None = None) -> None:
    if not token.revoked:
        token.revoked = True
        token.save(update_fields=["revoked"])
        audit.record("token.revoke", token.user, actor=actor, token=token.pk, label=token.label)
