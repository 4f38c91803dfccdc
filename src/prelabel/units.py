"""Image units: pixels, 0-1 fractions and Label Studio percent; box formats; rotated boxes.

Label Studio stores image geometry in **percent of the natural image** (0-100): ``x`` and
``width`` in percent of the image width, ``y`` and ``height`` in percent of its height. Models
speak pixels or 0-1 fractions, and boxes come as corners (``xyxy``), top-left + size (``xywh``)
or centre + size (``cxcywh``). Every function here is vectorized over a leading ``N`` axis and
names its units; none of them checks that a box lies inside the image (builders do that).

Units (``units=``):

* ``"px"``: pixels of the natural image; needs ``image_wh``.
* ``"norm"``: fractions 0-1 of the image width (x) and height (y).
* ``"pct"``: Label Studio percent 0-100.

Rotated boxes follow Label Studio: ``x, y`` is the box's top-left corner *before* rotation,
``rotation`` turns the box about that corner, in degrees, clockwise on screen (image
coordinates, y down). Sizes of a rotated box are measured along its own sides but, as in
Label Studio, scaled by the image *width* for ``width`` and the image *height* for ``height``;
the rotation itself happens in pixels.

>>> boxes_to_percent([[32, 95, 207, 221]], fmt="xyxy", units="px", image_wh=(600, 403)).round(2)
array([[ 5.33, 23.57, 29.17, 31.27]])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from ._lazy import lazy_module

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    FloatArray: TypeAlias = npt.NDArray[np.float64]
else:
    np = lazy_module("numpy")


__all__ = [
    "BoxFormat",
    "Units",
    "boxes_from_percent",
    "boxes_from_xywh",
    "boxes_to_percent",
    "boxes_to_xywh",
    "canonical_rotated",
    "corner_residual_px",
    "corners_to_rotated",
    "points_from_percent",
    "points_to_percent",
    "rotated_corners",
    "rotated_from_percent",
    "rotated_px_to_percent",
    "rotated_to_percent",
    "unit_scale",
]

Units: TypeAlias = Literal["px", "norm", "pct"]
BoxFormat: TypeAlias = Literal["xyxy", "xywh", "cxcywh"]
ImageWH: TypeAlias = "tuple[int, int] | Sequence[float] | None"

UNITS: tuple[Units, ...] = ("px", "norm", "pct")
BOX_FORMATS: tuple[BoxFormat, ...] = ("xyxy", "xywh", "cxcywh")


def unit_scale(units: Units, image_wh: ImageWH = None) -> tuple[float, float]:
    """Factors ``(sx, sy)`` that turn x and y values in ``units`` into percent.

    Args:
        units: ``"px"``, ``"norm"`` or ``"pct"``.
        image_wh: ``(width, height)`` of the natural image in pixels; required for ``"px"``.

    Raises:
        ValueError: unknown units, or ``"px"`` without a positive ``image_wh``.

    >>> unit_scale("px", (200, 50))
    (0.5, 2.0)
    >>> unit_scale("norm")
    (100.0, 100.0)
    """
    if units == "pct":
        return 1.0, 1.0
    if units == "norm":
        return 100.0, 100.0
    if units == "px":
        if image_wh is None:
            raise ValueError("pixel units need image_wh=(width, height)")
        width, height = float(image_wh[0]), float(image_wh[1])
        if not (width > 0 and height > 0):
            raise ValueError(f"image_wh must be positive, got {tuple(image_wh)}")
        return 100.0 / width, 100.0 / height
    raise ValueError(f"units must be one of {', '.join(UNITS)}; got {units!r}")


def _px_scale(units: Units, image_wh: ImageWH) -> tuple[float, float]:
    """Factors that turn ``units`` into pixels (rotation needs pixels)."""
    if image_wh is None:
        raise ValueError("rotated boxes need image_wh=(width, height): rotation happens in pixels")
    width, height = float(image_wh[0]), float(image_wh[1])
    if units == "px":
        return 1.0, 1.0
    if units == "norm":
        return width, height
    if units == "pct":
        return width / 100.0, height / 100.0
    raise ValueError(f"units must be one of {', '.join(UNITS)}; got {units!r}")


def _f64(values: Any) -> FloatArray:
    return np.asarray(values, dtype=np.float64)


def _as_array(values: npt.ArrayLike, last: tuple[int, ...], what: str) -> FloatArray:
    """``values`` as float64 with trailing shape ``last``; a single row gains the N axis."""
    array = np.asarray(values, dtype=np.float64)
    if array.ndim == len(last):
        array = array[np.newaxis]
    if array.ndim != len(last) + 1 or array.shape[1:] != last:
        wanted = ", ".join(["N", *map(str, last)])
        raise ValueError(f"{what} must have shape ({wanted}), got {array.shape}")
    return array


def boxes_to_xywh(boxes: npt.ArrayLike, fmt: BoxFormat) -> FloatArray:
    """Convert boxes to top-left + size, keeping their units.

    Args:
        boxes: ``(N, 4)`` (or one ``(4,)`` box) in format ``fmt``.
        fmt: ``"xyxy"`` (x1, y1, x2, y2), ``"xywh"`` (top-left x, y, width, height) or
            ``"cxcywh"`` (centre x, y, width, height).

    Returns:
        ``(N, 4)`` array of ``x, y, width, height``.

    >>> boxes_to_xywh([[10, 20, 110, 70]], "xyxy")
    array([[ 10.,  20., 100.,  50.]])
    >>> boxes_to_xywh([[60, 45, 100, 50]], "cxcywh")
    array([[ 10.,  20., 100.,  50.]])
    """
    array = _as_array(boxes, (4,), "boxes")
    out = array.copy()
    if fmt == "xyxy":
        out[:, 2:] = array[:, 2:] - array[:, :2]
    elif fmt == "cxcywh":
        out[:, :2] = array[:, :2] - array[:, 2:] / 2.0
    elif fmt != "xywh":
        raise ValueError(f"fmt must be one of {', '.join(BOX_FORMATS)}; got {fmt!r}")
    return out


def boxes_from_xywh(xywh: npt.ArrayLike, fmt: BoxFormat) -> FloatArray:
    """Convert top-left + size boxes to format ``fmt`` (the inverse of :func:`boxes_to_xywh`).

    >>> boxes_from_xywh([[10, 20, 100, 50]], "xyxy")
    array([[ 10.,  20., 110.,  70.]])
    """
    array = _as_array(xywh, (4,), "xywh")
    out = array.copy()
    if fmt == "xyxy":
        out[:, 2:] = array[:, :2] + array[:, 2:]
    elif fmt == "cxcywh":
        out[:, :2] = array[:, :2] + array[:, 2:] / 2.0
    elif fmt != "xywh":
        raise ValueError(f"fmt must be one of {', '.join(BOX_FORMATS)}; got {fmt!r}")
    return out


def boxes_to_percent(
    boxes: npt.ArrayLike,
    *,
    fmt: BoxFormat,
    units: Units,
    image_wh: ImageWH = None,
) -> FloatArray:
    """Axis-aligned boxes to Label Studio percent ``x, y, width, height``.

    Args:
        boxes: ``(N, 4)`` (or one ``(4,)`` box) in format ``fmt`` and ``units``.
        fmt: ``"xyxy"``, ``"xywh"`` (top-left) or ``"cxcywh"`` (centre).
        units: ``"px"``, ``"norm"`` or ``"pct"``.
        image_wh: ``(width, height)`` in pixels; required for ``"px"``.

    Returns:
        ``(N, 4)`` array ``x, y, width, height`` in percent (top-left corner).

    >>> boxes_to_percent([[0.5, 0.5, 0.2, 0.1]], fmt="cxcywh", units="norm")
    array([[40., 45., 20., 10.]])
    """
    xywh = boxes_to_xywh(boxes, fmt)
    if units == "px":
        if image_wh is None:
            raise ValueError("pixel units need image_wh=(width, height)")
        width, height = float(image_wh[0]), float(image_wh[1])
        # x / W * 100: the guide's own formula, so numbers match it to the last digit
        return _f64(xywh / np.array([width, height, width, height]) * 100.0)
    sx, sy = unit_scale(units, image_wh)
    return _f64(xywh * np.array([sx, sy, sx, sy]))


def boxes_from_percent(
    xywh_pct: npt.ArrayLike,
    *,
    fmt: BoxFormat,
    units: Units,
    image_wh: ImageWH = None,
) -> FloatArray:
    """Label Studio percent ``x, y, width, height`` back to boxes in ``fmt`` and ``units``.

    >>> boxes_from_percent([[5.0, 10.0, 50.0, 50.0]], fmt="xyxy", units="px", image_wh=(200, 100))
    array([[ 10.,  10., 110.,  60.]])
    """
    array = _as_array(xywh_pct, (4,), "xywh_pct")
    if units == "px":
        if image_wh is None:
            raise ValueError("pixel units need image_wh=(width, height)")
        width, height = float(image_wh[0]), float(image_wh[1])
        xywh = array / 100.0 * np.array([width, height, width, height])
    else:
        sx, sy = unit_scale(units, image_wh)
        xywh = array / np.array([sx, sy, sx, sy])
    return boxes_from_xywh(xywh, fmt)


def points_to_percent(
    points: npt.ArrayLike, *, units: Units, image_wh: ImageWH = None
) -> FloatArray:
    """Points ``(..., 2)`` of ``x, y`` in ``units`` to percent (same shape).

    >>> points_to_percent([[300, 100]], units="px", image_wh=(600, 400))
    array([[50., 25.]])
    """
    array = np.asarray(points, dtype=np.float64)
    if array.ndim == 0 or array.shape[-1] != 2:
        raise ValueError(f"points must have shape (..., 2), got {array.shape}")
    if units == "px":
        if image_wh is None:
            raise ValueError("pixel units need image_wh=(width, height)")
        return _f64(array / np.array([float(image_wh[0]), float(image_wh[1])]) * 100.0)
    sx, sy = unit_scale(units, image_wh)
    return _f64(array * np.array([sx, sy]))


def points_from_percent(
    points_pct: npt.ArrayLike, *, units: Units, image_wh: ImageWH = None
) -> FloatArray:
    """Points ``(..., 2)`` in percent back to ``units`` (same shape).

    >>> points_from_percent([[50.0, 25.0]], units="norm")
    array([[0.5 , 0.25]])
    """
    array = np.asarray(points_pct, dtype=np.float64)
    if array.ndim == 0 or array.shape[-1] != 2:
        raise ValueError(f"points must have shape (..., 2), got {array.shape}")
    if units == "px":
        if image_wh is None:
            raise ValueError("pixel units need image_wh=(width, height)")
        return _f64(array / 100.0 * np.array([float(image_wh[0]), float(image_wh[1])]))
    sx, sy = unit_scale(units, image_wh)
    return _f64(array / np.array([sx, sy]))


# --- rotated boxes -------------------------------------------------------------------------


def canonical_rotated(
    cxcywh_px: npt.ArrayLike, angle_deg: npt.ArrayLike
) -> tuple[FloatArray, FloatArray]:
    """The equivalent description of each rotated box that is closest to upright.

    A rotated rectangle has four descriptions (any side may be "width"): ``(w, h, a)`` is the
    same box as ``(h, w, a + 90)``. This picks the one with the angle in ``[-45, 45)`` so the
    output does not depend on a detector's angle convention (``le90``, ``le135``, ``oc``, ...)
    and an axis-aligned box always gets rotation 0.

    Args:
        cxcywh_px: ``(N, 4)`` centre x, y, width, height, in pixels.
        angle_deg: ``(N,)`` or scalar, degrees clockwise (image coordinates, y down).

    Returns:
        ``(cxcywh_px, angle_deg)`` with angles in ``[-45, 45)`` and sizes swapped where needed.

    >>> box, angle = canonical_rotated([[50, 50, 40, 10]], [90.0])
    >>> box.tolist(), angle.tolist()
    ([[50.0, 50.0, 10.0, 40.0]], [0.0])
    """
    boxes = _as_array(cxcywh_px, (4,), "cxcywh_px").copy()
    angle = np.broadcast_to(np.asarray(angle_deg, dtype=np.float64), boxes.shape[:1])
    quarter = np.floor((angle + 45.0) / 90.0)
    out_angle = angle - 90.0 * quarter
    # angle + 45 can round up to the next multiple of 90 (44.99999999999999 + 45 == 90.0):
    # one quarter back puts such an angle at the top of the range instead of below it.
    below = out_angle < -45.0
    quarter[below] -= 1.0
    out_angle[below] += 90.0
    swap = (quarter % 2) == 1
    boxes[swap, 2], boxes[swap, 3] = boxes[swap, 3].copy(), boxes[swap, 2].copy()
    return boxes, out_angle


def _rotate(vx: FloatArray, vy: FloatArray, angle_deg: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Rotate vectors clockwise on screen (y down) by ``angle_deg``."""
    rad = np.deg2rad(angle_deg)
    cos, sin = np.cos(rad), np.sin(rad)
    return vx * cos - vy * sin, vx * sin + vy * cos


