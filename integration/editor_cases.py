"""Negative controls for the editor check: predictions the editor does not show as sent.

Each case comes from the editor reference (label-studio-editor.md, "Not seen as sent") and
holds two versions of one prediction: ``broken`` (what producers get wrong) and ``fixed`` (the
same prediction written correctly). The suite (test_editor.py) proves, for every case, that

* the editor check passes on ``fixed`` and fails on ``broken`` with the problem named in
  ``expect``: so the check can fail, and fails for the right reason;
* prelabel's validator reports at least one of ``codes`` as an error on ``broken`` and nothing
  on ``fixed``: the validator covers what the editor would hide.

A strict server refuses some broken predictions outright (pixels, a string for a label list),
so it never shows them; a stock server (strict validation off, the default) stores them. To
show what the editor does with them, such a case is imported as an *annotation* holding the
same results, which the server stores without validation; the editor reads both the same way.
The suite's report says which way each case reached the editor.

Not a case here: a mask encoded transposed ((width, height) instead of (height, width)). The
editor draws exactly the pixels sent (as stripes), so no "as sent" check and no validator can
tell from the prediction; the mask builder catches it, from the mask's shape and the image size.
"""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

import numpy as np

from prelabel.rle import encode

SAMPLE = "/static/samples/sample.jpg"  # served by Label Studio itself: 600 x 403 px
W, H = 600, 403

IMAGE = """<View>
  <Image name="image" value="$image"/>
  <RectangleLabels name="box" toName="image">
    <Label value="Airplane"/><Label value="Car"/>
  </RectangleLabels>
  <KeyPointLabels name="kp" toName="image"><Label value="Nose"/></KeyPointLabels>
  <BrushLabels name="brush" toName="image"><Label value="Airplane"/></BrushLabels>
</View>"""

OCR = """<View>
  <Image name="image" value="$image"/>
  <Labels name="label" toName="image"><Label value="Text"/></Labels>
  <Rectangle name="bbox" toName="image"/>
  <TextArea name="transcription" toName="image" perRegion="true"/>
</View>"""

NER = """<View>
  <Labels name="label" toName="text"><Label value="Location"/></Labels>
  <Text name="text" value="$text"/>
</View>"""

# Two emoji before the span: 2 code points, 4 UTF-16 units.
SENTENCE = "\N{ROCKET}\N{ROCKET} New York never sleeps."


def _image(from_name: str, kind: str, value: dict[str, Any], rid: str) -> dict[str, Any]:
    return {
        "id": rid,
        "type": kind,
        "from_name": from_name,
        "to_name": "image",
        "original_width": W,
        "original_height": H,
        "image_rotation": 0,
        "value": value,
    }


def _box(x: float, y: float, w: float, h: float, label: str, rid: str) -> dict[str, Any]:
    value = {"x": x, "y": y, "width": w, "height": h, "rotation": 0, "rectanglelabels": [label]}
    return _image("box", "rectanglelabels", value, rid)


def _mask() -> np.ndarray[Any, np.dtype[np.uint8]]:
    """A 403 x 600 mask holding one block."""
    mask = np.zeros((H, W), dtype=np.uint8)
    mask[40:120, 300:520] = 1
    return mask


def _brush(rle: list[int], rid: str = "mask1") -> dict[str, Any]:
    value = {"format": "rle", "rle": rle, "brushlabels": ["Airplane"]}
    return _image("brush", "brushlabels", value, rid)


def _keypoint(**width: float) -> dict[str, Any]:
    value: dict[str, Any] = {"x": 40.0, "y": 55.0, **width, "keypointlabels": ["Nose"]}
    return _image("kp", "keypointlabels", value, "kp1")


def _ocr(text_id: str) -> list[dict[str, Any]]:
    geometry = {"x": 20.0, "y": 30.0, "width": 25.0, "height": 8.0, "rotation": 0}
    return [
        _image("bbox", "rectangle", dict(geometry), "line1"),
        _image("label", "labels", {**geometry, "labels": ["Text"]}, "line1"),
        _image("transcription", "textarea", {**geometry, "text": ["TOTAL 12.50"]}, text_id),
    ]


def _span(start: int, end: int) -> list[dict[str, Any]]:
    value = {"start": start, "end": end, "text": "New York", "labels": ["Location"]}
    result = {"id": "loc1", "type": "labels", "from_name": "label", "to_name": "text"}
    return [{**result, "value": value}]


