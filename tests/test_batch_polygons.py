"""PredictionBatch.polygons(): a dataset's polygons, equal to PolygonLabels.polygons()."""

from __future__ import annotations

import itertools
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
from prelabel.tags.controls import Polygon, PolygonLabels

CONFIG = LabelConfig.parse(
    """<View>
  <Image name="image" value="$image"/>
  <PolygonLabels name="seg" toName="image">
    <Label value="Road" predicted_values="street"/><Label value="Building"/>
    <Label value="Tree" alias="tree"/>
  </PolygonLabels>
  <Polygon name="plain" toName="image"/>
  <Choices name="scene" toName="image"><Choice value="Day"/><Choice value="Night"/></Choices>
</View>"""
)
CLASSES = ["road", "building", "tree", "street"]
SEG = CONFIG.control("seg", PolygonLabels)
PLAIN = CONFIG.control("plain", Polygon)


def _split(vertices: np.ndarray, point_counts: list[int]) -> list[np.ndarray]:
    bounds = np.cumsum([0, *point_counts])
    return [vertices[a:b] for a, b in itertools.pairwise(bounds)]


def _per_image(
    control: PolygonLabels | Polygon,
    arg: str,
    vertices: np.ndarray,
    point_counts: list[int],
    sizes: list[tuple[int, int]],
    counts: list[int],
    *,
    class_ids: np.ndarray | None = None,
    scores: np.ndarray | None = None,
    clip: bool = False,
) -> list[dict[str, Any]]:
    """The same tasks built one image at a time with polygons()."""
    names = LabelMap(SEG, classes=CLASSES) if class_ids is not None else None
    rings = _split(vertices, point_counts)
    out, start = [], 0
    for task, count in enumerate(counts):
        rows = slice(start, start + count)
        start += count
        try:
            regions = control.polygons(
                **{arg: rings[rows]},
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
    vertices: np.ndarray,
    point_counts: list[int],
    sizes: list[tuple[int, int]],
    counts: list[int],
    *,
    class_ids: np.ndarray | None = None,
    scores: np.ndarray | None = None,
    clip: bool = False,
) -> PredictionBatch:
    data = {"image": [f"https://example.com/{task}.jpg" for task in range(len(counts))]}
    return PredictionBatch(CONFIG, data, model_version="m").polygons(
        control,
        **{arg: vertices},
        point_counts=point_counts,
        counts=counts,
        image_wh=sizes,
        class_ids=class_ids,
        class_names=None if class_ids is None else CLASSES,
        scores=scores,
        clip=clip,
    )


def _shapes(tasks: int, per_task: int, seed: int = 0) -> tuple[Any, ...]:
    """Star-shaped polygons of 3 to 12 vertices, some closed with a repeat of the first."""
    rng = np.random.default_rng(seed)
    sizes = [((640, 480), (1920, 1080), (333, 777))[i % 3] for i in range(tasks)]
    rings, point_counts = [], []
    for task in range(tasks):
        wh = np.array(sizes[task], dtype=float)
        for _ in range(per_task):
            k = int(rng.integers(3, 13))
            angles = np.sort(rng.uniform(0, 2 * np.pi, k))
            radius = rng.uniform(0.05, 0.2) * wh.min()
            center = rng.uniform(0.25, 0.75, 2) * wh
            ring = center + radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)
            if k > 3 and rng.random() < 0.3:
                ring = np.concatenate([ring, ring[:1]])
            rings.append(ring)
            point_counts.append(len(ring))
    class_ids = rng.integers(0, len(CLASSES), tasks * per_task)
    scores = rng.uniform(0.0, 1.0, tasks * per_task)
    return np.concatenate(rings), point_counts, class_ids, scores, sizes


# --- the same output as the per-image builder ------------------------------------------------


def test_batch_equals_per_image_builder_with_key_order() -> None:
    vertices, point_counts, class_ids, scores, sizes = _shapes(6, 5)
    counts = [5] * 6
    options = {"class_ids": class_ids, "scores": scores}
    got = list(_batch("seg", "points_px", vertices, point_counts, sizes, counts, **options))
    expected = _per_image(SEG, "points_px", vertices, point_counts, sizes, counts, **options)
    assert _no_ids(got) == _no_ids(expected)
    assert _key_orders(got) == _key_orders(expected)
    closed = [len(r["value"]["points"]) for t in got for r in t["predictions"][0]["result"]]
    assert sum(closed) < len(vertices)  # the closing repeats were dropped