def _ls_rotation(angle_deg: FloatArray) -> FloatArray:
    """Degrees in ``[0, 360)``, as Label Studio stores them (``(r + 360) % 360``)."""
    out = np.mod(angle_deg, 360.0)
    out[out >= 360.0] = 0.0  # -1e-17 % 360 rounds to 360.0
    return out


def rotated_to_percent(
    cxcywh: npt.ArrayLike,
    angle_deg: npt.ArrayLike,
    *,
    units: Units,
    image_wh: ImageWH,
    upright: bool = True,
) -> FloatArray:
    """Rotated boxes (centre, size, angle) to Label Studio ``x, y, width, height, rotation``.

    The box is first put in its closest-to-upright description (:func:`canonical_rotated`)
    unless ``upright=False``; then its top-left corner before rotation is found by turning
    the half-size vector about the centre: ``(x, y) = centre - R(angle) @ (w/2, h/2)``.

    Args:
        cxcywh: ``(N, 4)`` centre x, y and size in ``units`` (width scaled by the image width,
            height by the image height, as Label Studio does).
        angle_deg: ``(N,)`` or scalar, degrees clockwise on screen (y down) about the centre.
        units: ``"px"``, ``"norm"`` or ``"pct"``.
        image_wh: ``(width, height)`` in pixels (rotation happens in pixels).
        upright: use the closest-to-upright description of each box (the default), or keep
            the sides and angle as given.

    Returns:
        ``(N, 5)``: ``x, y, width, height`` in percent and ``rotation`` in ``[0, 360)`` degrees.

    >>> rotated_to_percent([[300, 200, 200, 100]], 30.0, units="px", image_wh=(600, 400)).round(3)
    array([[39.733, 26.675, 33.333, 25.   , 30.   ]])
    """
    fx, fy = _px_scale(units, image_wh)
    boxes = _as_array(cxcywh, (4,), "cxcywh") * np.array([fx, fy, fx, fy])
    if upright:
        boxes, angle = canonical_rotated(boxes, angle_deg)
    else:
        angle = np.broadcast_to(np.asarray(angle_deg, dtype=np.float64), boxes.shape[:1])
    dx, dy = _rotate(boxes[:, 2] / 2.0, boxes[:, 3] / 2.0, angle)
    width, height = float(image_wh[0]), float(image_wh[1])  # type: ignore[index]
    out = np.empty((boxes.shape[0], 5))
    out[:, 0] = (boxes[:, 0] - dx) / width * 100.0
    out[:, 1] = (boxes[:, 1] - dy) / height * 100.0
    out[:, 2] = boxes[:, 2] / width * 100.0
    out[:, 3] = boxes[:, 3] / height * 100.0
    out[:, 4] = _ls_rotation(angle)
    return out


