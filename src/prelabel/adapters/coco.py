"""COCO to Label Studio: detection results files and ground-truth datasets.

Two inputs, one drawing path:

* a **results file** (``[{image_id, category_id, bbox, score, segmentation?, keypoints?}]``,
  what ``COCOeval`` reads and detectors write) plus the images' sizes:
  :func:`coco_results_to_tasks`;
* a **dataset** (``{images, annotations, categories}``, e.g. ``instances_val2017.json``):
  :func:`coco_to_tasks`, into predictions or annotations.

Boxes (``bbox``: pixel ``[x, y, width, height]``) go to a ``<RectangleLabels>``;
segmentations (polygons, or COCO RLE with list or string counts) to a ``<BrushLabels>`` (RLE
decoded and re-encoded as Label Studio RLE), a ``<BitmaskLabels>`` or a ``<PolygonLabels>``
(polygon parts only); keypoints (``[x, y, v] * K`` named by the category's ``keypoints``) to a
``<KeyPointLabels>``. Category names map to labels through a :class:`~prelabel.LabelMap`.

Files are read whole (JSON has no streaming form in the standard library), results are grouped
by image in one pass, and tasks are made one image at a time.
"""

from __future__ import annotations

import collections
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from ..builders.brush import BrushBuilder
from ..builders.image import BitmaskBuilder
from ..config import LabelConfig
from ..errors import BuildError
from ..labelmap import LabelMap
from ..results import Region
from ..tags.base import ControlTag
from ..tags.controls import Labels
from ..tasks import Prediction, Task
from ._common import (
    BOX_CONTROLS,
    KEYPOINT_CONTROLS,
    MASK_CONTROLS,
    ClassMap,
    Into,
    TaskStream,
    Unmapped,
    describe,
    image_controls,
    image_target,
    label_mapper,
    labeling_control,
    read_json,
    task_checker,
    task_data,
    url_maker,
)
from .arrays import box_regions, mask_regions, polygon_regions, polygon_to_mask, pose_regions
from .coco_rle import decode_coco_rle

__all__ = [
    "CocoSource",
    "coco_categories",
    "coco_regions",
    "coco_results_to_tasks",
    "coco_to_tasks",
    "group_by_image",
]

CocoSource = str | os.PathLike[str] | Mapping[str, Any]
"""A COCO dataset: a path to its JSON file, or the loaded dict."""
ImageURL = str | Callable[[Mapping[str, Any]], str] | None


def coco_categories(categories: Any) -> dict[int, str]:
    """``{category_id: name}`` from a COCO dataset, its ``categories`` list, or such a dict.

    >>> coco_categories([{"id": 1, "name": "person"}, {"id": 3, "name": "car"}])
    {1: 'person', 3: 'car'}
    """
    if isinstance(categories, Mapping) and "categories" in categories:
        categories = categories["categories"]
    if isinstance(categories, Mapping):
        return {int(k): str(v) for k, v in categories.items()}
    out: dict[int, str] = {}
    for index, item in enumerate(categories or ()):
        if not isinstance(item, Mapping) or "id" not in item or "name" not in item:
            raise BuildError(f"categories[{index}] must be an object with 'id' and 'name'")
        out[int(item["id"])] = str(item["name"])
    return out


def _keypoint_names(categories: Any) -> dict[int, list[str]]:
    if isinstance(categories, Mapping) and "categories" in categories:
        categories = categories["categories"]
    if isinstance(categories, Mapping):
        return {}
    return {
        int(item["id"]): [str(n) for n in item["keypoints"]]
        for item in categories or ()
        if isinstance(item, Mapping) and item.get("keypoints")
    }


def group_by_image(annotations: Iterable[Mapping[str, Any]]) -> dict[int, list[Mapping[str, Any]]]:
    """Annotations (or results) grouped by ``image_id``, in one pass, input order kept.

    >>> group_by_image([{"image_id": 2, "id": 1}, {"image_id": 1}, {"image_id": 2, "id": 3}])
    {2: [{'image_id': 2, 'id': 1}, {'image_id': 2, 'id': 3}], 1: [{'image_id': 1}]}
    """
    groups: dict[int, list[Mapping[str, Any]]] = {}
    for index, item in enumerate(annotations):
        if not isinstance(item, Mapping) or "image_id" not in item:
            raise BuildError(f"annotation {index} must be an object with 'image_id'")
        groups.setdefault(_int_id(item["image_id"], f"annotation {index} image_id"), []).append(
            item
        )
    return groups


