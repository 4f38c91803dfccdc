"""OCR adapters: every engine's output shape to regions + labels + per-region transcriptions."""

from __future__ import annotations

import collections
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prelabel import BuildError, LabelConfig, LabelError, units, validate
from prelabel.adapters import OcrLine, make_task, ocr_lines, ocr_regions
from prelabel.adapters.ocr import doctr_lines, tesseract_lines

DATA = Path(__file__).parent / "data" / "ocr"
RAPIDOCR = json.loads((DATA / "rapidocr_skimage.json").read_text(encoding="utf-8"))

SPLIT = """<View><Image name="image" value="$image"/>
  <Labels name="label" toName="image"><Label value="Text"/><Label value="Handwriting"/></Labels>
  <Rectangle name="bbox" toName="image"/><Polygon name="poly" toName="image"/>
  <TextArea name="transcription" toName="image" editable="true" perRegion="true"/></View>"""
LABELED = """<View><Image name="image" value="$image"/>
  <RectangleLabels name="box" toName="image"><Label value="Text"/><Label value="Title"/>
  </RectangleLabels>
  <PolygonLabels name="poly" toName="image"><Label value="Text"/><Label value="Title"/>
  </PolygonLabels>
  <TextArea name="transcription" toName="image" perRegion="true"/></View>"""
RECT_ONLY = """<View><Image name="image" value="$image"/>
  <RectangleLabels name="box" toName="image"><Label value="Text"/></RectangleLabels>
  <TextArea name="transcription" toName="image" perRegion="true"/></View>"""

QUAD = [[10, 10], [90, 10], [90, 30], [10, 30]]
SKEWED = [[10, 50], [90, 40], [95, 60], [12, 66]]


@pytest.fixture(scope="module")
def split() -> LabelConfig:
    return LabelConfig.parse(SPLIT)


@pytest.fixture(scope="module")
def labeled() -> LabelConfig:
    return LabelConfig.parse(LABELED)


def kinds(regions: list[Any]) -> list[list[str]]:
    return [[r["type"] for r in region] for region in regions]


def texts(regions: list[Any]) -> list[str]:
    return [region.results[-1]["value"]["text"][0] for region in regions]


def check_imports(config: LabelConfig, regions: list[Any]) -> None:
    validate([make_task(config, "https://example.com/a.png", regions).to_dict()], config)


# --- what real engines return -------------------------------------------------------------


def test_rapidocr_real_output_page(split: LabelConfig) -> None:
    page = RAPIDOCR["page"]
    regions = ocr_regions(split, page["result"], image_wh=tuple(page["image_wh"]), label="Text")
    assert texts(regions) == [line[1] for line in page["result"]]
    assert all(k == ["rectangle", "labels", "textarea"] for k in kinds(regions))
    # Every result of a region shares its id, so the editor shows the text in the box.
    for region in regions:
        assert {r["id"] for r in region} == {region.id}
        assert region.results[-1]["score"] == region.result["score"]
    # the last line is turned by about 3 degrees: a rotated rectangle, not a polygon
    assert regions[-1].result["value"]["rotation"] == pytest.approx(2.9, abs=0.2)
    check_imports(split, regions)


def test_rapidocr_real_output_skewed_quad_is_a_polygon(split: LabelConfig) -> None:
    text = RAPIDOCR["text"]
    regions = ocr_regions(split, text["result"], image_wh=tuple(text["image_wh"]), label="Text")
    assert kinds(regions) == [
        ["polygon", "labels", "textarea"],
        ["rectangle", "labels", "textarea"],
    ]
    points = np.array(regions[0].result["value"]["points"]) / 100 * text["image_wh"]
    np.testing.assert_allclose(points, text["result"][0][0])
    check_imports(split, regions)


def test_rapidocr_result_elapse_tuple_and_none() -> None:
    line = [QUAD, "Total", 0.9]
    assert ocr_lines(([line], [0.1, 0.2, 0.3])) == ocr_lines([line])
    assert ocr_lines((None, [0.1])) == []
    assert ocr_lines(None) == []


