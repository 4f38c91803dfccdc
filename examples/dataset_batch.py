"""A detector's output for a whole dataset, as arrays, to one Label Studio task file.

An offline inference job ends with arrays for every image at once: all boxes in one
``(M, 4)`` array with the image each belongs to, class ids, scores, and a scene class per
image. :class:`prelabel.PredictionBatch` checks and converts them as arrays and writes the
tasks without building a dict per box first. Classes the project does not label (``dog``)
are dropped by a ``LabelMap`` and counted, not lost silently.

Run: ``python examples/dataset_batch.py`` (writes ``build/demo/dataset_batch/``).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np

from prelabel import LabelConfig, LabelMap, PredictionBatch, RectangleLabels, reproducible_ids
from prelabel.io import write_jsonl
from prelabel.validate import check

sys.path.insert(0, str(Path(__file__).parent))
from _common import write_example

CONFIG = """<View>
  <Image name="image" value="$image"/>
  <RectangleLabels name="objects" toName="image">
    <Label value="Person" background="green"/>
    <Label value="Vehicle" predicted_values="car,truck,bus" background="red"/>
  </RectangleLabels>
  <Choices name="scene" toName="image">
    <Choice value="Street"/><Choice value="Indoor"/>
  </Choices>
</View>"""
CLASS_NAMES = ["person", "car", "truck", "bus", "dog"]
SCENES = ["street", "indoor"]
SIZES = [(1280, 720), (640, 480), (1024, 768)]


def fake_detector(images: int, seed: int = 7) -> dict[str, Any]:
    """What a batched detector returns for ``images`` images (a stand-in that runs anywhere)."""
    rng = np.random.default_rng(seed)
    counts = rng.integers(0, 6, images)
    task_index = np.repeat(np.arange(images), counts)
    sizes = np.array([SIZES[i % len(SIZES)] for i in range(images)])
    wh = sizes[task_index].astype(float)
    size = rng.uniform(0.05, 0.4, (len(task_index), 2)) * wh
    start = rng.uniform(0.0, 1.0, (len(task_index), 2)) * (wh - size)
    return {
        "xyxy": np.concatenate([start, start + size], axis=1),
        "task_index": task_index,
        "class_ids": rng.integers(0, len(CLASS_NAMES), len(task_index)),
        "scores": rng.uniform(0.3, 1.0, len(task_index)),
        "image_wh": sizes,
        "scene_ids": rng.integers(0, len(SCENES), images),
        "scene_scores": rng.uniform(0.5, 1.0, images),
    }


def main(out_dir: Path) -> list[dict[str, str]]:
    config = LabelConfig.parse(CONFIG)
    images = [f"/data/local-files/?d=dataset/{i:05d}.jpg" for i in range(40)]
    out = fake_detector(len(images))
    classes = LabelMap(
        config.control("objects", RectangleLabels), classes=CLASS_NAMES, unmapped="drop"
    )
    with reproducible_ids(2024):  # the same file on every run
        batch = (
            PredictionBatch(config, {"image": images}, model_version="detector-v3")
            .boxes(
                "objects",
                xyxy_px=out["xyxy"],
                task_index=out["task_index"],
                image_wh=out["image_wh"],
                class_ids=out["class_ids"],
                class_names=classes,
                scores=out["scores"],
            )
            .choices(
                "scene",
                class_ids=out["scene_ids"],
                class_names=SCENES,
                scores=out["scene_scores"],
            )
        )
    # The images are local-files URLs: the one note is what the server must serve them with.
    problems = [p for p in check(batch, config) if p.code != "media.local_files"]
    if problems:
        raise SystemExit("\n".join(map(str, problems)))
    print(
        f"dataset_batch: {len(batch)} tasks, {batch.result_count} results; dropped "
        f"{sum(classes.dropped.values())} detections of unlabeled classes {dict(classes.dropped)}"
    )
    entry = write_example(out_dir, "dataset_batch", CONFIG, batch)
    write_jsonl(out_dir / "dataset_batch" / "tasks.jsonl", batch)  # the streaming layout
    return [entry]


if __name__ == "__main__":
    main(Path("build/demo"))
