"""Build, validate and write 10,000 detector predictions with prelabel and with Label Studio's SDK.

Run: ``.venv/bin/python benchmarks/bench_predictions.py`` (``--quick`` for 1,000 predictions and
fewer rounds, ``--check`` to exit 1 when a target is missed).

The data is made here, deterministically: 10,000 images (three sizes, 640x480 to 1920x1080),
each with 20 detector boxes in pixels (``x1, y1, x2, y2``), a class id of three and a
confidence, plus one scene choice per image: 210,000 results. Both sides start from the same
numbers and end with the same kind of thing, a list of task dicts ready for ``json.dumps``:
``{"data": {"image": ...}, "predictions": [{"model_version", "score", "result": [...]}]}``.

What each case times (CPU seconds of this process, median of interleaved rounds, see
``_timing.py``):

* **build, typed** -- SDK: per box ``control.label(label=[name], x=, y=, width=, height=,
  rotation=0)`` with the percent computed from the pixels in plain Python, the choice with
  ``choices.label(label=[...])``, then ``PredictionValue(model_version=, score=,
  result=[...]).model_dump()``. prelabel: per box ``RectangleLabels.box(xyxy_px=, image_wh=,
  label=, score=)``, ``Choices.choose(..., score=)``, then ``Prediction(results,
  model_version=, score=).to_dict()``. On both sides the task dict around the prediction is a
  literal, ``{"data": ..., "predictions": [...]}``. prelabel also writes each box's score,
  ``original_width``, ``original_height`` and ``image_rotation``; the SDK's builder has no
  place for them.
* **build, typed, keypoints / polygons** -- the same detections as keypoints (each box's
  centre) and polygons (a hexagon inside each box), on a config with ``<KeyPointLabels>`` and
  ``<PolygonLabels>``: the SDK's ``control.label(label=, x=, y=)`` / ``label(label=,
  points=)`` with the percent computed in plain Python, against ``point(xy_px=)`` /
  ``polygon(points_px=)``, one row per input form (Python floats, numpy rows and scores).
* **build, numpy batch** -- the same SDK loop (it has no batch builder) against prelabel's
  dataset batch: one :class:`prelabel.batch.PredictionBatch` over all 10,000 images, with
  ``.boxes("label", xyxy_px=(200000, 4) array, counts=, image_wh=, class_ids=, class_names=,
  scores=)`` and ``.choices("scene", ...)``. It checks and converts everything as arrays and
  keeps the results as columns; the task dicts are made when the batch is read, written or
  validated, so two more rows say what that costs:
* **build + task dicts, numpy batch** (no target) -- the batch built and then read as task
  dicts (``list(batch)``): the same output as the other builds;
* **build, numpy per image** (no target) -- ``RectangleLabels.boxes(xyxy_px=(20, 4) array,
  class_ids=, class_names=, scores=)`` once per image, giving dicts at once.
* **build, floor** (no target) -- the same task dicts written as dict literals from numbers
  computed beforehand, with no checks at all: what creating the output alone costs. The SDK's
  time over this one is the most any builder returning these dicts could reach here.
* **validate** -- ``LabelInterface.validate_prediction(prediction)`` for each of the 10,000
  predictions that prelabel built, against ``Validator(config).check_task(task, i)`` (which also
  checks task data and runs many more checks, see docs/validation.md). Both must find nothing.
  The tasks go through a JSON round trip first, as when they are read from a file (and as they
  reach Label Studio's server).
* **write json / jsonl** -- ``json.dumps(tasks)`` (and one ``json.dumps`` per line for JSON
  Lines) written to a new file, against ``prelabel.io.write_json`` / ``write_jsonl``.
* **build + write jsonl** (no target) -- the whole job from arrays to a file: the SDK's build
  and ``json.dumps`` per line, against ``PredictionBatch`` and ``write_jsonl``.

Another script can call :func:`run`, which returns one row per case, and :func:`problems`.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _timing import Row, Timed, interleaved, machine, ratio_row

from prelabel import LabelConfig, Prediction
from prelabel.batch import PredictionBatch
from prelabel.io import write_json, write_jsonl
from prelabel.tags.controls import Choices, RectangleLabels
from prelabel.validate import Validator

try:
    from label_studio_sdk.label_interface import LabelInterface
    from label_studio_sdk.label_interface.objects import PredictionValue
except ImportError:  # pragma: no cover - the bench extra installs it
    LabelInterface = None

CONFIG = """<View>
  <Image name="image" value="$image"/>
  <RectangleLabels name="label" toName="image">
    <Label value="Car"/><Label value="Person"/><Label value="Bicycle"/>
  </RectangleLabels>
  <Choices name="scene" toName="image">
    <Choice value="Day"/><Choice value="Night"/>
  </Choices>
