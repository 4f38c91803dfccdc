"""A real OCR model, end to end: RapidOCR's ONNX models on scikit-image's pages of text.

``rapidocr-onnxruntime`` ships its detection, direction and recognition models inside the wheel
(no download at run time); ``scikit-image`` ships the images. RapidOCR returns one
``[quad, text, score]`` per line; :func:`prelabel.adapters.ocr_regions` turns each into a
rectangle (rotated when the quad is a turned rectangle) or a polygon, labels it ``Text`` through
the ``<Labels>`` of the unlabeled tools, and puts the recognized text in the ``perRegion``
``<TextArea>`` under the region's id, which is how the editor shows the text in its region.

Needs the ``models`` extra (``pip install 'prelabel[models]'``; ``make demo`` installs it).
The images are written beside the tasks; the task URLs are placeholders for where you host them.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from prelabel import LabelConfig, reproducible_ids
from prelabel.adapters import make_task, ocr_regions

sys.path.insert(0, str(Path(__file__).parent))
from _common import write_example
from image_ocr import CONFIG as OCR_CONFIG

REQUIRES = ("rapidocr_onnxruntime", "skimage", "cv2")
NAME = "model_rapidocr"

CONFIG = OCR_CONFIG  # the guide's OCR config: Labels, Rectangle, Polygon, perRegion TextArea


def main(out_dir: Path) -> list[dict[str, str]]:
    import cv2
    from rapidocr_onnxruntime import RapidOCR
    from skimage import data

    config = LabelConfig.parse(CONFIG)
    engine = RapidOCR()
    folder = out_dir / NAME
    folder.mkdir(parents=True, exist_ok=True)
    tasks = []
    with reproducible_ids(seed=19):
        for name in ("page", "text"):
            grey = getattr(data, name)()
            image = np.stack([grey] * 3, axis=-1)  # the models take 3-channel images
            cv2.imwrite(str(folder / f"skimage-{name}.png"), grey)
            lines, _elapsed = engine(image)
            height, width = grey.shape
            regions = ocr_regions(config, lines, image_wh=(width, height), label="Text")
            scores = [region.result["score"] for region in regions]
            url = f"https://example.com/skimage/skimage-{name}.png"
            task = make_task(
                config,
                url,
                regions,
                model_version="rapidocr-onnxruntime-1.4",
                score=round(sum(scores) / len(scores), 4),
            )
            tasks.append(task.to_dict())
    return [write_example(out_dir, NAME, CONFIG, tasks)]


if __name__ == "__main__":
    for entry in main(Path("build/demo")):
        print(entry)
