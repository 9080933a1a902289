"""The layer rules of docs/architecture.md, read from the source: every import statement in
every module of our packages — module level, inside functions and under TYPE_CHECKING — is
checked against the allowed directions, so a lazy ``import ui`` inside a kiosk function
fails here just like a top-level one.

    station  ─ the application: imports anything
    ui       → kiosk, sync, printer, protocol, Qt
    sync     → kiosk, protocol
    kiosk    → printer, protocol            (no Qt, no sync, no ui, no central, no station)
    central  → protocol                      (the server shares only the wire rules)
    printer  → nothing of ours
    protocol → nothing of ours
"""

from __future__ import annotations

import ast
import functools
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OURS = ("station", "ui", "sync", "kiosk", "central", "printer", "protocol")
QT = ("PySide6", "shiboken6", "PyQt5", "PyQt6")

# What each package may import of ours (and whether Qt is allowed); everything else is wrong.
ALLOWED: dict[str, set[str]] = {
    "station": set(OURS) | set(QT),
    "ui": {"kiosk", "sync", "printer", "protocol", *QT},
    "sync": {"kiosk", "protocol"},
    "kiosk": {"printer", "protocol"},
    "central": {"protocol"},
    "printer": set(),
    "protocol": set(),
}


def modules(package: str) -> Iterator[Path]:
    for path in sorted((ROOT / package).rglob("*.py")):
        # Alembic revision scripts run inside Alembic, not as part of the package graph.
        if "migrations" not in path.relative_to(ROOT).parts:
            yield path


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _type_checking_lines(tree: ast.AST) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


@functools.cache
def _parse(path: Path) -> tuple[ast.Module, frozenset[int]]:
    tree = ast.parse(path.read_text("utf-8"), str(path))
    return tree, frozenset(_type_checking_lines(tree))


def imports(path: Path, root: Path = ROOT) -> Iterator[tuple[int, str, bool]]:
    """(line, imported module, only for type checking) for every import in the file."""
    tree, typing_only = _parse(path)
    here = module_name(path, root).split(".")
    is_package = path.name == "__init__.py"
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, node.lineno in typing_only
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against this module's package
                base = here if is_package else here[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            yield node.lineno, target, node.lineno in typing_only
            # ``from pkg import module`` imports the module too
            for alias in node.names:
                yield node.lineno, f"{target}.{alias.name}", node.lineno in typing_only


def test_every_import_goes_an_allowed_way() -> None:
    wrong: list[str] = []
    for package in OURS:
        assert (ROOT / package / "__init__.py").exists(), f"{package}/ is not a package"
        for path in modules(package):
            for line, target, _ in imports(path):
                top = target.split(".")[0]
                if top == package or (top not in OURS and top not in QT):
                    continue
                if top not in ALLOWED[package]:
                    rel = path.relative_to(ROOT)
                    wrong.append(f"{rel}:{line}: {package} → {top} (import {target})")
    assert not wrong, "imports against the layer rules (tests/test_layers.py):\n" + "\n".join(
        sorted(set(wrong))
    )


def test_ui_holds_no_sql() -> None:
    """Screens reach the store only through ui/operations.py running kiosk functions
    (kiosk/views/ for what they show): no module of ui/ imports SQLAlchemy or the ORM
    models at run time (a type hint under TYPE_CHECKING is fine)."""
    wrong = [
        f"{path.relative_to(ROOT)}:{line}: import {target}"
        for path in modules("ui")
        for line, target, typing_only in imports(path)
        if not typing_only
        and (target.split(".")[0] == "sqlalchemy" or target.startswith("kiosk.store"))
    ]
    assert not wrong, "SQL in ui/ (move it to kiosk/views/):\n" + "\n".join(sorted(set(wrong)))


def _graph(package: str) -> dict[str, set[str]]:
    """Import edges between the modules of one package, runtime imports only (an import
    under TYPE_CHECKING is how a module names a type without depending on it at run time)."""
    names = {module_name(path): path for path in modules(package)}
    edges: dict[str, set[str]] = defaultdict(set)
    for name, path in names.items():
        for _, target, typing_only in imports(path):
            if typing_only:
                continue
            while target and target not in names:  # ``from a.b import C`` → a.b
                target = target.rpartition(".")[0]
            if target and target != name and not name.startswith(target + "."):
                edges[name].add(target)
    return edges


def cycles(package: str) -> list[list[str]]:
    """The import circles inside a package (one shortest circle per strongly connected set)."""
    graph = _graph(package)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


CIRCLE_FREE = [p for p in OURS if p != "printer"]


@pytest.mark.parametrize("package", CIRCLE_FREE)
def test_no_import_circles(package: str) -> None:
    found = cycles(package)
    assert not found, f"import circles in {package}/:\n" + "\n".join(" ↔ ".join(c) for c in found)


@pytest.mark.xfail(strict=True, reason="issue 14 (print helper breaks it)")
def test_no_import_circles_in_printer() -> None:
    found = cycles("printer")
    assert not found, "import circles in printer/:\n" + "\n".join(" ↔ ".join(c) for c in found)


def test_the_checker_sees_lazy_typing_and_relative_imports(tmp_path: Path) -> None:
    """The reader itself: an import inside a function, one under TYPE_CHECKING and a
    relative one are all seen, so the rules above cannot pass by not looking."""
    probe = tmp_path / "kiosk" / "probe.py"
    probe.parent.mkdir()
    probe.write_text(
        "from __future__ import annotations\n"
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from ui.window import KioskWindow\n"
        "def f():\n"
        "    import sync.engine\n"
        "    from . import sibling\n",
        "utf-8",
    )
    found = set(imports(probe, root=tmp_path))
    assert (4, "ui.window", True) in found
    assert (6, "sync.engine", False) in found
    assert (7, "kiosk.sibling", False) in found
