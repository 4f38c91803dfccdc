"""Label Studio's image geometry: result values (percent of the natural size) to pixels.

The editor draws every image region in the image's natural pixels scaled to the stage:

* rectangles: ``x``/``y`` is the top-left corner *before* rotation, ``width``/``height`` the
  size, all percent of the natural width (x, width) or height (y, height); ``rotation`` (degrees,
  clockwise on screen) turns the box about that top-left corner, in pixels, so a rotated box on
  a non-square image keeps its shape;
* ellipses: ``x``/``y`` is the centre, ``radiusX`` percent of the width, ``radiusY`` of the
  height, rotated about the centre;
* polygons: ``points`` are ``[x, y]`` percent pairs, closed unless ``closed`` is false;
* keypoints: ``x``/``y`` is the centre and ``width`` the radius in percent of the image width,
  never drawn smaller than 2 screen pixels (``KeyPointRegion.jsx``).

Shapes here are in natural pixels; the SVG's ``viewBox`` is the natural size, so the browser
scales them exactly as the editor's stage does.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = [
    "KEYPOINT_MIN_RADIUS_SCREEN_PX",
    "Box",
    "Ellipse",
    "Point",
    "Poly",
    "Shape",
    "bbox",
    "corners",
    "shape_of",
]

# The editor draws a keypoint at least this big on screen, whatever its width.
KEYPOINT_MIN_RADIUS_SCREEN_PX = 2.0

# Result types drawn as each shape (the value keys they need are checked by shape_of).
BOX_TYPES = frozenset({"rectanglelabels", "rectangle"})
ELLIPSE_TYPES = frozenset({"ellipselabels", "ellipse"})
POLYGON_TYPES = frozenset({"polygonlabels", "polygon"})
POINT_TYPES = frozenset({"keypointlabels", "keypoint"})
MASK_TYPES = frozenset({"brushlabels", "brush", "magicwand"})
IMAGE_TYPES = BOX_TYPES | ELLIPSE_TYPES | POLYGON_TYPES | POINT_TYPES | MASK_TYPES


@dataclasses.dataclass(frozen=True, slots=True)
class Box:
    """A rectangle in natural pixels: top-left corner, size, rotation about that corner."""

    x: float
    y: float
    width: float
    height: float
    rotation: float = 0.0


@dataclasses.dataclass(frozen=True, slots=True)
class Ellipse:
    """An ellipse in natural pixels: centre, radii, rotation about the centre."""

    cx: float
    cy: float
    rx: float
    ry: float
    rotation: float = 0.0


@dataclasses.dataclass(frozen=True, slots=True)
class Poly:
    """A polygon (or, when not closed, a polyline) in natural pixels."""

    points: tuple[tuple[float, float], ...]
    closed: bool = True


@dataclasses.dataclass(frozen=True, slots=True)
class Point:
    """A keypoint in natural pixels: centre and radius (before the 2-screen-pixel minimum)."""

    cx: float
    cy: float
    r: float


Shape = Box | Ellipse | Poly | Point


def _num(value: Mapping[str, Any], key: str, default: float | None = None) -> float | None:
    found = value.get(key, default)
    if isinstance(found, bool) or not isinstance(found, (int, float)):
        return None
    number = float(found)
    return number if math.isfinite(number) else None


def shape_of(
    result_type: str, value: Mapping[str, Any], width_px: float, height_px: float
) -> Shape | None:
    """The shape the editor draws for one image result, in natural pixels; None if none.

    None also when the value lacks what the editor needs to draw it (a keypoint without
    ``width`` becomes an invisible classification in the editor, so it is not drawn here
    either).

    >>> shape_of("rectanglelabels", {"x": 10, "y": 20, "width": 30, "height": 40}, 200, 100)
    Box(x=20.0, y=20.0, width=60.0, height=40.0, rotation=0.0)
    >>> shape_of("keypointlabels", {"x": 50, "y": 50}, 200, 100) is None
    True
    """
    sx, sy = width_px / 100.0, height_px / 100.0
    if result_type in BOX_TYPES:
        x, y, w, h = (_num(value, k) for k in ("x", "y", "width", "height"))
        rotation = _num(value, "rotation", 0.0)
        if x is None or y is None or w is None or h is None or rotation is None:
            return None
        return Box(x * sx, y * sy, w * sx, h * sy, rotation)
    if result_type in ELLIPSE_TYPES:
        x, y, rx, ry = (_num(value, k) for k in ("x", "y", "radiusX", "radiusY"))
        rotation = _num(value, "rotation", 0.0)
        if x is None or y is None or rx is None or ry is None or rotation is None:
            return None
        return Ellipse(x * sx, y * sy, rx * sx, ry * sy, rotation)
    if result_type in POLYGON_TYPES:
        points = _points(value.get("points"))
        if points is None:
            return None
        closed = value.get("closed", True) is not False
        return Poly(tuple((px * sx, py * sy) for px, py in points), closed)
    if result_type in POINT_TYPES:
        x, y, w = (_num(value, k) for k in ("x", "y", "width"))
        if x is None or y is None or w is None or "height" in value:
            return None
        return Point(x * sx, y * sy, w * sx)
    return None


def _points(raw: Any) -> list[tuple[float, float]] | None:
    if not isinstance(raw, Sequence) or isinstance(raw, (str, bytes)) or not raw:
        return None
    out = []
    for pair in raw:
        if not isinstance(pair, Sequence) or isinstance(pair, (str, bytes)) or len(pair) != 2:
            return None
        x, y = pair
        if isinstance(x, bool) or isinstance(y, bool):
            return None
        if not isinstance(x, (int, float)) or not isinstance(y, (int, float)):
            return None
        if not (math.isfinite(x) and math.isfinite(y)):
            return None
        out.append((float(x), float(y)))
    return out


def corners(box: Box) -> list[tuple[float, float]]:
    """The four corners of a box, rotated about its top-left corner (clockwise on screen).

    >>> [tuple(round(v, 6) for v in p) for p in corners(Box(10, 10, 4, 2, 90))]
    [(10.0, 10.0), (10.0, 14.0), (8.0, 14.0), (8.0, 10.0)]
    """
    angle = math.radians(box.rotation)
    cos, sin = math.cos(angle), math.sin(angle)
    out = []
    for dx, dy in ((0.0, 0.0), (box.width, 0.0), (box.width, box.height), (0.0, box.height)):
        out.append((box.x + dx * cos - dy * sin, box.y + dx * sin + dy * cos))
    return out


def bbox(shape: Shape, *, min_point_radius: float = 0.0) -> tuple[float, float, float, float]:
    """The axis-aligned bounding box ``(x0, y0, x1, y1)`` of a shape, in its pixels.

    ``min_point_radius``: a keypoint's smallest radius in these pixels (the editor's
    2-screen-pixel minimum, converted by the caller).

    >>> bbox(Ellipse(50, 40, 10, 5, 90))
    (45.0, 30.0, 55.0, 50.0)
    """
    if isinstance(shape, Box):
        pts = corners(shape)
    elif isinstance(shape, Poly):
        pts = list(shape.points)
    elif isinstance(shape, Point):
        r = max(shape.r, min_point_radius)
        return (shape.cx - r, shape.cy - r, shape.cx + r, shape.cy + r)
    else:
        angle = math.radians(shape.rotation)
        # Half extents of a rotated ellipse's bounding box (exact, not from sampled points).
        hx = math.hypot(shape.rx * math.cos(angle), shape.ry * math.sin(angle))
        hy = math.hypot(shape.rx * math.sin(angle), shape.ry * math.cos(angle))
        return (
            _clean(shape.cx - hx),
            _clean(shape.cy - hy),
            _clean(shape.cx + hx),
            _clean(shape.cy + hy),
        )
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return (min(xs), min(ys), max(xs), max(ys))


def _clean(value: float) -> float:
    """Round away float noise (cos(90°) is 6e-17, not 0) so doctests read plainly."""
    return round(value, 9)
