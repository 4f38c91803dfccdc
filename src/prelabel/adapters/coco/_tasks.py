"""COCO datasets and results files to task streams, one task per image."""

from __future__ import annotations

import collections
import os
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from ...config import LabelConfig
from ...errors import BuildError
from ...labelmap import LabelMap
from ...tasks import Prediction, Task
from .._controls import image_controls
from .._labeling import ClassMap, LabelOptions, Unmapped
from .._tasks import (
    ImageURL,
    Into,
    TaskStream,
    image_target,
    read_json,
    task_checker,
    task_data,
    url_maker,
)
from ._draw import Drawer
from ._records import CocoSource, coco_categories, default_url, group_by_image, image_records

__all__ = ["coco_results_to_tasks", "coco_to_tasks"]


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
            or a function of it; default ``coco_url``, ``flickr_url`` or ``file_name`` (a bare
            file name does not load in Label Studio and fails validation: docs/media.md).
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
    records = image_records(dataset)
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
    if not (coco_categories(source) if source is not None else {}):
        raise BuildError("no categories: pass the COCO dataset as images=, or categories=")
    controls = image_controls(config, boxes, masks, keypoints, labels)
    target = image_target(controls.tools)
    options = LabelOptions(label_map, keypoint_label_map, unmapped)
    drawer = Drawer(controls, source, options, min_score=min_score, clip=clip, skip_crowd=False)
    reviewer = (
        Drawer(controls, source, options, min_score=None, clip=clip, skip_crowd=skip_crowd)
        if with_ground_truth
        else None
    )
    url = url_maker(image_url, default_url)
    counts: collections.Counter[str] = collections.Counter()

    def tasks() -> Iterator[Task]:
        for record, found, wh, where in _images(records, grouped, skip_empty):
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

    return _stream(config, check, tasks(), counts, drawer, reviewer)


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
    records = image_records(dataset)
    grouped = group_by_image(dataset.get("annotations") or [])
    controls = image_controls(config, boxes, masks, keypoints, labels)
    target = image_target(controls.tools)
    options = LabelOptions(label_map, keypoint_label_map, unmapped)
    drawer = Drawer(controls, dataset, options, min_score=None, clip=clip, skip_crowd=skip_crowd)
    url = url_maker(image_url, default_url)
    counts: collections.Counter[str] = collections.Counter()

    def tasks() -> Iterator[Task]:
        for record, found, wh, where in _images(records, grouped, skip_empty):
            regions = drawer.regions(found, wh, counts, where)
            data = task_data(target, url(record))
            meta = {"coco_image_id": record["id"]}
            if into == "predictions":
                prediction = Prediction(regions, model_version=model_version)
                yield Task(data, predictions=[prediction], meta=meta)
            else:
                yield Task(data, annotations=[Prediction(regions).to_annotation()], meta=meta)

    return _stream(config, check, tasks(), counts, drawer)


def _images(
    records: list[dict[str, Any]], grouped: Mapping[int, list[Mapping[str, Any]]], skip_empty: bool
) -> Iterator[tuple[dict[str, Any], list[Mapping[str, Any]], tuple[int, int], str]]:
    """Each image record with its annotations, size and name for messages, in dataset order."""
    for record in records:
        found = grouped.get(record["id"], [])
        if skip_empty and not found:
            continue
        yield record, found, (record["width"], record["height"]), f"image {record['id']}"


def _stream(
    config: LabelConfig,
    check: bool,
    tasks: Iterator[Task],
    counts: collections.Counter[str],
    *drawers: Drawer | None,
) -> TaskStream:
    def maps() -> list[LabelMap]:
        found = [m for d in drawers if d is not None for m in d.maps.all()]
        return list({id(m): m for m in found}.values())

    return TaskStream(tasks, maps=maps, skipped=counts, check=task_checker(config, check))
