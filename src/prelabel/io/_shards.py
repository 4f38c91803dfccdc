"""Shards: a run's tasks as many files under one root, named by the tasks they hold.

The layout a Label Studio storage sync reads (point the storage at ``ROOT/tasks``, not
recursive)::

    ROOT/manifest.json            written last, by the driver: the run is complete
    ROOT/tasks/part-<hash>.jsonl  layout "jsonl": one shard per batch, a task per line
    ROOT/tasks/<key>.json         layout "json": one file per task

Names come from each task's *key* (an id the caller gives, such as the image path, or else a
hash of the task's data), so a re-run writes the same names and overwrites instead of adding
duplicates; Label Studio's sync skips a name it has already imported.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from .._lazy import lazy_module
from ..errors import BuildError, ShardError
from ._common import PathLike, TaskLike, _canonical, encode_tasks
from ._store import Store

if TYPE_CHECKING:
    import orjson
else:
    orjson = lazy_module("orjson")

__all__ = ["TASKS_DIR", "ShardInfo", "ShardLayout", "ShardWriter", "task_key"]

ShardLayout = Literal["jsonl", "json"]
"""``jsonl``: a shard file per batch, a task per line; ``json``: one file per task."""

TASKS_DIR = "tasks"
_SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def task_key(task: TaskLike) -> str:
    """A stable key for a task without one: a hash of its ``data`` (same data, same key).

    >>> task_key({"data": {"image": "a.jpg"}}) == task_key({"data": {"image": "a.jpg"}})
    True
    >>> len(task_key({"data": {"image": "a.jpg"}}))
    24

    Raises:
        BuildError: the task has no ``data`` object.
    """
    data = _canonical(task).get("data")
    if not isinstance(data, Mapping):
        raise BuildError("a task needs a 'data' object to derive its key; pass keys instead")
    try:
        text = orjson.dumps(data, option=orjson.OPT_SORT_KEYS)
    except TypeError:
        raise BuildError(
            "the task's data is not plain JSON, so no key can be derived from it; pass keys"
        ) from None
    return hashlib.sha256(text).hexdigest()[:24]


def _file_name(key: str) -> str:
    """A file name for a task key: the key itself when it is a safe name, else a cleaned
    form with a hash of the key (two keys never share a name)."""
    if _SAFE.fullmatch(key):
        return key + ".json"
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    cleaned = _UNSAFE.sub("_", key)[-60:].strip("._-")
    return f"{cleaned}-{digest}.json" if cleaned else f"{digest}.json"


def _shard_name(keys: Sequence[str]) -> str:
    digest = hashlib.sha256("\n".join(keys).encode("utf-8", "surrogatepass")).hexdigest()
    return f"part-{digest[:20]}.jsonl"


@dataclasses.dataclass(frozen=True)
class ShardInfo:
    """What one write put under the root: its files and what they hold.

    Attributes:
        name: the shard's name (the file for ``jsonl``; the first task's file for ``json``).
        files: every file written, relative to the root (``tasks/part-....jsonl``).
        tasks, predictions, results: counts of what the files hold.
        bytes: their total size.
        sha256: digest of the bytes (of every file, in order).
        model_versions: the distinct ``model_version`` values of the predictions.
    """

    name: str
    files: tuple[str, ...]
    tasks: int
    predictions: int
    results: int
    bytes: int
    sha256: str
    model_versions: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON, as the manifest holds it."""
        out = dataclasses.asdict(self)
        out["files"] = list(self.files)
        out["model_versions"] = list(self.model_versions)
        return out

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> ShardInfo:
        """The inverse of :meth:`to_dict`.

        Raises:
            ShardError: a field is missing or of the wrong type.
        """
        try:
            return cls(
                name=str(raw["name"]),
                files=tuple(str(f) for f in raw["files"]),
                tasks=int(raw["tasks"]),
                predictions=int(raw["predictions"]),
                results=int(raw["results"]),
                bytes=int(raw["bytes"]),
                sha256=str(raw["sha256"]),
                model_versions=tuple(str(v) for v in raw.get("model_versions", ())),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ShardError(f"not a shard record ({type(exc).__name__}: {exc})") from None


class ShardWriter:
    """Writes batches of tasks as shards under a root; picklable, one per worker.

    Args:
        root: a local directory or a URL (``s3://bucket/run``); shards go to ``root/tasks``.
        layout: ``"jsonl"`` (a shard per batch) or ``"json"`` (a file per task).
        storage_options: fsspec options for a URL (credentials, ``endpoint_url``...).

    >>> import tempfile
    >>> writer = ShardWriter(tempfile.mkdtemp())
    >>> info = writer.write([{"data": {"text": "hi"}}], keys=["doc-1"])
    >>> info.files[0].startswith("tasks/part-"), info.tasks
    (True, 1)
    """

    def __init__(
        self,
        root: PathLike | Store,
        *,
        layout: ShardLayout = "jsonl",
        storage_options: Mapping[str, Any] | None = None,
    ) -> None:
        if layout not in ("jsonl", "json"):
            raise ValueError(f"layout must be 'jsonl' or 'json', got {layout!r}")
        self.store = (
            root if isinstance(root, Store) else Store(root, storage_options=storage_options)
        )
        self.layout: ShardLayout = layout

    def write(self, tasks: Iterable[TaskLike], *, keys: Sequence[str] | None = None) -> ShardInfo:
        """Write one batch of tasks; the same tasks and keys give the same names.

        Args:
            tasks: the batch (:class:`~prelabel.Task` objects or task dicts), held in memory
                while it is written: size batches to what a worker may hold.
            keys: one stable id per task (an image path, a row id); default a hash of the
                task's data. Keys must be unique within the batch.

        Raises:
            ShardError: duplicate keys, a key count that does not match the tasks, or a task
                that cannot be written (the message names the shard, the task and its key).
            OSError: the store refused the write.
        """
        batch = [_canonical(task) for task in tasks]
        if not batch:
            raise ShardError("an empty batch makes no shard")
        keys = [task_key(task) for task in batch] if keys is None else [str(k) for k in keys]
        if len(keys) != len(batch):
            raise ShardError(f"{len(keys)} keys for {len(batch)} tasks: give one per task")
        _refuse_duplicates(keys)
        encoded = self._encode(batch, keys, self._name(keys))
        predictions, results, versions = _count(batch)
        return self.write_encoded(
            encoded, keys, predictions=predictions, results=results, model_versions=versions
        )

    def write_encoded(
        self,
        encoded: Sequence[bytes],
        keys: Sequence[str],
        *,
        predictions: int,
        results: int,
        model_versions: Iterable[str] = (),
    ) -> ShardInfo:
        """Write tasks already encoded as compact JSON (one object each, no newline inside).

        What a distributed job's write step calls with the columns
        :class:`prelabel.distributed.PredictionsToTasks` made; the counts go to the manifest.

        Raises:
            ShardError: an empty batch, duplicate keys, or ``keys`` and ``encoded`` of
                different lengths.
            OSError: the store refused the write.
        """
        if not encoded:
            raise ShardError("an empty batch makes no shard")
        keys = [str(key) for key in keys]
        if len(keys) != len(encoded):
            raise ShardError(f"{len(keys)} keys for {len(encoded)} tasks: give one per task")
        _refuse_duplicates(keys)
        shard = self._name(keys)
        digest = hashlib.sha256()
        files: tuple[str, ...]
        if self.layout == "jsonl":
            data = b"\n".join(encoded) + b"\n"
            files = (f"{TASKS_DIR}/{shard}",)
            self.store.put(files[0], data)
            digest.update(data)
            size = len(data)
        else:
            names = [f"{TASKS_DIR}/{_file_name(key)}" for key in keys]
            size = 0
            for name, text in zip(names, encoded, strict=True):
                data = text + b"\n"
                self.store.put(name, data)
                digest.update(data)
                size += len(data)
            files = tuple(names)
        return ShardInfo(
            name=shard,
            files=files,
            tasks=len(encoded),
            predictions=predictions,
            results=results,
            bytes=size,
            sha256=digest.hexdigest(),
            model_versions=tuple(sorted(set(model_versions))),
        )

    def _name(self, keys: Sequence[str]) -> str:
        return _shard_name(keys) if self.layout == "jsonl" else _file_name(keys[0])

    def _encode(self, batch: list[dict[str, Any]], keys: Sequence[str], shard: str) -> list[bytes]:
        try:
            return list(encode_tasks(batch))
        except BuildError as exc:
            found = re.match(r"task (\d+): ", str(exc))
            where = f"task {keys[int(found.group(1))]!r}: " if found else ""
            raise ShardError(f"shard {shard}: {where}{exc}") from None


def _refuse_duplicates(keys: Sequence[str]) -> None:
    if len(set(keys)) == len(keys):
        return
    seen: dict[str, int] = {}
    for position, key in enumerate(keys):
        if key in seen:
            raise ShardError(
                f"task key {key!r} appears twice in the batch (tasks {seen[key]} and "
                f"{position}); Label Studio would import both: give each task its own key"
            )
        seen[key] = position


def _count(batch: list[dict[str, Any]]) -> tuple[int, int, tuple[str, ...]]:
    """Predictions, results and distinct model versions of a batch."""
    predictions = results = 0
    versions: set[str] = set()
    for task in batch:
        found = task.get("predictions")
        if not isinstance(found, list):
            continue
        predictions += len(found)
        for prediction in found:
            if isinstance(prediction, Mapping):
                result = prediction.get("result")
                if isinstance(result, list):
                    results += len(result)
                version = prediction.get("model_version")
                if isinstance(version, str):
                    versions.add(version)
    return predictions, results, tuple(sorted(versions))
