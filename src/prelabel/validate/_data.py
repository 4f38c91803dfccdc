"""Reading task data the way object tags do: ``$key``, ``$a.b``, ``$items[0].text``.

Paths are parsed once per object tag; the text a span refers to is decoded once per task and
cached on the task being checked.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from ..tags.base import ObjectTag
from ._context import TaskCtx
from ._show import MISSING

__all__ = ["Path", "object_data", "object_text", "parse_path", "resolve"]

Path = tuple[str | int, ...]


def parse_path(path: str) -> Path | None:
    """``"a.b[0].c"`` -> ``("a", "b", 0, "c")``; None for templates (``{{idx}}``) or junk.

    >>> parse_path("items[2].text")
    ('items', 2, 'text')
    >>> parse_path("items[{{idx}}].url") is None
    True
    """
    if "{" in path or not path:
        return None
    parts: list[str | int] = []
    for chunk in path.split("."):
        head, sep, rest = chunk.partition("[")
        if head:
            parts.append(head)
        elif not sep:
            return None
        while sep:
            index, close, rest = rest.partition("]")
            if not close or not index.isdigit():
                return None
            parts.append(int(index))
            if not rest:
                break
            if not rest.startswith("["):
                return None
            rest = rest[1:]
    return tuple(parts)


def resolve(data: Any, parts: Path) -> Any:
    """The value at ``parts`` in ``data``, or MISSING when any step is absent."""
    node = data
    for part in parts:
        if isinstance(part, int):
            if not isinstance(node, list) or part >= len(node):
                return MISSING
        elif not isinstance(node, dict) or part not in node:
            return MISSING
        node = node[part]
    return node


def whole_path(obj: ObjectTag) -> Path | None:
    """The data path when the object's value is exactly one ``$variable``, else None."""
    if not obj.data_keys or obj.value is None:
        return None
    key = obj.data_keys[0]
    if obj.value.strip() != "$" + key:
        return None
    return parse_path(key)


def object_data(obj: ObjectTag, path: Path | None, task: TaskCtx) -> Any:
    """The raw task data an object shows (MISSING when unknown or not inline)."""
    if path is None or task.data is None:
        return MISSING
    return resolve(task.data, path)


def object_text(obj: ObjectTag, path: Path | None, task: TaskCtx) -> str | None:
    """The text a ``<Text>`` shows, decoded as the editor decodes it; None when unknown.

    Unknown means: loaded from a URL (``valueType="url"``), not a plain string, or not
    decodable with the tag's ``encoding``.
    """
    cache_key = "text:" + obj.name
    if cache_key in task.cache:
        cached: str | None = task.cache[cache_key]
        return cached
    text: str | None = None
    if obj.value_type != "url":
        raw = object_data(obj, path, task)
        if isinstance(raw, str):
            encoding = getattr(obj, "encoding", None)
            text = raw if not encoding else _decode(raw, encoding)
    task.cache[cache_key] = text
    return text


def _decode(raw: str, encoding: str) -> str | None:
    try:
        data = base64.b64decode(raw, validate=False)
    except (binascii.Error, ValueError):
        return None
    if encoding == "base64unicode":
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return None
    return data.decode("latin-1")  # atob(): one character per byte
