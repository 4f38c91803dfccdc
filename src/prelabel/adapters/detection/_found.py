"""One image's detections in one shape, whatever framework made them, and the regions drawn
from it by the array adapters (so every framework gets the same filtering, class mapping and
checks)."""

from __future__ import annotations

import collections
import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from ...errors import BuildError
from ...results import Region
from ...tags.base import ControlTag
from ...tags.controls import Labels, Polygon, PolygonLabels
from .._controls import BOX_CONTROLS, KEYPOINT_CONTROLS, MASK_CONTROLS, located
from .._labeling import ClassMap, ClassNames, Unmapped
from ..arrays import box_regions, mask_regions, polygon_regions, pose_regions
from ..arrays._select import Counts, check_kind

__all__ = ["Found", "draw", "numpy_of"]


def numpy_of(value: Any) -> Any:
    """A numpy array of a tensor on any device (``.detach().cpu().numpy()``), or of anything
    ``np.asarray`` takes; None stays None."""
    if value is None:
        return None
    for step in ("detach", "cpu", "numpy"):
        method = getattr(value, step, None)
        if callable(method) and not isinstance(value, np.ndarray):
            value = method()
    return np.asarray(value)


@dataclasses.dataclass
class Found:
    """One image's detections, in pixels of the original image.

    Attributes:
        image_wh: ``(width, height)`` of the original image.
        xyxy: ``(N, 4)`` boxes, or None.
        corners: ``(N, 4, 2)`` corners of oriented boxes, or None.
        class_ids: ``(N,)`` integer classes, or None.
        scores: ``(N,)`` confidences, or None.
        masks: ``(N, H, W)`` booleans at the image size, or None.
        polygons: ``N`` outlines (each ``(K, 2)``, or a list of parts), or None.
        keypoints: ``(N, K, 2)`` points, or None; keypoint_scores: ``(N, K)``, or None.
        class_names: the model's class names (``{id: name}`` or a list), or None.
    """

    image_wh: tuple[int, int]
    xyxy: npt.NDArray[np.float64] | None = None
    corners: npt.NDArray[np.float64] | None = None
    class_ids: npt.NDArray[np.int64] | None = None
    scores: npt.NDArray[np.float64] | None = None
    masks: npt.NDArray[np.bool_] | None = None
    polygons: Sequence[Any] | None = None
    keypoints: npt.NDArray[np.float64] | None = None
    keypoint_scores: npt.NDArray[np.float64] | None = None
    class_names: ClassNames | None = None


def draw(
    found: Found,
    *,
    boxes: ControlTag | None,
    masks: ControlTag | None,
    keypoints: ControlTag | None,
    keypoint_names: Sequence[str] | None,
    keypoint_label_map: ClassMap | None,
    keypoint_min_score: float | None,
    class_names: ClassNames | None,
    label_map: ClassMap | None,
    unmapped: Unmapped,
    min_score: float | None,
    labels_control: Labels | None,
    clip: bool,
    to_name: str | None,
    item_index: int | None,
    counts: Counts,
    source: str,
) -> list[Region]:
    """Boxes, then masks, then keypoints of ``found`` as regions of the given controls."""
    if boxes is None and masks is None and keypoints is None:
        raise BuildError("give boxes=, masks= and/or keypoints= (controls of the config)")
    names = class_names if class_names is not None else found.class_names
    labeled = any(
        c is not None and (c.has_labels or labels_control is not None) for c in (boxes, masks)
    )
    detected = any(v is not None for v in (found.xyxy, found.corners, found.masks, found.polygons))
    if labeled and detected and found.class_ids is None:
        raise BuildError(f"the {source} output has no classes to label its regions with")
    if labeled and names is None and not isinstance(label_map, Mapping):
        raise BuildError(
            f"the {source} output has class ids but no class names: pass class_names= (a list "
            "by id, or {id: name}: e.g. the weights' meta['categories']) or a label_map"
        )
    common: dict[str, Any] = {
        "class_ids": found.class_ids if labeled else None,
        "class_names": names if labeled else None,
        "label_map": label_map,
        "unmapped": unmapped,
        "scores": found.scores,
        "min_score": min_score,
        "labels_control": labels_control,
        "to_name": to_name,
        "item_index": item_index,
        "counts": counts,
    }
    if not labeled:
        common["label_map"] = None
    out: list[Region] = []
    if boxes is not None:
        check_kind(boxes, BOX_CONTROLS, "boxes", "<RectangleLabels> or <Rectangle>")
        with located(f"{source} boxes"):
            out += _boxes(found, boxes, clip, common)
    if masks is not None:
        check_kind(masks, MASK_CONTROLS, "masks", "a brush, bitmask or polygon control")
        with located(f"{source} masks"):
            out += _masks(found, masks, clip, common)
    if keypoints is not None:
        check_kind(keypoints, KEYPOINT_CONTROLS, "keypoints", "<KeyPointLabels> or <KeyPoint>")
        with located(f"{source} keypoints"):
            out += _keypoints(
                found,
                keypoints,
                keypoint_names,
                keypoint_label_map,
                keypoint_min_score,
                clip,
                common,
            )
    return out


