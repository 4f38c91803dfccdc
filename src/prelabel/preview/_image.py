"""An image and its regions as inline SVG, drawn where Label Studio's editor draws them.

The SVG's ``viewBox`` is the image's natural size in pixels and every shape is placed in those
pixels (``_geometry``), so the browser scales regions with the picture exactly as the editor's
stage does. Brush masks are decoded with :mod:`prelabel.rle` at the declared image size and
laid over the whole picture, stretched as the editor does: a rectangle of the label's colour
seen through an SVG ``<mask>`` of the decoded pixels (a 1-bit PNG), so any CSS colour works.
Each drawn element carries ``data-region`` (the region id) for tests and scripts.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .. import rle
from .._lazy import lazy_module
from ..errors import RLEError
from ._geometry import (
    KEYPOINT_MIN_RADIUS_SCREEN_PX,
    MASK_TYPES,
    Box,
    Ellipse,
    Point,
    Poly,
    Shape,
    bbox,
    shape_of,
)
from ._html import esc, fmt, shorten
from ._model import RegionView
from ._png import mask_png, png_data_url

if TYPE_CHECKING:
    import numpy as np
else:
    np = lazy_module("numpy")

__all__ = ["CAPTION_LIMIT", "MASK_OPACITY", "image_svg", "shape_element"]

# Above this many regions the captions are left out (each region keeps its hover title).
CAPTION_LIMIT = 300
MASK_OPACITY = 0.5
STROKE_SCREEN_PX = 2
FILL_OPACITY = 0.12
POINT_FILL_OPACITY = 0.6  # the editor fills keypoints, at 0.6 when the label has a colour
CAPTION_SCREEN_PX = 12
# Mask ids must be unique in a page that holds many previews.
_MASK_IDS = itertools.count()


def shape_element(
    shape: Shape, *, colour: str, region_id: str, min_point_radius: float, extra: str = ""
) -> str:
    """One SVG element for a shape, in the viewBox's natural pixels."""
    fill_opacity = POINT_FILL_OPACITY if isinstance(shape, Point) else FILL_OPACITY
    common = (
        f'class="pl-shape" data-region="{esc(region_id)}" stroke="{colour}" fill="{colour}" '
        f'fill-opacity="{fill_opacity}" stroke-width="{STROKE_SCREEN_PX}" '
        f'vector-effect="non-scaling-stroke"{extra}'
    )
    if isinstance(shape, Box):
        turn = (
            f' transform="rotate({fmt(shape.rotation, 6)} {fmt(shape.x)} {fmt(shape.y)})"'
            if shape.rotation
            else ""
        )
        return (
            f'<rect x="{fmt(shape.x)}" y="{fmt(shape.y)}" width="{fmt(shape.width)}" '
            f'height="{fmt(shape.height)}"{turn} {common}>'
        )
    if isinstance(shape, Ellipse):
        turn = (
            f' transform="rotate({fmt(shape.rotation, 6)} {fmt(shape.cx)} {fmt(shape.cy)})"'
            if shape.rotation
            else ""
        )
        return (
            f'<ellipse cx="{fmt(shape.cx)}" cy="{fmt(shape.cy)}" rx="{fmt(shape.rx)}" '
            f'ry="{fmt(shape.ry)}"{turn} {common}>'
        )
    if isinstance(shape, Poly):
        points = " ".join(f"{fmt(x)},{fmt(y)}" for x, y in shape.points)
        tag = "polygon" if shape.closed else "polyline"
        return f'<{tag} points="{points}" {common}>'
    radius = max(shape.r, min_point_radius)
    return f'<circle cx="{fmt(shape.cx)}" cy="{fmt(shape.cy)}" r="{fmt(radius)}" {common}>'


def _closing(shape: Shape) -> str:
    if isinstance(shape, Box):
        return "</rect>"
    if isinstance(shape, Ellipse):
        return "</ellipse>"
    if isinstance(shape, Poly):
        return "</polygon>" if shape.closed else "</polyline>"
    return "</circle>"


