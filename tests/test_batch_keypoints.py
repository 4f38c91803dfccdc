"""PredictionBatch.keypoints(): a dataset's keypoints, equal to KeyPointLabels.points()."""

from __future__ import annotations

import json
import re
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from batch_helpers import key_orders as _key_orders
from batch_helpers import no_ids as _no_ids
from prelabel import LabelConfig, LabelMap, Validator, reproducible_ids
from prelabel.batch import PredictionBatch
from prelabel.errors import BuildError, LabelError
from prelabel.tags.controls import KeyPoint, KeyPointLabels

CONFIG = LabelConfig.parse(
    """<View>
  <Image name="image" value="$image"/>
  <KeyPointLabels name="pose" toName="image">
    <Label value="Nose" predicted_values="nose_tip"/><Label value="Eye"/>
    <Label value="Ear" alias="ear"/>
  </KeyPointLabels>
  <KeyPoint name="plain" toName="image"/>
  <Choices name="scene" toName="image"><Choice value="Day"/><Choice value="Night"/></Choices>
</View>"""
)
CLASSES = ["nose", "eye", "ear", "nose_tip"]
POSE = CONFIG.control("pose", KeyPointLabels)
PLAIN = CONFIG.control("plain", KeyPoint)


def _per_image(
    control: KeyPointLabels | KeyPoint,
    arg: str,
    points: np.ndarray,
    sizes: list[tuple[int, int]],
    counts: list[int],
    *,
    class_ids: np.ndarray | None = None,
    scores: np.ndarray | None = None,
    widths: dict[str, Any] | None = None,
    clip: bool = False,
) -> list[dict[str, Any]]:
    """The same tasks built one image at a time with points()."""
    names = LabelMap(POSE, classes=CLASSES) if class_ids is not None else None
    out, start = [], 0
    for task, count in enumerate(counts):
        rows = slice(start, start + count)
        start += count
        width = {
            key: value if np.ndim(value) == 0 else value[rows]
            for key, value in (widths or {}).items()
        }
        try:
            regions = control.points(
                **{arg: points[rows]},
                **width,
                image_wh=sizes[task],
                labels=None if names is None else names.map(class_ids[rows].tolist()),  # type: ignore[index]
                scores=None if scores is None else scores[rows],
                clip=clip,
            )
        except BuildError as error:
            raise type(error)(f"task {task}: {error}") from None
        prediction = {"model_version": "m", "result": [r.result for r in regions]}
        out.append(
            {"data": {"image": f"https://example.com/{task}.jpg"}, "predictions": [prediction]}
        )
    return out


def _batch(
    control: str,
    arg: str,
    points: np.ndarray,
    sizes: list[tuple[int, int]],
    counts: list[int],
    *,
    class_ids: np.ndarray | None = None,
    scores: np.ndarray | None = None,
    widths: dict[str, Any] | None = None,
    clip: bool = False,
) -> PredictionBatch:
    data = {"image": [f"https://example.com/{task}.jpg" for task in range(len(counts))]}
    return PredictionBatch(CONFIG, data, model_version="m").keypoints(
        control,
        **{arg: points},
        counts=counts,
        image_wh=sizes,
        class_ids=class_ids,
        class_names=None if class_ids is None else CLASSES,
        scores=scores,
        clip=clip,
        **(widths or {}),
    )


def _poses(tasks: int, per_task: int, seed: int = 0) -> tuple[Any, ...]:
    rng = np.random.default_rng(seed)
    sizes = [((640, 480), (1920, 1080), (333, 777))[i % 3] for i in range(tasks)]
    wh = np.repeat(np.array(sizes, dtype=np.float64), per_task, axis=0)
    points = rng.uniform(0.0, 1.0, (tasks * per_task, 2)) * wh
    class_ids = rng.integers(0, len(CLASSES), tasks * per_task)
    scores = rng.uniform(0.0, 1.0, tasks * per_task)
    return points, class_ids, scores, sizes


