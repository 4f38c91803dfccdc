"""Points (``(N, 2)``) and pose keypoints (``(N, K, 2 or 3)``) to keypoint regions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from ...builders.image import KeyPointBuilder
from ...errors import BuildError
from ...results import Region
from ...tags.base import ControlTag
from ...tags.controls import Labels
from .._labeling import ClassMap, ClassNames, Unmapped
from ._select import UNITS, Counts, ImageWH, Select, Units, check_kind, choice

__all__ = ["keypoint_regions", "pose_regions"]


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
    check_kind(control, (KeyPointBuilder,), "keypoints", "<KeyPointLabels> or <KeyPoint>")
    choice(units, UNITS, "units")
    points = np.asarray(xy, dtype=np.float64)
    if points.size == 0:
        points = points.reshape(0, 2)
    if points.ndim != 2 or points.shape[1] != 2:
        raise BuildError(f"xy must have shape (N, 2), got {points.shape}")
    select = Select(labels, class_ids, class_names, label_map, unmapped, scores, min_score)
    kept = select.apply(control, labels_control, points.shape[0], "keypoint", counts)
    geometry: dict[str, Any] = {f"xy_{units}": points[kept.keep]}
    regions = cast(KeyPointBuilder, control).points(
        **geometry,
        image_wh=image_wh,
        width_px=width_px,
        labels=kept.own_labels(control),
        scores=kept.scores,
        clip=clip,
        to_name=to_name,
        item_index=item_index,
    )
    return kept.label_split(regions, control)


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
