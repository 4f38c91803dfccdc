"""Short, bounded text reprs: what an object is in one line, never its whole payload.

A task with a data-URI image and brush masks is hundreds of KB of JSON; its repr must stay a
line. Every function here returns at most :data:`REPR_LIMIT` characters.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ._colors import labels_of
from ._html import shorten

__all__ = ["REPR_LIMIT", "data_summary", "region_repr", "results_summary", "value_summary"]

REPR_LIMIT = 300


def value_summary(value: Any, limit: int = 40) -> str:
    """A value in a few characters: strings cut, data URLs and long lists sized.

    >>> value_summary("data:image/png;base64," + "A" * 5000)
    "'data:image/png;base64,…' (5 KB)"
    >>> value_summary(list(range(1000)))
    '[1000 items]'
    """
    if isinstance(value, str):
        if value.startswith("data:") and len(value) > limit:
            head = shorten(value.split(",", 1)[0], limit)
            return f"'{head},…' ({len(value) // 1000} KB)"
        return repr(shorten(value, limit))
    if isinstance(value, (list, tuple)):
        return f"[{len(value)} items]" if len(value) > 4 else shorten(repr(value), limit)
    if isinstance(value, Mapping):
        return f"{{{len(value)} keys}}"
    return shorten(repr(value), limit)


def data_summary(data: Any) -> str:
    """``{'image': 'a.jpg', ...}`` with every value summarized."""
    if not isinstance(data, Mapping):
        return value_summary(data)
    items = [f"{str(k)[:20]!r}: {value_summary(v)}" for k, v in list(data.items())[:4]]
    more = ", …" if len(data) > 4 else ""
    return "{" + ", ".join(items) + more + "}"


def _geometry(value: Mapping[str, Any]) -> str:
    keys = ("x", "y", "width", "height", "radiusX", "radiusY", "rotation", "start", "end")
    parts = []
    for key in keys:
        found = value.get(key)
        if isinstance(found, (int, float)) and not isinstance(found, bool):
            parts.append(f"{key}={found:.4g}" if isinstance(found, float) else f"{key}={found}")
    points = value.get("points")
    if isinstance(points, list):
        parts.append(f"{len(points)} points")
    if "rle" in value:
        rle = value["rle"]
        parts.append(f"rle {len(rle)} bytes" if isinstance(rle, (list, bytes)) else "rle")
    return " ".join(parts)


def region_repr(results: Sequence[Mapping[str, Any]], region_id: str, to_name: str) -> str:
    """``<Region rectanglelabels ['Airplane'] 0.93 x=10 y=20 width=30 height=15 on 'image'>``."""
    first = results[0] if results else {}
    value = first.get("value")
    value = value if isinstance(value, Mapping) else {}
    labels: list[str] = []
    for result in results:
        labels += [label for label in labels_of(result) if label not in labels]
    parts = [str(first.get("type"))]
    if labels:
        parts.append(shorten(repr(labels), 60))
    score = first.get("score")
    if isinstance(score, (int, float)) and not isinstance(score, bool):
        parts.append(f"{score:.2f}")
    geometry = _geometry(value)
    if geometry:
        parts.append(geometry)
    extra = [str(r.get("type")) for r in results[1:]]
    if extra:
        parts.append("+ " + shorten(", ".join(extra), 60))
    parts.append(f"on {shorten(to_name, 40)!r} id={shorten(region_id, 24)!r}")
    return shorten("<Region " + " ".join(parts), REPR_LIMIT - 1) + ">"


def results_summary(results: Sequence[Any]) -> str:
    """``3 results: rectanglelabels ×2, choices``."""
    counts: dict[str, int] = {}
    for result in results:
        kind = str(result.get("type")) if isinstance(result, Mapping) else type(result).__name__
        counts[kind] = counts.get(kind, 0) + 1
    kinds = ", ".join(f"{k} ×{n}" if n > 1 else k for k, n in list(counts.items())[:5])
    more = ", …" if len(counts) > 5 else ""
    return f"{len(results)} result(s)" + (f": {kinds}{more}" if kinds else "")