def _int_id(value: Any, what: str) -> int:
    if isinstance(value, bool):
        raise BuildError(f"{what} must be an integer, got {value!r}")
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise BuildError(f"{what} must be an integer, got {value!r}") from None
    if number != value and str(number) != str(value):
        raise BuildError(f"{what} must be an integer, got {value!r}")
    return number


# --- drawing one image's annotations -------------------------------------------------------


class _Drawer:
    """The controls of one config and their LabelMaps, reused for every image."""

    def __init__(
        self,
        *,
        boxes: ControlTag | None,
        masks: ControlTag | None,
        keypoints: ControlTag | None,
        labels_control: Labels | None,
        categories: Mapping[int, str],
        keypoint_names: Mapping[int, Sequence[str]],
        label_map: ClassMap | None,
        keypoint_label_map: ClassMap | None,
        unmapped: Unmapped,
        min_score: float | None,
        clip: bool,
        skip_crowd: bool,
    ) -> None:
        if boxes is None and masks is None and keypoints is None:
            raise BuildError("give at least one of boxes=, masks=, keypoints= (control names)")
        for control, kinds, role in (
            (boxes, BOX_CONTROLS, "boxes"),
            (masks, MASK_CONTROLS, "masks"),
            (keypoints, KEYPOINT_CONTROLS, "keypoints"),
        ):
            if control is not None and not isinstance(control, kinds):
                allowed = " / ".join(f"<{k.tag}>" for k in kinds)
                raise BuildError(f"{role} go to {allowed}, not to {describe(control)}")
        self.controls = {"boxes": boxes, "masks": masks, "keypoints": keypoints}
        self.labels_control = labels_control
        self.categories = dict(categories)
        self.keypoint_names = {k: list(v) for k, v in keypoint_names.items()}
        self.min_score = min_score
        self.clip = clip
        self.skip_crowd = skip_crowd
        self.maps: dict[str, LabelMap] = {}
        by_control: dict[int, LabelMap] = {}
        for role, control in self.controls.items():
            if control is None:
                continue
            labeling = labeling_control(control, labels_control if not control.has_labels else None)
            if labeling is None:
                continue
            if role == "keypoints":
                self.maps[role] = label_mapper(
                    labeling, class_names=None, label_map=keypoint_label_map, unmapped=unmapped
                )
            else:
                # Boxes and masks labeled by one control share its LabelMap.
                found = by_control.get(id(labeling))
                if found is None:
                    found = label_mapper(
                        labeling,
                        class_names=None if isinstance(label_map, LabelMap) else self.categories,
                        label_map=label_map,
                        unmapped=unmapped,
                    )
                    by_control[id(labeling)] = found
                self.maps[role] = found

    def _labels_control(self, control: ControlTag) -> Labels | None:
        return None if control.has_labels else self.labels_control

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
        scores = _scores(items, where)
        if self.min_score is not None and scores is not None:
            low = scores < self.min_score
            if low.any():
                counts["score below min_score"] += int(low.sum())
                items = [a for a, out in zip(items, low.tolist(), strict=True) if not out]
                scores = scores[~low]
        if scores is None and self.min_score is not None and items:
            raise BuildError(f"{where}: min_score= needs scores, and the annotations have none")
        categories = np.array(
            [_int_id(a.get("category_id"), f"{where} category_id") for a in items],
            dtype=np.int64,
        )
        out: list[Region] = []
        if self.controls["boxes"] is not None:
            out += self._boxes(items, categories, scores, image_wh, counts, where)
        if self.controls["masks"] is not None:
            out += self._masks(items, categories, scores, image_wh, counts, where)
        if self.controls["keypoints"] is not None:
            out += self._keypoints(items, categories, scores, image_wh, counts, where)
        return out

    def _boxes(
        self,
        items: list[Mapping[str, Any]],
        categories: npt.NDArray[np.int64],
        scores: npt.NDArray[np.float64] | None,
        image_wh: tuple[int, int],
        counts: collections.Counter[str],
        where: str,
    ) -> list[Region]:
        control = cast(ControlTag, self.controls["boxes"])
        rows, boxes = [], []
        for index, item in enumerate(items):
            bbox = item.get("bbox")
            if bbox is None:
                continue
            if not isinstance(bbox, Sequence) or len(bbox) != 4:
                raise BuildError(f"{where} annotation {index}: bbox must be [x, y, width, height]")
            if not (float(bbox[2]) > 0 and float(bbox[3]) > 0):
                counts["empty box"] += 1
                continue
            rows.append(index)
            boxes.append([float(v) for v in bbox])
        if not rows:
            return []
        try:
            return box_regions(
                control,
                np.array(boxes, dtype=np.float64),
                image_wh=image_wh,
                fmt="xywh",
                units="px",
                class_ids=categories[rows] if self.maps.get("boxes") else None,
                label_map=self.maps.get("boxes"),
                scores=None if scores is None else scores[rows],
                labels_control=self._labels_control(control),
                clip=self.clip,
            )
        except BuildError as exc:
            raise type(exc)(f"{where} boxes: {exc}") from None

    def _masks(
        self,
        items: list[Mapping[str, Any]],
        categories: npt.NDArray[np.int64],
        scores: npt.NDArray[np.float64] | None,
        image_wh: tuple[int, int],
        counts: collections.Counter[str],
        where: str,
    ) -> list[Region]:
        control = cast(ControlTag, self.controls["masks"])
        as_masks = isinstance(control, (BrushBuilder, BitmaskBuilder))
        width, height = image_wh
        rows: list[int] = []
        shapes: list[Any] = []
        for index, item in enumerate(items):
            segmentation = item.get("segmentation")
            if not segmentation:
                continue
            if isinstance(segmentation, Mapping):
                if not as_masks:
                    counts["RLE segmentation on a polygon control"] += 1
                    continue
                try:
                    mask = decode_coco_rle(segmentation)
                except BuildError as exc:
                    raise BuildError(f"{where} annotation {index}: {exc}") from None
                if mask.shape != (height, width):
                    raise BuildError(
                        f"{where} annotation {index}: segmentation size "
                        f"{list(mask.shape)} (height, width) does not match the image "
                        f"({width}x{height})"
                    )
                if not mask.any():
                    counts["empty mask"] += 1
                    continue
                shapes.append(mask)
            else:
                parts = _polygon_parts(segmentation, f"{where} annotation {index}")
                if not parts:
                    counts["degenerate polygon"] += 1
                    continue
                shapes.append(parts)
            rows.append(index)
        if not rows:
            return []
        common: dict[str, Any] = {
            "class_ids": categories[rows] if self.maps.get("masks") else None,
            "label_map": self.maps.get("masks"),
            "scores": None if scores is None else scores[rows],
            "labels_control": self._labels_control(control),
        }
        try:
            if not as_masks:
                return polygon_regions(control, shapes, image_wh=image_wh, clip=self.clip, **common)
            stack: npt.NDArray[np.bool_] = np.zeros((len(shapes), height, width), dtype=bool)
            for slot, shape in enumerate(shapes):
                stack[slot] = (
                    shape if isinstance(shape, np.ndarray) else polygon_to_mask(shape, image_wh)
                )
            empty = ~stack.reshape(len(shapes), -1).any(axis=1)
            if empty.any():
                counts["empty mask"] += int(empty.sum())
                stack = stack[~empty]
                common["class_ids"] = (
                    None if common["class_ids"] is None else common["class_ids"][~empty]
                )
                common["scores"] = None if common["scores"] is None else common["scores"][~empty]
            return mask_regions(control, stack, image_wh=image_wh, **common)
        except BuildError as exc:
            raise type(exc)(f"{where} masks: {exc}") from None

    def _keypoints(
        self,
        items: list[Mapping[str, Any]],
        categories: npt.NDArray[np.int64],
        scores: npt.NDArray[np.float64] | None,
        image_wh: tuple[int, int],
        counts: collections.Counter[str],
        where: str,
    ) -> list[Region]:
        control = cast(ControlTag, self.controls["keypoints"])
        out: list[Region] = []
        groups: dict[int, list[int]] = {}
        for index, item in enumerate(items):
            if item.get("keypoints"):
                groups.setdefault(int(categories[index]), []).append(index)
        for category, rows in groups.items():
            names = self.keypoint_names.get(category)
            if not names:
                raise BuildError(
                    f"{where}: category {category} has keypoints but no keypoint names "
                    "(the dataset's categories[].keypoints, or keypoint_names=)"
                )
            points = []
            for index in rows:
                flat = np.asarray(items[index]["keypoints"], dtype=np.float64)
                if flat.size != 3 * len(names):
                    raise BuildError(
                        f"{where} annotation {index}: {flat.size} keypoint values, expected "
                        f"{3 * len(names)} (x, y, v for {len(names)} keypoints)"
                    )
                points.append(flat.reshape(len(names), 3))
            per_point = None
            if scores is not None:
                per_point = np.repeat(scores[rows][:, None], len(names), axis=1)
            try:
                out += pose_regions(
                    control,
                    np.stack(points),
                    keypoint_names=names,
                    image_wh=image_wh,
                    scores=per_point,
                    label_map=self.maps.get("keypoints"),
                    labels_control=self._labels_control(control),
                    clip=self.clip,
                    counts=counts,
                )
            except BuildError as exc:
                raise type(exc)(f"{where} keypoints: {exc}") from None
        return out


