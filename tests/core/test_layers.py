"""Layers point one way: core imports no domain app (read from the source)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

LIAISON = Path(__file__).resolve().parents[2] / "liaison"


def _modules(root: Path) -> Iterator[Path]:
    for path in sorted(root.rglob("*.py")):
        if "migrations" not in path.relative_to(LIAISON).parts:
            yield path


def _domain_apps() -> set[str]:
    """Every Django app of the project but core (the ones with an apps.py)."""
    return {p.parent.name for p in LIAISON.glob("*/apps.py")} - {"core"}


def _imported(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """Modules a file imports: import statements anywhere, and import_module("...") calls."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.lineno, node.module
            for alias in node.names:
                yield node.lineno, f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Call):
            name = ast.unparse(node.func)
            if name.endswith("import_module") and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    yield node.lineno, first.value
                elif isinstance(first, ast.JoinedStr):
                    yield node.lineno, ast.unparse(first)


def test_the_domain_apps_are_found() -> None:
    assert {"crime", "exchange", "cooperation", "reports", "screening", "web"} <= _domain_apps()


def test_core_imports_no_domain_app() -> None:
    domains = _domain_apps()
    offences = []
    for path in _modules(LIAISON / "core"):
        for line, module in _imported(ast.parse(path.read_text(encoding="utf-8"))):
            parts = module.replace("f'", "").replace('f"', "").split(".")
            if len(parts) > 1 and parts[0] == "liaison" and parts[1] in domains:
                offences.append(f"{path.relative_to(LIAISON)}:{line} imports {module}")
    assert offences == []


def test_the_scan_sees_an_import_of_a_domain_app() -> None:
    source = (
        "def f():\n"
        "    from liaison.exchange.services import peer_status\n"
        "    importlib.import_module('liaison.crime.nav')\n"
    )
    found = [module for _line, module in _imported(ast.parse(source))]
    assert "liaison.exchange.services" in found and "liaison.crime.nav" in found
