"""Pre-annotate a dataset at scale: a Ray Data job turns detector output into Label Studio
tasks, written by the workers as shards to a bucket or a directory, with a manifest.

Needs Ray and, for a bucket, s3fs (``pip install 'prelabel[ray,s3]'``). The script starts a
local Ray cluster on 127.0.0.1 and stops it at the end::

    python examples/scale/ray_job.py --out /tmp/run-1 --images 10000
    python examples/scale/ray_job.py --out s3://my-bucket/run-1 --images 10000 \\
        --endpoint-url http://127.0.0.1:9000      # an S3-compatible server (MinIO, ...)

Then connect a Label Studio source storage to ``OUT/tasks`` (S3: bucket ``my-bucket``,
prefix ``run-1/tasks``, "treat every bucket object as a source file" off) and sync it:
docs/scale.md walks through it.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

import numpy as np

from prelabel import PredictionBatch
from prelabel.distributed import PredictionsToTasks, ragged, write_shards
from prelabel.io import Manifest

CONFIG = """<View>
  <Image name="image" value="$image"/>
  <RectangleLabels name="label" toName="image">
    <Label value="Car"/><Label value="Person"/><Label value="Bicycle"/>
  </RectangleLabels>
</View>"""
CLASS_NAMES = ["car", "person", "bicycle"]  # the detector's classes, in its own order
MODEL_VERSION = "detector-v1"


def detect(batch: dict[str, np.ndarray]) -> dict[str, Any]:
    """Stands in for the model: per image, 0-5 boxes (xyxy pixels), class ids and scores."""
    rows = len(batch["id"])
    images = np.array([f"s3://my-bucket/images/{i:08d}.jpg" for i in batch["id"]])
    boxes, classes, scores = (np.empty(rows, dtype=object) for _ in range(3))
    for row, image_id in enumerate(batch["id"]):
        rng = np.random.default_rng(int(image_id))
        count = int(rng.integers(0, 6))
        xy = rng.uniform(0, 500, (count, 2))
        boxes[row] = np.hstack([xy, xy + rng.uniform(10, 140, (count, 2))])
        classes[row] = rng.integers(0, len(CLASS_NAMES), count)
        scores[row] = rng.uniform(0.3, 1.0, count)
    return {
        "image": images,
        "width": np.full(rows, 640),
        "height": np.full(rows, 640),
        "boxes": boxes,
        "class_ids": classes,
        "scores": scores,
    }


def add_boxes(batch: PredictionBatch, columns: dict[str, Any]) -> PredictionBatch:
    """One batch's detections as results: array operations, no loop per box."""
    xyxy, counts = ragged(columns["boxes"])
    return batch.boxes(
        "label",
        xyxy_px=xyxy,
        counts=counts,
        image_wh=np.stack([columns["width"], columns["height"]], axis=1),
        class_ids=ragged(columns["class_ids"])[0],
        class_names=CLASS_NAMES,
        scores=ragged(columns["scores"])[0],
        clip=True,
    )


def run(
    out: str,
    *,
    images: int,
    tasks_per_shard: int = 10_000,
    storage_options: dict[str, Any] | None = None,
    blocks: int | None = None,
) -> Manifest:
    """The job, on the Ray cluster this process is connected to; returns the manifest.

    ``blocks`` splits the input into that many blocks (default: Ray decides).
    """
    import ray

    outputs = ray.data.range(images, override_num_blocks=blocks).map_batches(
        detect, batch_size=1024
    )
    tasks = outputs.map_batches(
        PredictionsToTasks(
            CONFIG,
            add_boxes,
            data={"image": "image"},
            key="image",  # the task's stable id: a re-run overwrites its shard
            model_version=MODEL_VERSION,
            validate=True,  # every task checked on its worker; the first error names it
        ),
        batch_size=1024,
    )
    return write_shards(
        tasks,
        out,
        tasks_per_shard=tasks_per_shard,
        config=CONFIG,
        storage_options=storage_options,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True, help="a directory or s3://bucket/prefix")
    parser.add_argument("--images", type=int, default=10_000)
    parser.add_argument("--tasks-per-shard", type=int, default=10_000)
    parser.add_argument("--endpoint-url", help="an S3-compatible server's URL")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    options: dict[str, Any] | None = None
    if args.endpoint_url:
        options = {"client_kwargs": {"endpoint_url": args.endpoint_url}}

    import ray

    ray.init(num_cpus=args.workers, include_dashboard=False, _node_ip_address="127.0.0.1")
    try:
        manifest = run(
            args.out,
            images=args.images,
            tasks_per_shard=args.tasks_per_shard,
            storage_options=options,
        )
    finally:
        ray.shutdown()
    print(
        f"{manifest.tasks:,} tasks, {manifest.results:,} results in "
        f"{len(manifest.shards)} shards under {args.out}/tasks; manifest: {args.out}/manifest.json"
    )


if __name__ == "__main__":
    main()