def test_paddleocr_2_lines_and_page_list() -> None:
    line = [[[442.0, 173.0], [1169.0, 173.0], [1169.0, 225.0], [442.0, 225.0]], ("ACK", 0.99)]
    assert ocr_lines([line]) == [
        OcrLine(((442.0, 173.0), (1169.0, 173.0), (1169.0, 225.0), (442.0, 225.0)), "ACK", 0.99)
    ]
    with pytest.raises(BuildError, match=r"lines\[0\] is a list of lines.*pass result\[0\]"):
        ocr_lines([[line, line]])


def test_paddleocr_3_predict_result() -> None:
    result = {
        "rec_polys": [np.array(QUAD, dtype=np.int16)],
        "rec_texts": ["Total"],
        "rec_scores": np.array([0.97]),
        "rec_boxes": np.array([[10, 10, 90, 30]]),
    }
    assert ocr_lines(result) == [
        OcrLine(((10.0, 10.0), (90.0, 10.0), (90.0, 30.0), (10.0, 30.0)), "Total", 0.97)
    ]


def test_rapidocr_2_output_object() -> None:
    output = collections.namedtuple("RapidOCROutput", "boxes txts scores")(
        np.array([QUAD], dtype=np.float32), ("Total",), (0.9,)
    )
    assert [line.text for line in ocr_lines(output)] == ["Total"]


def test_easyocr_numpy_ints_and_paragraph_form(split: LabelConfig) -> None:
    detail = [([np.int32(x) for x in p] for p in QUAD), "Total", np.float64(0.8)]
    detail[0] = [list(p) for p in detail[0]]  # type: ignore[arg-type]
    assert ocr_lines([detail])[0].score == 0.8
    paragraph = ocr_lines([[QUAD, "Total due"]])
    assert paragraph[0].score is None
    regions = ocr_regions(split, [[QUAD, "Total due"]], image_wh=(100, 100), label="Text")
    assert "score" not in regions[0].result


DOCTR = {
    "pages": [
        {
            "page_idx": 0,
            "dimensions": (200, 400),  # (height, width)
            "orientation": {"value": None, "confidence": None},
            "language": {"value": None, "confidence": None},
            "blocks": [
                {
                    "geometry": ((0.1, 0.1), (0.5, 0.2)),
                    "objectness_score": 0.9,
                    "lines": [
                        {
                            "geometry": ((0.1, 0.1), (0.5, 0.2)),
                            "objectness_score": 0.9,
                            "words": [
                                {
                                    "value": "Hello",
                                    "confidence": 0.9,
                                    "geometry": ((0.1, 0.1), (0.3, 0.2)),
                                    "objectness_score": 0.9,
                                    "crop_orientation": {"value": 0, "confidence": None},
                                },
                                {
                                    "value": "world",
                                    "confidence": 0.7,
                                    "geometry": ((0.32, 0.1), (0.5, 0.2)),
                                    "objectness_score": 0.9,
                                    "crop_orientation": {"value": 0, "confidence": None},
                                },
                            ],
                        }
                    ],
                    "artefacts": [],
                }
            ],
        }
    ]
}


def test_doctr_export_lines_and_words(split: LabelConfig) -> None:
    (line,) = doctr_lines(DOCTR)
    assert line.text == "Hello world"
    assert line.score == pytest.approx(0.8)
    assert line.points_px == ((40.0, 20.0), (200.0, 20.0), (200.0, 40.0), (40.0, 40.0))
    assert [w.text for w in ocr_lines(DOCTR, level="word")] == ["Hello", "world"]
    # the page size comes from the export: dimensions are (height, width)
    regions = ocr_regions(split, DOCTR, label="Text")
    assert regions[0].result["original_width"] == 400
    assert regions[0].result["value"]["x"] == pytest.approx(10.0)
    check_imports(split, regions)


