# %% [markdown]
# # From model arrays to a validated Label Studio file
#
# The loop an inference notebook runs: a model gives arrays per image (boxes, class ids,
# scores, instance masks, pose keypoints); prelabel turns them into Label Studio results for
# the project's config, checks them the way Label Studio reads them, and writes a task file.
# Open this file in VS Code or Jupyter (``# %%`` cells) or run it as a script.
#
# Two examples come out of it: ``notebook_arrays_to_file`` (plain arrays) and
# ``adapters_supervision`` (the same output held in a ``supervision.Detections``-shaped object).

# %%
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np

from prelabel import (
    BrushLabels,
    KeyPointLabels,
    LabelConfig,
    LabelMap,
    RectangleLabels,
    Task,
    reproducible_ids,
)
from prelabel.adapters import (
    box_regions,
    detections_regions,
    make_task,
    mask_regions,
    pose_regions,
)
from prelabel.io import write_tasks
from prelabel.validate import check

sys.path.insert(0, str(Path(__file__).parent))
from _common import write_example

# %% [markdown]
# ## The project's labeling config
# Labels are the project's own words; the model's class names reach them by exact name, any
# case, or ``predicted_values``.

# %%
CONFIG = """<View>
  <Image name="image" value="$image"/>
  <RectangleLabels name="box" toName="image">
    <Label value="Person" background="green"/>
    <Label value="Bicycle" background="blue"/>
    <Label value="Vehicle" predicted_values="car,truck,bus" background="red"/>
  </RectangleLabels>
  <BrushLabels name="mask" toName="image">
    <Label value="Person" background="green"/>
    <Label value="Bicycle" background="blue"/>
    <Label value="Vehicle" predicted_values="car,truck,bus" background="red"/>
  </BrushLabels>
  <KeyPointLabels name="pose" toName="image">
    <Label value="Head" predicted_values="nose"/>
    <Label value="Left hand" predicted_values="left_wrist"/>
    <Label value="Right hand" predicted_values="right_wrist"/>
  </KeyPointLabels>
</View>"""
config = LabelConfig.parse(CONFIG)
boxes = config.control("box", RectangleLabels)
masks = config.control("mask", BrushLabels)
pose = config.control("pose", KeyPointLabels)

# %% [markdown]
# ## A stand-in for the model
# A real notebook calls its detector here; this one draws ellipses so it runs anywhere.
# Per image: ``xyxy`` pixels ``(N, 4)``, ``class_id`` ``(N,)``, ``confidence`` ``(N,)``,
# ``masks`` ``(N, H, W)`` booleans and ``keypoints`` ``(N, 3, 3)`` (x, y, visibility).

# %%
CLASS_NAMES = ["person", "bicycle", "car", "motorcycle", "bus", "truck"]
KEYPOINT_NAMES = ["nose", "left_wrist", "right_wrist"]
IMAGES = [
    {"url": "https://example.com/street/0001.jpg", "width": 320, "height": 240},
    {"url": "https://example.com/street/0002.jpg", "width": 320, "height": 240},
    {"url": "https://example.com/street/0003.jpg", "width": 256, "height": 256},
]


