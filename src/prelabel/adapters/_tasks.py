"""Tasks from adapter output: task data where the object tag reads it, one prediction or
annotation, image URLs from records, and a task stream that validates and counts what it left out.
"""

from __future__ import annotations

import collections
import json
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, Literal, TypeAlias

from .._suggest import quote_list
from ..config import LabelConfig
from ..errors import BuildError, TaskFileError, ValidationError
from ..labelmap import LabelMap
from ..results import Region, Result
from ..tags.base import ControlTag, ObjectTag
from ..tasks import Prediction, Task

__all__ = ["Into", "TaskStream", "make_task"]

Into: TypeAlias = Literal["predictions", "annotations"]
ImageURL: TypeAlias = "str | Callable[[Mapping[str, Any]], str] | None"
"""An image URL: a ``str.format`` template over the image record, a function of it, or None."""


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
