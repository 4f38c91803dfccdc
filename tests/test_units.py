"""prelabel.units: pixels / fractions / percent, box formats and rotated boxes."""

from __future__ import annotations

import math
import re
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prelabel import units
from strategies_image import (
    box_xyxy_px,
    boxes_xyxy_px,
    corners_of,
    image_wh,
    rotated_box_px,
    xyxy_to,
)

FORMATS = ("xyxy", "xywh", "cxcywh")
UNITS = ("px", "norm", "pct")
SETTINGS = settings(max_examples=60, deadline=None)


def to_units(box_px: np.ndarray, unit: str, wh: tuple[int, int]) -> np.ndarray:
    """Pixel x/y values (any trailing layout of x, y pairs) in other units, by hand."""
    scale = {"px": (1.0, 1.0), "norm": (1 / wh[0], 1 / wh[1]), "pct": (100 / wh[0], 100 / wh[1])}
    sx, sy = scale[unit]
    return box_px * np.tile([sx, sy], box_px.shape[-1] // 2)


# --- axis-aligned boxes --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "box", "expected"),
    [
        ("xyxy", (10, 20, 110, 70), (10, 20, 100, 50)),
        ("xywh", (10, 20, 100, 50), (10, 20, 100, 50)),
        ("cxcywh", (60, 45, 100, 50), (10, 20, 100, 50)),
    ],
    ids=["xyxy", "xywh", "cxcywh"],
)
def test_boxes_to_xywh(fmt: str, box: tuple[float, ...], expected: tuple[float, ...]) -> None:
    assert units.boxes_to_xywh([box], fmt).tolist() == [list(map(float, expected))]  # type: ignore[arg-type]


def test_guide_formula() -> None:
    # The guide: x / original_width * 100 (and so on), here for its 600x403 image.
    pct = units.boxes_to_percent([[32, 95, 175, 126]], fmt="xywh", units="px", image_wh=(600, 403))
    assert pct.tolist() == [[32 / 600 * 100, 95 / 403 * 100, 175 / 600 * 100, 126 / 403 * 100]]


@SETTINGS
@given(wh=image_wh(), data=st.data())
def test_boxes_round_trip_every_format_and_unit(wh: tuple[int, int], data: st.DataObject) -> None:
    boxes = data.draw(boxes_xyxy_px(wh))
    for fmt in FORMATS:
        given_px = np.array([xyxy_to(fmt, tuple(b)) for b in boxes]).reshape(-1, 4)
        for unit in UNITS:
            source = to_units(given_px, unit, wh)
            pct = units.boxes_to_percent(source, fmt=fmt, units=unit, image_wh=wh)  # type: ignore[arg-type]
            back = units.boxes_from_percent(pct, fmt=fmt, units=unit, image_wh=wh)  # type: ignore[arg-type]
            np.testing.assert_allclose(back, source, rtol=1e-9, atol=1e-9)
            # And the percent is what the guide's formula gives from pixels.
            x1, y1, x2, y2 = (boxes[:, i] for i in range(4))
            expected = np.stack(
                [x1 / wh[0], y1 / wh[1], (x2 - x1) / wh[0], (y2 - y1) / wh[1]], axis=1
            )
            np.testing.assert_allclose(pct, expected * 100, rtol=1e-9, atol=1e-9)


@SETTINGS
@given(wh=image_wh(), data=st.data())
def test_points_round_trip(wh: tuple[int, int], data: st.DataObject) -> None:
    box = data.draw(box_xyxy_px(wh))
    points = np.array(box).reshape(2, 2)
    for unit in UNITS:
        source = to_units(points, unit, wh)
        pct = units.points_to_percent(source, units=unit, image_wh=wh)  # type: ignore[arg-type]
        np.testing.assert_allclose(pct, to_units(points, "pct", wh), rtol=1e-9, atol=1e-9)
        back = units.points_from_percent(pct, units=unit, image_wh=wh)  # type: ignore[arg-type]
        np.testing.assert_allclose(back, source, rtol=1e-9, atol=1e-9)


UNIT_ERRORS = {
    "px-no-size": (lambda: units.unit_scale("px"), "pixel units need image_wh=(width, height)"),
    "zero-size": (lambda: units.unit_scale("px", (0, 5)), "image_wh must be positive, got (0, 5)"),
    "bad-units": (
        lambda: units.unit_scale("cm"),  # type: ignore[arg-type]
        "units must be one of px, norm, pct; got 'cm'",
    ),
    "bad-shape": (
        lambda: units.boxes_to_xywh([[1, 2, 3]], "xyxy"),
        "boxes must have shape (N, 4), got (1, 3)",
    ),
    "bad-format": (
        lambda: units.boxes_to_xywh([[1, 2, 3, 4]], "ltrb"),  # type: ignore[arg-type]
        "fmt must be one of xyxy, xywh, cxcywh; got 'ltrb'",
    ),
    "bad-points": (
        lambda: units.points_to_percent([1, 2, 3], units="norm"),
        "points must have shape (..., 2), got (3,)",
    ),
}