</View>
"""
# Keypoints, polygons and turned boxes on the same detections: each box's centre, a hexagon
# inside it, and a square inside it turned by 10 degrees (given by its four corners).
SHAPES_CONFIG = """<View>
  <Image name="image" value="$image"/>
  <KeyPointLabels name="point" toName="image">
    <Label value="Car"/><Label value="Person"/><Label value="Bicycle"/>
  </KeyPointLabels>
  <PolygonLabels name="outline" toName="image">
    <Label value="Car"/><Label value="Person"/><Label value="Bicycle"/>
  </PolygonLabels>
  <RectangleLabels name="turned" toName="image">
    <Label value="Car"/><Label value="Person"/><Label value="Bicycle"/>
  </RectangleLabels>
  <Choices name="scene" toName="image">
    <Choice value="Day"/><Choice value="Night"/>
  </Choices>
</View>
"""
CLASS_NAMES = ["Car", "Person", "Bicycle"]
SCENES = ["Day", "Night"]
SIZES = [(1280, 720), (1920, 1080), (640, 480)]
BOXES = 20
MODEL = "detector-v3"

# The targets: ratio of the SDK's median to prelabel's, same run.
TARGETS = {
    "build, typed": 12.0,
    "build, numpy batch": 50.0,
    "build, numpy per image": 12.0,
    "validate": 15.0,
    "write json": 3.0,
    "write jsonl": 3.0,
}


class Detections:
    """``count`` images of detector output, as numpy arrays and as the same Python lists."""

    def __init__(self, count: int, seed: int = 3) -> None:
        rng = np.random.default_rng(seed)
        self.count = count
        self.sizes = [SIZES[i % len(SIZES)] for i in range(count)]
        wh = np.array(self.sizes, dtype=np.float64)[:, None, :]  # (count, 1, 2)
        size = rng.uniform(0.02, 0.3, (count, BOXES, 2)) * wh
        start = rng.uniform(0.0, 1.0, (count, BOXES, 2)) * (wh - size)
        self.xyxy = np.concatenate([start, start + size], axis=2)  # (count, 20, 4) pixels
        self.class_ids = rng.integers(0, len(CLASS_NAMES), (count, BOXES))
        self.scores = rng.uniform(0.3, 1.0, (count, BOXES))
        self.scenes = [SCENES[i % 2] for i in range(count)]
        self.images = [f"s3://bucket/images/{i:08d}.jpg" for i in range(count)]
        self.xyxy_rows: list[list[list[float]]] = self.xyxy.tolist()
        self.names: list[list[str]] = [[CLASS_NAMES[c] for c in row] for row in self.class_ids]
        self.score_rows: list[list[float]] = self.scores.tolist()
        # The same detections as one dataset: every box in one array, a count per image.
        self.flat_xyxy = self.xyxy.reshape(-1, 4)
        self.flat_class_ids = self.class_ids.reshape(-1)
        self.flat_scores = self.scores.reshape(-1)
        self.counts = np.full(count, BOXES)

    @property
    def results(self) -> int:
        return self.count * (BOXES + 1)


def _scaled(fmt: str, units: str) -> Callable[[Detections], list[list[list[float]]]]:
    """Each image's boxes in box format ``fmt`` and ``units``, as Python float lists."""

    def rows(det: Detections) -> list[list[list[float]]]:
        out = []
        for i in range(det.count):
            width, height = det.sizes[i]
            sx, sy = {"px": (1.0, 1.0), "norm": (1 / width, 1 / height)}.get(
                units, (100 / width, 100 / height)
            )
            xyxy = det.xyxy[i]
            if fmt == "xywh":
                xyxy = np.concatenate([xyxy[:, :2], xyxy[:, 2:] - xyxy[:, :2]], axis=1)
            elif fmt == "cxcywh":
                xyxy = np.concatenate(
                    [(xyxy[:, :2] + xyxy[:, 2:]) / 2, xyxy[:, 2:] - xyxy[:, :2]], axis=1
                )
            elif fmt == "corners":
                x1, y1, x2, y2 = xyxy.T
                corners = np.stack([x1, y1, x2, y1, x2, y2, x1, y2], axis=1).reshape(-1, 4, 2)
                out.append((corners * [sx, sy]).tolist())
                continue
            out.append((xyxy * [sx, sy, sx, sy]).tolist())
        return out

    return rows


