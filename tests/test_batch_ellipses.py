"""PredictionBatch.ellipses(): a dataset's ellipses, equal to EllipseLabels.ellipses()."""

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
from prelabel.tags.controls import Ellipse, EllipseLabels

CONFIG = LabelConfig.parse(
    """<View>
  <Image name="image" value="$image"/>
  <EllipseLabels name="cells" toName="image">
    <Label value="Nucleus" predicted_values="nucleus_core"/><Label value="Cell"/>
    <Label value="Debris" alias="debris"/>
  </EllipseLabels>
  <Ellipse name="plain" toName="image"/>
  <Choices name="scene" toName="image"><Choice value="Day"/><Choice value="Night"/></Choices>
</View>"""
)
CLASSES = ["nucleus", "cell", "debris", "nucleus_core"]
CELLS = CONFIG.control("cells", EllipseLabels)
PLAIN = CONFIG.control("plain", Ellipse)


def _per_image(
    control: EllipseLabels | Ellipse,
    args: tuple[str, str],
    centers: np.ndarray,
    radii: np.ndarray,
    sizes: list[tuple[int, int]],
    counts: list[int],
    *,
    angle_deg: Any = 0.0,
    class_ids: np.ndarray | None = None,
    scores: np.ndarray | None = None,
) -> list[dict[str, Any]]:
    """The same tasks built one image at a time with ellipses()."""
    names = LabelMap(CELLS, classes=CLASSES) if class_ids is not None else None
    out, start = [], 0
    for task, count in enumerate(counts):
        rows = slice(start, start + count)
        start += count
        try:
            regions = control.ellipses(
                **{args[0]: centers[rows], args[1]: radii[rows]},
                angle_deg=angle_deg if np.ndim(angle_deg) == 0 else angle_deg[rows],
                image_wh=sizes[task],
                labels=None if names is None else names.map(class_ids[rows].tolist()),  # type: ignore[index]
                scores=None if scores is None else scores[rows],
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
    args: tuple[str, str],
    centers: np.ndarray,
    radii: np.ndarray,
    sizes: list[tuple[int, int]],
    counts: list[int],
    *,
    angle_deg: Any = 0.0,
    class_ids: np.ndarray | None = None,
    scores: np.ndarray | None = None,
) -> PredictionBatch:
    data = {"image": [f"https://example.com/{task}.jpg" for task in range(len(counts))]}
    return PredictionBatch(CONFIG, data, model_version="m").ellipses(
        control,
        **{args[0]: centers, args[1]: radii},
        angle_deg=angle_deg,
        counts=counts,
        image_wh=sizes,
        class_ids=class_ids,
        class_names=None if class_ids is None else CLASSES,
        scores=scores,
    )


def _cells(tasks: int, per_task: int, seed: int = 0) -> tuple[Any, ...]:
    rng = np.random.default_rng(seed)
    sizes = [((640, 480), (1920, 1080), (333, 777))[i % 3] for i in range(tasks)]
    wh = np.repeat(np.array(sizes, dtype=np.float64), per_task, axis=0)
    centers = rng.uniform(0.0, 1.0, (tasks * per_task, 2)) * wh
    radii = rng.uniform(0.01, 0.45, (tasks * per_task, 2)) * wh
    angles = rng.uniform(-720.0, 720.0, tasks * per_task)
    class_ids = rng.integers(0, len(CLASSES), tasks * per_task)
    scores = rng.uniform(0.0, 1.0, tasks * per_task)
    return centers, radii, angles, class_ids, scores, sizes


# --- the same output as the per-image builder ------------------------------------------------


def test_batch_equals_per_image_builder_with_key_order() -> None:
    centers, radii, angles, class_ids, scores, sizes = _cells(6, 11)
    counts = [11] * 6
    args = ("center_px", "radii_px")
    options = {"angle_deg": angles, "class_ids": class_ids, "scores": scores}
    got = list(_batch("cells", args, centers, radii, sizes, counts, **options))
    expected = _per_image(CELLS, args, centers, radii, sizes, counts, **options)
    assert _no_ids(got) == _no_ids(expected)
    assert _key_orders(got) == _key_orders(expected)
    labels = [r["value"]["ellipselabels"] for r in got[0]["predictions"][0]["result"]]
    assert {tuple(x) for x in labels} <= {("Nucleus",), ("Cell",), ("debris",)}


