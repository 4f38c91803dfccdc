"""What every adapter shares: picking controls from a config, mapping model classes to labels,
filtering detections, putting data into a task, and a task stream that counts what it left out.
"""

from __future__ import annotations

import collections
import json
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, TypeAlias, TypeVar, cast

import numpy as np
import numpy.typing as npt

from .._suggest import quote_list
from ..builders._classes import class_id_array as class_id_array  # re-exported for adapters
from ..config import LabelConfig
from ..errors import BuildError, TaskFileError, ValidationError
from ..labelmap import LabelMap
from ..results import Region, Result
from ..tags.base import ControlTag, ObjectTag
from ..tags.controls import (
    Bitmask,
    BitmaskLabels,
    Brush,
    BrushLabels,
    KeyPoint,
    KeyPointLabels,
    LabelingControl,
    Labels,
    Polygon,
    PolygonLabels,
    Rectangle,
    RectangleLabels,
)
from ..tasks import Prediction, Task

__all__ = [
    "ClassMap",
    "Into",
    "TaskStream",
    "Unmapped",
    "make_task",
]

Unmapped: TypeAlias = Literal["error", "drop"]
Into: TypeAlias = Literal["predictions", "annotations"]
ClassMap: TypeAlias = "LabelMap | Mapping[str, str] | Mapping[int, str] | Mapping[str | int, str]"
"""An explicit model class (name or id) -> config label mapping, or a ready LabelMap."""
ClassNames: TypeAlias = "Sequence[str] | Mapping[int, str]"
C = TypeVar("C", bound=ControlTag)

BOX_CONTROLS: tuple[type[ControlTag], ...] = (RectangleLabels, Rectangle)
MASK_CONTROLS: tuple[type[ControlTag], ...] = (
    BrushLabels,
    Brush,
    BitmaskLabels,
    Bitmask,
    PolygonLabels,
    Polygon,
)
KEYPOINT_CONTROLS: tuple[type[ControlTag], ...] = (KeyPointLabels, KeyPoint)


def describe(control: ControlTag) -> str:
    return f"<{control.tag} name={control.name!r}>"


def read_json(source: str | os.PathLike[str] | Any, what: str) -> Any:
    """``source`` itself, or the JSON it names when it is a path.

    Raises:
        TaskFileError: the file is not valid JSON (the message names it and the position).
        OSError: the file cannot be read.
    """
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        try:
            with path.open("rb") as handle:
                return json.load(handle)
        except json.JSONDecodeError as exc:
            raise TaskFileError(f"{what} {path} is not valid JSON: {exc}") from None
    return source


# --- controls ------------------------------------------------------------------------------


def pick_control(
    config: LabelConfig,
    name: str | None,
    kinds: tuple[type[ControlTag], ...],
    role: str,
    *,
    object_kind: str = "image",
) -> ControlTag | None:
    """The control named ``name`` (checked to be one of ``kinds``), or, when ``name`` is None,
    the only control of those kinds on an object of ``object_kind`` (None when there is none).

    Raises:
        BuildError: the named control is of another kind, or several controls could serve.
    """
    allowed = " / ".join(f"<{k.tag}>" for k in kinds)
    if name is not None:
        control = config.control(name)
        if not isinstance(control, kinds):
            raise BuildError(
                f"{role}={name!r} is a {describe(control)}; {role} go to {allowed} controls"
            )
        return control
    found = [
        c
        for c in config.controls.values()
        if isinstance(c, kinds) and any(t.kind == object_kind for t in c.targets)
    ]
    if len(found) > 1:
        names = quote_list(c.name for c in found)
        raise BuildError(
            f"the config has several controls that can take {role} ({names}); "
            f"say which one with {role}=NAME"
        )
    return found[0] if found else None


def split_labels_control(config: LabelConfig, tool: ControlTag, name: str | None) -> Labels | None:
    """The ``<Labels>`` that labels an unlabeled tool's regions (the split format), if any."""
    if tool.has_labels:
        if name is not None:
            raise BuildError(
                f"{describe(tool)} carries its own labels; labels={name!r} is only for unlabeled "
                "tools (Rectangle, Polygon, Brush, ...) labeled by a <Labels> on the same image"
            )
        return None
    if name is not None:
        return config.control(name, Labels)
    found = [
        c
        for c in config.controls.values()
        if isinstance(c, Labels) and set(c.to_name) & set(tool.to_name)
    ]
    if len(found) > 1:
        raise BuildError(
            f"several <Labels> point at {tool.to_name[0]!r} "
            f"({quote_list(c.name for c in found)}); say which one with labels=NAME"
        )
    return found[0] if found else None


