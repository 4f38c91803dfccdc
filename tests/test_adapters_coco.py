"""COCO adapters on bundled data: exact percent, labels, masks that decode to the same pixels."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from prelabel import BrushLabels, BuildError, LabelConfig, TaskFileError, ValidationError
from prelabel.adapters import (
    coco_categories,
    coco_regions,
    coco_results_to_tasks,
    coco_to_tasks,
    decode_coco_rle,
    encode_coco_rle,
)
from prelabel.adapters.coco_rle import _counts_slow, counts_from_string, counts_to_string
from prelabel.rle import decode_bool

DATA = Path(__file__).parent / "data" / "adapters" / "coco"
INSTANCES = DATA / "instances.json"
RESULTS = DATA / "results.json"

CONFIG = """<View>
  <Image name="image" value="$image"/>
  <RectangleLabels name="box" toName="image">
    <Label value="Person"/><Label value="Car"/><Label value="Dog"/>
  </RectangleLabels>
  <BrushLabels name="mask" toName="image">
    <Label value="Person"/><Label value="Car"/><Label value="Dog"/>
  </BrushLabels>
  <KeyPointLabels name="kp" toName="image">
    <Label value="Nose"/><Label value="Left eye" predicted_values="left_eye"/>
    <Label value="Right eye" predicted_values="right_eye"/>
  </KeyPointLabels>
</View>"""
CFG = LabelConfig.parse(CONFIG)

POLYGON_CONFIG = """<View>
  <Image name="image" value="$image"/>
  <PolygonLabels name="poly" toName="image">
    <Label value="Person"/><Label value="Car"/><Label value="Dog"/>
  </PolygonLabels>
</View>"""

SPLIT_CONFIG = """<View>
  <Image name="image" value="$image"/>
  <Rectangle name="rect" toName="image"/>
  <Labels name="tags" toName="image"><Label value="Person"/><Label value="Car"/>
    <Label value="Dog"/></Labels>