def fake_detector(image: dict[str, Any], seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    width, height = image["width"], image["height"]
    count = 4
    centre = rng.uniform([50, 50], [width - 50, height - 50], size=(count, 2))
    radii = rng.uniform([15, 20], [40, 45], size=(count, 2))
    yy, xx = np.mgrid[0:height, 0:width]
    shapes = ((xx[None] - centre[:, 0, None, None]) / radii[:, 0, None, None]) ** 2 + (
        (yy[None] - centre[:, 1, None, None]) / radii[:, 1, None, None]
    ) ** 2 <= 1
    xyxy = np.concatenate([centre - radii, centre + radii], axis=1).clip(0, [width, height] * 2)
    keypoints = np.zeros((count, 3, 3))
    keypoints[:, 0, :2] = centre - [0, 0.7] * radii  # head
    keypoints[:, 1, :2] = centre + [-0.8, 0.1] * radii  # hands
    keypoints[:, 2, :2] = centre + [0.8, 0.1] * radii
    keypoints[:, :, 2] = rng.choice([0, 2], size=(count, 3), p=[0.2, 0.8])
    return {
        "xyxy": xyxy.astype(np.float32),
        "class_id": rng.choice([0, 1, 2, 3, 5], size=count),
        "confidence": rng.uniform(0.2, 0.99, size=count).astype(np.float32),
        "masks": shapes,
        "keypoints": keypoints,
    }


outputs = [fake_detector(image, seed) for seed, image in enumerate(IMAGES)]

# %% [markdown]
# ## Arrays to results
# One ``LabelMap`` per control for the whole run: ``motorcycle`` has no label in this config,
# so its regions are dropped and counted rather than sent with a label Label Studio rejects.

# %%
box_labels = LabelMap(boxes, classes=CLASS_NAMES, unmapped="drop")
mask_labels = LabelMap(masks, classes=CLASS_NAMES, unmapped="drop")
MIN_SCORE = 0.35


def to_task(image: dict[str, Any], out: dict[str, np.ndarray]) -> Task:
    wh = (image["width"], image["height"])
    common = {"class_ids": out["class_id"], "scores": out["confidence"], "min_score": MIN_SCORE}
    regions = [
        *box_regions(boxes, out["xyxy"], image_wh=wh, label_map=box_labels, **common),
        *mask_regions(masks, out["masks"], image_wh=wh, label_map=mask_labels, **common),
    ]
    people = (out["class_id"] == 0) & (out["confidence"] >= MIN_SCORE)
    regions += pose_regions(
        pose, out["keypoints"][people], keypoint_names=KEYPOINT_NAMES, image_wh=wh
    )
    scores = out["confidence"][out["confidence"] >= MIN_SCORE]
    return make_task(
        config,
        image["url"],
        regions,
        model_version="fake-detector-v1",
        score=float(scores.mean()) if scores.size else None,
    )


with reproducible_ids(51):
    tasks = [to_task(image, out) for image, out in zip(IMAGES, outputs, strict=True)]
print(f"dropped: {dict(box_labels.dropped)} (boxes), {dict(mask_labels.dropped)} (masks)")

# %% [markdown]
# ## Check before Label Studio does
# ``check`` reads the tasks as Label Studio's import and editor would and returns every
# problem, located (``$[0].predictions[0].result[3].value.x``); builders already refused bad
# geometry, so this is the last net (a task's data, ids, conditions, ...).

# %%
problems = [record for record in check(tasks, config) if record.severity == "error"]
for record in problems:
    print(record)
assert not problems, "fix these before importing"

# %% [markdown]
# ## The same detections as a ``supervision.Detections``
# ``sv.Detections.from_ultralytics(result)`` and friends hold the arrays under ``xyxy``,
# ``class_id``, ``confidence``, ``mask`` and ``data["class_name"]``; any object with those
# attributes works, supervision itself is never imported.


# %%
class Detections:
    """Stand-in for ``supervision.Detections`` (same attribute names and shapes)."""

    def __init__(
        self,
        xyxy: np.ndarray,
        *,
        mask: np.ndarray | None = None,
        confidence: np.ndarray | None = None,
        class_id: np.ndarray | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        self.xyxy, self.mask, self.confidence, self.class_id = xyxy, mask, confidence, class_id
        self.data = data or {}


with reproducible_ids(52):
    sv_tasks = []
    for image, out in zip(IMAGES, outputs, strict=True):
        detections = Detections(
            xyxy=out["xyxy"],
            mask=out["masks"],
            confidence=out["confidence"],
            class_id=out["class_id"],
            data={"class_name": np.array(CLASS_NAMES)[out["class_id"]]},
        )
        regions = detections_regions(
            detections, boxes=boxes, masks=masks, min_score=MIN_SCORE, unmapped="drop"
        )
        sv_tasks.append(make_task(config, image["url"], regions, model_version="sv-demo"))

# %% [markdown]
# ## Write the file
# ``write_tasks`` streams any iterable of tasks into JSON, JSON Lines, chunks or a folder.


# %%
def main(out_dir: Path) -> list[dict[str, str]]:
    folder = out_dir / "notebook_arrays_to_file"
    folder.mkdir(parents=True, exist_ok=True)
    write_tasks(folder / "tasks.jsonl", tasks)  # the notebook's own output: one task per line
    return [
        write_example(out_dir, "notebook_arrays_to_file", CONFIG, [t.to_dict() for t in tasks]),
        write_example(out_dir, "adapters_supervision", CONFIG, [t.to_dict() for t in sv_tasks]),
    ]


if __name__ == "__main__":
    for entry in main(Path("build/demo")):
        print(entry)
