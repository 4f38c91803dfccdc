"""Tasks that point at image files on the Label Studio server's disk (``/data/local-files/``).

The annotator's browser loads each task's ``image``; a path on your disk does not load, a URL
the server serves does. Label Studio serves files below a document root once started with::

    LABEL_STUDIO_LOCAL_FILES_SERVING_ENABLED=true \\
    LABEL_STUDIO_LOCAL_FILES_DOCUMENT_ROOT=/abs/path/to/examples/data label-studio start

and a project has a local-files storage containing them, which ``prelabel upload`` connects::

    prelabel upload --config build/demo/local_files/config.xml \\
        --local-files-root examples/data/adapters/yolo/images build/demo/local_files/tasks.json

Here the images are the three bundled photos, the model output is the YOLO detector's boxes
for them (``data/adapters/yolo/detect/labels``: ``class cx cy w h score``, 0-1 of the image),
and the image sizes are read from the files' headers with :func:`prelabel.image_size`.
``integration/test_media.py`` uploads these tasks to a real Label Studio set up this way and
checks in its editor that each box is drawn over the photo where the model put it.

Writes ``local_files``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from prelabel import (
    LabelConfig,
    Prediction,
    RectangleLabels,
    Task,
    image_size,
    local_files_url,
    reproducible_ids,
)
from prelabel.validate import check

sys.path.insert(0, str(Path(__file__).parent))
from _common import write_example

DOCUMENT_ROOT = Path(__file__).resolve().parent / "data"  # the server's document root
IMAGES = DOCUMENT_ROOT / "adapters" / "yolo" / "images"  # the local-files storage
DETECTIONS = DOCUMENT_ROOT / "adapters" / "yolo" / "detect" / "labels"
CLASSES = {0: "Person", 2: "Car", 16: "Dog", 41: "Cup", 58: "Plant"}

CONFIG = """<View>
  <Image name="image" value="$image"/>
  <RectangleLabels name="objects" toName="image">
    <Label value="Person"/><Label value="Car"/><Label value="Dog"/>
    <Label value="Cup"/><Label value="Plant"/>
  </RectangleLabels>
</View>"""


def detections(image: Path) -> list[tuple[str, tuple[float, float, float, float], float]]:
    """The model's ``(label, (cx, cy, w, h) as 0-1 of the image, score)`` for one image."""
    out = []
    for line in (DETECTIONS / f"{image.stem}.txt").read_text(encoding="utf-8").splitlines():
        class_id, cx, cy, w, h, score = line.split()
        out.append((CLASSES[int(class_id)], (float(cx), float(cy), float(w), float(h)),
                    float(score)))  # fmt: skip
    return out


def main(out_dir: Path) -> list[dict[str, str]]:
    config = LabelConfig.parse(CONFIG)
    objects = config.control("objects", RectangleLabels)
    tasks = []
    with reproducible_ids(16):
        for image in sorted(IMAGES.glob("*.png")):
            width, height = image_size(image)  # from the header; nothing is decoded
            boxes = []
            for label, (cx, cy, w, h), score in detections(image):
                left, top = (cx - w / 2) * width, (cy - h / 2) * height
                xyxy_px = (left, top, left + w * width, top + h * height)
                boxes.append(objects.box(xyxy_px=xyxy_px, image_wh=(width, height),
                                         label=label, score=score))  # fmt: skip
            tasks.append(
                Task(
                    {"image": local_files_url(image, DOCUMENT_ROOT)},
                    predictions=[Prediction(boxes, model_version="yolov8n")],
                )
            )
    # The one note: Label Studio serves these only once set up as above.
    records = check(tasks, config)
    if [r.code for r in records] != ["media.local_files"]:
        raise SystemExit("\n".join(map(str, records)))
    print(f"local_files: {len(tasks)} tasks, e.g. {tasks[0].data['image']}")
    return [write_example(out_dir, "local_files", CONFIG, (t.to_dict() for t in tasks))]


if __name__ == "__main__":
    for entry in main(Path("build/demo")):
        print(entry)
