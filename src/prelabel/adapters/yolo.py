"""YOLO txt label and prediction files to Label Studio.

One ``.txt`` per image, one object per line, every coordinate normalized to 0-1; an optional
last column is the confidence (``save_conf=True``). The line shapes, by task:

* detect: ``class cx cy w h [conf]``
* segment: ``class x1 y1 x2 y2 ... xn yn [conf]`` (a polygon of 3 points or more)
* obb: ``class x1 y1 x2 y2 x3 y3 x4 y4 [conf]`` (corners of an oriented box)
* pose: ``class cx cy w h`` then K keypoints of 2 or 3 values (``x y [visibility]``)

Detect and segment lines are told apart by their length (``task="auto"``); an oriented box
reads like a 4-point polygon, and a pose line needs its ``kpt_shape``, so name those tasks.
YOLO files do not store image sizes: give them (``image_sizes``) or the images (their
headers are read).
"""

from __future__ import annotations

import ast
import collections
import dataclasses
import json
import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, TypeAlias, cast

import numpy as np
import numpy.typing as npt

from ..config import LabelConfig
from ..errors import BuildError
from ..labelmap import LabelMap
from ..results import Region
from ..tags.base import ControlTag
from ..tags.controls import Labels
from ..tasks import Task
from ._common import (
    BOX_CONTROLS,
    KEYPOINT_CONTROLS,
    MASK_CONTROLS,
    ClassMap,
    ClassNames,
    Into,
    TaskStream,
    Unmapped,
    build_task,
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
from ._imagesize import IMAGE_SUFFIXES, image_size
from .arrays import box_regions, polygon_regions, pose_regions

__all__ = [
    "YoloLabels",
    "YoloTask",
    "parse_yolo",
    "read_class_names",
    "yolo_regions",
    "yolo_to_tasks",
]

YoloTask: TypeAlias = Literal["auto", "detect", "segment", "obb", "pose"]
ImageURL = str | Callable[[Mapping[str, Any]], str] | None


@dataclasses.dataclass(frozen=True)
class YoloLabels:
    """The objects of one YOLO file; every coordinate normalized (0-1 of width / height).

    Attributes:
        task: ``"detect"``, ``"segment"``, ``"obb"`` or ``"pose"``.
        class_ids: ``(N,)`` class indices.
        scores: ``(N,)`` confidences, or None when the file has no confidence column.
        boxes: ``(N, 4)`` ``cx, cy, w, h`` (detect, pose), else None.
        polygons: ``N`` arrays of ``(K, 2)`` vertices (segment), else None.
        corners: ``(N, 4, 2)`` oriented-box corners (obb), else None.
        keypoints: ``(N, K, 2)`` or ``(N, K, 3)`` (pose), else None.
    """

    task: Literal["detect", "segment", "obb", "pose"]
    class_ids: npt.NDArray[np.int64]
    scores: npt.NDArray[np.float64] | None = None
    boxes: npt.NDArray[np.float64] | None = None
    polygons: list[npt.NDArray[np.float64]] | None = None
    corners: npt.NDArray[np.float64] | None = None
    keypoints: npt.NDArray[np.float64] | None = None

    def __len__(self) -> int:
        return int(self.class_ids.shape[0])


def parse_yolo(
    text: str,
    *,
    task: YoloTask = "auto",
    kpt_shape: tuple[int, int] | None = None,
    where: str = "<text>",
) -> YoloLabels:
    """Parse the text of one YOLO label or prediction file.

    Args:
        text: the file's content.
        task: the line shape (see the module); ``"auto"`` tells detect from segment.
        kpt_shape: ``(K, 2 or 3)`` for ``task="pose"``, as in the dataset's ``data.yaml``.
        where: the file name, for messages (``labels/img1.txt:3: ...``).

    Raises:
        BuildError: a value that is not a number, a class id that is not a whole number
            0 or more, a line of the wrong length, or lines with and without confidence.

    >>> labels = parse_yolo("0 0.5 0.5 0.2 0.4 0.91\\n2 0.1 0.1 0.1 0.1 0.55\\n")
    >>> labels.task, labels.class_ids.tolist(), labels.scores.tolist()
    ('detect', [0, 2], [0.91, 0.55])
    >>> parse_yolo("1 0.1 0.1 0.4 0.1 0.4 0.5").polygons[0].tolist()
    [[0.1, 0.1], [0.4, 0.1], [0.4, 0.5]]
    """
    if task not in ("auto", "detect", "segment", "obb", "pose"):
        raise BuildError(f"task must be auto, detect, segment, obb or pose; got {task!r}")
    if task == "pose":
        if kpt_shape is None or len(kpt_shape) != 2 or kpt_shape[1] not in (2, 3):
            raise BuildError("task='pose' needs kpt_shape=(K, 2) or (K, 3), as in data.yaml")
    elif kpt_shape is not None:
        raise BuildError("kpt_shape= is only for task='pose'")
    rows: list[tuple[int, int, npt.NDArray[np.float64]]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        fields = line.split()
        if not fields:
            continue
        try:
            values = np.array([float(f) for f in fields], dtype=np.float64)
        except ValueError:
            bad = next(f for f in fields if not _is_number(f))
            raise BuildError(f"{where}:{number}: {bad!r} is not a number") from None
        if not np.isfinite(values).all():
            raise BuildError(f"{where}:{number}: values must be finite")
        cls = values[0]
        if cls < 0 or cls != int(cls):
            raise BuildError(f"{where}:{number}: class {fields[0]!r} is not a class index")
        rows.append((number, int(cls), values[1:]))
    kinds = {_line_kind(len(v), task, kpt_shape, f"{where}:{n}") for n, _, v in rows}
    shapes = {kind for kind, _ in kinds}
    if len(shapes) > 1:
        raise BuildError(
            f"{where} mixes box lines and polygon lines; pass task='detect' or task='segment'"
        )
    confs = {conf for _, conf in kinds}
    if len(confs) > 1:
        raise BuildError(f"{where}: some lines have a confidence column and some do not")
    kind = cast(
        Literal["detect", "segment", "obb", "pose"],
        shapes.pop() if shapes else ("detect" if task == "auto" else task),
    )
    has_conf = bool(confs and confs.pop())
    ids = np.array([cls for _, cls, _ in rows], dtype=np.int64)
    scores = np.array([v[-1] for _, _, v in rows], dtype=np.float64) if has_conf else None
    body = [v[:-1] if has_conf else v for _, _, v in rows]
    if kind == "detect":
        return YoloLabels(kind, ids, scores, boxes=np.array(body, dtype=np.float64).reshape(-1, 4))
    if kind == "segment":
        return YoloLabels(kind, ids, scores, polygons=[v.reshape(-1, 2) for v in body])
    if kind == "obb":
        corners = np.array(body, dtype=np.float64).reshape(-1, 4, 2)
        return YoloLabels(kind, ids, scores, corners=corners)
    count, dims = cast(tuple[int, int], kpt_shape)
    stacked = np.array(body, dtype=np.float64).reshape(-1, 4 + count * dims)
    return YoloLabels(
        kind,
        ids,
        scores,
        boxes=stacked[:, :4],
        keypoints=stacked[:, 4:].reshape(-1, count, dims),
    )


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _line_kind(
    size: int, task: YoloTask, kpt_shape: tuple[int, int] | None, where: str
) -> tuple[str, bool]:
    """The shape of a line with ``size`` values after the class, and whether it has a conf."""
    if task in ("auto", "detect") and size in (4, 5):
        return "detect", size == 5
    if task == "obb":
        if size in (8, 9):
            return "obb", size == 9
        raise BuildError(f"{where}: an oriented box has 8 values (+ confidence), got {size}")
    if task == "pose":
        count, dims = cast(tuple[int, int], kpt_shape)
        want = 4 + count * dims
        if size in (want, want + 1):
            return "pose", size == want + 1
        raise BuildError(
            f"{where}: a pose line with kpt_shape {tuple(kpt_shape or ())} has {want} values "
            f"(+ confidence), got {size}"
        )
    if task in ("auto", "segment") and size >= 6:
        return "segment", size % 2 == 1
    expected = "4 (+ confidence)" if task == "detect" else "at least 6 (3 points)"
    raise BuildError(f"{where}: expected {expected} values after the class, got {size}")


# --- class names ---------------------------------------------------------------------------


def read_class_names(source: str | os.PathLike[str]) -> list[str] | dict[int, str]:
    """The model's class names from a file: ``classes.txt`` / ``obj.names`` (one per line),
    a ``data.yaml`` (its ``names:`` list or ``{id: name}`` block), or JSON (list or dict).

    Raises:
        BuildError: no names found (the message says what was expected).
    """
    path = Path(source)
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() == ".json":
        raw = json.loads(text)
        if isinstance(raw, Mapping) and "names" in raw:
            raw = raw["names"]
        if isinstance(raw, list):
            return [str(n) for n in raw]
        if isinstance(raw, Mapping):
            return {int(k): str(v) for k, v in raw.items()}
        raise BuildError(f"{path}: expected a list of class names or {{id: name}}")
    if path.suffix.lower() in (".yaml", ".yml"):
        return _yaml_names(text, path)
    names = [line.strip() for line in text.splitlines() if line.strip()]
    if not names:
        raise BuildError(f"{path}: no class names (one name per line)")
    return names


_YAML_KEY = re.compile(r"^names\s*:\s*(.*?)\s*$")
_YAML_ITEM = re.compile(r"^\s+(?:-\s*(.+?)|(\d+)\s*:\s*(.+?))\s*$")


def _yaml_names(text: str, path: Path) -> list[str] | dict[int, str]:
    """The ``names:`` of a YOLO ``data.yaml``: a flow list or a block list / id mapping."""
    lines = text.splitlines()
    for index, line in enumerate(lines):
        found = _YAML_KEY.match(line.split(" #", 1)[0])
        if not found:
            continue
        inline = found.group(1)
        if inline:
            return _flow_list(inline, path)
        listed: list[str] = []
        mapped: dict[int, str] = {}
        for item in lines[index + 1 :]:
            if not item.strip() or item.lstrip().startswith("#"):
                continue
            parts = _YAML_ITEM.match(item.split(" #", 1)[0])
            if not parts:
                break
            if parts.group(1) is not None:
                listed.append(_unquote(parts.group(1)))
            else:
                mapped[int(parts.group(2))] = _unquote(parts.group(3))
        if listed or mapped:
            return listed or mapped
    raise BuildError(
        f"{path}: found no 'names:' list (names: [a, b], or one '- name' / 'id: name' per line)"
    )


def _flow_list(inline: str, path: Path) -> list[str] | dict[int, str]:
    if inline.startswith("[") and inline.endswith("]"):
        items = [i.strip() for i in inline[1:-1].split(",") if i.strip()]
        return [_unquote(i) for i in items]
    if inline.startswith("{") and inline.endswith("}"):
        pairs = [p.split(":", 1) for p in inline[1:-1].split(",") if p.strip()]
        return {int(k.strip()): _unquote(v.strip()) for k, v in pairs}
    raise BuildError(f"{path}: cannot read 'names: {inline}' (expected [a, b] or a block)")


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        try:
            return str(ast.literal_eval(text))
        except (ValueError, SyntaxError):
            return text[1:-1]
    return text


# --- regions -------------------------------------------------------------------------------


def _load_labels(
    labels: YoloLabels | str, task: YoloTask, kpt_shape: tuple[int, int] | None
) -> YoloLabels:
    if isinstance(labels, YoloLabels):
        return labels
    if isinstance(labels, str):
        return parse_yolo(labels, task=task, kpt_shape=kpt_shape)
    raise BuildError(f"labels must be YoloLabels or the text of a YOLO file, got {type(labels)}")


class _YoloDrawer:
    """Controls and LabelMaps kept across the files of a dataset."""

    def __init__(
        self,
        *,
        boxes: ControlTag | None,
        masks: ControlTag | None,
        keypoints: ControlTag | None,
        labels_control: Labels | None,
        class_names: ClassNames | None,
        keypoint_names: Sequence[str] | None,
        label_map: ClassMap | None,
        keypoint_label_map: ClassMap | None,
        unmapped: Unmapped,
        min_score: float | None,
        clip: bool,
    ) -> None:
        for control, kinds, role in (
            (boxes, BOX_CONTROLS, "boxes"),
            (masks, MASK_CONTROLS, "masks"),
            (keypoints, KEYPOINT_CONTROLS, "keypoints"),
        ):
            if control is not None and not isinstance(control, kinds):
                allowed = " / ".join(f"<{k.tag}>" for k in kinds)
                raise BuildError(f"{role} go to {allowed}, not to {describe(control)}")
        self.boxes, self.masks, self.keypoints = boxes, masks, keypoints
        self.labels_control = labels_control
        self.keypoint_names = None if keypoint_names is None else list(keypoint_names)
        self.min_score = min_score
        self.clip = clip
        self.maps: dict[int, LabelMap] = {}
        self.keypoint_map: LabelMap | None = None
        for control in (boxes, masks):
            if control is None:
                continue
            labeling = labeling_control(control, None if control.has_labels else labels_control)
            if labeling is not None and id(labeling) not in self.maps:
                self.maps[id(labeling)] = label_mapper(
                    labeling,
                    class_names=None if isinstance(label_map, LabelMap) else class_names,
                    label_map=label_map,
                    unmapped=unmapped,
                )
        if keypoints is not None:
            labeling = labeling_control(keypoints, None if keypoints.has_labels else labels_control)
            if labeling is not None:
                self.keypoint_map = label_mapper(
                    labeling, class_names=None, label_map=keypoint_label_map, unmapped=unmapped
                )

    def _labels(self, control: ControlTag) -> tuple[Labels | None, LabelMap | None]:
        split = None if control.has_labels else self.labels_control
        labeling = control if control.has_labels else split
        return split, None if labeling is None else self.maps.get(id(labeling))

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
        try:
            out += self._shapes(found, keep, ids, scores, image_wh)
            if found.keypoints is not None and self.keypoints is not None:
                out += self._pose(found.keypoints[keep], scores, image_wh, counts)
        except BuildError as exc:
            raise type(exc)(f"{where}: {exc}") from None
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
            if self.masks is not None:
                split, mapper = self._labels(self.masks)
                return polygon_regions(
                    self.masks,
                    polygons,
                    image_wh=image_wh,
                    units="norm",
                    class_ids=ids if mapper else None,
                    label_map=mapper,
                    scores=scores,
                    labels_control=split,
                    clip=self.clip,
                )
            if self.boxes is None:
                return []
            # A box control only: the polygons' bounding boxes, as YOLO trains detectors.
            boxes = np.array(
                [[*p.min(axis=0), *p.max(axis=0)] for p in polygons], dtype=np.float64
            ).reshape(-1, 4)
            return self._boxes(boxes, "xyxy", ids, scores, image_wh)
        if self.boxes is None:
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
        control = cast(ControlTag, self.boxes)
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
        control = cast(ControlTag, self.keypoints)
        per_point = None if scores is None else np.repeat(scores[:, None], len(names), axis=1)
        return pose_regions(
            control,
            keypoints,
            keypoint_names=names,
            image_wh=image_wh,
            units="norm",
            scores=per_point,
            label_map=self.keypoint_map,
            labels_control=None if control.has_labels else self.labels_control,
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
    drawer = _YoloDrawer(
        boxes=boxes,
        masks=masks,
        keypoints=keypoints,
        labels_control=labels_control,
        class_names=class_names,
        keypoint_names=keypoint_names,
        label_map=label_map,
        keypoint_label_map=keypoint_label_map,
        unmapped=unmapped,
        min_score=min_score,
        clip=clip,
    )
    if boxes is None and masks is None and keypoints is None:
        raise BuildError("give at least one of boxes=, masks=, keypoints= (controls)")
    return drawer.regions(found, image_wh, collections.Counter(), "labels")


# --- tasks ---------------------------------------------------------------------------------


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
            or a function of that record; default ``{name}``.
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
    box, mask, point, labels_control = image_controls(config, boxes, masks, keypoints, labels)
    target = image_target((box, mask, point))
    drawer = _YoloDrawer(
        boxes=box,
        masks=mask,
        keypoints=point,
        labels_control=labels_control,
        class_names=names,
        keypoint_names=keypoint_names,
        label_map=label_map,
        keypoint_label_map=keypoint_label_map,
        unmapped=unmapped,
        min_score=min_score,
        clip=clip,
    )
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

    def maps() -> list[LabelMap]:
        found = list(drawer.maps.values())
        if drawer.keypoint_map is not None:
            found.append(drawer.keypoint_map)
        return found

    return TaskStream(tasks(), maps=maps, skipped=counts, check=task_checker(config, check))
