"""An instance-segmentation and pose model's output for a dataset, as arrays, to one task file.

Polygons come as every vertex of every polygon in one ``(P, 2)`` array with a vertex count
per polygon (what OpenCV contours concatenated give); keypoints as one ``(M, 2)`` array with
17 points per person. :class:`prelabel.PredictionBatch` checks and converts both as arrays.

Run: ``python examples/dataset_batch_shapes.py`` (writes ``build/demo/dataset_batch_shapes/``).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np

from prelabel import LabelConfig, PredictionBatch, reproducible_ids
from prelabel.validate import check

sys.path.insert(0, str(Path(__file__).parent))
from _common import write_example

CONFIG = """<View>
  <Image name="image" value="$image"/>
  <PolygonLabels name="outline" toName="image">
    <Label value="Person" background="green"/><Label value="Car" background="red"/>
  </PolygonLabels>
  <KeyPointLabels name="joints" toName="image">
    <Label value="Head" background="blue"/><Label value="Hand" background="orange"/>
    <Label value="Foot" background="purple"/>
  </KeyPointLabels>
</View>"""
JOINTS = ["Head", "Hand", "Hand", "Foot", "Foot"]
SIZE = (800, 600)


def fake_model(images: int, seed: int = 11) -> dict[str, Any]:
    """Polygons (an octagon per object) and five joints per person, for ``images`` images."""
    rng = np.random.default_rng(seed)
    objects = rng.integers(1, 4, images)  # objects per image
    object_task = np.repeat(np.arange(images), objects)
    n = len(object_task)
    centre = rng.uniform([120, 120], [680, 480], (n, 2))
    radius = rng.uniform(30, 110, (n, 1))
    angles = np.linspace(0, 2 * np.pi, 8, endpoint=False)
    ring = np.stack([np.cos(angles), np.sin(angles)], axis=1)  # (8, 2)
    vertices = (centre[:, None, :] + radius[:, :, None] * ring[None]).reshape(-1, 2)
    is_person = rng.random(n) < 0.6
    people = np.flatnonzero(is_person)
    offsets = np.array([[0, -0.8], [-0.7, 0], [0.7, 0], [-0.3, 0.8], [0.3, 0.8]])
    joints = centre[people][:, None, :] + radius[people][:, :, None] * offsets[None]
    return {
        "vertices": vertices,
        "point_counts": np.full(n, 8),
        "object_task": object_task,
        "classes": np.where(is_person, 0, 1),
        "scores": rng.uniform(0.5, 1.0, n),
        "joints": joints.reshape(-1, 2),
        "joint_task": np.repeat(object_task[people], len(JOINTS)),
        "joint_scores": rng.uniform(0.3, 1.0, len(people) * len(JOINTS)),
        "people": len(people),
    }


def main(out_dir: Path) -> list[dict[str, str]]:
    config = LabelConfig.parse(CONFIG)
    images = [f"/data/local-files/?d=street/{i:04d}.jpg" for i in range(12)]
    out = fake_model(len(images))
    with reproducible_ids(7):
        batch = (
            PredictionBatch(config, {"image": images}, model_version="seg-pose-v1")
            .polygons(
                "outline",
                points_px=out["vertices"],
                point_counts=out["point_counts"],
                task_index=out["object_task"],
                image_wh=SIZE,
                class_ids=out["classes"],
                class_names=["person", "car"],
                scores=out["scores"],
            )
            .keypoints(
                "joints",
                xy_px=out["joints"],
                task_index=out["joint_task"],
                image_wh=SIZE,
                labels=JOINTS * out["people"],
                scores=out["joint_scores"],
                clip=True,
            )
        )
    # The images are local-files URLs: the one note is what the server must serve them with.
    problems = [p for p in check(batch, config) if p.code != "media.local_files"]
    if problems:
        raise SystemExit("\n".join(map(str, problems)))
    print(f"dataset_batch_shapes: {len(batch)} tasks, {batch.result_count} results")
    return [write_example(out_dir, "dataset_batch_shapes", CONFIG, batch)]


if __name__ == "__main__":
    main(Path("build/demo"))
