"""The preview draws image regions where Label Studio does: SVG in natural pixels checked
against the percent values (the test applies the SVG transforms itself, as a browser would)."""

from __future__ import annotations

import base64
import math
import re
import zlib
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prelabel import rle
from prelabel.preview._colors import Palette
from prelabel.preview._geometry import Box, Ellipse, bbox, corners, shape_of
from prelabel.preview._image import image_svg
from prelabel.preview._model import split_results

SIZES = st.tuples(st.integers(8, 5000), st.integers(8, 5000))
PCT = st.floats(0, 100, allow_nan=False)
ANGLE = st.floats(-360, 360, allow_nan=False)
DISPLAY = 480
# fmt() writes 3 decimals: half a thousandth of a natural pixel, plus float noise.
EPS = 6e-4


def _attrs(element: str) -> dict[str, str]:
    return dict(re.findall(r'([\w-]+)="([^"]*)"', element))


def _rotate(angle: float, cx: float, cy: float, x: float, y: float) -> tuple[float, float]:
    """SVG ``rotate(angle cx cy)`` applied to a point (clockwise on screen, y down)."""
    a = math.radians(angle)
    dx, dy = x - cx, y - cy
    return (cx + dx * math.cos(a) - dy * math.sin(a), cy + dx * math.sin(a) + dy * math.cos(a))


def _svg_transform(attrs: dict[str, str]) -> tuple[float, float, float]:
    found = re.fullmatch(r"rotate\(([-\d.e]+) ([-\d.e]+) ([-\d.e]+)\)", attrs.get("transform", ""))
    if not found:
        assert "transform" not in attrs
        return (0.0, 0.0, 0.0)
    angle, cx, cy = map(float, found.groups())
    return angle, cx, cy


def _draw(results: list[dict[str, Any]], wh: tuple[int, int]) -> str:
    regions, _ = split_results(results, None, Palette())
    svg, notes = image_svg(regions, size=wh, href=None, display_width=DISPLAY)
    assert notes == []
    return svg


def _elements(svg: str, tag: str) -> list[dict[str, str]]:
    return [_attrs(m) for m in re.findall(rf"<{tag} [^>]*>", svg) if 'class="pl-shape"' in m]


def _result(kind: str, value: dict[str, Any], wh: tuple[int, int]) -> dict[str, Any]:
    return {
        "id": "r1",
        "type": kind,
        "from_name": "tool",
        "to_name": "image",
        "original_width": wh[0],
        "original_height": wh[1],
        "value": value,
    }


@settings(max_examples=200, deadline=None)
@given(wh=SIZES, x=PCT, y=PCT, w=PCT, h=PCT, angle=ANGLE)
def test_a_box_is_drawn_at_its_percent_rotated_about_its_top_left_corner(
    wh: tuple[int, int], x: float, y: float, w: float, h: float, angle: float
) -> None:
    value = {"x": x, "y": y, "width": w, "height": h, "rotation": angle}
    svg = _draw([_result("rectanglelabels", value, wh)], wh)
    (rect,) = _elements(svg, "rect")
    rot, cx, cy = _svg_transform(rect)
    rx, ry = float(rect["x"]), float(rect["y"])
    rw, rh = float(rect["width"]), float(rect["height"])
    drawn = [
        _rotate(rot, cx, cy, px, py)
        for px, py in ((rx, ry), (rx + rw, ry), (rx + rw, ry + rh), (rx, ry + rh))
    ]
    # Konva: translate(x, y) then rotate(rotation) of a (width, height) rect, in pixels.
    width_px, height_px = wh
    a = math.radians(angle)
    x0, y0 = x * width_px / 100, y * height_px / 100
    bw, bh = w * width_px / 100, h * height_px / 100
    expected = [
        (x0 + px * math.cos(a) - py * math.sin(a), y0 + px * math.sin(a) + py * math.cos(a))
        for px, py in ((0, 0), (bw, 0), (bw, bh), (0, bh))
    ]
    tol = 2 * EPS  # 3 decimals of a pixel, 6 of a degree
    for (dx, dy), (ex, ey) in zip(drawn, expected, strict=True):
        assert dx == pytest.approx(ex, abs=tol)
        assert dy == pytest.approx(ey, abs=tol)


