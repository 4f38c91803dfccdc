"""Hypothesis strategies for image geometry: image sizes, boxes, rotated boxes, polygons, masks.

Every strategy draws geometry that lies inside its image and is large enough not to look
like a unit mistake (a pixel box under 1 px), so builders must accept all of it.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st

Box = tuple[float, float, float, float]


def image_wh() -> st.SearchStrategy[tuple[int, int]]:
    """``(width, height)`` of an image, from tiny to large, any aspect ratio."""
    return st.tuples(st.integers(4, 6000), st.integers(4, 6000))


@st.composite
def box_xyxy_px(draw: Any, wh: tuple[int, int]) -> Box:
    """An axis-aligned box inside the image, in pixels, at least 2% of each side."""
    width, height = wh
    x1 = draw(st.floats(0, width * 0.98, allow_nan=False))
    y1 = draw(st.floats(0, height * 0.98, allow_nan=False))
    x2 = draw(st.floats(x1 + width * 0.02, width, allow_nan=False))
    y2 = draw(st.floats(y1 + height * 0.02, height, allow_nan=False))
    assume(max(x2, y2) > 1.0)  # a box within 1 px of the corner reads as 0-1 fractions
    return x1, y1, x2, y2


def xyxy_to(fmt: str, box: Box) -> Box:
    """A pixel ``xyxy`` box in another format (the test's own arithmetic, not the library's)."""
    x1, y1, x2, y2 = box
    if fmt == "xyxy":
        return box
    if fmt == "xywh":
        return x1, y1, x2 - x1, y2 - y1
    return (x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1


@st.composite
def boxes_xyxy_px(draw: Any, wh: tuple[int, int], max_size: int = 20) -> np.ndarray:
    """``(N, 4)`` pixel boxes inside the image."""
    rows = draw(st.lists(box_xyxy_px(wh), min_size=0, max_size=max_size))
    return np.array(rows, dtype=np.float64).reshape(-1, 4)


@st.composite
def rotated_box_px(draw: Any, wh: tuple[int, int]) -> tuple[float, float, float, float, float]:
    """``(cx, cy, w, h, angle_deg)`` of a rotated box whose corners are inside the image.

    Both sides are shorter than the image's shorter side, so Label Studio's width/height
    <= 100 percent holds whatever the drawn angle.
    """
    width, height = wh
    angle = draw(st.floats(-720, 720, allow_nan=False))
    upright = angle - 90.0 * math.floor((angle + 45.0) / 90.0)
    rad = math.radians(upright)
    cos, sin = abs(math.cos(rad)), abs(math.sin(rad))
    # Sides no longer than the image's shorter side: Label Studio refuses a width or height
    # above 100 percent, and either side may end up measured against either image side.
    w = draw(st.floats(0.05, 0.98)) * min(width, height)
    h = draw(st.floats(0.05, 0.98)) * min(width, height)
    # Shrink until the turned box fits (its extents are w*cos + h*sin and w*sin + h*cos).
    fit = min(1.0, 0.98 * width / (w * cos + h * sin), 0.98 * height / (w * sin + h * cos))
    w, h = w * fit, h * fit
    half_x, half_y = (w * cos + h * sin) / 2, (w * sin + h * cos) / 2
    cx = draw(st.floats(half_x, width - half_x, allow_nan=False))
    cy = draw(st.floats(half_y, height - half_y, allow_nan=False))
    if math.floor((angle + 45.0) / 90.0) % 2:
        w, h = h, w  # the drawn angle describes the same box with its sides swapped
    return cx, cy, w, h, angle


def corners_of(cx: float, cy: float, w: float, h: float, angle_deg: float) -> np.ndarray:
    """The four corners ``(4, 2)`` of a centre/size/angle box, clockwise on screen (y down)."""
    rad = math.radians(angle_deg)
    cos, sin = math.cos(rad), math.sin(rad)
    local = [(-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2)]
    return np.array([(cx + x * cos - y * sin, cy + x * sin + y * cos) for x, y in local])


@st.composite
def polygon_px(draw: Any, wh: tuple[int, int]) -> np.ndarray:
    """``(K, 2)`` vertices of a star-shaped polygon inside the image (never degenerate)."""
    width, height = wh
    count = draw(st.integers(3, 12))
    cx = draw(st.floats(0.3, 0.7)) * width
    cy = draw(st.floats(0.3, 0.7)) * height
    radii = draw(st.lists(st.floats(0.2, 0.95), min_size=count, max_size=count))
    angles = np.linspace(0, 2 * np.pi, count, endpoint=False)
    reach = min(cx, width - cx, cy, height - cy)
    radius = np.array(radii) * reach
    return np.stack([cx + radius * np.cos(angles), cy + radius * np.sin(angles)], axis=1)


@st.composite
def masks(draw: Any) -> np.ndarray:
    """A small non-empty boolean mask ``(height, width)``."""
    height = draw(st.integers(1, 24))
    width = draw(st.integers(1, 24))
    bits = draw(
        st.lists(st.booleans(), min_size=height * width, max_size=height * width).filter(any)
    )
    return np.array(bits, dtype=bool).reshape(height, width)
