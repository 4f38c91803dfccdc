"""Image region builders: units, formats, rotation, batches, labels, ids, errors, SDK gate."""

from __future__ import annotations

import base64
import importlib.util
import json
import math
import re
import struct
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prelabel import (
    Bitmask,
    BitmaskLabels,
    BuildError,
    Ellipse,
    EllipseLabels,
    KeyPoint,
    KeyPointLabels,
    LabelConfig,
    LabelError,
    Labels,
    Polygon,
    PolygonLabels,
    Prediction,
    Rectangle,
    RectangleLabels,
    Region,
    Vector,
    VectorLabels,
    reproducible_ids,
)
from prelabel.builders._common import check_score
from prelabel.builders.image import KEYPOINT_WIDTH_PCT
from prelabel.units import rotated_corners
from strategies_image import (
    box_xyxy_px,
    boxes_xyxy_px,
    corners_of,
    image_wh,
    masks,
    polygon_px,
    rotated_box_px,
    xyxy_to,
)

SETTINGS = settings(max_examples=50, deadline=None)
ROOT = Path(__file__).resolve().parent.parent
WH = (600, 403)

CONFIG = """<View>
  <Image name="image" value="$image" smoothing="false"/>
  <Image name="pages" valueList="$pages"/>
  <RectangleLabels name="label" toName="image">
    <Label value="Airplane"/><Label value="Car"/><Label value="Bus" alias="bus"/>
  </RectangleLabels>
  <RectangleLabels name="multi" toName="image" choice="multiple">
    <Label value="Airplane"/><Label value="Car"/>
  </RectangleLabels>
  <Rectangle name="rect" toName="image,pages"/>
  <PolygonLabels name="poly" toName="image"><Label value="Roof"/></PolygonLabels>
  <Polygon name="polygon" toName="image"/>
  <EllipseLabels name="cells" toName="image"><Label value="Cell"/></EllipseLabels>
  <Ellipse name="ell" toName="image"/>
  <KeyPointLabels name="kp" toName="image">
    <Label value="Nose" predicted_values="nose_tip,nose"/><Label value="Eye"/>
  </KeyPointLabels>
  <KeyPoint name="point" toName="image"/>
  <VectorLabels name="lanes" toName="image"><Label value="Lane"/></VectorLabels>
  <Vector name="vec" toName="image" closable="true" minPoints="3" maxPoints="4"/>
  <BitmaskLabels name="masks" toName="image"><Label value="Person"/></BitmaskLabels>
  <Bitmask name="bm" toName="image"/>
  <Labels name="labels" toName="image"><Label value="Vehicle"/><Label value="Building"/></Labels>
  <Choices name="choice" toName="image"><Choice value="A"/></Choices>
</View>"""

cfg = LabelConfig.parse(CONFIG)
box = cfg.control("label", RectangleLabels)
multi = cfg.control("multi", RectangleLabels)
rect = cfg.control("rect", Rectangle)
poly = cfg.control("poly", PolygonLabels)
polygon = cfg.control("polygon", Polygon)
cells = cfg.control("cells", EllipseLabels)
ell = cfg.control("ell", Ellipse)
kp = cfg.control("kp", KeyPointLabels)
point = cfg.control("point", KeyPoint)
lanes = cfg.control("lanes", VectorLabels)
vec = cfg.control("vec", Vector)
masks_ctl = cfg.control("masks", BitmaskLabels)
bm = cfg.control("bm", Bitmask)
labels = cfg.control("labels", Labels)

MASK = np.zeros((403, 600), dtype=bool)
MASK[100:200, 50:150] = True


def results_of(made: Region | list[Region]) -> list[dict[str, Any]]:
    regions = made if isinstance(made, list) else [made]
    return [dict(r) for region in regions for r in region.results]


def assert_plain_json(item: Any, path: str = "$") -> None:
    """Only dict/list/str/int/float/bool/None, exactly (numpy scalars subclass float)."""
    kind = type(item)
    assert kind in (dict, list, str, int, float, bool, type(None)), f"{path}: {kind}"
    if kind is dict:
        for key, value in item.items():
            assert type(key) is str, f"{path}: key {key!r}"
            assert_plain_json(value, f"{path}.{key}")
    elif kind is list:
        for index, value in enumerate(item):
            assert_plain_json(value, f"{path}[{index}]")


def labeled(region: Region, label: str = "Vehicle") -> Region:
    labels.for_region(region, label)
    return region


# One call of every builder (per call and batch), on the config above.
BUILDERS: dict[str, Callable[[], Region | list[Region]]] = {
    "box-xyxy-px": lambda: box.box(xyxy_px=(10, 20, 110, 70), image_wh=WH, label="Car"),
    "box-xywh-norm": lambda: box.box(xywh_norm=(0.1, 0.2, 0.3, 0.4), image_wh=WH, label="Bus"),
    "box-cxcywh-pct": lambda: box.box(cxcywh_pct=(50, 50, 20, 10), image_wh=WH, label="Car"),
    "box-rotated": lambda: box.box(
        cxcywh_px=(300, 200, 120, 40), angle_deg=30, image_wh=WH, label="Car", score=0.5
    ),
    "box-corners": lambda: box.box(
        corners_px=[[100, 100], [200, 120], [190, 170], [90, 150]], image_wh=WH, label="Car"
    ),
    "box-flags": lambda: box.box(
        xyxy_px=(10, 20, 110, 70), image_wh=WH, label="Car", readonly=True, hidden=False
    ),
    "box-multi": lambda: multi.box(xyxy_px=(1, 2, 30, 40), image_wh=WH, label=["Airplane", "Car"]),
    "boxes": lambda: box.boxes(
        xyxy_px=np.array([[10, 20, 110, 70], [200, 100, 400, 300]], dtype=np.float32),
        image_wh=WH,
        class_ids=np.array([0, 1]),
        class_names=["Airplane", "Car"],
        scores=np.array([0.9, 0.4], dtype=np.float32),
    ),
    "boxes-rotated": lambda: box.boxes(
        cxcywh_norm=[[0.5, 0.5, 0.2, 0.1]], angle_deg=[100], image_wh=WH, labels=["Car"]
    ),
    "boxes-corners": lambda: box.boxes(
        corners_pct=[[[10, 10], [30, 10], [30, 20], [10, 20]]], image_wh=WH, label="Car"
    ),
    "rect-labeled": lambda: labeled(rect.box(xyxy_px=(10, 20, 110, 70), image_wh=WH)),
    "rect-page": lambda: rect.box(
        xyxy_px=(10, 20, 110, 70), image_wh=WH, to_name="pages", item_index=2
    ),
    "polygon": lambda: poly.polygon(
        points_px=[[10, 10], [100, 10], [50, 80], [10, 10]], image_wh=WH, label="Roof"
    ),
    "polygons": lambda: polygon.polygons(
        points_norm=[
            [[0.1, 0.1], [0.2, 0.1], [0.2, 0.3]],
            np.array([[0.5, 0.5], [0.6, 0.5], [0.6, 0.6]]),
        ],
        image_wh=WH,
    ),
    "polygon-labeled": lambda: labeled(
        polygon.polygon(points_pct=[[10, 10], [20, 10], [20, 30]], image_wh=WH), "Building"
    ),
    "ellipse": lambda: cells.ellipse(
        center_px=(300, 200), radii_px=(50, 20), angle_deg=-30, image_wh=WH, label="Cell"
    ),
    "ellipses-labeled": lambda: [
        labeled(e)
        for e in ell.ellipses(
            center_pct=[[20, 20], [60, 60]], radii_norm=[[0.05, 0.08], [0.1, 0.1]], image_wh=WH
        )
    ],
    "keypoint": lambda: kp.point(xy_px=(300, 200), image_wh=WH, label="Nose", width_px=3),
    "keypoints": lambda: kp.points(
        xy_norm=[[0.5, 0.5], [0.55, 0.5]], image_wh=WH, labels=["Nose", "Eye"], scores=[0.9, 0.8]
    ),
    "keypoint-labeled": lambda: labeled(point.point(xy_pct=(50, 50), image_wh=WH)),
    "vector": lambda: lanes.vector(
        points_px=[[10, 10], [100, 50], [200, 60]], image_wh=WH, label="Lane"
    ),
    "vectors-labeled": lambda: [
        labeled(v) for v in vec.vectors(points_px=[[[10, 10], [100, 50], [200, 60]]], image_wh=WH)
    ],
    "bitmask": lambda: masks_ctl.bitmask(MASK, image_wh=WH, label="Person", score=0.7),
    "bitmasks-labeled": lambda: [
        labeled(m, "Building") for m in bm.bitmasks([MASK.astype(np.uint8) * 255], image_wh=WH)
    ],
}


@pytest.mark.parametrize("build", BUILDERS.values(), ids=BUILDERS.keys())
def test_every_builder_is_plain_json(build: Callable[[], Region | list[Region]]) -> None:
    for result in results_of(build()):
        assert json.loads(json.dumps(result, allow_nan=False)) == result
        assert_plain_json(result)


@pytest.mark.parametrize("build", BUILDERS.values(), ids=BUILDERS.keys())
def test_every_builder_passes_the_sdk(
    build: Callable[[], Region | list[Region]], sdk_validate: Any
) -> None:
    made = build()
    prediction = Prediction(made if isinstance(made, list) else [made], model_version="t")
    assert sdk_validate(CONFIG, prediction.to_dict()) == []


