"""Array adapters: known pixels in, exact percent and labels out, every class accounted for."""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prelabel import (
    BitmaskLabels,
    BrushLabels,
    BuildError,
    KeyPointLabels,
    LabelConfig,
    LabelError,
    LabelMap,
    Labels,
    PolygonLabels,
    Prediction,
    Rectangle,
    RectangleLabels,
    reproducible_ids,
)
from prelabel.adapters import (
    box_regions,
    keypoint_regions,
    make_task,
    mask_regions,
    polygon_regions,
    polygon_to_mask,
    pose_regions,
)
from prelabel.rle import decode_bool
from prelabel.units import boxes_from_percent
from strategies_image import box_xyxy_px, image_wh, masks, polygon_px

CONFIG = """<View>
  <Image name="image" value="$image"/>
  <RectangleLabels name="box" toName="image">
    <Label value="Person"/><Label value="Car" predicted_values="car,truck,bus"/>
  </RectangleLabels>
  <PolygonLabels name="poly" toName="image"><Label value="Person"/><Label value="Car"/>
  </PolygonLabels>
  <BrushLabels name="brush" toName="image"><Label value="Person"/><Label value="Car"/>
  </BrushLabels>
  <BitmaskLabels name="bitmask" toName="image"><Label value="Person"/></BitmaskLabels>
  <KeyPointLabels name="kp" toName="image"><Label value="Nose"/><Label value="Left eye"/>
  </KeyPointLabels>
  <Rectangle name="rect" toName="image"/>
  <Labels name="tags" toName="image"><Label value="Person"/><Label value="Car"/></Labels>
</View>"""
CFG = LabelConfig.parse(CONFIG)
BOX = CFG.control("box", RectangleLabels)
POLY = CFG.control("poly", PolygonLabels)
BRUSH = CFG.control("brush", BrushLabels)
BITMASK = CFG.control("bitmask", BitmaskLabels)
KP = CFG.control("kp", KeyPointLabels)
RECT = CFG.control("rect", Rectangle)
TAGS = CFG.control("tags", Labels)
NAMES = {0: "person", 2: "car", 7: "truck", 16: "dog"}


def _clean(sdk_validate: Any, regions: Any) -> None:
    """The regions form a prediction Label Studio's SDK accepts and JSON keeps unchanged."""
    prediction = Prediction(regions, model_version="test").to_dict()
    assert json.loads(json.dumps(prediction)) == prediction
    assert sdk_validate(CONFIG, prediction) == []


def _values(regions: Any) -> list[dict[str, Any]]:
    return [r.result["value"] for r in regions]


# --- boxes ---------------------------------------------------------------------------------


def test_pixel_boxes_to_exact_percent_and_mapped_labels(sdk_validate: Any) -> None:
    regions = box_regions(
        BOX,
        np.array([[64, 48, 192, 144], [320, 240, 480, 360]], dtype=np.float32),
        image_wh=(640, 480),
        class_ids=np.array([0, 7]),
        class_names=NAMES,
        scores=np.array([0.9, 0.75], dtype=np.float32),
    )
    assert _values(regions) == [
        {"x": 10.0, "y": 10.0, "width": 20.0, "height": 20.0, "rotation": 0.0,
         "rectanglelabels": ["Person"]},
        {"x": 50.0, "y": 50.0, "width": 25.0, "height": 25.0, "rotation": 0.0,
         "rectanglelabels": ["Car"]},
    ]  # fmt: skip
    assert [r.result["score"] for r in regions] == [pytest.approx(0.9), 0.75]
    assert all(type(r.result["score"]) is float for r in regions)
    assert {r.result["original_width"] for r in regions} == {640}
    _clean(sdk_validate, regions)