@settings(max_examples=150, deadline=None)
@given(wh=SIZES, x=PCT, y=PCT, rx=st.floats(0.1, 50), ry=st.floats(0.1, 50), angle=ANGLE)
def test_an_ellipse_is_centred_at_x_y_with_radii_in_percent_of_each_side(
    wh: tuple[int, int], x: float, y: float, rx: float, ry: float, angle: float
) -> None:
    value = {"x": x, "y": y, "radiusX": rx, "radiusY": ry, "rotation": angle}
    svg = _draw([_result("ellipselabels", value, wh)], wh)
    (element,) = _elements(svg, "ellipse")
    width_px, height_px = wh
    assert float(element["cx"]) == pytest.approx(x * width_px / 100, abs=EPS)
    assert float(element["cy"]) == pytest.approx(y * height_px / 100, abs=EPS)
    assert float(element["rx"]) == pytest.approx(rx * width_px / 100, abs=EPS)
    assert float(element["ry"]) == pytest.approx(ry * height_px / 100, abs=EPS)
    rot, cx, cy = _svg_transform(element)
    if angle:
        assert (cx, cy) == (float(element["cx"]), float(element["cy"]))  # about the centre
        assert rot == pytest.approx(angle, abs=EPS)
    # bbox() of the shape agrees with sampled points of the rotated ellipse.
    shape = shape_of("ellipselabels", value, width_px, height_px)
    assert isinstance(shape, Ellipse)
    t = np.linspace(0, 2 * np.pi, 2000)
    a = math.radians(angle)
    px = shape.rx * np.cos(t) * math.cos(a) - shape.ry * np.sin(t) * math.sin(a) + shape.cx
    py = shape.rx * np.cos(t) * math.sin(a) + shape.ry * np.sin(t) * math.cos(a) + shape.cy
    got = bbox(shape)
    tol = 1e-4 * max(shape.rx, shape.ry) + 1e-6
    assert got[0] == pytest.approx(px.min(), abs=tol)
    assert got[3] == pytest.approx(py.max(), abs=tol)


@settings(max_examples=150, deadline=None)
@given(
    wh=SIZES,
    points=st.lists(st.tuples(PCT, PCT), min_size=1, max_size=40),
    closed=st.sampled_from([True, False, None]),
)
def test_a_polygon_is_drawn_through_its_percent_points(
    wh: tuple[int, int], points: list[tuple[float, float]], closed: bool | None
) -> None:
    value: dict[str, Any] = {"points": [list(p) for p in points]}
    if closed is not None:
        value["closed"] = closed
    svg = _draw([_result("polygonlabels", value, wh)], wh)
    tag = "polyline" if closed is False else "polygon"
    (element,) = _elements(svg, tag)
    drawn = [tuple(map(float, pair.split(","))) for pair in element["points"].split()]
    width_px, height_px = wh
    assert len(drawn) == len(points)
    for (dx, dy), (px, py) in zip(drawn, points, strict=True):
        assert dx == pytest.approx(px * width_px / 100, abs=EPS)
        assert dy == pytest.approx(py * height_px / 100, abs=EPS)


@settings(max_examples=100, deadline=None)
@given(wh=SIZES, x=PCT, y=PCT, width=st.floats(0, 5))
def test_a_keypoint_radius_is_its_width_in_percent_of_the_image_width_at_least_2_screen_px(
    wh: tuple[int, int], x: float, y: float, width: float
) -> None:
    svg = _draw([_result("keypointlabels", {"x": x, "y": y, "width": width}, wh)], wh)
    (circle,) = _elements(svg, "circle")
    width_px, height_px = wh
    assert float(circle["cx"]) == pytest.approx(x * width_px / 100, abs=EPS)
    assert float(circle["cy"]) == pytest.approx(y * height_px / 100, abs=EPS)
    on_screen = float(circle["r"]) * DISPLAY / width_px
    assert on_screen == pytest.approx(max(width * DISPLAY / 100, 2.0), abs=EPS * DISPLAY)


def test_a_keypoint_without_width_is_not_drawn_as_the_editor_does_not() -> None:
    regions, _ = split_results(
        [_result("keypointlabels", {"x": 5, "y": 5}, (100, 100))], None, Palette()
    )
    svg, notes = image_svg(regions, size=(100, 100), href=None, display_width=100)
    assert "<circle" not in svg
    assert notes == ["region r1: keypointlabels has no drawable geometry"]