def test_result_keys_in_order() -> None:
    region = box.box(
        xyxy_px=(10, 20, 110, 70), image_wh=WH, label="Car", score=0.5, id="r1", readonly=True
    )
    assert list(region.result) == [
        "id",
        "type",
        "from_name",
        "to_name",
        "original_width",
        "original_height",
        "image_rotation",
        "value",
        "score",
        "readonly",
    ]
    assert region.result["original_width"] == 600
    assert region.result["image_rotation"] == 0
    assert list(region.geometry) == ["x", "y", "width", "height", "rotation"]
    assert region.geometry == pytest.approx(
        {"x": 10 / 6, "y": 20 / 4.03, "width": 100 / 6, "height": 50 / 4.03, "rotation": 0.0}
    )


# --- the guide's airplane ------------------------------------------------------------------


def test_guide_airplane_from_pixels() -> None:
    """The guide shows x=5.33, y=23.57, width=29.16, height=31.26 (percent) on 600x403."""
    x, y, w, h = 5.33 * 6, 23.57 * 4.03, 29.16 * 6, 31.26 * 4.03  # its pixel box
    region = box.box(xywh_px=(x, y, w, h), image_wh=(600, 403), label="Airplane", score=0.91)
    value = region.result["value"]
    rounded = [round(value[k], 2) for k in ("x", "y", "width", "height")]
    assert rounded == [5.33, 23.57, 29.16, 31.26]
    same = box.box(xyxy_px=(x, y, x + w, y + h), image_wh=(600, 403), label="Airplane")
    assert [round(same.result["value"][k], 2) for k in ("x", "y", "width", "height")] == rounded


def test_guide_numbers_are_a_whole_pixel_box_truncated() -> None:
    """Fact: the guide's numbers are the whole-pixel box (32, 95, 175, 126) cut to 2 decimals
    (29.1666 -> 29.16, 31.2655 -> 31.26); rounding it gives 29.17 and 31.27."""
    value = box.box(xywh_px=(32, 95, 175, 126), image_wh=(600, 403), label="Airplane").result
    numbers = [value["value"][k] for k in ("x", "y", "width", "height")]
    assert [math.floor(n * 100) / 100 for n in numbers] == [5.33, 23.57, 29.16, 31.26]
    assert [round(n, 2) for n in numbers] == [5.33, 23.57, 29.17, 31.27]


# --- round trips ---------------------------------------------------------------------------


def pixels_of(value: dict[str, float], wh: tuple[int, int]) -> tuple[float, ...]:
    """The guide's convert_from_ls: percent back to pixels."""
    w, h = wh
    return (
        value["x"] / 100 * w,
        value["y"] / 100 * h,
        value["width"] / 100 * w,
        value["height"] / 100 * h,
    )


@SETTINGS
@given(wh=image_wh(), data=st.data())
def test_box_round_trip_every_format(wh: tuple[int, int], data: st.DataObject) -> None:
    x1, y1, x2, y2 = data.draw(box_xyxy_px(wh))
    for fmt in ("xyxy", "xywh", "cxcywh"):
        given_box = xyxy_to(fmt, (x1, y1, x2, y2))
        scale = {"px": (1, 1), "norm": (1 / wh[0], 1 / wh[1]), "pct": (100 / wh[0], 100 / wh[1])}
        for unit, (sx, sy) in scale.items():
            source = (given_box[0] * sx, given_box[1] * sy, given_box[2] * sx, given_box[3] * sy)
            region = box.box(**{f"{fmt}_{unit}": source}, image_wh=wh, label="Car")
            back = pixels_of(region.result["value"], wh)
            assert back == pytest.approx((x1, y1, x2 - x1, y2 - y1), rel=1e-9, abs=1e-9 * max(wh))
            assert region.result["value"]["rotation"] == 0.0


@SETTINGS
@given(wh=image_wh(), data=st.data())
def test_batch_matches_per_call(wh: tuple[int, int], data: st.DataObject) -> None:
    boxes = data.draw(boxes_xyxy_px(wh))
    batch = box.boxes(xyxy_px=boxes, image_wh=wh, label="Car")
    assert len(batch) == len(boxes)
    for region, row in zip(batch, boxes, strict=True):
        single = box.box(xyxy_px=row, image_wh=wh, label="Car")
        assert region.geometry == pytest.approx(single.geometry, rel=1e-12, abs=1e-12)
        assert region.result["value"]["rectanglelabels"] == ["Car"]


def outcome(call: Callable[[], Any]) -> Any:
    try:
        return call()
    except BuildError as error:
        return f"{type(error).__name__}: {error}"


# Numbers around the edges of what builders accept: negatives, 0-1, around 1 px, the image
# border, beyond it, NaN and infinity.
edgy = st.one_of(
    st.sampled_from([0.0, 0.5, 1.0, 1.5, 2.0, 99.5, 100.0, 100.5, 300.0, 600.0, 601.0]),
    st.floats(-50, 700),
    st.sampled_from([float("nan"), float("inf"), -float("inf"), -1e-9, 1e-300]),
)


@settings(max_examples=300, deadline=None)
@given(
    row=st.tuples(edgy, edgy, edgy, edgy),
    fmt=st.sampled_from(["xyxy", "xywh", "cxcywh"]),
    unit=st.sampled_from(["px", "norm", "pct"]),
    clip=st.booleans(),
)
def test_per_call_and_batch_agree(
    row: tuple[float, float, float, float], fmt: str, unit: str, clip: bool
) -> None:
    """box() has a plain-Python fast path; it must accept and refuse exactly what boxes()
    does, with the same numbers and the same message."""
    arg = f"{fmt}_{unit}"
    single = outcome(lambda: box.box(**{arg: row}, image_wh=WH, label="Car", clip=clip).geometry)
    batch = outcome(
        lambda: box.boxes(**{arg: [row]}, image_wh=WH, label="Car", clip=clip)[0].geometry
    )
    if isinstance(batch, str):
        batch = batch.replace(f"{arg}[0]", arg)
    assert single == batch


# The natural forms of one box a model hands over; each is converted to the float64 numbers
# np.asarray(form, dtype=float64) holds, which is what the batch path sees.
BOX_FORMS: dict[str, Callable[[tuple[float, ...]], Any]] = {
    "list": list,
    "tuple": tuple,
    "float64 row": lambda row: np.array(row, dtype=np.float64),
    "float32 row": lambda row: np.array(row, dtype=np.float32),
    "float16 row": lambda row: np.array(row, dtype=np.float16),
    "object row": lambda row: np.array(row, dtype=object),
    "int row": lambda row: (
        np.array(np.nan_to_num(row), dtype=np.float64).clip(-1e9, 1e9).astype(np.int64)
    ),
    "uint8 row": lambda row: (
        np.array(np.nan_to_num(row), dtype=np.float64).clip(0, 255).astype(np.uint8)
    ),
    "float64 scalars": lambda row: [np.float64(v) for v in row],
    "float32 scalars": lambda row: [np.float32(v) for v in row],
    "int scalars": lambda row: [int(v) if math.isfinite(v) else 0 for v in row],
    "mixed": lambda row: [
        np.float32(row[0]),
        int(row[1]) if math.isfinite(row[1]) else 0,
        *row[2:],
    ],
}


@settings(max_examples=200, deadline=None)
@given(
    row=st.tuples(edgy, edgy, edgy, edgy),
    fmt=st.sampled_from(["xyxy", "xywh", "cxcywh"]),
    unit=st.sampled_from(["px", "norm", "pct"]),
    form=st.sampled_from(sorted(BOX_FORMS)),
)
def test_every_box_form_matches_the_batch_path(
    row: tuple[float, float, float, float], fmt: str, unit: str, form: str
) -> None:
    """box()'s fast path takes every natural form of one box (numpy rows of any real dtype,
    numpy scalars, ints, tuples); each must give what boxes() gives for the same float64
    numbers, message included."""
    arg = f"{fmt}_{unit}"
    given_box = BOX_FORMS[form](row)
    as_float64 = np.asarray(given_box, dtype=np.float64)
    single = outcome(lambda: box.box(**{arg: given_box}, image_wh=WH, label="Car").result)
    batch = outcome(
        lambda: box.boxes(**{arg: as_float64[None]}, image_wh=WH, label="Car")[0].result
    )
    if isinstance(batch, str):
        assert isinstance(single, str)
        batch = batch.replace(f"{arg}[0]", arg)
    else:
        assert not isinstance(single, str), single
        for result in (single, batch):
            del result["id"]
        assert {type(v) for v in single["value"].values()} == {float, list}
    assert single == batch


# A model's score as it reaches box(): Python numbers, numpy scalars out of an array, and
# what is refused (out of range, NaN, bools, strings, complex).
SCORE_FORMS = {
    "float": lambda v: v,
    "float64": np.float64,
    "float32": np.float32,
    "float16": np.float16,
    "longdouble": np.longdouble,
    "int": lambda v: int(v) if math.isfinite(v) else 0,
    "int64": lambda v: np.int64(v) if math.isfinite(v) else np.int64(0),
    "0-d array": np.array,
}


