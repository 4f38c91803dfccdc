"""prelabel inside a distributed inference job (Ray Data, Dask): an optional extra.

Nothing here imports an engine: the batch functions take and return columns (a mapping of
arrays), which is what Ray Data's ``map_batches`` and Dask's ``map_partitions`` pass, and
:func:`write_shards` only calls the dataset's own methods. ``import prelabel`` never imports
this package.

The flow, per worker and then on the driver::

    model outputs ──PredictionsToTasks──▶ task columns ──WriteShards──▶ ROOT/tasks/part-*.jsonl
                                                              │ one record per shard
                                               driver: write_manifest ──▶ ROOT/manifest.json

See ``docs/scale.md`` for a whole job.
"""

from ._check import ShardReport, check_shard
from ._tasks import TASK_COLUMNS, BuildFunction, PredictionsToTasks, ragged, worker_config
from ._write import WriteShards, shard_infos, write_shards

__all__ = [
    "TASK_COLUMNS",
    "BuildFunction",
    "PredictionsToTasks",
    "ShardReport",
    "WriteShards",
    "check_shard",
    "ragged",
    "shard_infos",
    "worker_config",
    "write_shards",
]