def labeling_control(tool: ControlTag, labels_control: Labels | None) -> LabelingControl | None:
    """The control whose labels regions of ``tool`` carry: the tool, or its ``<Labels>``."""
    if tool.has_labels:
        if labels_control is not None:
            raise BuildError(
                f"{describe(tool)} carries its own labels; labels_control= is only for "
                "unlabeled tools (Rectangle, Polygon, Brush, ...)"
            )
        return tool  # type: ignore[return-value]  # has_labels is True only on LabelingControl
    if labels_control is not None:
        if not isinstance(labels_control, Labels):
            raise BuildError(
                f"labels_control must be a <Labels> control, got {describe(labels_control)}"
            )
        if not set(labels_control.to_name) & set(tool.to_name):
            raise BuildError(
                f"{describe(labels_control)} points at {','.join(labels_control.to_name)!r}, "
                f"not at {','.join(tool.to_name)!r} where {describe(tool)} draws"
            )
    return labels_control


def image_controls(
    config: LabelConfig,
    boxes: str | None,
    masks: str | None,
    keypoints: str | None,
    labels: str | None,
) -> tuple[ControlTag | None, ControlTag | None, ControlTag | None, Labels | None]:
    """The box, mask and keypoint controls named (or, with none named, every one the config
    has) and the ``<Labels>`` of unlabeled ones."""
    auto = boxes is None and masks is None and keypoints is None
    box = pick_control(config, boxes, BOX_CONTROLS, "boxes") if auto or boxes else None
    mask = pick_control(config, masks, MASK_CONTROLS, "masks") if auto or masks else None
    point = (
        pick_control(config, keypoints, KEYPOINT_CONTROLS, "keypoints")
        if auto or keypoints
        else None
    )
    if box is None and mask is None and point is None:
        raise BuildError(
            "the config has no control for COCO boxes, masks or keypoints "
            "(RectangleLabels, BrushLabels, BitmaskLabels, PolygonLabels, KeyPointLabels or "
            "their unlabeled tools)"
        )
    unlabeled = [c for c in (box, mask, point) if c is not None and not c.has_labels]
    labels_control = None
    if unlabeled:
        labels_control = split_labels_control(config, unlabeled[0], labels)
    elif labels is not None:
        split_labels_control(config, cast(ControlTag, box or mask or point), labels)
    return box, mask, point, labels_control


# --- labels --------------------------------------------------------------------------------


def label_mapper(
    control: LabelingControl,
    *,
    class_names: ClassNames | None,
    label_map: ClassMap | None,
    unmapped: Unmapped,
) -> LabelMap:
    """A :class:`LabelMap` for ``control``: the one given, or one built from the arguments."""
    if isinstance(label_map, LabelMap):
        if label_map.control is not control:
            raise BuildError(
                f"label_map was made for {describe(label_map.control)}, not for {describe(control)}"
            )
        if class_names is not None:
            raise BuildError(
                "class_names= and a LabelMap were both given; give the class names to the "
                "LabelMap (LabelMap(control, classes=...))"
            )
        return label_map
    return LabelMap(
        control,
        classes=class_names,
        mapping=dict(label_map.items()) if label_map else None,
        unmapped=unmapped,
    )


def resolve_classes(
    labeling: LabelingControl | None,
    tool: ControlTag,
    count: int,
    what: str,
    *,
    labels: Sequence[str] | None,
    class_ids: npt.ArrayLike | None,
    class_names: ClassNames | None,
    label_map: ClassMap | None,
    unmapped: Unmapped,
) -> tuple[list[str] | None, npt.NDArray[np.bool_]]:
    """Config labels for ``count`` regions, and which regions keep theirs.

    Returns:
        ``(labels, keep)``: one label per kept region (None for unlabeled regions) and a
        boolean mask of the regions whose class maps to a label.
    """
    everything = np.ones(count, dtype=bool)
    given = [n for n, v in (("labels", labels), ("class_ids", class_ids)) if v is not None]
    if labeling is None:
        if given:
            raise BuildError(
                f"{describe(tool)} draws unlabeled regions and has no <Labels> to carry "
                f"{given[0]}; pass labels_control=<the Labels control on the same image>, or "
                f"drop {given[0]}="
            )
        return None, everything
    if len(given) != 1:
        raise BuildError(
            f"{describe(labeling)} needs a label for each {what}: pass labels= (one model "
            "class name per region) or class_ids= (with class_names=)"
            + (f"; got {' and '.join(given)}" if given else "")
        )
    mapper = label_mapper(labeling, class_names=class_names, label_map=label_map, unmapped=unmapped)
    if class_ids is not None:
        ids = class_id_array(class_ids, count)
        keyed_by_id = isinstance(label_map, Mapping) and any(isinstance(k, int) for k in label_map)
        if class_names is None and not isinstance(label_map, LabelMap) and not keyed_by_id:
            raise BuildError(
                "class_ids need class_names= (the model's class names: a list, or a dict "
                "{class_id: name}) or a label_map keyed by class id"
            )
        return mapper.map_ids(ids)
    if isinstance(labels, str):
        raise BuildError("labels= takes one model class name per region (a list), not a string")
    names = list(labels or ())
    if len(names) != count:
        raise BuildError(f"labels has {len(names)} items; expected {count}, one per region")
    for index, name in enumerate(names):
        if not isinstance(name, str):
            raise BuildError(f"labels[{index}] must be a str, got {type(name).__name__}")
    mapped = mapper.map(names)
    keep = np.array([m is not None for m in mapped], dtype=bool).reshape(count)
    return [m for m in mapped if m is not None], keep


