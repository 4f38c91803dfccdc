"""Plain arrays to regions: boxes, instance masks, polygons and keypoints, with class mapping.

The shape most inference code ends with: ``(N, 4)`` boxes, ``(N,)`` class ids and ``(N,)``
scores (or ``(N, H, W)`` masks, polygons, keypoints). Each function here filters by score,
maps model classes to config labels with a :class:`~prelabel.LabelMap` (by ``class_names``,
an explicit ``label_map``, the config's ``predicted_values``, the exact or case-insensitive
name) and hands the rest to the control's own builder, which does the unit maths and checks.
A class that maps to no label raises, naming every such class, unless ``unmapped="drop"``:
then its regions are left out and counted in the LabelMap's ``dropped``.

Unlabeled tools (``<Rectangle>``, ``<Polygon>``, ``<Brush>``, ...) get their labels from a
``<Labels>`` on the same image: pass it as ``labels_control=`` (Label Studio's split format).

>>> from prelabel import LabelConfig, RectangleLabels
>>> cfg = LabelConfig.parse('<View><Image name="image" value="$image"/>'
...     '<RectangleLabels name="label" toName="image"><Label value="Person"/>'
...     '<Label value="Car" predicted_values="car,truck"/></RectangleLabels></View>')
>>> regions = box_regions(cfg.control("label", RectangleLabels),
...     [[0, 0, 320, 240], [320, 240, 640, 480], [10, 10, 20, 20]], image_wh=(640, 480),
...     class_ids=[0, 7, 16], class_names={0: "person", 7: "truck", 16: "dog"},
...     scores=[0.9, 0.8, 0.3], min_score=0.5)
>>> [(r.result["value"]["x"], r.result["value"]["rectanglelabels"]) for r in regions]
[(0.0, ['Person']), (50.0, ['Car'])]
"""

from __future__ import annotations

import collections
import dataclasses
from collections.abc import Sequence
from typing import Any, Literal, TypeAlias, cast

import numpy as np
import numpy.typing as npt

from ..builders.brush import BrushBuilder
from ..builders.image import BitmaskBuilder, KeyPointBuilder, PolygonBuilder, RectangleBuilder
from ..errors import BuildError
from ..results import Region
from ..tags.base import ControlTag
from ..tags.controls import LabelingControl, Labels
from ._common import (
    ClassMap,
    ClassNames,
    Unmapped,
    class_id_array,
    describe,
    filter_rows,
    keep_scores,
    labeling_control,
    resolve_classes,
    score_array,
)

__all__ = [
    "box_regions",
    "keypoint_regions",
    "mask_regions",
    "polygon_regions",
    "polygon_to_mask",
    "pose_regions",
]

BoxFormat: TypeAlias = Literal["xyxy", "xywh", "cxcywh", "corners"]
Units: TypeAlias = Literal["px", "norm", "pct"]
ImageWH: TypeAlias = "tuple[int, int]"
Counts: TypeAlias = "collections.Counter[str] | None"

_BOX_FORMATS = ("xyxy", "xywh", "cxcywh", "corners")
_UNITS = ("px", "norm", "pct")


@dataclasses.dataclass
class _Kept:
    """The regions that survive score filtering and label mapping."""

    keep: npt.NDArray[np.bool_]
    labels: list[str] | None
    scores: list[float] | None
    labeling: LabelingControl | None

    @property
    def count(self) -> int:
        return int(self.keep.sum())


def _prepare(
    tool: ControlTag,
    labels_control: Labels | None,
    count: int,
    what: str,
    *,
    labels: Sequence[str] | None,
    class_ids: npt.ArrayLike | None,
    class_names: ClassNames | None,
    label_map: ClassMap | None,
    unmapped: Unmapped,
    scores: npt.ArrayLike | None,
    min_score: float | None,
    counts: Counts,
) -> _Kept:
    """Score filter first (so dropped-class counts only count regions that would be drawn),
    then the label mapping."""
    labeling = labeling_control(tool, labels_control)
    confidences = score_array(scores, count)
    keep = keep_scores(confidences, min_score, count)
    if counts is not None and not keep.all():
        counts["score below min_score"] += int((~keep).sum())
    ids = None if class_ids is None else class_id_array(class_ids, count)
    if labels is not None and not isinstance(labels, str) and len(labels) != count:
        raise BuildError(f"labels has {len(labels)} items; expected {count}, one per {what}")
    kept_labels, kept_ids = filter_rows(keep, labels, ids)
    mapped, mapped_keep = resolve_classes(
        labeling,
        tool,
        int(keep.sum()),
        what,
        labels=kept_labels,
        class_ids=kept_ids,
        class_names=class_names,
        label_map=label_map,
        unmapped=unmapped,
    )
    final = keep.copy()
    final[keep] = mapped_keep
    kept_scores = None if confidences is None else confidences[final].tolist()
    return _Kept(final, mapped, kept_scores, labeling)


