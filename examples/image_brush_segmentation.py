"""Brush pre-annotations from a segmentation model: class maps and instance masks.

Two ways a segmentation model hands over its output, both turned into BrushLabels results:
a semantic class map (one region per class present) and a stack of instance masks with
scores (one region per instance). Masks are (height, width) numpy arrays, as models give them.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

import prelabel
from prelabel import BrushLabels, LabelConfig, Prediction, Task

sys.path.insert(0, str(Path(__file__).parent))
from _common import write_example

DATA = Path(__file__).parent / "data" / "brush"

CONFIG = """<View>
  <Image name="image" value="$image" zoom="true"/>
  <BrushLabels name="tag" toName="image">
    <Label value="Airplane" background="rgba(255, 0, 0, 0.7)"/>
    <Label value="Car" background="rgba(0, 0, 255, 0.7)"/>
  </BrushLabels>
</View>"""


def main(out_dir: Path) -> list[dict[str, str]]:
    config = LabelConfig.parse(CONFIG)
    tag = config.control("tag", BrushLabels)
    bundle = np.load(DATA / "masks.npz")
    semantic, instance = [], []
    with prelabel.reproducible_ids(seed=4):
        for index, (cmap, masks, scores) in enumerate(
            zip(bundle["class_maps"], bundle["instances"], bundle["scores"], strict=True)
        ):
            image = f"https://example.com/street/{index + 1}.jpg"
            regions = tag.class_map(
                cmap, class_names={1: "Airplane", 2: "Car"}, image_wh=(160, 120)
            )
            semantic.append(
                Task({"image": image}, predictions=[Prediction(regions, model_version="segnet-1")])
            )
            regions = tag.masks(masks, labels=["Airplane", "Car"], scores=scores)
            instance.append(
                Task(
                    {"image": image},
                    predictions=[Prediction(regions, model_version="maskrcnn-2", score=0.9)],
                )
            )
    return [
        write_example(out_dir, "brush_semantic", CONFIG, [t.to_dict() for t in semantic]),
        write_example(out_dir, "brush_instances", CONFIG, [t.to_dict() for t in instance]),
    ]


if __name__ == "__main__":
    for entry in main(Path("build/demo")):
        print(entry)