def score_array(scores: npt.ArrayLike | None, count: int) -> npt.NDArray[np.float64] | None:
    if scores is None:
        return None
    array = np.asarray(scores, dtype=np.float64)
    if array.size == 0:
        array = array.reshape(0)
    if array.shape != (count,):
        raise BuildError(f"scores must have shape ({count},), one per region, got {array.shape}")
    return array


def keep_scores(
    scores: npt.NDArray[np.float64] | None, min_score: float | None, count: int
) -> npt.NDArray[np.bool_]:
    """Which regions reach ``min_score`` (all of them without a threshold)."""
    if min_score is None:
        return np.ones(count, dtype=bool)
    if scores is None:
        raise BuildError("min_score= needs scores=")
    return np.asarray(scores >= float(min_score), dtype=bool)


# --- tasks ---------------------------------------------------------------------------------


def task_data(target: ObjectTag, value: Any) -> dict[str, Any]:
    """Task ``data`` holding ``value`` where ``target`` reads it (``$image``, ``$meta.url``)."""
    if not target.data_keys:
        raise BuildError(f"<{target.tag} name={target.name!r}> reads no task data ($key)")
    path = target.data_keys[0]
    if "[" in path or "{" in path:
        raise BuildError(
            f"<{target.tag} name={target.name!r}> reads {path!r}; build the task data yourself "
            "for list paths"
        )
    data: dict[str, Any] = {}
    current = data
    *parents, last = path.split(".")
    for part in parents:
        current = current.setdefault(part, {})
    current[last] = value
    return data


def make_task(
    config: LabelConfig,
    value: Any,
    results: Iterable[Result | Region | Iterable[Result | Region]],
    *,
    to_name: str | None = None,
    model_version: str | None = None,
    score: float | None = None,
    into: Into = "predictions",
) -> Task:
    """A :class:`~prelabel.Task` showing ``value`` (an image URL, a text) with ``results``.

    Args:
        config: the labeling config.
        value: what the object tag shows; stored under its ``$key`` in ``data``.
        results: results and regions from builders or adapters.
        to_name: the object tag that shows ``value``; default: the config's only object tag
            that reads task data.
        model_version: the prediction's model version.
        score: the prediction-level score in [0, 1].
        into: put the results in a prediction (default) or in an annotation.

    Raises:
        BuildError: ``to_name`` is needed (several objects) or unknown.

    >>> cfg = LabelConfig.parse('<View><Text name="t" value="$doc.text"/>'
    ...     '<Choices name="c" toName="t"><Choice value="A"/></Choices></View>')
    >>> make_task(cfg, "hello", [], model_version="v1").to_dict()
    {'data': {'doc': {'text': 'hello'}}, 'predictions': [{'model_version': 'v1', 'result': []}]}
    """
    if to_name is None:
        readers = [o for o in config.objects.values() if o.data_keys]
        if len(readers) != 1:
            raise BuildError(
                f"the config has {len(readers)} objects that read task data "
                f"({quote_list(o.name for o in readers)}); say which one shows value: to_name="
            )
        target = readers[0]
    else:
        target = config.object(to_name)
    return build_task(task_data(target, value), results, model_version, score, into)


def build_task(
    data: dict[str, Any],
    results: Iterable[Any],
    model_version: str | None,
    score: float | None,
    into: Into,
) -> Task:
    prediction = Prediction(results, model_version=model_version, score=score)
    if into == "predictions":
        return Task(data, predictions=[prediction])
    if into == "annotations":
        return Task(data, annotations=[prediction.to_annotation()])
    raise BuildError(f"into must be 'predictions' or 'annotations', got {into!r}")