def test_doctr_document_object_and_rotated_geometry() -> None:
    export = json.loads(json.dumps(DOCTR))
    export["pages"][0]["blocks"][0]["lines"][0]["geometry"] = np.array(
        [[0.1, 0.1], [0.5, 0.1], [0.5, 0.2], [0.1, 0.2]]
    )

    class Document:
        def export(self) -> dict[str, Any]:
            return export

    assert ocr_lines(Document())[0].points_px[1] == (200.0, 20.0)
    with pytest.raises(BuildError, match=r"page=1 but the docTR export has 1 page\(s\)"):
        ocr_lines(Document(), page=1)


TESSERACT = {
    "level": [1, 2, 3, 4, 5, 5, 4, 5, 5],
    "page_num": [1] * 9,
    "block_num": [0, 1, 1, 1, 1, 1, 1, 1, 1],
    "par_num": [0, 0, 1, 1, 1, 1, 1, 1, 1],
    "line_num": [0, 0, 0, 1, 1, 1, 2, 2, 2],
    "word_num": [0, 0, 0, 0, 1, 2, 0, 1, 2],
    "left": [0, 10, 10, 10, 10, 60, 10, 10, 50],
    "top": [0, 10, 10, 10, 10, 12, 40, 40, 40],
    "width": [200, 100, 100, 100, 40, 50, 80, 30, 0],
    "height": [100, 50, 50, 20, 18, 18, 20, 20, 20],
    "conf": [-1, -1, -1, -1, 96.0, 90.0, -1, 80.0, -1],
    "text": ["", "", "", "", "Total", "12.50", "", "Paid", " "],
}


def test_tesseract_dict_lines_words_and_tsv(split: LabelConfig) -> None:
    lines = tesseract_lines(TESSERACT)
    assert [(line.text, line.score) for line in lines] == [("Total 12.50", 0.93), ("Paid", 0.8)]
    assert lines[0].points_px == ((10.0, 10.0), (110.0, 10.0), (110.0, 30.0), (10.0, 30.0))
    assert [w.text for w in ocr_lines(TESSERACT, level="word")] == ["Total", "12.50", "Paid"]
    header = "\t".join(TESSERACT)
    rows = ["\t".join(str(TESSERACT[k][i]) for k in TESSERACT) for i in range(9)]
    assert ocr_lines("\n".join([header, *rows]) + "\n") == lines
    regions = ocr_regions(split, TESSERACT, image_wh=(200, 100), label="Text")
    assert kinds(regions) == [["rectangle", "labels", "textarea"]] * 2
    check_imports(split, regions)


def test_tesseract_missing_column() -> None:
    broken = {k: v for k, v in TESSERACT.items() if k != "conf"}
    with pytest.raises(BuildError, match=r"no 'conf' column; pass image_to_data\(\.\.\., output"):
        tesseract_lines(broken)


# --- shapes, labels, texts ----------------------------------------------------------------


def test_labeled_tools_take_labels_mapped_by_label_map(labeled: LabelConfig) -> None:
    regions = ocr_regions(
        labeled,
        [[QUAD, "Invoice", 0.9], [SKEWED, "12.50", 0.8]],
        image_wh=(100, 100),
        labels=["title", "text"],
        label_map={"title": "Title", "text": "Text"},
    )
    assert kinds(regions) == [["rectanglelabels", "textarea"], ["polygonlabels", "textarea"]]
    assert regions[0].result["value"]["rectanglelabels"] == ["Title"]
    assert regions[1].result["value"]["polygonlabels"] == ["Text"]
    check_imports(labeled, regions)


def test_single_label_is_used_and_many_need_one(split: LabelConfig) -> None:
    only = LabelConfig.parse(RECT_ONLY)
    (region,) = ocr_regions(only, [[QUAD, "Total", 0.9]], image_wh=(100, 100))
    assert region.result["value"]["rectanglelabels"] == ["Text"]
    with pytest.raises(BuildError, match=r"<Labels name='label'> needs a label for each line"):
        ocr_regions(split, [[QUAD, "Total", 0.9]], image_wh=(100, 100))
    with pytest.raises(LabelError):
        ocr_regions(split, [[QUAD, "Total", 0.9]], image_wh=(100, 100), label="Printed")


