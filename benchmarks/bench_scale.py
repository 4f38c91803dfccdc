"""Scaling: the distributed path on 1 and 2 workers against the single-process path, and
``prelabel validate --jobs`` against one process.

* **Build and write.** A dataset of ``TASKS`` images with ``BOXES`` detections each becomes
  shards. The single-process path (the peer) is today's: one :class:`PredictionBatch` per
  batch of the model's output, written with :func:`prelabel.io.write_jsonl`, in this process.
  The distributed path runs what a Ray Data or Dask worker runs, per batch:
  :class:`~prelabel.distributed.PredictionsToTasks` (with validation on the worker, as the
  example job does, and without) then :class:`~prelabel.distributed.WriteShards`, in a pool of
  N worker processes, and the driver writes the manifest from the shard records. The model
  output of a batch is made on the worker from its number (as inference would), in both paths.
* **Validate.** ``SHARDS`` JSON Lines shards, validated by the real command in a subprocess
  with ``--jobs 1`` and ``--jobs 2``.

Wall-clock seconds (the point is parallelism), median of the rounds, so a loaded machine shows
in the numbers: the load average is in the table header. Beside them, the CPU microseconds per
result of every process (driver and workers), which the load does not change: that is the
per-core cost a cluster pays. The rows are for information (no target): this machine's 2
cores are shared.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from prelabel import LabelConfig, PredictionBatch
from prelabel.distributed import PredictionsToTasks, WriteShards, shard_infos
from prelabel.io import write_jsonl, write_manifest

XML = (
    '<View><Image name="image" value="$image"/><RectangleLabels name="label" toName="image">'
    '<Label value="Car"/><Label value="Person"/><Label value="Bicycle"/></RectangleLabels></View>'
)
NAMES = ["car", "person", "bicycle"]
TASKS, BOXES, BATCH = 20_000, 10, 1_000
SHARDS = 8  # validate: 8 shards of TASKS / SHARDS tasks

Row = dict[str, Any]


def model_output(number: int) -> dict[str, Any]:
    """Batch ``number`` of the detector's output: BATCH images, BOXES boxes each."""
    rng = np.random.default_rng(number)
    first = number * BATCH
    xy = rng.uniform(0, 400, (BATCH, BOXES, 2))
    return {
        "image": np.array([f"s3://bucket/images/{first + i:08d}.jpg" for i in range(BATCH)]),
        "boxes": np.concatenate([xy, xy + rng.uniform(5, 200, (BATCH, BOXES, 2))], axis=2),
        "class_ids": rng.integers(0, 3, (BATCH, BOXES)),
        "scores": rng.uniform(0, 1, (BATCH, BOXES)),
    }


def add_boxes(batch: PredictionBatch, columns: dict[str, Any]) -> PredictionBatch:
    return batch.boxes(
        "label",
        xyxy_px=columns["boxes"].reshape(-1, 4),
        counts=np.full(len(columns["image"]), BOXES),
        image_wh=(640, 640),
        class_ids=columns["class_ids"].reshape(-1),
        class_names=NAMES,
        scores=columns["scores"].reshape(-1),
    )


def single_process(out: Path, batches: int) -> int:
    """The peer: PredictionBatch + write_jsonl per batch, in this process; results written."""
    config = LabelConfig.parse(XML)
    results = 0
    for number in range(batches):
        columns = model_output(number)
        batch = add_boxes(
            PredictionBatch(config, {"image": columns["image"]}, model_version="m"), columns
        )
        write_jsonl(out / f"part-{number:05d}.jsonl", batch)
        results += batch.result_count
    return results


_steps: tuple[PredictionsToTasks, WriteShards] | None = None


def _init_worker(root: str, validate: bool) -> None:
    global _steps
    to_tasks = PredictionsToTasks(
        XML, add_boxes, data={"image": "image"}, key="image", model_version="m", validate=validate
    )
    _steps = (to_tasks, WriteShards(root))


