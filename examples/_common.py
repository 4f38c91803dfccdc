"""Helpers the example scripts share: where to write, and the manifest entry `make demo` lists."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from prelabel.io import write_json

ROOT = Path(__file__).resolve().parent.parent


def write_example(
    out_dir: Path, name: str, config_xml: str, tasks: Iterable[Mapping[str, Any]]
) -> dict[str, str]:
    """Write ``<out_dir>/<name>/config.xml`` and ``tasks.json``; return the manifest entry."""
    folder = out_dir / name
    folder.mkdir(parents=True, exist_ok=True)
    config_path = folder / "config.xml"
    tasks_path = folder / "tasks.json"
    config_path.write_text(config_xml, encoding="utf-8")
    write_json(tasks_path, tasks, indent=2)
    return {"name": name, "config": _rel(config_path), "tasks": _rel(tasks_path)}


def _rel(path: Path) -> str:
    resolved = path.resolve()
    try:
        return str(resolved.relative_to(ROOT))
    except ValueError:
        return str(resolved)