@settings(max_examples=200, deadline=None)
@given(
    value=st.one_of(
        st.floats(-0.5, 1.5),
        st.sampled_from([0.0, 1.0, -0.0, 1.0000001, float("nan"), float("inf"), 95.0]),
    ),
    form=st.sampled_from(sorted(SCORE_FORMS)),
)
def test_score_fast_path_matches_check_score(value: float, form: str) -> None:
    """box() takes a numpy float score in one step; in every form it keeps the float, and
    refuses with the message, that check_score() gives."""
    score = SCORE_FORMS[form](value)
    single = outcome(
        lambda: box.box(xyxy_px=[10.0, 20.0, 110.0, 70.0], image_wh=WH, label="Car", score=score)
    )
    expected = outcome(lambda: check_score(score))
    if isinstance(expected, str):
        assert single == expected
    else:
        assert single.result["score"] == expected
        assert type(single.result["score"]) is float


CORNER_FORMS: dict[str, Callable[[np.ndarray], Any]] = {
    "array": lambda corners: corners,
    "float32 array": lambda corners: corners.astype(np.float32),
    "lists": lambda corners: corners.tolist(),
    "tuples": lambda corners: tuple(map(tuple, corners.tolist())),
    "rows": list,
    "float64 scalars": lambda corners: [[np.float64(v) for v in row] for row in corners.tolist()],
}


@settings(max_examples=200, deadline=None)
@given(
    wh=image_wh(),
    data=st.data(),
    unit=st.sampled_from(["px", "norm", "pct"]),
    form=st.sampled_from(sorted(CORNER_FORMS)),
    start=st.integers(0, 3),
    reverse=st.booleans(),
    jitter=st.sampled_from([0.0, 0.3, 0.99, 1.01, 5.0]),
    shift=st.sampled_from([0.0, 0.5, 1.5, 1e4]),
)
def test_corner_fast_path_matches_the_batch_path(
    wh: tuple[int, int],
    data: st.DataObject,
    unit: str,
    form: str,
    start: int,
    reverse: bool,
    jitter: float,
    shift: float,
) -> None:
    """box(corners_*=) has a plain-Python path for one oriented box; whatever order, winding,
    form and units the corners come in, and near every rule (a corner off the rectangle or
    past the image by about the 1 px tolerance), it accepts and refuses what boxes() does,
    with the same message and the same numbers to 1e-9."""
    cx, cy, w, h, angle = data.draw(rotated_box_px(wh))
    corners = np.roll(corners_of(cx, cy, w, h, angle), -start, axis=0)
    if reverse:
        corners = corners[::-1]
    corners = corners + np.array([[jitter + shift, 0.0], [shift, 0.0], [shift, 0.0], [shift, 0.0]])
    scale = {"px": (1, 1), "norm": (1 / wh[0], 1 / wh[1]), "pct": (100 / wh[0], 100 / wh[1])}
    given_corners = CORNER_FORMS[form](corners * scale[unit])
    arg = f"corners_{unit}"
    as_float64 = np.asarray(given_corners, dtype=np.float64)
    single = outcome(lambda: box.box(**{arg: given_corners}, image_wh=wh, label="Car").result)
    batch = outcome(
        lambda: box.boxes(**{arg: as_float64[None]}, image_wh=wh, label="Car")[0].result
    )
    if isinstance(batch, str):
        assert single == batch.replace(f"{arg}[0]", arg)
        return
    assert not isinstance(single, str), single
    one, other = single["value"], batch["value"]
    assert one["rectanglelabels"] == other["rectanglelabels"]
    assert {type(v) for k, v in one.items() if k != "rectanglelabels"} == {float}
    for key in ("x", "y", "width", "height", "rotation"):
        assert one[key] == pytest.approx(other[key], rel=1e-9, abs=1e-9), key


@settings(max_examples=300, deadline=None)
@given(
    wh=image_wh(),
    data=st.data(),
    unit=st.sampled_from(["px", "norm", "pct"]),
    start=st.integers(0, 3),
    reverse=st.booleans(),
    whole=st.booleans(),
)
def test_upright_corners_give_the_general_paths_floats(
    wh: tuple[int, int],
    data: st.DataObject,
    unit: str,
    start: int,
    reverse: bool,
    whole: bool,
) -> None:
    """The corners of an upright box (a detector's xyxy as four points) take a short cut
    through the corner fast path; it must give the general path's floats bit for bit (and
    its refusals), in any order, winding and units, at the edges and past them."""
    from prelabel.builders.image import _boxmath

    def coordinate(size: int) -> float:
        value = data.draw(
            st.one_of(
                st.floats(-2.0, size + 2.0),
                st.sampled_from([0.0, -0.0, 1e-300, -1.0, float(size), size + 0.99, size + 1.0]),
            )
        )
        return float(round(value)) if whole else value

    (x1, x2), (y1, y2) = (
        sorted([coordinate(wh[0]), coordinate(wh[0])]),
        sorted([coordinate(wh[1]), coordinate(wh[1])]),
    )
    corners = [(x1, y1), (x2, y1), (x2, y2), (x1, y2)]
    corners = corners[start:] + corners[:start]
    if reverse:
        corners.reverse()
    scale = {"px": (1, 1), "norm": (1 / wh[0], 1 / wh[1]), "pct": (100 / wh[0], 100 / wh[1])}
    given_corners = [[x * scale[unit][0], y * scale[unit][1]] for x, y in corners]
    short = _boxmath._fast_corners(given_corners, unit, wh)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_boxmath, "_upright_corners", lambda *args: None)
        general = _boxmath._fast_corners(given_corners, unit, wh)
    assert repr(short) == repr(general)


@SETTINGS
@given(wh=image_wh(), data=st.data())
def test_rotated_round_trip(wh: tuple[int, int], data: st.DataObject) -> None:
    cx, cy, w, h, angle = data.draw(rotated_box_px(wh))
    truth = corners_of(cx, cy, w, h, angle)
    tol = 1e-7 * max(wh)
    from_centre = box.box(cxcywh_px=(cx, cy, w, h), angle_deg=angle, image_wh=wh, label="Car")
    from_corners = box.box(corners_px=truth, image_wh=wh, label="Car")
    for region in (from_centre, from_corners):
        v = region.result["value"]
        drawn = rotated_corners(
            [[v["x"], v["y"], v["width"], v["height"], v["rotation"]]], units="px", image_wh=wh
        )[0]
        dist = np.hypot(*(drawn[:, None, :] - truth[None, :, :]).transpose(2, 0, 1))
        assert dist.min(axis=1).max() <= tol
        assert 0 <= v["rotation"] < 360


@SETTINGS
@given(wh=image_wh(), data=st.data())
def test_polygon_round_trip(wh: tuple[int, int], data: st.DataObject) -> None:
    points = data.draw(polygon_px(wh))
    for unit, scale in (("px", (1, 1)), ("norm", (1 / wh[0], 1 / wh[1]))):
        region = poly.polygon(**{f"points_{unit}": points * scale}, image_wh=wh, label="Roof")
        back = np.array(region.result["value"]["points"]) / 100 * np.array(wh)
        np.testing.assert_allclose(back, points, rtol=1e-9, atol=1e-9 * max(wh))


