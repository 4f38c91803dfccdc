"""YOLO objects to regions: boxes (detect, pose, obb), polygons (segment) and pose keypoints,
each drawn by the config's own control."""

from __future__ import annotations

import collections
from collections.abc import Sequence
from typing import Literal, cast

import numpy as np
import numpy.typing as npt

from ...errors import BuildError
from ...labelmap import LabelMap
from ...results import Region
from ...tags.base import ControlTag
from ...tags.controls import Labels
from .._controls import ImageControls, located
from .._labeling import ClassMap, ClassNames, ImageLabelMaps, LabelOptions, Unmapped
from ..arrays import box_regions, polygon_regions, pose_regions
from ._files import YoloLabels, YoloTask, parse_yolo

__all__ = ["Drawer", "yolo_regions"]


def _load_labels(
    labels: YoloLabels | str, task: YoloTask, kpt_shape: tuple[int, int] | None
) -> YoloLabels:
    if isinstance(labels, YoloLabels):
        return labels
    if isinstance(labels, str):
        return parse_yolo(labels, task=task, kpt_shape=kpt_shape)
    raise BuildError(f"labels must be YoloLabels or the text of a YOLO file, got {type(labels)}")


class Drawer:
    """Controls and LabelMaps kept across the files of a dataset."""

    def __init__(
        self,
        controls: ImageControls,
        class_names: ClassNames | None,
        keypoint_names: Sequence[str] | None,
        options: LabelOptions,
        *,
        min_score: float | None,
        clip: bool,
    ) -> None:
        controls.check_kinds()
        self.controls = controls
        self.keypoint_names = None if keypoint_names is None else list(keypoint_names)
        self.min_score = min_score
        self.clip = clip
        self.maps = ImageLabelMaps(controls, class_names, options)

    def _labels(self, control: ControlTag) -> tuple[Labels | None, LabelMap | None]:
        return self.controls.split(control), self.maps.classes(control)

    def regions(
        self,
        found: YoloLabels,
        image_wh: tuple[int, int],
        counts: collections.Counter[str],
        where: str,
    ) -> list[Region]:
        keep: npt.NDArray[np.bool_] = np.ones(len(found), dtype=bool)
        if self.min_score is not None:
            if found.scores is None:
                if len(found):
                    raise BuildError(f"{where}: min_score= needs a confidence column")
            else:
                keep = np.asarray(found.scores >= self.min_score, dtype=bool)
                counts["score below min_score"] += int((~keep).sum())
        ids = found.class_ids[keep]
        scores = None if found.scores is None else found.scores[keep]
        out: list[Region] = []
        with located(where):
            out += self._shapes(found, keep, ids, scores, image_wh)
            if found.keypoints is not None and self.controls.keypoints is not None:
                out += self._pose(found.keypoints[keep], scores, image_wh, counts)
        return out

    def _shapes(
        self,
        found: YoloLabels,
        keep: npt.NDArray[np.bool_],
        ids: npt.NDArray[np.int64],
        scores: npt.NDArray[np.float64] | None,
        image_wh: tuple[int, int],
    ) -> list[Region]:
        if found.polygons is not None:
            polygons = [p for p, k in zip(found.polygons, keep.tolist(), strict=True) if k]
            if self.controls.masks is not None:
                split, mapper = self._labels(self.controls.masks)
                return polygon_regions(
                    self.controls.masks,
                    polygons,
                    image_wh=image_wh,
                    units="norm",
                    class_ids=ids if mapper else None,
                    label_map=mapper,
                    scores=scores,
                    labels_control=split,
                    clip=self.clip,
                )
            if self.controls.boxes is None:
                return []
            # A box control only: the polygons' bounding boxes, as YOLO trains detectors.
            boxes = np.array(
                [[*p.min(axis=0), *p.max(axis=0)] for p in polygons], dtype=np.float64
            ).reshape(-1, 4)
            return self._boxes(boxes, "xyxy", ids, scores, image_wh)
        if self.controls.boxes is None:
            return []
        if found.corners is not None:
            return self._boxes(found.corners[keep], "corners", ids, scores, image_wh)
        centred: npt.NDArray[np.float64] = cast(npt.NDArray[np.float64], found.boxes)[keep]
        return self._boxes(centred, "cxcywh", ids, scores, image_wh)

    def _boxes(
        self,
        boxes: npt.NDArray[np.float64],
        fmt: Literal["xyxy", "cxcywh", "corners"],
        ids: npt.NDArray[np.int64],
        scores: npt.NDArray[np.float64] | None,
        image_wh: tuple[int, int],
    ) -> list[Region]:
        control = cast(ControlTag, self.controls.boxes)
        split, mapper = self._labels(control)
        return box_regions(
            control,
            boxes,
            image_wh=image_wh,
            fmt=fmt,
            units="norm",
            class_ids=ids if mapper else None,
            label_map=mapper,
            scores=scores,
            labels_control=split,
            clip=self.clip and fmt != "corners",
        )

    def _pose(
        self,
        keypoints: npt.NDArray[np.float64],
        scores: npt.NDArray[np.float64] | None,
        image_wh: tuple[int, int],
        counts: collections.Counter[str],
    ) -> list[Region]:
        names = self.keypoint_names
        if names is None:
            raise BuildError("pose keypoints need keypoint_names= (one name per keypoint)")
        if len(names) != keypoints.shape[1]:
            raise BuildError(
                f"{len(names)} keypoint names for {keypoints.shape[1]} keypoints per object"
            )
        control = cast(ControlTag, self.controls.keypoints)
        per_point = None if scores is None else np.repeat(scores[:, None], len(names), axis=1)
        return pose_regions(
            control,
            keypoints,
            keypoint_names=names,
            image_wh=image_wh,
            units="norm",
            scores=per_point,
            label_map=self.maps.keypoints,
            labels_control=self.controls.split(control),
            clip=self.clip,
            counts=counts,
        )


