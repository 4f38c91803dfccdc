"""COCO to Label Studio: a detector's results file, and a dataset with polygons and keypoints.

Two examples from ``data/adapters/coco/`` (written by ``make_data.py``, in the exact shapes
COCO tools write):

* ``adapters_coco_results``: a Mask R-CNN style ``results.json`` (pixel ``[x, y, w, h]``
  boxes, scores, masks as pycocotools' compressed RLE) becomes one prediction per image:
  boxes on a ``<RectangleLabels>``, masks decoded and re-encoded as Label Studio brush RLE on a
  ``<BrushLabels>``. The dataset's own annotations come along as each task's annotation, to
  review the model against. Detections under 0.3 are left out; ``potted plant`` has no label
  in this config and is dropped, and counted.
* ``adapters_coco_keypoints``: the dataset itself (``instances.json``) as predictions: boxes,
  polygon segmentations on a ``<PolygonLabels>`` and person keypoints on a
  ``<KeyPointLabels>`` whose labels name the COCO keypoints through ``predicted_values``.
  The crowd annotation (an RLE) cannot become a polygon and is counted, not drawn.

Nothing here multiplies by 100: units, labels and bounds are the builders' job.
"""

from __future__ import annotations

import sys
from pathlib import Path

from prelabel import LabelConfig, reproducible_ids
from prelabel.adapters import coco_results_to_tasks, coco_to_tasks

sys.path.insert(0, str(Path(__file__).parent))
from _common import write_example

DATA = Path(__file__).parent / "data" / "adapters" / "coco"
IMAGE_URL = "/data/local-files/?d=coco/val2017/{file_name}"

RESULTS_CONFIG = """<View>
  <Image name="image" value="$image" zoom="true"/>
  <RectangleLabels name="box" toName="image">
    <Label value="Person" background="green"/>
    <Label value="Car" background="blue"/>
    <Label value="Dog" background="orange"/>
    <Label value="Cup" background="purple"/>
  </RectangleLabels>
  <BrushLabels name="mask" toName="image">
    <Label value="Person" background="green"/>
    <Label value="Car" background="blue"/>
    <Label value="Dog" background="orange"/>
    <Label value="Cup" background="purple"/>
  </BrushLabels>
</View>"""

KEYPOINTS_CONFIG = """<View>
  <Image name="image" value="$image" zoom="true"/>
  <RectangleLabels name="box" toName="image">
    <Label value="Person"/><Label value="Car"/><Label value="Dog"/><Label value="Cup"/>
    <Label value="Plant" predicted_values="potted plant"/>
  </RectangleLabels>
  <PolygonLabels name="outline" toName="image">
    <Label value="Person"/><Label value="Car"/><Label value="Dog"/><Label value="Cup"/>
    <Label value="Plant" predicted_values="potted plant"/>
  </PolygonLabels>
  <KeyPointLabels name="pose" toName="image">
    <Label value="Nose" background="red"/>
    <Label value="Left eye" predicted_values="left_eye"/>
    <Label value="Right eye" predicted_values="right_eye"/>
    <Label value="Left shoulder" predicted_values="left_shoulder"/>
    <Label value="Right shoulder" predicted_values="right_shoulder"/>
  </KeyPointLabels>
</View>"""


def main(out_dir: Path) -> list[dict[str, str]]:
    entries = []
    with reproducible_ids(11):
        results = coco_results_to_tasks(
            DATA / "results.json",
            DATA / "instances.json",
            LabelConfig.parse(RESULTS_CONFIG),
            image_url=IMAGE_URL,
            model_version="mask-rcnn-r50-fpn",
            min_score=0.3,
            unmapped="drop",
            with_ground_truth=True,
            skip_crowd=True,
        )
        tasks = [task.to_dict() for task in results]
    print(f"adapters_coco_results: {results.summary()}")
    entries.append(write_example(out_dir, "adapters_coco_results", RESULTS_CONFIG, tasks))

    with reproducible_ids(12):
        dataset = coco_to_tasks(
            DATA / "instances.json",
            LabelConfig.parse(KEYPOINTS_CONFIG),
            into="predictions",
            image_url=IMAGE_URL,
            model_version="coco-val2017-ground-truth",
        )
        tasks = [task.to_dict() for task in dataset]
    print(f"adapters_coco_keypoints: {dataset.summary()}")
    entries.append(write_example(out_dir, "adapters_coco_keypoints", KEYPOINTS_CONFIG, tasks))
    return entries


if __name__ == "__main__":
    for entry in main(Path("build/demo")):
        print(entry)
