"""The package's shape: data flows one way (cli/server -> operations -> store -> db/models)
and no module grows past ~300 lines. Checked from the source, so a back-edge fails here,
not in review."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "task_tracker"
MODULES = sorted(PACKAGE.rglob("*.py"))
MAX_LINES = 300

# A module in the first part may not import anything from the layers named after it.
FORBIDDEN = {
    "task_tracker.db": ("store", "server", "runtime", "cli", "migrate", "postgres", "backends"),
    "task_tracker.migrate": ("store", "server", "runtime", "cli"),
    "task_tracker.models": ("db", "store", "server", "runtime", "cli"),
    "task_tracker.schemas": ("db", "models", "store", "server", "runtime", "cli"),
    "task_tracker.errors": ("db", "models", "store", "server", "runtime", "cli"),
    "task_tracker.paths": ("db", "models", "store", "server", "runtime", "cli", "operations"),
    "task_tracker.vocabulary": ("schemas", "errors", "db", "models", "store", "server", "cli"),
    "task_tracker.revisions": ("migrate", "db", "postgres", "store", "server", "runtime", "cli"),
    "task_tracker.dbfile": ("migrate", "store", "server", "runtime", "cli"),
    "task_tracker.config": ("db", "models", "store", "server", "runtime", "cli"),
    "task_tracker.postgres": ("store", "server", "runtime", "cli", "migrate", "backends"),
    "task_tracker.pgerrors": ("postgres", "db", "migrate", "backends", "store", "server", "cli"),
    "task_tracker.backends": ("store", "server", "runtime", "cli", "operations", "database"),
    "task_tracker.store": ("operations", "server", "runtime", "cli"),
    "task_tracker.operations": ("server", "cli", "board"),
    "task_tracker.database": ("operations", "server", "cli"),
    "task_tracker.server": ("cli",),
    "task_tracker.board": ("server", "cli"),
    "task_tracker.runtime": ("server", "cli"),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in names if name.startswith("task_tracker")}


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_no_import_from_a_higher_layer(path: Path) -> None:
    name = module_name(path)
    for layer, above in FORBIDDEN.items():
        if name == layer or name.startswith(layer + "."):
            bad = {
                target
                for target in imported(path)
                for higher in above
                if target == f"task_tracker.{higher}"
                or target.startswith(f"task_tracker.{higher}.")
            }
            assert not bad, f"{name} imports from a higher layer: {sorted(bad)}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_no_module_past_the_size_limit(path: Path) -> None:
    lines = len(path.read_text().splitlines())
    assert lines <= MAX_LINES, f"{module_name(path)} has {lines} lines: split it by concept"


def unit(name: str) -> str:
    """The package or top-level module a module belongs to (task_tracker.store.tasks ->
    task_tracker.store): a package's modules may lean on its __init__ and each other."""
    return ".".join(name.split(".")[:2])


def test_no_import_circle_between_modules_and_packages() -> None:
    """Imports inside functions count too: a lazy import still ties the two together (one
    circle, config -> postgres -> migrate -> db -> config, made any of them hard to move)."""
    graph: dict[str, set[str]] = {}
    for path in MODULES:
        source = unit(module_name(path))
        targets = {unit(t) for t in imported(path)} - {source}
        graph.setdefault(source, set()).update(t for t in targets if t != "task_tracker")
    state: dict[str, str] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = "open"
        for target in sorted(graph.get(node, ())):
            if state.get(target) == "open":
                circle = trail[trail.index(target) :] + [target]
                raise AssertionError("import circle: " + " -> ".join(circle))
            if target not in state:
                visit(target, [*trail, target])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