def rotated_from_percent(
    xywhr_pct: npt.ArrayLike, *, units: Units, image_wh: ImageWH
) -> tuple[FloatArray, FloatArray]:
    """Label Studio ``x, y, width, height, rotation`` back to centre, size and angle.

    Args:
        xywhr_pct: ``(N, 5)`` as stored in a rectangle result's ``value``.
        units: units of the returned centre and size.
        image_wh: ``(width, height)`` in pixels.

    Returns:
        ``(cxcywh, angle_deg)``: ``(N, 4)`` in ``units`` and ``(N,)`` degrees in ``[0, 360)``.

    >>> box, angle = rotated_from_percent([[39.7329, 26.6747, 33.3333, 25, 30]], units="px",
    ...                                   image_wh=(600, 400))
    >>> box.round(1).tolist(), angle.tolist()
    ([[300.0, 200.0, 200.0, 100.0]], [30.0])
    """
    array = _as_array(xywhr_pct, (5,), "xywhr_pct")
    width, height = float(image_wh[0]), float(image_wh[1])  # type: ignore[index]
    x, y = array[:, 0] / 100.0 * width, array[:, 1] / 100.0 * height
    w, h = array[:, 2] / 100.0 * width, array[:, 3] / 100.0 * height
    dx, dy = _rotate(w / 2.0, h / 2.0, array[:, 4])
    fx, fy = _px_scale(units, image_wh)
    out = np.stack([(x + dx) / fx, (y + dy) / fy, w / fx, h / fy], axis=1)
    return out, _ls_rotation(array[:, 4].copy())