def _as(kind: str) -> Callable[[Detections], list[list[Any]]]:
    """Each image's xyxy_px boxes as one natural input form."""

    def rows(det: Detections) -> list[list[Any]]:
        if kind == "tuple":
            return [[tuple(row) for row in image] for image in det.xyxy_rows]
        if kind == "float64 rows":
            return [list(image) for image in det.xyxy]
        if kind == "float32 rows":
            return [list(image.astype(np.float32)) for image in det.xyxy]
        if kind == "int rows":
            return [list(image.round().astype(np.int64)) for image in det.xyxy]
        if kind == "float64 scalars":
            return [[list(row) for row in image] for image in det.xyxy]
        if kind == "float32 scalars":
            return [[list(row) for row in image.astype(np.float32)] for image in det.xyxy]
        raise ValueError(kind)

    return rows


# One row per natural input form of RectangleLabels.box(): (keyword, boxes of each image,
# scores as numpy scalars). "float64 rows" is boxes[i] of a model's (N, 4) array, the most
# natural call; numpy scores come from iterating a (N,) array.
BOX_FORMS: dict[str, tuple[str, Callable[[Detections], list[list[Any]]], bool]] = {
    "xyxy_px, float lists": ("xyxy_px", _scaled("xyxy", "px"), False),
    "xyxy_px, tuples": ("xyxy_px", _as("tuple"), False),
    "xyxy_px, float64 rows": ("xyxy_px", _as("float64 rows"), True),
    "xyxy_px, float32 rows": ("xyxy_px", _as("float32 rows"), True),
    "xyxy_px, int rows": ("xyxy_px", _as("int rows"), True),
    "xyxy_px, float64 scalars": ("xyxy_px", _as("float64 scalars"), True),
    "xyxy_px, float32 scalars": ("xyxy_px", _as("float32 scalars"), True),
    "xyxy_norm": ("xyxy_norm", _scaled("xyxy", "norm"), False),
    "xyxy_pct": ("xyxy_pct", _scaled("xyxy", "pct"), False),
    "xywh_px": ("xywh_px", _scaled("xywh", "px"), False),
    "xywh_norm": ("xywh_norm", _scaled("xywh", "norm"), False),
    "cxcywh_px": ("cxcywh_px", _scaled("cxcywh", "px"), False),
    "cxcywh_norm": ("cxcywh_norm", _scaled("cxcywh", "norm"), False),
    "corners_px": ("corners_px", _scaled("corners", "px"), False),
}


def centres(det: Detections) -> list[Any]:
    """Each box's centre in pixels, ``(count, 20, 2)``: one keypoint per detection."""
    return (det.xyxy[..., :2] + det.xyxy[..., 2:]) / 2.0


def hexagons(det: Detections) -> list[Any]:
    """A hexagon inside each box, in pixels, ``(count, 20, 6, 2)``: one polygon per detection
    (its corners at 90% of the half-sides, so every point is strictly inside the image)."""
    centre = centres(det)[..., None, :]
    half = (det.xyxy[..., 2:] - det.xyxy[..., :2])[..., None, :] * 0.45
    turn = np.linspace(0.0, 2.0 * np.pi, 6, endpoint=False)
    unit = np.stack([np.cos(turn), np.sin(turn)], axis=1)  # (6, 2)
    return centre + half * unit


TURN_DEG = 10.0


def turned_squares(det: Detections) -> tuple[Any, Any, Any]:
    """A square inside each box, turned ``TURN_DEG`` clockwise about its centre: its centre
    ``(count, 20, 2)``, side ``(count, 20)`` and corners ``(count, 20, 4, 2)`` in pixels, in
    order from the top-left one (the side is half the box's shorter side, so the square stays
    inside the box)."""
    centre = centres(det)
    side = (det.xyxy[..., 2:] - det.xyxy[..., :2]).min(axis=-1) * 0.5
    turn = np.radians(TURN_DEG)
    cos, sin = np.cos(turn), np.sin(turn)
    offsets = np.array([[-1.0, -1.0], [1.0, -1.0], [1.0, 1.0], [-1.0, 1.0]]) / 2.0  # (4, 2)
    u, v = offsets[:, 0], offsets[:, 1]
    turned = np.stack([u * cos - v * sin, u * sin + v * cos], axis=1)  # clockwise, y down
    corners = centre[..., None, :] + side[..., None, None] * turned
    return centre, side, corners


