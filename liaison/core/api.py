"""Node, units and the signed-in user in the REST API. No ``from __future__ import
annotations`` here: django-ninja reads the ``Query[...]`` parameter types at import."""

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from liaison.core.listing import KeysetPagination, ListFilter
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

    @staticmethod
    def resolve_province_code(obj: Unit) -> str | None:
        return obj.province.code if obj.province_id else None  # type: ignore[union-attr]


class MeOut(Schema):
    username: str
    unit: UnitOut | None
    roles: list[str]
    language: str


class UnitFilter(ListFilter):
    kind: str | None = None


def _visible_units(request: HttpRequest) -> QuerySet[Unit]:
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
        "unit": user.unit,  # type: ignore[union-attr]
        "roles": list(user.roles),  # type: ignore[union-attr]
        "language": user.language,  # type: ignore[union-attr]
    }


@router.get("/units", response=list[UnitOut])
@paginate(KeysetPagination, order=("path", "id"))
def units(request: HttpRequest, filters: Query[UnitFilter]) -> QuerySet[Unit]:
    """Units of your subtree, in tree order. Filter: ``kind``."""
    return filters.filter(_visible_units(request))


@router.get("/units/{unit_id}", response=UnitOut)
def unit(request: HttpRequest, unit_id: int) -> Unit:
    return get_object_or_404(_visible_units(request), pk=unit_id)
