"""The mistakes Label Studio's own checker misses, each pinned to its exact error record.

Every case here passes the SDK's ``validate_prediction`` (asserted), yet Label Studio's editor
drops, mis-draws or misreads it; prelabel reports one located record with a fix hint.
"""

from __future__ import annotations

from typing import Any

import pytest

from conftest import sdk_errors
from prelabel import LabelConfig
from prelabel.errors import ErrorRecord
from prelabel.validate import check

XML = """<View>
  <Image name="image" value="$image"/>
  <RectangleLabels name="label" toName="image">
    <Label value="Airplane"/><Label value="Car"/>
  </RectangleLabels>
  <KeyPointLabels name="kp" toName="image"><Label value="Nose"/></KeyPointLabels>
  <PolygonLabels name="poly" toName="image"><Label value="Roof"/></PolygonLabels>
  <TextArea name="transcription" toName="image" perRegion="true"/>
  <Choices name="class" toName="image"><Choice value="Boeing"/><Choice value="Airbus"/></Choices>
  <Number name="count" toName="image" min="0" max="10"/>
  <BrushLabels name="mask" toName="image"><Label value="Road"/></BrushLabels>
  <Text name="text" value="$text"/>
  <Labels name="ner" toName="text"><Label value="PER"/><Label value="LOC"/></Labels>
  <Taxonomy name="topic" toName="text">
    <Choice value="Online"><Choice value="Paywall"/></Choice><Choice value="Offline"/>
  </Taxonomy>
  <Relations><Relation value="works_for"/></Relations>
</View>"""
CONFIG = LabelConfig.parse(XML)
MASK_2X3 = [0, 0, 0, 24, 57, 27, 252, 96, 17, 255, 223, 0, 0]  # a 2x3 mask, one pixel on
TRUNCATED = [0, 14, 166, 0, 57, 27, 252, 127]  # header of a 600x400 mask, then nothing
DATA = {"image": "https://example.com/1.jpg", "text": "John lives in Paris. 👍 New York is big."}


def box(rid: str = "b1", **value: Any) -> dict[str, Any]:
    v = {
        "x": 10,
        "y": 20,
        "width": 30,
        "height": 40,
        "rotation": 0,
        "rectanglelabels": ["Airplane"],
    }
    v.update(value)
    return {
        "id": rid,
        "from_name": "label",
        "to_name": "image",
        "type": "rectanglelabels",
        "original_width": 600,
        "original_height": 400,
        "value": v,
    }


def span(rid: str, start: int, end: int, label: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": rid,
        "from_name": "ner",
        "to_name": "text",
        "type": "labels",
        "value": {"start": start, "end": end, **extra, "labels": [label]},
    }


def rec(
    code: str, tail: tuple[Any, ...], message: str, hint: str | None, control: str | None,
    kind: str | None, expected: str | None, found: str | None,
) -> ErrorRecord:  # fmt: skip
    return ErrorRecord(
        code=code,
        severity="error",
        loc=(0, "predictions", 0, "result", *tail),
        message=message,
        hint=hint,
        control=control,
        control_kind=kind,
        expected=expected,
        found=found,
    )