def image_target(controls: Iterable[ControlTag | None]) -> ObjectTag:
    """The one ``<Image>`` the given controls draw on (one task per image)."""
    targets = {c.targets[0].name: c.targets[0] for c in controls if c is not None}
    if not targets:
        raise BuildError("no control to draw on: the config has no matching image control")
    if len(targets) > 1:
        raise BuildError(
            f"the controls draw on different objects ({quote_list(targets)}); pick controls "
            "on one <Image>"
        )
    target = next(iter(targets.values()))
    if target.kind != "image":
        raise BuildError(f"<{target.tag} name={target.name!r}> is not an <Image>")
    if getattr(target, "value_list", False):
        raise BuildError(
            f"<Image name={target.name!r}> shows a list of images (valueList); adapters write "
            "one task per image: use an <Image value=...>"
        )
    return target


def url_maker(
    image_url: str | Callable[[Mapping[str, Any]], str] | None, default: Callable[..., str]
) -> Callable[[Mapping[str, Any]], str]:
    """A function record -> URL: a ``str.format`` template over the record, or a callable."""
    if image_url is None:
        return default
    if callable(image_url):
        return image_url
    if isinstance(image_url, str):
        template = image_url

        def fill(record: Mapping[str, Any]) -> str:
            try:
                return template.format_map(record)
            except (KeyError, IndexError, ValueError) as exc:
                raise BuildError(
                    f"image_url template {template!r} cannot be filled from "
                    f"{sorted(record)}: {exc!r}"
                ) from None

        return fill
    raise BuildError(f"image_url must be a str template or a callable, got {type(image_url)}")


class TaskStream(Iterator[Task]):
    """Tasks made one at a time, with counts of what was left out on the way.

    Iterate it (or hand it to :func:`prelabel.io.write_tasks`); afterwards :attr:`dropped`
    says which model classes had no label (with ``unmapped="drop"``) and :attr:`skipped`
    what else was left out and why.

    Attributes:
        tasks: how many tasks were yielded so far.
        skipped: reason -> count (``"score below min_score"``, ``"empty mask"``, ...).
    """

    def __init__(
        self,
        tasks: Iterator[Task],
        *,
        maps: Callable[[], Iterable[LabelMap]],
        skipped: collections.Counter[str],
        check: Callable[[Task, int], None] | None,
    ) -> None:
        self._tasks = tasks
        self._maps = maps
        self._check = check
        self.skipped = skipped
        self.tasks = 0

    def __iter__(self) -> TaskStream:
        return self

    def __next__(self) -> Task:
        task = next(self._tasks)
        if self._check is not None:
            self._check(task, self.tasks)
        self.tasks += 1
        return task

    @property
    def dropped(self) -> collections.Counter[str]:
        """Model class -> number of regions left out because the class maps to no label."""
        total: collections.Counter[str] = collections.Counter()
        for mapper in self._maps():
            total.update(mapper.dropped)
        return total

    def summary(self) -> str:
        """One line: tasks made, and what was left out.

        >>> stream = TaskStream(iter([]), maps=list, skipped=collections.Counter(
        ...     {"score below min_score": 3, "empty mask": 1}), check=None)
        >>> stream.summary()
        '0 task(s); skipped: empty mask x1, score below min_score x3'
        """
        parts = [f"{self.tasks} task(s)"]
        dropped = self.dropped
        if dropped:
            shown = ", ".join(f"{name} x{count}" for name, count in dropped.most_common(10))
            parts.append(f"dropped (class without a label): {shown}")
        if self.skipped:
            shown = ", ".join(
                f"{reason} x{count}" for reason, count in sorted(self.skipped.items())
            )
            parts.append(f"skipped: {shown}")
        return "; ".join(parts)


def task_checker(config: LabelConfig, check: bool) -> Callable[[Task, int], None] | None:
    """Validate each task as it leaves the stream; raise on the first one with errors."""
    if not check:
        return None
    from ..validate import Validator  # the validator imports tasks and builders: import late

    validator = Validator(config)

    def run(task: Task, index: int) -> None:
        records = [r for r in validator.check_task(task.to_dict(), index) if r.severity == "error"]
        if records:
            raise ValidationError(records)

    return run


def filter_rows(keep: npt.NDArray[np.bool_], *arrays: Any) -> list[Any]:
    """Each array (or list) with only the rows where ``keep`` is True; None stays None."""
    if keep.all():
        return list(arrays)
    out: list[Any] = []
    index = np.flatnonzero(keep)
    for item in arrays:
        if item is None:
            out.append(None)
        elif isinstance(item, np.ndarray):
            out.append(item[keep])
        else:
            out.append([item[i] for i in index.tolist()])
    return out
