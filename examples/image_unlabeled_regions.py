"""Rectangles, polygons, ellipses and keypoints without labels, and labeled through ``<Labels>``.

The guide's second image config: unlabeled ``<Rectangle>``, ``<Polygon>``, ``<Ellipse>`` and
``<KeyPoint>`` tools and a ``<Labels>`` (Vehicle / Building / Pavement) on one image. The
proposals in ``data/image/regions.json`` are in pixels, as a class-agnostic proposal model
gives them.

* Task 1: regions without labels (what the guide's section is about): one result per region.
* Task 2: the same tools, labeled. A labeled region of an unlabeled tool is two results
  sharing one id, the tool's geometry and a ``labels`` result repeating it
  (``labels.for_regions``), which is how the editor itself saves them.

The polygon of task 1 repeats its first point at the end (as shapely and many contour tools
do); the builder drops the repeat, since Label Studio closes polygons itself.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from prelabel import (
    Ellipse,
    KeyPoint,
    LabelConfig,
    Labels,
    Polygon,
    Prediction,
    Rectangle,
    Region,
    Task,
    reproducible_ids,
)

sys.path.insert(0, str(Path(__file__).parent))
from _common import write_example

DATA = Path(__file__).parent / "data" / "image" / "regions.json"

CONFIG = """<View>
  <Image name="image" value="$image" zoom="true" zoomControl="true" rotateControl="false"/>

  <Rectangle name="rect" toName="image" showInline="false"/>
  <Polygon name="polygon" toName="image"/>
  <Ellipse name="ellipse" toName="image"/>
  <KeyPoint name="kp" toName="image"/>

  <Labels name="labels" toName="image" fillOpacity="0.5" strokeWidth="5">
    <Label value="Vehicle" background="green"/>
    <Label value="Building" background="blue"/>
    <Label value="Pavement" background="red"/>
  </Labels>
</View>"""


def regions_for(config: LabelConfig, image: dict[str, Any]) -> list[Region]:
    """Every proposal of one image as a region; labeled when the image has classes."""
    image_wh = (image["width"], image["height"])
    rects = config.control("rect", Rectangle).boxes(xyxy_px=image["box_xyxy"], image_wh=image_wh)
    polygons = config.control("polygon", Polygon).polygons(
        points_px=image["polygons"], image_wh=image_wh
    )
    ellipses = config.control("ellipse", Ellipse).ellipses(
        center_px=image["ellipses"]["center"],
        radii_px=image["ellipses"]["radii"],
        angle_deg=image["ellipses"]["angle_deg"],
        image_wh=image_wh,
    )
    points = config.control("kp", KeyPoint).points(
        xy_px=image["keypoints"], image_wh=image_wh, width_px=4
    )
    classes = image["classes"]
    if classes is not None:
        labels = config.control("labels", Labels)
        labels.for_regions(rects, labels=classes["box"])
        labels.for_regions(polygons, labels=classes["polygon"])
        labels.for_regions(ellipses, labels=classes["ellipse"])
        labels.for_regions(points, labels=classes["keypoint"])
    return [*rects, *polygons, *ellipses, *points]


def main(out_dir: Path) -> list[dict[str, str]]:
    config = LabelConfig.parse(CONFIG)
    data = json.loads(DATA.read_text(encoding="utf-8"))
    tasks = []
    with reproducible_ids(403):
        for image in data["images"]:
            prediction = Prediction(regions_for(config, image), model_version="proposals-v2")
            tasks.append(Task({"image": image["url"]}, predictions=[prediction]).to_dict())
    return [write_example(out_dir, "image_unlabeled_regions", CONFIG, tasks)]


if __name__ == "__main__":
    for entry in main(Path("build/demo")):
        print(entry)