def _scores(items: Sequence[Mapping[str, Any]], where: str) -> npt.NDArray[np.float64] | None:
    found = [item.get("score") for item in items]
    if all(score is None for score in found):
        return None
    if any(score is None for score in found):
        index = found.index(None)
        raise BuildError(f"{where}: annotation {index} has no score while others have one")
    return np.asarray(found, dtype=np.float64)


def _polygon_parts(segmentation: Any, where: str) -> list[npt.NDArray[np.float64]]:
    """COCO polygon parts (flat ``[x1, y1, x2, y2, ...]`` lists) with 3 points or more."""
    if not isinstance(segmentation, Sequence) or isinstance(segmentation, (str, bytes)):
        raise BuildError(f"{where}: segmentation must be a list of polygons or an RLE object")
    parts = segmentation
    if parts and not isinstance(parts[0], Sequence):
        parts = [parts]  # a single flat polygon, as some exporters write it
    out: list[npt.NDArray[np.float64]] = []
    for number, part in enumerate(parts):
        flat = np.asarray(part, dtype=np.float64)
        if flat.ndim != 1 or flat.size % 2:
            raise BuildError(
                f"{where}: polygon {number} must be a flat list of x, y pairs, got "
                f"{flat.size} values"
            )
        if flat.size >= 6:
            out.append(flat.reshape(-1, 2))
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
    drawer = _Drawer(
        boxes=boxes,
        masks=masks,
        keypoints=keypoints,
        labels_control=labels_control,
        categories=coco_categories(categories),
        keypoint_names=_keypoint_names(categories),
        label_map=label_map,
        keypoint_label_map=keypoint_label_map,
        unmapped=unmapped,
        min_score=min_score,
        clip=clip,
        skip_crowd=skip_crowd,
    )
    return drawer.regions(annotations, image_wh, collections.Counter(), "image")