CASES: list[tuple[str, list[dict[str, Any]], ErrorRecord]] = [
    (
        "negative_x",
        [box(x=-5)],
        rec(
            "geometry.out_of_range",
            (0, "value", "x"),
            "x=-5 is negative: the box starts outside the image and the editor draws it clipped",
            "clip it to the image: x = 0, width = 25",
            "label",
            "RectangleLabels",
            "0-100",
            "-5",
        ),
    ),
    (
        "box_past_the_edge",
        [box(x=80, width=30)],
        rec(
            "geometry.overflow",
            (0, "value", "width"),
            "x + width = 80 + 30 = 110 > 100: the box runs past the image edge and the editor "
            "draws it clipped",
            "clip it: width = 20",
            "label",
            "RectangleLabels",
            "x + width <= 100",
            "110",
        ),
    ),
    (
        "two_choices_single",
        [
            {
                "id": "c1",
                "from_name": "class",
                "to_name": "image",
                "type": "choices",
                "value": {"choices": ["Boeing", "Airbus"]},
            }
        ],
        rec(
            "choice.too_many",
            (0, "value", "choices"),
            '<Choices name="class"> is single-choice (choice="single") but the result has 2 values',
            'keep one value, or set choice="multiple" in the config',
            "class",
            "Choices",
            "1 value",
            "['Boeing', 'Airbus']",
        ),
    ),
    (
        "duplicate_region_id",
        [box(), box(x=50)],
        rec(
            "region.duplicate_id",
            (1, "id"),
            "results [0] and [1] of <RectangleLabels name=\"label\"> share the id 'b1'; the "
            "editor merges them into one region (newer versions keep only the first)",
            "give every region its own id (prelabel.new_id())",
            "label",
            "RectangleLabels",
            None,
            "'b1'",
        ),
    ),
    (
        "per_region_orphan",
        [
            box(),
            {
                "id": "zz",
                "from_name": "transcription",
                "to_name": "image",
                "type": "textarea",
                "value": {"text": ["$12.99"]},
            },
        ],
        rec(
            "per_region.orphan",
            (1, "id"),
            "no region on 'image' has the id 'zz' of this per-region result of <TextArea "
            'name="transcription">; the editor shows it as a separate region of its own, and '
            "the region it was meant for stays empty",
            "use the id of the region result it belongs to",
            "transcription",
            "TextArea",
            None,
            "'zz'",
        ),
    ),
    (
        "span_text_mismatch",
        [span("s1", 0, 4, "PER", text="Mary")],
        rec(
            "span.text_mismatch",
            (0, "value", "text"),
            "value.text is 'Mary' but the text between start=0 and end=4 is 'John'",
            None,
            "ner",
            "Labels",
            "'John'",
            "'Mary'",
        ),
    ),
    (
        "span_offsets_utf16",
        [span("s1", 24, 32, "LOC", text="New York")],
        rec(
            "span.text_mismatch",
            (0, "value", "text"),
            "value.text is 'New York' but the text between start=24 and end=32 is 'ew York '",
            "the offsets look like UTF-16 code units (JavaScript string indices); Label Studio "
            "wants Python str indices: start=23, end=31",
            "ner",
            "Labels",
            "'ew York '",
            "'New York'",
        ),
    ),
    (
        "rle_does_not_decode",
        [
            {
                "id": "m1",
                "from_name": "mask",
                "to_name": "image",
                "type": "brushlabels",
                "original_width": 600,
                "original_height": 400,
                "value": {
                    "format": "rle",
                    "rle": TRUNCATED,
                    "brushlabels": ["Road"],
                },
            }
        ],
        rec(
            "rle.invalid",
            (0, "value", "rle"),
            "rle is truncated: its 8 bytes hold 0 of the 960000 words its header declares",
            "encode the (height, width) mask with prelabel.rle.encode(mask)",
            "mask",
            "BrushLabels",
            None,
            "8 bytes",
        ),
    ),
    (
        "rle_wrong_size",
        [
            {
                "id": "m1",
                "from_name": "mask",
                "to_name": "image",
                "type": "brushlabels",
                "original_width": 4,
                "original_height": 2,
                "value": {
                    "format": "rle",
                    "rle": MASK_2X3,
                    "brushlabels": ["Road"],
                },
            }
        ],
        rec(
            "rle.size_mismatch",
            (0, "value", "rle"),
            "the RLE header declares 24 words (6 pixels), but a 4x2 image needs 32 (4 per pixel)",
            "encode the mask at the image's natural size (original_width x original_height), "
            "shape (height, width)",
            "mask",
            "BrushLabels",
            "32 words",
            "24 words",
        ),
    ),
    (
        "number_out_of_range",
        [
            {
                "id": "n1",
                "from_name": "count",
                "to_name": "image",
                "type": "number",
                "value": {"number": 12},
            }
        ],
        rec(
            "number.range",
            (0, "value", "number"),
            '12 is outside min=0, max=10 of <Number name="count">; the editor refuses to submit it',
            "clip it to 0..10",
            "count",
            "Number",
            "0..10",
            "12",
        ),
    ),
    (
        "taxonomy_path_not_in_tree",
        [
            {
                "id": "t1",
                "from_name": "topic",
                "to_name": "text",
                "type": "taxonomy",
                "value": {"taxonomy": [["Paywall"]]},
            }
        ],
        rec(
            "taxonomy.path_unknown",
            (0, "value", "taxonomy", 0),
            "path ['Paywall'] is not in the taxonomy of <Taxonomy name=\"topic\">",
            "did you mean ['Online', 'Paywall']? (a path lists every node from the root)",
            "topic",
            "Taxonomy",
            "a path from the root of the taxonomy",
            "['Paywall']",
        ),
    ),
    (
        "relation_label_not_in_config",
        [
            span("s1", 0, 4, "PER"),
            span("s2", 14, 19, "LOC"),
            {
                "type": "relation",
                "from_id": "s1",
                "to_id": "s2",
                "direction": "right",
                "labels": ["lives_in"],
            },
        ],
        rec(
            "relation.label_unknown",
            (2, "labels", 0),
            "'lives_in' is not a relation label of the config",
            "relation labels: 'works_for'",
            None,
            "Relations",
            "'works_for'",
            "'lives_in'",
        ),
    ),
    (
        "keypoint_without_width",
        [
            {
                "id": "k1",
                "from_name": "kp",
                "to_name": "image",
                "type": "keypointlabels",
                "original_width": 600,
                "original_height": 400,
                "value": {"x": 30, "y": 40, "keypointlabels": ["Nose"]},
            }
        ],
        rec(
            "keypoint.width_missing",
            (0, "value"),
            "a keypoint needs value.width (its radius in percent of the image width); without "
            "it the editor turns the point into an invisible classification",
            'add "width": 0.5 (any small positive number)',
            "kp",
            "KeyPointLabels",
            "x, y, width",
            None,
        ),
    ),
    (
        "box_in_pixels",
        [box(x=60, y=80, width=300, height=200)],
        rec(
            "geometry.pixels_suspected",
            (0, "value"),
            "width=300, height=200 are above 100 but within the image size 600x400: coordinates "
            "look like pixels, Label Studio wants percent (0-100)",
            "looks like pixels: divide by original_width (600) or original_height (400) and "
            "multiply by 100 (x=10, y=20, width=50, height=50)",
            "label",
            "RectangleLabels",
            "0-100 (percent)",
            "width=300, height=200",
        ),
    ),
    (
        "polygon_two_points",
        [
            {
                "id": "p1",
                "from_name": "poly",
                "to_name": "image",
                "type": "polygonlabels",
                "original_width": 600,
                "original_height": 400,
                "value": {"points": [[10, 10], [20, 20]], "polygonlabels": ["Roof"]},
            }
        ],
        rec(
            "polygon.too_few_points",
            (0, "value", "points"),
            "a polygon needs at least 3 points, got 2; the editor draws it as a line or drops it "
            "when the annotation is saved",
            "drop the region or use a rectangle/keypoint for it",
            "poly",
            "PolygonLabels",
            ">= 3 points",
            "2",
        ),
    ),
]


