"""Which shape a text outline becomes: an axis-aligned box, a rotated box or a polygon; and
clipping an outline to the image."""

from __future__ import annotations

import dataclasses
from typing import Literal, TypeAlias

import numpy as np
import numpy.typing as npt

from ... import units as _u

Kind: TypeAlias = Literal["box", "rotated", "polygon"]
FloatArray: TypeAlias = "npt.NDArray[np.float64]"


@dataclasses.dataclass(frozen=True)
class Outline:
    """A text outline measured: how well an axis-aligned and a rotated rectangle fit it."""

    points: FloatArray
    """``(K, 2)`` pixels."""
    axis_residual_px: float
    """How far the worst vertex is from the enclosing axis-aligned box's nearest corner."""
    rotated_residual_px: float
    """The same for the best-fitting rotated rectangle (infinite unless K == 4)."""

    def kind(self, tolerance_px: float) -> Kind:
        """The simplest shape within ``tolerance_px`` of the outline."""
        if self.axis_residual_px <= tolerance_px:
            return "box"
        if self.rotated_residual_px <= tolerance_px:
            return "rotated"
        return "polygon"


def measure(points: FloatArray, image_wh: tuple[int, int]) -> Outline:
    """Fit an axis-aligned box (any K) and a rotated rectangle (K == 4) to ``points``."""
    low, high = points.min(axis=0), points.max(axis=0)
    corners = np.array([[low[0], low[1]], [high[0], low[1]], [high[0], high[1]], [low[0], high[1]]])
    axis = _nearest_corner_px(points, corners)
    rotated = float("inf")
    if points.shape[0] == 4 and _area(points) > 0.0:
        fitted = _u.corners_to_rotated(points[None], units="px", image_wh=image_wh)
        rotated = float(_u.corner_residual_px(points[None], fitted)[0])
    return Outline(points, axis, rotated)


def _nearest_corner_px(points: FloatArray, corners: FloatArray) -> float:
    if points.shape[0] != 4:
        return float("inf")
    distance = np.linalg.norm(points[:, None, :] - corners[None, :, :], axis=2)
    return float(distance.min(axis=1).max())


def _area(points: FloatArray) -> float:
    following = np.roll(points, -1, axis=0)
    return float(abs(np.sum(points[:, 0] * following[:, 1] - following[:, 0] * points[:, 1])) / 2)


def outside_px(points: FloatArray, image_wh: tuple[int, int]) -> float:
    """How far (pixels) the farthest vertex lies outside the image (<= 0 when inside)."""
    width, height = image_wh
    over = np.maximum(
        np.maximum(-points[:, 0], points[:, 0] - width),
        np.maximum(-points[:, 1], points[:, 1] - height),
    )
    return float(over.max())


def clip_polygon(points: FloatArray, image_wh: tuple[int, int]) -> FloatArray:
    """The part of a polygon inside the image (Sutherland-Hodgman against its four edges);
    ``(0, 2)`` when nothing is inside."""
    width, height = image_wh
    ring = [tuple(p) for p in points.tolist()]
    edges = ((0, 0.0, False), (0, float(width), True), (1, 0.0, False), (1, float(height), True))
    for axis, limit, keep_below in edges:
        if not ring:
            break
        out: list[tuple[float, ...]] = []
        for index, current in enumerate(ring):
            previous = ring[index - 1]
            inside_now = current[axis] <= limit if keep_below else current[axis] >= limit
            inside_before = previous[axis] <= limit if keep_below else previous[axis] >= limit
            if inside_now != inside_before:
                t = (limit - previous[axis]) / (current[axis] - previous[axis])
                cross = [previous[k] + t * (current[k] - previous[k]) for k in (0, 1)]
                cross[axis] = float(limit)
                out.append(tuple(cross))
            if inside_now:
                out.append(current)
        ring = out
    clipped = np.array(ring, dtype=np.float64).reshape(-1, 2)
    if clipped.shape[0] and _area(clipped) <= 1e-9:
        return clipped[:0]
    return _drop_repeats(clipped)


def _drop_repeats(points: FloatArray) -> FloatArray:
    """Without consecutive repeated vertices (a corner on the image edge appears twice)."""
    keep = np.any(np.abs(points - np.roll(points, 1, axis=0)) > 1e-9, axis=1)
    return points[keep] if keep.any() else points[:1]