coordinate = st.one_of(
    st.floats(-30, 700, allow_nan=False),
    st.floats(-0.5, 1.5),  # fractions, NaN and infinity too
    st.sampled_from([0.0, 640.0, 480.0, -1e-7, 640.0000001]),
)
radius = st.one_of(
    st.floats(-5, 400, allow_nan=False),
    st.floats(0, 1.0),
    st.sampled_from([0.0, 320.0, 320.0000001, 240.0, 330.0, float("nan")]),
)
angle = st.one_of(
    st.floats(-1000, 1000), st.sampled_from([-1e-17, 360.0, -360.0, 720.0, float("inf")])
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    counts=st.lists(st.integers(0, 4), min_size=1, max_size=5),
    data=st.data(),
    c_units=st.sampled_from(["px", "norm", "pct"]),
    r_units=st.sampled_from(["px", "norm", "pct"]),
    angle_kind=st.sampled_from(["default", "one", "rows"]),
    labeled=st.booleans(),
)
def test_batch_accepts_and_refuses_what_the_per_image_builder_does(
    counts: list[int],
    data: st.DataObject,
    c_units: str,
    r_units: str,
    angle_kind: str,
    labeled: bool,
) -> None:
    """Centres on, past and far outside the edges, fractions in px, radii zero, negative or
    past 50 percent, odd angles: the same results, or the same error after ``task N``."""
    total = sum(counts)
    scale = {"px": 1.0, "norm": 1.0 / 640.0, "pct": 1.0 / 6.4}
    flat = data.draw(st.lists(coordinate, min_size=2 * total, max_size=2 * total))
    centers = np.array(flat, dtype=float).reshape(total, 2) * scale[c_units]
    flat = data.draw(st.lists(radius, min_size=2 * total, max_size=2 * total))
    radii = np.array(flat, dtype=float).reshape(total, 2) * scale[r_units]
    angle_deg: Any = 0.0
    if angle_kind == "one":
        angle_deg = data.draw(angle)
    elif angle_kind == "rows":
        angle_deg = np.array(data.draw(st.lists(angle, min_size=total, max_size=total)))
    scores = np.array(data.draw(st.lists(st.floats(0, 1), min_size=total, max_size=total)))
    class_ids = (
        np.array(data.draw(st.lists(st.integers(0, 3), min_size=total, max_size=total)))
        if labeled
        else None
    )
    sizes = [(640, 480)] * len(counts)
    control = CELLS if labeled else PLAIN
    args = (f"center_{c_units}", f"radii_{r_units}")
    options = {"angle_deg": angle_deg, "class_ids": class_ids, "scores": scores}
    try:
        expected = _per_image(control, args, centers, radii, sizes, counts, **options)
    except BuildError as error:
        task, message = str(error).split(": ", 1)
    else:
        task = message = ""
    if message:
        with pytest.raises(BuildError, match=re.escape(message)) as info:
            _batch(control.name, args, centers, radii, sizes, counts, **options)
        assert str(info.value).startswith(task + " ")
        return
    got = list(_batch(control.name, args, centers, radii, sizes, counts, **options))
    assert _no_ids(got) == _no_ids(expected)
    assert _key_orders(got) == _key_orders(expected)


@pytest.mark.parametrize("units", ["px", "norm", "pct"])
def test_every_unit_matches_the_builder(units: str) -> None:
    centers, radii, angles, _, _, _ = _cells(4, 5, seed=2)
    sizes = [(640, 640)] * 4
    scale = {"px": 1.0, "norm": 1.0 / 640, "pct": 100.0 / 640}[units]
    centers, radii = centers % 640 * scale, radii % 300 * scale + scale
    args = (f"center_{units}", f"radii_{units}")
    for angle_deg in (0.0, 30.0, angles):
        got = list(_batch("plain", args, centers, radii, sizes, [5] * 4, angle_deg=angle_deg))
        expected = _per_image(PLAIN, args, centers, radii, sizes, [5] * 4, angle_deg=angle_deg)
        assert _no_ids(got) == _no_ids(expected)