def _label_string(result: dict[str, Any]) -> dict[str, Any]:
    """The result with its label list written as a bare string ("Airplane")."""
    value = dict(result["value"])
    value["rectanglelabels"] = value["rectanglelabels"][0]
    return {**result, "value": value}


@dataclasses.dataclass(frozen=True)
class Case:
    """One broken prediction and its fixed twin, for one config.

    Attributes:
        id: the case's name (pytest id).
        config: the labeling config XML.
        data: the task data.
        broken: the results as producers get them wrong.
        fixed: the same results written correctly.
        sees: what the annotator sees for ``broken`` (the reference's words).
        expect: substrings of the editor check's messages; one must appear for ``broken``.
        codes: prelabel error codes; one must be reported for ``broken``.
    """

    id: str
    config: str
    data: dict[str, Any]
    broken: list[dict[str, Any]]
    fixed: list[dict[str, Any]]
    sees: str
    expect: tuple[str, ...]
    codes: tuple[str, ...]

    def task(self, *, fixed: bool = False, as_annotation: bool = False) -> dict[str, Any]:
        """The task to import: the results as a prediction (or as an annotation)."""
        results = copy.deepcopy(self.fixed if fixed else self.broken)
        task: dict[str, Any] = {"data": copy.deepcopy(self.data)}
        if as_annotation:
            task["annotations"] = [{"result": results}]
        else:
            task["predictions"] = [{"model_version": f"editor-case-{self.id}", "result": results}]
        return task


_BINARY = encode(_mask(), values="binary")

CASES: list[Case] = [
    Case(
        "box-in-pixels",
        IMAGE,
        {"image": SAMPLE},
        broken=[_box(300, 100, 150, 100, "Airplane", "px1")],
        fixed=[_box(50.0, 100 / H * 100, 25.0, 100 / H * 100, "Airplane", "px1")],
        sees="listed in the region panel; drawn off the image (x=300 % of the width)",
        expect=("outside the image", "nothing drawn"),
        codes=("geometry.out_of_range", "geometry.overflow", "geometry.pixels_suspected"),
    ),
    Case(
        "keypoint-without-width",
        IMAGE,
        {"image": SAMPLE},
        broken=[_keypoint()],
        fixed=[_keypoint(width=0.6)],
        sees="an invisible classification: nothing drawn; Submit saves it without x and y",
        expect=("nothing drawn", "not a region in the editor"),
        codes=("keypoint.width_missing",),
    ),
    Case(
        "brush-0-1-mask",
        IMAGE,
        {"image": SAMPLE},
        broken=[_brush(encode(_mask(), values="alpha"))],
        fixed=[_brush(_BINARY)],
        sees="the mask drawn at alpha 1/255: invisible",
        expect=("alpha 1/255",),
        codes=("rle.invisible",),
    ),
    Case(
        "span-utf16-offsets",
        NER,
        {"text": SENTENCE},
        broken=_span(5, 13),  # UTF-16 units (JavaScript string indices)
        fixed=_span(3, 11),  # code points (Python str indices), what Label Studio uses
        sees="the wrong characters highlighted ('w York n' instead of 'New York')",
        expect=("highlights 'w York n'",),
        codes=("span.text_mismatch",),
    ),
    Case(
        "per-region-id-mismatch",
        OCR,
        {"image": SAMPLE},
        broken=_ocr("other-id"),
        fixed=_ocr("line1"),
        sees="a second, unlabeled box holds the text; the labeled box shows an empty field",
        expect=("shown as a separate unlabeled region",),
        codes=("per_region.orphan",),
    ),
    Case(
        "duplicate-region-id",
        IMAGE,
        {"image": SAMPLE},
        broken=[_box(5, 10, 20, 20, "Airplane", "dup"), _box(50, 50, 20, 20, "Car", "dup")],
        fixed=[_box(5, 10, 20, 20, "Airplane", "dup"), _box(50, 50, 20, 20, "Car", "dup2")],
        sees="merged into one box carrying both labels; the second box is lost",
        expect=("result[1]",),
        codes=("region.duplicate_id",),
    ),
    Case(
        "labels-string",
        IMAGE,
        {"image": SAMPLE},
        broken=[
            _label_string(_box(5, 10, 20, 20, "Airplane", "s1")),
            _box(50, 50, 20, 20, "Car", "s2"),
        ],
        fixed=[_box(5, 10, 20, 20, "Airplane", "s1"), _box(50, 50, 20, 20, "Car", "s2")],
        sees="error boxes only: no image and no other region of the task",
        expect=("error box",),
        codes=("label.not_list",),
    ),
]