def _png_mask(href: str) -> np.ndarray:
    """Decode the preview's 1-bit palette PNG (the test's own reader)."""
    data = base64.b64decode(href.split(",", 1)[1])
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks = 8, {}
    idat = b""
    while pos < len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        chunks[kind] = body
        idat += body if kind == b"IDAT" else b""
        pos += 12 + length
    width = int.from_bytes(chunks[b"IHDR"][0:4], "big")
    height = int.from_bytes(chunks[b"IHDR"][4:8], "big")
    assert chunks[b"IHDR"][8:10] == b"\x01\x03"  # 1 bit, palette
    assert chunks[b"tRNS"] == b"\x00\xff"  # index 0 transparent
    raw = np.frombuffer(zlib.decompress(idat), dtype=np.uint8).reshape(height, -1)
    assert (raw[:, 0] == 0).all()
    return np.unpackbits(raw[:, 1:], axis=1)[:, :width].astype(bool)


@settings(max_examples=60, deadline=None)
@given(
    wh=st.tuples(st.integers(1, 80), st.integers(1, 80)),
    seed=st.integers(0, 2**32 - 1),
    density=st.floats(0, 1),
)
def test_a_brush_mask_is_overlaid_pixel_for_pixel_over_the_whole_image(
    wh: tuple[int, int], seed: int, density: float
) -> None:
    width_px, height_px = wh
    mask = np.random.default_rng(seed).random((height_px, width_px)) < density
    value = {"format": "rle", "rle": rle.encode(mask), "brushlabels": ["Road"]}
    svg = _draw([_result("brushlabels", value, wh)], wh)
    (image,) = [_attrs(m) for m in re.findall(r'<image class="pl-mask"[^>]*>', svg)]
    (fill,) = [_attrs(m) for m in re.findall(r'<rect class="pl-mask-fill"[^>]*>', svg)]
    for element in (image, fill):  # stretched over the whole image, as the editor does
        placed = (element["x"], element["y"], element["width"], element["height"])
        assert placed == ("0", "0", str(width_px), str(height_px))
    assert image["preserveAspectRatio"] == "none"
    assert 0 < float(fill["opacity"]) < 1  # translucent over the picture
    mask_id = re.search(r'<mask id="([^"]+)"', svg).group(1)  # type: ignore[union-attr]
    assert fill["mask"] == f"url(#{mask_id})"
    np.testing.assert_array_equal(_png_mask(image["href"]), mask)


def test_a_mask_that_does_not_decode_is_noted_not_drawn() -> None:
    value = {"format": "rle", "rle": [1, 2, 3], "brushlabels": ["Road"]}
    regions, _ = split_results([_result("brushlabels", value, (10, 10))], None, Palette())
    svg, notes = image_svg(regions, size=(10, 10), href=None, display_width=100)
    assert "pl-mask" not in svg
    assert len(notes) == 1
    assert notes[0].startswith("region r1: mask not drawn (")


def test_corners_turn_clockwise_on_screen() -> None:
    # 90 degrees: the top edge points down the screen, as in the editor.
    got = [tuple(round(v, 9) for v in p) for p in corners(Box(0, 0, 10, 5, 90))]
    assert got == [(0, 0), (0, 10), (-5, 10), (-5, 0)]


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("rectanglelabels", {"x": "1", "y": 0, "width": 1, "height": 1}),
        ("rectanglelabels", {"x": float("nan"), "y": 0, "width": 1, "height": 1}),
        ("rectanglelabels", {"x": True, "y": 0, "width": 1, "height": 1}),
        ("polygonlabels", {"points": [[1, 2, 3]]}),
        ("polygonlabels", {"points": "1,2"}),
        ("ellipselabels", {"x": 1, "y": 1, "radiusX": 1}),
        ("keypointlabels", {"x": 1, "y": 1, "width": 1, "height": 1}),
    ],
    ids=["string", "nan", "bool", "triple", "string-points", "no-radiusY", "keypoint-height"],
)
def test_values_the_editor_cannot_draw_give_no_shape(kind: str, value: dict[str, Any]) -> None:
    assert shape_of(kind, value, 100, 100) is None


def test_thousands_of_regions_draw_without_captions_but_with_titles() -> None:
    results = [
        {
            **_result("rectanglelabels", {}, (640, 480)),
            "id": f"r{i}",
            "value": {"x": i % 90, "y": i % 80, "width": 5, "height": 5, "rectanglelabels": ["C"]},
        }
        for i in range(5000)
    ]
    svg = _draw(results, (640, 480))
    assert svg.count('class="pl-shape"') == 5000
    assert svg.count("<title>") == 5000
    assert "pl-captions" not in svg