vertex = st.one_of(
    st.tuples(st.floats(-30, 700, allow_nan=False), st.floats(-30, 500, allow_nan=False)),
    st.tuples(st.floats(-0.5, 1.5), st.floats(-0.5, 1.5)),  # fractions, NaN, infinity
    st.sampled_from([(0.0, 0.0), (640.0, 0.0), (640.0, 480.0), (5.0, 5.0), (-1e-7, 480.0)]),
)


@st.composite
def polygon(draw: st.DrawFn) -> list[tuple[float, float]]:
    """Usually 3 to 6 vertices; sometimes too few, a closing repeat, or all on one line."""
    ring = draw(st.lists(vertex, min_size=draw(st.sampled_from([0, 3, 3, 3])), max_size=6))
    kind = draw(st.sampled_from(["as-is", "as-is", "closed", "line"]))
    if kind == "closed" and ring:
        ring = [*ring, ring[0]]
    elif kind == "line" and ring:
        x, y = ring[0]
        ring = [(x + i, y + 2 * i) for i in range(len(ring))]
    return ring


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    per_task=st.lists(st.lists(polygon(), min_size=0, max_size=3), min_size=1, max_size=4),
    data=st.data(),
    units=st.sampled_from(["px", "norm", "pct"]),
    clip=st.booleans(),
    labeled=st.booleans(),
)
def test_batch_accepts_and_refuses_what_the_per_image_builder_does(
    per_task: list[list[list[tuple[float, float]]]],
    data: st.DataObject,
    units: str,
    clip: bool,
    labeled: bool,
) -> None:
    """Short rings, repeats, lines, vertices past the edges, fractions in px, NaN: the same
    results, or the same error after ``task N``."""
    rings = [ring for task in per_task for ring in task]
    counts = [len(task) for task in per_task]
    point_counts = [len(ring) for ring in rings]
    vertices = np.array([v for ring in rings for v in ring], dtype=float).reshape(-1, 2)
    vertices = vertices * {"px": 1.0, "norm": 1 / 640, "pct": 100 / 640}[units]
    total = len(rings)
    scores = np.array(data.draw(st.lists(st.floats(0, 1), min_size=total, max_size=total)))
    class_ids = (
        np.array(data.draw(st.lists(st.integers(0, 3), min_size=total, max_size=total)))
        if labeled
        else None
    )
    sizes = [(640, 480)] * len(counts)
    control = SEG if labeled else PLAIN
    arg = f"points_{units}"
    options = {"class_ids": class_ids, "scores": scores, "clip": clip}
    try:
        expected = _per_image(control, arg, vertices, point_counts, sizes, counts, **options)
    except BuildError as error:
        task, message = str(error).split(": ", 1)
    else:
        task = message = ""
    if message:
        with pytest.raises(BuildError, match=re.escape(message)) as info:
            _batch(control.name, arg, vertices, point_counts, sizes, counts, **options)
        assert str(info.value).startswith(task + " ")
        return
    got = list(_batch(control.name, arg, vertices, point_counts, sizes, counts, **options))
    assert _no_ids(got) == _no_ids(expected)
    assert _key_orders(got) == _key_orders(expected)


@pytest.mark.parametrize("units", ["px", "norm", "pct"])
def test_every_unit_matches_the_builder(units: str) -> None:
    vertices, point_counts, _, _, _ = _shapes(3, 4, seed=2)
    sizes = [(1920, 1080)] * 3
    vertices = vertices * {"px": 1.0, "norm": 1 / 1920, "pct": 100 / 1920}[units]
    arg = f"points_{units}"
    got = list(_batch("plain", arg, vertices, point_counts, sizes, [4] * 3))
    expected = _per_image(PLAIN, arg, vertices, point_counts, sizes, [4] * 3)
    assert _no_ids(got) == _no_ids(expected)


