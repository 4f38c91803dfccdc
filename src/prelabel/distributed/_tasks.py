"""The batch function: a batch of model-output columns in, a batch of encoded tasks out.

Ray Data's ``map_batches`` and Dask's ``map_partitions`` hand a worker columns (numpy arrays,
one value or one array per row). :class:`PredictionsToTasks` turns one batch into the columns
of :data:`TASK_COLUMNS` through a :class:`~prelabel.PredictionBatch`: a few array operations
per batch and one loop that assembles dicts, never a Python call per result. The config is
parsed once per worker process (cached by its text), however many batches the worker runs.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .._lazy import lazy_module
from ..batch import PredictionBatch
from ..config import LabelConfig
from ..errors import ShardError
from ..ids import use_id_factory
from ..io import task_key
from ..io._common import encode_tasks
from ..validate import Validator

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray
else:
    np = lazy_module("numpy")

__all__ = ["TASK_COLUMNS", "BuildFunction", "PredictionsToTasks", "ragged", "worker_config"]

TASK_COLUMNS = ("key", "task", "predictions", "results", "model_version")
"""The columns of a task batch: the task's key, its JSON (bytes), its prediction and result
counts, and its model version ("" for none)."""

BuildFunction = Callable[[PredictionBatch, Mapping[str, Any]], PredictionBatch | None]
"""Adds a batch's results: called with the empty :class:`PredictionBatch` and the columns."""

_configs: dict[str, LabelConfig] = {}
_validators: dict[tuple[str, bool], Validator] = {}


def worker_config(xml: str) -> LabelConfig:
    """The parsed config for ``xml``: parsed on a worker's first call, then reused."""
    digest = hashlib.sha256(xml.encode("utf-8")).hexdigest()
    found = _configs.get(digest)
    if found is None:
        found = _configs[digest] = LabelConfig.parse(xml)
    return found


def _worker_validator(xml: str, strict: bool) -> Validator:
    key = (hashlib.sha256(xml.encode("utf-8")).hexdigest(), strict)
    found = _validators.get(key)
    if found is None:
        found = _validators[key] = Validator(worker_config(xml), strict=strict)
    return found


def ragged(column: Any) -> tuple[NDArray[Any], NDArray[np.int64]]:
    """One array per row (how an engine holds variable-length outputs) as one array and
    per-row counts: what :class:`PredictionBatch` takes as ``counts``.

    Args:
        column: a ``(rows,)`` object array (or list) of ``(k_i, ...)`` arrays, or a
            ``(rows, k, ...)`` array when every row has the same number.

    >>> values, counts = ragged([np.zeros((2, 4)), np.zeros((0, 4)), np.ones((1, 4))])
    >>> values.shape, counts.tolist()
    ((3, 4), [2, 0, 1])

    Raises:
        ShardError: rows whose arrays differ in trailing shape.
    """
    array = np.asarray(column) if not isinstance(column, list) else None
    if array is not None and array.dtype != object:
        if array.ndim < 2:
            raise ShardError(f"a ragged column needs one array per row, got shape {array.shape}")
        return array.reshape(-1, *array.shape[2:]), np.full(
            array.shape[0], array.shape[1], dtype=np.int64
        )
    rows = [np.asarray(row) for row in (column if array is None else array.tolist())]
    counts = np.fromiter((len(row) for row in rows), dtype=np.int64, count=len(rows))
    if not rows:
        return np.zeros((0,)), counts
    tails = {row.shape[1:] for row in rows}
    if len(tails) > 1:
        raise ShardError(
            f"the rows' arrays must agree past their first axis, got shapes {sorted(tails)}"
        )
    return np.concatenate(rows), counts


