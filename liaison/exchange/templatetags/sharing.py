"""Sharing on every record page and list, written once. ``{% load sharing %}`` then:

    {% share_panel obj %}              Release / Propose release button and "Shared with"
    {% share_panel notice delivery %}  the same with the page's own delivery rows
    {% can_bulk_release as bulk %}     whether the user may release selected records
    {% bulk_release_box obj %}         a row's checkbox (only for a record that may go)
    {% bulk_release_form "cases" %}    the "Release selected" button of a list

A record that may be released is one of an exchanged kind, of this node (H2: a received
record is never released onward), not TLP:RED, in the user's area; supervisors release,
officers and analysts propose."""

from __future__ import annotations

from typing import Any

from django import template
from django.core.exceptions import PermissionDenied
from django.utils.html import format_html
from django.utils.translation import gettext as _

from liaison.core.models import Record, Role, Tlp
from liaison.core.services import require_unit_access
from liaison.exchange.models import Release, ReleaseState
from liaison.exchange.registry import kind_for_model
from liaison.exchange.services.outbox import delivery_status

register = template.Library()


def _user(context: template.Context) -> Any:
    request = context.get("request")
    return getattr(request, "user", None)


def _supervisor(user: Any) -> bool:
    return bool(user is not None and (user.is_superuser or user.is_supervisor))


def _may_share(user: Any, obj: Record) -> bool:
    """Whether ``obj`` may leave this node by ``user``'s hand (a release or a proposal)."""
    if user is None or not user.is_authenticated or not obj.is_local or obj.tlp == Tlp.RED:
        return False
    try:
        require_unit_access(user, obj.owner_unit)
    except PermissionDenied:
        return False
    return True


@register.inclusion_tag("exchange/release/_share.html", takes_context=True)
def share_panel(
    context: template.Context, obj: Record, rows: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    spec = kind_for_model(type(obj))
    if spec is None:
        return {"spec": None}
    user = _user(context)
    action = ""
    if _may_share(user, obj):
        if _supervisor(user):
            action = _("Release")
        elif user.has_role(Role.OFFICER) or user.has_role(Role.ANALYST):
            action = _("Propose release")
    local = obj.is_local
    if rows is None:
        rows = delivery_status(obj.uuid) if local else []
    proposed = (
        Release.objects.filter(record_uuid=obj.uuid, state=ReleaseState.PROPOSED)
        .select_related("peer")
        .order_by("peer__name")
        if local
        else []
    )
    return {
        "spec": spec,
        "obj": obj,
        "action": action,
        "rows": rows,
        "proposed": proposed,
        "local": local,
        "red": obj.tlp == Tlp.RED,
    }


@register.simple_tag(takes_context=True)
def can_bulk_release(context: template.Context) -> bool:
    return _supervisor(_user(context))


@register.simple_tag(takes_context=True)
def bulk_release_box(context: template.Context, obj: Record) -> str:
    user = _user(context)
    if not (_supervisor(user) and _may_share(user, obj)):
        return ""
    return format_html(
        '<input type="checkbox" name="record" value="{}" form="bulk-release" aria-label="{}">',
        obj.uuid,
        _("Select %(r)s") % {"r": obj},
    )


@register.inclusion_tag("exchange/release/_bulk_button.html", takes_context=True)
def bulk_release_form(context: template.Context, kind: str) -> dict[str, Any]:
    return {"kind": kind, "show": _supervisor(_user(context))}