@pytest.mark.parametrize(
    ("boxes", "fmt", "units"),
    [
        pytest.param([[64, 48, 128, 96]], "xywh", "px", id="xywh-px"),
        pytest.param([[128, 96, 128, 96]], "cxcywh", "px", id="cxcywh-px"),
        pytest.param([[0.1, 0.1, 0.3, 0.3]], "xyxy", "norm", id="xyxy-norm"),
        pytest.param([[0.2, 0.2, 0.2, 0.2]], "cxcywh", "norm", id="cxcywh-norm (YOLO)"),
        pytest.param([[10, 10, 20, 20]], "xywh", "pct", id="xywh-pct"),
        pytest.param([[[64, 48], [192, 48], [192, 144], [64, 144]]], "corners", "px", id="corners"),
    ],
)
def test_every_box_format(boxes: Any, fmt: Any, units: Any) -> None:
    (region,) = box_regions(BOX, boxes, image_wh=(640, 480), fmt=fmt, units=units, labels=["car"])
    value = region.result["value"]
    assert [value[k] for k in ("x", "y", "width", "height")] == pytest.approx([10, 10, 20, 20])
    assert value["rectanglelabels"] == ["Car"]


def test_min_score_then_labels(sdk_validate: Any) -> None:
    counts: Counter[str] = Counter()
    labels = LabelMap(BOX, classes=NAMES, unmapped="drop")
    regions = box_regions(
        BOX,
        [[0, 0, 64, 48], [0, 0, 64, 48], [0, 0, 64, 48], [0, 0, 64, 48]],
        image_wh=(640, 480),
        class_ids=[0, 16, 16, 2],
        label_map=labels,
        scores=[0.9, 0.8, 0.2, 0.3],
        min_score=0.5,
        counts=counts,
    )
    assert [v["rectanglelabels"] for v in _values(regions)] == [["Person"]]
    # the low-scoring dog is counted under min_score, not as an unmapped class
    assert dict(labels.dropped) == {"dog": 1}
    assert counts == {"score below min_score": 2}
    _clean(sdk_validate, regions)


def test_unmapped_classes_are_named_all_at_once() -> None:
    message = (
        "model class(es) 'dog', 'class 5' map to no label of <RectangleLabels name='box'> "
        "(labels: 'Person', 'Car'); pass mapping={...}, add predicted_values=\"...\" to a "
        '<Label>, or unmapped="drop"'
    )
    with pytest.raises(LabelError, match=re.escape(message)):
        box_regions(
            BOX, [[0, 0, 64, 48]] * 3, image_wh=(640, 480), class_ids=[16, 5, 0], class_names=NAMES
        )


def test_explicit_mapping_by_name_and_by_id() -> None:
    regions = box_regions(
        BOX,
        [[0, 0, 64, 48]] * 3,
        image_wh=(640, 480),
        class_ids=[16, 0, 5],
        class_names=NAMES,
        label_map={"dog": "Car", 5: "Person"},
    )
    assert [v["rectanglelabels"] for v in _values(regions)] == [["Car"], ["Person"], ["Person"]]


def test_split_format_for_an_unlabeled_tool(sdk_validate: Any) -> None:
    with reproducible_ids(3):
        regions = box_regions(
            RECT, [[64, 48, 192, 144]], image_wh=(640, 480), labels=["person"], labels_control=TAGS
        )
    (region,) = regions
    assert [r["type"] for r in region.results] == ["rectangle", "labels"]
    assert region.results[1]["value"]["labels"] == ["Person"]
    assert region.results[1]["id"] == region.id
    _clean(sdk_validate, regions)


def test_unlabeled_tool_without_labels_makes_plain_regions(sdk_validate: Any) -> None:
    regions = box_regions(RECT, [[64, 48, 192, 144]], image_wh=(640, 480))
    assert "rectanglelabels" not in regions[0].result["value"]
    _clean(sdk_validate, regions)


