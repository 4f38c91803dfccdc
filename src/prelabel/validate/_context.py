"""Where records are made: the running counters, and the task and prediction being walked.

A record's location is built only when a problem is found: the walk carries the task index,
the container (``predictions``/``annotations``) and the prediction index, and each check adds
the tail (``(2, "value", "x")``).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from typing import TYPE_CHECKING, Any

from ..errors import ErrorRecord, Loc
from ._codes import CODES

if TYPE_CHECKING:
    from ._values import ControlChecker

__all__ = ["PredCtx", "Sink", "TaskCtx", "ValidationStats"]


@dataclasses.dataclass
class ValidationStats:
    """Cumulative counts of what a :class:`~prelabel.validate.Validator` has checked.

    Attributes:
        tasks: tasks checked.
        predictions: predictions checked.
        annotations: annotations checked.
        results: result items checked (predictions and annotations).
        errors: records reported with severity ``"error"``, by code.
        warnings: records reported with severity ``"warning"``, by code.
    """

    tasks: int = 0
    predictions: int = 0
    annotations: int = 0
    results: int = 0
    errors: Counter[str] = dataclasses.field(default_factory=Counter)
    warnings: Counter[str] = dataclasses.field(default_factory=Counter)

    @property
    def error_count(self) -> int:
        """All records reported as errors."""
        return sum(self.errors.values())

    @property
    def warning_count(self) -> int:
        """All records reported as warnings."""
        return sum(self.warnings.values())

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form (codes sorted)."""
        return {
            "tasks": self.tasks,
            "predictions": self.predictions,
            "annotations": self.annotations,
            "results": self.results,
            "errors": dict(sorted(self.errors.items())),
            "warnings": dict(sorted(self.warnings.items())),
        }


class Sink:
    """Collects the records of one :meth:`Validator.check_task` call and counts them."""

    __slots__ = ("records", "stats", "strict")

    def __init__(self, stats: ValidationStats, strict: bool) -> None:
        self.records: list[ErrorRecord] = []
        self.stats = stats
        self.strict = strict

    def add(
        self,
        code: str,
        loc: Loc,
        message: str,
        *,
        hint: str | None = None,
        ck: ControlChecker | None = None,
        control: str | None = None,
        control_kind: str | None = None,
        expected: str | None = None,
        found: str | None = None,
    ) -> None:
        severity = CODES[code][0]
        if self.strict:
            severity = "error"
        if ck is not None:
            control, control_kind = ck.name, ck.kind
        self.records.append(
            ErrorRecord(
                code=code,
                severity=severity,
                loc=loc,
                message=message,
                hint=hint,
                control=control,
                control_kind=control_kind,
                expected=expected,
                found=found,
            )
        )
        if severity == "error":
            self.stats.errors[code] += 1
        else:
            self.stats.warnings[code] += 1


def media_size_key(obj_name: str, item: int | None) -> str:
    """Where a task's cache holds ``(width, height, what)`` of the image an object shows
    (``item``: the index in an ``<Image valueList>``)."""
    return f"media_size {item} {obj_name}"


class TaskCtx:
    """One task being checked: its index, its data, and per-task caches (text of objects)."""

    __slots__ = ("cache", "data", "index", "sink")

    def __init__(self, sink: Sink, index: int, data: dict[str, Any] | None) -> None:
        self.sink = sink
        self.index = index
        self.data = data
        self.cache: dict[str, Any] = {}


class PredCtx:
    """One prediction or annotation being checked.

    Attributes:
        base: location of its ``result`` list (``(3, "predictions", 0, "result")``).
        by_id: region id -> index of the first result with it (int) or all of them (list).
        linked: indices of results that must share an id with a region (per-region results,
            split-format labels), checked once all results are seen.
        relations: indices of relation results.
        image_sizes: (object name, item_index) -> (original_width, original_height, result
            index) seen first; each item of an ``<Image valueList>`` has its own size.
    """

    __slots__ = (
        "base",
        "by_id",
        "image_sizes",
        "linked",
        "relations",
        "result",
        "sink",
        "task",
    )

    def __init__(self, task: TaskCtx, container: str, index: int, result: list[Any]) -> None:
        self.task = task
        self.sink = task.sink
        self.base: Loc = (task.index, container, index, "result")
        self.result = result
        self.by_id: dict[Any, Any] = {}
        self.linked: list[int] = []
        self.relations: list[int] = []
        self.image_sizes: dict[tuple[str, Any], tuple[Any, Any, int]] = {}

    def add(
        self,
        code: str,
        tail: Loc,
        message: str,
        *,
        hint: str | None = None,
        ck: ControlChecker | None = None,
        control_kind: str | None = None,
        expected: str | None = None,
        found: str | None = None,
    ) -> None:
        """Report a problem at ``base + tail``."""
        self.sink.add(
            code,
            self.base + tail,
            message,
            hint=hint,
            ck=ck,
            control_kind=control_kind,
            expected=expected,
            found=found,
        )