def _mask_element(
    result: Mapping[str, Any], colour: str, region_id: str, size: tuple[int, int]
) -> tuple[str, tuple[float, float] | None]:
    """The mask of a brush result: the label's colour through the decoded mask (an SVG
    ``<mask>`` of a 1-bit PNG, so any CSS colour works); raises RLEError when it cannot be
    read. Also returns the mask's top-left corner in the image's pixels (None when empty)."""
    value = result.get("value")
    if not isinstance(value, Mapping) or "rle" not in value:
        raise RLEError("the brush result has no value.rle")
    width, height = result.get("original_width"), result.get("original_height")
    if not isinstance(width, int) or not isinstance(height, int) or width <= 0 or height <= 0:
        raise RLEError("the brush result has no original_width/original_height to decode at")
    mask = rle.decode_bool(value["rle"], height, width)
    href = png_data_url(mask_png(mask, (255, 255, 255)))
    ident = f"pl-m{next(_MASK_IDS)}"
    place = f'x="0" y="0" width="{fmt(size[0])}" height="{fmt(size[1])}"'
    rows, cols = np.nonzero(mask.any(axis=1))[0], np.nonzero(mask.any(axis=0))[0]
    corner = None
    if len(rows):  # in the image's pixels: the mask is stretched over the image
        corner = (cols[0] * size[0] / width, rows[0] * size[1] / height)
    return (
        f'<mask id="{ident}" maskUnits="userSpaceOnUse" {place}>'
        f'<image class="pl-mask" data-region="{esc(region_id)}" {place} '
        f'preserveAspectRatio="none" style="image-rendering:pixelated" href="{href}"/></mask>'
        f'<rect class="pl-mask-fill" data-region="{esc(region_id)}" {place} fill="{colour}" '
        f'opacity="{MASK_OPACITY}" mask="url(#{ident})"/>',
        corner,
    )


def _caption(region: RegionView, corner: tuple[float, float], scale: float) -> str:
    """The region's labels, score and text just above its top-left corner."""
    font = CAPTION_SCREEN_PX * scale
    x0, y0 = corner
    return (
        f'<text x="{fmt(max(x0, 0))}" y="{fmt(max(y0 - 3 * scale, font))}" '
        f'font-size="{fmt(font)}" fill="{region.colour}" '
        f'stroke-width="{fmt(3 * scale)}">{esc(shorten(region.caption, 60))}</text>'
    )


def image_svg(
    regions: Sequence[RegionView],
    *,
    size: tuple[int, int],
    href: str | None,
    display_width: int,
    placeholder: str = "",
) -> tuple[str, list[str]]:
    """The SVG of one image with its regions, and notes about regions it could not draw.

    Args:
        regions: the regions on this image.
        size: the natural ``(width, height)`` in pixels; percent values are of this size.
        href: the picture (a ``data:`` URL), or None for a neutral placeholder of that size.
        display_width: the width the SVG is shown at, in screen pixels (keypoints are never
            smaller than 2 screen pixels, as in the editor).
        placeholder: a line of text on the placeholder (why there is no picture).
    """
    width, height = size
    scale = width / max(display_width, 1)  # natural pixels per screen pixel
    display_height = round(display_width * height / width) if width else display_width
    min_radius = KEYPOINT_MIN_RADIUS_SCREEN_PX * scale
    out = [
        f'<svg class="pl-image" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {width} {height}" width="{display_width}" height="{display_height}">'
    ]
    if href is not None:
        out.append(
            f'<image class="pl-photo" x="0" y="0" width="{width}" height="{height}" '
            f'preserveAspectRatio="none" href="{esc(href)}"/>'
        )
    else:
        out.append(
            f'<rect class="pl-placeholder" x="0" y="0" width="{width}" height="{height}" '
            f'fill="#8c959f" fill-opacity="0.25"/>'
        )
        text = f"{width}×{height}" + (f" · {placeholder}" if placeholder else "")
        out.append(
            f'<text x="{fmt(width / 2)}" y="{fmt(height / 2)}" text-anchor="middle" '
            f'font-size="{fmt(CAPTION_SCREEN_PX * scale)}" fill="#8c959f" '
            f'style="stroke:none">{esc(shorten(text, 80))}</text>'
        )
    notes: list[str] = []
    captions: list[str] = []
    masks: list[str] = []
    shapes: list[str] = []
    show_captions = len(regions) <= CAPTION_LIMIT
    for region in regions:
        main = region.main
        kind = str(main.get("type"))
        title = f"<title>{esc(shorten(region.caption or kind, 300))}</title>"
        problem = ' stroke-dasharray="6 3"' if region.problem else ""
        if kind in MASK_TYPES:
            try:
                element, corner = _mask_element(main, region.colour, region.id, size)
            except RLEError as error:
                notes.append(f"region {region.id}: mask not drawn ({error})")
                continue
            masks.append(element)
            if show_captions and region.caption and corner is not None:
                captions.append(_caption(region, corner, scale))
            continue
        value = main.get("value")
        shape = shape_of(kind, value if isinstance(value, Mapping) else {}, width, height)
        if shape is None:
            notes.append(f"region {region.id}: {kind} has no drawable geometry")
            continue
        element = shape_element(
            shape,
            colour=region.colour,
            region_id=region.id,
            min_point_radius=min_radius,
            extra=problem,
        )
        shapes.append(element + title + _closing(shape))
        # Keypoints come in dozens per person: their labels stay in the hover title.
        if show_captions and region.caption and not isinstance(shape, Point):
            x0, y0, _, _ = bbox(shape, min_point_radius=min_radius)
            captions.append(_caption(region, (x0, y0), scale))
    out += masks
    out += shapes
    if captions:
        out.append('<g class="pl-captions">' + "".join(captions) + "</g>")
    out.append("</svg>")
    return "".join(out), notes