def test_empty_input_gives_no_regions() -> None:
    assert box_regions(BOX, np.zeros((0, 4)), image_wh=(640, 480), labels=[]) == []
    assert mask_regions(BRUSH, np.zeros((0, 48, 64), bool), labels=[]) == []


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        pytest.param(
            lambda: box_regions(RECT, [[0, 0, 9, 9]], image_wh=(64, 48), class_ids=[0]),
            BuildError,
            "<Rectangle name='rect'> draws unlabeled regions and has no <Labels> to carry "
            "class_ids; pass labels_control=<the Labels control on the same image>, or drop "
            "class_ids=",
            id="unlabeled-with-classes",
        ),
        pytest.param(
            lambda: box_regions(BOX, [[0, 0, 9, 9]], image_wh=(64, 48), class_ids=[0]),
            BuildError,
            "class_ids need class_names= (the model's class names: a list, or a dict "
            "{class_id: name}) or a label_map keyed by class id",
            id="ids-without-names",
        ),
        pytest.param(
            lambda: box_regions(BOX, [[0, 0, 9, 9]], image_wh=(64, 48)),
            BuildError,
            "<RectangleLabels name='box'> needs a label for each box: pass labels= (one model "
            "class name per region) or class_ids= (with class_names=)",
            id="no-labels",
        ),
        pytest.param(
            lambda: box_regions(KP, [[0, 0, 9, 9]], image_wh=(64, 48), labels=["x"]),
            BuildError,
            "<KeyPointLabels name='kp'> cannot draw boxes; boxes go to <RectangleLabels> or "
            "<Rectangle>",
            id="wrong-control",
        ),
        pytest.param(
            lambda: box_regions(BOX, [[0, 0, 9]], image_wh=(64, 48), labels=["car"]),
            BuildError,
            "boxes (xyxy) must have shape (N, 4), got (1, 3)",
            id="shape",
        ),
        pytest.param(
            lambda: box_regions(BOX, [[0, 0, 9, 9]], image_wh=(64, 48), fmt="ltrb", labels=["a"]),
            BuildError,
            "fmt must be one of xyxy, xywh, cxcywh, corners; got 'ltrb'",
            id="fmt",
        ),
        pytest.param(
            lambda: box_regions(BOX, [[0, 0, 9, 9]], image_wh=(64, 48), labels=["car"] * 2),
            BuildError,
            "labels has 2 items; expected 1, one per box",
            id="label-count",
        ),
        pytest.param(
            lambda: box_regions(
                BOX, [[0, 0, 9, 9]], image_wh=(64, 48), labels=["car"], min_score=0.5
            ),
            BuildError,
            "min_score= needs scores=",
            id="min-score-without-scores",
        ),
        pytest.param(
            lambda: box_regions(
                BOX, [[0, 0, 9, 9]], image_wh=(64, 48), class_ids=[0.5], class_names=NAMES
            ),
            BuildError,
            "class_ids[0] = 0.5 is not a whole number",
            id="fractional-id",
        ),
        pytest.param(
            lambda: box_regions(
                BOX,
                [[0, 0, 9, 9]],
                image_wh=(64, 48),
                labels=["car"],
                label_map=LabelMap(POLY),
            ),
            BuildError,
            "label_map was made for <PolygonLabels name='poly'>, not for "
            "<RectangleLabels name='box'>",
            id="foreign-labelmap",
        ),
        pytest.param(
            lambda: box_regions(BOX, [[0, 0, 9, 9]], image_wh=(64, 48), labels="car"),
            BuildError,
            "labels= takes one model class name per region (a list), not a string",
            id="labels-string",
        ),
    ],
)
def test_misuse_messages(call: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=re.escape(message)):
        call()


def test_builder_errors_come_through() -> None:
    with pytest.raises(BuildError, match=re.escape("reaches outside the 64x48 image")):
        box_regions(BOX, [[0, 0, 70, 9]], image_wh=(64, 48), labels=["car"])
    (region,) = box_regions(BOX, [[0, 0, 70, 9]], image_wh=(64, 48), labels=["car"], clip=True)
    assert region.result["value"]["width"] == 100.0


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_pixel_boxes_round_trip(data: Any) -> None:
    wh = data.draw(image_wh())
    boxes = np.array(data.draw(st.lists(box_xyxy_px(wh), min_size=1, max_size=8)))
    regions = box_regions(BOX, boxes, image_wh=wh, labels=["car"] * len(boxes))
    pct = [[v["x"], v["y"], v["width"], v["height"]] for v in _values(regions)]
    back = boxes_from_percent(pct, fmt="xyxy", units="px", image_wh=wh)
    assert back == pytest.approx(boxes, abs=1e-6 * max(wh))


# --- masks ---------------------------------------------------------------------------------


def _instances() -> np.ndarray:
    stack = np.zeros((2, 48, 64), dtype=bool)
    stack[0, 4:20, 8:30] = True
    stack[1, 30:40, 40:60] = True
    return stack


