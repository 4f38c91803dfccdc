"""YOLO txt predictions to Label Studio: detection boxes and segmentation polygons.

The folder ``data/adapters/yolo/`` is what Ultralytics writes with
``model.predict(source, save_txt=True, save_conf=True)``: one ``.txt`` per image, a line per
object (``class cx cy w h conf`` for detection, ``class x1 y1 ... xn yn conf`` for
segmentation, all 0-1), the ``data.yaml`` with the class names, and the images. YOLO files
hold no image sizes; they are read from the image headers (EXIF rotation applied).

* ``adapters_yolo_detect``: boxes on a ``<RectangleLabels>``; classes map to labels by name
  (``car`` -> ``Car``), by ``predicted_values`` (``cup`` -> ``Tableware``) or not at all
  (``potted plant`` is dropped and counted); detections under 0.4 are left out.
* ``adapters_yolo_segment``: the same objects' polygons on a ``<PolygonLabels>``.

``prelabel from-yolo`` does the same from the command line.
"""

from __future__ import annotations

import sys
from pathlib import Path

from prelabel import LabelConfig, reproducible_ids
from prelabel.adapters import yolo_to_tasks

sys.path.insert(0, str(Path(__file__).parent))
from _common import write_example

DATA = Path(__file__).parent / "data" / "adapters" / "yolo"
IMAGE_URL = "/data/local-files/?d=yolo/images/{name}"

DETECT_CONFIG = """<View>
  <Image name="image" value="$image"/>
  <RectangleLabels name="label" toName="image">
    <Label value="Person" background="green"/>
    <Label value="Car" background="blue"/>
    <Label value="Dog" background="orange"/>
    <Label value="Tableware" predicted_values="cup,bowl,fork" background="purple"/>
  </RectangleLabels>
</View>"""

SEGMENT_CONFIG = """<View>
  <Image name="image" value="$image"/>
  <PolygonLabels name="outline" toName="image" strokeWidth="2">
    <Label value="Person" background="green"/>
    <Label value="Car" background="blue"/>
    <Label value="Dog" background="orange"/>
    <Label value="Tableware" predicted_values="cup,bowl,fork" background="purple"/>
    <Label value="Plant" predicted_values="potted plant" background="olive"/>
  </PolygonLabels>
</View>"""


def main(out_dir: Path) -> list[dict[str, str]]:
    entries = []
    with reproducible_ids(21):
        detect = yolo_to_tasks(
            DATA / "detect" / "labels",
            LabelConfig.parse(DETECT_CONFIG),
            class_names=DATA / "data.yaml",
            images_dir=DATA / "images",
            image_url=IMAGE_URL,
            model_version="yolov8n",
            min_score=0.4,
            unmapped="drop",
        )
        tasks = [task.to_dict() for task in detect]
    print(f"adapters_yolo_detect: {detect.summary()}")
    entries.append(write_example(out_dir, "adapters_yolo_detect", DETECT_CONFIG, tasks))

    with reproducible_ids(22):
        segment = yolo_to_tasks(
            DATA / "segment" / "labels",
            LabelConfig.parse(SEGMENT_CONFIG),
            class_names=DATA / "data.yaml",
            images_dir=DATA / "images",
            image_url=IMAGE_URL,
            model_version="yolov8n-seg",
        )
        tasks = [task.to_dict() for task in segment]
    print(f"adapters_yolo_segment: {segment.summary()}")
    entries.append(write_example(out_dir, "adapters_yolo_segment", SEGMENT_CONFIG, tasks))
    return entries


if __name__ == "__main__":
    for entry in main(Path("build/demo")):
        print(entry)
