"""Province boundaries for the map: the gazetteer's provinces of every era with a shape.

Shapes come from ``build/boundaries/<country>.geojson`` (Natural Earth admin-1, built at
install time by ``scripts/build_boundaries.py``), keyed by ISO 3166-2 code. A unit that has
no ISO code of its own (Viet Nam's provinces formed on 1 July 2025) is drawn as the union of
the provinces it was formed from, as the gazetteer's successions say; the boundaries are a
simplified coverage, so merged neighbours leave no slivers.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import shapely
from django.conf import settings
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from liaison.core.models import Province, ProvinceSuccession

COORD_DIGITS = 4


def boundaries_dir() -> Path:
    return Path(settings.BOUNDARIES_DIR)


def source_info() -> dict[str, Any]:
    """What the boundaries were built from (package, version, licences)."""
    try:
        return dict(json.loads((boundaries_dir() / "source.json").read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return {}


@functools.lru_cache(maxsize=32)
def _shapes(country: str, stamp: float) -> dict[str, BaseGeometry]:
    path = boundaries_dir() / f"{country}.geojson"
    data = json.loads(path.read_text(encoding="utf-8"))
    return {f["properties"]["code"]: shape(f["geometry"]) for f in data["features"]}


def country_shapes(country: str) -> dict[str, BaseGeometry]:
    """ISO 3166-2 code → shape for one country ({} when the boundaries are not built)."""
    path = boundaries_dir() / f"{country.upper()}.geojson"
    try:
        stamp = path.stat().st_mtime
    except OSError:
        return {}
    return _shapes(country.upper(), stamp)


def _round(coords: Any) -> Any:
    if isinstance(coords, list | tuple):
        if coords and isinstance(coords[0], float | int):
            return [round(float(c), COORD_DIGITS) for c in coords]
        return [_round(c) for c in coords]
    return coords


@functools.lru_cache(maxsize=512)
def _geometry_json(key: tuple[str, ...], stamp: tuple[float, ...]) -> dict[str, Any] | None:
    """GeoJSON geometry of one code or the union of several (cached per boundaries build)."""
    shapes: list[BaseGeometry] = []
    for code in key:
        found = country_shapes(code[:2]).get(code)
        if found is not None:
            shapes.append(found)
    if not shapes:
        return None
    merged = shapes[0] if len(shapes) == 1 else shapely.union_all(shapes)
    geo = mapping(merged)
    return {"type": geo["type"], "coordinates": _round(geo["coordinates"])}


def _stamp(countries: set[str]) -> tuple[float, ...]:
    stamps = []
    for country in sorted(countries):
        try:
            stamps.append((boundaries_dir() / f"{country}.geojson").stat().st_mtime)
        except OSError:
            stamps.append(0.0)
    return tuple(stamps)


def shape_codes(provinces: list[Province]) -> dict[int, tuple[str, ...]]:
    """Province id → the ISO codes whose union draws it (itself, or its predecessors)."""
    predecessors: dict[int, list[str]] = {}
    for succ_id, pre_code in ProvinceSuccession.objects.filter(successor__in=provinces).values_list(
        "successor_id", "predecessor__code"
    ):
        predecessors.setdefault(succ_id, []).append(pre_code)
    out: dict[int, tuple[str, ...]] = {}
    for p in provinces:
        shapes = country_shapes(p.code[:2]) if "-" in p.code else {}
        if p.code in shapes:
            out[p.id] = (p.code,)
        elif p.id in predecessors:
            out[p.id] = tuple(sorted(predecessors[p.id]))
    return out


def province_geometries(provinces: list[Province]) -> dict[int, dict[str, Any]]:
    """Province id → GeoJSON geometry, for the provinces that can be drawn."""
    codes = shape_codes(provinces)
    stamp = _stamp({c[:2] for key in codes.values() for c in key})
    out: dict[int, dict[str, Any]] = {}
    for pid, key in codes.items():
        geometry = _geometry_json(key, stamp)
        if geometry is not None:
            out[pid] = geometry
    return out


def representative_point(geometry: dict[str, Any]) -> tuple[float, float]:
    """(latitude, longitude) of a point inside the shape (for a province without a centre)."""
    point = shape(geometry).representative_point()
    return round(point.y, COORD_DIGITS), round(point.x, COORD_DIGITS)
