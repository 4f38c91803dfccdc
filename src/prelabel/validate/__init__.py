"""Validate tasks and predictions against a labeling config, the way Label Studio reads them.

:func:`validate` raises :class:`~prelabel.errors.ValidationError` carrying every problem;
:func:`check` returns the records instead; :class:`Validator` is compiled once per config and
checks task after task with bounded memory (for streaming large files).

Each record (:class:`~prelabel.errors.ErrorRecord`) has a stable ``code`` (documented with an
example and the fix in ``docs/validation.md``), a ``severity`` (``"error"``: Label Studio
rejects, drops, mis-draws or misreads it; ``"warning"``: shown as sent but suspicious), a
location such as ``$[3].predictions[0].result[2].value.x``, the control, what was expected and
found (summarized, never a whole RLE), and a hint when the fix is obvious.

In strict mode every warning is reported with severity ``"error"`` (its code unchanged), so
"any record with severity error" is the one test of failure in both modes.

>>> from prelabel import LabelConfig
>>> config = LabelConfig.parse(
...     '<View><Image name="image" value="$image"/>'
...     '<RectangleLabels name="label" toName="image"><Label value="Airplane"/>'
...     '</RectangleLabels></View>')
>>> task = {"data": {"image": "https://example.com/1.jpg"}, "predictions": [{
...     "model_version": "v1", "result": [{"id": "a", "from_name": "label",
...     "to_name": "image", "type": "rectanglelabels", "original_width": 600,
...     "original_height": 400, "value": {"x": 10, "y": 10, "width": 95, "height": 5,
...     "rectanglelabels": ["airplane"]}}]}]}
>>> for record in check([task], config):
...     print(record.path, record.code, record.hint, sep="  ")
$[0].predictions[0].result[0].value.width  geometry.overflow  clip it: width = 90
$[0].predictions[0].result[0].value.rectanglelabels[0]  label.unknown  did you mean 'Airplane'?
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from .._lazy import lazy_module
from ..config import LabelConfig
from ..errors import ErrorRecord, ValidationError
from ..tasks import Prediction, Task
from ._codes import CODES, ONCE_PER_VALIDATOR
from ._context import PredCtx, Sink, TaskCtx, ValidationStats
from ._show import MISSING, a_type, show

if TYPE_CHECKING:
    from . import _certify, _compile, _conditions, _links, _media, _result, _task
else:
    # The checkers are imported by the first Validator, not by ``import prelabel``.
    _certify = lazy_module("prelabel.validate._certify")
    _compile = lazy_module("prelabel.validate._compile")
    _conditions = lazy_module("prelabel.validate._conditions")
    _links = lazy_module("prelabel.validate._links")
    _media = lazy_module("prelabel.validate._media")
    _result = lazy_module("prelabel.validate._result")
    _task = lazy_module("prelabel.validate._task")

__all__ = ["CODES", "ONCE_PER_VALIDATOR", "ValidationStats", "Validator", "check", "validate"]

_CONTAINERS = ("predictions", "annotations")


class Validator:
    """A labeling config compiled into checkers; checks tasks one at a time.

    Args:
        config: the parsed labeling config.
        strict: report warnings with severity ``"error"``.
        local_files_root: the Label Studio server's local-files document root
            (``LABEL_STUDIO_LOCAL_FILES_DOCUMENT_ROOT``): each ``/data/local-files/?d=...``
            image must be a file under it, and the results' ``original_width``/
            ``original_height`` are compared with its size.

    Attributes:
        stats: cumulative counts (tasks, predictions, results, records by code).

    The validator holds nothing that grows with the number of tasks: :meth:`check_task`
    returns that task's records and keeps only counters.
    """

    def __init__(
        self,
        config: LabelConfig,
        *,
        strict: bool = False,
        local_files_root: str | os.PathLike[str] | None = None,
    ) -> None:
        self.config = config
        self.strict = strict
        self.stats = ValidationStats()
        self._by_name = _compile.compile_checkers(config)
        self._results = _result.ResultChecker(
            config, self._by_name, lambda control: _compile.compile_control(control, config)
        )
        self._data_specs = _task.compile_data_specs(config)
        self._shapes = _task.compile_shape_specs(config)
        self._media = _media.compile_media(config, local_files_root)
        self._conditional = _conditions.compile_conditions(self._by_name)
        # Conditions read other results: a list that has them goes through the walk.
        self._certifier = None if self._conditional else _certify.compile_certifier(self._by_name)
        self._task_keys = _task.TASK_KEYS
        self._check_data = _task.check_data
        self._check_envelope = _task.check_envelope
        self._check_links = _links.check_links
        self._check_conditions = _conditions.check_conditions

    def check(self, tasks: Iterable[Any]) -> list[ErrorRecord]:
        """Every record for ``tasks`` (a list or any iterable of task dicts / ``Task``s)."""
        if isinstance(tasks, (Mapping, Task, str, bytes)) or not isinstance(tasks, Iterable):
            return [self._not_a_list(tasks)]
        out: list[ErrorRecord] = []
        for index, task in enumerate(tasks):
            out.extend(self.check_task(task, index))
        return out

    def _not_a_list(self, tasks: Any) -> ErrorRecord:
        sink = Sink(self.stats, self.strict)
        single = isinstance(tasks, (Mapping, Task))
        sink.add(
            "tasks.not_list",
            (),
            f"tasks must be a list of tasks, got {'a single task' if single else a_type(tasks)}",
            hint="wrap it in a list: [task]" if single else None,
            found=show(tasks) if not single else None,
        )
        return sink.records[0]

    def decode_line(self, line: bytes) -> Any:
        """One JSON line read for :meth:`check_task` when its predictions are of the common,
        clean kind this validator certifies at once (much faster than reading the line and
        walking its results); None otherwise: read the line as usual.

        Pass it to :func:`prelabel.io.read_tasks_located` as ``line_decoder``.
        """
        if self._certifier is None:
            return None
        return self._certifier.decode_line(line)

    def check_task(self, task: Any, index: int) -> list[ErrorRecord]:
        """The records of one task; locations start with ``index`` (``$[index]...``)."""
        if type(task) is _certify.CertifiedTask:
            return self._check_certified(task, index)
        try:
            return self._check_task(task, index)
        except (ValueError, TypeError):
            # A value JSON cannot hold (a numpy array compares elementwise, a set...) breaks
            # the checks that assume JSON: report it where it is, as Label Studio never
            # receives it. Anything else is a bug and is raised.
            found = _not_json(task)
            if found is None:
                raise
            loc, kind = found
            sink = Sink(self.stats, self.strict)
            sink.add(
                "value.not_json",
                (index, *loc),
                f"a {kind} is not a JSON value; Label Studio receives JSON only",
                hint="convert it to a plain value (float(), int(), .tolist())",
            )
            return sink.records

    def _check_task(self, task: Any, index: int) -> list[ErrorRecord]:
        sink = Sink(self.stats, self.strict)
        self.stats.tasks += 1
        if type(task) is not dict and isinstance(task, Task):
            task = task.to_dict()
        if not isinstance(task, dict):
            sink.add(
                "task.not_object",
                (index,),
                f"a task must be an object with 'data', got {a_type(task)}",
                found=show(task),
            )
            return sink.records
        data = task.get("data", MISSING)
        base: tuple[Any, ...] = (index, "data")
        if data is MISSING:
            if any(k in task for k in _CONTAINERS):
                sink.add(
                    "task.data_missing",
                    (index,),
                    "the task has predictions or annotations but no 'data'; Label Studio then "
                    "reads the whole task as data and the predictions are lost",
                    hint="put the data fields under 'data'",
                )
                data = None
            else:
                sink.add(
                    "task.data_flat",
                    (index,),
                    "the task has no 'data' key; Label Studio reads the whole object as data",
                    hint="wrap the fields in {'data': {...}} to add predictions later",
                )
                data = task
                base = (index,)
        elif not isinstance(data, dict):
            sink.add(
                "task.data_not_object",
                (index, "data"),
                f"task data must be an object, got {a_type(data)}",
                found=show(data),
            )
            data = None
        t = TaskCtx(sink, index, data)
        if data is not None:
            self._check_task_data(data, t, base)
            task_keys = self._task_keys
            if data is not task and not task.keys() <= task_keys:
                for key in task:
                    if key not in task_keys:
                        sink.add(
                            "task.key_unknown",
                            (index, str(key)),
                            f"task key {show(key)} is not read by Label Studio",
                            hint="task data goes under 'data'",
                        )
        if data is task:
            return sink.records
        self._check_containers(task, t)
        return sink.records

    def _check_certified(self, task: _certify.CertifiedTask, index: int) -> list[ErrorRecord]:
        """A task whose predictions were certified as it was read: its data is checked."""
        if task.certifier is not self._certifier:  # read by another validator (config)
            return self.check_task(task.as_dict(), index)
        sink = Sink(self.stats, self.strict)
        self.stats.tasks += 1
        t = TaskCtx(sink, index, task.data)
        self._check_task_data(task.data, t, (index, "data"))
        if t.cache and task.certifier.measured(t.cache):
            # An image was measured: the walk compares its size with the results'.
            self._check_containers(task.as_dict(), t)
        else:
            self.stats.predictions += task.predictions
            self.stats.results += task.results
        return sink.records

    def _check_task_data(self, data: dict[str, Any], t: TaskCtx, base: tuple[Any, ...]) -> None:
        """What the server checks in ``data`` and the media its object tags load."""
        self._check_data(data, self._data_specs, self._shapes, t, base)
        self._media.check(data, t, base)

    def _check_containers(self, task: dict[str, Any], t: TaskCtx) -> None:
        """Everything of a task beside its data: meta, predictions and annotations."""
        sink, index = t.sink, t.index
        meta = task.get("meta")
        if meta is not None and not isinstance(meta, (dict, list)):
            sink.add(
                "task.meta_type",
                (index, "meta"),
                f"task meta must be an object or a list, got {a_type(meta)}; Label Studio's server "
                "rejects the task",
                found=show(meta),
            )
        for container in _CONTAINERS:
            items = task.get(container, MISSING)
            if items is MISSING or items is None:
                continue
            if not isinstance(items, (list, tuple)):
                sink.add(
                    "task.list_not_list",
                    (index, container),
                    f"{container} must be a list, got {a_type(items)}",
                    hint=f"write [{container[:-1]}]" if isinstance(items, dict) else None,
                    found=show(items),
                )
                continue
            for k, pred in enumerate(items):
                self._check_prediction(pred, t, container, k)

    def _check_prediction(self, pred: Any, t: TaskCtx, container: str, k: int) -> None:
        stats = self.stats
        if container == "predictions":
            stats.predictions += 1
        else:
            stats.annotations += 1
        if type(pred) is not dict and isinstance(pred, Prediction):
            pred = pred.to_dict()
        if self._certifier is not None and container == "predictions" and type(pred) is dict:
            clean = self._certifier.prediction(pred, t)
            if clean >= 0:
                stats.results += clean
                return
        if not isinstance(pred, dict):
            t.sink.add(
                "prediction.not_object",
                (t.index, container, k),
                f"a {container[:-1]} must be an object with 'result', got {a_type(pred)}; "
                "Label Studio skips it",
                hint="wrap the result list: {'result': [...]}" if isinstance(pred, list) else None,
                found=show(pred),
            )
            return
        result = pred.get("result", MISSING)
        if result is MISSING:
            t.sink.add(
                "prediction.result_missing",
                (t.index, container, k),
                f"the {container[:-1]} has no 'result'; Label Studio's server rejects the task",
                hint="did you mean 'result'?" if "results" in pred else None,
            )
            result = []
        elif type(result) is not list and not isinstance(result, (list, tuple)):
            t.sink.add(
                "prediction.result_not_list",
                (t.index, container, k, "result"),
                f"result must be a list of result objects, got {a_type(result)}",
                hint="wrap it in a list" if isinstance(result, dict) else None,
                found=show(result),
            )
            result = []
        p = PredCtx(t, container, k, list(result) if isinstance(result, tuple) else result)
        self._check_envelope(pred, p, container)
        stats.results += len(result)
        if not result:
            return
        self._results.check_results(p.result, p)
        if p.linked or p.relations or len(p.by_id) < len(p.result):
            self._check_links(p, self._results.lookup, self.config.relations)
        if self._conditional:
            self._check_conditions(p, self._conditional, self._results.lookup)


def check(tasks: Iterable[Any], config: LabelConfig, *, strict: bool = False) -> list[ErrorRecord]:
    """Every problem in ``tasks`` as records (no exception for bad data).

    Args:
        tasks: a list (or iterable) of task dicts or :class:`~prelabel.tasks.Task` objects.
        config: the labeling config the tasks are for.
        strict: report warnings with severity ``"error"``.
    """
    return Validator(config, strict=strict).check(tasks)


def validate(tasks: Iterable[Any], config: LabelConfig, *, strict: bool = False) -> None:
    """Raise when ``tasks`` would not import and show as sent.

    Raises:
        ValidationError: some record has severity ``"error"`` (in strict mode, any record);
            ``.errors()`` lists every record, warnings included.
    """
    records = check(tasks, config, strict=strict)
    if any(r.severity == "error" for r in records):
        raise ValidationError(records)


def _not_json(task: Any) -> tuple[tuple[str | int, ...], str] | None:
    """Where the first value JSON cannot hold is in ``task``, and its type; None if none."""
    if isinstance(task, Task):
        return None
    stack: list[tuple[tuple[str | int, ...], Any]] = [((), task)]
    while stack:
        loc, value = stack.pop()
        if value is None or type(value) in (str, int, float, bool):
            continue
        if type(value) is dict:
            stack.extend(((*loc, str(k)), v) for k, v in reversed(value.items()))
        elif type(value) in (list, tuple):
            stack.extend(((*loc, i), v) for i, v in reversed(list(enumerate(value))))
        else:
            return loc, f"{type(value).__module__}.{type(value).__qualname__}"
    return None