def decode_png_mask(url: str) -> np.ndarray:
    """The alpha plane of our own PNG (8-bit RGBA, filter 0), as a boolean mask."""
    raw = base64.b64decode(url.removeprefix("data:image/png;base64,"))
    assert raw[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks = 8, {}
    while pos < len(raw):
        (size,) = struct.unpack(">I", raw[pos : pos + 4])
        kind, body = raw[pos + 4 : pos + 8], raw[pos + 8 : pos + 8 + size]
        (crc,) = struct.unpack(">I", raw[pos + 8 + size : pos + 12 + size])
        assert crc == zlib.crc32(kind + body)
        chunks[kind] = body
        pos += 12 + size
    width, height, depth, color, *_ = struct.unpack(">IIBBBBB", chunks[b"IHDR"])
    assert (depth, color) == (8, 6)
    rows = np.frombuffer(zlib.decompress(chunks[b"IDAT"]), np.uint8).reshape(height, -1)
    assert (rows[:, 0] == 0).all()
    rgba = rows[:, 1:].reshape(height, width, 4)
    assert (rgba[..., :3] == 0).all()
    return rgba[..., 3] == 255


@SETTINGS
@given(mask=masks())
def test_bitmask_png_round_trip(mask: np.ndarray) -> None:
    height, width = mask.shape
    region = bm.bitmask(mask, image_wh=(width, height))
    assert (decode_png_mask(region.result["value"]["imageDataURL"]) == mask).all()


# --- per-shape facts -----------------------------------------------------------------------


def test_keypoint_width_default_and_units() -> None:
    assert point.point(xy_px=(10, 10), image_wh=WH).result["value"]["width"] == KEYPOINT_WIDTH_PCT
    assert point.point(xy_px=(10, 10), image_wh=WH, width_px=6).result["value"]["width"] == 1.0
    assert point.point(xy_px=(10, 10), image_wh=WH, width_pct=2).result["value"]["width"] == 2.0
    widths = [
        r.result["value"]["width"]
        for r in point.points(xy_px=[[1, 2], [3, 4]], image_wh=WH, width_px=[6, 12])
    ]
    assert widths == [1.0, 2.0]


def test_keypoint_value_has_width_and_no_height() -> None:
    value = kp.point(xy_px=(300, 100), image_wh=WH, label="Nose").result["value"]
    assert list(value) == ["x", "y", "width", "keypointlabels"]


def test_polygon_drops_repeated_first_point() -> None:
    value = polygon.polygon(points_pct=[[1, 1], [9, 1], [9, 9], [1, 1]], image_wh=WH).result
    assert value["value"] == {"points": [[1.0, 1.0], [9.0, 1.0], [9.0, 9.0]], "closed": True}


def test_ellipse_rotation_in_label_studio_range() -> None:
    value = ell.ellipse(center_px=(300, 200), radii_px=(60, 20), angle_deg=-30, image_wh=WH)
    assert value.result["value"]["rotation"] == 330.0


def test_vector_closed_follows_closable() -> None:
    path = [[10, 10], [100, 50], [200, 60]]
    assert vec.vector(points_px=path, image_wh=WH).result["value"]["closed"] is True
    assert (
        lanes.vector(points_px=path, image_wh=WH, label="Lane").result["value"]["closed"] is False
    )


def test_vector_vertex_ids_follow_the_region_id() -> None:
    value = lanes.vector(points_pct=[[1, 1], [2, 2]], image_wh=WH, label="Lane", id="v")
    assert [v["id"] for v in value.result["value"]["vertices"]] == ["v_0", "v_1"]
    assert [v.get("prevPointId") for v in value.result["value"]["vertices"]] == [None, "v_0"]


def test_clip_clips_axis_aligned_boxes() -> None:
    region = box.box(xyxy_px=(-10, 20, 650, 70), image_wh=WH, label="Car", clip=True)
    value = region.result["value"]
    assert (value["x"], value["width"]) == (0.0, 100.0)
    points = polygon.polygon(points_px=[[-5, 10], [700, 10], [300, 500]], image_wh=WH, clip=True)
    expected = [[0.0, 10 / 403 * 100], [100.0, 10 / 403 * 100], [50.0, 100.0]]
    np.testing.assert_allclose(points.result["value"]["points"], expected, rtol=1e-12)


def test_float_overshoot_at_the_edge_is_snapped() -> None:
    # 600 * (1 + 1e-12): round-off, not a mistake; snapped to the edge, never above 100.
    value = box.box(xyxy_px=(0, 0, 600 * (1 + 1e-12), 403), image_wh=WH, label="Car").result
    assert value["value"]["x"] + value["value"]["width"] <= 100.0


def test_rotated_box_is_stored_closest_to_upright() -> None:
    # A 40x10 px box turned 90 degrees is a 10x40 box, upright.
    region = box.box(cxcywh_px=(100, 100, 40, 10), angle_deg=90, image_wh=WH, label="Car")
    value = region.result["value"]
    assert value["rotation"] == 0.0
    assert pixels_of(value, WH) == pytest.approx((95, 80, 10, 40))


@pytest.mark.parametrize(
    ("angle", "rotation"),
    [(44, 44), (46, 46), (-44, 316), (-46, 314), (134, 314), (136, 316)],
    ids=["44", "46", "-44", "-46", "134", "136"],
)
def test_long_box_near_45_degrees_keeps_within_label_studio_bounds(
    angle: float, rotation: float
) -> None:
    # 600 px long on a 1000x500 image: called "height" it would be 120% of the image height,
    # so the description that calls it "width" is used even past 45 degrees.
    region = rect.box(cxcywh_px=(500, 250, 600, 10), angle_deg=angle, image_wh=(1000, 500))
    value = region.result["value"]
    assert (value["width"], value["height"]) == pytest.approx((60.0, 2.0))
    assert value["rotation"] == pytest.approx(rotation)


def test_worked_example_from_the_docs() -> None:
    region = rect.box(cxcywh_px=(300, 200, 200, 100), angle_deg=30, image_wh=(600, 400))
    value = {k: round(v, 3) for k, v in region.result["value"].items()}
    assert value == {"x": 39.733, "y": 26.675, "width": 33.333, "height": 25.0, "rotation": 30.0}


def test_aliases_and_multiple_labels() -> None:
    assert box.box(xyxy_px=(1, 2, 30, 40), image_wh=WH, label="Bus").result["value"][
        "rectanglelabels"
    ] == ["bus"]
    both = multi.box(xyxy_px=(1, 2, 30, 40), image_wh=WH, label=["Airplane", "Car"])
    assert both.result["value"]["rectanglelabels"] == ["Airplane", "Car"]


def test_class_names_as_dict_and_predicted_values() -> None:
    regions = kp.points(
        xy_px=[[10, 10], [20, 20], [30, 30]],
        image_wh=WH,
        class_ids=[7, 3, 7],
        class_names={3: "Eye", 7: "nose_tip"},
    )
    assert [r.result["value"]["keypointlabels"] for r in regions] == [["Nose"], ["Eye"], ["Nose"]]


def test_class_names_match_labels_in_any_case() -> None:
    # The same matching as LabelMap: another case, an alias, predicted_values.
    regions = box.boxes(
        xyxy_px=[[1, 2, 30, 40], [5, 5, 50, 50], [6, 6, 60, 60]],
        image_wh=WH,
        class_ids=[0, 1, 2],
        class_names=["car", "AIRPLANE", "BUS"],
    )
    assert [r.result["value"]["rectanglelabels"] for r in regions] == [
        ["Car"],
        ["Airplane"],
        ["bus"],
    ]
    again = box.boxes(
        xyxy_px=[[1, 2, 30, 40]], image_wh=WH, class_ids=[1], class_names=["car", "AIRPLANE", "BUS"]
    )
    assert again[0].result["value"]["rectanglelabels"] == ["Airplane"]  # from the memo


def test_empty_batches() -> None:
    assert box.boxes(xyxy_px=np.zeros((0, 4)), image_wh=WH, label="Car") == []
    assert box.boxes(xyxy_px=[], image_wh=WH, labels=[], scores=[]) == []
    assert polygon.polygons(points_px=[], image_wh=WH) == []
    assert kp.points(xy_px=[], image_wh=WH, class_ids=[], class_names=["Nose"]) == []


def test_item_index_on_value_list_images() -> None:
    region = rect.box(xyxy_px=(1, 2, 30, 40), image_wh=WH, to_name="pages", item_index=3)
    assert region.result["to_name"] == "pages"
    assert region.result["item_index"] == 3
    assert region.shared_keys["item_index"] == 3


# --- ids -----------------------------------------------------------------------------------


def build_twice(seed: int) -> list[list[str]]:
    out = []
    for _ in range(2):
        with reproducible_ids(seed):
            regions = [
                box.box(xyxy_px=(1, 2, 30, 40), image_wh=WH, label="Car"),
                *box.boxes(xyxy_px=[[1, 2, 30, 40]] * 3, image_wh=WH, label="Car"),
                polygon.polygon(points_pct=[[1, 1], [9, 1], [9, 9]], image_wh=WH),
            ]
        out.append([r.id for r in regions])
    return out


def test_ids_reproducible_when_asked() -> None:
    first, second = build_twice(7)
    assert first == second
    assert len(set(first)) == len(first)
    assert build_twice(8)[0] != first


def test_ids_unique_by_default() -> None:
    ids = [r.id for r in box.boxes(xyxy_px=[[1, 2, 30, 40]] * 5000, image_wh=WH, label="Car")]
    ids += [box.box(xyxy_px=(1, 2, 30, 40), image_wh=WH, label="Car").id for _ in range(100)]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[A-Za-z0-9]{10}", i) for i in ids)


def test_explicit_ids() -> None:
    assert box.box(xyxy_px=(1, 2, 30, 40), image_wh=WH, label="Car", id="a").id == "a"
    regions = box.boxes(xyxy_px=[[1, 2, 30, 40]] * 2, image_wh=WH, label="Car", ids=["a", "b"])
    assert [r.id for r in regions] == ["a", "b"]


# --- Labels on regions of unlabeled tools (split format) ----------------------------------


def test_split_format_shares_id_and_geometry() -> None:
    region = rect.box(xywh_pct=(5, 5, 10, 10), image_wh=(1920, 1280), id="b2")
    result = labels.for_region(region, "Vehicle", score=0.5)
    assert [r["type"] for r in region] == ["rectangle", "labels"]
    assert result["id"] == region.id == "b2"
    assert result["value"] == {**region.result["value"], "labels": ["Vehicle"]}
    assert result["original_width"] == 1920
    assert result["score"] == 0.5


def test_split_format_values_do_not_share_lists() -> None:
    region = polygon.polygon(points_pct=[[1, 1], [9, 1], [9, 9]], image_wh=WH)
    result = labels.for_region(region, "Building")
    result["value"]["points"][0][0] = 99.0
    assert region.result["value"]["points"][0][0] == 1.0


def test_for_regions_with_class_ids() -> None:
    regions = rect.boxes(xyxy_px=[[1, 2, 30, 40], [5, 6, 70, 80]], image_wh=WH)
    out = labels.for_regions(regions, class_ids=[1, 0], class_names=["Vehicle", "Building"])
    assert [r["value"]["labels"] for r in out] == [["Building"], ["Vehicle"]]
    assert [len(r) for r in regions] == [2, 2]


# --- errors --------------------------------------------------------------------------------


def _twice(region: Region) -> None:
    labels.for_region(region, "Vehicle")
    labels.for_region(region, "Vehicle")


ONE = [[10, 20, 110, 70]]
ERRORS: dict[str, tuple[Callable[[], object], type[Exception], str]] = {
    "unknown-label": (
        lambda: box.box(xyxy_px=(10, 20, 110, 70), image_wh=WH, label="airplane"),
        LabelError,
        "'airplane' is not a label of <RectangleLabels name='label'>; did you mean 'Airplane'? "
        "(labels: 'Airplane', 'Car', 'bus')",
    ),
    "missing-label": (
        lambda: box.box(xyxy_px=(10, 20, 110, 70), image_wh=WH),
        LabelError,
        "<RectangleLabels name='label'> needs a label: pass label=... "
        "(labels: 'Airplane', 'Car', 'bus')",
    ),
    "label-on-unlabeled-tool": (
        lambda: rect.box(xyxy_px=(10, 20, 110, 70), image_wh=WH, label="Car"),
        BuildError,
        "<Rectangle name='rect'> draws regions without labels and takes no label; label its "
        "regions with a <Labels> control: labels.for_region(region, 'Car')",
    ),
    "two-labels-single-choice": (
        lambda: box.box(xyxy_px=(10, 20, 110, 70), image_wh=WH, label=["Airplane", "Car"]),
        LabelError,
        "<RectangleLabels name='label'> is single-choice (choice=\"single\") but got 2 values: "
        "'Airplane', 'Car'; pass one, or set choice=\"multiple\" in the config",
    ),
    "no-box": (
        lambda: box.box(image_wh=WH, label="Car"),
        BuildError,
        "give the box as one of xyxy_px=, xyxy_norm=, xyxy_pct=, xywh_px=, xywh_norm=, "
        "xywh_pct=, cxcywh_px=, cxcywh_norm=, cxcywh_pct=, corners_px=, corners_norm=, "
        "corners_pct=",
    ),
    "two-boxes": (
        lambda: box.box(xyxy_px=(10, 20, 110, 70), xywh_px=(1, 2, 3, 4), image_wh=WH, label="Car"),
        BuildError,
        "give the box once, as one of xyxy_px=, xyxy_norm=, xyxy_pct=, xywh_px=, xywh_norm=, "
        "xywh_pct=, cxcywh_px=, cxcywh_norm=, cxcywh_pct=, corners_px=, corners_norm=, "
        "corners_pct=; got xyxy_px, xywh_px",
    ),
    "wrong-shape": (
        lambda: box.box(xyxy_px=(10, 20, 110), image_wh=WH, label="Car"),
        BuildError,
        "xyxy_px must have shape (4,), got (3,)",
    ),
    "one-row-to-box": (
        lambda: box.box(xyxy_px=ONE, image_wh=WH, label="Car"),
        BuildError,
        "xyxy_px must have shape (4,), got (1, 4); for one box pass a flat (4,) row, for many "
        "use boxes()",
    ),
    "batch-shape": (
        lambda: box.boxes(xyxy_px=np.zeros((5, 3)), image_wh=WH, label="Car"),
        BuildError,
        "xyxy_px must have shape (N, 4), got (5, 3)",
    ),
    "inverted-x": (
        lambda: box.box(xyxy_px=(110, 20, 10, 70), image_wh=WH, label="Car"),
        BuildError,
        "xyxy_px=(110, 20, 10, 70) is inverted: x2 (10) < x1 (110); xyxy is (x1, y1, x2, y2), "
        "top-left corner first",
    ),
    "inverted-y": (
        lambda: box.box(xyxy_px=(10, 70, 110, 20), image_wh=WH, label="Car"),
        BuildError,
        "xyxy_px=(10, 70, 110, 20) is inverted: y2 (20) < y1 (70); xyxy is (x1, y1, x2, y2), "
        "top-left corner first",
    ),
    "empty": (
        lambda: box.box(xyxy_px=(10, 20, 10, 70), image_wh=WH, label="Car"),
        BuildError,
        "xyxy_px=(10, 20, 10, 70) is empty: its width is 0",
    ),
    "negative-width": (
        lambda: box.box(xywh_px=(10, 20, -5, 70), image_wh=WH, label="Car"),
        BuildError,
        "xywh_px=(10, 20, -5, 70) has a negative width (-5); xywh is (x, y, width, height) "
        "with x, y the top-left corner",
    ),
    "outside-right": (
        lambda: box.box(xyxy_px=(10, 20, 650, 70), image_wh=WH, label="Car"),
        BuildError,
        "xyxy_px=(10, 20, 650, 70) reaches outside the 600x403 image: right edge at 650 px > "
        "600 px; pass clip=True to clip it to the image",
    ),
    "outside-left": (
        lambda: box.box(xywh_px=(-10, 20, 50, 70), image_wh=WH, label="Car"),
        BuildError,
        "xywh_px=(-10, 20, 50, 70) reaches outside the 600x403 image: left edge at -10 px < "
        "0 px; pass clip=True to clip it to the image",
    ),
    "batch-outside": (
        lambda: box.boxes(xyxy_px=[*ONE, [10, 20, 110, 500]], image_wh=WH, label="Car"),
        BuildError,
        "xyxy_px[1]=(10, 20, 110, 500) reaches outside the 600x403 image: bottom edge at 500 "
        "px > 403 px; every point fits a 403x600 image: image_wh is (width, height), did you "
        "pass img.shape[:2], which is (height, width)? Use image_wh=(403, 600); if not, the "
        "shape is outside the image; pass clip=True to clip it to the image",
    ),
    "pixels-as-fractions": (
        lambda: box.box(xyxy_norm=(32, 95, 207, 221), image_wh=WH, label="Car"),
        BuildError,
        "xyxy_norm=(32, 95, 207, 221) reaches outside the 600x403 image: right edge at 207 > "
        "1; values above 1 are not 0-1 fractions: for percent pass xyxy_pct=, for pixels "
        "xyxy_px=",
    ),
    "pixels-as-percent": (
        lambda: box.box(xywh_pct=(32, 95, 175, 126), image_wh=WH, label="Car"),
        BuildError,
        "xywh_pct=(32, 95, 175, 126) reaches outside the 600x403 image: right edge at 207% > "
        "100%; values above 100 are not percent: for pixels pass xywh_px=",
    ),
    "fractions-as-pixels": (
        lambda: box.box(xyxy_px=(0.1, 0.2, 0.5, 0.6), image_wh=WH, label="Car"),
        BuildError,
        "xyxy_px=(0.1, 0.2, 0.5, 0.6) lies within 1 px of the image corner: the values look "
        "like 0-1 fractions; pass xyxy_norm= instead",
    ),
    "nan": (
        lambda: box.box(xyxy_px=(10, float("nan"), 110, 70), image_wh=WH, label="Car"),
        BuildError,
        "xyxy_px must be finite, got (10, nan, 110, 70)",
    ),
    "inf-in-batch": (
        lambda: box.boxes(xyxy_px=[*ONE, [10, 20, np.inf, 70]], image_wh=WH, label="Car"),
        BuildError,
        "xyxy_px[1] must be finite, got (10, 20, inf, 70)",
    ),
    "clipped-to-nothing": (
        lambda: box.box(xyxy_px=(700, 20, 800, 70), image_wh=WH, label="Car", clip=True),
        BuildError,
        "xyxy_px=(700, 20, 800, 70) lies entirely outside the 600x403 image; nothing is left "
        "after clipping",
    ),
    "angle-without-centre": (
        lambda: box.box(xyxy_px=(10, 20, 110, 70), angle_deg=10, image_wh=WH, label="Car"),
        BuildError,
        "angle_deg turns a box about its centre; give the box as cxcywh_px= (centre x, centre "
        "y, width, height), not xyxy_px=",
    ),
    "clip-rotated": (
        lambda: box.box(
            cxcywh_px=(100, 100, 50, 20), angle_deg=10, image_wh=WH, label="Car", clip=True
        ),
        BuildError,
        "clip=True works on axis-aligned boxes only: a rotated box cannot be clipped and stay "
        "a rectangle (its corners may stick out by up to 1 px)",
    ),
    "rotated-outside": (
        lambda: box.box(cxcywh_px=(20, 100, 50, 20), angle_deg=30, image_wh=WH, label="Car"),
        BuildError,
        "cxcywh_px=(20, 100, 50, 20) reaches outside the 600x403 image: a corner is at "
        "(-6.65064, 96.1603) px; a rotated box cannot be clipped and stay a rectangle: shrink "
        "it or drop it",
    ),
    "rotated-longer-than-image": (
        lambda: box.box(cxcywh_px=(300, 201, 700, 4), angle_deg=33, image_wh=WH, label="Car"),
        BuildError,
        "cxcywh_px=(300, 201, 700, 4) does not fit Label Studio's percent bounds either way: "
        "its width and height are 116.7% and 0.9926% of the image's, or 0.6667% and 173.7% "
        "with the sides swapped; its validator rejects either above 100",
    ),
    "not-a-rectangle": (
        lambda: box.box(
            corners_px=[[10, 10], [100, 10], [120, 60], [10, 60]], image_wh=WH, label="Car"
        ),
        BuildError,
        "corners_px=((10, 10), (100, 10), (120, 60), (10, 60)) is not a rectangle: a corner "
        "is 10 px from the best-fitting rectangle (tolerance 1 px); the corners must go around "
        "the box in order, and a quadrilateral belongs to a polygon tool",
    ),
    "flat-corners": (
        lambda: box.box(
            corners_px=[[10, 10], [20, 10], [30, 10], [40, 10]], image_wh=WH, label="Car"
        ),
        BuildError,
        "corners_px=((10, 10), (20, 10), (30, 10), (40, 10)) has zero area (the corners are "
        "on one line)",
    ),
    "image-size-zero": (
        lambda: box.box(xyxy_px=(10, 20, 110, 70), image_wh=(600, 0), label="Car"),
        BuildError,
        "image_wh must be (width, height) in pixels as two positive whole numbers, got (600, 0)",
    ),
    "image-size-not-a-pair": (
        lambda: box.box(xyxy_px=(10, 20, 110, 70), image_wh=600, label="Car"),  # type: ignore[arg-type]
        BuildError,
        "image_wh must be (width, height) of the image in pixels, got 600",
    ),
    "image-size-array": (
        lambda: box.box(xyxy_px=(10, 20, 110, 70), image_wh=(np.array(600), 403), label="Car"),
        BuildError,
        "image_wh must be (width, height) in pixels as two numbers, got (array(600), 403); "
        "pass plain ints, e.g. (int(w), int(h))",
    ),
    "image-size-string": (
        lambda: box.box(xyxy_px=(10, 20, 110, 70), image_wh=("600", 403), label="Car"),  # type: ignore[arg-type]
        BuildError,
        "image_wh must be (width, height) in pixels as two numbers, got ('600', 403); "
        "pass plain ints, e.g. (int(w), int(h))",
    ),
    "image-size-infinite": (
        lambda: box.box(xyxy_px=(10, 20, 110, 70), image_wh=(float("inf"), 4), label="Car"),  # type: ignore[arg-type]
        BuildError,
        "image_wh must be (width, height) in pixels as two positive whole numbers, got (inf, 4)",
    ),
    "scores-percent-all": (
        lambda: box.boxes(xyxy_px=[[1, 2, 30, 40]] * 2, image_wh=WH, label="Car", scores=[95, 5.5]),
        BuildError,
        "scores[0] must be between 0 and 1, got 95.0 (looks like a percentage: divide by 100)",
    ),
    "scores-logits": (
        lambda: box.boxes(
            xyxy_px=[[1, 2, 30, 40]] * 2, image_wh=WH, label="Car", scores=[0.4, 5.83]
        ),
        BuildError,
        "scores[1] must be between 0 and 1, got 5.83 (scores must be probabilities in [0, 1]; "
        "for a model's raw outputs (logits) apply a sigmoid, or a softmax across classes)",
    ),
    "score-negative": (
        lambda: box.box(xyxy_px=(10, 20, 110, 70), image_wh=WH, label="Car", score=-1.2),
        BuildError,
        "score must be between 0 and 1, got -1.2 (scores must be probabilities in [0, 1]; "
        "for a model's raw outputs (logits) apply a sigmoid, or a softmax across classes)",
    ),
    "scores-column": (
        lambda: box.boxes(
            xyxy_px=[[1, 2, 30, 40]] * 2, image_wh=WH, label="Car", scores=[[0.4], [0.5]]
        ),
        BuildError,
        "scores must have shape (2,), one per box, got (2, 1); pass .ravel() to make it one "
        "value per row",
    ),
    "boxes-transposed": (
        lambda: box.boxes(xyxy_px=np.ones((4, 3)), image_wh=WH, label="Car"),
        BuildError,
        "xyxy_px must have shape (N, 4), got (4, 3); the array looks transposed (one column per "
        "row): pass .T",
    ),
    "boxes-extra-axis": (
        lambda: box.boxes(xyxy_px=np.ones((3, 1, 4)), image_wh=WH, label="Car"),
        BuildError,
        "xyxy_px must have shape (N, 4), got (3, 1, 4); pass .reshape(-1, 4)",
    ),
    "item-index-missing": (
        lambda: rect.box(xyxy_px=(10, 20, 110, 70), image_wh=WH, to_name="pages"),
        BuildError,
        "<Image name='pages'> shows a list of images (valueList); pass item_index= (0-based) "
        "to say which image the region is on",
    ),
    "item-index-on-one-image": (
        lambda: rect.box(xyxy_px=(10, 20, 110, 70), image_wh=WH, item_index=0),
        BuildError,
        "<Image name='image'> shows one image; item_index= is only for images with valueList",
    ),
    "to-name": (
        lambda: rect.box(xyxy_px=(10, 20, 110, 70), image_wh=WH, to_name="img"),
        BuildError,
        "<Rectangle name='rect'> does not point at 'img'; its toName is 'image,pages'",
    ),
    "score-percent": (
        lambda: box.box(xyxy_px=(10, 20, 110, 70), image_wh=WH, label="Car", score=91),
        BuildError,
        "score must be between 0 and 1, got 91.0 (looks like a percentage: divide by 100)",
    ),
    "scores-nan": (
        lambda: box.boxes(xyxy_px=ONE, image_wh=WH, label="Car", scores=[float("nan")]),
        BuildError,
        "scores[0] must be between 0 and 1, got nan",
    ),
    "scores-shape": (
        lambda: box.boxes(xyxy_px=ONE, image_wh=WH, label="Car", scores=[0.1, 0.2]),
        BuildError,
        "scores must have shape (1,), one per box, got (2,)",
    ),
    "labels-length": (
        lambda: box.boxes(xyxy_px=ONE, image_wh=WH, labels=["Car", "Car"]),
        LabelError,
        "labels has 2 items; expected 1, one per box",
    ),
    "labels-as-string": (
        lambda: box.boxes(xyxy_px=ONE, image_wh=WH, labels="Car"),
        LabelError,
        "labels= takes one label per region (a list); for the same label on every region pass "
        "label='Car'",
    ),
    "labels-unknown": (
        lambda: box.boxes(xyxy_px=ONE, image_wh=WH, labels=["Buss"]),
        LabelError,
        "labels[0]: 'Buss' is not a label of <RectangleLabels name='label'>; did you mean "
        "'Bus' or 'bus'? (labels: 'Airplane', 'Car', 'bus')",
    ),
    "labels-given-twice": (
        lambda: box.boxes(xyxy_px=ONE, image_wh=WH, labels=["Car"], label="Car"),
        LabelError,
        "<RectangleLabels name='label'> needs labels: pass one of label= (the same for every "
        "region), labels= (one per region) or class_ids= with class_names=; got label, labels",
    ),
    "class-names-missing": (
        lambda: box.boxes(xyxy_px=ONE, image_wh=WH, class_ids=[0]),
        LabelError,
        "class_ids needs class_names= (the model's class names: a list, or a dict "
        "{class_id: name})",
    ),
    "class-id-out-of-range": (
        lambda: box.boxes(xyxy_px=ONE, image_wh=WH, class_ids=[3], class_names=["Car"]),
        LabelError,
        "class_ids[0] = 3 has no name in class_names (it has 1: class ids 0..0)",
    ),
    "class-name-not-a-label": (
        lambda: box.boxes(xyxy_px=ONE, image_wh=WH, class_ids=[0], class_names=["dog"]),
        LabelError,
        "class_ids[0] = 0: 'dog' is not a label of <RectangleLabels name='label'> (labels: "
        "'Airplane', 'Car', 'bus'); keep only detections of classes the config labels, or list "
        'the class in a label\'s predicted_values="..."',
    ),
    "class-name-did-you-mean": (
        lambda: box.boxes(xyxy_px=ONE, image_wh=WH, class_ids=[0], class_names=["Carr"]),
        LabelError,
        "class_ids[0] = 0: 'Carr' is not a label of <RectangleLabels name='label'>; did you "
        "mean 'Car'? (labels: 'Airplane', 'Car', 'bus'); keep only detections of classes the "
        'config labels, or list the class in a label\'s predicted_values="..."',
    ),
    "class-id-without-name-in-dict": (
        lambda: box.boxes(xyxy_px=ONE, image_wh=WH, class_ids=[4], class_names={1: "Car"}),
        LabelError,
        "class_ids[0] = 4 has no name in class_names (it names class ids 1)",
    ),
    "class-id-fraction": (
        lambda: box.boxes(xyxy_px=ONE, image_wh=WH, class_ids=[0.5], class_names=["Car"]),
        BuildError,
        "class_ids[0] = 0.5 is not a whole number",
    ),
    "duplicate-ids": (
        lambda: box.boxes(xyxy_px=ONE * 2, image_wh=WH, label="Car", ids=["a", "a"]),
        BuildError,
        "ids repeats 'a'; every region needs its own id (Label Studio merges regions that "
        "share one)",
    ),
    "id-with-hash": (
        lambda: box.box(xyxy_px=(10, 20, 110, 70), image_wh=WH, label="Car", id="a#b"),
        BuildError,
        "region id 'a#b' contains '#', which Label Studio strips; use [A-Za-z0-9_-]",
    ),
    "polygon-two-points": (
        lambda: poly.polygon(points_px=[[10, 10], [20, 20]], image_wh=WH, label="Roof"),
        BuildError,
        "points_px has 2 point(s); a polygon needs at least 3",
    ),
    "polygon-opencv-contour": (
        lambda: poly.polygon(points_px=np.zeros((5, 1, 2)), image_wh=WH, label="Roof"),
        BuildError,
        "points_px must have shape (K, 2), got (5, 1, 2); an OpenCV contour is (K, 1, 2): "
        "pass contour.reshape(-1, 2)",
    ),
    "polygon-outside": (
        lambda: poly.polygon(points_px=[[10, 10], [700, 10], [50, 50]], image_wh=WH, label="Roof"),
        BuildError,
        "points_px[1]=(700, 10) lies outside the 600x403 image; pass clip=True to move points "
        "onto the image edge",
    ),
    "polygons-outside": (
        lambda: poly.polygons(
            points_px=[[[10, 10], [70, 10], [50, 50]], [[10, 10], [70, 10], [50, -50]]],
            image_wh=WH,
            label="Roof",
        ),
        BuildError,
        "points_px[1][2]=(50, -50) lies outside the 600x403 image; pass clip=True to move "
        "points onto the image edge",
    ),
    "polygon-flat": (
        lambda: poly.polygon(points_px=[[10, 10], [20, 20], [30, 30]], image_wh=WH, label="Roof"),
        BuildError,
        "points_px has zero area (its points are on one line)",
    ),
    "polygon-fractions-as-pixels": (
        lambda: poly.polygon(
            points_px=[[0.1, 0.1], [0.2, 0.1], [0.2, 0.3]], image_wh=WH, label="Roof"
        ),
        BuildError,
        "points_px lies within 1 px of the image corner: the values look like 0-1 fractions; "
        "pass points_norm= instead",
    ),
    "polygon-nan": (
        lambda: poly.polygon(
            points_px=[[10, 10], [20, np.nan], [30, 30]], image_wh=WH, label="Roof"
        ),
        BuildError,
        "points_px[1] must be finite, got (20, nan)",
    ),
    "ellipse-radius": (
        lambda: ell.ellipse(center_px=(300, 200), radii_px=(400, 20), image_wh=WH),
        BuildError,
        "radii_px=(400, 20) is 66.67% of the image; Label Studio's validator accepts radii up "
        "to 50%",
    ),
    "ellipse-centre-outside": (
        lambda: ell.ellipse(center_px=(900, 200), radii_px=(40, 20), image_wh=WH),
        BuildError,
        "center_px=(900, 200) lies outside the 600x403 image",
    ),
    "ellipse-negative-radius": (
        lambda: ell.ellipse(center_px=(300, 200), radii_px=(-4, 20), image_wh=WH),
        BuildError,
        "radii_px=(-4, 20) must be positive",
    ),
    "keypoint-outside": (
        lambda: kp.point(xy_px=(300, 500), image_wh=WH, label="Nose"),
        BuildError,
        "xy_px=(300, 500) lies outside the 600x403 image; every point fits a 403x600 image: "
        "image_wh is (width, height), did you pass img.shape[:2], which is (height, width)? "
        "Use image_wh=(403, 600); if not, the shape is outside the image; pass clip=True to "
        "move points onto the image edge",
    ),
    "keypoint-fraction-as-pixels": (
        lambda: kp.point(xy_px=(0.3, 0.5), image_wh=WH, label="Nose"),
        BuildError,
        "xy_px=(0.3, 0.5) lies within 1 px of the image corner: the values look like 0-1 "
        "fractions; pass xy_norm= instead",
    ),
    "keypoints-fractions-as-pixels": (
        lambda: kp.points(xy_px=[(0.3, 0.5), (0.2, 0.1)], image_wh=WH, label="Nose"),
        BuildError,
        "all 2 xy_px lie within 1 px of the image corner: the values look like 0-1 fractions; "
        "pass xy_norm= instead",
    ),
    "keypoint-width": (
        lambda: kp.point(xy_px=(300, 200), image_wh=WH, label="Nose", width_px=0),
        BuildError,
        "width_px must be a positive number, got 0",
    ),
    "vector-too-few": (
        lambda: vec.vector(points_px=[[10, 10], [20, 20]], image_wh=WH),
        BuildError,
        "points_px has 2 point(s); a path of <Vector name='vec'> needs at least 3",
    ),
    "vector-too-many": (
        lambda: vec.vector(
            points_px=[[10, 10], [20, 20], [30, 10], [40, 20], [50, 10]], image_wh=WH
        ),
        BuildError,
        "points_px has 5 points; the control allows at most 4 (maxPoints)",
    ),
    "mask-transposed": (
        lambda: bm.bitmask(np.ones((600, 403), bool), image_wh=WH),
        BuildError,
        "mask must have shape (height, width) = (403, 600) for the 600x403 image, got "
        "(600, 403); it looks transposed (width, height): pass mask.T",
    ),
    "mask-float": (
        lambda: bm.bitmask(np.ones((403, 600)) * 0.7, image_wh=WH),
        BuildError,
        "mask has dtype float64; pass a boolean mask, e.g. probabilities > 0.5",
    ),
    "mask-class-ids": (
        lambda: bm.bitmask(np.full((403, 600), 3, np.uint8), image_wh=WH),
        BuildError,
        "mask holds 3: a mask is boolean, or 0/1, or 0/255; for a class-id mask pass "
        "(mask == k) per class",
    ),
    "mask-empty": (
        lambda: bm.bitmask(np.zeros((403, 600), bool), image_wh=WH),
        BuildError,
        "mask is empty (no pixel set); skip it instead of sending a region",
    ),
    "wrong-tool": (
        lambda: poly.box(xyxy_px=(1, 2, 3, 4), image_wh=WH),  # type: ignore[attr-defined]
        AttributeError,
        "<PolygonLabels name='poly'> cannot make boxes: box() belongs to <RectangleLabels> and "
        "<Rectangle>; this control makes polygons with polygon() / polygons()",
    ),
    "labels-cannot-draw": (
        lambda: labels.box(xyxy_px=(1, 2, 3, 4), image_wh=WH),  # type: ignore[attr-defined]
        AttributeError,
        "<Labels name='labels'> cannot make boxes: box() belongs to <RectangleLabels> and "
        "<Rectangle>; <Labels> labels the regions of an unlabeled tool on the same image: "
        "labels.for_region(region, ...)",
    ),
    "labels-on-labeled-region": (
        lambda: labels.for_region(
            box.box(xyxy_px=(10, 20, 110, 70), image_wh=WH, label="Car"), "Vehicle"
        ),
        BuildError,
        "region ('rectanglelabels' from 'label') already carries its own labels; <Labels> "
        "labels regions of unlabeled tools (Rectangle, Polygon, Ellipse, KeyPoint, Vector, "
        "Bitmask, Brush)",
    ),
    "labels-twice": (
        lambda: _twice(rect.box(xyxy_px=(10, 20, 110, 70), image_wh=WH, id="r9")),
        BuildError,
        "region 'r9' is already labeled by <Labels name='labels'>; pass several labels in one "
        'call (choice="multiple") instead',
    ),
    "labels-other-image": (
        lambda: labels.for_region(
            rect.box(xyxy_px=(10, 20, 110, 70), image_wh=WH, to_name="pages", item_index=1),
            "Vehicle",
        ),
        BuildError,
        "<Labels name='labels'> does not point at 'pages'; its toName is 'image'",
    ),
    "labels-not-a-region": (
        lambda: labels.for_region({"id": "x"}, "Vehicle"),  # type: ignore[arg-type]
        BuildError,
        "region must be a Region from an image tool's builder, got dict",
    ),
}


@pytest.mark.parametrize(("call", "kind", "message"), ERRORS.values(), ids=ERRORS.keys())
def test_misuse_raises_with_a_clear_message(
    call: Callable[[], object], kind: type[Exception], message: str
) -> None:
    with pytest.raises(kind, match=f"^{re.escape(message)}$"):
        call()


def test_missing_builder_keeps_hasattr_working() -> None:
    assert not hasattr(poly, "box")
    assert hasattr(box, "box")
    assert not hasattr(cfg.control("choice"), "box")
    with pytest.raises(AttributeError, match="object has no attribute 'nothing'"):
        box.nothing  # type: ignore[attr-defined]  # noqa: B018


# --- examples ------------------------------------------------------------------------------

EXAMPLES = ("image_airplanes", "image_unlabeled_regions")


def run_example(name: str, out_dir: Path) -> list[dict[str, str]]:
    import sys

    sys.path.insert(0, str(ROOT / "examples"))
    spec = importlib.util.spec_from_file_location(
        f"example_{name}", ROOT / "examples" / f"{name}.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.main(out_dir)  # type: ignore[no-any-return]


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_output_passes_the_sdk(name: str, tmp_path: Path, sdk_validate: Any) -> None:
    entries = run_example(name, tmp_path)
    assert [e["name"] for e in entries] == [name]
    config = (tmp_path / name / "config.xml").read_text(encoding="utf-8")
    tasks = json.loads((tmp_path / name / "tasks.json").read_text(encoding="utf-8"))
    assert tasks
    for task in tasks:
        for prediction in task["predictions"]:
            assert prediction["result"]
            assert sdk_validate(config, prediction) == []


def test_airplane_example_reproduces_the_guide(tmp_path: Path) -> None:
    run_example("image_airplanes", tmp_path)
    task = json.loads((tmp_path / "image_airplanes" / "tasks.json").read_text())[0]
    first = task["predictions"][0]["result"][0]
    assert first["original_width"] == 600
    assert first["original_height"] == 403
    assert {k: round(v, 2) for k, v in first["value"].items() if k != "rectanglelabels"} == {
        "x": 5.33,
        "y": 23.57,
        "width": 29.16,
        "height": 31.26,
        "rotation": 0.0,
    }
    assert first["value"]["rectanglelabels"] == ["Airplane"]
    assert task["predictions"][0]["result"][-1]["value"] == {"choices": ["Airbus"]}


def test_unlabeled_example_has_both_forms(tmp_path: Path) -> None:
    run_example("image_unlabeled_regions", tmp_path)
    tasks = json.loads((tmp_path / "image_unlabeled_regions" / "tasks.json").read_text())
    first, second = ([r["type"] for r in t["predictions"][0]["result"]] for t in tasks)
    assert first == ["rectangle", "polygon", "ellipse", "keypoint", "keypoint"]
    assert second.count("labels") == 5
    assert {"rectangle", "polygon", "ellipse", "keypoint"} <= set(second)


# --- wrong types: a BuildError or LabelError, never a raw exception or a silent drop --------

FUZZ_MASK = np.zeros((48, 64), bool)
FUZZ_MASK[5:10, 5:10] = True
FUZZ_WH = (64, 48)
# One good call of each image builder; each argument in turn gets each wrong value below.
GOOD_CALLS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "box": ("label", "box", {"xyxy_px": [1.0, 2.0, 30.0, 40.0], "score": 0.5}),
    "box corners": ("label", "box", {"corners_px": [[1, 1], [9, 1], [9, 9], [1, 9]]}),
    "box angle": ("label", "box", {"cxcywh_px": [10, 10, 5, 5], "angle_deg": 10.0}),
    "boxes": ("label", "boxes", {"xyxy_px": [[1.0, 2.0, 30.0, 40.0]], "scores": [0.5]}),
    "polygon": ("poly", "polygon", {"points_px": [[1, 1], [9, 1], [9, 9]], "score": 0.5}),
    "polygons": ("poly", "polygons", {"points_px": [[[1, 1], [9, 1], [9, 9]]], "scores": [0.5]}),
    "ellipse": ("cells", "ellipse", {"center_px": [10, 10], "radii_px": [3, 4], "score": 0.5}),
    "ellipses": ("cells", "ellipses", {"center_px": [[10, 10]], "radii_px": [[3, 4]]}),
    "point": ("kp", "point", {"xy_px": [10, 10], "score": 0.5}),
    "points": ("kp", "points", {"xy_px": [[10, 10]]}),
    "vector": ("lanes", "vector", {"points_px": [[1, 1], [9, 9]]}),
    "bitmask": ("masks", "bitmask", {"mask": FUZZ_MASK}),
}
WRONG_VALUES: dict[str, Any] = {
    "inf": float("inf"),
    "0-d array": np.array(640),
    "string": "640",
    "bytes": b"x",
    "complex": 1j,
    "numpy complex": np.complex128(1 + 2j),
    "None": None,
    "bool": True,
    "object": object(),
    "dict": {"a": 1},
    "masked": np.ma.masked_array([1.0, 2.0, 3.0, 4.0], mask=[0, 1, 0, 0]),
    "huge int": 2**70,
    "complex array": np.array([1 + 1j, 2, 3, 4]),
    "complex list": [1j, 2, 3, 4],
    "image size inf": (float("inf"), 4),
    "image size array": (np.array(64), 48),
}


@pytest.mark.parametrize("call", sorted(GOOD_CALLS))
def test_wrong_types_raise_build_or_label_errors(call: str) -> None:
    """Every argument of every image builder, given a wrong type, gets a BuildError or a
    LabelError (never a raw TypeError/ValueError/OverflowError); masked entries and imaginary
    parts are refused, never dropped."""
    name, method, kwargs = GOOD_CALLS[call]
    labels = {"label": "Car", "poly": "Roof", "cells": "Cell", "kp": "Nose", "lanes": "Lane"}
    kwargs = {**kwargs, "image_wh": FUZZ_WH, "label": labels.get(name, "Person")}
    builder = getattr(cfg.control(name), method)
    builder(**kwargs)
    silent = ("masked", "numpy complex", "complex array", "complex list")
    for key in kwargs:
        for what, wrong in WRONG_VALUES.items():
            try:
                builder(**{**kwargs, key: wrong})
            except (BuildError, LabelError):
                continue
            assert what not in silent, f"{call}: {key}={what} accepted"


def test_masked_and_complex_messages() -> None:
    masked = np.ma.masked_array([10.0, 20.0, 110.0, 70.0], mask=[0, 0, 1, 0])
    with pytest.raises(BuildError, match=r"^xyxy_px is a masked array with masked entries"):
        box.box(xyxy_px=masked, image_wh=WH, label="Car")
    with pytest.raises(BuildError, match=r"^xyxy_px must be real numbers, got complex ones"):
        box.box(xyxy_px=np.array([10, 20, 110, 70 + 1j]), image_wh=WH, label="Car")
    with pytest.raises(BuildError, match=r"^score must be a real number, got"):
        box.box(xyxy_px=[10, 20, 110, 70], image_wh=WH, label="Car", score=np.complex128(0.5))
    # a masked array with nothing masked is an ordinary array
    unmasked = np.ma.masked_array([10.0, 20.0, 110.0, 70.0], mask=False)
    assert box.box(xyxy_px=unmasked, image_wh=WH, label="Car").result["value"]["x"] > 0


@settings(max_examples=300, deadline=None)
@given(
    xy=st.tuples(edgy, edgy),
    unit=st.sampled_from(["px", "norm", "pct"]),
    form=st.sampled_from(
        ["list", "tuple", "float64 row", "float32 row", "int row", "object row", "scalars"]
    ),
    clip=st.booleans(),
)
def test_point_fast_path_matches_the_batch_path(
    xy: tuple[float, float], unit: str, form: str, clip: bool
) -> None:
    """point() reads one ordinary point in plain Python; in every form it accepts and refuses
    what points() does, with the same numbers and the same message."""
    given_xy = {
        "list": list,
        "tuple": tuple,
        "float64 row": lambda v: np.array(v),
        "float32 row": lambda v: np.array(v, dtype=np.float32),
        "int row": lambda v: np.array(np.nan_to_num(v)).clip(-1e9, 1e9).astype(np.int64),
        "object row": lambda v: np.array(v, dtype=object),
        "scalars": lambda v: [np.float64(x) for x in v],
    }[form](xy)
    arg = f"xy_{unit}"
    as_float64 = np.asarray(given_xy, dtype=np.float64)
    single = outcome(lambda: kp.point(**{arg: given_xy}, image_wh=WH, label="Nose", clip=clip))
    batch = outcome(
        lambda: kp.points(**{arg: as_float64[None]}, image_wh=WH, label="Nose", clip=clip)[0]
    )
    if isinstance(batch, str):
        # the same refusal (a batch words the 0-1 fractions case for all its points)
        assert isinstance(single, str)
        assert single.split(":")[0] == batch.split(":")[0], (single, batch)
        return
    assert not isinstance(single, str), single
    one, other = single.result["value"], batch.result["value"]
    assert one == other
    assert {type(v) for k, v in one.items() if k != "keypointlabels"} == {float}


@settings(max_examples=200, deadline=None)
@given(
    wh=image_wh(),
    data=st.data(),
    unit=st.sampled_from(["px", "norm", "pct"]),
    form=st.sampled_from(["array", "float32 array", "lists", "tuples", "rows", "scalars"]),
    twist=st.sampled_from(["none", "closed", "edge", "outside", "nan", "tiny", "line"]),
)
def test_polygon_fast_path_matches_the_batch_path(
    wh: tuple[int, int], data: st.DataObject, unit: str, form: str, twist: str
) -> None:
    """polygon() reads one ordinary polygon in plain Python; in every form, and near every
    rule, it accepts and refuses what polygons() does, with the same numbers."""
    points = data.draw(polygon_px(wh))
    if twist == "closed":
        points = np.concatenate([points, points[:1]])
    elif twist == "edge":
        points[0] = [0.0, points[0, 1]]
    elif twist == "outside":
        points[0] = [wh[0] + 5.0, points[0, 1]]
    elif twist == "nan":
        points[1, 1] = np.nan
    elif twist == "tiny":
        points = points / max(wh) * 0.9
    elif twist == "line":
        points[:, 1] = points[0, 1]
    scale = {"px": (1, 1), "norm": (1 / wh[0], 1 / wh[1]), "pct": (100 / wh[0], 100 / wh[1])}
    scaled = points * scale[unit]
    given_points = {
        "array": lambda v: v,
        "float32 array": lambda v: v.astype(np.float32),
        "lists": lambda v: v.tolist(),
        "tuples": lambda v: tuple(map(tuple, v.tolist())),
        "rows": list,
        "scalars": lambda v: [[np.float64(x) for x in row] for row in v.tolist()],
    }[form](scaled)
    arg = f"points_{unit}"
    as_float64 = np.asarray(given_points, dtype=np.float64)
    single = outcome(lambda: poly.polygon(**{arg: given_points}, image_wh=wh, label="Roof"))
    batch = outcome(lambda: poly.polygons(**{arg: [as_float64]}, image_wh=wh, label="Roof")[0])
    if isinstance(batch, str):
        assert single == batch.replace(f"{arg}[0]", arg)
        return
    assert not isinstance(single, str), single
    assert single.result["value"] == batch.result["value"]