def test_masks_to_brush_decode_to_the_same_masks(sdk_validate: Any) -> None:
    stack = _instances()
    regions = mask_regions(
        BRUSH, stack.astype(np.uint8), class_ids=[0, 2], class_names=NAMES, scores=[0.8, 0.6]
    )
    assert [v["brushlabels"] for v in _values(regions)] == [["Person"], ["Car"]]
    for region, mask in zip(regions, stack, strict=True):
        result = region.result
        assert (result["original_width"], result["original_height"]) == (64, 48)
        decoded = decode_bool(result["value"]["rle"], 48, 64)
        assert np.array_equal(decoded, mask)
    _clean(sdk_validate, regions)


def test_masks_to_bitmask(sdk_validate: Any) -> None:
    regions = mask_regions(BITMASK, list(_instances()[:1]), labels=["person"])
    assert regions[0].result["value"]["imageDataURL"].startswith("data:image/png;base64,")
    _clean(sdk_validate, regions)


@pytest.mark.parametrize(
    ("masks_in", "kwargs", "message"),
    [
        pytest.param(
            np.zeros((1, 4, 4), dtype=np.float32),
            {},
            "masks have dtype float32; threshold them into booleans first (e.g. masks > 0.5)",
            id="float",
        ),
        pytest.param(
            np.zeros((4, 4), dtype=bool),
            {},
            "masks must have shape (N, height, width), got (4, 4); for one mask pass mask[None]",
            id="2d",
        ),
        pytest.param(
            np.zeros((1, 64, 48), dtype=bool),
            {"image_wh": (64, 48)},
            "masks have shape (1, 64, 48), but the 64x48 image needs (N, 48, 64); "
            "they look transposed",
            id="transposed",
        ),
    ],
)
def test_mask_misuse(masks_in: Any, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(BuildError, match=re.escape(message)):
        mask_regions(BRUSH, masks_in, labels=["car"], **kwargs)


@settings(max_examples=40, deadline=None)
@given(st.lists(masks(), min_size=1, max_size=3).filter(lambda ms: len({m.shape for m in ms}) == 1))
def test_any_masks_round_trip_through_brush(stack: list[np.ndarray]) -> None:
    regions = mask_regions(BRUSH, stack, labels=["car"] * len(stack))
    for region, mask in zip(regions, stack, strict=True):
        height, width = mask.shape
        assert np.array_equal(decode_bool(region.result["value"]["rle"], height, width), mask)


# --- polygons ------------------------------------------------------------------------------


def _inside_even_odd(ring: np.ndarray, x: float, y: float) -> bool:
    """Reference ray casting at one point (the test's own, not the library's)."""
    inside = False
    count = len(ring)
    for i in range(count):
        (x0, y0), (x1, y1) = ring[i], ring[(i + 1) % count]
        if (y0 <= y < y1) or (y1 <= y < y0):
            cross = x0 + (y - y0) * (x1 - x0) / (y1 - y0)
            if x >= cross:
                inside = not inside
    return inside


def _reference_mask(ring: np.ndarray, wh: tuple[int, int]) -> np.ndarray:
    width, height = wh
    return np.array(
        [[_inside_even_odd(ring, c + 0.5, r + 0.5) for c in range(width)] for r in range(height)]
    )


def test_polygon_fill_known_shapes() -> None:
    square = polygon_to_mask([[2, 1], [6, 1], [6, 4], [2, 4]], (8, 6))
    expected = np.zeros((6, 8), dtype=bool)
    expected[1:4, 2:6] = True
    assert np.array_equal(square, expected)
    two = polygon_to_mask([[[0, 0], [2, 0], [2, 2], [0, 2]], [[4, 4], [6, 4], [6, 6]]], (8, 6))
    assert two[:2, :2].all()
    assert two.sum() == 4 + 3
    outside = polygon_to_mask([[-5, -5], [3, -5], [3, 3], [-5, 3]], (8, 6))
    assert outside.sum() == 9  # clipped to the image


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_polygon_fill_matches_ray_casting(data: Any) -> None:
    wh = data.draw(st.tuples(st.integers(4, 40), st.integers(4, 40)))
    ring = data.draw(polygon_px(wh))
    assert np.array_equal(polygon_to_mask(ring, wh), _reference_mask(ring, wh))


def test_polygons_exact_points_one_region_per_part(sdk_validate: Any) -> None:
    instances = [
        [[64, 48], [192, 48], [192, 144]],
        [np.array([[0, 0], [64, 0], [64, 48]]), np.array([[320, 240], [640, 240], [640, 480]])],
    ]
    regions = polygon_regions(POLY, instances, image_wh=(640, 480), labels=["person", "car"])
    assert [v["points"] for v in _values(regions)] == [
        [[10.0, 10.0], [30.0, 10.0], [30.0, 30.0]],
        [[0.0, 0.0], [10.0, 0.0], [10.0, 10.0]],
        [[50.0, 50.0], [100.0, 50.0], [100.0, 100.0]],
    ]
    assert [v["polygonlabels"] for v in _values(regions)] == [["Person"], ["Car"], ["Car"]]
    _clean(sdk_validate, regions)


def test_polygons_filled_into_brush(sdk_validate: Any) -> None:
    (region,) = polygon_regions(
        BRUSH, [[[0.25, 0.25], [0.75, 0.25], [0.75, 0.75], [0.25, 0.75]]],
        image_wh=(8, 4), units="norm", labels=["car"],
    )  # fmt: skip
    decoded = decode_bool(region.result["value"]["rle"], 4, 8)
    expected = np.zeros((4, 8), dtype=bool)
    expected[1:3, 2:6] = True
    assert np.array_equal(decoded, expected)
    _clean(sdk_validate, [region])


# --- keypoints -----------------------------------------------------------------------------


def test_keypoints_exact(sdk_validate: Any) -> None:
    regions = keypoint_regions(
        KP, [[320, 240], [64, 48]], image_wh=(640, 480), labels=["nose", "LEFT EYE"]
    )
    assert _values(regions) == [
        {"x": 50.0, "y": 50.0, "width": 0.5, "keypointlabels": ["Nose"]},
        {"x": 10.0, "y": 10.0, "width": 0.5, "keypointlabels": ["Left eye"]},
    ]
    _clean(sdk_validate, regions)


def test_pose_skips_unlabeled_points_and_counts_them(sdk_validate: Any) -> None:
    counts: Counter[str] = Counter()
    keypoints = np.array([[[64, 48, 2], [0, 0, 0]], [[320, 240, 1], [32, 24, 2]]], dtype=float)
    regions = pose_regions(
        KP,
        keypoints,
        keypoint_names=["nose", "left_eye"],
        label_map={"left_eye": "Left eye"},
        image_wh=(640, 480),
        counts=counts,
    )
    assert [(v["x"], v["keypointlabels"]) for v in _values(regions)] == [
        (10.0, ["Nose"]),
        (50.0, ["Nose"]),
        (5.0, ["Left eye"]),
    ]
    assert counts == {"keypoint not labeled (visibility 0)": 1}
    _clean(sdk_validate, regions)


def test_pose_shape_message() -> None:
    with pytest.raises(BuildError, match=re.escape("keypoints must have shape (N, 2, 2) or")):
        pose_regions(KP, np.zeros((1, 3, 2)), keypoint_names=["a", "b"], image_wh=(64, 48))


# --- tasks ---------------------------------------------------------------------------------


def test_make_task_puts_the_value_where_the_object_reads_it() -> None:
    config = LabelConfig.parse(
        '<View><Image name="im" value="$meta.url"/>'
        '<RectangleLabels name="b" toName="im"><Label value="Car"/></RectangleLabels></View>'
    )
    regions = box_regions(
        config.control("b", RectangleLabels), [[0, 0, 32, 24]], image_wh=(64, 48), labels=["car"]
    )
    task = make_task(config, "s3://b/1.jpg", regions, model_version="m", score=0.5).to_dict()
    assert task["data"] == {"meta": {"url": "s3://b/1.jpg"}}
    assert task["predictions"][0]["model_version"] == "m"
    annotated = make_task(config, "x.jpg", regions, into="annotations").to_dict()
    assert "predictions" not in annotated
    assert len(annotated["annotations"]) == 1


def test_make_task_needs_to_name_with_several_objects() -> None:
    config = LabelConfig.parse(
        '<View><Image name="a" value="$a"/><Image name="b" value="$b"/></View>'
    )
    with pytest.raises(BuildError, match=re.escape("say which one shows value: to_name=")):
        make_task(config, "x", [])
    assert make_task(config, "x", [], to_name="b").data == {"b": "x"}