# --- the same output as the per-image builder ------------------------------------------------


def test_batch_equals_per_image_builder_with_key_order() -> None:
    points, class_ids, scores, sizes = _poses(6, 17)
    counts = [17] * 6
    got = list(_batch("pose", "xy_px", points, sizes, counts, class_ids=class_ids, scores=scores))
    expected = _per_image(POSE, "xy_px", points, sizes, counts, class_ids=class_ids, scores=scores)
    assert _no_ids(got) == _no_ids(expected)
    assert _key_orders(got) == _key_orders(expected)
    labels = [r["value"]["keypointlabels"] for r in got[0]["predictions"][0]["result"]]
    assert {tuple(x) for x in labels} <= {("Nose",), ("Eye",), ("ear",)}


coordinate = st.one_of(
    st.floats(-30, 700, allow_nan=False),
    st.floats(-0.5, 1.5),  # fractions, NaN and infinity too
    st.sampled_from([0.0, 640.0, 480.0, -1e-7, 640.0000001]),
)
width_value = st.one_of(st.floats(-1, 120, allow_nan=False), st.sampled_from([0.0, float("nan")]))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    counts=st.lists(st.integers(0, 4), min_size=1, max_size=5),
    data=st.data(),
    units=st.sampled_from(["px", "norm", "pct"]),
    width_kind=st.sampled_from(["none", "px", "pct", "px-rows", "pct-rows"]),
    clip=st.booleans(),
    labeled=st.booleans(),
)
def test_batch_accepts_and_refuses_what_the_per_image_builder_does(
    counts: list[int],
    data: st.DataObject,
    units: str,
    width_kind: str,
    clip: bool,
    labeled: bool,
) -> None:
    """Points on, past and far outside the edges, fractions in px, odd widths: the same
    results, or the same error after ``task N``."""
    total = sum(counts)
    flat = data.draw(st.lists(coordinate, min_size=2 * total, max_size=2 * total))
    points = np.array(flat, dtype=float).reshape(total, 2)
    if units == "norm":
        points = points / 640.0
    elif units == "pct":
        points = points / 6.4
    scores = np.array(data.draw(st.lists(st.floats(0, 1), min_size=total, max_size=total)))
    class_ids = (
        np.array(data.draw(st.lists(st.integers(0, 3), min_size=total, max_size=total)))
        if labeled
        else None
    )
    widths: dict[str, Any] = {}
    if width_kind != "none":
        name = "width_" + width_kind.split("-")[0]
        if width_kind.endswith("rows"):
            widths[name] = np.array(
                data.draw(st.lists(width_value, min_size=total, max_size=total)), dtype=float
            )
        else:
            widths[name] = data.draw(width_value)
    sizes = [(640, 480)] * len(counts)
    control = POSE if labeled else PLAIN
    arg = f"xy_{units}"
    options = {"class_ids": class_ids, "scores": scores, "widths": widths, "clip": clip}
    try:
        expected = _per_image(control, arg, points, sizes, counts, **options)
    except BuildError as error:
        task, message = str(error).split(": ", 1)
    else:
        task = message = ""
    if message:
        with pytest.raises(BuildError, match=re.escape(message)) as info:
            _batch(control.name, arg, points, sizes, counts, **options)
        assert str(info.value).startswith(task + " ")
        return
    got = list(_batch(control.name, arg, points, sizes, counts, **options))
    assert _no_ids(got) == _no_ids(expected)
    assert _key_orders(got) == _key_orders(expected)


@pytest.mark.parametrize("units", ["px", "norm", "pct"])
def test_every_unit_and_width_matches_the_builder(units: str) -> None:
    points, _, _, sizes = _poses(4, 5, seed=2)
    scale = {"px": 1.0, "norm": 1.0 / 640, "pct": 100.0 / 640}[units]
    sizes = [(640, 640)] * 4
    points = points % 640 * scale
    for widths in ({}, {"width_px": 12}, {"width_pct": np.linspace(0.1, 3, 20)}):
        got = list(_batch("plain", f"xy_{units}", points, sizes, [5] * 4, widths=widths))
        expected = _per_image(PLAIN, f"xy_{units}", points, sizes, [5] * 4, widths=widths)
        assert _no_ids(got) == _no_ids(expected)


