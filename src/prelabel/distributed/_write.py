"""The write step: each batch of task columns becomes one shard, and the driver writes the
manifest from the small records the workers return (never the tasks themselves)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from .._lazy import lazy_module
from ..config import LabelConfig
from ..errors import ShardError
from ..io import Manifest, ShardInfo, ShardLayout, ShardWriter, Store, write_manifest
from ..io._common import PathLike
from ..io._manifest import Stale

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray
else:
    np = lazy_module("numpy")

__all__ = ["WriteShards", "shard_infos", "write_shards"]


class WriteShards:
    """A batch function for the write step: one batch of task columns, one shard.

    Args:
        root: where the run goes (local directory or URL); shards under ``root/tasks``.
        layout: ``"jsonl"`` (a shard per batch) or ``"json"`` (a file per task).
        storage_options: fsspec options for a URL root.

    Called with the columns :class:`PredictionsToTasks` made, it returns one row,
    ``{"shard": [json]}``: the shard's :class:`~prelabel.io.ShardInfo`, for the manifest.
    """

    def __init__(
        self,
        root: PathLike | Store,
        *,
        layout: ShardLayout = "jsonl",
        storage_options: Mapping[str, Any] | None = None,
    ) -> None:
        self.writer = ShardWriter(root, layout=layout, storage_options=storage_options)

    def __call__(self, columns: Mapping[str, Any]) -> dict[str, NDArray[Any]]:
        """Write the batch as one shard; return its record."""
        missing = [name for name in ("key", "task", "results") if name not in columns]
        if missing:
            raise ShardError(
                f"the write step needs the columns of PredictionsToTasks; {missing[0]!r} is missing"
            )
        versions = columns.get("model_version")
        info = self.writer.write_encoded(
            [bytes(task) for task in columns["task"]],
            [str(key) for key in columns["key"]],
            predictions=int(np.sum(columns.get("predictions", np.ones(len(columns["task"]))))),
            results=int(np.sum(columns["results"])),
            model_versions=() if versions is None else {str(v) for v in versions} - {""},
        )
        record = np.empty(1, dtype=object)
        record[0] = json.dumps(info.to_dict())
        return {"shard": record}


def shard_infos(rows: Iterable[Mapping[str, Any]]) -> list[ShardInfo]:
    """The records of the write step's output rows (``{"shard": json}`` each)."""
    return [ShardInfo.from_dict(json.loads(row["shard"])) for row in rows]


def write_shards(
    dataset: Any,
    root: PathLike,
    *,
    tasks_per_shard: int = 10_000,
    layout: ShardLayout = "jsonl",
    config: LabelConfig | str | None = None,
    stale: Stale = "error",
    storage_options: Mapping[str, Any] | None = None,
) -> Manifest:
    """Write a Ray Dataset of task columns as shards, then the manifest; return it.

    The workers write the shards (``map_batches`` with ``batch_size=tasks_per_shard``); only
    one small record per shard comes back to the driver.

    Args:
        dataset: a ``ray.data.Dataset`` with the columns :class:`PredictionsToTasks` makes.
        root: where the run goes (local directory or URL).
        tasks_per_shard: tasks per shard file (what a worker holds while writing one).
        layout, config, stale, storage_options: as :func:`prelabel.io.write_manifest`.

    Raises:
        ShardError: as :func:`prelabel.io.write_manifest`; nothing is marked complete then.
    """
    step = WriteShards(root, layout=layout, storage_options=storage_options)
    records = dataset.map_batches(step, batch_size=tasks_per_shard, batch_format="numpy")
    return write_manifest(
        root,
        shard_infos(records.take_all()),
        layout=layout,
        config=config,
        stale=stale,
        storage_options=storage_options,
    )
