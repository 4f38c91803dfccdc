"""The model's class names from ``classes.txt`` / ``obj.names``, a ``data.yaml`` or JSON."""

from __future__ import annotations

import ast
import json
import os
import re
from collections.abc import Mapping
from pathlib import Path

from ...errors import BuildError

__all__ = ["read_class_names"]


def read_class_names(source: str | os.PathLike[str]) -> list[str] | dict[int, str]:
    """The model's class names from a file: ``classes.txt`` / ``obj.names`` (one per line),
    a ``data.yaml`` (its ``names:`` list or ``{id: name}`` block), or JSON (list or dict).

    Raises:
        BuildError: no names found (the message says what was expected).
    """
    path = Path(source)
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() == ".json":
        raw = json.loads(text)
        if isinstance(raw, Mapping) and "names" in raw:
            raw = raw["names"]
        if isinstance(raw, list):
            return [str(n) for n in raw]
        if isinstance(raw, Mapping):
            return {int(k): str(v) for k, v in raw.items()}
        raise BuildError(f"{path}: expected a list of class names or {{id: name}}")
    if path.suffix.lower() in (".yaml", ".yml"):
        return _yaml_names(text, path)
    names = [line.strip() for line in text.splitlines() if line.strip()]
    if not names:
        raise BuildError(f"{path}: no class names (one name per line)")
    return names


_YAML_KEY = re.compile(r"^names\s*:\s*(.*?)\s*$")
_YAML_ITEM = re.compile(r"^\s+(?:-\s*(.+?)|(\d+)\s*:\s*(.+?))\s*$")


def _yaml_names(text: str, path: Path) -> list[str] | dict[int, str]:
    """The ``names:`` of a YOLO ``data.yaml``: a flow list or a block list / id mapping."""
    lines = text.splitlines()
    for index, line in enumerate(lines):
        found = _YAML_KEY.match(line.split(" #", 1)[0])
        if not found:
            continue
        inline = found.group(1)
        if inline:
            return _flow_list(inline, path)
        listed: list[str] = []
        mapped: dict[int, str] = {}
        for item in lines[index + 1 :]:
            if not item.strip() or item.lstrip().startswith("#"):
                continue
            parts = _YAML_ITEM.match(item.split(" #", 1)[0])
            if not parts:
                break
            if parts.group(1) is not None:
                listed.append(_unquote(parts.group(1)))
            else:
                mapped[int(parts.group(2))] = _unquote(parts.group(3))
        if listed or mapped:
            return listed or mapped
    raise BuildError(
        f"{path}: found no 'names:' list (names: [a, b], or one '- name' / 'id: name' per line)"
    )


def _flow_list(inline: str, path: Path) -> list[str] | dict[int, str]:
    if inline.startswith("[") and inline.endswith("]"):
        items = [i.strip() for i in inline[1:-1].split(",") if i.strip()]
        return [_unquote(i) for i in items]
    if inline.startswith("{") and inline.endswith("}"):
        pairs = [p.split(":", 1) for p in inline[1:-1].split(",") if p.strip()]
        return {int(k.strip()): _unquote(v.strip()) for k, v in pairs}
    raise BuildError(f"{path}: cannot read 'names: {inline}' (expected [a, b] or a block)")


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        try:
            return str(ast.literal_eval(text))
        except (ValueError, SyntaxError):
            return text[1:-1]
    return text