def test_task_index_in_any_order_equals_counts() -> None:
    points, class_ids, scores, sizes = _poses(4, 3, seed=5)
    task_index = np.repeat(np.arange(4), 3)
    shuffle = np.random.default_rng(1).permutation(12)
    widths = np.arange(1.0, 13.0)
    data = [{"image": str(i)} for i in range(4)]
    by_index = PredictionBatch(CONFIG, data).keypoints(
        "pose",
        xy_px=points[shuffle],
        task_index=task_index[shuffle],
        image_wh=sizes,
        width_px=widths[shuffle],
        class_ids=class_ids[shuffle],
        class_names=CLASSES,
        scores=scores[shuffle],
    )
    by_counts = PredictionBatch(CONFIG, data).keypoints(
        "pose",
        xy_px=points,
        counts=[3] * 4,
        image_wh=sizes,
        width_px=widths,
        class_ids=class_ids,
        class_names=CLASSES,
        scores=scores,
    )

    def key(task: dict[str, Any]) -> list[Any]:
        return sorted((*r["value"].values(), r["score"]) for r in task["predictions"][0]["result"])

    assert [key(t) for t in by_index] == [key(t) for t in by_counts]


def test_label_map_drop_removes_points_of_unmapped_classes() -> None:
    names = LabelMap(POSE, classes=["nose", "hand"], unmapped="drop")
    batch = PredictionBatch(CONFIG, {"image": ["a", "b"]}).keypoints(
        "pose",
        xy_px=[[1, 1], [10, 10], [20, 20]],
        counts=[2, 1],
        image_wh=(100, 100),
        width_px=[1, 2, 3],
        class_ids=[1, 0, 1],
        class_names=names,
    )
    first, second = (t["predictions"][0]["result"] for t in batch)
    assert [(r["value"]["x"], r["value"]["width"]) for r in first] == [(10.0, 2.0)]
    assert second == []
    assert batch.result_count == 1
    assert dict(names.dropped) == {"hand": 2}