def rotated_corners(xywhr_pct: npt.ArrayLike, *, units: Units, image_wh: ImageWH) -> FloatArray:
    """The four corners of Label Studio rotated boxes, clockwise from the ``x, y`` corner.

    Args:
        xywhr_pct: ``(N, 5)`` ``x, y, width, height`` in percent and ``rotation`` degrees.
        units: units of the returned points.
        image_wh: ``(width, height)`` in pixels.

    Returns:
        ``(N, 4, 2)`` corner points in ``units``.

    >>> rotated_corners([[10, 10, 50, 50, 90]], units="pct", image_wh=(100, 100)).round(9).tolist()
    [[[10.0, 10.0], [10.0, 60.0], [-40.0, 60.0], [-40.0, 10.0]]]
    """
    array = _as_array(xywhr_pct, (5,), "xywhr_pct")
    width, height = float(image_wh[0]), float(image_wh[1])  # type: ignore[index]
    x, y = array[:, 0] / 100.0 * width, array[:, 1] / 100.0 * height
    w, h = array[:, 2] / 100.0 * width, array[:, 3] / 100.0 * height
    local_x = np.stack([np.zeros_like(w), w, w, np.zeros_like(w)], axis=1)
    local_y = np.stack([np.zeros_like(h), np.zeros_like(h), h, h], axis=1)
    rx, ry = _rotate(local_x, local_y, array[:, 4:5])
    fx, fy = _px_scale(units, image_wh)
    return np.stack([(x[:, None] + rx) / fx, (y[:, None] + ry) / fy], axis=2)