def test_task_index_in_any_order_equals_counts() -> None:
    vertices, point_counts, class_ids, scores, sizes = _shapes(4, 3, seed=5)
    rings = _split(vertices, point_counts)
    task_index = np.repeat(np.arange(4), 3)
    shuffle = np.random.default_rng(1).permutation(12)
    data = [{"image": str(i)} for i in range(4)]
    by_index = PredictionBatch(CONFIG, data).polygons(
        "seg",
        points_px=np.concatenate([rings[i] for i in shuffle]),
        point_counts=[point_counts[i] for i in shuffle],
        task_index=task_index[shuffle],
        image_wh=sizes,
        class_ids=class_ids[shuffle],
        class_names=CLASSES,
        scores=scores[shuffle],
    )
    by_counts = _batch(
        "seg",
        "points_px",
        vertices,
        point_counts,
        sizes,
        [3] * 4,
        class_ids=class_ids,
        scores=scores,
    )

    def key(task: dict[str, Any]) -> list[Any]:
        return sorted(
            (r["value"]["points"], r["value"]["polygonlabels"], r["score"])
            for r in task["predictions"][0]["result"]
        )

    assert [key(t) for t in by_index] == [key(t) for t in by_counts]


def test_label_map_drop_removes_polygons_and_their_vertices() -> None:
    names = LabelMap(SEG, classes=["road", "sky"], unmapped="drop")
    triangle = [[0, 0], [10, 0], [10, 10]]
    square = [[20, 20], [30, 20], [30, 30], [20, 30]]
    batch = PredictionBatch(CONFIG, {"image": ["a", "b"]}).polygons(
        "seg",
        points_px=[*triangle, *square, *triangle],
        point_counts=[3, 4, 3],
        counts=[2, 1],
        image_wh=(100, 100),
        class_ids=[1, 0, 1],
        class_names=names,
    )
    first, second = (t["predictions"][0]["result"] for t in batch)
    assert [r["value"]["points"] for r in first] == [[[float(x), float(y)] for x, y in square]]
    assert second == []
    assert batch.result_count == 1
    assert dict(names.dropped) == {"sky": 2}


def test_reads_are_fresh_lists() -> None:
    batch = PredictionBatch(CONFIG, {"image": ["a"]}).polygons(
        "plain",
        points_px=[[-5, 0], [10, 0], [10, 10], [0, 0], [10, 0], [10, 10]],
        point_counts=[3, 3],
        counts=[2],
        image_wh=(100, 100),
        clip=True,
    )
    first = batch[0]["predictions"][0]["result"]
    for result in first:
        result["value"]["points"][0].append(1.0)
    again = batch[0]["predictions"][0]["result"]
    assert [r["value"]["points"][0] for r in again] == [[0.0, 0.0], [0.0, 0.0]]


# --- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({}, BuildError, "say which task each polygon is for: task_index= (one task number "),
        ({"counts": [1, 2]}, BuildError, "counts add up to 3, but 2 polygons were given"),
        (
            {"counts": [1, 1], "point_counts": [3, 4]},
            BuildError,
            "point_counts add up to 7, but points_px has 6 vertices; give every polygon's "
            "vertices one after another, and how many each has",
        ),
        (
            {"counts": [1, 1], "point_counts": [[3, 3]]},
            BuildError,
            "point_counts must have shape (M,), the number of vertices of each polygon, got (1, 2)",
        ),
        ({"counts": [1, 1], "point_counts": [7, -1]}, BuildError, "point_counts[1] = -1 is neg"),
        (
            {"counts": [1, 1], "point_counts": [3, 2.5]},
            BuildError,
            "point_counts[1] = 2.5 is not a whole number",
        ),
        (
            {"counts": [1, 1], "points_px": [[1, 2, 3]]},
            BuildError,
            "points_px must have shape (P, 2), every vertex of the batch in one array, got (1, 3)",
        ),
        (
            {"counts": [1, 1], "points_norm": [[0, 0]] * 6},
            BuildError,
            "give the polygons once, as one of points_px=, points_norm=, points_pct=; got "
            "points_px, points_norm",
        ),
        (
            {"counts": [1, 1], "scores": [0.5, 50]},
            BuildError,
            "scores[1] must be between 0 and 1, got 50.0 (scores must be probabilities in [0, 1]",
        ),
        (
            {"counts": [1, 1], "point_counts": [4, 2]},
            BuildError,
            "task 1 (polygons from 1 on, points_px rows from 4 on): points_px[0] has 2 point(s); "
            "a polygon needs at least 3",
        ),
        (
            {"counts": [1, 1], "points_px": [[3, 3], [8, 3], [8, 8], [3, 3], [9, 3], [8, 99]]},
            BuildError,
            "task 1 (polygons from 1 on, points_px rows from 3 on): points_px[0][2]=(8, 99) "
            "lies outside the 9x9 image; pass clip=True to move points onto the image edge",
        ),
        (
            {"counts": [1, 1], "points_px": [[3, 3], [8, 3], [8, 8], [0, 0], [1, 0], [1, 1]]},
            BuildError,
            "task 1 (polygons from 1 on, points_px rows from 3 on): points_px[0] lies within "
            "1 px of the image corner",
        ),
        (
            {"counts": [1, 1], "points_px": [[3, 3], [8, 3], [8, 8], [2, 2], [3, 3], [4, 4]]},
            BuildError,
            "task 1 (polygons from 1 on, points_px rows from 3 on): points_px[0] has zero area",
        ),
        (
            {
                "task_index": [1, 0],
                "points_px": [[3, 3], [8, 3], [8, 8], [2, 2], [3, np.nan], [4, 2]],
            },
            BuildError,
            "task 0: points_px[0][1] must be finite, got (3, nan)",
        ),
        ({"counts": [1, 1], "labels": ["Road", "Sky"]}, LabelError, "labels[1]: 'Sky' is not"),
    ],
    ids=[
        "no-grouping",
        "counts-sum",
        "point-counts-sum",
        "point-counts-shape",
        "point-counts-negative",
        "point-counts-fraction",
        "shape",
        "two-units",
        "score-range",
        "too-few",
        "outside",
        "fractions",
        "zero-area",
        "nan-task-index",
        "unknown-label",
    ],
)
def test_located_errors(options: dict[str, Any], error: type[Exception], message: str) -> None:
    arguments: dict[str, Any] = {"image_wh": (9, 9), "label": "Road", "point_counts": [3, 3]}
    arguments.update(options)
    arguments.setdefault("points_px", [[3, 3], [8, 3], [8, 8], [2, 2], [7, 2], [7, 7]])
    if "labels" in options:
        del arguments["label"]
    with pytest.raises(error, match=re.escape(message)):
        PredictionBatch(CONFIG, {"image": ["a", "b"]}).polygons("seg", **arguments)


