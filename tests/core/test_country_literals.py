"""Countries are data: no quoted ISO 3166-1 alpha-2 code of a country in liaison/ code
outside the gazetteer's data loading (read from the source)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pycountry

LIAISON = Path(__file__).resolve().parents[2] / "liaison"

#: Where country codes are data: the gazetteer's loader.
COUNTRY_DATA_LOADERS = {"core/gazetteer/common.py", "core/gazetteer/loading.py"}
#: Two-letter strings that are not countries at all: sound symbols of the matching library's
#: spelling rules ("gli" -> "LY" in Italian is a sound, not Libya).
NOT_COUNTRY_DATA = {"matching/sound.py"}


def _modules(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*.py")):
        if "migrations" not in path.relative_to(LIAISON).parts:
            yield path


def _not_countries(tree: ast.AST) -> set[int]:
    """ids of two-letter constants that are not countries: environment variable names
    (``os.environ.get("CI")``) and reference prefixes (``next_reference(Meeting, "MT")``)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and ast.unparse(node.func).endswith("reference"):
            names.update(id(arg) for arg in node.args)
        if isinstance(node, ast.keyword) and node.arg == "prefix":
            names.add(id(node.value))
        if isinstance(node, ast.Call) and ast.unparse(node.func) in {
            "os.environ.get",
            "os.getenv",
            "environ.get",
        }:
            names.update(id(arg) for arg in node.args[:1])
        elif isinstance(node, ast.Subscript) and ast.unparse(node.value).endswith("environ"):
            names.add(id(node.slice))
    return names


def country_literals(source: str) -> list[tuple[int, str]]:
    """Quoted ISO 3166-1 alpha-2 codes of countries in Python source ("VN", 'LA')."""
    tree = ast.parse(source)
    skip = _not_countries(tree)
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and len(node.value) == 2
            and node.value.isalpha()
            and node.value.isupper()
            and id(node) not in skip
            and pycountry.countries.get(alpha_2=node.value) is not None
        ):
            found.append((node.lineno, node.value))
    return found


def test_the_scan_sees_country_literals() -> None:
    source = (
        'PARTNER = {"VN": "LA"}\n'
        'if os.environ.get("CI"):\n'
        '    ref = next_reference(Meeting, "MT")\n'
        'X = b"PK"\n'
        'language = "vi"\n'
        'default = country or "RU"\n'
    )
    assert country_literals(source) == [(1, "VN"), (1, "LA"), (6, "RU")]


def test_no_country_literal_outside_the_data_loaders() -> None:
    offences = []
    for path in _modules(LIAISON):
        relative = path.relative_to(LIAISON).as_posix()
        if relative in COUNTRY_DATA_LOADERS | NOT_COUNTRY_DATA:
            continue
        for line, code in country_literals(path.read_text(encoding="utf-8")):
            offences.append(f"{relative}:{line} {code!r}")
    assert offences == []
