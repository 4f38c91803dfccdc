"""OCR pre-annotations: boxes and polygons, a label each, and the recognized text inside.

The guide's OCR example, with its config: an ``<Image>``, a ``<Labels>`` (Text /
Handwriting), unlabeled ``<Rectangle>`` and ``<Polygon>`` tools, and a ``perRegion``
``<TextArea>`` for the transcription. Each region is three results sharing one id: the
geometry, its label (the split format) and its text, which is what makes the editor show the
text inside its box. The builders give all three the same id and geometry by construction.

Model outputs in ``data/text/ocr_receipt.json``, as the models hand them over, go through
:func:`prelabel.adapters.ocr_regions`, which reads each engine's shape:

* Tesseract ``image_to_data(output_type=Output.DICT)``: words grouped into lines, each line a
  box in pixels, its text the words joined, its score the mean word confidence / 100;
* a handwriting detector/recognizer: ``[quad, text, score]`` lines (the RapidOCR / EasyOCR
  shape); a quad that is not a rectangle becomes a polygon.

No image is needed to build the predictions; the task URL is a placeholder.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from prelabel import LabelConfig, Prediction, Task
from prelabel.adapters import ocr_regions

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


def main(out_dir: Path) -> list[dict[str, str]]:
    config = LabelConfig.parse(CONFIG)
    page = json.loads((DATA / "ocr_receipt.json").read_text(encoding="utf-8"))
    image_wh = (page["image"]["width"], page["image"]["height"])

    printed = ocr_regions(config, page["tesseract_image_to_data"], image_wh=image_wh, label="Text")
    notes = [[n["polygon"], n["text"], n["score"]] for n in page["handwriting_detector"]]
    handwritten = ocr_regions(config, notes, image_wh=image_wh, label="Handwriting")

    scores = [region.result["score"] for region in [*printed, *handwritten]]
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