# One row per shape and input form: (control, method, keyword, peer, points of each image,
# scores as numpy scalars). The peer is the SDK's control.label() with the same points in
# percent, computed in plain Python.
SHAPE_FORMS: dict[str, tuple[str, str, str, str, Callable[[Detections], list[Any]], bool]] = {
    "keypoints, xy_px float lists": (
        "point", "point", "xy_px", "keypoints", lambda det: centres(det).tolist(), False
    ),
    "keypoints, xy_px float64 rows": (
        "point", "point", "xy_px", "keypoints", lambda det: [list(i) for i in centres(det)], True
    ),
    "polygons, points_px float lists": (
        "outline", "polygon", "points_px", "polygons", lambda det: hexagons(det).tolist(), False
    ),
    "polygons, points_px (6, 2) arrays": (
        "outline", "polygon", "points_px", "polygons", lambda det: list(hexagons(det)), True
    ),
    "corners_px, turned squares, float lists": (
        "turned", "box", "corners_px", "turned boxes",
        lambda det: turned_squares(det)[2].tolist(), False,
    ),
}  # fmt: skip


# --- the peer: Label Studio's SDK ----------------------------------------------------------


def sdk_build(det: Detections, interface: Any) -> list[dict[str, Any]]:
    """Tasks built with the SDK's ``control.label()`` and ``PredictionValue``."""
    boxes = interface.get_control("label")
    scene = interface.get_control("scene")
    tasks = []
    for i in range(det.count):
        width, height = det.sizes[i]
        fx, fy = 100.0 / width, 100.0 / height
        result = [
            boxes.label(
                label=[name],
                x=x1 * fx,
                y=y1 * fy,
                width=(x2 - x1) * fx,
                height=(y2 - y1) * fy,
                rotation=0,
            )
            for (x1, y1, x2, y2), name in zip(det.xyxy_rows[i], det.names[i], strict=True)
        ]
        result.append(scene.label(label=[det.scenes[i]]))
        prediction = PredictionValue(model_version=MODEL, score=0.9, result=result)
        tasks.append({"data": {"image": det.images[i]}, "predictions": [prediction.model_dump()]})
    return tasks


def sdk_shapes_build(det: Detections, interface: Any, shape: str) -> list[dict[str, Any]]:
    """Tasks of keypoints (``shape="keypoints"``), polygons or turned boxes built with the
    SDK's ``control.label()`` and ``PredictionValue``, the percent computed in plain Python
    (a turned box from its top-left corner, side and angle: the SDK takes no corners)."""
    name = {"keypoints": "point", "polygons": "outline", "turned boxes": "turned"}[shape]
    control = interface.get_control(name)
    scene = interface.get_control("scene")
    if shape == "keypoints":
        points = centres(det).tolist()
    elif shape == "polygons":
        points = hexagons(det).tolist()
    else:
        _, sides, corners = turned_squares(det)
        points = [
            [(x, y, side) for (x, y), side in zip(image, image_sides, strict=True)]
            for image, image_sides in zip(corners[:, :, 0].tolist(), sides.tolist(), strict=True)
        ]
    tasks = []
    for i in range(det.count):
        width, height = det.sizes[i]
        fx, fy = 100.0 / width, 100.0 / height
        if shape == "keypoints":
            result = [
                control.label(label=[name], x=x * fx, y=y * fy)
                for (x, y), name in zip(points[i], det.names[i], strict=True)
            ]
        elif shape == "turned boxes":
            result = [
                control.label(
                    label=[name],
                    x=x * fx,
                    y=y * fy,
                    width=side * fx,
                    height=side * fy,
                    rotation=TURN_DEG,
                )
                for (x, y, side), name in zip(points[i], det.names[i], strict=True)
            ]
        else:
            result = [
                control.label(label=[name], points=[[x * fx, y * fy] for x, y in ring])
                for ring, name in zip(points[i], det.names[i], strict=True)
            ]
        result.append(scene.label(label=[det.scenes[i]]))
        prediction = PredictionValue(model_version=MODEL, score=0.9, result=result)
        tasks.append({"data": {"image": det.images[i]}, "predictions": [prediction.model_dump()]})
    return tasks


def sdk_validate(tasks: list[dict[str, Any]], interface: Any) -> int:
    """How many predictions the SDK's ``validate_prediction`` refuses."""
    validate = interface.validate_prediction
    return sum(not validate(task["predictions"][0]) for task in tasks)


