"""Helpers the example scripts share: where to write, and the manifest entry `make demo` lists."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

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
    with tasks_path.open("w", encoding="utf-8") as handle:
        json.dump(list(tasks), handle, ensure_ascii=False, indent=2, allow_nan=False)
        handle.write("\n")
    return {"name": name, "config": _rel(config_path), "tasks": _rel(tasks_path)}


def _rel(path: Path) -> str:
    resolved = path.resolve()
    try:
        return str(resolved.relative_to(ROOT))
    except ValueError:
        return str(resolved)