def test_task_index_in_any_order_equals_counts() -> None:
    centers, radii, angles, class_ids, scores, sizes = _cells(4, 3, seed=5)
    task_index = np.repeat(np.arange(4), 3)
    shuffle = np.random.default_rng(1).permutation(12)
    data = [{"image": str(i)} for i in range(4)]
    by_index = PredictionBatch(CONFIG, data).ellipses(
        "cells",
        center_px=centers[shuffle],
        radii_px=radii[shuffle],
        angle_deg=angles[shuffle],
        task_index=task_index[shuffle],
        image_wh=sizes,
        class_ids=class_ids[shuffle],
        class_names=CLASSES,
        scores=scores[shuffle],
    )
    by_counts = PredictionBatch(CONFIG, data).ellipses(
        "cells",
        center_px=centers,
        radii_px=radii,
        angle_deg=angles,
        counts=[3] * 4,
        image_wh=sizes,
        class_ids=class_ids,
        class_names=CLASSES,
        scores=scores,
    )

    def key(task: dict[str, Any]) -> list[Any]:
        return sorted(
            (*list(r["value"].values())[:5], r["score"]) for r in task["predictions"][0]["result"]
        )

    assert [key(t) for t in by_index] == [key(t) for t in by_counts]


def test_label_map_drop_removes_ellipses_of_unmapped_classes() -> None:
    names = LabelMap(CELLS, classes=["cell", "hand"], unmapped="drop")
    batch = PredictionBatch(CONFIG, {"image": ["a", "b"]}).ellipses(
        "cells",
        center_px=[[1, 1], [10, 10], [20, 20]],
        radii_px=[[5, 5], [6, 7], [8, 8]],
        angle_deg=[1, -90, 3],
        counts=[2, 1],
        image_wh=(100, 100),
        class_ids=[1, 0, 1],
        class_names=names,
    )
    first, second = (t["predictions"][0]["result"] for t in batch)
    ((value, kept),) = [(r["value"], r["value"].pop("ellipselabels")) for r in first]
    assert kept == ["Cell"]
    assert value == pytest.approx(
        {"x": 10.0, "y": 10.0, "radiusX": 6.0, "radiusY": 7.0, "rotation": 270.0}
    )
    assert second == []
    assert batch.result_count == 1
    assert dict(names.dropped) == {"hand": 2}