class PredictionsToTasks:
    """A batch function for ``map_batches`` / ``map_partitions``: columns in, tasks out.

    Args:
        config: the labeling config's XML (or a parsed :class:`~prelabel.LabelConfig`, of
            which only the text travels to the workers).
        build: adds the results, e.g. ``lambda batch, cols: batch.boxes("label", ...)``;
            called once per batch with the batch's columns.
        data: the task data: ``{"image": "image_url"}`` maps a data key to a column; a list
            names columns used as they are.
        key: the column of each task's stable id (an image path, a row id), used to name
            files so that a re-run overwrites; default a hash of the task's data.
        model_version: the model's name, on every prediction.
        score: the column of each task's prediction score, if any.
        validate: check every task with prelabel's validator on the worker and raise
            :class:`~prelabel.ShardError` naming the task's key on the first error.
        strict: with ``validate``, warnings fail too.
        reproducible_ids: draw region ids from a hash of the batch's keys, so the same
            input gives byte-identical shards (default); otherwise random ids.

    Returns (when called):
        A dict of :data:`TASK_COLUMNS`, one row per task.

    >>> xml = ('<View><Image name="image" value="$image"/><RectangleLabels name="label" '
    ...        'toName="image"><Label value="Car"/></RectangleLabels></View>')
    >>> to_tasks = PredictionsToTasks(xml, lambda batch, cols: batch.boxes(
    ...     "label", xyxy_px=ragged(cols["boxes"])[0], counts=ragged(cols["boxes"])[1],
    ...     image_wh=(100, 100), label="Car"), data={"image": "url"}, key="url")
    >>> out = to_tasks({"url": np.array(["a.jpg", "b.jpg"]),
    ...                 "boxes": [np.array([[0, 0, 10, 10]]), np.zeros((0, 4))]})
    >>> out["key"].tolist(), out["results"].tolist()
    (['a.jpg', 'b.jpg'], [1, 0])
    """

    def __init__(
        self,
        config: str | LabelConfig,
        build: BuildFunction,
        *,
        data: Mapping[str, str] | Sequence[str],
        key: str | None = None,
        model_version: str | None = None,
        score: str | None = None,
        validate: bool = False,
        strict: bool = False,
        reproducible_ids: bool = True,
    ) -> None:
        self.xml = config if isinstance(config, str) else config.xml
        worker_config(self.xml)  # a bad config fails here, on the driver, not on every worker
        self.build = build
        self.data = dict(data) if isinstance(data, Mapping) else {name: name for name in data}
        self.key = key
        self.model_version = model_version
        self.score = score
        self.validate = validate
        self.strict = strict
        self.reproducible_ids = reproducible_ids

    def __call__(self, columns: Mapping[str, Any]) -> dict[str, NDArray[Any]]:
        """Tasks for one batch of rows (see the class docstring)."""
        config = worker_config(self.xml)
        missing = [c for c in (*self.data.values(), self.key, self.score) if c and c not in columns]
        if missing:
            raise ShardError(
                f"the batch has no column {missing[0]!r} (columns: {', '.join(map(str, columns))})"
            )
        data = {name: _plain(columns[column]) for name, column in self.data.items()}
        rows = len(next(iter(data.values()))) if data else 0
        keys = _keys(data, rows) if self.key is None else _strings(columns[self.key])
        score = None if self.score is None else columns[self.score]
        batch = PredictionBatch(config, data, model_version=self.model_version, score=score)
        tasks = self._build(batch, columns, "\n".join(keys))
        if self.validate:
            self._check(tasks, keys)
        encoded = np.empty(rows, dtype=object)
        encoded[:] = list(encode_tasks(tasks))
        key_column = np.empty(rows, dtype=object)
        key_column[:] = keys
        results = np.fromiter(
            (len(task["predictions"][0]["result"]) for task in tasks), dtype=np.int64, count=rows
        )
        return {
            "key": key_column,
            "task": encoded,
            "predictions": np.ones(rows, dtype=np.int64),
            "results": results,
            "model_version": np.full(rows, self.model_version or "", dtype=object),
        }

    def _build(
        self, batch: PredictionBatch, columns: Mapping[str, Any], seed: str
    ) -> list[dict[str, Any]]:
        def make() -> list[dict[str, Any]]:
            built = self.build(batch, columns)
            return list(batch if built is None else built)

        if not self.reproducible_ids:
            return make()
        with use_id_factory(_seeded_ids(seed)):
            return make()

    def _check(self, tasks: list[dict[str, Any]], keys: Sequence[str]) -> None:
        validator = _worker_validator(self.xml, self.strict)
        for index, (task, key) in enumerate(zip(tasks, keys, strict=True)):
            errors = [r for r in validator.check_task(task, index) if r.severity == "error"]
            if errors:
                first = errors[0]
                more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
                raise ShardError(
                    f"task {key!r}: {first.path}: [{first.code}] {first.message}{more}"
                )


def _plain(column: Any) -> Any:
    """A column as PredictionBatch takes it: a pandas Series (Dask's partitions) as numpy."""
    to_numpy = getattr(column, "to_numpy", None)
    return to_numpy() if callable(to_numpy) and not isinstance(column, np.ndarray) else column


def _strings(column: Any) -> list[str]:
    values = column.tolist() if hasattr(column, "tolist") else list(column)
    return [str(value) for value in values]


def _keys(data: Mapping[str, Any], rows: int) -> list[str]:
    """Each row's :func:`~prelabel.io.task_key`: a hash of the task data it will have."""
    listed = {name: (c.tolist() if hasattr(c, "tolist") else list(c)) for name, c in data.items()}
    return [task_key({"data": {name: listed[name][i] for name in listed}}) for i in range(rows)]


_ALPHABET = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_TABLE = bytes(_ALPHABET[b % 62] for b in range(256))
_REJECT = bytes(range(248, 256))  # 248 = 4 * 62: no modulo bias


def _seeded_ids(seed: str) -> Callable[[], str]:
    """Region ids (10 of ``[A-Za-z0-9]``, as Label Studio's) drawn from a seeded generator,
    in bulk: the same seed gives the same ids."""
    rng = random.Random(hashlib.sha256(seed.encode("utf-8", "surrogatepass")).digest())
    pool: list[str] = []

    def next_id() -> str:
        if not pool:
            chars = rng.randbytes(50_000).translate(_TABLE, _REJECT)
            usable = len(chars) // 10 * 10
            text = chars[:usable].decode("ascii")
            pool.extend(text[i : i + 10] for i in range(usable - 10, -1, -10))
        return pool.pop()

    return next_id
