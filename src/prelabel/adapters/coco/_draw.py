"""One image's COCO annotations or detections to regions: boxes, segmentations (polygons or
RLE) and keypoints, each drawn by the config's own control."""

from __future__ import annotations

import collections
import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from ...builders.brush import BrushBuilder
from ...builders.image import BitmaskBuilder
from ...errors import BuildError
from ...results import Region
from ...tags.base import ControlTag
from ...tags.controls import Labels
from .._controls import ImageControls, located
from .._labeling import ClassMap, ImageLabelMaps, LabelOptions, Unmapped
from ..arrays import box_regions, mask_regions, polygon_regions, polygon_to_mask, pose_regions
from ..coco_rle import decode_coco_rle
from ._records import (
    annotation_scores,
    category_keypoints,
    coco_categories,
    int_id,
    polygon_parts,
)

__all__ = ["Drawer", "coco_regions"]


@dataclasses.dataclass
class _Image:
    """One image's annotations on their way to regions, and what every step reports into."""

    items: list[Mapping[str, Any]]
    categories: npt.NDArray[np.int64]
    scores: npt.NDArray[np.float64] | None
    image_wh: tuple[int, int]
    counts: collections.Counter[str]
    where: str

    def rows_of(
        self, rows: list[int]
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64] | None]:
        """The category ids and scores of the annotations at ``rows``."""
        return self.categories[rows], None if self.scores is None else self.scores[rows]


class Drawer:
    """The controls of one config and their LabelMaps, reused for every image."""

    def __init__(
        self,
        controls: ImageControls,
        categories: Any,
        options: LabelOptions,
        *,
        min_score: float | None,
        clip: bool,
        skip_crowd: bool,
    ) -> None:
        self.categories = coco_categories(categories)
        self.keypoint_names = category_keypoints(categories)
        if controls.boxes is None and controls.masks is None and controls.keypoints is None:
            raise BuildError("give at least one of boxes=, masks=, keypoints= (control names)")
        controls.check_kinds()
        self.controls = controls
        self.min_score = min_score
        self.clip = clip
        self.skip_crowd = skip_crowd
        self.maps = ImageLabelMaps(controls, self.categories, options)

    def regions(
        self,
        annotations: Sequence[Mapping[str, Any]],
        image_wh: tuple[int, int],
        counts: collections.Counter[str],
        where: str,
    ) -> list[Region]:
        """Every region of one image's annotations: boxes, then masks, then keypoints."""
        items = list(annotations)
        if self.skip_crowd:
            crowd = [a for a in items if a.get("iscrowd")]
            if crowd:
                counts["crowd annotation"] += len(crowd)
                items = [a for a in items if not a.get("iscrowd")]
        scores = annotation_scores(items, where)
        if self.min_score is not None and scores is not None:
            low = scores < self.min_score
            if low.any():
                counts["score below min_score"] += int(low.sum())
                items = [a for a, out in zip(items, low.tolist(), strict=True) if not out]
                scores = scores[~low]
        if scores is None and self.min_score is not None and items:
            raise BuildError(f"{where}: min_score= needs scores, and the annotations have none")
        categories = np.array(
            [int_id(a.get("category_id"), f"{where} category_id") for a in items],
            dtype=np.int64,
        )
        image = _Image(items, categories, scores, image_wh, counts, where)
        out: list[Region] = []
        if self.controls.boxes is not None:
            out += self._boxes(self.controls.boxes, image)
        if self.controls.masks is not None:
            out += self._masks(self.controls.masks, image)
        if self.controls.keypoints is not None:
            out += self._keypoints(self.controls.keypoints, image)
        return out

    def _boxes(self, control: ControlTag, image: _Image) -> list[Region]:
        rows, boxes = [], []
        for index, item in enumerate(image.items):
            bbox = item.get("bbox")
            if bbox is None:
                continue
            if not isinstance(bbox, Sequence) or len(bbox) != 4:
                raise BuildError(
                    f"{image.where} annotation {index}: bbox must be [x, y, width, height]"
                )
            if not (float(bbox[2]) > 0 and float(bbox[3]) > 0):
                image.counts["empty box"] += 1
                continue
            rows.append(index)
            boxes.append([float(v) for v in bbox])
        if not rows:
            return []
        mapper = self.maps.classes(control)
        categories, scores = image.rows_of(rows)
        with located(f"{image.where} boxes"):
            return box_regions(
                control,
                np.array(boxes, dtype=np.float64),
                image_wh=image.image_wh,
                fmt="xywh",
                units="px",
                class_ids=categories if mapper else None,
                label_map=mapper,
                scores=scores,
                labels_control=self.controls.split(control),
                clip=self.clip,
            )

    def _masks(self, control: ControlTag, image: _Image) -> list[Region]:
        as_masks = isinstance(control, (BrushBuilder, BitmaskBuilder))
        width, height = image.image_wh
        rows: list[int] = []
        shapes: list[Any] = []
        for index, item in enumerate(image.items):
            segmentation = item.get("segmentation")
            if not segmentation:
                continue
            where = f"{image.where} annotation {index}"
            if isinstance(segmentation, Mapping):
                if not as_masks:
                    image.counts["RLE segmentation on a polygon control"] += 1
                    continue
                with located(where):
                    mask = decode_coco_rle(segmentation)
                if mask.shape != (height, width):
                    raise BuildError(
                        f"{where}: segmentation size {list(mask.shape)} (height, width) does "
                        f"not match the image ({width}x{height})"
                    )
                if not mask.any():
                    image.counts["empty mask"] += 1
                    continue
                shapes.append(mask)
            else:
                parts = polygon_parts(segmentation, where)
                if not parts:
                    image.counts["degenerate polygon"] += 1
                    continue
                shapes.append(parts)
            rows.append(index)
        if not rows:
            return []
        mapper = self.maps.classes(control)
        categories, scores = image.rows_of(rows)
        with located(f"{image.where} masks"):
            if not as_masks:
                return polygon_regions(
                    control,
                    shapes,
                    image_wh=image.image_wh,
                    clip=self.clip,
                    class_ids=categories if mapper else None,
                    label_map=mapper,
                    scores=scores,
                    labels_control=self.controls.split(control),
                )
            stack: npt.NDArray[np.bool_] = np.zeros((len(shapes), height, width), dtype=bool)
            for slot, shape in enumerate(shapes):
                stack[slot] = (
                    shape
                    if isinstance(shape, np.ndarray)
                    else polygon_to_mask(shape, image.image_wh)
                )
            drawn = stack.reshape(len(shapes), -1).any(axis=1)
            if not drawn.all():
                image.counts["empty mask"] += int((~drawn).sum())
                stack, categories = stack[drawn], categories[drawn]
                scores = None if scores is None else scores[drawn]
            return mask_regions(
                control,
                stack,
                image_wh=image.image_wh,
                class_ids=categories if mapper else None,
                label_map=mapper,
                scores=scores,
                labels_control=self.controls.split(control),
            )

    def _keypoints(self, control: ControlTag, image: _Image) -> list[Region]:
        out: list[Region] = []
        groups: dict[int, list[int]] = {}
        for index, item in enumerate(image.items):
            if item.get("keypoints"):
                groups.setdefault(int(image.categories[index]), []).append(index)
        for category, rows in groups.items():
            names = self.keypoint_names.get(category)
            if not names:
                raise BuildError(
                    f"{image.where}: category {category} has keypoints but no keypoint names "
                    "(the dataset's categories[].keypoints, or keypoint_names=)"
                )
            points = []
            for index in rows:
                flat = np.asarray(image.items[index]["keypoints"], dtype=np.float64)
                if flat.size != 3 * len(names):
                    raise BuildError(
                        f"{image.where} annotation {index}: {flat.size} keypoint values, "
                        f"expected {3 * len(names)} (x, y, v for {len(names)} keypoints)"
                    )
                points.append(flat.reshape(len(names), 3))
            _, scores = image.rows_of(rows)
            per_point = None
            if scores is not None:
                per_point = np.repeat(scores[:, None], len(names), axis=1)
            with located(f"{image.where} keypoints"):
                out += pose_regions(
                    control,
                    np.stack(points),
                    keypoint_names=names,
                    image_wh=image.image_wh,
                    scores=per_point,
                    label_map=self.maps.keypoints,
                    labels_control=self.controls.split(control),
                    clip=self.clip,
                    counts=image.counts,
                )
        return out


