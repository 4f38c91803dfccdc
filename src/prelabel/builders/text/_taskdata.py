"""Reading task data: the value an object tag shows, and the text a span indexes."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping, Sequence
from typing import Any

from ...errors import BuildError
from ...tags.base import ObjectTag

__all__ = ["read_task_value", "task_text"]

_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def read_task_value(target: ObjectTag, data: Mapping[str, Any]) -> Any:
    """The value an object tag shows, read from task ``data`` through its ``$`` path.

    Paths work as in Label Studio (lodash ``get``): ``$text``, ``$meta.body``, ``$items[0].text``.

    Raises:
        BuildError: the tag reads no data key, or ``data`` lacks the path.

    >>> from prelabel import LabelConfig
    >>> cfg = LabelConfig.parse('<View><Text name="t" value="$doc.body"/></View>')
    >>> read_task_value(cfg.object("t"), {"doc": {"body": "Hi"}})
    'Hi'
    """
    if not target.data_keys:
        raise BuildError(f"<{target.tag} name={target.name!r}> reads no task data ($key)")
    path = target.data_keys[0]
    current: Any = data
    for match in _PATH_PART.finditer(path):
        key, index = match.group(1), match.group(2)
        if index is not None and isinstance(current, Sequence) and not isinstance(current, str):
            position = int(index)
            if position >= len(current):
                current = _MISSING
                break
            current = current[position]
        elif key is not None and isinstance(current, Mapping) and key in current:
            current = current[key]
        else:
            current = _MISSING
            break
    if current is _MISSING:
        raise BuildError(
            f"task data has no {path!r} for <{target.tag} name={target.name!r}> "
            f"(value={target.value!r}); data keys: {', '.join(map(repr, data)) or 'none'}"
        )
    return current


_MISSING = object()


def task_text(target: ObjectTag, text: str | Mapping[str, Any]) -> str:
    """The string a span indexes: given as is, or read (and decoded) from task data."""
    if isinstance(text, str):
        return text
    if not isinstance(text, Mapping):
        raise BuildError(
            f"pass the text of <{target.tag} name={target.name!r}> as a str, or the task data "
            f"dict, got {type(text).__name__}"
        )
    if target.value_type == "url":
        raise BuildError(
            f'<{target.tag} name={target.name!r}> loads its text from a URL (valueType="url"); '
            "pass the text itself, exactly as Label Studio will fetch it"
        )
    value = read_task_value(target, text)
    if not isinstance(value, str):
        raise BuildError(
            f"task data {target.data_keys[0]!r} for <{target.tag} name={target.name!r}> is a "
            f"{type(value).__name__}, not a str"
        )
    encoding = target.attr("encoding")
    if encoding in ("base64", "base64unicode"):
        try:
            raw = base64.b64decode(value, validate=True)
            # `atob` gives one character per byte; base64unicode decodes those bytes as UTF-8.
            return raw.decode("utf-8" if encoding == "base64unicode" else "latin-1")
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise BuildError(
                f"task data for <{target.tag} name={target.name!r}> is not valid {encoding} ({exc})"
            ) from None
    return value