@pytest.mark.parametrize(("call", "message"), UNIT_ERRORS.values(), ids=UNIT_ERRORS.keys())
def test_unit_errors(call: Callable[[], object], message: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        call()


# --- rotated boxes -------------------------------------------------------------------------


def test_worked_example() -> None:
    """The example in docs/image-predictions.md: a 200x100 px box turned 30 degrees."""
    pct = units.rotated_to_percent([[300, 200, 200, 100]], 30.0, units="px", image_wh=(600, 400))
    x, y, w, h, r = pct[0]
    # top-left before rotation = centre - R(30) @ (100, 50)
    cos, sin = math.cos(math.radians(30)), math.sin(math.radians(30))
    assert x == pytest.approx((300 - (100 * cos - 50 * sin)) / 600 * 100)
    assert y == pytest.approx((200 - (100 * sin + 50 * cos)) / 400 * 100)
    assert (w, h, r) == pytest.approx((200 / 6, 25.0, 30.0))
    assert (round(x, 2), round(y, 2)) == (39.73, 26.67)


@pytest.mark.parametrize(
    ("angle", "size", "expected_angle", "expected_size"),
    [
        (0, (40, 10), 0, (40, 10)),
        (90, (40, 10), 0, (10, 40)),
        (-90, (40, 10), 0, (10, 40)),
        (180, (40, 10), 0, (40, 10)),
        (44, (40, 10), 44, (40, 10)),
        (46, (40, 10), -44, (10, 40)),
        (-45, (40, 10), -45, (40, 10)),
        (45, (40, 10), -45, (10, 40)),
        (405, (40, 10), 45 - 90, (10, 40)),
    ],
    ids=["0", "90", "-90", "180", "44", "46", "-45", "45", "405"],
)
def test_canonical_rotated(
    angle: float,
    size: tuple[float, float],
    expected_angle: float,
    expected_size: tuple[float, float],
) -> None:
    box, out = units.canonical_rotated([[50, 50, *size]], [angle])
    assert out.tolist() == pytest.approx([expected_angle])
    assert box[0, 2:].tolist() == list(map(float, expected_size))


def same_corners(a: np.ndarray, b: np.ndarray, tol: float) -> bool:
    """Two (4, 2) corner sets describe the same rectangle (any start, same positions)."""
    dist = np.hypot(a[:, None, 0] - b[None, :, 0], a[:, None, 1] - b[None, :, 1])
    return bool(dist.min(axis=1).max() <= tol and dist.min(axis=0).max() <= tol)


@SETTINGS
@given(wh=image_wh(), data=st.data())
def test_rotated_round_trip(wh: tuple[int, int], data: st.DataObject) -> None:
    cx, cy, w, h, angle = data.draw(rotated_box_px(wh))
    truth = corners_of(cx, cy, w, h, angle)
    tol = 1e-7 * max(wh)
    for unit in UNITS:
        source = to_units(np.array([[cx, cy, w, h]]), unit, wh)
        pct = units.rotated_to_percent(source, [angle], units=unit, image_wh=wh)  # type: ignore[arg-type]
        assert 0 <= pct[0, 4] < 360
        assert -45 <= ((pct[0, 4] + 180) % 360) - 180 < 45  # closest to upright
        # Label Studio's convention: (x, y) is the top-left corner before rotation, and the
        # box turns about it: its corners are the drawn box's corners.
        drawn = units.rotated_corners(pct, units="px", image_wh=wh)[0]
        assert same_corners(drawn, truth, tol)
        assert np.allclose(drawn[0], pct[0, :2] / 100 * np.array(wh), atol=tol)
        centre, back_angle = units.rotated_from_percent(pct, units=unit, image_wh=wh)  # type: ignore[arg-type]
        centre_px = centre[0] * _to_px(unit, wh)
        assert np.allclose(centre_px[:2], [cx, cy], rtol=1e-9, atol=tol)
        assert same_corners(corners_of(*centre_px, back_angle[0]), truth, tol)


def _to_px(unit: str, wh: tuple[int, int]) -> np.ndarray:
    scale = {"px": (1.0, 1.0), "norm": wh, "pct": (wh[0] / 100, wh[1] / 100)}[unit]
    return np.array([scale[0], scale[1], scale[0], scale[1]], dtype=np.float64)


@SETTINGS
@given(wh=image_wh(), data=st.data(), start=st.integers(0, 3), reverse=st.booleans())
def test_corners_round_trip(
    wh: tuple[int, int], data: st.DataObject, start: int, reverse: bool
) -> None:
    cx, cy, w, h, angle = data.draw(rotated_box_px(wh))
    truth = corners_of(cx, cy, w, h, angle)
    given_corners = np.roll(truth, -start, axis=0)
    if reverse:
        given_corners = given_corners[::-1]
    fitted = units.corners_to_rotated(given_corners, units="px", image_wh=wh)
    assert -45 <= fitted[0, 4] < 45 + 1e-9
    assert units.corner_residual_px(given_corners[None], fitted)[0] < 1e-6 * max(wh)
    pct = units.rotated_px_to_percent(fitted, image_wh=wh)
    drawn = units.rotated_corners(pct, units="px", image_wh=wh)[0]
    assert same_corners(drawn, truth, 1e-7 * max(wh))


def test_corners_of_axis_aligned_box_have_no_rotation() -> None:
    square = [[[10, 10], [10, 30], [50, 30], [50, 10]]]  # counter-clockwise, from top-left
    fitted = units.corners_to_rotated(square, units="px", image_wh=(100, 100))
    assert fitted.tolist() == [[30.0, 20.0, 40.0, 20.0, 0.0]]


def test_canonical_rotated_angle_just_below_45_stays_in_range() -> None:
    """44.99999999999999 + 45 rounds to 90.0: the angle once came out as -45.00000000000001."""
    box, angle = units.canonical_rotated([[5.0, 5.0, 2.0, 1.0]], [44.99999999999999])
    assert angle.tolist() == [44.99999999999999]
    assert box.tolist() == [[5.0, 5.0, 2.0, 1.0]]