# --- prelabel ------------------------------------------------------------------------------


_TYPED_LOOP = """
def build(det, control, scene, rows, scores):
    make, choose = control.{method}, scene.choose
    tasks = []
    for i in range(det.count):
        wh = det.sizes[i]
        result = [
            make({keyword}=row, image_wh=wh, label=name, score=score)
            for row, name, score in zip(rows[i], det.names[i], scores[i], strict=True)
        ]
        result.append(choose(det.scenes[i], score=0.9))
        prediction = Prediction(result, model_version=MODEL, score=0.9)
        tasks.append({{"data": {{"image": det.images[i]}}, "predictions": [prediction.to_dict()]}})
    return tasks
"""
_typed_loops: dict[tuple[str, str], Callable[..., list[dict[str, Any]]]] = {}


def typed_build(
    det: Detections,
    config: LabelConfig,
    keyword: str = "xyxy_px",
    rows: list[list[Any]] | None = None,
    scores: list[list[Any]] | None = None,
    control: str = "label",
    method: str = "box",
) -> list[dict[str, Any]]:
    """Tasks built one region at a time with ``<control>.<method>(<keyword>=row)`` and
    ``choose()``; by default ``box(xyxy_px=)`` with rows of Python floats.

    The loop is written out for each keyword (from ``_TYPED_LOOP``), as a user would write the
    call: passing the keyword through ``**{keyword: row}`` would time a dict per box too.
    """
    loop = _typed_loops.get((method, keyword))
    if loop is None:
        namespace: dict[str, Any] = {"Prediction": Prediction, "MODEL": MODEL}
        exec(_TYPED_LOOP.format(method=method, keyword=keyword), namespace)
        loop = _typed_loops[method, keyword] = namespace["build"]
    return loop(
        det,
        config.controls[control],
        config.control("scene", Choices),
        det.xyxy_rows if rows is None else rows,
        det.score_rows if scores is None else scores,
    )


def batch_build(det: Detections, config: LabelConfig) -> list[dict[str, Any]]:
    """Tasks built one image at a time with ``boxes()`` on numpy arrays."""
    boxes = config.control("label", RectangleLabels).boxes
    choose = config.control("scene", Choices).choose
    tasks = []
    for i in range(det.count):
        result: list[Any] = boxes(
            xyxy_px=det.xyxy[i],
            image_wh=det.sizes[i],
            class_ids=det.class_ids[i],
            class_names=CLASS_NAMES,
            scores=det.scores[i],
        )
        result.append(choose(det.scenes[i], score=0.9))
        prediction = Prediction(result, model_version=MODEL, score=0.9)
        tasks.append({"data": {"image": det.images[i]}, "predictions": [prediction.to_dict()]})
    return tasks


def columns_build(det: Detections, config: LabelConfig) -> PredictionBatch:
    """All 10,000 predictions as one batch from the dataset's arrays."""
    return (
        PredictionBatch(config, {"image": det.images}, model_version=MODEL, score=0.9)
        .boxes(
            "label",
            xyxy_px=det.flat_xyxy,
            counts=det.counts,
            image_wh=det.sizes,
            class_ids=det.flat_class_ids,
            class_names=CLASS_NAMES,
            scores=det.flat_scores,
        )
        .choices("scene", det.scenes, scores=0.9)
    )


def floor_inputs(det: Detections) -> list[tuple[Any, ...]]:
    """Everything :func:`floor_build` needs, computed beforehand: percent rows, ids."""
    from prelabel.ids import new_ids

    out = []
    for i in range(det.count):
        width, height = det.sizes[i]
        xywh = det.xyxy[i].copy()
        xywh[:, 2:] -= xywh[:, :2]
        pct = (xywh * [100.0 / width, 100.0 / height, 100.0 / width, 100.0 / height]).tolist()
        out.append((width, height, pct, det.names[i], det.score_rows[i], new_ids(BOXES + 1)))
    return out


