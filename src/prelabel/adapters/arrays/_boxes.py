"""Detector boxes (``(N, 4)`` in any of four formats, or oriented corners) to box regions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from ...builders.image import RectangleBuilder
from ...errors import BuildError
from ...results import Region
from ...tags.base import ControlTag
from ...tags.controls import Labels
from .._labeling import ClassMap, ClassNames, Unmapped
from ._select import (
    BOX_FORMATS,
    UNITS,
    BoxFormat,
    Counts,
    ImageWH,
    Select,
    Units,
    check_kind,
    choice,
)

__all__ = ["box_regions"]


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
    check_kind(control, (RectangleBuilder,), "boxes", "<RectangleLabels> or <Rectangle>")
    choice(fmt, BOX_FORMATS, "fmt")
    choice(units, UNITS, "units")
    array = np.asarray(boxes, dtype=np.float64)
    rows = (4, 2) if fmt == "corners" else (4,)
    if array.size == 0:
        array = array.reshape((0, *rows))
    if array.ndim != len(rows) + 1 or array.shape[1:] != rows:
        want = ", ".join(["N", *map(str, rows)])
        raise BuildError(f"boxes ({fmt}) must have shape ({want}), got {array.shape}")
    count = array.shape[0]
    select = Select(labels, class_ids, class_names, label_map, unmapped, scores, min_score)
    kept = select.apply(control, labels_control, count, "box", counts)
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
        labels=kept.own_labels(control),
        scores=kept.scores,
        clip=clip,
        to_name=to_name,
        item_index=item_index,
    )
    return kept.label_split(regions, control)