def test_control_kind_and_unlabeled_tool_are_checked() -> None:
    base = PredictionBatch(CONFIG, {"image": ["a"]})
    triangle = [[1, 1], [5, 1], [5, 5]]
    with pytest.raises(BuildError, match=re.escape("polygons() takes a <PolygonLabels> or")):
        base.polygons("scene", points_px=triangle, point_counts=[3], counts=[1], image_wh=(9, 9))
    with pytest.raises(
        BuildError,
        match=re.escape(
            "<Polygon name='plain'> draws polygons without labels and takes none; label them "
            "with a <Labels> control, or use <PolygonLabels>"
        ),
    ):
        base.polygons(
            "plain", points_px=triangle, point_counts=[3], counts=[1], image_wh=(9, 9), label="Road"
        )


# --- output: JSON, validators ------------------------------------------------------------------


def test_json_round_trip_and_validation_clean(sdk_validate: Any) -> None:
    vertices, point_counts, class_ids, scores, sizes = _shapes(4, 3, seed=3)

    def build() -> list[dict[str, Any]]:
        with reproducible_ids(7):
            batch = _batch(
                "seg",
                "points_px",
                vertices,
                point_counts,
                sizes,
                [3] * 4,
                class_ids=class_ids,
                scores=scores,
            )
            batch.polygons(
                "plain",
                points_norm=[[0.1, 0.1], [0.9, 0.1], [0.5, 0.9]] * 4,
                point_counts=[3] * 4,
                counts=[1] * 4,
                image_wh=sizes,
            )
            return list(batch.choices("scene", ["Day"] * 4))

    tasks = build()
    assert tasks == build()
    assert json.loads(json.dumps(tasks)) == tasks
    validator = Validator(CONFIG)
    assert [r for i, t in enumerate(tasks) for r in validator.check_task(t, i)] == []
    for task in tasks:
        assert sdk_validate(CONFIG.xml, task["predictions"][0]) == []


def test_empty_batch_and_tasks_without_polygons() -> None:
    batch = PredictionBatch(CONFIG, {"image": ["a", "b"]}).polygons(
        "seg",
        points_px=np.zeros((0, 2)),
        point_counts=[],
        counts=[0, 0],
        image_wh=(9, 9),
        label="Road",
    )
    assert [t["predictions"][0]["result"] for t in batch] == [[], []]
    assert batch.result_count == 0