def floor_build(det: Detections, inputs: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """The same task dicts from precomputed numbers, with no checks: one comprehension of
    dict literals per image. No builder that returns these dicts can be faster; the SDK's
    time over this one caps the ratio any builder can reach on this machine."""
    tasks = []
    for i, (width, height, pct, names, scores, ids) in enumerate(inputs):
        result: list[dict[str, Any]] = [
            {
                "id": region_id,
                "type": "rectanglelabels",
                "from_name": "label",
                "to_name": "image",
                "original_width": width,
                "original_height": height,
                "image_rotation": 0,
                "value": {
                    "x": x,
                    "y": y,
                    "width": w,
                    "height": h,
                    "rotation": 0.0,
                    "rectanglelabels": [name],
                },
                "score": score,
            }
            for region_id, (x, y, w, h), name, score in zip(ids, pct, names, scores, strict=False)
        ]
        result.append(
            {
                "id": ids[-1],
                "type": "choices",
                "from_name": "scene",
                "to_name": "image",
                "value": {"choices": [det.scenes[i]]},
                "score": 0.9,
            }
        )
        prediction = {"model_version": MODEL, "score": 0.9, "result": result}
        tasks.append({"data": {"image": det.images[i]}, "predictions": [prediction]})
    return tasks


def prelabel_validate(tasks: list[dict[str, Any]], config: LabelConfig) -> int:
    """How many errors prelabel's validator reports. The ``s3://`` images get one setup
    warning (``media.cloud_storage``: connect the bucket), which is not an error."""
    validator = Validator(config)
    return sum(
        record.severity == "error"
        for i, task in enumerate(tasks)
        for record in validator.check_task(task, i)
    )


def _dump_json(path: Path, tasks: list[dict[str, Any]]) -> None:
    path.write_text(json.dumps(tasks), encoding="utf-8")


def _dump_jsonl(path: Path, tasks: list[dict[str, Any]]) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        for task in tasks:
            handle.write(json.dumps(task) + "\n")


# --- the run -------------------------------------------------------------------------------


def run(*, quick: bool = False, count: int | None = None) -> list[Row]:
    """Time every case; one row per case (see ``_timing.ratio_row`` for the keys)."""
    if LabelInterface is None:
        raise SystemExit("label-studio-sdk is not installed: pip install -e '.[bench]'")
    det = Detections(count or (1_000 if quick else 10_000))
    config = LabelConfig.parse(CONFIG)
    interface = LabelInterface(CONFIG)
    peer_rounds, rounds = (1, 3) if quick else (3, 7)

    # One run of each first: the outputs must agree before anything is timed.
    sdk_tasks = sdk_build(det, interface)
    tasks = typed_build(det, config)
    _same_boxes(sdk_tasks, tasks, det)
    _same_boxes(sdk_tasks, batch_build(det, config), det)
    _same_boxes(sdk_tasks, list(columns_build(det, config)), det)
    if prelabel_validate(tasks, config) or sdk_validate(tasks, interface):
        raise AssertionError("the built predictions do not validate")
    del sdk_tasks

    rows: list[Row] = []
    inputs = floor_inputs(det)
    _same_boxes(tasks, floor_build(det, inputs), det)
    builds: dict[str, Callable[[], object]] = {
        "peer": lambda: sdk_build(det, interface),
        "columns": lambda: columns_build(det, config),
        "columns+dicts": lambda: list(columns_build(det, config)),
        "per image": lambda: batch_build(det, config),
        "floor": lambda: floor_build(det, inputs),
    }
    numpy_scores = [list(image) for image in det.scores]
    for form, (keyword, make_rows, numpy_score) in BOX_FORMS.items():
        form_rows = make_rows(det)
        form_scores = numpy_scores if numpy_score else det.score_rows
        # float32 and whole-pixel inputs are other numbers: the same boxes to their precision
        tol = 0.5 if "int" in form else 1e-4 if "float32" in form else 1e-9
        _same_boxes(tasks, typed_build(det, config, keyword, form_rows, form_scores), det, tol)
        builds[form] = partial(typed_build, det, config, keyword, form_rows, form_scores)
    times = interleaved(builds, rounds, only={"peer": peer_rounds})
    for form, (keyword, _, numpy_score) in BOX_FORMS.items():
        rows.append(
            ratio_row(
                f"build, typed, {form}",
                "control.label() + PredictionValue.model_dump()",
                times["peer"],
                times[form],
                target=TARGETS["build, typed"],
                items=det.results,
                note=f"box({keyword}=)" + (", numpy scores" if numpy_score else ""),
            )
        )
    for case, key, note in (
        ("build, numpy batch", "columns", "PredictionBatch: checked columns, dicts made on read"),
        ("build + task dicts, numpy batch", "columns+dicts", "list(PredictionBatch)"),
        ("build, numpy per image", "per image", "RectangleLabels.boxes() per image"),
        ("build, floor", "floor", "dict literals from precomputed numbers, no checks"),
    ):
        rows.append(
            ratio_row(
                case,
                "control.label() + PredictionValue.model_dump()",
                times["peer"],
                times[key],
                target=TARGETS.get(case),
                items=det.results,
                note=note,
            )
        )

    rows.extend(_shape_rows(det, numpy_scores, rounds, peer_rounds))

    # Validated as read from a file (and as they reach the server): after a JSON round trip.
    loaded = json.loads(json.dumps(tasks))
    checks: dict[str, Callable[[], object]] = {
        "peer": lambda: sdk_validate(loaded, interface),
        "prelabel": lambda: prelabel_validate(loaded, config),
    }
    times = interleaved(checks, rounds, only={"peer": peer_rounds})
    rows.append(
        ratio_row(
            "validate",
            "LabelInterface.validate_prediction()",
            times["peer"],
            times["prelabel"],
            target=TARGETS["validate"],
            items=det.results,
        )
    )

    with tempfile.TemporaryDirectory(prefix="prelabel-bench-") as tmp:
        folder = Path(tmp)
        for case, peer, ours, name in (
            ("write json", _dump_json, write_json, "tasks.json"),
            ("write jsonl", _dump_jsonl, write_jsonl, "tasks.jsonl"),
        ):
            theirs_path, ours_path = folder / f"sdk-{name}", folder / name
            # Each side writes a new file: removing the last round's is not timed.
            writers: dict[str, Timed] = {
                "peer": (theirs_path.unlink, partial(peer, theirs_path, tasks)),
                "prelabel": (ours_path.unlink, partial(ours, ours_path, tasks)),
            }
            peer(theirs_path, tasks)
            ours(ours_path, tasks)
            times = interleaved(writers, rounds)
            if json.loads(theirs_path.read_text(encoding="utf-8").splitlines()[0]) is None:
                raise AssertionError("empty output")
            _same_file(theirs_path, ours_path)
            size_mb = ours_path.stat().st_size / 1e6
            rows.append(
                ratio_row(
                    case,
                    "json.dumps() to a file",
                    times["peer"],
                    times["prelabel"],
                    target=TARGETS[case],
                    items=det.results,
                    note=f"{size_mb:.0f} MB",
                )
            )
        # The whole job, arrays to file, for the SDK and prelabel's two APIs.
        path = folder / "job.jsonl"
        jobs: dict[str, Callable[[], object]] = {
            "peer": lambda: _dump_jsonl(path, sdk_build(det, interface)),
            "batch": lambda: write_jsonl(path, columns_build(det, config)),
            "typed": lambda: write_jsonl(path, typed_build(det, config)),
        }
        times = interleaved(jobs, rounds, only={"peer": peer_rounds})
        for case, key in (("build + write jsonl, numpy batch", "batch"),
                          ("build + write jsonl, typed", "typed")):  # fmt: skip
            rows.append(
                ratio_row(
                    case,
                    "control.label() + model_dump() + json.dumps()",
                    times["peer"],
                    times[key],
                    target=None,
                    items=det.results,
                )
            )
    return rows


def _shape_rows(
    det: Detections, numpy_scores: list[list[Any]], rounds: int, peer_rounds: int
) -> list[Row]:
    """The typed-build rows of keypoints, polygons and turned boxes, each shape against its own
    SDK build."""
    config = LabelConfig.parse(SHAPES_CONFIG)
    interface = LabelInterface(SHAPES_CONFIG)
    rows: list[Row] = []
    for shape in ("keypoints", "polygons", "turned boxes"):
        peer = sdk_shapes_build(det, interface, shape)
        builds: dict[str, Callable[[], object]] = {
            "peer": partial(sdk_shapes_build, det, interface, shape)
        }
        forms = {form: spec for form, spec in SHAPE_FORMS.items() if spec[3] == shape}
        for form, (control, method, keyword, _, make_rows, numpy_score) in forms.items():
            build = partial(
                typed_build,
                det,
                config,
                keyword,
                make_rows(det),
                numpy_scores if numpy_score else det.score_rows,
                control,
                method,
            )
            _same_shapes(peer, build(), shape)
            builds[form] = build
        del peer
        times = interleaved(builds, rounds, only={"peer": peer_rounds})
        for form, (_, method, keyword, _, _, numpy_score) in forms.items():
            rows.append(
                ratio_row(
                    f"build, typed, {form}",
                    "control.label() + PredictionValue.model_dump()",
                    times["peer"],
                    times[form],
                    target=TARGETS["build, typed"],
                    items=det.results,
                    note=f"{method}({keyword}=)" + (", numpy scores" if numpy_score else ""),
                )
            )
    return rows


def _same_shapes(sdk_tasks: list[dict[str, Any]], tasks: list[dict[str, Any]], shape: str) -> None:
    """Both sides made the same keypoints, polygons or turned boxes, labels and choices
    (prelabel adds the keypoint's width, the polygon's ``closed``, scores and sizes)."""
    keys = {
        "keypoints": ("x", "y"),
        "polygons": ("points",),
        "turned boxes": ("x", "y", "width", "height", "rotation"),
    }[shape]
    for theirs, ours in zip(sdk_tasks, tasks, strict=True):
        a, b = theirs["predictions"][0]["result"], ours["predictions"][0]["result"]
        if len(a) != len(b) or len(a) != BOXES + 1:
            raise AssertionError("different result counts")
        for ra, rb in zip(a, b, strict=True):
            va, vb = ra["value"], rb["value"]
            if ra["type"] != rb["type"]:
                raise AssertionError(f"different results: {ra} / {rb}")
            if ra["type"] == "choices":
                if va != vb:
                    raise AssertionError(f"different choices: {va} / {vb}")
                continue
            label_key = ra["type"]
            if va[label_key] != vb[label_key]:
                raise AssertionError(f"different labels: {va} / {vb}")
            numbers_a = np.array([va[key] for key in keys], dtype=np.float64)
            numbers_b = np.array([vb[key] for key in keys], dtype=np.float64)
            if not np.allclose(numbers_a, numbers_b, rtol=0.0, atol=1e-7):
                raise AssertionError(f"different {shape}: {va} / {vb}")


def _same_boxes(
    sdk_tasks: list[dict[str, Any]],
    tasks: list[dict[str, Any]],
    det: Detections,
    tol: float = 1e-9,
) -> None:
    """Both sides made the same boxes, labels and choices (prelabel adds score and sizes)."""
    for theirs, ours in zip(sdk_tasks, tasks, strict=True):
        a, b = theirs["predictions"][0]["result"], ours["predictions"][0]["result"]
        if len(a) != len(b) or len(a) != BOXES + 1:
            raise AssertionError("different result counts")
        for ra, rb in zip(a, b, strict=True):
            va, vb = ra["value"], rb["value"]
            if ra["type"] != rb["type"] or set(va) - {"rotation"} != set(vb) - {"rotation"}:
                raise AssertionError(f"different results: {ra} / {rb}")
            for key, x in va.items():
                y = vb[key]
                close = abs(x - y) <= tol if isinstance(x, float) else x == y
                if not close:
                    raise AssertionError(f"different {key}: {x} / {y}")


def _same_file(theirs: Path, ours: Path) -> None:
    """The two files hold the same JSON."""
    if ours.suffix == ".jsonl":
        with open(theirs, encoding="utf-8") as a, open(ours, encoding="utf-8") as b:
            for line_a, line_b in zip(a, b, strict=True):
                if json.loads(line_a) != json.loads(line_b):
                    raise AssertionError(f"{ours} differs from json.dumps")
        return
    if json.loads(theirs.read_bytes()) != json.loads(ours.read_bytes()):
        raise AssertionError(f"{ours} differs from json.dumps")


def problems(rows: list[Row]) -> list[str]:
    """Targets a run missed."""
    return [
        f"{row['case']}: {row['ratio']:.1f}x the SDK (target {row['target']})"
        for row in rows
        if row["ok"] is False
    ]


def table(rows: list[Row]) -> str:
    """A Markdown table of :func:`run`'s rows."""
    lines = [
        "| case | peer | peer s | prelabel s | per result (peer / prelabel) | ratio | target |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        per = f"{r['peer_s'] / r['items'] * 1e6:.2f} / {r['prelabel_s'] / r['items'] * 1e6:.2f} us"
        verdict = "-" if r["ok"] is None else f"{r['target']} {'PASS' if r['ok'] else 'FAIL'}"
        lines.append(
            f"| {r['case']} | {r['peer']} | {r['peer_s']:.3f} | {r['prelabel_s']:.3f} | {per} "
            f"| {r['ratio']:.1f}x | {verdict} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="1,000 predictions, fewer rounds")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args(argv)
    print(machine())
    rows = run(quick=args.quick)
    print(table(rows))
    found = problems(rows)
    for line in found:
        print(f"FAIL: {line}")
    return 1 if (found and args.check) else 0


if __name__ == "__main__":
    sys.exit(main())