# --- tasks ---------------------------------------------------------------------------------


def _image_records(images: Any) -> list[dict[str, Any]]:
    """Image records ``{id, width, height, ...}`` from a dataset, a list, or ``{id: (w, h)}``."""
    if isinstance(images, Mapping) and "images" in images:
        images = images["images"]
    records: list[dict[str, Any]] = []
    if isinstance(images, Mapping):
        for key, size in images.items():
            if isinstance(size, Mapping):
                record = dict(size)
                record.setdefault("id", key)
            else:
                try:
                    width, height = size
                except (TypeError, ValueError):
                    raise BuildError(
                        f"image sizes must map image id -> (width, height), got {size!r} for "
                        f"{key!r}"
                    ) from None
                record = {"id": key, "width": width, "height": height}
            records.append(record)
    elif isinstance(images, Sequence) and not isinstance(images, (str, bytes)):
        records = [dict(r) if isinstance(r, Mapping) else {"bad": r} for r in images]
    else:
        raise BuildError(
            "images must be a COCO dataset, a list of image records, or {image_id: (width, "
            f"height)}}; got {type(images).__name__}"
        )
    for index, record in enumerate(records):
        if "bad" in record or not {"id", "width", "height"} <= record.keys():
            raise BuildError(f"image {index} must have 'id', 'width' and 'height'")
        record["id"] = _int_id(record["id"], f"image {index} id")
        for key in ("width", "height"):
            value = record[key]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise BuildError(f"image {record['id']}: {key} must be a positive number")
            if float(value) != int(value):
                raise BuildError(f"image {record['id']}: {key} must be a whole number of pixels")
            record[key] = int(value)
    return records


