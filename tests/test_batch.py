"""PredictionBatch: a dataset's boxes and choices from arrays, equal to the per-image builders."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prelabel import LabelConfig, LabelMap, Validator, reproducible_ids
from prelabel.batch import PredictionBatch
from prelabel.batch import _tasks as batch_tasks
from prelabel.errors import BuildError, LabelError
from prelabel.io import read_tasks, write_json, write_jsonl
from prelabel.tags.controls import Choices, Rectangle, RectangleLabels

CONFIG = LabelConfig.parse(
    """<View>
  <Image name="image" value="$image"/>
  <RectangleLabels name="label" toName="image">
    <Label value="Car" predicted_values="truck"/><Label value="Person"/>
    <Label value="Bicycle" alias="bike"/>
  </RectangleLabels>
  <Rectangle name="plain" toName="image"/>
  <Choices name="scene" toName="image"><Choice value="Day"/><Choice value="Night"/></Choices>
  <Choices name="tags" toName="image" choice="multiple">
    <Choice value="Blurry"/><Choice value="Dark"/>
  </Choices>
</View>"""
)
CLASSES = ["car", "person", "bike", "truck"]
BOXES = CONFIG.control("label", RectangleLabels)
PLAIN = CONFIG.control("plain", Rectangle)


def _no_ids(task: dict[str, Any]) -> dict[str, Any]:
    """The task with its region ids blanked (fresh ids differ between builders)."""
    out = json.loads(json.dumps(task))
    for prediction in out["predictions"]:
        for result in prediction["result"]:
            result["id"] = "-"
    return out


def _detections(
    tasks: int, per_task: int, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[tuple[int, int]]]:
    rng = np.random.default_rng(seed)
    sizes = [((640, 480), (1920, 1080), (333, 777))[i % 3] for i in range(tasks)]
    wh = np.repeat(np.array(sizes, dtype=np.float64), per_task, axis=0)
    size = rng.uniform(0.05, 0.4, (tasks * per_task, 2)) * wh
    start = rng.uniform(0.0, 1.0, (tasks * per_task, 2)) * (wh - size)
    xyxy = np.concatenate([start, start + size], axis=1)
    class_ids = rng.integers(0, len(CLASSES), tasks * per_task)
    scores = rng.uniform(0.0, 1.0, tasks * per_task)
    return xyxy, class_ids, scores, sizes


def _per_image(
    xyxy: np.ndarray,
    class_ids: np.ndarray,
    scores: np.ndarray,
    sizes: list[tuple[int, int]],
    counts: list[int],
    **options: Any,
) -> list[dict[str, Any]]:
    """The same tasks built one image at a time with RectangleLabels.boxes()."""
    names = LabelMap(BOXES, classes=CLASSES)
    out, start = [], 0
    for task, count in enumerate(counts):
        rows = slice(start, start + count)
        start += count
        regions = BOXES.boxes(
            xyxy_px=xyxy[rows],
            image_wh=sizes[task],
            labels=names.map(class_ids[rows].tolist()),
            scores=scores[rows],
            **options,
        )
        result = [r.result for r in regions]
        prediction = {"model_version": "m", "result": result}
        out.append(
            {"data": {"image": f"https://example.com/{task}.jpg"}, "predictions": [prediction]}
        )
    return out


def _batch(
    xyxy: np.ndarray,
    class_ids: np.ndarray,
    scores: np.ndarray,
    sizes: list[tuple[int, int]],
    counts: list[int],
    **options: Any,
) -> PredictionBatch:
    data = {"image": [f"https://example.com/{task}.jpg" for task in range(len(counts))]}
    return PredictionBatch(CONFIG, data, model_version="m").boxes(
        "label",
        xyxy_px=xyxy,
        counts=counts,
        image_wh=sizes,
        class_ids=class_ids,
        class_names=CLASSES,
        scores=scores,
        **options,
    )


# --- the same output as the per-image builders ---------------------------------------------


def test_batch_equals_per_image_builder_with_key_order() -> None:
    xyxy, class_ids, scores, sizes = _detections(7, 5)
    counts = [5] * 7
    batch = _batch(xyxy, class_ids, scores, sizes, counts)
    expected = _per_image(xyxy, class_ids, scores, sizes, counts)
    got = list(batch)
    assert [_no_ids(t) for t in got] == [_no_ids(t) for t in expected]
    for ours, theirs in zip(got, expected, strict=True):
        pairs = zip(
            ours["predictions"][0]["result"], theirs["predictions"][0]["result"], strict=True
        )
        for a, b in pairs:
            assert list(a) == list(b)
            assert list(a["value"]) == list(b["value"])


edge_box = st.tuples(
    st.floats(-40, 700, allow_nan=False),
    st.floats(-40, 500, allow_nan=False),
    st.floats(-40, 700, allow_nan=False),
    st.floats(-40, 500, allow_nan=False),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    counts=st.lists(st.integers(0, 4), min_size=1, max_size=5),
    data=st.data(),
    clip=st.booleans(),
)
def test_batch_accepts_and_refuses_what_the_per_image_builder_does(
    counts: list[int], data: st.DataObject, clip: bool
) -> None:
    """Boxes on, past and across the edges, empty and inverted: same results or same error."""
    total = sum(counts)
    xyxy = np.array(data.draw(st.lists(edge_box, min_size=total, max_size=total)), dtype=float)
    xyxy = xyxy.reshape(total, 4)
    class_ids = np.array(data.draw(st.lists(st.integers(0, 3), min_size=total, max_size=total)))
    scores = np.array(data.draw(st.lists(st.floats(0, 1), min_size=total, max_size=total)))
    sizes = [(640, 480)] * len(counts)
    try:
        expected = _per_image(xyxy, class_ids, scores, sizes, counts, clip=clip)
    except BuildError as error:
        message = str(error)
    else:
        message = ""
    if message:
        with pytest.raises(BuildError, match=r"task \d+ .*: " + re.escape(message)):
            _batch(xyxy, class_ids, scores, sizes, counts, clip=clip)
        return
    got = list(_batch(xyxy, class_ids, scores, sizes, counts, clip=clip))
    assert [_no_ids(t) for t in got] == [_no_ids(t) for t in expected]


@pytest.mark.parametrize("units", ["px", "norm", "pct"])
@pytest.mark.parametrize("fmt", ["xyxy", "xywh", "cxcywh"])
def test_every_format_and_unit_matches_the_builder(fmt: str, units: str) -> None:
    width, height = 640, 480
    rng = np.random.default_rng(2)
    start = rng.uniform(0, 300, (12, 2))
    xyxy = np.concatenate([start, start + rng.uniform(5, 150, (12, 2))], axis=1)
    boxes = xyxy.copy()
    if fmt == "xywh":
        boxes[:, 2:] -= boxes[:, :2]
    elif fmt == "cxcywh":
        boxes[:, 2:] -= boxes[:, :2]
        boxes[:, :2] += boxes[:, 2:] / 2
    scale = {"px": 1.0, "norm": 1.0 / np.array([width, height] * 2), "pct": 100.0}[units]
    if units == "pct":
        scale = 100.0 / np.array([width, height] * 2)
    boxes = boxes * scale
    arg = f"{fmt}_{units}"
    batch = PredictionBatch(CONFIG, [{"image": "a"}] * 4).boxes(
        "plain", **{arg: boxes}, counts=[3, 3, 3, 3], image_wh=(width, height)
    )
    for task in range(4):
        rows = boxes[task * 3 : task * 3 + 3]
        expected = [r.result["value"] for r in PLAIN.boxes(**{arg: rows}, image_wh=(640, 480))]
        assert [r["value"] for r in batch[task]["predictions"][0]["result"]] == expected


def test_task_index_in_any_order_equals_counts() -> None:
    xyxy, class_ids, scores, sizes = _detections(4, 3, seed=5)
    task_index = np.repeat(np.arange(4), 3)
    shuffle = np.random.default_rng(1).permutation(12)
    data = [{"image": str(i)} for i in range(4)]
    by_index = PredictionBatch(CONFIG, data).boxes(
        "label",
        xyxy_px=xyxy[shuffle],
        task_index=task_index[shuffle],
        image_wh=sizes,
        class_ids=class_ids[shuffle],
        class_names=CLASSES,
        scores=scores[shuffle],
    )
    by_counts = PredictionBatch(CONFIG, data).boxes(
        "label",
        xyxy_px=xyxy,
        counts=[3, 3, 3, 3],
        image_wh=sizes,
        class_ids=class_ids,
        class_names=CLASSES,
        scores=scores,
    )

    def key(task: dict[str, Any]) -> list[tuple[float, ...]]:
        return sorted(tuple(r["value"].values())[:4] for r in task["predictions"][0]["result"])

    assert [key(t) for t in by_index] == [key(t) for t in by_counts]


# --- labels -----------------------------------------------------------------------------------


def test_class_names_go_through_label_map_rules() -> None:
    batch = PredictionBatch(CONFIG, {"image": ["a"]}).boxes(
        "label",
        xyxy_px=[[0, 0, 10, 10]] * 4,
        counts=[4],
        image_wh=(100, 100),
        class_ids=[0, 1, 2, 3],
        class_names=CLASSES,
    )
    labels = [r["value"]["rectanglelabels"] for r in batch[0]["predictions"][0]["result"]]
    assert labels == [["Car"], ["Person"], ["bike"], ["Car"]]  # case, alias, predicted_values


def test_label_map_drop_removes_boxes_of_unmapped_classes() -> None:
    names = LabelMap(BOXES, classes=["car", "dog"], unmapped="drop")
    batch = PredictionBatch(CONFIG, {"image": ["a", "b"]}).boxes(
        "label",
        xyxy_px=[[0, 0, 10, 10], [10, 10, 20, 20], [20, 20, 30, 30]],
        counts=[2, 1],
        image_wh=(100, 100),
        class_ids=[1, 0, 1],
        class_names=names,
        scores=[0.1, 0.2, 0.3],
    )
    first, second = (t["predictions"][0]["result"] for t in batch)
    assert [(r["value"]["x"], r["score"]) for r in first] == [(10.0, 0.2)]
    assert second == []
    assert batch.result_count == 1
    assert dict(names.dropped) == {"dog": 2}


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        (
            {"class_ids": [0, 9]},
            LabelError,
            "class_ids[1] = 9 has no name in class_names (it has 4)",
        ),
        ({"class_ids": [0, 1], "class_names": ["car", "dog"]}, LabelError, "'dog' map to no label"),
        ({"labels": ["Car", "Truck"]}, LabelError, "labels[1]: 'Truck' is not a label"),
        ({"label": "Car", "labels": ["Car", "Car"]}, LabelError, "got label, labels"),
        ({"labels": ["Car"]}, BuildError, "labels has 1 items; expected 2, one per row"),
        ({"class_ids": [0.5, 1]}, BuildError, "class_ids[0] = 0.5 is not a whole number"),
    ],
    ids=["class-id-unnamed", "class-unmapped", "unknown-label", "two-ways", "short", "fraction"],
)
def test_label_errors(options: dict[str, Any], error: type[Exception], message: str) -> None:
    options.setdefault("class_names", CLASSES) if "class_ids" in options else None
    with pytest.raises(error, match=re.escape(message)):
        PredictionBatch(CONFIG, {"image": ["a"]}).boxes(
            "label", xyxy_px=[[0, 0, 1, 1], [1, 1, 2, 2]], counts=[2], image_wh=(9, 9), **options
        )


def test_unlabeled_tool_refuses_labels() -> None:
    with pytest.raises(BuildError, match="draws boxes without labels"):
        PredictionBatch(CONFIG, {"image": ["a"]}).boxes(
            "plain", xyxy_px=[[0, 0, 5, 5]], counts=[1], image_wh=(9, 9), label="Car"
        )


# --- grouping, sizes, scores: located errors ------------------------------------------------


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({}, "say which task each box is for: task_index= (one task number per box) or counts="),
        ({"counts": [1, 1], "task_index": [0, 1]}, "not both"),
        ({"task_index": [True, False]}, "task_index must be whole numbers, got booleans (a mask?)"),
        ({"counts": [1, 2]}, "counts add up to 3, but 2 boxes were given"),
        ({"counts": [3, -1]}, "counts[1] = -1 is negative"),
        ({"task_index": [0, 2]}, "task_index[1] = 2 names no task: the batch has 2 (0 to 1)"),
        ({"counts": [1, 1], "image_wh": [(9, 9)]}, "image_wh must be (width, height) or have"),
        ({"counts": [1, 1], "image_wh": [(9, 9), (0, 9)]}, "image_wh[1] = [0.0, 9.0] must be"),
        ({"counts": [1, 1], "scores": [0.5, 50]}, "scores[1] must be between 0 and 1, got 50.0"),
        ({"counts": [1, 1], "xyxy_px": [[1, 2, 3]]}, "xyxy_px must have shape (M, 4)"),
        (
            {"counts": [1, 1], "xywh_px": [[1, 1, 1, 1]] * 2, "xyxy_px": [[1, 1, 2, 2]] * 2},
            "give the boxes once",
        ),
        (
            {"counts": [1, 1], "xyxy_px": [[1, 1, 5, 5], [5, 5, 1, 9]]},
            "task 1 (xyxy_px rows from 1 on): xyxy_px[0]=(5, 5, 1, 9) is inverted",
        ),
        (
            {"counts": [1, 1], "xyxy_px": [[1, 1, 5, 5], [5, 5, 10, 9]]},
            "task 1 (xyxy_px rows from 1 on): xyxy_px[0]=(5, 5, 10, 9) reaches outside the 9x9",
        ),
    ],
    ids=[
        "no-grouping",
        "both",
        "bool-task-index",
        "counts-sum",
        "negative-count",
        "task-out-of-range",
        "sizes-shape",
        "size-zero",
        "score-range",
        "box-shape",
        "two-formats",
        "inverted",
        "outside",
    ],
)
def test_located_errors(options: dict[str, Any], message: str) -> None:
    arguments: dict[str, Any] = {"image_wh": (9, 9), "label": "Car"}
    arguments.update(options)
    if not any(key.endswith(("_px", "_norm", "_pct")) for key in options):
        arguments["xyxy_px"] = [[1, 1, 5, 5], [2, 2, 6, 6]]
    with pytest.raises(BuildError, match=re.escape(message)):
        PredictionBatch(CONFIG, {"image": ["a", "b"]}).boxes("label", **arguments)


def test_clip_matches_builder_and_control_kind_is_checked() -> None:
    batch = PredictionBatch(CONFIG, {"image": ["a"]}).boxes(
        "label", xyxy_px=[[-2, 1, 5, 12]], counts=[1], image_wh=(10, 10), label="Car", clip=True
    )
    value = batch[0]["predictions"][0]["result"][0]["value"]
    assert (value["x"], value["y"], value["width"], value["height"]) == (0.0, 10.0, 50.0, 90.0)
    with pytest.raises(BuildError, match=re.escape("boxes() takes a <RectangleLabels>")):
        PredictionBatch(CONFIG, {"image": ["a"]}).boxes(
            "scene", xyxy_px=[[0, 0, 1, 1]], counts=[1], image_wh=(9, 9)
        )
    with pytest.raises(BuildError, match=re.escape("choices() takes a <Choices> control")):
        PredictionBatch(CONFIG, {"image": ["a"]}).choices(BOXES, ["Day"])  # type: ignore[arg-type]


# --- choices -----------------------------------------------------------------------------------


def test_choices_per_task_with_none_multiple_and_scores() -> None:
    scene = CONFIG.control("scene", Choices)
    batch = (
        PredictionBatch(CONFIG, {"image": ["a", "b", "c"]}, score=[0.1, 0.2, 0.3])
        .choices(scene, ["Day", None, "Night"], scores=[0.5, 0.6, 0.7])
        .choices("tags", [["Blurry", "Dark"], None, "Dark"])
    )
    results = [t["predictions"][0]["result"] for t in batch]
    assert [[r["value"]["choices"] for r in rs] for rs in results] == [
        [["Day"], ["Blurry", "Dark"]],
        [],
        [["Night"], ["Dark"]],
    ]
    assert [rs[0]["score"] for rs in results if rs] == [0.5, 0.7]
    assert [t["predictions"][0]["score"] for t in batch] == [0.1, 0.2, 0.3]
    expected = scene.choose("Night", score=0.7)
    assert {**results[2][0], "id": "-"} == {**expected, "id": "-"}
    assert list(results[2][0]) == list(expected)
    ids = [r["id"] for rs in results for r in rs]
    assert len(set(ids)) == len(ids) == 4


def test_choices_from_class_ids_and_errors() -> None:
    batch = PredictionBatch(CONFIG, {"image": ["a", "b"]}).choices(
        "scene", class_ids=[1, 0], class_names=["night", "day"]
    )
    assert [t["predictions"][0]["result"][0]["value"]["choices"] for t in batch] == [
        ["Day"],
        ["Night"],
    ]
    base = PredictionBatch(CONFIG, {"image": ["a", "b"]})
    with pytest.raises(LabelError, match=re.escape("choices[1]: 'Dusk' is not a")):
        base.choices("scene", ["Day", "Dusk"])
    with pytest.raises(BuildError, match=re.escape("choices has 1 items; expected 2")):
        base.choices("scene", ["Day"])
    with pytest.raises(BuildError, match=re.escape("not one string")):
        base.choices("scene", "Day")
    with pytest.raises(LabelError, match=re.escape("needs one choice per task")):
        base.choices("scene")
    with pytest.raises(BuildError, match=re.escape("scores[0] must be between 0 and 1")):
        base.choices("scene", ["Day", "Day"], scores=2)


# --- the batch as a sequence, data, ids, files -------------------------------------------------


def test_sequence_reads_are_stable_and_chunked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch_tasks, "_CHUNK", 3)
    xyxy, class_ids, scores, sizes = _detections(8, 2, seed=9)
    batch = _batch(xyxy, class_ids, scores, sizes, [2] * 8).choices("scene", ["Day"] * 8)
    everything = list(batch)
    assert len(batch) == 8
    assert batch.result_count == 24
    assert batch[3] == everything[3] == batch[-5]
    assert batch[2:5] == everything[2:5]
    assert batch[::3] == everything[::3]
    assert list(batch) == everything  # the same ids on every read
    assert repr(batch) == "<PredictionBatch: 8 tasks, 24 results>"
    with pytest.raises(IndexError, match="task 8 is out of range: the batch has 8"):
        batch[8]
    everything[0]["predictions"][0]["result"][0]["value"]["rectanglelabels"].append("x")
    assert (
        batch[0]["predictions"][0]["result"][0]["value"]["rectanglelabels"]
        != everything[0]["predictions"][0]["result"][0]["value"]["rectanglelabels"]
    )


def test_data_as_rows_or_columns_and_its_errors() -> None:
    rows = PredictionBatch(CONFIG, [{"image": "a", "extra": 1}, {"image": "b"}])
    columns = PredictionBatch(CONFIG, {"image": np.array(["a", "b"]), "extra": [1, None]})
    assert [t["data"] for t in rows] == [{"image": "a", "extra": 1}, {"image": "b"}]
    assert [t["data"] for t in columns] == [
        {"image": "a", "extra": 1},
        {"image": "b", "extra": None},
    ]
    with pytest.raises(BuildError, match=re.escape("data has no column 'image'")):
        PredictionBatch(CONFIG, {"img": ["a"]})
    with pytest.raises(BuildError, match=re.escape("data[1] has no 'image'")):
        PredictionBatch(CONFIG, [{"image": "a"}, {"img": "b"}])
    with pytest.raises(BuildError, match=re.escape("their lengths differ: image: 2, x: 1")):
        PredictionBatch(CONFIG, {"image": ["a", "b"], "x": [1]})
    with pytest.raises(BuildError, match=re.escape("score[1] must be between 0 and 1")):
        PredictionBatch(CONFIG, {"image": ["a", "b"]}, score=[0.5, 7])


def test_reproducible_ids_and_validation_and_files(tmp_path: Path, sdk_validate: Any) -> None:
    xyxy, class_ids, scores, sizes = _detections(5, 4, seed=3)

    def build() -> list[dict[str, Any]]:
        with reproducible_ids(11):
            batch = _batch(xyxy, class_ids, scores, sizes, [4] * 5)
            return list(batch.choices("scene", ["Day", "Night"] * 2 + ["Day"], scores=0.9))

    tasks = build()
    assert tasks == build()
    assert json.loads(json.dumps(tasks)) == tasks
    validator = Validator(CONFIG)
    assert [r for i, t in enumerate(tasks) for r in validator.check_task(t, i)] == []
    assert sdk_validate(CONFIG.xml, tasks[0]["predictions"][0]) == []
    with reproducible_ids(11):
        batch = _batch(xyxy, class_ids, scores, sizes, [4] * 5).choices(
            "scene", ["Day", "Night"] * 2 + ["Day"], scores=0.9
        )
        write_jsonl(tmp_path / "t.jsonl", batch)
        write_json(tmp_path / "t.json", batch)
    assert list(read_tasks(tmp_path / "t.jsonl")) == tasks
    assert list(read_tasks(tmp_path / "t.json")) == tasks


def test_empty_batch_and_task_without_boxes() -> None:
    batch = PredictionBatch(CONFIG, {"image": ["a", "b"]}).boxes(
        "label", xyxy_px=np.zeros((0, 4)), counts=[0, 0], image_wh=(9, 9), label="Car"
    )
    assert [t["predictions"][0]["result"] for t in batch] == [[], []]
    assert list(PredictionBatch(CONFIG, [])) == []


def test_error_rows_count_the_rows_as_given_when_a_label_map_dropped_some() -> None:
    """Row numbers in messages are the caller's, not those left after dropping."""
    names = LabelMap(BOXES, classes=["dog", "car"], unmapped="drop")
    with pytest.raises(BuildError, match=re.escape("task 1 (xyxy_px rows from 2 on): xyxy_px[0]")):
        PredictionBatch(CONFIG, {"image": ["a", "b"]}).boxes(
            "label",
            xyxy_px=[[1, 1, 5, 5], [1, 1, 5, 5], [5, 5, 1, 9]],
            counts=[1, 2],
            image_wh=(9, 9),
            class_ids=[1, 0, 1],
            class_names=names,
        )
    with pytest.raises(BuildError, match=re.escape("task_index[2] = 5 names no task")):
        PredictionBatch(CONFIG, {"image": ["a", "b"]}).boxes(
            "label",
            xyxy_px=[[1, 1, 5, 5]] * 3,
            task_index=[0, 1, 5],
            image_wh=(9, 9),
            class_ids=[1, 0, 1],
            class_names=LabelMap(BOXES, classes=["dog", "car"], unmapped="drop"),
        )


