"""Imports flow one way: ``tags.controls`` mixes the builders into the control classes, so no
builder module imports ``tags.controls``, and no circle of imports runs through the tags, the
builders, the batch parts or the label map (read from the sources with ``ast``)."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "prelabel"


def _module(path: Path) -> str:
    return ".".join(("prelabel", *path.relative_to(SRC).with_suffix("").parts))


def _target(node: ast.ImportFrom, package: str) -> str:
    if node.level == 0:
        return node.module or ""
    base = package.split(".")[: len(package.split(".")) - node.level + 1]
    return ".".join([*base, *([node.module] if node.module else [])])


def _runtime_imports(tree: ast.Module) -> list[ast.ImportFrom]:
    """The ``from ... import`` statements that run (not under ``if TYPE_CHECKING:``)."""
    found: list[ast.ImportFrom] = []

    def walk(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                for other in child.orelse:
                    walk(other)
                continue
            if isinstance(child, ast.ImportFrom):
                found.append(child)
            walk(child)

    walk(tree)
    return found


def test_builders_never_import_controls_at_run_time() -> None:
    offenders = []
    for path in sorted((SRC / "builders").rglob("*.py")):
        module = _module(path)
        package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in _runtime_imports(tree):
            target = _target(node, package)
            if target == "prelabel.tags.controls" or (
                target == "prelabel.tags" and any(a.name == "controls" for a in node.names)
            ):
                offenders.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert offenders == [], "builders importing tags.controls when they run: " + ", ".join(
        offenders
    )


def test_the_check_sees_a_runtime_import() -> None:
    tree = ast.parse(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from ..tags.controls import A\n"
        "def f():\n    from ..tags.controls import B\n"
    )
    targets = [_target(n, "prelabel.builders") for n in _runtime_imports(tree)]
    assert targets == ["typing", "prelabel.tags.controls"]


# --- no circles ----------------------------------------------------------------------------

# No circle may run through these, counting imports under ``if TYPE_CHECKING:``: the tag
# classes mix the builders in, the builders name what they need of a control by the base
# classes (``tags.base``, ``tags.labeling``) or a Protocol, and the batch parts sit on both.
ONE_WAY = ("prelabel.tags", "prelabel.builders", "prelabel.batch", "prelabel.labelmap")
# ... nor inside their functions, for these: a late import is no way around the direction.
NO_LATE_WAY_BACK = ("prelabel.tags", "prelabel.builders", "prelabel.labelmap")

MODULES = {
    ".".join(parts[:-1] if parts[-1] == "__init__" else parts): path
    for path in SRC.rglob("*.py")
    for parts in [path.relative_to(SRC.parent).with_suffix("").parts]
}


def _imports(module: str, tree: ast.Module) -> dict[str, set[str]]:
    """The prelabel modules ``module`` imports, by kind: ``run`` (at module level, when it
    is imported), ``typing`` (under ``if TYPE_CHECKING:``) and ``call`` (inside a function).
    Importing ``a.b.c`` runs ``a`` and ``a.b`` too, so those count as imported."""
    is_package = MODULES[module].name == "__init__.py"
    package = module if is_package else module.rsplit(".", 1)[0]
    found: dict[str, set[str]] = {"run": set(), "typing": set(), "call": set()}

    def targets(node: ast.Import | ast.ImportFrom) -> list[str]:
        if isinstance(node, ast.Import):
            return [alias.name for alias in node.names]
        base = _target(node, package)
        return [
            f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base
            for alias in node.names
        ]

    def walk(node: ast.AST, kind: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                walk(ast.Module(body=child.body, type_ignores=[]), "typing")
                walk(ast.Module(body=child.orelse, type_ignores=[]), kind)
                continue
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                for target in targets(child):
                    parts = target.split(".")
                    for end in range(2, len(parts) + 1):
                        name = ".".join(parts[:end])
                        if name in MODULES and name != module and not module.startswith(name + "."):
                            found[kind].add(name)
            inner = "call" if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) else kind
            walk(child, "typing" if kind == "typing" else inner)

    walk(tree, "run")
    return found


IMPORTS = {
    module: _imports(module, ast.parse(path.read_text(encoding="utf-8")))
    for module, path in MODULES.items()
}


def _circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
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
    return found


def _edges(kinds: tuple[str, ...], strict: tuple[str, ...] = ()) -> dict[str, set[str]]:
    """Every module's imports of ``kinds``; all kinds for the modules under ``strict``."""
    return {
        module: set().union(
            *(
                targets
                for kind, targets in found.items()
                if kind in kinds or module.startswith(strict)
            )
        )
        for module, found in IMPORTS.items()
    }


def test_no_circle_among_the_imports_that_run() -> None:
    """Importing any module never comes back to a module still being imported."""
    assert _circles(_edges(("run",))) == []


def test_tags_builders_and_batch_import_one_way() -> None:
    """No circle runs through the tag classes, the builders, the batch parts or the label map,
    counting type-checking imports everywhere and function-level imports of tags, builders
    and the label map (a function-level import elsewhere is a deliberate late edge, such as
    a notebook ``_repr_html_`` calling into ``prelabel.preview``)."""
    circles = _circles(_edges(("run", "typing"), strict=NO_LATE_WAY_BACK))
    assert [c for c in circles if any(m.startswith(ONE_WAY) for m in c)] == []


def test_the_circle_check_finds_a_circle() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _circles(edges) == [["a", "b", "c"]]
    tree = ast.parse(
        "from typing import TYPE_CHECKING\n"
        "from .controls import A\n"
        "if TYPE_CHECKING:\n    from ..builders.image import B\n"
        "def f():\n    from ..labelmap import C\n"
    )
    found = _imports("prelabel.tags.base", tree)
    assert found["run"] == {"prelabel.tags.controls"}
    assert found["typing"] == {"prelabel.builders", "prelabel.builders.image"}
    assert found["call"] == {"prelabel.labelmap"}