# --- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({}, BuildError, "say which task each ellipse is for: task_index= (one task number per "),
        ({"counts": [1, 2]}, BuildError, "counts add up to 3, but 2 ellipses were given"),
        (
            {"counts": [1, 1], "center_px": [[1, 2, 3]]},
            BuildError,
            "center_px must have shape (M, 2), every ellipse of the batch in one array, got (1, 3)",
        ),
        (
            {"counts": [1, 1], "center_pct": [[1, 1]] * 2, "center_px": [[1, 1]] * 2},
            BuildError,
            "give the centres once, as one of center_px=, center_norm=, center_pct=; got "
            "center_px, center_pct",
        ),
        (
            {"counts": [1, 1], "radii_norm": [[0.1, 0.1]] * 2},
            BuildError,
            "give the radii once, as one of radii_px=, radii_norm=, radii_pct=; got radii_px, "
            "radii_norm",
        ),
        (
            {"counts": [1, 1], "radii_px": [[1, 1]]},
            BuildError,
            "center_px has 2 rows but radii_px has 1",
        ),
        (
            {"counts": [1, 1], "angle_deg": [1, 2, 3]},
            BuildError,
            "angle_deg must be one number or have shape (2,), one per ellipse, got shape (3,)",
        ),
        (
            {"counts": [1, 1], "scores": [0.5, 50]},
            BuildError,
            "scores[1] must be between 0 and 1, got 50.0 (scores must be probabilities in [0, 1]",
        ),
        (
            {"counts": [1, 1], "center_px": [[3, 3], [5, 12]]},
            BuildError,
            "task 1 (center_px rows from 1 on): center_px[0]=(5, 12) lies outside the 9x9 image",
        ),
        (
            {"counts": [1, 1], "center_px": [[3, 3], [0.5, 0.5]]},
            BuildError,
            "task 1 (center_px rows from 1 on): all 1 center_px lie within 1 px of the image "
            "corner: the values look like 0-1 fractions; pass center_norm= instead",
        ),
        (
            {"counts": [1, 1], "radii_px": [[1, 1], [0, 2]]},
            BuildError,
            "task 1 (center_px rows from 1 on): radii_px[0]=(0, 2) must be positive",
        ),
        (
            {"counts": [1, 1], "radii_px": [[1, 1], [2, 5]]},
            BuildError,
            "task 1 (center_px rows from 1 on): radii_px[0]=(2, 5) is 55.56% of the image; "
            "Label Studio's validator accepts radii up to 50%",
        ),
        (
            {"task_index": [1, 1], "angle_deg": [0, np.nan]},
            BuildError,
            "task 1 (center_px rows from 0 on): angle_deg[1] must be finite, got nan",
        ),
        ({"counts": [1, 1], "labels": ["Cell", "Hand"]}, LabelError, "labels[1]: 'Hand' is not"),
        ({"counts": [1, 1], "label": None}, LabelError, "needs labels: pass one of label="),
    ],
    ids=[
        "no-grouping",
        "counts-sum",
        "shape",
        "two-centre-units",
        "two-radii-units",
        "row-mismatch",
        "angle-shape",
        "score-range",
        "outside",
        "fractions",
        "radius-zero",
        "radius-too-big",
        "nan-angle",
        "unknown-label",
        "no-label",
    ],
)
def test_located_errors(options: dict[str, Any], error: type[Exception], message: str) -> None:
    arguments: dict[str, Any] = {"image_wh": (9, 9), "label": "Cell"}
    arguments.update(options)
    if not any(key.startswith("center_") for key in options):
        arguments["center_px"] = [[3, 3], [4, 4]]
    if "radii_px" not in options:
        arguments["radii_px"] = [[1, 1], [2, 2]]
    if "labels" in options:
        del arguments["label"]
    with pytest.raises(error, match=re.escape(message)):
        PredictionBatch(CONFIG, {"image": ["a", "b"]}).ellipses("cells", **arguments)


def test_control_kind_and_unlabeled_tool_are_checked() -> None:
    base = PredictionBatch(CONFIG, {"image": ["a"]})
    with pytest.raises(BuildError, match=re.escape("ellipses() takes an <EllipseLabels> or")):
        base.ellipses("scene", center_px=[[1, 1]], radii_px=[[1, 1]], counts=[1], image_wh=(9, 9))
    with pytest.raises(
        BuildError,
        match=re.escape(
            "<Ellipse name='plain'> draws ellipses without labels and takes none; label them "
            "with a <Labels> control, or use <EllipseLabels>"
        ),
    ):
        base.ellipses(
            "plain",
            center_px=[[1, 1]],
            radii_px=[[1, 1]],
            counts=[1],
            image_wh=(9, 9),
            label="Cell",
        )


# --- output: JSON, validators ------------------------------------------------------------------


def test_json_round_trip_and_validation_clean(sdk_validate: Any) -> None:
    centers, radii, angles, class_ids, scores, sizes = _cells(5, 4, seed=3)

    def build() -> list[dict[str, Any]]:
        with reproducible_ids(7):
            batch = _batch(
                "cells",
                ("center_px", "radii_px"),
                centers,
                radii,
                sizes,
                [4] * 5,
                angle_deg=angles,
                class_ids=class_ids,
                scores=scores,
            )
            batch.ellipses(
                "plain",
                center_norm=[[0.5, 0.5]] * 5,
                radii_norm=[[0.1, 0.2]] * 5,
                angle_deg=45,
                counts=[1] * 5,
                image_wh=sizes,
            )
            return list(batch.choices("scene", ["Day"] * 5))

    tasks = build()
    assert tasks == build()
    assert json.loads(json.dumps(tasks)) == tasks
    validator = Validator(CONFIG)
    assert [r for i, t in enumerate(tasks) for r in validator.check_task(t, i)] == []
    for task in tasks:
        assert sdk_validate(CONFIG.xml, task["predictions"][0]) == []
