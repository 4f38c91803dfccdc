"""Boxes and a choice on an image: the guide's airplane example, from pixel detections.

The guide's config: a ``<Choices name="choice">`` (Boeing / Airbus) and a
``<RectangleLabels name="label">`` (Airplane / Car) on ``<Image name="image" value="$image">``,
and a 600x403 image. The model outputs in ``data/image/airplanes.json`` are what a detector
and a classifier hand over: boxes as ``xyxy`` pixels with class indices, confidences and a
``{class_id: name}`` dict, and class probabilities. ``boxes()`` turns all boxes into Label
Studio percent in one vectorized call; no result dict is written by hand.

The first box is the guide's own region (``x=5.33, y=23.57, width=29.16, height=31.26``
percent) given in pixels; the output reproduces those numbers to 2 decimals.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from prelabel import Choices, LabelConfig, Prediction, RectangleLabels, Task, reproducible_ids

sys.path.insert(0, str(Path(__file__).parent))
from _common import write_example

DATA = Path(__file__).parent / "data" / "image" / "airplanes.json"

CONFIG = """<View>
  <Choices name="choice" toName="image" showInLine="true">
    <Choice value="Boeing" background="blue"/>
    <Choice value="Airbus" background="green" />
  </Choices>

  <RectangleLabels name="label" toName="image">
    <Label value="Airplane" background="green"/>
    <Label value="Car" background="blue"/>
  </RectangleLabels>

  <Image name="image" value="$image"/>
</View>"""


def main(out_dir: Path) -> list[dict[str, str]]:
    config = LabelConfig.parse(CONFIG)
    boxes = config.control("label", RectangleLabels)
    choice = config.control("choice", Choices)

    data = json.loads(DATA.read_text(encoding="utf-8"))
    image = data["image"]
    detector = data["detector"]
    probabilities = data["classifier"]["probabilities"]

    with reproducible_ids(2024):  # the same ids on every run, so the output diffs cleanly
        regions = boxes.boxes(
            xyxy_px=detector["xyxy"],
            image_wh=(image["width"], image["height"]),
            class_ids=detector["cls"],
            class_names={int(k): v for k, v in detector["names"].items()},
            scores=detector["conf"],
        )
        best = max(probabilities, key=probabilities.get)
        picked = choice.choose(best, score=probabilities[best])

    prediction = Prediction(
        [*regions, picked],
        model_version=detector["model_version"],
        score=min(detector["conf"]),
    )
    task = Task({"image": image["url"]}, predictions=[prediction])
    return [write_example(out_dir, "image_airplanes", CONFIG, [task.to_dict()])]


if __name__ == "__main__":
    for entry in main(Path("build/demo")):
        print(entry)