def test_skewed_quad_without_polygon_tool() -> None:
    only = LabelConfig.parse(RECT_ONLY)
    with pytest.raises(
        BuildError, match=r"lines\[0\] \('12.50'\) is not a rectangle .* no polygon"
    ):
        ocr_regions(only, [[SKEWED, "12.50", 0.8]], image_wh=(100, 100))
    (region,) = ocr_regions(only, [[SKEWED, "12.50", 0.8]], image_wh=(100, 100), shape="rectangle")
    assert region.result["type"] == "rectanglelabels"
    assert region.result["value"]["rotation"] != 0.0


@pytest.mark.parametrize(
    ("shape", "expected"),
    [
        ("auto", "rectangle"),
        ("box", "rectangle"),
        ("polygon", "polygon"),
        ("rectangle", "rectangle"),
    ],
    ids=["auto", "box", "polygon", "rectangle"],
)
def test_shape_option(split: LabelConfig, shape: Any, expected: str) -> None:
    (region,) = ocr_regions(
        split, [[QUAD, "a", 0.5]], image_wh=(100, 100), label="Text", shape=shape
    )
    assert region.result["type"] == expected


def test_box_shape_encloses_a_skewed_quad(split: LabelConfig) -> None:
    (region,) = ocr_regions(
        split, [[SKEWED, "a", 0.5]], image_wh=(100, 100), label="Text", shape="box"
    )
    value = region.result["value"]
    assert (value["x"], value["y"], value["width"], value["height"], value["rotation"]) == (
        10.0,
        40.0,
        85.0,
        26.0,
        0.0,
    )


def test_outside_refused_then_clipped(split: LabelConfig) -> None:
    line = [[[-10, 10], [50, 10], [50, 30], [-10, 30]], "cut", 0.9]
    with pytest.raises(
        BuildError,
        match=r"lines\[0\] \('cut'\) reaches 10 px outside the 100x100 image; pass clip=True",
    ):
        ocr_regions(split, [line], image_wh=(100, 100), label="Text")
    (region,) = ocr_regions(split, [line], image_wh=(100, 100), label="Text", clip=True)
    assert region.result["value"]["x"] == 0.0
    assert region.result["value"]["width"] == 50.0


def test_rotated_line_leaving_the_image_is_clipped_to_a_polygon(split: LabelConfig) -> None:
    corners = units.rotated_corners([[60, 10, 50, 10, 20]], units="px", image_wh=(100, 100))[0]
    line = [corners.tolist(), "edge", 0.9]
    with pytest.raises(BuildError, match="outside the 100x100 image"):
        ocr_regions(split, [line], image_wh=(100, 100), label="Text")
    (region,) = ocr_regions(split, [line], image_wh=(100, 100), label="Text", clip=True)
    assert region.result["type"] == "polygon"
    points = np.array(region.result["value"]["points"])
    assert points.min() >= 0.0
    assert points.max() <= 100.0
    check_imports(split, [region])
    # with no polygon tool, the box around the part inside the image
    only = LabelConfig.parse(RECT_ONLY)
    (box,) = ocr_regions(only, [line], image_wh=(100, 100), clip=True)
    assert box.result["value"]["rotation"] == 0.0
    assert box.result["value"]["x"] + box.result["value"]["width"] == pytest.approx(100.0)


def test_line_entirely_outside(split: LabelConfig) -> None:
    line = [[[110, 10], [150, 10], [150, 30], [110, 30]], "gone", 0.9]
    with pytest.raises(BuildError, match="lies entirely outside the 100x100 image"):
        ocr_regions(split, [line], image_wh=(100, 100), label="Text", clip=True)


def test_min_score_counts_and_empty_text(split: LabelConfig) -> None:
    counts: collections.Counter[str] = collections.Counter()
    regions = ocr_regions(
        split,
        [[QUAD, "keep", 0.9], [SKEWED, "low", 0.2]],
        image_wh=(100, 100),
        label="Text",
        min_score=0.5,
        counts=counts,
    )
    assert texts(regions) == ["keep"]
    assert counts == {"score below min_score": 1}
    with pytest.raises(
        BuildError, match=r"lines\[0\] has no text; <TextArea name='transcription'>"
    ):
        ocr_regions(split, [[QUAD, " ", 0.9]], image_wh=(100, 100), label="Text")


