"""Short, bounded descriptions of JSON values for error messages.

Inputs can be hostile (a million-int RLE, a string of a gigabyte, a self-containing list, an
integer with a million digits): nothing here recurses past one level or formats more than a
few dozen characters of any value.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

__all__ = ["MISSING", "a_type", "is_number", "json_type", "num", "show"]


class _Missing:
    """Sentinel for a key that is absent (``None`` is JSON ``null``)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<missing>"


MISSING: Any = _Missing()

_TEXT_LIMIT = 40
_ITEMS_SHOWN = 4


def json_type(value: Any) -> str:
    """The JSON type name of ``value`` (``"string"``, ``"list"``...), or its Python type."""
    if value is None:
        return "null"
    if value is True or value is False:
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (list, tuple)):
        return "list"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def is_number(value: Any) -> bool:
    """True for a JSON number: an int or a float that is not a bool (NaN included)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _scalar(value: Any) -> str | None:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        if abs(value) >= 10**30:
            digits = int(value.bit_length() * math.log10(2)) + 1
            return f"{'-' if value < 0 else ''}<an integer of about {digits} digits>"
        return str(int(value))
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return repr(float(value))
    if isinstance(value, str):
        if len(value) <= _TEXT_LIMIT:
            return repr(value)
        return repr(value[:_TEXT_LIMIT]) + f"... ({len(value)} characters)"
    return None


def show(value: Any) -> str:
    """A short rendering of ``value``: scalars as JSON-ish text, containers summarized.

    >>> show([1, 2, 3])
    '[1, 2, 3]'
    >>> show(list(range(1000)))
    '[0, 1, 2, 3, ...] (1000 items)'
    >>> show({"a": 1, "b": [1]})
    "an object with keys 'a', 'b'"
    >>> show("x" * 100)
    "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'... (100 characters)"
    """
    text = _scalar(value)
    if text is not None:
        return text
    if isinstance(value, (list, tuple)):
        parts = []
        for item in value[:_ITEMS_SHOWN]:
            inner = _scalar(item)
            parts.append(inner if inner is not None else _container(item))
        if len(value) <= _ITEMS_SHOWN:
            return "[" + ", ".join(parts) + "]"
        return "[" + ", ".join(parts) + f", ...] ({len(value)} items)"
    return _container(value)


def _container(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return f"<a list of {len(value)} items>" if value else "[]"
    if isinstance(value, dict):
        keys = list(itertools.islice(value, _ITEMS_SHOWN))
        shown = ", ".join(_scalar(k) or type(k).__name__ for k in keys[:_ITEMS_SHOWN])
        more = f" ... ({len(value)} keys)" if len(value) > _ITEMS_SHOWN else ""
        return f"an object with keys {shown}{more}" if value else "{}"
    return f"a {type(value).__name__}"


def num(value: Any) -> str:
    """A number for a message (``12.5``, ``1e+06``), safe for any int size.

    >>> num(12.50), num(3), num(10**40)
    ('12.5', '3', '<an integer of about 41 digits>')
    """
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, int) and not isinstance(value, bool):
        return _scalar(value) or str(value)
    return show(value)


def a_type(value: Any) -> str:
    """``json_type`` with its article: ``"an integer"``, ``"a string"``.

    >>> a_type(1), a_type("x"), a_type({})
    ('an integer', 'a string', 'an object')
    """
    name = json_type(value)
    return ("an " if name[:1] in ("a", "e", "i", "o", "u") else "a ") + name