def coco_regions(
    annotations: Sequence[Mapping[str, Any]],
    *,
    image_wh: tuple[int, int],
    categories: Any,
    boxes: ControlTag | None = None,
    masks: ControlTag | None = None,
    keypoints: ControlTag | None = None,
    labels_control: Labels | None = None,
    label_map: ClassMap | None = None,
    keypoint_label_map: ClassMap | None = None,
    unmapped: Unmapped = "error",
    min_score: float | None = None,
    clip: bool = False,
    skip_crowd: bool = False,
) -> list[Region]:
    """Regions of one image's COCO annotations or results (pure: no config, no files).

    Args:
        annotations: the image's COCO annotations or detection results.
        image_wh: the image's ``(width, height)`` in pixels.
        categories: the dataset (or its ``categories`` list, or ``{id: name}``); keypoint
            names come from ``categories[].keypoints``.
        boxes: the box control for ``bbox``.
        masks: the brush, bitmask or polygon control for ``segmentation``.
        keypoints: the keypoint control for ``keypoints``.
        labels_control: the ``<Labels>`` labeling unlabeled tools (split format).
        label_map: category (name or id) -> label, or a ``LabelMap``.
        keypoint_label_map: keypoint name -> label of the keypoint control.
        unmapped: ``"error"`` or ``"drop"`` for categories that map to no label.
        min_score: leave out detections scoring below this.
        clip: clip boxes and points that stick out of the image.
        skip_crowd: leave out ``iscrowd`` annotations.

    >>> from prelabel import LabelConfig, RectangleLabels
    >>> cfg = LabelConfig.parse('<View><Image name="im" value="$im"/>'
    ...     '<RectangleLabels name="b" toName="im"><Label value="Car"/></RectangleLabels></View>')
    >>> [r.result["value"]["width"] for r in coco_regions(
    ...     [{"image_id": 1, "category_id": 3, "bbox": [10, 10, 50, 20], "score": 0.9}],
    ...     image_wh=(200, 100), categories={3: "car"}, boxes=cfg.control("b"))]
    [25.0]
    """
    controls = ImageControls(boxes, masks, keypoints, labels_control)
    options = LabelOptions(label_map, keypoint_label_map, unmapped)
    drawer = Drawer(
        controls, categories, options, min_score=min_score, clip=clip, skip_crowd=skip_crowd
    )
    return drawer.regions(annotations, image_wh, collections.Counter(), "image")