def yolo_regions(
    labels: YoloLabels | str,
    *,
    image_wh: tuple[int, int],
    class_names: ClassNames | None = None,
    boxes: ControlTag | None = None,
    masks: ControlTag | None = None,
    keypoints: ControlTag | None = None,
    task: YoloTask = "auto",
    kpt_shape: tuple[int, int] | None = None,
    keypoint_names: Sequence[str] | None = None,
    labels_control: Labels | None = None,
    label_map: ClassMap | None = None,
    keypoint_label_map: ClassMap | None = None,
    unmapped: Unmapped = "error",
    min_score: float | None = None,
    clip: bool = False,
) -> list[Region]:
    """Regions of one YOLO file (pure: no config, no files).

    Args:
        labels: the file's text, or :func:`parse_yolo`'s result.
        image_wh: the image's ``(width, height)`` in pixels.
        class_names: the model's class names (list by id, or ``{id: name}``).
        boxes: the box control (detect and pose boxes, obb; segment polygons' bounding boxes
            when there is no ``masks`` control).
        masks: a polygon, brush or bitmask control for segment polygons.
        keypoints: the keypoint control for pose keypoints.
        task, kpt_shape: how to read ``labels`` when it is text (see :func:`parse_yolo`).
        keypoint_names: one name per pose keypoint (mapped to the keypoint control's labels).
        labels_control: the ``<Labels>`` labeling unlabeled tools (split format).
        label_map, keypoint_label_map, unmapped, min_score, clip: as in the array adapters.

    >>> from prelabel import LabelConfig, RectangleLabels
    >>> cfg = LabelConfig.parse('<View><Image name="im" value="$im"/>'
    ...     '<RectangleLabels name="b" toName="im"><Label value="Dog"/></RectangleLabels></View>')
    >>> [r.result["value"]["x"] for r in yolo_regions("0 0.5 0.5 0.2 0.4",
    ...     image_wh=(640, 480), class_names=["dog"], boxes=cfg.control("b"))]
    [40.0]
    """
    found = _load_labels(labels, task, kpt_shape)
    controls = ImageControls(boxes, masks, keypoints, labels_control)
    options = LabelOptions(label_map, keypoint_label_map, unmapped)
    drawer = Drawer(controls, class_names, keypoint_names, options, min_score=min_score, clip=clip)
    if boxes is None and masks is None and keypoints is None:
        raise BuildError("give at least one of boxes=, masks=, keypoints= (controls)")
    return drawer.regions(found, image_wh, collections.Counter(), "labels")