def corners_to_rotated(corners: npt.ArrayLike, *, units: Units, image_wh: ImageWH) -> FloatArray:
    """Four corner points of oriented boxes (OBB detectors, DOTA) to centre, size and angle.

    The corners may come in either winding and start at any corner. The best-fitting
    rectangle is returned in its closest-to-upright description; how far each given corner
    is from it is :func:`corner_residual_px`'s job (builders refuse quadrilaterals).

    Args:
        corners: ``(N, 4, 2)`` (or one ``(4, 2)``) points in ``units``, in order around the box.
        units: ``"px"``, ``"norm"`` or ``"pct"``.
        image_wh: ``(width, height)`` in pixels.

    Returns:
        ``(N, 5)``: centre x, y, width, height **in pixels** and angle in ``[-45, 45)`` degrees.

    >>> corners_to_rotated([[[10, 0], [20, 10], [10, 20], [0, 10]]], units="px",
    ...                    image_wh=(100, 100)).round(3).tolist()
    [[10.0, 10.0, 14.142, 14.142, -45.0]]
    """
    fx, fy = _px_scale(units, image_wh)
    pts = _as_array(corners, (4, 2), "corners") * np.array([fx, fy])
    # Shoelace with y down: positive area means clockwise on screen; flip the others.
    nxt = np.roll(pts, -1, axis=1)
    area2 = np.sum(pts[..., 0] * nxt[..., 1] - nxt[..., 0] * pts[..., 1], axis=1)
    flip = area2 < 0
    pts[flip] = pts[flip][:, ::-1]
    edges = np.roll(pts, -1, axis=1) - pts
    lengths = np.hypot(edges[..., 0], edges[..., 1])
    with np.errstate(invalid="ignore", divide="ignore"):
        rightward = np.where(lengths > 0, edges[..., 0] / lengths, -np.inf)
    k = np.argmax(rightward, axis=1)
    rows = np.arange(pts.shape[0])
    e0, e1 = edges[rows, k], edges[rows, (k + 1) % 4]
    e2, e3 = edges[rows, (k + 2) % 4], edges[rows, (k + 3) % 4]
    direction = e0 - e2  # opposite sides run antiparallel; average them
    angle = np.rad2deg(np.arctan2(direction[:, 1], direction[:, 0]))
    out = np.empty((pts.shape[0], 5))
    out[:, :2] = pts.mean(axis=1)
    out[:, 2] = (lengths[rows, k] + lengths[rows, (k + 2) % 4]) / 2.0
    out[:, 3] = (np.hypot(e1[:, 0], e1[:, 1]) + np.hypot(e3[:, 0], e3[:, 1])) / 2.0
    boxes, out[:, 4] = canonical_rotated(out[:, :4], angle)
    out[:, :4] = boxes
    return out


