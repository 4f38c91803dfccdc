"""OCR pre-annotations: boxes and polygons, a label each, and the recognized text inside.

The guide's OCR example, with its config: an ``<Image>``, a ``<Labels>`` (Text /
Handwriting), unlabeled ``<Rectangle>`` and ``<Polygon>`` tools, and a ``perRegion``
``<TextArea>`` for the transcription. Each region is three results sharing one id: the
geometry, its label (the split format) and its text, which is what makes the editor show the
text inside its box. The builders give all three the same id and geometry by construction.

Model outputs in ``data/text/ocr_receipt.json``, as the models hand them over:

* Tesseract ``image_to_data(output_type=Output.DICT)``: one row per page/block/line/word;
  words (level 5) are grouped into lines, each line becomes a box in pixels, its text the
  words joined, its score the mean word confidence (0-100 -> 0-1);
* a handwriting detector/recognizer: quadrilaterals in pixels with their text and a score.

No image is needed to build the predictions; the task URL is a placeholder.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from prelabel import LabelConfig, Labels, Polygon, Prediction, Rectangle, Task, TextArea

sys.path.insert(0, str(Path(__file__).parent))
from _common import write_example

DATA = Path(__file__).parent / "data" / "text"

CONFIG = """<View>
  <Image name="image" value="$ocr"/>
  <Labels name="label" toName="image">
    <Label value="Text" background="green"/>
    <Label value="Handwriting" background="blue"/>
  </Labels>
  <Rectangle name="bbox" toName="image" strokeWidth="3"/>
  <Polygon name="poly" toName="image" strokeWidth="3"/>
  <TextArea name="transcription" toName="image" editable="true" perRegion="true"
            required="true" maxSubmissions="1" rows="5" placeholder="Recognized Text"
            displayMode="region-list"/>
</View>"""


def tesseract_lines(data: dict[str, list[Any]]) -> list[dict[str, Any]]:
    """Words of ``image_to_data`` grouped by (block, paragraph, line): xyxy px, text, score."""
    lines: dict[tuple[int, int, int], list[int]] = defaultdict(list)
    for i, level in enumerate(data["level"]):
        if level == 5 and float(data["conf"][i]) >= 0 and data["text"][i].strip():
            lines[(data["block_num"][i], data["par_num"][i], data["line_num"][i])].append(i)
    out = []
    for words in lines.values():
        left = min(data["left"][i] for i in words)
        top = min(data["top"][i] for i in words)
        right = max(data["left"][i] + data["width"][i] for i in words)
        bottom = max(data["top"][i] + data["height"][i] for i in words)
        out.append(
            {
                "xyxy_px": [left, top, right, bottom],
                "text": " ".join(data["text"][i] for i in words),
                "score": sum(float(data["conf"][i]) for i in words) / len(words) / 100.0,
            }
        )
    return out


def main(out_dir: Path) -> list[dict[str, str]]:
    config = LabelConfig.parse(CONFIG)
    label = config.control("label", Labels)
    bbox = config.control("bbox", Rectangle)
    poly = config.control("poly", Polygon)
    transcription = config.control("transcription", TextArea)

    page = json.loads((DATA / "ocr_receipt.json").read_text(encoding="utf-8"))
    image_wh = (page["image"]["width"], page["image"]["height"])

    lines = tesseract_lines(page["tesseract_image_to_data"])
    printed = bbox.boxes(
        xyxy_px=[line["xyxy_px"] for line in lines],
        image_wh=image_wh,
        scores=[line["score"] for line in lines],
    )
    label.for_regions(printed, label="Text")
    for region, line in zip(printed, lines, strict=True):
        transcription.for_region(region, line["text"])

    notes = page["handwriting_detector"]
    handwritten = poly.polygons(
        points_px=[note["polygon"] for note in notes],
        image_wh=image_wh,
        scores=[note["score"] for note in notes],
    )
    label.for_regions(handwritten, label="Handwriting")
    for region, note in zip(handwritten, notes, strict=True):
        transcription.for_region(region, note["text"])

    scores = [line["score"] for line in lines] + [note["score"] for note in notes]
    prediction = Prediction(
        [*printed, *handwritten],
        model_version="tesseract-5+handwriting-v1",
        score=round(sum(scores) / len(scores), 4),
    )
    task = Task({"ocr": page["image"]["url"]}, predictions=[prediction])
    return [write_example(out_dir, "image_ocr", CONFIG, [task.to_dict()])]


if __name__ == "__main__":
    for entry in main(Path("build/demo")):
        print(entry)