def _default_url(record: Mapping[str, Any]) -> str:
    for key in ("coco_url", "flickr_url", "file_name"):
        value = record.get(key)
        if isinstance(value, str) and value:
            return value
    raise BuildError(
        f"image {record.get('id')} has no coco_url, flickr_url or file_name; pass image_url= "
        "(a template such as '/data/local-files/?d=coco/{file_name}', or a function)"
    )


def coco_results_to_tasks(
    results: str | os.PathLike[str] | Iterable[Mapping[str, Any]],
    images: Any,
    config: LabelConfig,
    *,
    categories: Any = None,
    boxes: str | None = None,
    masks: str | None = None,
    keypoints: str | None = None,
    labels: str | None = None,
    image_url: ImageURL = None,
    model_version: str = "coco-results",
    label_map: ClassMap | None = None,
    keypoint_label_map: ClassMap | None = None,
    unmapped: Unmapped = "error",
    min_score: float | None = None,
    clip: bool = False,
    with_ground_truth: bool = False,
    skip_crowd: bool = False,
    skip_empty: bool = False,
    check: bool = True,
) -> TaskStream:
    """One task per image, with the detections of a COCO results file as its prediction.

    Args:
        results: the results file (path) or its list of detections.
        images: the COCO dataset (path or dict; gives sizes, file names and categories), a
            list of image records ``{id, width, height, file_name?}``, or
            ``{image_id: (width, height)}``.
        config: the labeling config.
        categories: ``{id: name}`` or a categories list, when ``images`` is not a dataset.
        boxes, masks, keypoints: names of the controls to draw on. With none given, every
            matching control of the config is used (one box, one mask/polygon and one
            keypoint control at most).
        labels: the ``<Labels>`` that labels unlabeled tools (default: the only one).
        image_url: a ``str.format`` template over the image record (``"s3://b/{file_name}"``)
            or a function of it; default ``coco_url``, ``flickr_url`` or ``file_name``.
        model_version: the predictions' model version.
        label_map: category (name or id) -> label; keypoint_label_map: keypoint name -> label.
        unmapped: ``"error"`` (default) or ``"drop"`` for categories without a label.
        min_score: leave out detections scoring below this.
        clip: clip boxes and points that stick out of the image instead of refusing them.
        with_ground_truth: also add each image's dataset annotations as an annotation (needs
            the dataset as ``images``), to review the model against it.
        skip_crowd: with ``with_ground_truth``: leave out the dataset's ``iscrowd``
            annotations.
        skip_empty: make no task for an image without detections.
        check: validate each task against the config as it is made (raises
            :class:`~prelabel.ValidationError`).

    Returns:
        A :class:`TaskStream` of :class:`~prelabel.Task` (iterate it once); its ``dropped``
        and ``skipped`` say what was left out.

    Raises:
        BuildError: a detection on an image without a size, malformed input (with the image
            and annotation index), or geometry a builder refuses.
    """
    dataset = read_json(images, "COCO dataset")
    detections = read_json(results, "COCO results file")
    if isinstance(detections, Mapping) and "annotations" in detections:
        detections = detections["annotations"]
    if not isinstance(detections, Iterable) or isinstance(detections, (str, bytes, Mapping)):
        raise BuildError("a COCO results file must be a list of detections")
    records = _image_records(dataset)
    grouped = group_by_image(detections)
    known = {r["id"] for r in records}
    unknown = [i for i in grouped if i not in known]
    if unknown:
        shown = ", ".join(map(str, unknown[:5])) + (" ..." if len(unknown) > 5 else "")
        raise BuildError(
            f"{len(unknown)} image id(s) in the results have no image record (size): {shown}"
        )
    truth: dict[int, list[Mapping[str, Any]]] = {}
    if with_ground_truth:
        if not isinstance(dataset, Mapping) or "annotations" not in dataset:
            raise BuildError("with_ground_truth=True needs the COCO dataset (with annotations)")
        truth = group_by_image(dataset["annotations"])
    source = categories
    if source is None and isinstance(dataset, Mapping) and "categories" in dataset:
        source = dataset
    names = coco_categories(source) if source is not None else {}
    if not names:
        raise BuildError("no categories: pass the COCO dataset as images=, or categories=")
    box, mask, point, labels_control = image_controls(config, boxes, masks, keypoints, labels)
    target = image_target((box, mask, point))
    common: dict[str, Any] = {
        "boxes": box,
        "masks": mask,
        "keypoints": point,
        "labels_control": labels_control,
        "categories": names,
        "keypoint_names": _keypoint_names(source),
        "label_map": label_map,
        "keypoint_label_map": keypoint_label_map,
        "unmapped": unmapped,
        "clip": clip,
    }
    drawer = _Drawer(min_score=min_score, skip_crowd=False, **common)
    reviewer = (
        _Drawer(min_score=None, skip_crowd=skip_crowd, **common) if with_ground_truth else None
    )
    url = url_maker(image_url, _default_url)
    counts: collections.Counter[str] = collections.Counter()

    def tasks() -> Iterator[Task]:
        for record in records:
            found = grouped.get(record["id"], [])
            if skip_empty and not found:
                continue
            wh = (record["width"], record["height"])
            where = f"image {record['id']}"
            prediction = Prediction(
                drawer.regions(found, wh, counts, where), model_version=model_version
            )
            task = Task(
                task_data(target, url(record)),
                predictions=[prediction],
                meta={"coco_image_id": record["id"]},
            )
            if reviewer is not None:
                regions = reviewer.regions(truth.get(record["id"], []), wh, counts, where)
                task.annotations = [Prediction(regions).to_annotation()]
            yield task

    def maps() -> list[LabelMap]:
        found = list(drawer.maps.values())
        if reviewer is not None:
            found += reviewer.maps.values()
        return list({id(m): m for m in found}.values())

    return TaskStream(tasks(), maps=maps, skipped=counts, check=task_checker(config, check))


