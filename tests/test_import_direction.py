"""Imports flow one way: ``tags.controls`` mixes the builders into the control classes, so no
builder module may import ``tags.controls`` when it runs (only for type checking)."""

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
