"""The package's layers import one way only, and no modules import each other in a circle.

    domain  <-  store, documents  <-  app  <-  ui  <-  cli

Every ``import`` in every module counts, also those inside functions (the lazy ones that keep the
start fast): a lazy import against the arrow is as much a tangle as one at the top of the file.
The leaves at the root (``paths``, ``oserrors``, ``protected_files``, the package's ``__init__``) import nothing of the
package, so every layer may use them. ``docs/architecture.md`` explains the layers.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "desktop832"

RANK = {"domain": 0, "store": 1, "documents": 1, "app": 2, "ui": 3, "cli": 4}
LEAVES = {"desktop832", "desktop832.paths", "desktop832.oserrors", "desktop832.protected_files"}
# third-party and standard-library modules a layer must not touch (its top-level name)
FORBIDDEN = {
    "domain": {"PySide6", "shiboken6", "sqlalchemy", "alembic", "sqlite3", "openpyxl", "reportlab", "fontTools"},
    "store": {"PySide6", "shiboken6", "openpyxl", "reportlab"},
    "documents": {"PySide6", "shiboken6", "sqlalchemy", "alembic", "sqlite3"},
    "app": {"PySide6.QtWidgets", "PySide6.QtGui", "PySide6.QtPdf", "PySide6.QtPdfWidgets", "PySide6.QtPrintSupport"},
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts}


def imports_of(name: str) -> list[tuple[str, int]]:
    """(imported module, line) for every import in the module, package-relative ones resolved; a
    ``from package import name`` names the submodule when ``name`` is one."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            subs = [f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in MODULES]
            found += [(sub, node.lineno) for sub in subs] or [(target, node.lineno)]
    return found


def layer_of(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in RANK else None


def internal(target: str) -> str | None:
    """The package module ``target`` is or lies in, or ``None`` outside the package."""
    while target and target not in MODULES:
        target = target.rpartition(".")[0]
    return target or None


def test_every_module_of_the_package_is_in_a_layer_or_a_leaf():
    strays = [m for m in MODULES if layer_of(m) is None and m not in LEAVES and m != "desktop832.__main__"]
    assert strays == []


def test_imports_follow_the_arrow():
    wrong = []
    for name in MODULES:
        layer = layer_of(name)
        for target, line in imports_of(name):
            inner = internal(target) if target.startswith("desktop832") else None
            if inner is None:
                banned = FORBIDDEN.get(layer, set())
                if target.split(".")[0] in banned or any(target == b or target.startswith(b + ".") for b in banned):
                    wrong.append(f"{name}:{line} imports {target}")
                continue
            if name in LEAVES:
                if inner not in LEAVES:
                    wrong.append(f"{name}:{line} (a leaf) imports {inner}")
                continue
            if name == "desktop832.__main__" or inner in LEAVES:
                continue
            other = layer_of(inner)
            if other != layer and RANK[other] >= RANK[layer]:
                wrong.append(f"{name}:{line} ({layer}) imports {inner} ({other})")
    assert wrong == []


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []

    def visit(node: str) -> None:
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
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def import_graph() -> dict[str, set[str]]:
    graph = {}
    for name in MODULES:
        targets = {internal(t) for t, _ in imports_of(name) if t.startswith("desktop832")}
        # importing a submodule runs its package's __init__ too, but a package's own modules
        # importing their __init__ is how Python works, not a cycle
        graph[name] = {t for t in targets if t and t != name and not name.startswith(t + ".")}
    return graph


def test_no_modules_import_each_other_in_a_circle():
    assert cycles(import_graph()) == []


def test_the_cycle_finder_finds_a_cycle():
    # the test above cannot pass for want of finding: a circle of three is found
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


@pytest.mark.parametrize("source, wrong", [
    ("from ..ui.forms import load_form", True),
    ("from ..store.database import Store", True),  # documents and store are side by side
    ("from ..domain.money import parse_money", False),
    ("from .. import paths", False),
])
def test_the_arrow_check_reads_relative_imports_as_python_does(tmp_path, monkeypatch, source, wrong):
    fake = PACKAGE / "documents" / "_layer_probe.py"
    monkeypatch.setitem(MODULES, "desktop832.documents._layer_probe", fake)
    monkeypatch.setattr(Path, "read_text", lambda self, *a, **k: source if self == fake else Path.read_bytes(self).decode())
    targets = [internal(t) for t, _ in imports_of("desktop832.documents._layer_probe")]
    assert all(t in MODULES for t in targets)
    layers = {layer_of(t) for t in targets if t not in LEAVES}
    assert bool(layers - {"domain", "documents"}) is wrong