def _worker_batch(number: int) -> str:
    assert _steps is not None
    to_tasks, write = _steps
    return str(write(to_tasks(model_output(number)))["shard"][0])


def distributed(root: Path, batches: int, workers: int, validate: bool) -> int:
    """The batch functions in ``workers`` processes, then the manifest; results written."""
    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    pool = context.Pool(workers, _init_worker, (str(root), validate))
    try:
        records = pool.map(_worker_batch, range(batches), chunksize=1)
    finally:
        pool.close()
        pool.join()  # reaped: their CPU time counts in os.times() children
    manifest = write_manifest(root, shard_infos({"shard": r} for r in records), config=XML)
    return manifest.results


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the pool's workers)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _timed(fn: Any, rounds: int) -> tuple[float, float, int]:
    """Median wall seconds, median CPU seconds (all processes), and what ``fn`` returned."""
    walls, cpus, count = [], [], 0
    for _ in range(rounds):
        with tempfile.TemporaryDirectory(prefix="prelabel-bench-scale-") as folder:
            cpu, start = _cpu(), time.perf_counter()
            count = fn(Path(folder))
            walls.append(time.perf_counter() - start)
            cpus.append(_cpu() - cpu)
    return statistics.median(walls), statistics.median(cpus), count


def build_rows(*, quick: bool) -> list[Row]:
    batches = (TASKS // BATCH) // (4 if quick else 1)
    rounds = 1 if quick else 3
    peer_s, peer_cpu, results = _timed(lambda out: single_process(out, batches), rounds)
    rows = []
    for validate in (False, True):
        for workers in (1, 2):
            seconds, cpu, got = _timed(
                lambda out, w=workers, v=validate: distributed(out, batches, w, v), rounds
            )
            assert got == results
            rows.append(
                {
                    "workers": workers,
                    "validate": validate,
                    "seconds": seconds,
                    "peer_seconds": peer_s,
                    "results": results,
                    "results_per_s": results / seconds,
                    "per_worker_vs_peer": (results / seconds / workers) / (results / peer_s),
                    "cpu_us_per_result": cpu / results * 1e6,
                    "peer_cpu_us_per_result": peer_cpu / results * 1e6,
                }
            )
    return rows


def validate_rows(*, quick: bool) -> list[Row]:
    tasks = TASKS // (4 if quick else 1)
    rounds = 1 if quick else 3
    with tempfile.TemporaryDirectory(prefix="prelabel-bench-validate-") as folder:
        root = Path(folder)
        (root / "config.xml").write_text(XML, encoding="utf-8")
        config = LabelConfig.parse(XML)
        per_shard = tasks // SHARDS
        files = []
        for number in range(SHARDS):
            columns = model_output(number)
            batch = add_boxes(PredictionBatch(config, {"image": columns["image"]}), columns)
            files.append(write_jsonl(root / f"part-{number}.jsonl", batch[:per_shard]))
        argv = [sys.executable, "-m", "prelabel.cli", "validate", "--no-progress"]
        argv += ["--config", str(root / "config.xml"), *map(str, files)]
        seconds = {}
        for jobs in (1, 2):
            times = []
            for _ in range(rounds):
                start = time.perf_counter()
                subprocess.run([*argv, "--jobs", str(jobs)], check=True, capture_output=True)
                times.append(time.perf_counter() - start)
            seconds[jobs] = statistics.median(times)
    results = per_shard * SHARDS * BOXES
    return [
        {
            "jobs": jobs,
            "seconds": seconds[jobs],
            "one_seconds": seconds[1],
            "results": results,
            "results_per_s": results / seconds[jobs],
            "files": SHARDS,
        }
        for jobs in (2,)
    ]


def run(*, quick: bool = False) -> list[Row]:
    return [{"kind": "build", **r} for r in build_rows(quick=quick)] + [
        {"kind": "validate", **r} for r in validate_rows(quick=quick)
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    for row in run(quick=args.quick):
        print(row)
    return 0


if __name__ == "__main__":
    sys.exit(main())
