"""The import graph of assistant/ read with ast: no cycle, and every layer imports only layers below it.

Every import counts, the lazy ones inside functions too (they are dependencies all the same), so a
store that reached up into ingest or an engine would fail here even if it imported it late.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "assistant"

# docs/ARCHITECTURE.md's layers, lowest first; a module may import its own layer and lower ones.
RANKS = {
    "assistant": 0,  # the package root: __version__ and the lazy notebook aliases
    "errors": 0,
    "limits": 0,
    "locking": 0,
    "cells": 0,
    "atomic": 0,
    "caching": 0,
    "text": 1,  # imports nothing of the package: records and readers may use its normalisation
    "records": 2,
    "documents": 3,
    "exports": 3,
    "store": 4,
    "embedding": 5,
    "engines": 6,
    "ingest": 6,
    "evaluation": 7,
    "interfaces": 8,
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _known(name: str) -> str | None:
    """The module (or package) ``name`` refers to, or None outside assistant/."""
    while name not in MODULES and "." in name:
        name = name.rsplit(".", 1)[0]
    return name if name in MODULES else None


def imports_of(module: str) -> set[str]:
    """Every assistant module ``module`` imports, at module level or inside a function."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            # `from .pkg import mod` imports a module; `from .mod import name` imports mod
            names = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names
            ]
        for name in names:
            target = _known(name) if name.split(".")[0] == "assistant" else None
            if target is not None and target != module:
                found.add(target)
    return found


GRAPH = {module: imports_of(module) for module in MODULES}


def layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a path (first module repeated at the end), or None."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            if nxt not in state and (cycle := visit(nxt)) is not None:
                return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)) is not None:
            return cycle
    return None


def test_the_graph_is_read() -> None:
    # the reader resolves relative, absolute and lazy imports (spot checks on known edges)
    assert "assistant.store.database" in GRAPH["assistant.ingest"]
    assert "assistant.records.schema" in GRAPH["assistant.store.database"]
    assert "assistant.engines.review.reviewer" in GRAPH["assistant.engines.review"]
    assert len(MODULES) > 80


def test_no_import_cycle() -> None:
    assert find_cycle(GRAPH) is None, " → ".join(find_cycle(GRAPH) or [])


def test_find_cycle_finds_one() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_every_module_has_a_layer() -> None:
    assert sorted({layer(m) for m in MODULES} - set(RANKS)) == []


@pytest.mark.parametrize("lower", ["store", "text", "records", "documents"])
def test_lower_layers_import_nothing_above_them(lower: str) -> None:
    upward = sorted(
        f"{m} → {d}"
        for m, deps in GRAPH.items()
        if layer(m) == lower
        for d in deps
        if RANKS[layer(d)] > RANKS[lower]
    )
    assert upward == []


def test_every_import_points_down_or_sideways() -> None:
    upward = sorted(
        f"{m} → {d}" for m, deps in GRAPH.items() for d in deps if RANKS[layer(d)] > RANKS[layer(m)]
    )
    assert upward == []


def path_literals(module: str) -> list[str]:
    """String constants (docstrings aside) that name tests/ or ../shared as a path or a path segment."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and (node.value in ("tests", "shared") or node.value.startswith(("tests/", "shared/", "../shared")))
    ]


def test_path_literals_finds_a_shared_path(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text('"""Reads ../shared in a docstring only."""\nP = ROOT.parent / "shared" / "data"\n')
    MODULES["assistant._probe"] = source
    try:
        assert path_literals("assistant._probe") == ["shared"]
    finally:
        del MODULES["assistant._probe"]


def test_no_module_names_tests_or_shared_paths() -> None:
    found = {m: hits for m in MODULES if (hits := path_literals(m))}
    assert found == {}


def test_the_package_holds_no_chaos_harness() -> None:
    # the reliability cases and XLSX bombs are test helpers (tests/reliability/), not product code
    assert [m for m in MODULES if m.rsplit(".", 1)[-1] in ("chaos", "bombs")] == []