def coco_to_tasks(
    coco: CocoSource,
    config: LabelConfig,
    *,
    into: Into = "annotations",
    boxes: str | None = None,
    masks: str | None = None,
    keypoints: str | None = None,
    labels: str | None = None,
    image_url: ImageURL = None,
    model_version: str = "coco",
    label_map: ClassMap | None = None,
    keypoint_label_map: ClassMap | None = None,
    unmapped: Unmapped = "error",
    clip: bool = False,
    skip_crowd: bool = False,
    skip_empty: bool = False,
    check: bool = True,
) -> TaskStream:
    """One task per image of a COCO dataset, its annotations as annotations or a prediction.

    Args:
        coco: the dataset (path or dict with ``images``, ``annotations``, ``categories``).
        config: the labeling config.
        into: ``"annotations"`` (default: imported as ground truth to review or train on) or
            ``"predictions"`` (shown as pre-annotations, with ``model_version``).
        skip_crowd: leave out ``iscrowd`` annotations (crowd regions as RLE masks).
        boxes, masks, keypoints, labels, image_url, model_version, label_map,
            keypoint_label_map, unmapped, clip, skip_empty, check: as in
            :func:`coco_results_to_tasks`.
    """
    dataset = read_json(coco, "COCO dataset")
    if not isinstance(dataset, Mapping) or "images" not in dataset:
        raise BuildError("a COCO dataset must be an object with 'images' (and 'annotations')")
    if into not in ("annotations", "predictions"):
        raise BuildError(f"into must be 'annotations' or 'predictions', got {into!r}")
    records = _image_records(dataset)
    grouped = group_by_image(dataset.get("annotations") or [])
    box, mask, point, labels_control = image_controls(config, boxes, masks, keypoints, labels)
    target = image_target((box, mask, point))
    drawer = _Drawer(
        boxes=box,
        masks=mask,
        keypoints=point,
        labels_control=labels_control,
        categories=coco_categories(dataset),
        keypoint_names=_keypoint_names(dataset),
        label_map=label_map,
        keypoint_label_map=keypoint_label_map,
        unmapped=unmapped,
        min_score=None,
        clip=clip,
        skip_crowd=skip_crowd,
    )
    url = url_maker(image_url, _default_url)
    counts: collections.Counter[str] = collections.Counter()

    def tasks() -> Iterator[Task]:
        for record in records:
            found = grouped.get(record["id"], [])
            if skip_empty and not found:
                continue
            wh = (record["width"], record["height"])
            regions = drawer.regions(found, wh, counts, f"image {record['id']}")
            data = task_data(target, url(record))
            meta = {"coco_image_id": record["id"]}
            if into == "predictions":
                prediction = Prediction(regions, model_version=model_version)
                yield Task(data, predictions=[prediction], meta=meta)
            else:
                yield Task(data, annotations=[Prediction(regions).to_annotation()], meta=meta)

    def maps() -> list[LabelMap]:
        return list({id(m): m for m in drawer.maps.values()}.values())

    return TaskStream(tasks(), maps=maps, skipped=counts, check=task_checker(config, check))