def _label_split(regions: list[Region], kept: _Kept, tool: ControlTag) -> list[Region]:
    """Attach ``<Labels>`` results to the regions of an unlabeled tool (split format)."""
    if isinstance(kept.labeling, Labels) and kept.labeling is not tool and kept.labels is not None:
        kept.labeling.for_regions(regions, labels=kept.labels)
    return regions


def _own_labels(kept: _Kept, tool: ControlTag) -> list[str] | None:
    return kept.labels if kept.labeling is tool else None


def _check_kind(control: Any, kinds: tuple[type, ...], what: str, tags: str) -> None:
    if not isinstance(control, ControlTag):
        raise BuildError(f"control must be a control from config.control(...), got {control!r}")
    if not isinstance(control, kinds):
        raise BuildError(f"{describe(control)} cannot draw {what}; {what} go to {tags}")


def _choice(value: str, allowed: Sequence[str], what: str) -> str:
    if value not in allowed:
        raise BuildError(f"{what} must be one of {', '.join(allowed)}; got {value!r}")
    return value


# --- boxes ---------------------------------------------------------------------------------


def box_regions(
    control: ControlTag,
    boxes: npt.ArrayLike,
    *,
    image_wh: ImageWH,
    fmt: BoxFormat = "xyxy",
    units: Units = "px",
    angle_deg: npt.ArrayLike | None = None,
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
    """Detector boxes as regions of a ``<RectangleLabels>`` (or ``<Rectangle>``).

    Args:
        control: the box control (``config.control("label", RectangleLabels)``).
        boxes: ``(N, 4)`` in ``fmt`` and ``units``; ``(N, 4, 2)`` corner points for
            ``fmt="corners"`` (oriented boxes).
        image_wh: ``(width, height)`` of the image in pixels.
        fmt: ``"xyxy"`` (corners), ``"xywh"`` (top-left + size), ``"cxcywh"`` (centre +
            size) or ``"corners"`` (four points around an oriented box).
        units: ``"px"``, ``"norm"`` (0-1) or ``"pct"`` (0-100).
        angle_deg: with ``fmt="cxcywh"``: ``(N,)`` or one rotation, degrees clockwise.
        labels: ``N`` model class names; or
        class_ids: ``(N,)`` integer class ids, named by
        class_names: the model's class names (a list by id, or ``{id: name}``).
        label_map: explicit model class (name or id) -> label, or a ready ``LabelMap``.
        unmapped: ``"error"`` (default) raises on a class with no label; ``"drop"`` leaves
            its boxes out (counted in the LabelMap's ``dropped``).
        scores: ``(N,)`` confidences in [0, 1], stored on each region.
        min_score: leave out boxes scoring below this.
        labels_control: the ``<Labels>`` that labels an unlabeled ``<Rectangle>``.
        clip: clip boxes that stick out of the image instead of refusing them.
        to_name, item_index: as in the builders (several images / ``valueList``).
        counts: a Counter to add the number of regions left out (by reason) to.

    Raises:
        BuildError: arrays of the wrong shape, boxes outside the image (without ``clip``),
            a control that is not a box tool.
        LabelError: a model class that maps to no label (``unmapped="error"``).
    """
    _check_kind(control, (RectangleBuilder,), "boxes", "<RectangleLabels> or <Rectangle>")
    _choice(fmt, _BOX_FORMATS, "fmt")
    _choice(units, _UNITS, "units")
    array = np.asarray(boxes, dtype=np.float64)
    rows = (4, 2) if fmt == "corners" else (4,)
    if array.size == 0:
        array = array.reshape((0, *rows))
    if array.ndim != len(rows) + 1 or array.shape[1:] != rows:
        want = ", ".join(["N", *map(str, rows)])
        raise BuildError(f"boxes ({fmt}) must have shape ({want}), got {array.shape}")
    count = array.shape[0]
    kept = _prepare(
        control,
        labels_control,
        count,
        "box",
        labels=labels,
        class_ids=class_ids,
        class_names=class_names,
        label_map=label_map,
        unmapped=unmapped,
        scores=scores,
        min_score=min_score,
        counts=counts,
    )
    angles = None
    if angle_deg is not None:
        angles = np.asarray(angle_deg, dtype=np.float64)
        if angles.ndim == 1:
            if angles.shape != (count,):
                raise BuildError(f"angle_deg must be one number or shape ({count},)")
            angles = angles[kept.keep]
    geometry: dict[str, Any] = {f"{fmt}_{units}": array[kept.keep]}
    regions = cast(RectangleBuilder, control).boxes(
        **geometry,
        angle_deg=angles,
        image_wh=image_wh,
        labels=_own_labels(kept, control),
        scores=kept.scores,
        clip=clip,
        to_name=to_name,
        item_index=item_index,
    )
    return _label_split(regions, kept, control)


# --- masks ---------------------------------------------------------------------------------


def _mask_stack(masks: Any, image_wh: ImageWH | None) -> npt.NDArray[np.bool_]:
    """``(N, H, W)`` boolean masks from an array or a list of ``(H, W)`` masks."""
    if isinstance(masks, np.ndarray) or not isinstance(masks, Sequence):
        stack = np.asarray(masks)
    elif len(masks) == 0:
        stack = np.zeros((0, 0, 0), dtype=bool)
    else:
        stack = np.stack([np.asarray(m) for m in masks])
    if stack.size == 0 and stack.ndim != 3:
        stack = stack.reshape(0, 0, 0)
    if stack.ndim != 3:
        raise BuildError(
            f"masks must have shape (N, height, width), got {stack.shape}"
            + ("; for one mask pass mask[None]" if stack.ndim == 2 else "")
        )
    if stack.dtype.kind == "f":
        raise BuildError(
            f"masks have dtype {stack.dtype}; threshold them into booleans first (e.g. masks > 0.5)"
        )
    if stack.dtype.kind not in "biu":
        raise BuildError(f"masks must be booleans or integers, got dtype {stack.dtype}")
    if image_wh is not None and stack.shape[0]:
        width, height = int(image_wh[0]), int(image_wh[1])
        if stack.shape[1:] != (height, width):
            hint = "; they look transposed" if stack.shape[1:] == (width, height) else ""
            raise BuildError(
                f"masks have shape {stack.shape}, but the {width}x{height} image needs "
                f"(N, {height}, {width}){hint}"
            )
    return stack if stack.dtype == bool else stack != 0


def mask_regions(
    control: ControlTag,
    masks: npt.ArrayLike | Sequence[npt.ArrayLike],
    *,
    image_wh: ImageWH | None = None,
    labels: Sequence[str] | None = None,
    class_ids: npt.ArrayLike | None = None,
    class_names: ClassNames | None = None,
    label_map: ClassMap | None = None,
    unmapped: Unmapped = "error",
    scores: npt.ArrayLike | None = None,
    min_score: float | None = None,
    labels_control: Labels | None = None,
    to_name: str | None = None,
    item_index: int | None = None,
    counts: Counts = None,
) -> list[Region]:
    """Instance masks as brush (RLE) or bitmask regions.

    Args:
        control: a ``<BrushLabels>``/``<Brush>`` (masks become Label Studio RLE) or a
            ``<BitmaskLabels>``/``<Bitmask>`` (masks become PNG data URLs).
        masks: ``(N, height, width)`` booleans (or 0/1, 0/255 integers), or a list of
            ``(height, width)`` masks, at the natural image size.
        image_wh: ``(width, height)``; checked against the masks when given.
        labels, class_ids, class_names, label_map, unmapped, scores, min_score,
            labels_control, to_name, item_index, counts: as in :func:`box_regions`.

    Raises:
        BuildError: masks of the wrong shape or dtype (float masks must be thresholded).
        LabelError: a model class that maps to no label.

    >>> import numpy as np
    >>> from prelabel import LabelConfig, BrushLabels
    >>> cfg = LabelConfig.parse('<View><Image name="im" value="$im"/>'
    ...     '<BrushLabels name="seg" toName="im"><Label value="Cat"/></BrushLabels></View>')
    >>> masks = np.zeros((1, 2, 3), dtype=bool); masks[0, 0, 1] = True
    >>> region, = mask_regions(cfg.control("seg", BrushLabels), masks, labels=["cat"])
    >>> region.result["value"]["rle"], region.result["value"]["brushlabels"]
    ([0, 0, 0, 24, 57, 27, 252, 96, 17, 255, 223, 0, 0], ['Cat'])
    """
    _check_kind(
        control,
        (BrushBuilder, BitmaskBuilder),
        "masks",
        "<BrushLabels>, <Brush>, <BitmaskLabels> or <Bitmask>",
    )
    stack = _mask_stack(masks, image_wh)
    kept = _prepare(
        control,
        labels_control,
        stack.shape[0],
        "mask",
        labels=labels,
        class_ids=class_ids,
        class_names=class_names,
        label_map=label_map,
        unmapped=unmapped,
        scores=scores,
        min_score=min_score,
        counts=counts,
    )
    chosen = stack if kept.keep.all() else stack[kept.keep]
    return _draw_masks(control, chosen, kept, image_wh, to_name, item_index)


def _draw_masks(
    control: ControlTag,
    stack: npt.NDArray[np.bool_],
    kept: _Kept,
    image_wh: ImageWH | None,
    to_name: str | None,
    item_index: int | None,
) -> list[Region]:
    if stack.shape[0] == 0:
        return []
    wh = image_wh or (int(stack.shape[2]), int(stack.shape[1]))
    own = _own_labels(kept, control)
    if isinstance(control, BrushBuilder):
        regions = control.masks(
            stack,
            labels=own,
            scores=kept.scores,
            image_wh=wh,
            to_name=to_name,
            item_index=item_index,
        )
    else:
        regions = cast(BitmaskBuilder, control).bitmasks(
            stack,
            image_wh=wh,
            labels=own,
            scores=kept.scores,
            to_name=to_name,
            item_index=item_index,
        )
    return _label_split(regions, kept, control)


# --- polygons ------------------------------------------------------------------------------


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
    _check_kind(
        control,
        (PolygonBuilder, BrushBuilder, BitmaskBuilder),
        "polygons",
        "<PolygonLabels>, <Polygon> or a brush/bitmask control",
    )
    _choice(units, _UNITS, "units")
    parts = _polygon_parts(polygons)
    kept = _prepare(
        control,
        labels_control,
        len(parts),
        "polygon",
        labels=labels,
        class_ids=class_ids,
        class_names=class_names,
        label_map=label_map,
        unmapped=unmapped,
        scores=scores,
        min_score=min_score,
        counts=counts,
    )
    chosen = [parts[i] for i in np.flatnonzero(kept.keep).tolist()]
    if not isinstance(control, PolygonBuilder):
        scale = _to_px(units, image_wh)
        stack = np.zeros((len(chosen), int(image_wh[1]), int(image_wh[0])), dtype=bool)
        for index, pieces in enumerate(chosen):
            stack[index] = polygon_to_mask([p * scale for p in pieces], image_wh)
        return _draw_masks(control, stack, kept, image_wh, to_name, item_index)
    # One region per part: a Label Studio polygon has one ring.
    owner = [i for i, pieces in enumerate(chosen) for _ in pieces]
    flat = [piece for pieces in chosen for piece in pieces]
    own = _own_labels(kept, control)
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


# --- keypoints -----------------------------------------------------------------------------


def keypoint_regions(
    control: ControlTag,
    xy: npt.ArrayLike,
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
    width_px: float | None = None,
    labels_control: Labels | None = None,
    clip: bool = False,
    to_name: str | None = None,
    item_index: int | None = None,
    counts: Counts = None,
) -> list[Region]:
    """``(N, 2)`` points as ``<KeyPointLabels>`` (or ``<KeyPoint>``) regions.

    Args:
        control: the keypoint control.
        xy: ``(N, 2)`` points in ``units``.
        width_px: the drawn radius in pixels (default: the builder's 0.5 percent).
        labels, class_ids, ...: as in :func:`box_regions`; a keypoint's class is usually its
            name (``"nose"``).
    """
    _check_kind(control, (KeyPointBuilder,), "keypoints", "<KeyPointLabels> or <KeyPoint>")
    _choice(units, _UNITS, "units")
    points = np.asarray(xy, dtype=np.float64)
    if points.size == 0:
        points = points.reshape(0, 2)
    if points.ndim != 2 or points.shape[1] != 2:
        raise BuildError(f"xy must have shape (N, 2), got {points.shape}")
    kept = _prepare(
        control,
        labels_control,
        points.shape[0],
        "keypoint",
        labels=labels,
        class_ids=class_ids,
        class_names=class_names,
        label_map=label_map,
        unmapped=unmapped,
        scores=scores,
        min_score=min_score,
        counts=counts,
    )
    geometry: dict[str, Any] = {f"xy_{units}": points[kept.keep]}
    regions = cast(KeyPointBuilder, control).points(
        **geometry,
        image_wh=image_wh,
        width_px=width_px,
        labels=_own_labels(kept, control),
        scores=kept.scores,
        clip=clip,
        to_name=to_name,
        item_index=item_index,
    )
    return _label_split(regions, kept, control)


def pose_regions(
    control: ControlTag,
    keypoints: npt.ArrayLike,
    *,
    keypoint_names: Sequence[str],
    image_wh: ImageWH,
    units: Units = "px",
    visibility: npt.ArrayLike | None = None,
    scores: npt.ArrayLike | None = None,
    min_score: float | None = None,
    label_map: ClassMap | None = None,
    unmapped: Unmapped = "error",
    width_px: float | None = None,
    labels_control: Labels | None = None,
    clip: bool = False,
    to_name: str | None = None,
    item_index: int | None = None,
    counts: Counts = None,
) -> list[Region]:
    """Pose keypoints of N instances (``(N, K, 2)``) as one keypoint region per visible point.

    Each point is labeled with its keypoint name (``keypoint_names[k]``, mapped to a label of
    the control like any model class). Points with ``visibility`` 0 (COCO: not labeled) or a
    score below ``min_score`` are left out.

    Args:
        control: the keypoint control.
        keypoints: ``(N, K, 2)`` points in ``units``; ``(N, K, 3)`` takes the third column
            as ``visibility``.
        keypoint_names: ``K`` names, in keypoint order.
        visibility: ``(N, K)``; 0 = not labeled (left out), 1 = labeled but hidden, 2 = visible.
        scores: ``(N, K)`` per-point confidences.
        min_score, label_map, unmapped, width_px, labels_control, clip, to_name, item_index,
            counts: as in :func:`keypoint_regions`.

    >>> from prelabel import LabelConfig, KeyPointLabels
    >>> cfg = LabelConfig.parse('<View><Image name="im" value="$im"/><KeyPointLabels '
    ...     'name="kp" toName="im"><Label value="Nose"/><Label value="Tail"/>'
    ...     '</KeyPointLabels></View>')
    >>> regions = pose_regions(cfg.control("kp", KeyPointLabels),
    ...     [[[50, 20, 2], [0, 0, 0]]], keypoint_names=["nose", "tail"], image_wh=(100, 40))
    >>> [(r.result["value"]["x"], r.result["value"]["keypointlabels"]) for r in regions]
    [(50.0, ['Nose'])]
    """
    array = np.asarray(keypoints, dtype=np.float64)
    names = list(keypoint_names)
    if array.size == 0:
        array = array.reshape(0, len(names), 2)
    if array.ndim != 3 or array.shape[2] not in (2, 3) or array.shape[1] != len(names):
        raise BuildError(
            f"keypoints must have shape (N, {len(names)}, 2) or (N, {len(names)}, 3) for "
            f"{len(names)} keypoint names, got {array.shape}"
        )
    count, points = array.shape[:2]
    if array.shape[2] == 3:
        if visibility is not None:
            raise BuildError("keypoints has a third column; do not pass visibility= as well")
        visibility = array[:, :, 2]
    keep = np.ones((count, points), dtype=bool)
    if visibility is not None:
        shown = np.asarray(visibility, dtype=np.float64)
        if shown.shape != (count, points):
            raise BuildError(f"visibility must have shape ({count}, {points}), got {shown.shape}")
        keep &= shown > 0
        if counts is not None and not keep.all():
            counts["keypoint not labeled (visibility 0)"] += int((~keep).sum())
    confidences = None
    if scores is not None:
        confidences = np.asarray(scores, dtype=np.float64)
        if confidences.shape != (count, points):
            raise BuildError(f"scores must have shape ({count}, {points}), got {confidences.shape}")
    flat_scores = None if confidences is None else confidences[keep]
    labels = [names[k] for k in np.nonzero(keep)[1].tolist()]
    return keypoint_regions(
        control,
        array[:, :, :2][keep],
        image_wh=image_wh,
        units=units,
        labels=labels,
        label_map=label_map,
        unmapped=unmapped,
        scores=flat_scores,
        min_score=min_score,
        width_px=width_px,
        labels_control=labels_control,
        clip=clip,
        to_name=to_name,
        item_index=item_index,
        counts=counts,
    )