def corner_residual_px(corners_px: npt.ArrayLike, fitted: npt.ArrayLike) -> FloatArray:
    """How far (pixels) the worst given corner is from the fitted rectangle's corners.

    Args:
        corners_px: ``(N, 4, 2)`` given corners in pixels.
        fitted: ``(N, 5)`` from :func:`corners_to_rotated`.

    Returns:
        ``(N,)`` the largest distance from a given corner to its nearest fitted corner.
    """
    pts = _as_array(corners_px, (4, 2), "corners_px")
    box = _as_array(fitted, (5,), "fitted")
    fit = _centre_corners_px(box)
    dist = np.hypot(
        pts[:, :, None, 0] - fit[:, None, :, 0], pts[:, :, None, 1] - fit[:, None, :, 1]
    )
    return np.asarray(dist.min(axis=2).max(axis=1), dtype=np.float64)


def _centre_corners_px(box: FloatArray) -> FloatArray:
    """``(N, 4, 2)`` corners of centre/size/angle boxes (pixels), clockwise from top-left."""
    half_w, half_h = box[:, 2:3] / 2.0, box[:, 3:4] / 2.0
    local_x = np.concatenate([-half_w, half_w, half_w, -half_w], axis=1)
    local_y = np.concatenate([-half_h, -half_h, half_h, half_h], axis=1)
    rx, ry = _rotate(local_x, local_y, box[:, 4:5])
    return np.stack([box[:, 0:1] + rx, box[:, 1:2] + ry], axis=2)


def rotated_px_to_percent(
    box_px: npt.ArrayLike, *, image_wh: ImageWH, upright: bool = True
) -> FloatArray:
    """Centre/size/angle boxes in pixels (as :func:`corners_to_rotated` returns) to percent.

    Returns:
        ``(N, 5)`` Label Studio ``x, y, width, height, rotation``.
    """
    box = _as_array(box_px, (5,), "box_px")
    return rotated_to_percent(box[:, :4], box[:, 4], units="px", image_wh=image_wh, upright=upright)