def _boxes(found: Found, control: ControlTag, clip: bool, common: dict[str, Any]) -> list[Region]:
    if found.corners is not None:
        # A rotated box cannot be clipped and stay a rectangle: the builder refuses clip=True.
        return box_regions(control, found.corners, fmt="corners", image_wh=found.image_wh, **common)
    if found.xyxy is None:
        raise BuildError("boxes= was given but the output has no boxes")
    return box_regions(control, found.xyxy, image_wh=found.image_wh, clip=clip, **common)


def _masks(found: Found, control: ControlTag, clip: bool, common: dict[str, Any]) -> list[Region]:
    polygon_tool = isinstance(control, (Polygon, PolygonLabels))
    if found.masks is not None and not polygon_tool:
        keep = np.asarray(found.masks.reshape(found.masks.shape[0], -1).any(axis=1), dtype=bool)
        common = _keep_rows(common, keep, "empty mask")
        return mask_regions(control, found.masks[keep], image_wh=found.image_wh, **common)
    if found.polygons is None:
        raise BuildError(
            "masks= was given but the output has no masks"
            + ("" if found.masks is None else " as outlines for a polygon tool")
        )
    sizes = [np.asarray(p, dtype=np.float64).size for p in found.polygons]
    keep = np.array([size >= 6 for size in sizes], dtype=bool).reshape(-1)
    common = _keep_rows(common, keep, "mask without an outline")
    polygons = [p for p, k in zip(found.polygons, keep.tolist(), strict=True) if k]
    return polygon_regions(control, polygons, image_wh=found.image_wh, clip=clip, **common)


def _keep_rows(common: dict[str, Any], keep: npt.NDArray[np.bool_], reason: str) -> dict[str, Any]:
    """``common`` for the rows in ``keep`` only; the others counted under ``reason``."""
    if keep.all():
        return common
    if common["counts"] is not None:
        common["counts"][reason] += int((~keep).sum())
    return {k: _rows(v, keep) if k in ("class_ids", "scores") else v for k, v in common.items()}


def _rows(value: Any, keep: npt.NDArray[np.bool_]) -> Any:
    return None if value is None else np.asarray(value)[keep]


def _keypoints(
    found: Found,
    control: ControlTag,
    names: Sequence[str] | None,
    label_map: ClassMap | None,
    min_score: float | None,
    clip: bool,
    common: dict[str, Any],
) -> list[Region]:
    if found.keypoints is None:
        raise BuildError("keypoints= was given but the output has no keypoints")
    count, points = found.keypoints.shape[:2]
    if names is None:
        raise BuildError(
            f"keypoints= needs keypoint_names= ({points} names in the model's keypoint order, "
            "e.g. COCO's nose, left_eye, ...)"
        )
    keep = np.ones(count, dtype=bool)
    if common["min_score"] is not None and found.scores is not None:
        keep = found.scores >= common["min_score"]  # the instances whose boxes are kept
    visibility: npt.NDArray[np.float64] = np.ones((count, points), dtype=np.float64)
    if min_score is not None and found.keypoint_scores is not None:
        visibility = (found.keypoint_scores >= min_score).astype(np.float64)
    counter: collections.Counter[str] | None = common["counts"]
    return pose_regions(
        control,
        found.keypoints[keep],
        keypoint_names=names,
        image_wh=found.image_wh,
        visibility=visibility[keep],
        scores=None if found.keypoint_scores is None else found.keypoint_scores[keep],
        label_map=label_map,
        unmapped=common["unmapped"],
        labels_control=common["labels_control"],
        clip=clip,
        to_name=common["to_name"],
        item_index=common["item_index"],
        counts=counter,
    )
