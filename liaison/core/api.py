"""Node, units and the signed-in user in the REST API."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import paginate

from liaison.core.models import Unit
from liaison.core.node import this_node

router = Router(tags=["node"])


class NodeOut(Schema):
    id: str
    country: str
    name: str
    url: str
    fingerprint: str


class UnitOut(Schema):
    id: int
    code: str
    name: str
    name_en: str
    kind: str
    parent_id: int | None
    province_code: str | None


class MeOut(Schema):
    username: str
    unit: UnitOut | None
    roles: list[str]
    language: str


def _unit_out(unit: Unit) -> dict:
    return {
        "id": unit.pk,
        "code": unit.code,
        "name": unit.name,
        "name_en": unit.name_en,
        "kind": unit.kind,
        "parent_id": unit.parent_id,
        "province_code": unit.province.code if unit.province_id else None,  # type: ignore[union-attr]
    }


def _visible_units(request: HttpRequest):  # type: ignore[no-untyped-def]
    user = request.user
    units = Unit.objects.select_related("province")
    if user.is_superuser:  # type: ignore[union-attr]
        return units
    if user.unit is None:  # type: ignore[union-attr]
        return units.none()
    return units.filter(path__startswith=user.unit.path)  # type: ignore[union-attr]


@router.get("/node", response=NodeOut)
def node(request: HttpRequest) -> dict:
    identity = this_node()
    return {
        "id": identity.id,
        "country": identity.country,
        "name": identity.name,
        "url": identity.url,
        "fingerprint": identity.fingerprint,
    }


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> dict:
    user = request.user
    return {
        "username": user.username,  # type: ignore[union-attr]
        "unit": _unit_out(user.unit) if user.unit else None,  # type: ignore[union-attr]
        "roles": list(user.roles),  # type: ignore[union-attr]
        "language": user.language,  # type: ignore[union-attr]
    }


@router.get("/units", response=list[UnitOut])
@paginate
def units(request: HttpRequest, kind: str | None = None):  # type: ignore[no-untyped-def]
    """Units of your subtree."""
    qs = _visible_units(request)
    if kind:
        qs = qs.filter(kind=kind)
    return [_unit_out(u) for u in qs]


@router.get("/units/{unit_id}", response=UnitOut)
def unit(request: HttpRequest, unit_id: int) -> dict:
    return _unit_out(get_object_or_404(_visible_units(request), pk=unit_id))
