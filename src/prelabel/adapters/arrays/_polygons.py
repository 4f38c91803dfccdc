"""Polygons (one ring or several parts each) to polygon regions, or filled into masks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from ...builders.brush import BrushBuilder
from ...builders.image import BitmaskBuilder, PolygonBuilder
from ...errors import BuildError
from ...results import Region
from ...tags.base import ControlTag
from ...tags.controls import Labels
from .._labeling import ClassMap, ClassNames, Unmapped
from ._masks import draw_masks
from ._select import UNITS, Counts, ImageWH, Select, Units, check_kind, choice

__all__ = ["polygon_regions", "polygon_to_mask"]


def polygon_to_mask(points_px: npt.ArrayLike | Sequence[npt.ArrayLike], image_wh: ImageWH) -> Any:
    """Fill a polygon (or the union of several parts) into a ``(height, width)`` mask.

    A pixel is set when its centre lies inside the polygon (even-odd rule, left and top edges
    inclusive). pycocotools rasterizes differently, so edge pixels may differ from its masks.

    Args:
        points_px: ``(K, 2)`` vertices in pixels, or a list of such parts.
        image_wh: ``(width, height)`` of the mask.

    Returns:
        A boolean ``(height, width)`` array.

    >>> polygon_to_mask([[1, 0], [3, 0], [3, 2], [1, 2]], (4, 3)).astype(int).tolist()
    [[0, 1, 1, 0], [0, 1, 1, 0], [0, 0, 0, 0]]
    """
    width, height = int(image_wh[0]), int(image_wh[1])
    given: Sequence[Any] = cast("Sequence[Any]", points_px)
    first = np.asarray(given[0] if len(given) else [], dtype=np.float64)
    parts = [given] if first.ndim == 1 and first.size == 2 else list(given)
    mask = np.zeros((height, width), dtype=bool)
    for index, part in enumerate(parts):
        ring = np.asarray(part, dtype=np.float64)
        if ring.ndim != 2 or ring.shape[1] != 2 or ring.shape[0] < 3:
            raise BuildError(
                f"polygon part {index} must have shape (K, 2) with K >= 3, got {ring.shape}"
            )
        if not np.isfinite(ring).all():
            raise BuildError(f"polygon part {index} has a point that is not finite")
        mask |= _fill(ring, width, height)
    return mask


def _fill(ring: npt.NDArray[np.float64], width: int, height: int) -> npt.NDArray[np.bool_]:
    start = ring
    end = np.roll(ring, -1, axis=0)
    y0, y1 = start[:, 1], end[:, 1]
    sloped = y0 != y1
    x0, x1, y0, y1 = start[sloped, 0], end[sloped, 0], y0[sloped], y1[sloped]
    low, high = np.minimum(y0, y1), np.maximum(y0, y1)
    # Rows whose centre (r + 0.5) lies in [low, high): half-open, so a vertex counts once.
    first = np.clip(np.ceil(low - 0.5), 0, height).astype(np.int64)
    stop = np.clip(np.ceil(high - 0.5), 0, height).astype(np.int64)
    spans = np.maximum(stop - first, 0)
    edge = np.repeat(np.arange(spans.size), spans)
    rows = first[edge] + np.arange(int(spans.sum())) - (np.cumsum(spans) - spans)[edge]
    centre = rows + 0.5
    xs = x0[edge] + (centre - y0[edge]) * (x1[edge] - x0[edge]) / (y1[edge] - y0[edge])
    order = np.lexsort((xs, rows))
    rows, xs = rows[order], xs[order]
    flips = np.zeros((height, width + 1), dtype=np.int32)
    # Pixel c is inside when c + 0.5 >= x: crossings toggle from column ceil(x - 0.5).
    cols = np.clip(np.ceil(xs - 0.5), 0, width).astype(np.int64)
    np.add.at(flips, (rows, cols), 1)
    inside: npt.NDArray[np.bool_] = (np.cumsum(flips, axis=1)[:, :width] % 2) == 1
    return inside


def _polygon_parts(polygons: Any) -> list[list[npt.NDArray[np.float64]]]:
    """Each polygon as a list of ``(K, 2)`` parts (a COCO instance may have several)."""
    if isinstance(polygons, np.ndarray):
        if polygons.ndim != 3 or polygons.shape[2] != 2:
            raise BuildError(
                f"polygons must be a list of (K, 2) arrays or an (N, K, 2) array, got "
                f"{polygons.shape}"
            )
        return [[np.asarray(p, dtype=np.float64)] for p in polygons]
    if isinstance(polygons, (str, bytes)) or not isinstance(polygons, Sequence):
        raise BuildError(f"polygons must be a list of (K, 2) arrays, got {type(polygons)}")
    out = []
    for index, item in enumerate(polygons):
        array = np.asarray(item, dtype=np.float64) if _uniform(item) else None
        if array is not None and array.ndim == 2:
            out.append([array])
        elif isinstance(item, (Sequence, np.ndarray)):
            out.append([np.asarray(part, dtype=np.float64) for part in item])
        else:
            raise BuildError(f"polygons[{index}] must be a (K, 2) array, got {type(item)}")
    return out


def _uniform(item: Any) -> bool:
    try:
        np.asarray(item, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    return True


def polygon_regions(
    control: ControlTag,
    polygons: Sequence[npt.ArrayLike] | npt.ArrayLike,
    *,
    image_wh: ImageWH,
    units: Units = "px",
    labels: Sequence[str] | None = None,
    class_ids: npt.ArrayLike | None = None,
    class_names: ClassNames | None = None,
    label_map: ClassMap | None = None,
    unmapped: Unmapped = "error",
    scores: npt.ArrayLike | None = None,
    min_score: float | None = None,
    labels_control: Labels | None = None,
    clip: bool = False,
    to_name: str | None = None,
    item_index: int | None = None,
    counts: Counts = None,
) -> list[Region]:
    """Polygons as polygon regions, or filled into brush/bitmask masks.

    Args:
        control: a ``<PolygonLabels>``/``<Polygon>`` (one region per polygon part), or a
            brush/bitmask control (each polygon, all its parts together, filled into a mask
            by :func:`polygon_to_mask`).
        polygons: ``N`` polygons, each ``(K, 2)`` vertices, or a list of such parts (a COCO
            instance split in pieces); or one ``(N, K, 2)`` array.
        image_wh: ``(width, height)`` in pixels.
        units: units of the vertices: ``"px"``, ``"norm"`` or ``"pct"``.
        labels, class_ids, class_names, label_map, unmapped, scores, min_score,
            labels_control, clip, to_name, item_index, counts: as in :func:`box_regions`.

    Raises:
        BuildError: a polygon with fewer than 3 points, outside the image (without ``clip``),
            or a control that draws neither polygons nor masks.
    """
    check_kind(
        control,
        (PolygonBuilder, BrushBuilder, BitmaskBuilder),
        "polygons",
        "<PolygonLabels>, <Polygon> or a brush/bitmask control",
    )
    choice(units, UNITS, "units")
    parts = _polygon_parts(polygons)
    select = Select(labels, class_ids, class_names, label_map, unmapped, scores, min_score)
    kept = select.apply(control, labels_control, len(parts), "polygon", counts)
    chosen = [parts[i] for i in np.flatnonzero(kept.keep).tolist()]
    if not isinstance(control, PolygonBuilder):
        scale = _to_px(units, image_wh)
        stack = np.zeros((len(chosen), int(image_wh[1]), int(image_wh[0])), dtype=bool)
        for index, pieces in enumerate(chosen):
            stack[index] = polygon_to_mask([p * scale for p in pieces], image_wh)
        return draw_masks(control, stack, kept, image_wh, to_name, item_index)
    # One region per part: a Label Studio polygon has one ring.
    owner = [i for i, pieces in enumerate(chosen) for _ in pieces]
    flat = [piece for pieces in chosen for piece in pieces]
    own = kept.own_labels(control)
    geometry: dict[str, Any] = {f"points_{units}": flat}
    regions = control.polygons(
        **geometry,
        image_wh=image_wh,
        labels=None if own is None else [own[i] for i in owner],
        scores=None if kept.scores is None else [kept.scores[i] for i in owner],
        clip=clip,
        to_name=to_name,
        item_index=item_index,
    )
    if isinstance(kept.labeling, Labels) and kept.labels is not None:
        kept.labeling.for_regions(regions, labels=[kept.labels[i] for i in owner])
    return regions


def _to_px(units: str, image_wh: ImageWH) -> npt.NDArray[np.float64]:
    if units == "px":
        return np.array([1.0, 1.0])
    width, height = float(image_wh[0]), float(image_wh[1])
    if units == "norm":
        return np.array([width, height])
    return np.array([width / 100.0, height / 100.0])