@pytest.mark.parametrize(("results", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_known_bad_case_gives_its_exact_record(
    results: list[dict[str, Any]], expected: ErrorRecord
) -> None:
    task = {"data": DATA, "predictions": [{"model_version": "v1", "result": results}]}
    records = check([task], CONFIG)
    assert records == [expected]


# The SDK catches coordinates above 100, so pixels that large are the one case it rejects too.
SDK_MISSES = [c for c in CASES if c[0] != "box_in_pixels"]


@pytest.mark.parametrize("results", [c[1] for c in SDK_MISSES], ids=[c[0] for c in SDK_MISSES])
def test_known_bad_case_passes_the_sdk(results: list[dict[str, Any]]) -> None:
    assert sdk_errors(XML, {"model_version": "v1", "result": results}) == []


def test_unknown_label_says_did_you_mean() -> None:
    result = box(rectanglelabels=["airplane"])
    task = {"data": DATA, "predictions": [{"model_version": "v1", "result": [result]}]}
    [record] = check([task], CONFIG)
    assert (record.code, record.path, record.hint) == (
        "label.unknown",
        "$[0].predictions[0].result[0].value.rectanglelabels[0]",
        "did you mean 'Airplane'?",
    )


@pytest.mark.parametrize(
    ("stream", "code", "path"),
    [
        (MASK_2X3 + [0] * 1_000_000, "rle.size_mismatch", "value.rle"),
        ([0, 0, 0, 24] + [7] * 999_999 + [256], "rle.invalid", "value.rle[1000003]"),
        (list(range(256)) * 4000, "rle.invalid", "value.rle"),
    ],
    ids=["wrong_size", "bad_byte_at_the_end", "junk_header"],
)
def test_huge_rle_is_never_echoed(stream: list[int], code: str, path: str) -> None:
    result = box("m1") | {"from_name": "mask", "type": "brushlabels"}
    result["value"] = {"format": "rle", "rle": stream, "brushlabels": ["Road"]}
    task = {"data": DATA, "predictions": [{"model_version": "v", "result": [result]}]}
    [record] = check([task], CONFIG)
    assert (record.code, record.path) == (code, "$[0].predictions[0].result[0]." + path)
    assert all(len(str(x)) < 300 for x in record.to_dict().values()), record