def test_ids_readonly_and_hidden_follow_the_rows_as_given() -> None:
    """``ids`` name the rows in the caller's order (task_index in any order, a LabelMap
    dropping some); ``readonly`` and ``hidden`` are on every result, as the builder puts them."""
    names = LabelMap(BOXES, classes=["car", "dog"], unmapped="drop")
    batch = PredictionBatch(CONFIG, {"image": ["a", "b"]}).boxes(
        "label",
        xyxy_px=[[0, 0, 10, 10], [10, 10, 20, 20], [20, 20, 30, 30], [30, 30, 40, 40]],
        task_index=[1, 0, 1, 0],
        image_wh=(100, 100),
        class_ids=[0, 1, 0, 0],
        class_names=names,
        ids=["r0", "r1", "r2", "r3"],
        readonly=True,
        hidden=False,
    )
    first, second = (t["predictions"][0]["result"] for t in batch)
    assert [(r["id"], r["value"]["x"]) for r in first] == [("r3", 30.0)]
    assert [(r["id"], r["value"]["x"]) for r in second] == [("r0", 0.0), ("r2", 20.0)]
    expected = BOXES.boxes(
        xyxy_px=[[0, 0, 10, 10]], image_wh=(100, 100), label="Car", readonly=True, hidden=False
    )[0].result
    assert list(second[0]) == list(expected)
    assert (second[0]["readonly"], second[0]["hidden"]) == (True, False)


def test_ids_are_checked_as_the_builders_check_them() -> None:
    batch = PredictionBatch(CONFIG, {"image": ["a"]})
    with pytest.raises(BuildError, match=r"ids has 1 items; expected 2, one per box"):
        batch.boxes("label", xyxy_px=[[0, 0, 1, 2]] * 2, counts=[2], image_wh=(9, 9), label="Car",
                    ids=["a"])  # fmt: skip
    with pytest.raises(BuildError, match=r"ids repeats 'a'"):
        batch.boxes("label", xyxy_px=[[0, 0, 1, 2]] * 2, counts=[2], image_wh=(9, 9), label="Car",
                    ids=["a", "a"])  # fmt: skip


def test_choices_take_ids_readonly_and_hidden() -> None:
    batch = PredictionBatch(CONFIG, {"image": ["a", "b", "c"]}).choices(
        "scene", ["Day", None, "Night"], ids=["c0", "c1", "c2"], readonly=True, hidden=True
    )
    results = [t["predictions"][0]["result"] for t in batch]
    assert [[(r["id"], r["readonly"], r["hidden"]) for r in rs] for rs in results] == [
        [("c0", True, True)],
        [],
        [("c2", True, True)],
    ]
