"""Box arithmetic and checks: any box argument to Label Studio percent, with the fast paths
for the usual call and the messages that say what is wrong."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, TypeAlias

from ... import units as _u
from ..._lazy import lazy_module
from ...errors import BuildError
from ._inputs import (
    EDGE_TOLERANCE_PCT,
    _check_finite,
    _floats,
    _fmt,
    _fractions_error,
    _loc,
    _per_row,
    _quiet,
    _swapped_hint,
    _unit_hint,
)

if TYPE_CHECKING:
    import numpy as np

    from ._inputs import ArrayLike, FloatArray
else:
    np = lazy_module("numpy")

ROTATED_TOLERANCE_PX = 1.0
"""How far a rotated box's corner may stick out of the image, and how far four given corners
may be from a true rectangle, in pixels (detectors and DOTA-style labels round corners)."""

_UNIT_WORD = {"px": " px", "norm": "", "pct": "%"}
_UNIT_LIMIT = {"norm": 1.0, "pct": 100.0}
_BOX_FORMATS = {
    "xyxy": "(x1, y1, x2, y2), top-left corner first",
    "xywh": "(x, y, width, height) with x, y the top-left corner",
    "cxcywh": "(centre x, centre y, width, height)",
}

_BOX_ARGS: dict[str, tuple[str, _u.Units]] = {
    f"{fmt}_{units}": (fmt, units) for fmt in _BOX_FORMATS for units in _u.UNITS
}
_CORNER_ARGS: dict[str, _u.Units] = {f"corners_{units}": units for units in _u.UNITS}
_BOX_KEYWORDS = (*_BOX_ARGS, *_CORNER_ARGS)
_AXIS_ARGS = len(_BOX_ARGS)  # the keywords before this index are axis-aligned boxes
_BOX_GEOMETRY = ("x", "y", "width", "height", "rotation")
# (format, units) of each axis-aligned keyword as small ints: xyxy, xywh, cxcywh are 0, 1, 2
# and px, norm, pct 0, 1, 2 (box()'s fast path branches on them)
_BOX_CODES = tuple(divmod(index, len(_u.UNITS)) for index in range(_AXIS_ARGS))
_NO_BOX = (None, None, None, None)


def _axis_boxes_pct(
    raw: FloatArray,
    *,
    name: str,
    fmt: str,
    units: _u.Units,
    wh: tuple[int, int],
    clip: bool,
    single: bool,
) -> FloatArray:
    """Checked ``(N, 4)`` Label Studio percent ``x, y, width, height`` of axis-aligned boxes."""
    xywh = raw.copy()
    if fmt == "xyxy":
        xywh[:, 2:] -= raw[:, :2]
    elif fmt == "cxcywh":
        xywh[:, :2] -= raw[:, 2:] / 2.0
    margins, offsets, scale = _margins(units, wh)
    pct = xywh * scale
    # The common case in three array operations: every margin of every box is >= 0 (NaN
    # fails too). Anything else takes the slow path, which explains what is wrong.
    if raw.shape[0] == 0 or (pct @ margins + offsets).min() >= 0.0:
        return pct
    _check_finite(raw, name, single=single)
    for axis, (size_name, first, second) in enumerate(
        (("width", "x1", "x2"), ("height", "y1", "y2"))
    ):
        size = xywh[:, 2 + axis]
        bad = ~(size > 0)
        if bad.any():
            index = int(np.flatnonzero(bad)[0])
            where = f"{_loc(name, None if single else index)}={_fmt(raw[index])}"
            if size[index] == 0:
                raise BuildError(f"{where} is empty: its {size_name} is 0")
            if fmt == "xyxy":
                start, end = raw[index, axis], raw[index, 2 + axis]
                raise BuildError(
                    f"{where} is inverted: {second} ({end:g}) < {first} ({start:g}); "
                    f"xyxy is {_BOX_FORMATS['xyxy']}"
                )
            raise BuildError(
                f"{where} has a negative {size_name} ({size[index]:g}); "
                f"{fmt} is {_BOX_FORMATS[fmt]}"
            )
    left, top = pct[:, 0], pct[:, 1]
    right, bottom = left + pct[:, 2], top + pct[:, 3]
    low, high = -EDGE_TOLERANCE_PCT, 100.0 + EDGE_TOLERANCE_PCT
    outside = (left < low) | (top < low) | (right > high) | (bottom > high)
    if outside.any() and not clip:
        index = int(np.flatnonzero(outside)[0])
        edges = (
            ("left", left[index], 0, wh[0]),
            ("top", top[index], 0, wh[1]),
            ("right", right[index], 1, wh[0]),
            ("bottom", bottom[index], 1, wh[1]),
        )
        side, edge_pct, past, size_px = next(
            e for e in edges if (e[1] < low if e[2] == 0 else e[1] > high)
        )
        limit = 0.0 if past == 0 else _limit(units, size_px)
        edge = _from_pct(edge_pct, units, size_px)
        unit = _UNIT_WORD[units]
        op = "<" if past == 0 else ">"
        corners = np.concatenate([xywh[:, :2], xywh[:, :2] + xywh[:, 2:]], axis=1)
        hint = _swapped_hint(units, corners, wh) + (
            _unit_hint(name, units, raw[index]) or "; pass clip=True to clip it to the image"
        )
        raise BuildError(
            f"{_loc(name, None if single else index)}={_fmt(raw[index])} reaches outside the "
            f"{wh[0]}x{wh[1]} image: {side} edge at {edge:g}{unit} {op} {limit:g}{unit}{hint}"
        )
    if units == "px":
        corners = np.concatenate([xywh[:, :2], xywh[:, :2] + xywh[:, 2:]], axis=1)
        tiny = np.all(np.abs(corners) <= 1.0, axis=1)
        if tiny.any():
            index = int(np.flatnonzero(tiny)[0])
            raise _fractions_error(
                f"{_loc(name, None if single else index)}={_fmt(raw[index])} lies", name
            )
    if not ((left < 0.0) | (top < 0.0) | (right > 100.0) | (bottom > 100.0)).any():
        return pct  # the same numbers the fast paths give
    x1, y1 = np.clip(left, 0.0, 100.0), np.clip(top, 0.0, 100.0)
    x2, y2 = np.clip(right, 0.0, 100.0), np.clip(bottom, 0.0, 100.0)
    if outside.any():
        empty = ~((x2 > x1) & (y2 > y1))
        if empty.any():
            index = int(np.flatnonzero(empty)[0])
            raise BuildError(
                f"{_loc(name, None if single else index)}={_fmt(raw[index])} lies entirely "
                f"outside the {wh[0]}x{wh[1]} image; nothing is left after clipping"
            )
    return np.stack([x1, y1, x2 - x1, y2 - y1], axis=1)


Margins: TypeAlias = "tuple[FloatArray, FloatArray, FloatArray]"
_margins_cache: dict[tuple[str, tuple[int, int]], Margins] = {}


def _margins(units: str, wh: tuple[int, int]) -> Margins:
    """``(M, b, scale)`` for the fast check of boxes ``P`` (``x, y, w, h`` percent rows).

    ``P * scale`` turns ``units`` into percent, and ``P @ M + b`` gives each box's margins:
    ``x``, ``y``, ``w``, ``h``, ``100 - x - w``, ``100 - y - h`` and, for pixels, how far
    the far corner's ``x2 + y2`` exceeds 2 px (if all corners were within 1 px of the
    origin, it could not). The margins are a little stricter than the rules, so a box on an
    edge or a tiny one takes the slow path, which decides exactly.
    """
    key = (units, wh)
    found = _margins_cache.get(key)
    if found is None:
        width, height = wh
        # x / W * 100 is x * (100 / W): box()'s fast path uses the same factor.
        fx, fy = {"px": (100.0 / width, 100.0 / height), "norm": (100.0, 100.0)}.get(
            units, (1.0, 1.0)
        )
        columns: list[tuple[list[float], float]] = [
            ([1, 0, 0, 0], 0.0),
            ([0, 1, 0, 0], 0.0),
            ([0, 0, 1, 0], -1e-12),
            ([0, 0, 0, 1], -1e-12),
            ([-1, 0, -1, 0], 100.0 - 1e-9),
            ([0, -1, 0, -1], 100.0 - 1e-9),
        ]
        if units == "px":
            sx, sy = width / 100.0, height / 100.0
            columns.append(([sx, sy, sx, sy], -2.0 - 1e-9))
        margins = np.array([c for c, _ in columns], dtype=np.float64).T
        offsets = np.array([b for _, b in columns], dtype=np.float64)
        if len(_margins_cache) > 256:
            _margins_cache.clear()
        found = _margins_cache[key] = (margins, offsets, np.array([fx, fy, fx, fy]))
    return found


def _limit(units: str, size_px: int) -> float:
    return float(size_px) if units == "px" else _UNIT_LIMIT[units]


def _from_pct(value: float, units: str, size_px: int) -> float:
    if units == "px":
        return float(value) / 100.0 * size_px
    return float(value) / (100.0 if units == "norm" else 1.0)


def _rotated_pct(
    box_px: FloatArray,
    raw: FloatArray,
    *,
    name: str,
    units: _u.Units,
    wh: tuple[int, int],
    single: bool,
) -> FloatArray:
    """Checked ``(N, 5)`` percent ``x, y, width, height, rotation`` of canonical rotated boxes.

    ``box_px`` is ``(N, 5)`` centre, size and angle in pixels, already closest to upright.
    """
    corners = _u._centre_corners_px(box_px)
    # How far each corner sticks out of the image, in pixels (<= 0 inside).
    over = np.maximum(
        np.maximum(-corners[..., 0], corners[..., 0] - wh[0]),
        np.maximum(-corners[..., 1], corners[..., 1] - wh[1]),
    )
    outside = over.max(axis=1) > ROTATED_TOLERANCE_PX
    if outside.any():
        index = int(np.flatnonzero(outside)[0])
        worst = corners[index, int(np.argmax(over[index]))]
        hint = _swapped_hint(units, corners, wh) + (
            _unit_hint(name, units, raw[index])
            or "; a rotated box cannot be clipped and stay a rectangle: shrink it or drop it"
        )
        raise BuildError(
            f"{_loc(name, None if single else index)}={_fmt(raw[index])} reaches outside the "
            f"{wh[0]}x{wh[1]} image: a corner is at {_fmt(worst)} px{hint}"
        )
    pct = _u.rotated_px_to_percent(box_px, image_wh=wh, upright=False)
    too_big = (pct[:, 2] > 100.0) | (pct[:, 3] > 100.0)
    if too_big.any():
        # Near 45 degrees the other description of the same box (sides swapped, turned a
        # quarter) may fit Label Studio's width and height <= 100 percent where this one does not.
        first = pct.copy()
        other = box_px[too_big][:, [0, 1, 3, 2, 4]]
        other[:, 4] += np.where(other[:, 4] < 0.0, 90.0, -90.0)
        pct[too_big] = _u.rotated_px_to_percent(other, image_wh=wh, upright=False)
        too_big = (pct[:, 2] > 100.0) | (pct[:, 3] > 100.0)
    if too_big.any():
        index = int(np.flatnonzero(too_big)[0])
        (w1, h1), (w2, h2) = first[index, 2:4].tolist(), pct[index, 2:4].tolist()
        raise BuildError(
            f"{_loc(name, None if single else index)}={_fmt(raw[index])} does not fit Label "
            f"Studio's percent bounds either way: its width and height are {w1:.4g}% and "
            f"{h1:.4g}% of the image's, or {w2:.4g}% and {h2:.4g}% with the sides swapped; "
            "its validator rejects either above 100"
        )
    # A corner may overshoot by rounding; keep the stored corner inside what the SDK accepts.
    pct[:, 0] = np.clip(pct[:, 0], 0.0, 100.0)
    pct[:, 1] = np.clip(pct[:, 1], 0.0, 100.0)
    return pct


@_quiet
def _boxes_pct(
    arg: str,
    value: ArrayLike,
    angle_deg: ArrayLike | None,
    *,
    wh: tuple[int, int],
    clip: bool,
    single: bool,
) -> FloatArray:
    """Any box argument to percent: ``(N, 4)`` ``x, y, width, height`` for axis-aligned boxes,
    ``(N, 5)`` with ``rotation`` for rotated ones."""
    if arg in _CORNER_ARGS:
        units = _CORNER_ARGS[arg]
        if angle_deg is not None:
            raise BuildError(f"{arg} already fixes the angle; drop angle_deg")
        if clip:
            raise BuildError(_NO_CLIP_ROTATED)
        raw = _floats(value, arg, (4, 2), single=single)
        return _corner_boxes_pct(raw, name=arg, units=units, wh=wh, single=single)
    fmt, units = _BOX_ARGS[arg]
    if angle_deg is None:
        try:
            raw = _floats(value, arg, (4,), single=single, finite=False)
        except BuildError:  # again, with the hint that the message may carry
            raw = _floats(
                value, arg, (4,), single=single, hint=_box_shape_hint(value, single), finite=False
            )
        return _axis_boxes_pct(raw, name=arg, fmt=fmt, units=units, wh=wh, clip=clip, single=single)
    raw = _floats(value, arg, (4,), single=single, hint=_box_shape_hint(value, single))
    if fmt != "cxcywh":
        raise BuildError(
            f"angle_deg turns a box about its centre; give the box as cxcywh_{units}= "
            f"(centre x, centre y, width, height), not {arg}="
        )
    if clip:
        raise BuildError(_NO_CLIP_ROTATED)
    angles = _per_row(angle_deg, "angle_deg", raw.shape[0], single=single)
    sizes = raw[:, 2:]
    bad = ~(sizes > 0).all(axis=1)
    if bad.any():
        index = int(np.flatnonzero(bad)[0])
        which = "width" if not sizes[index, 0] > 0 else "height"
        raise BuildError(
            f"{_loc(arg, None if single else index)}={_fmt(raw[index])} has a "
            f"{'zero' if sizes[index].min() == 0 else 'negative'} {which}"
        )
    fx, fy = _u._px_scale(units, wh)
    box_px = np.empty((raw.shape[0], 5))
    box_px[:, :4] = raw * np.array([fx, fy, fx, fy])
    box_px[:, :4], box_px[:, 4] = _u.canonical_rotated(box_px[:, :4], angles)
    return _rotated_pct(box_px, raw, name=arg, units=units, wh=wh, single=single)


_NO_CLIP_ROTATED = (
    "clip=True works on axis-aligned boxes only: a rotated box cannot be clipped and stay a "
    f"rectangle (its corners may stick out by up to {ROTATED_TOLERANCE_PX:g} px)"
)


def _box_shape_hint(value: Any, single: bool) -> str:
    shape: tuple[int, ...] = np.shape(value) if not isinstance(value, (str, bytes)) else ()
    if single and len(shape) == 2 and shape[0] == 1:
        return "; for one box pass a flat (4,) row, for many use boxes()"
    if single and len(shape) == 2 and shape[1] == 4:
        return "; for many boxes use boxes()"
    if (single and shape == (4, 2)) or (not single and shape[1:] == (4, 2)):
        return "; for four corner points use corners_px= / corners_norm= / corners_pct="
    if shape[-1:] == (5,):
        return "; for a rotated box pass cxcywh_* with angle_deg="
    return ""


def _corner_boxes_pct(
    raw: FloatArray, *, name: str, units: _u.Units, wh: tuple[int, int], single: bool
) -> FloatArray:
    fx, fy = _u._px_scale(units, wh)
    pts_px = raw * np.array([fx, fy])
    nxt = np.roll(pts_px, -1, axis=1)
    area = np.abs(np.sum(pts_px[..., 0] * nxt[..., 1] - nxt[..., 0] * pts_px[..., 1], axis=1))
    flat = ~(area > 1e-9)
    if flat.any():
        index = int(np.flatnonzero(flat)[0])
        raise BuildError(
            f"{_loc(name, None if single else index)}={_fmt(raw[index])} has zero area "
            "(the corners are on one line)"
        )
    fitted = _u.corners_to_rotated(pts_px, units="px", image_wh=wh)
    residual = _u.corner_residual_px(pts_px, fitted)
    skew = residual > ROTATED_TOLERANCE_PX
    if skew.any():
        index = int(np.flatnonzero(skew)[0])
        raise BuildError(
            f"{_loc(name, None if single else index)}={_fmt(raw[index])} is not a rectangle: "
            f"a corner is {residual[index]:.3g} px from the best-fitting rectangle "
            f"(tolerance {ROTATED_TOLERANCE_PX:g} px); the corners must go around the box in "
            "order, and a quadrilateral belongs to a polygon tool"
        )
    return _rotated_pct(fitted, raw, name=name, units=units, wh=wh, single=single)


_REAL_SCALARS: set[type] = {float, int}
"""Number types a box's values may have on the fast path: Python's, and numpy's real
floats and integers, added as they are met (so that importing prelabel imports no numpy)."""


def _real_scalars(values: tuple[Any, ...]) -> bool:
    """Every one of ``values`` is a real number (not bool, complex, str, ...)."""
    real = _REAL_SCALARS
    for value in values:
        kind = type(value)
        if kind not in real:
            if kind.__module__ != "numpy" or not issubclass(kind, (np.floating, np.integer)):
                return False
            real.add(kind)
    return True


def _real_floats(values: Any) -> tuple[float, float, float, float] | None:
    """Four Python floats from four real numbers of Python or numpy (a list or tuple of
    them), the ones ``np.asarray(values, float64)`` holds; None if any is not a real number
    (the checked numpy path then decides and explains)."""
    a, b, c, d = values
    real = _REAL_SCALARS
    if not (
        type(a) in real and type(b) in real and type(c) in real and type(d) in real
    ) and not _real_scalars((a, b, c, d)):
        return None
    return float(a), float(b), float(c), float(d)


def _row_floats(value: FloatArray, row: list[Any]) -> tuple[float, float, float, float] | None:
    """Four Python floats from ``row``, the ``tolist()`` of a ``(4,)`` numpy array that did
    not hold Python floats: its integers or other real numbers, the floats
    ``value.astype(float64)`` holds; None for an array of anything else."""
    if value.dtype.kind not in "fiu":
        return None
    return _real_floats(row)


def _plain_corners(value: Any) -> list[tuple[float, float]] | None:
    """Four ``(x, y)`` Python float pairs from one oriented box's corners in any natural form
    (nested lists or tuples of Python or numpy numbers, a ``(4, 2)`` real numpy array); None
    for anything else."""
    if type(value) is np.ndarray:
        if value.shape != (4, 2) or value.dtype.kind not in "fiu":
            return None
        value = value.tolist()
    elif type(value) is not list and type(value) is not tuple:
        return None
    if len(value) != 4:
        return None
    out = []
    for point in value:
        kind = type(point)
        if kind is np.ndarray:
            if point.shape != (2,) or point.dtype.kind not in "fiu":
                return None
            point = point.tolist()
        elif kind is not list and kind is not tuple:
            return None
        if len(point) != 2:
            return None
        x, y = point
        if not (type(x) is float and type(y) is float):
            if not _real_scalars((x, y)):
                return None
            x, y = float(x), float(y)
        out.append((x, y))
    return out


_MARGIN = 1e-9
"""How clearly inside a rule a value must be for the corner fast path to decide alone (its
atan2 and hypot may differ from numpy's in the last bit)."""


def _corner_floats(value: Any) -> list[tuple[float, float]] | None:
    """The eight Python floats of one oriented box's corners as four pairs: nested lists or
    tuples of Python floats at once (a model's ``(4, 2)`` array after one ``tolist()``), any
    other natural form through :func:`_plain_corners`."""
    kind = type(value)
    if kind is np.ndarray:
        if value.shape != (4, 2) or value.dtype.kind not in "fiu":
            return None
        value = value.tolist()
    elif kind is not list and kind is not tuple:
        return None
    if len(value) == 4:
        p0, p1, p2, p3 = value
        if type(p0) is list is type(p1) is type(p2) is type(p3):
            try:
                (x0, y0), (x1, y1), (x2, y2), (x3, y3) = p0, p1, p2, p3
            except ValueError:  # not pairs
                return None
            if (
                type(x0) is type(y0) is type(x1) is type(y1) is float
                and type(x2) is type(y2) is type(x3) is type(y3) is float
            ):
                return [(x0, y0), (x1, y1), (x2, y2), (x3, y3)]
    return _plain_corners(value)


def _fast_corners(
    value: Any, units: str, wh: tuple[int, int]
) -> tuple[float, float, float, float, float] | None:
    """Percent ``x, y, width, height, rotation`` of one ordinary oriented box from its four
    corners, in plain Python (:func:`_corner_boxes_pct` for one box, without numpy's per-call
    costs), or None to take the numpy path, which decides everything near a rule and writes
    every message. The numbers agree with that path's to the last bit or two."""
    points = _corner_floats(value)
    if points is None:
        return None
    width, height = wh
    if units == "px":
        pts = points
    else:
        fx, fy = (
            (float(width), float(height)) if units == "norm" else (width / 100.0, height / 100.0)
        )
        pts = [(x * fx, y * fy) for x, y in points]
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = pts
    # Shoelace with y down: positive means clockwise on screen (the numpy path's sum order).
    area2 = (x0 * y1 - x1 * y0) + (x1 * y2 - x2 * y1) + (x2 * y3 - x3 * y2) + (x3 * y0 - x0 * y3)
    if not abs(area2) > 1e-6:  # also false for NaN; infinity fails below
        return None
    if area2 < 0:
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = (x3, y3), (x2, y2), (x1, y1), (x0, y0)
    if (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0) or (
        x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0
    ):
        upright = _upright_corners(x0, y0, x1, y1, x2, y2, x3, y3, width, height)
        if upright is not None:
            return upright
    # One statement per number (lists, zips and generators cost more than the arithmetic).
    e0x, e0y, e1x, e1y = x1 - x0, y1 - y0, x2 - x1, y2 - y1
    e2x, e2y, e3x, e3y = x3 - x2, y3 - y2, x0 - x3, y0 - y3
    hypot = math.hypot
    l0, l1, l2, l3 = hypot(e0x, e0y), hypot(e1x, e1y), hypot(e2x, e2y), hypot(e3x, e3y)
    if not (min(l0, l1, l2, l3) > 0.0 and max(l0, l1, l2, l3) < math.inf):
        return None
    # the edge that points most to the right (the first of equals) is the box's top side
    k, best = 0, e0x / l0
    rightward = e1x / l1
    if rightward > best:
        k, best = 1, rightward
    rightward = e2x / l2
    if rightward > best:
        k, best = 2, rightward
    if e3x / l3 > best:
        k = 3
    edges = ((e0x, e0y), (e1x, e1y), (e2x, e2y), (e3x, e3y))
    lengths = (l0, l1, l2, l3)
    ax, ay = edges[k]
    cx_, cy_ = edges[(k + 2) % 4]
    angle = math.degrees(math.atan2(ay - cy_, ax - cx_))
    cx = (((x0 + x1) + x2) + x3) / 4.0
    cy = (((y0 + y1) + y2) + y3) / 4.0
    w = (lengths[k] + lengths[(k + 2) % 4]) / 2.0
    h = (lengths[(k + 1) % 4] + lengths[(k + 3) % 4]) / 2.0
    # canonical_rotated: the description closest to upright, angle in [-45, 45)
    quarter = math.floor((angle + 45.0) / 90.0)
    angle -= 90.0 * quarter
    if not -45.0 + _MARGIN < angle < 45.0 - _MARGIN:
        return None  # on the boundary between two descriptions: numpy decides
    if quarter % 2 == 1:
        w, h = h, w
    rad = math.radians(angle)
    cos, sin = math.cos(rad), math.sin(rad)
    half_w, half_h = w / 2.0, h / 2.0
    # How far the worst given corner is from the fitted rectangle's nearest corner: in the
    # box's own frame that corner is (+-half_w, +-half_h) by the signs of the point. The
    # hypot of the two misses is at most their sum: when every sum is clearly below the
    # tolerance the hypots are not needed.
    u, v = x0 - cx, y0 - cy
    p0, q0 = abs(u * cos + v * sin) - half_w, abs(v * cos - u * sin) - half_h
    u, v = x1 - cx, y1 - cy
    p1, q1 = abs(u * cos + v * sin) - half_w, abs(v * cos - u * sin) - half_h
    u, v = x2 - cx, y2 - cy
    p2, q2 = abs(u * cos + v * sin) - half_w, abs(v * cos - u * sin) - half_h
    u, v = x3 - cx, y3 - cy
    p3, q3 = abs(u * cos + v * sin) - half_w, abs(v * cos - u * sin) - half_h
    residual = 0.0
    if not (
        abs(p0) + abs(q0) < 0.5
        and abs(p1) + abs(q1) < 0.5
        and abs(p2) + abs(q2) < 0.5
        and abs(p3) + abs(q3) < 0.5
    ):
        residual = max(0.0, hypot(p0, q0), hypot(p1, q1), hypot(p2, q2), hypot(p3, q3))
    dx, dy = half_w * cos - half_h * sin, half_w * sin + half_h * cos  # to the top-left corner
    ex, ey = half_w * cos + half_h * sin, half_w * sin - half_h * cos  # to the top-right one
    reach_x, reach_y = max(abs(dx), abs(ex)), max(abs(dy), abs(ey))
    over = max(reach_x - cx, cx + reach_x - width, reach_y - cy, cy + reach_y - height)
    if not (residual < ROTATED_TOLERANCE_PX - _MARGIN and over < ROTATED_TOLERANCE_PX - _MARGIN):
        return None
    w_pct, h_pct = w / width * 100.0, h / height * 100.0
    if not (w_pct < 100.0 - _MARGIN and h_pct < 100.0 - _MARGIN):
        return None
    # min(max(v, 0.0), 100.0), spelled out: the same float, signed zero included
    x_pct = (cx - dx) / width * 100.0
    x_pct = 0.0 if x_pct < 0.0 else x_pct
    x_pct = 100.0 if x_pct > 100.0 else x_pct
    y_pct = (cy - dy) / height * 100.0
    y_pct = 0.0 if y_pct < 0.0 else y_pct
    y_pct = 100.0 if y_pct > 100.0 else y_pct
    rotation = angle % 360.0
    if rotation >= 360.0:  # -1e-17 % 360 rounds to 360.0
        rotation = 0.0
    return x_pct, y_pct, w_pct, h_pct, rotation


def _upright_corners(
    x0: float,
    y0: float,
    x1: float,
    y1: float,
    x2: float,
    y2: float,
    x3: float,
    y3: float,
    width: int,
    height: int,
) -> tuple[float, float, float, float, float] | None:
    """:func:`_fast_corners` for the corners of an upright box (in clockwise order, each
    sharing x or y exactly with its neighbours, as a detector's xyxy gives them): the same
    floats by fewer steps, or None to take the general path.

    For such corners every edge has one exact zero, so each hypot is the other side's
    absolute value, the angle is atan2(0, +) = 0 (cos 1, sin 0), and the products by cos and
    sin leave the numbers as they are: what remains is the same sums in the same order.
    """
    horizontal = y0 == y1
    side_w = abs(x1 - x0) if horizontal else abs(x2 - x1)
    side_h = abs(y2 - y1) if horizontal else abs(y1 - y0)
    if not (0.0 < side_w < math.inf and 0.0 < side_h < math.inf):
        return None
    cx = (((x0 + x1) + x2) + x3) / 4.0
    cy = (((y0 + y1) + y2) + y3) / 4.0
    w = (side_w + side_w) / 2.0
    h = (side_h + side_h) / 2.0
    half_w, half_h = w / 2.0, h / 2.0
    # The general path's residual is hypot(|x - cx| - half_w, |y - cy| - half_h) at the
    # worst corner: at most the sum of the two, here a few units in the last place (decided
    # there when not clearly below its 1 px tolerance).
    if not (
        -0.25 < abs(x0 - cx) - half_w < 0.25
        and -0.25 < abs(x2 - cx) - half_w < 0.25
        and -0.25 < abs(y0 - cy) - half_h < 0.25
        and -0.25 < abs(y2 - cy) - half_h < 0.25
    ):
        return None
    # its max() of the four reaches past the edges, each finite here
    limit = ROTATED_TOLERANCE_PX - _MARGIN
    if not (
        half_w - cx < limit
        and cx + half_w - width < limit
        and half_h - cy < limit
        and cy + half_h - height < limit
    ):
        return None
    w_pct, h_pct = w / width * 100.0, h / height * 100.0
    if not (w_pct < 100.0 - _MARGIN and h_pct < 100.0 - _MARGIN):
        return None
    # min(max(v, 0.0), 100.0), spelled out: the same float, signed zero included
    x_pct = (cx - half_w) / width * 100.0
    x_pct = 0.0 if x_pct < 0.0 else x_pct
    x_pct = 100.0 if x_pct > 100.0 else x_pct
    y_pct = (cy - half_h) / height * 100.0
    y_pct = 0.0 if y_pct < 0.0 else y_pct
    y_pct = 100.0 if y_pct > 100.0 else y_pct
    return x_pct, y_pct, w_pct, h_pct, 0.0


_PY_BOXES = 64  # up to this many boxes, plain Python beats numpy's per-call costs


def _small_float_boxes(value: Any) -> bool:
    """A float array of shape ``(N, 4)``, 0 < N <= ``_PY_BOXES``."""
    return (
        type(value) is np.ndarray
        and value.ndim == 2
        and value.shape[1] == 4
        and 0 < value.shape[0] <= _PY_BOXES
        and value.dtype.kind == "f"
    )


def _fast_box_values(
    value: FloatArray,
    fmt: str,
    units: str,
    wh: tuple[int, int],
    key: str,
    labels: list[list[str]] | None,
) -> list[dict[str, Any]] | None:
    """box()'s fast path over the rows of a small float array (:func:`_small_float_boxes`),
    straight into result values: one per box when every box is ordinary, else None (the
    numpy path then decides and explains).

    The arithmetic is the numpy path's, in the same order, so both give the same numbers.
    """
    if units == "px":
        fx, fy = 100.0 / wh[0], 100.0 / wh[1]  # as in _margins
    elif units == "norm":
        fx = fy = 100.0
    else:
        fx = fy = 1.0
    tiny = units == "px"
    xyxy, centred = fmt == "xyxy", fmt == "cxcywh"
    out: list[dict[str, Any]] = []
    append = out.append
    for index, (a, b, c, d) in enumerate(value.tolist()):
        if xyxy:
            c, d = c - a, d - b
        elif centred:
            a, b = a - c / 2.0, b - d / 2.0
        x, y, w, h = a * fx, b * fy, c * fx, d * fy
        # False for NaN and infinity too (as in box()).
        if not (c > 0 and d > 0 and x >= 0.0 and y >= 0.0 and x + w <= 100.0 and y + h <= 100.0):
            return None
        if tiny and a + c <= 1.0 and b + d <= 1.0:
            return None
        if labels is None:
            append({"x": x, "y": y, "width": w, "height": h, "rotation": 0.0})
        else:
            append({"x": x, "y": y, "width": w, "height": h, "rotation": 0.0, key: labels[index]})
    return out
