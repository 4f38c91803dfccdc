"""A YOLO dataset folder to a task stream: label files matched to images, image sizes from
the headers or a table, one task per image."""

from __future__ import annotations

import collections
import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from ...config import LabelConfig
from ...errors import BuildError
from ...media._imagesize import IMAGE_SUFFIXES, image_size
from ...tasks import Task
from .._controls import image_controls
from .._labeling import ClassMap, ClassNames, LabelOptions, Unmapped
from .._tasks import (
    ImageURL,
    Into,
    TaskStream,
    build_task,
    image_target,
    read_json,
    task_checker,
    task_data,
    url_maker,
)
from ._draw import Drawer
from ._files import YoloTask, parse_yolo
from ._names import read_class_names

__all__ = ["yolo_to_tasks"]


def _natural(name: str) -> list[Any]:
    return [int(p) if p.isdigit() else p.lower() for p in re.split(r"(\d+)", name)]


def _size_lookup(
    image_sizes: Any,
) -> Callable[[str, str], tuple[int, int] | None] | None:
    if image_sizes is None:
        return None
    table = read_json(image_sizes, "image sizes file")
    if callable(table):
        sizer = table

        def call(name: str, stem: str) -> tuple[int, int] | None:
            found = sizer(name)
            return None if found is None else (int(found[0]), int(found[1]))

        return call
    if not isinstance(table, Mapping):
        raise BuildError("image_sizes must map image name -> (width, height), or be a function")

    def look(name: str, stem: str) -> tuple[int, int] | None:
        found = table.get(name, table.get(stem))
        if found is None:
            return None
        if isinstance(found, Mapping):
            found = (found.get("width"), found.get("height"))
        try:
            width, height = int(found[0]), int(found[1])
        except (TypeError, ValueError, IndexError, KeyError):
            raise BuildError(
                f"image size for {name!r} must be (width, height), got {found!r}"
            ) from None
        return width, height

    return look


def yolo_to_tasks(
    labels_dir: str | os.PathLike[str],
    config: LabelConfig,
    *,
    class_names: ClassNames | str | os.PathLike[str],
    images_dir: str | os.PathLike[str] | None = None,
    image_sizes: Any = None,
    image_url: ImageURL = None,
    task: YoloTask = "auto",
    kpt_shape: tuple[int, int] | None = None,
    keypoint_names: Sequence[str] | None = None,
    boxes: str | None = None,
    masks: str | None = None,
    keypoints: str | None = None,
    labels: str | None = None,
    into: Into = "predictions",
    model_version: str = "yolo",
    label_map: ClassMap | None = None,
    keypoint_label_map: ClassMap | None = None,
    unmapped: Unmapped = "error",
    min_score: float | None = None,
    clip: bool = False,
    skip_empty: bool = False,
    check: bool = True,
) -> TaskStream:
    """One task per image of a YOLO label/prediction folder.

    Args:
        labels_dir: the folder of ``.txt`` files (``runs/detect/predict/labels``).
        config: the labeling config.
        class_names: the model's class names: a list, ``{id: name}``, or a file
            (``classes.txt``, ``data.yaml``, ``.json``).
        images_dir: the images. When given, every image makes a task (an image without a
            ``.txt`` has no objects, as YOLO writes it) and sizes are read from the headers.
        image_sizes: image name or stem -> ``(width, height)`` (a dict, a JSON file, or a
            function of the name); needed without ``images_dir``.
        image_url: a ``str.format`` template over ``{name}`` (image file name, or the stem
            without ``images_dir``), ``{stem}`` and ``{path}`` (relative to ``images_dir``),
            or a function of that record; default ``{name}``, which does not load in Label
            Studio and fails validation: give the URL it serves the image under
            (``"/data/local-files/?d=images/{name}"``, docs/media.md).
        task, kpt_shape: the line shape (see :func:`parse_yolo`).
        keypoint_names: names of the pose keypoints, in order.
        boxes, masks, keypoints, labels: control names; by default the config's only matching
            controls (see :func:`prelabel.adapters.coco_results_to_tasks`).
        into: ``"predictions"`` (default, with ``model_version``) or ``"annotations"``.
        label_map, keypoint_label_map, unmapped, min_score, clip, skip_empty, check: as in
            :func:`prelabel.adapters.coco_results_to_tasks`.

    Returns:
        A :class:`TaskStream` (iterate it once); ``skipped`` counts label files without an
        image and objects under ``min_score``.
    """
    root = Path(labels_dir)
    if not root.is_dir():
        raise BuildError(f"{root} is not a directory of YOLO .txt files")
    names = (
        read_class_names(class_names)
        if isinstance(class_names, (str, os.PathLike))
        else class_names
    )
    controls = image_controls(config, boxes, masks, keypoints, labels)
    target = image_target(controls.tools)
    options = LabelOptions(label_map, keypoint_label_map, unmapped)
    drawer = Drawer(controls, names, keypoint_names, options, min_score=min_score, clip=clip)
    sizes = _size_lookup(image_sizes)
    if images_dir is None and sizes is None:
        raise BuildError(
            "YOLO files do not store image sizes: pass images_dir= (sizes are read from the "
            "image headers) or image_sizes= (name -> (width, height))"
        )
    url = url_maker(image_url, lambda record: str(record["name"]))
    counts: collections.Counter[str] = collections.Counter()

    def items() -> Iterator[tuple[dict[str, Any], Path | None, tuple[int, int] | None]]:
        if images_dir is None:
            files = [p for p in root.glob("*.txt") if p.name != "classes.txt"]
            for path in sorted(files, key=lambda p: _natural(p.name)):
                record = {"name": path.stem, "stem": path.stem, "path": path.stem}
                yield record, path, None
            return
        base = Path(images_dir)
        images = [p for p in base.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES]
        stems = set()
        for image in sorted(images, key=lambda p: _natural(p.relative_to(base).as_posix())):
            stems.add(image.stem)
            label = root / f"{image.stem}.txt"
            record = {
                "name": image.name,
                "stem": image.stem,
                "path": image.relative_to(base).as_posix(),
            }
            yield record, label if label.exists() else None, None
        orphans = [p for p in root.glob("*.txt") if p.stem not in stems and p.name != "classes.txt"]
        if orphans:
            counts["label file without an image"] += len(orphans)

    def tasks() -> Iterator[Task]:
        for record, label, _ in items():
            name, stem = str(record["name"]), str(record["stem"])
            where = label.as_posix() if label is not None else name
            wh = sizes(name, stem) if sizes is not None else None
            if wh is None:
                if images_dir is None:
                    raise BuildError(f"no image size for {name!r} in image_sizes")
                wh = image_size(Path(images_dir) / str(record["path"]))
            text = label.read_text(encoding="utf-8") if label is not None else ""
            found = parse_yolo(text, task=task, kpt_shape=kpt_shape, where=where)
            if skip_empty and not len(found):
                continue
            regions = drawer.regions(found, wh, counts, where)
            version = model_version if into == "predictions" else None
            yield build_task(task_data(target, url(record)), regions, version, None, into)

    return TaskStream(
        tasks(), maps=drawer.maps.all, skipped=counts, check=task_checker(config, check)
    )