# --- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({}, BuildError, "say which task each point is for: task_index= (one task number per "),
        ({"counts": [1, 2]}, BuildError, "counts add up to 3, but 2 points were given"),
        (
            {"counts": [1, 1], "xy_px": [[1, 2, 3]]},
            BuildError,
            "xy_px must have shape (M, 2), every point of the batch in one array, got (1, 3)",
        ),
        (
            {"counts": [1, 1], "xy_pct": [[1, 1]] * 2, "xy_px": [[1, 1]] * 2},
            BuildError,
            "give the points once, as one of xy_px=, xy_norm=, xy_pct=; got xy_px, xy_pct",
        ),
        (
            {"counts": [1, 1], "width_px": 2, "width_pct": 2},
            BuildError,
            "give the keypoint width once, as width_px= or width_pct=",
        ),
        (
            {"counts": [1, 1], "width_px": [1, 2, 3]},
            BuildError,
            "width_px must be one number or have shape (2,), one per point, got shape (3,)",
        ),
        (
            {"counts": [1, 1], "scores": [0.5, 50]},
            BuildError,
            "scores[1] must be between 0 and 1, got 50.0 (scores must be probabilities in [0, 1]",
        ),
        (
            {"counts": [1, 1], "xy_px": [[3, 3], [5, 12]]},
            BuildError,
            "task 1 (xy_px rows from 1 on): xy_px[0]=(5, 12) lies outside the 9x9 image; pass "
            "clip=True to move points onto the image edge",
        ),
        (
            {"counts": [1, 1], "xy_px": [[3, 3], [0.5, 0.5]]},
            BuildError,
            "task 1 (xy_px rows from 1 on): all 1 xy_px lie within 1 px of the image corner: "
            "the values look like 0-1 fractions; pass xy_norm= instead",
        ),
        (
            {"counts": [1, 1], "width_px": [1, 0]},
            BuildError,
            "task 1 (xy_px rows from 1 on): width_px[0] must be a positive number, got 0",
        ),
        (
            {"counts": [1, 1], "width_pct": 101},
            BuildError,
            "task 0 (xy_px rows from 0 on): width_pct is wider than the image (101% of its width)",
        ),
        (
            {"task_index": [1, 1], "xy_norm": [[0.5, 0.5], [0.5, np.nan]]},
            BuildError,
            "task 1 (xy_norm rows from 0 on): xy_norm[1] must be finite, got (0.5, nan)",
        ),
        ({"counts": [1, 1], "labels": ["Nose", "Hand"]}, LabelError, "labels[1]: 'Hand' is not"),
        ({"counts": [1, 1], "label": None}, LabelError, "needs labels: pass one of label="),
    ],
    ids=[
        "no-grouping",
        "counts-sum",
        "shape",
        "two-units",
        "two-widths",
        "width-shape",
        "score-range",
        "outside",
        "fractions",
        "width-zero",
        "width-too-wide",
        "nan",
        "unknown-label",
        "no-label",
    ],
)
def test_located_errors(options: dict[str, Any], error: type[Exception], message: str) -> None:
    arguments: dict[str, Any] = {"image_wh": (9, 9), "label": "Nose"}
    arguments.update(options)
    if not any(key.startswith("xy_") for key in options):
        arguments["xy_px"] = [[3, 3], [4, 4]]
    if "labels" in options:
        del arguments["label"]
    with pytest.raises(error, match=re.escape(message)):
        PredictionBatch(CONFIG, {"image": ["a", "b"]}).keypoints("pose", **arguments)


def test_control_kind_and_unlabeled_tool_are_checked() -> None:
    base = PredictionBatch(CONFIG, {"image": ["a"]})
    with pytest.raises(BuildError, match=re.escape("keypoints() takes a <KeyPointLabels> or")):
        base.keypoints("scene", xy_px=[[1, 1]], counts=[1], image_wh=(9, 9))
    with pytest.raises(
        BuildError,
        match=re.escape(
            "<KeyPoint name='plain'> draws keypoints without labels and takes none; label them "
            "with a <Labels> control, or use <KeyPointLabels>"
        ),
    ):
        base.keypoints("plain", xy_px=[[1, 1]], counts=[1], image_wh=(9, 9), label="Nose")


# --- output: JSON, validators ------------------------------------------------------------------


def test_json_round_trip_and_validation_clean(sdk_validate: Any) -> None:
    points, class_ids, scores, sizes = _poses(5, 4, seed=3)

    def build() -> list[dict[str, Any]]:
        with reproducible_ids(7):
            batch = _batch(
                "pose", "xy_px", points, sizes, [4] * 5, class_ids=class_ids, scores=scores
            )
            batch.keypoints("plain", xy_norm=[[0.5, 0.5]] * 5, counts=[1] * 5, image_wh=sizes)
            return list(batch.choices("scene", ["Day"] * 5))

    tasks = build()
    assert tasks == build()
    assert json.loads(json.dumps(tasks)) == tasks
    validator = Validator(CONFIG)
    assert [r for i, t in enumerate(tasks) for r in validator.check_task(t, i)] == []
    for task in tasks:
        assert sdk_validate(CONFIG.xml, task["predictions"][0]) == []


def test_empty_batch_and_tasks_without_points() -> None:
    batch = PredictionBatch(CONFIG, {"image": ["a", "b"]}).keypoints(
        "pose", xy_px=np.zeros((0, 2)), counts=[0, 0], image_wh=(9, 9), label="Nose"
    )
    assert [t["predictions"][0]["result"] for t in batch] == [[], []]
    assert batch.result_count == 0