def test_transcription_control_choice() -> None:
    no_text = LabelConfig.parse(
        '<View><Image name="image" value="$image"/><Rectangle name="r" toName="image"/></View>'
    )
    with pytest.raises(BuildError, match=r'no <TextArea perRegion="true"> on the image'):
        ocr_regions(no_text, [[QUAD, "a", 0.5]], image_wh=(100, 100))
    (region,) = ocr_regions(no_text, [[QUAD, "a", 0.5]], image_wh=(100, 100), transcription=False)
    assert kinds([region]) == [["rectangle"]]
    whole = LabelConfig.parse(
        '<View><Image name="image" value="$image"/><Rectangle name="r" toName="image"/>'
        '<TextArea name="t" toName="image"/></View>'
    )
    with pytest.raises(BuildError, match='is not perRegion="true"'):
        ocr_regions(whole, [[QUAD, "a", 0.5]], image_wh=(100, 100), transcription="t")


@pytest.mark.parametrize(
    ("result", "message"),
    [
        ({"boxes": []}, "an OCR result mapping must be docTR's export"),
        (42, "OCR output must be a list of"),
        ([[QUAD, 5, 0.9]], r"lines\[0\]\[1\] must be a str"),
        ([[QUAD, "a", "high"]], r"lines\[0\]\[2\] must be a number, got str"),
        ([[[[1, 2], [3, 4, 5]], "a", 0.9]], r"lines\[0\]\[0\]\[1\] must be an \(x, y\) pair"),
        ([[QUAD, "a", 0.9, 1]], r"lines\[0\] has 4 items"),
    ],
    ids=["mapping", "number", "text-type", "score-type", "point", "arity"],
)
def test_bad_shapes(result: Any, message: str) -> None:
    with pytest.raises(BuildError, match=message):
        ocr_lines(result)


@settings(max_examples=60, deadline=None)
@given(
    cx=st.floats(30, 70),
    cy=st.floats(30, 70),
    w=st.floats(5, 40),
    h=st.floats(3, 20),
    angle=st.floats(-44, 44),
)
def test_rotated_rectangles_round_trip(
    split: LabelConfig, cx: float, cy: float, w: float, h: float, angle: float
) -> None:
    """A turned rectangle comes back as one rectangle with the corners given."""
    theta = np.radians(angle)
    local = np.array([[-w, -h], [w, -h], [w, h], [-w, h]]) / 2
    rot = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
    corners = local @ rot.T + [cx, cy]
    (region,) = ocr_regions(
        split, [[corners.tolist(), "x", 0.5]], image_wh=(100, 100), label="Text"
    )
    assert region.result["type"] == "rectangle"
    value = region.result["value"]
    # turned less than a pixel's worth, it is drawn upright (within tolerance_px, 1 px)
    tolerance = 1.0 if value["rotation"] == 0.0 else 1e-6
    back = units.rotated_corners(
        [[value["x"], value["y"], value["width"], value["height"], value["rotation"]]],
        units="px",
        image_wh=(100, 100),
    )[0]
    # the same four corners, in some order
    distance = np.linalg.norm(back[:, None] - corners[None], axis=2).min(axis=1)
    assert distance.max() < tolerance


def test_line_labels_from_ocr_lines_and_label_for_the_rest(split: LabelConfig) -> None:
    lines = [
        OcrLine(((10, 10), (90, 10), (90, 30), (10, 30)), "Total", 0.9, "Handwriting"),
        OcrLine(((10, 40), (90, 40), (90, 60), (10, 60)), "Paid", 0.8),
    ]
    regions = ocr_regions(split, lines, image_wh=(100, 100), label="Text")
    assert [r.results[1]["value"]["labels"] for r in regions] == [["Handwriting"], ["Text"]]
    with pytest.raises(BuildError, match="needs a label for each line"):
        ocr_regions(split, lines, image_wh=(100, 100))
