"""Point sets to checked percent: the vertices of polygons and vectors, and keypoints."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ... import units as _u
from ..._lazy import lazy_module
from ...errors import BuildError
from ._inputs import (
    EDGE_TOLERANCE_PCT,
    _floats,
    _fmt,
    _fractions_error,
    _loc,
    _quiet,
    _swapped_hint,
    _unit_hint,
)

if TYPE_CHECKING:
    import numpy as np

    from ._inputs import FloatArray
else:
    np = lazy_module("numpy")


def _points_hint(value: Any) -> str:
    shape = np.shape(value) if not isinstance(value, (str, bytes)) else ()
    if len(shape) == 3 and shape[1:] == (1, 2):
        return "; an OpenCV contour is (K, 1, 2): pass contour.reshape(-1, 2)"
    return ""


@_quiet
def _points_pct(
    value: Any,
    *,
    name: str,
    units: _u.Units,
    wh: tuple[int, int],
    clip: bool,
    single: bool,
    what: str,
    close_duplicate: bool,
    min_points: int,
    kind: str,
    max_points: int | None = None,
) -> list[list[list[float]]]:
    """Checked percent points of one (``single``) or several point sets (polygons, vectors),
    in one pass; ``what`` names one set, ``kind`` says what it must be in messages."""
    parts = _point_parts(value, name, single=single, what=what)
    if close_duplicate:
        trimmed = []
        for part in parts:
            if part.shape[0] > 3 and np.array_equal(part[0], part[-1]):
                part = part[:-1]  # Label Studio closes the ring itself
            trimmed.append(part)
        parts = trimmed
    counts = np.array([p.shape[0] for p in parts], dtype=np.int64)
    short = counts < min_points
    if short.any():
        index = int(np.flatnonzero(short)[0])
        raise BuildError(
            f"{_loc(name, None if single else index)} has {counts[index]} point(s); "
            f"{kind} needs at least {min_points}"
        )
    if max_points is not None and (counts > max_points).any():
        index = int(np.flatnonzero(counts > max_points)[0])
        raise BuildError(
            f"{_loc(name, None if single else index)} has {counts[index]} points; the control "
            f"allows at most {max_points} (maxPoints)"
        )
    if not parts:
        return []
    raw = np.concatenate(parts, axis=0)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    owner = np.repeat(np.arange(len(parts)), counts)
    pct, outside = _xy_pct(raw, units, wh)
    if outside.any() and not clip:
        flat = int(np.flatnonzero(outside)[0])
        which = int(owner[flat])
        point = flat - int(starts[which])
        where = f"{name}[{point}]" if single else f"{name}[{which}][{point}]"
        hint = _swapped_hint(units, raw, wh) + (_unit_hint(name, units, parts[which]) or _CLIP_HINT)
        raise BuildError(f"{where}={_fmt(raw[flat])} lies outside the {wh[0]}x{wh[1]} image{hint}")
    pct = np.clip(pct, 0.0, 100.0)
    if units == "px":
        big = np.maximum.reduceat(np.abs(raw).max(axis=1), starts)
        tiny = big <= 1.0
        if tiny.any():
            index = int(np.flatnonzero(tiny)[0])
            raise _fractions_error(f"{_loc(name, None if single else index)} lies", name)
    if min_points >= 3:
        # Twice the signed area of each ring (shoelace), summed per part in one pass.
        following = np.arange(raw.shape[0]) + 1
        following[np.cumsum(counts) - 1] = starts
        px = pct * np.array([wh[0], wh[1]]) / 100.0
        cross = px[:, 0] * px[following, 1] - px[following, 0] * px[:, 1]
        area = np.abs(np.add.reduceat(cross, starts)) / 2.0
        flat_parts = ~(area > 1e-9)
        if flat_parts.any():
            index = int(np.flatnonzero(flat_parts)[0])
            raise BuildError(
                f"{_loc(name, None if single else index)} has zero area (its points are on "
                "one line)"
            )
    rows = pct.tolist()
    ends = np.cumsum(counts).tolist()
    return [rows[s:e] for s, e in zip(starts.tolist(), ends, strict=True)]


def _point_parts(value: Any, name: str, *, single: bool, what: str) -> list[FloatArray]:
    """Each point set of ``value`` as a checked ``(K, 2)`` float array."""
    if single:
        return [_floats(value, name, (2,), single=False, rows="K", hint=_points_hint(value))]
    if isinstance(value, np.ndarray) and value.ndim == 3 and value.shape[2] == 2:
        items: Sequence[Any] = list(value)
    elif isinstance(value, (str, bytes, np.ndarray)) or not isinstance(value, Sequence):
        raise BuildError(
            f"{name} must be a list of (K, 2) arrays, one per {what}, got "
            f"{np.shape(value) if isinstance(value, np.ndarray) else type(value).__name__}"
        )
    else:
        items = value
    return [
        _floats(item, f"{name}[{i}]", (2,), single=False, rows="K", hint=_points_hint(item))
        for i, item in enumerate(items)
    ]


@_quiet
def _keypoints_pct(
    raw: FloatArray,
    *,
    name: str,
    units: _u.Units,
    wh: tuple[int, int],
    clip: bool | None,
    single: bool,
) -> FloatArray:
    """Checked percent ``(N, 2)`` points; ``clip=None`` for callers that cannot clip."""
    pct, outside = _xy_pct(raw, units, wh)
    if outside.any() and not clip:
        index = int(np.flatnonzero(outside)[0])
        hint = _unit_hint(name, units, raw[index])
        if not hint and clip is not None:
            hint = _CLIP_HINT
        hint = _swapped_hint(units, raw, wh) + hint
        raise BuildError(
            f"{_loc(name, None if single else index)}={_fmt(raw[index])} lies outside the "
            f"{wh[0]}x{wh[1]} image{hint}"
        )
    if units == "px" and raw.size and float(np.abs(raw).max()) <= 1.0:
        what = f"{name}={_fmt(raw[0])} lies" if single else f"all {raw.shape[0]} {name} lie"
        raise _fractions_error(what, name)
    return np.clip(pct, 0.0, 100.0)


_CLIP_HINT = "; pass clip=True to move points onto the image edge"


def _xy_pct(raw: FloatArray, units: _u.Units, wh: tuple[int, int]) -> tuple[FloatArray, Any]:
    """``(N, 2)`` points in percent, unclipped, and which of them lie outside the image."""
    if units == "px":
        pct = raw / np.array([wh[0], wh[1]], dtype=np.float64) * 100.0
    else:
        pct = raw * (100.0 if units == "norm" else 1.0)
    low, high = -EDGE_TOLERANCE_PCT, 100.0 + EDGE_TOLERANCE_PCT
    return pct, ((pct < low) | (pct > high)).any(axis=1)