</View>"""


def _rect(height: int, width: int, top: int, left: int, bottom: int, right: int) -> np.ndarray:
    mask = np.zeros((height, width), dtype=bool)
    mask[top:bottom, left:right] = True
    return mask


def _by_type(result: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [r for r in result if r["type"] == kind]


def _all_clean(sdk_validate: Any, config: str, tasks: list[dict[str, Any]]) -> None:
    for task in tasks:
        assert json.loads(json.dumps(task)) == task
        for kind in ("predictions", "annotations"):
            for item in task.get(kind, []):
                assert sdk_validate(config, item) == [], (kind, task["data"])


def test_dataset_to_annotations_exact(sdk_validate: Any) -> None:
    stream = coco_to_tasks(INSTANCES, CFG)
    tasks = [t.to_dict() for t in stream]
    assert [t["data"] for t in tasks] == [
        {"image": "http://images.example.com/street.jpg"},
        {"image": "http://images.example.com/dog.jpg"},
        {"image": "http://images.example.com/empty.jpg"},
    ]
    assert [t["meta"] for t in tasks] == [{"coco_image_id": i} for i in (1, 2, 3)]
    assert all("predictions" not in t for t in tasks)
    street = tasks[0]["annotations"][0]["result"]
    boxes = _by_type(street, "rectanglelabels")
    assert [b["value"] for b in boxes] == [
        {"x": 10.0, "y": 10.0, "width": 20.0, "height": 20.0, "rotation": 0.0,
         "rectanglelabels": ["Person"]},
        {"x": 50.0, "y": 50.0, "width": 25.0, "height": 25.0, "rotation": 0.0,
         "rectanglelabels": ["Car"]},
    ]  # fmt: skip
    masks = _by_type(street, "brushlabels")
    assert [m["value"]["brushlabels"] for m in masks] == [["Person"], ["Car"]]
    person = decode_bool(masks[0]["value"]["rle"], 480, 640)
    assert np.array_equal(person, _rect(480, 640, 48, 64, 144, 192))  # the filled polygon
    car = decode_bool(masks[1]["value"]["rle"], 480, 640)
    assert np.array_equal(car, _rect(480, 640, 240, 320, 360, 480))  # the crowd RLE
    points = _by_type(street, "keypointlabels")
    assert [p["value"] for p in points] == [
        {"x": 15.0, "y": 15.0, "width": 0.5, "keypointlabels": ["Nose"]},
        {"x": 20.0, "y": 20.0, "width": 0.5, "keypointlabels": ["Left eye"]},
    ]
    dog = tasks[1]["annotations"][0]["result"]
    assert _by_type(dog, "rectanglelabels")[0]["value"]["width"] == 20.0
    assert tasks[2]["annotations"][0]["result"] == []
    assert stream.skipped == {"keypoint not labeled (visibility 0)": 1}
    assert stream.summary() == "3 task(s); skipped: keypoint not labeled (visibility 0) x1"
    _all_clean(sdk_validate, CONFIG, tasks)


def test_dataset_as_predictions_and_options(sdk_validate: Any) -> None:
    stream = coco_to_tasks(
        INSTANCES,
        CFG,
        into="predictions",
        boxes="box",
        image_url="/data/local-files/?d=coco/{file_name}",
        model_version="gt-2017",
        skip_crowd=True,
        skip_empty=True,
    )
    tasks = [t.to_dict() for t in stream]
    assert [t["data"]["image"] for t in tasks] == [
        "/data/local-files/?d=coco/street.jpg",
        "/data/local-files/?d=coco/dog.jpg",
    ]
    prediction = tasks[0]["predictions"][0]
    assert prediction["model_version"] == "gt-2017"
    # only the box control was named; the crowd car is left out
    assert [r["type"] for r in prediction["result"]] == ["rectanglelabels"]
    assert stream.skipped == {"crowd annotation": 1}
    _all_clean(sdk_validate, CONFIG, tasks)


def test_results_file_to_predictions(sdk_validate: Any) -> None:
    stream = coco_results_to_tasks(
        RESULTS, INSTANCES, CFG, masks="mask", boxes="box", min_score=0.5, unmapped="drop"
    )
    tasks = [t.to_dict() for t in stream]
    street = tasks[0]["predictions"][0]
    assert street["model_version"] == "coco-results"
    boxes = _by_type(street["result"], "rectanglelabels")
    assert [(b["value"]["rectanglelabels"], b["score"]) for b in boxes] == [
        (["Car"], 0.93),
        (["Person"], 0.88),
    ]
    assert [r["value"]["brushlabels"] for r in _by_type(street["result"], "brushlabels")] == [
        ["Car"],
        ["Person"],
    ]
    assert tasks[2]["predictions"][0]["result"] == []  # an image without detections
    assert stream.dropped == {"bicycle": 2}  # its box and its mask
    assert stream.skipped == {"score below min_score": 1}
    assert stream.summary() == (
        "3 task(s); dropped (class without a label): bicycle x2; skipped: score below min_score x1"
    )
    _all_clean(sdk_validate, CONFIG, tasks)


def test_compressed_coco_rle_decodes_to_the_same_brush_mask() -> None:
    detections = json.loads(RESULTS.read_text())
    tasks = list(coco_results_to_tasks(detections, INSTANCES, CFG, masks="mask", unmapped="drop"))
    by_image = {1: tasks[0], 2: tasks[1]}
    kept = [d for d in detections if d["category_id"] != 2]
    for image_id, task in by_image.items():
        mine = [d for d in kept if d["image_id"] == image_id]
        brushes = task.predictions[0].result
        assert len(brushes) == len(mine)
        for detection, brush in zip(mine, brushes, strict=True):
            assert isinstance(detection["segmentation"]["counts"], str)  # pycocotools' form
            expected = decode_coco_rle(detection["segmentation"])
            height, width = expected.shape
            assert (brush["original_height"], brush["original_width"]) == (height, width)
            assert np.array_equal(decode_bool(brush["value"]["rle"], height, width), expected)


@settings(max_examples=30, deadline=None)
@given(
    arrays(np.bool_, st.tuples(st.integers(1, 24), st.integers(1, 24))).filter(np.any),
    st.booleans(),
)
def test_any_coco_rle_to_brush_round_trip(mask: np.ndarray, compressed: bool) -> None:
    height, width = mask.shape
    annotation = {
        "image_id": 1,
        "category_id": 3,
        "segmentation": encode_coco_rle(mask, compressed=compressed),
    }
    (region,) = coco_regions(
        [annotation],
        image_wh=(width, height),
        categories={3: "car"},
        masks=CFG.control("mask", BrushLabels),
    )
    assert np.array_equal(decode_bool(region.result["value"]["rle"], height, width), mask)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 2**62), max_size=30) | st.lists(st.integers(0, 300), max_size=30))
def test_vectorized_counts_decoder_matches_the_reference_loop(counts: list[int]) -> None:
    text = counts_to_string(counts)
    assert counts_from_string(text) == _counts_slow(text) == counts


def test_ground_truth_beside_the_predictions(sdk_validate: Any) -> None:
    stream = coco_results_to_tasks(
        RESULTS, INSTANCES, CFG, boxes="box", unmapped="drop", with_ground_truth=True
    )
    tasks = [t.to_dict() for t in stream]
    assert len(tasks[0]["annotations"][0]["result"]) == 2
    assert len(tasks[0]["predictions"][0]["result"]) == 2
    _all_clean(sdk_validate, CONFIG, tasks)


def test_polygon_config_keeps_polygons_and_counts_rle(sdk_validate: Any) -> None:
    stream = coco_to_tasks(INSTANCES, LabelConfig.parse(POLYGON_CONFIG), into="predictions")
    tasks = [t.to_dict() for t in stream]
    (person,) = tasks[0]["predictions"][0]["result"]
    assert person["value"]["points"] == [[10.0, 10.0], [30.0, 10.0], [30.0, 30.0], [10.0, 30.0]]
    (dog,) = tasks[1]["predictions"][0]["result"]
    assert dog["value"]["points"] == [[10.0, 10.0], [30.0, 10.0], [30.0, 30.0]]
    assert stream.skipped == {"RLE segmentation on a polygon control": 1}
    _all_clean(sdk_validate, POLYGON_CONFIG, tasks)


def test_split_format(sdk_validate: Any) -> None:
    tasks = [t.to_dict() for t in coco_to_tasks(INSTANCES, LabelConfig.parse(SPLIT_CONFIG))]
    result = tasks[0]["annotations"][0]["result"]
    assert [r["type"] for r in result] == ["rectangle", "labels", "rectangle", "labels"]
    assert result[0]["id"] == result[1]["id"]
    assert result[1]["value"]["labels"] == ["Person"]
    _all_clean(sdk_validate, SPLIT_CONFIG, tasks)


def test_sizes_only_with_categories_and_a_url_function() -> None:
    results = [{"image_id": 7, "category_id": 3, "bbox": [0, 0, 32, 24], "score": 0.5}]
    tasks = list(
        coco_results_to_tasks(
            results,
            {"7": [64, 48]},
            CFG,
            boxes="box",
            categories={3: "car"},
            image_url=lambda record: f"s3://bucket/{record['id']}.jpg",
        )
    )
    assert tasks[0].data == {"image": "s3://bucket/7.jpg"}
    value = tasks[0].predictions[0].result[0]["value"]
    assert (value["width"], value["height"]) == (50.0, 50.0)


def test_categories_forms() -> None:
    assert coco_categories(json.loads(INSTANCES.read_text()))[18] == "dog"
    assert coco_categories({"3": "car"}) == {3: "car"}


def _dataset() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(INSTANCES.read_text())
    return data


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        pytest.param(
            lambda: list(
                coco_results_to_tasks(
                    [{"image_id": 99, "category_id": 3, "bbox": [0, 0, 1, 1], "score": 1}],
                    INSTANCES,
                    CFG,
                )
            ),
            BuildError,
            "1 image id(s) in the results have no image record (size): 99",
            id="unknown-image",
        ),
        pytest.param(
            lambda: list(coco_results_to_tasks(RESULTS, INSTANCES, CFG, boxes="box")),
            BuildError,
            "model class(es) 'bicycle' map to no label of <RectangleLabels name='box'>",
            id="unmapped",
        ),
        pytest.param(
            lambda: list(coco_results_to_tasks([], {1: (64, 48)}, CFG)),
            BuildError,
            "no categories: pass the COCO dataset as images=, or categories=",
            id="no-categories",
        ),
        pytest.param(
            lambda: list(coco_results_to_tasks([], {1: (64, 48)}, CFG, with_ground_truth=True)),
            BuildError,
            "with_ground_truth=True needs the COCO dataset (with annotations)",
            id="ground-truth-without-dataset",
        ),
        pytest.param(
            lambda: list(coco_to_tasks(INSTANCES, CFG, masks="kp")),
            BuildError,
            "masks='kp' is a <KeyPointLabels name='kp'>; masks go to <BrushLabels> / <Brush> / "
            "<BitmaskLabels> / <Bitmask> / <PolygonLabels> / <Polygon> controls",
            id="wrong-control",
        ),
        pytest.param(
            lambda: list(coco_to_tasks(INSTANCES, CFG, image_url="{path}")),
            BuildError,
            "image_url template '{path}' cannot be filled from",
            id="template",
        ),
        pytest.param(
            lambda: list(coco_to_tasks(INSTANCES, CFG, image_url=lambda record: 42)),
            ValidationError,
            "data.image is an integer, but <Image> accepts a string or a list",
            id="validated-on-the-way-out",
        ),
        pytest.param(
            lambda: list(coco_to_tasks({"annotations": []}, CFG)),
            BuildError,
            "a COCO dataset must be an object with 'images' (and 'annotations')",
            id="not-a-dataset",
        ),
    ],
)
def test_errors(make: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=re.escape(message)):
        make()


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        pytest.param(
            lambda d: d["annotations"][0].update(bbox=[1, 2, 3]),
            "image 1 annotation 0: bbox must be [x, y, width, height]",
            id="bbox",
        ),
        pytest.param(
            lambda d: d["annotations"][1].update(segmentation=encode_coco_rle(np.ones((48, 64)))),
            "image 1 annotation 1: segmentation size [48, 64] (height, width) does not match the "
            "image (640x480)",
            id="rle-size",
        ),
        pytest.param(
            lambda d: d["annotations"][1]["segmentation"].update(size=[48, 64]),
            "image 1 annotation 1: COCO RLE counts cover 307200 pixels but size 48x64 has 3072",
            id="rle-counts",
        ),
        pytest.param(
            lambda d: d["annotations"][0].update(keypoints=[1, 2, 2]),
            "image 1 annotation 0: 3 keypoint values, expected 9 (x, y, v for 3 keypoints)",
            id="keypoints",
        ),
        pytest.param(
            lambda d: d["annotations"][0].update(segmentation=[[1, 2, 3]]),
            "image 1 annotation 0: polygon 0 must be a flat list of x, y pairs, got 3 values",
            id="polygon",
        ),
        pytest.param(
            lambda d: d["images"][0].update(width=0),
            "image 1: width must be a positive number",
            id="image-size",
        ),
        pytest.param(
            lambda d: d["annotations"][0].pop("image_id"),
            "annotation 0 must be an object with 'image_id'",
            id="image-id",
        ),
    ],
)
def test_malformed_dataset(edit: Any, message: str) -> None:
    dataset = _dataset()
    edit(dataset)
    with pytest.raises(BuildError, match=re.escape(message)):
        list(coco_to_tasks(copy.deepcopy(dataset), CFG))


def test_degenerate_parts_and_empty_boxes_are_counted() -> None:
    dataset = _dataset()
    dataset["annotations"][2]["segmentation"] = [[1, 2, 3, 4]]  # 2 points: no polygon
    dataset["annotations"][2]["bbox"] = [5, 5, 0, 3]
    stream = coco_to_tasks(dataset, CFG, skip_crowd=True)
    list(stream)
    assert stream.skipped == {
        "crowd annotation": 1,
        "degenerate polygon": 1,
        "empty box": 1,
        "keypoint not labeled (visibility 0)": 1,
    }


def test_a_file_that_is_not_json(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    with pytest.raises(TaskFileError, match=re.escape(f"COCO dataset {bad} is not valid JSON")):
        coco_to_tasks(bad, CFG)
