"""PredictionBatch.masks(): a dataset's brush masks, equal to BrushLabels.masks()."""

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
from prelabel import rle as rle_codec
from prelabel.batch import PredictionBatch
from prelabel.errors import BuildError, LabelError
from prelabel.tags.controls import Brush, BrushLabels

CONFIG = LabelConfig.parse(
    """<View>
  <Image name="image" value="$image"/>
  <BrushLabels name="seg" toName="image">
    <Label value="Road" predicted_values="road_surface"/><Label value="Car"/>
    <Label value="Sky" alias="sky"/>
  </BrushLabels>
  <Brush name="plain" toName="image"/>
  <Choices name="scene" toName="image"><Choice value="Day"/><Choice value="Night"/></Choices>
</View>"""
)
CLASSES = ["road", "car", "sky", "road_surface"]
SEG = CONFIG.control("seg", BrushLabels)
PLAIN = CONFIG.control("plain", Brush)


def _per_image(
    control: BrushLabels | Brush,
    masks: list[np.ndarray],
    counts: list[int],
    *,
    sizes: list[tuple[int, int]] | None = None,
    class_ids: np.ndarray | None = None,
    scores: np.ndarray | None = None,
    values: Any = "auto",
) -> list[dict[str, Any]]:
    """The same tasks built one image at a time with masks()."""
    names = LabelMap(SEG, classes=CLASSES) if class_ids is not None else None
    out, start = [], 0
    for task, count in enumerate(counts):
        rows = slice(start, start + count)
        start += count
        results = []
        if count:
            try:
                regions = control.masks(
                    np.stack(masks[rows]),
                    labels=None if names is None else names.map(class_ids[rows].tolist()),  # type: ignore[arg-type, index]
                    scores=None if scores is None else scores[rows],
                    image_wh=None if sizes is None else sizes[task],
                    values=values,
                )
            except BuildError as error:
                raise type(error)(f"task {task}: {error}") from None
            results = [r.result for r in regions]
        prediction = {"model_version": "m", "result": results}
        out.append(
            {"data": {"image": f"https://example.com/{task}.jpg"}, "predictions": [prediction]}
        )
    return out


def _batch(
    control: str,
    masks: Any,
    counts: list[int],
    *,
    sizes: list[tuple[int, int]] | None = None,
    class_ids: np.ndarray | None = None,
    scores: np.ndarray | None = None,
    values: Any = "auto",
) -> PredictionBatch:
    data = {"image": [f"https://example.com/{task}.jpg" for task in range(len(counts))]}
    return PredictionBatch(CONFIG, data, model_version="m").masks(
        control,
        masks,
        counts=counts,
        image_wh=sizes,
        class_ids=class_ids,
        class_names=None if class_ids is None else CLASSES,
        scores=scores,
        values=values,
    )


def _scene(tasks: int, per_task: int, seed: int = 0) -> tuple[Any, ...]:
    rng = np.random.default_rng(seed)
    sizes = [((16, 12), (9, 20), (7, 7))[i % 3] for i in range(tasks)]
    masks = [
        rng.random((sizes[task][1], sizes[task][0])) < 0.3
        for task in range(tasks)
        for _ in range(per_task)
    ]
    for mask in masks:
        mask[0, 0] = True
    class_ids = rng.integers(0, len(CLASSES), tasks * per_task)
    scores = rng.uniform(0.0, 1.0, tasks * per_task)
    return masks, class_ids, scores, sizes


# --- the same output as the per-image builder ------------------------------------------------


def test_batch_equals_per_image_builder_with_key_order() -> None:
    masks, class_ids, scores, sizes = _scene(6, 5)
    counts = [5] * 6
    options = {"sizes": sizes, "class_ids": class_ids, "scores": scores}
    got = list(_batch("seg", masks, counts, **options))
    expected = _per_image(SEG, masks, counts, **options)
    assert _no_ids(got) == _no_ids(expected)
    assert _key_orders(got) == _key_orders(expected)
    labels = [r["value"]["brushlabels"] for r in got[0]["predictions"][0]["result"]]
    assert {tuple(x) for x in labels} <= {("Road",), ("Car",), ("sky",)}
    first = got[1]["predictions"][0]["result"][0]
    assert (first["original_width"], first["original_height"]) == (9, 20)
    decoded = rle_codec.decode_bool(first["value"]["rle"], 20, 9)
    assert np.array_equal(decoded, masks[5])


def test_a_stack_equals_a_list() -> None:
    masks, class_ids, _, _ = _scene(3, 4, seed=4)
    stack = np.stack([m[:7, :7] for m in masks])
    by_stack = _batch("seg", stack, [4, 4, 4], sizes=[(7, 7)] * 3, class_ids=class_ids)
    by_list = _batch("seg", list(stack), [4, 4, 4], class_ids=class_ids)
    assert _no_ids(list(by_stack)) == _no_ids(list(by_list))


@st.composite
def _mask(draw: st.DrawFn, shape: tuple[int, int], kind: str) -> np.ndarray:
    """A mask of ``kind`` (one dtype per image, as one stack has), sometimes empty."""
    size = shape[0] * shape[1]
    if kind == "float":
        return np.ones(shape, dtype=np.float32)
    if kind == "bool":
        cells: list[Any] = draw(st.lists(st.booleans(), min_size=size, max_size=size))
        return np.array(cells, dtype=np.bool_).reshape(shape)
    if draw(st.integers(0, 5)) == 0:
        return np.zeros(shape, dtype=np.int16)
    top = {"01": 1, "alpha": 255, "wide": 300}[kind]
    low = -1 if kind == "wide" else 0
    cells = draw(st.lists(st.integers(low, top), min_size=size, max_size=size))
    return np.array(cells, dtype=np.int16).reshape(shape)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    counts=st.lists(st.integers(0, 3), min_size=1, max_size=4),
    data=st.data(),
    values=st.sampled_from(["auto", "binary", "alpha"]),
    checked=st.booleans(),
    labeled=st.booleans(),
)
def test_batch_accepts_and_refuses_what_the_per_image_builder_does(
    counts: list[int],
    data: st.DataObject,
    values: str,
    checked: bool,
    labeled: bool,
) -> None:
    """Bool, 0/1, alpha, out-of-range, float and empty masks, masks of the wrong size or
    transposed: the same results, or the same error after ``task N``. One image's masks share
    a dtype, as they do in the stack the per-image builder takes."""
    total = sum(counts)
    sizes = [data.draw(st.sampled_from([(3, 2), (2, 3), (4, 4)])) for _ in counts]
    masks = []
    for task, count in enumerate(counts):
        width, height = sizes[task]
        shape = (height, width)
        if checked and data.draw(st.integers(0, 9)) == 0:
            shape = data.draw(st.sampled_from([(width, height), (height, width + 1)]))
        kind = data.draw(st.sampled_from(["bool", "01", "alpha", "wide", "float"]))
        masks += [data.draw(_mask(shape, kind)) for _ in range(count)]
    scores = np.array(data.draw(st.lists(st.floats(0, 1), min_size=total, max_size=total)))
    class_ids = (
        np.array(data.draw(st.lists(st.integers(0, 3), min_size=total, max_size=total)))
        if labeled
        else None
    )
    control = SEG if labeled else PLAIN
    options: dict[str, Any] = {
        "sizes": sizes if checked else None,
        "class_ids": class_ids,
        "scores": scores,
        "values": values,
    }
    try:
        expected = _per_image(control, masks, counts, **options)
    except BuildError as error:
        task, message = str(error).split(": ", 1)
    else:
        task = message = ""
    if message:
        with pytest.raises(BuildError, match=re.escape(message)) as info:
            _batch(control.name, masks, counts, **options)
        assert str(info.value).startswith(task + " ")
        return
    got = list(_batch(control.name, masks, counts, **options))
    assert _no_ids(got) == _no_ids(expected)
    assert _key_orders(got) == _key_orders(expected)


def test_task_index_in_any_order_equals_counts() -> None:
    masks, class_ids, scores, sizes = _scene(4, 3, seed=5)
    task_index = np.repeat(np.arange(4), 3)
    shuffle = np.random.default_rng(1).permutation(12).tolist()
    data = [{"image": str(i)} for i in range(4)]
    by_index = PredictionBatch(CONFIG, data).masks(
        "seg",
        [masks[i] for i in shuffle],
        task_index=task_index[shuffle],
        image_wh=sizes,
        class_ids=class_ids[shuffle],
        class_names=CLASSES,
        scores=scores[shuffle],
    )
    by_counts = PredictionBatch(CONFIG, data).masks(
        "seg",
        masks,
        counts=[3] * 4,
        image_wh=sizes,
        class_ids=class_ids,
        class_names=CLASSES,
        scores=scores,
    )

    def key(task: dict[str, Any]) -> list[Any]:
        return sorted(
            (r["value"]["rle"], r["value"]["brushlabels"], r["score"])
            for r in task["predictions"][0]["result"]
        )

    assert [key(t) for t in by_index] == [key(t) for t in by_counts]


def test_label_map_drop_removes_masks_of_unmapped_classes() -> None:
    names = LabelMap(SEG, classes=["car", "hand"], unmapped="drop")
    masks = np.zeros((3, 2, 2), dtype=bool)
    masks[:, 0, 0] = True
    masks[1, 1, 1] = True
    batch = PredictionBatch(CONFIG, {"image": ["a", "b"]}).masks(
        "seg", masks, counts=[2, 1], image_wh=(2, 2), class_ids=[1, 0, 1], class_names=names
    )
    first, second = (t["predictions"][0]["result"] for t in batch)
    assert [r["value"]["brushlabels"] for r in first] == [["Car"]]
    assert first[0]["value"]["rle"] == rle_codec.encode(masks[1])
    assert second == []
    assert batch.result_count == 1
    assert dict(names.dropped) == {"hand": 2}


def test_each_mask_of_a_list_keeps_its_own_dtype() -> None:
    """A bool mask draws at 255 even next to integer masks: each mask of a list is encoded as
    it is (``np.stack`` would turn it into 0/1, which ``masks()`` then refuses)."""
    boolean = np.array([[True, False], [False, False]])
    alpha = np.array([[0, 0], [0, 200]], dtype=np.uint8)
    batch = PredictionBatch(CONFIG, {"image": ["a"]}).masks(
        "plain", [boolean, alpha], counts=[2], image_wh=(2, 2)
    )
    streams = [r["value"]["rle"] for r in batch[0]["predictions"][0]["result"]]
    assert streams == [rle_codec.encode(boolean), rle_codec.encode(alpha)]
    assert [PLAIN.mask(m).result["value"]["rle"] for m in (boolean, alpha)] == streams


# --- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({}, BuildError, "say which task each mask is for: task_index= (one task number per "),
        ({"counts": [1, 2]}, BuildError, "counts add up to 3, but 2 masks were given"),
        (
            {"counts": [1, 1], "masks": np.ones((2, 3), dtype=bool)},
            BuildError,
            "masks must have shape (M, height, width), every mask of the batch in one array, "
            "or be a list of (height, width) arrays, got (2, 3)",
        ),
        (
            {"counts": [1, 1], "masks": [np.ones((3, 3), bool), np.ones((3, 3, 4), bool)]},
            BuildError,
            "masks[1] must have shape (height, width), got (3, 3, 4); pass one channel",
        ),
        (
            {"counts": [1, 1], "masks": "mask.png"},
            BuildError,
            "masks must be an (M, height, width) array or a list of (height, width) arrays, "
            "got str",
        ),
        (
            {"counts": [1, 1], "values": "bits"},
            BuildError,
            "values must be 'auto', 'binary' or 'alpha', got 'bits'",
        ),
        (
            {"counts": [1, 1], "scores": [0.5, 50]},
            BuildError,
            "scores[1] must be between 0 and 1, got 50.0 (scores must be probabilities in [0, 1]",
        ),
        (
            {
                "counts": [2, 0],
                "image_wh": None,
                "masks": [np.ones((3, 3), bool), np.ones((4, 3), bool)],
            },
            BuildError,
            "task 0: masks[1] has shape (4, 3) but masks[0] has (3, 3); the masks of one image "
            "share its size (pass image_wh= to check it)",
        ),
        (
            {"counts": [1, 1], "image_wh": [(3, 3), (4, 3)]},
            BuildError,
            "task 1 (masks from 1 on): instance 0: mask has shape (3, 3) but the image is 4x3 "
            "(width x height), so the mask must be (3, 4)",
        ),
        (
            {"counts": [1, 1], "masks": np.zeros((2, 3, 3), dtype=np.uint8)},
            BuildError,
            "task 0 (masks from 0 on): instance 0: <BrushLabels name='seg'>: the mask is empty "
            "(no pixel set); Label Studio would list an invisible region: leave it out",
        ),
        (
            {"counts": [0, 2], "masks": np.ones((2, 3, 3), dtype=np.uint8)},
            BuildError,
            "task 1 (masks from 0 on): instance 0: <BrushLabels name='seg'>: mask holds only 0 "
            "and 1, which Label Studio draws at alpha 1/255 (invisible); use encode(mask, "
            "values='binary')",
        ),
        (
            {"counts": [1, 1], "masks": np.ones((2, 3, 3), dtype=np.float64)},
            BuildError,
            "task 0 (masks from 0 on): instance 0: <BrushLabels name='seg'>: mask has dtype "
            "float64; threshold it first, e.g. encode(mask > 0.5)",
        ),
        ({"counts": [1, 1], "labels": ["Car", "Hand"]}, LabelError, "labels[1]: 'Hand' is not"),
        ({"counts": [1, 1], "label": None}, LabelError, "needs labels: pass one of label="),
    ],
    ids=[
        "no-grouping",
        "counts-sum",
        "not-a-stack",
        "3d-item",
        "string",
        "values",
        "score-range",
        "ragged-task",
        "wrong-size",
        "empty",
        "zero-one",
        "float",
        "unknown-label",
        "no-label",
    ],
)
def test_located_errors(options: dict[str, Any], error: type[Exception], message: str) -> None:
    arguments: dict[str, Any] = {"image_wh": (3, 3), "label": "Car"}
    arguments.update(options)
    masks = arguments.pop("masks", np.ones((2, 3, 3), dtype=bool))
    if "labels" in options:
        del arguments["label"]
    with pytest.raises(error, match=re.escape(message)):
        PredictionBatch(CONFIG, {"image": ["a", "b"]}).masks("seg", masks, **arguments)


def test_control_kind_and_unlabeled_tool_are_checked() -> None:
    base = PredictionBatch(CONFIG, {"image": ["a"]})
    one = np.ones((1, 2, 2), dtype=bool)
    with pytest.raises(BuildError, match=re.escape("masks() takes a <BrushLabels> or <Brush>")):
        base.masks("scene", one, counts=[1])
    with pytest.raises(
        BuildError,
        match=re.escape(
            "<Brush name='plain'> draws masks without labels and takes none; label them with a "
            "<Labels> control, or use <BrushLabels>"
        ),
    ):
        base.masks("plain", one, counts=[1], label="Car")


# --- output: JSON, validators ------------------------------------------------------------------


def test_json_round_trip_and_validation_clean(sdk_validate: Any) -> None:
    masks, class_ids, scores, sizes = _scene(5, 3, seed=3)

    def build() -> list[dict[str, Any]]:
        with reproducible_ids(7):
            batch = _batch("seg", masks, [3] * 5, sizes=sizes, class_ids=class_ids, scores=scores)
            alpha = [(m * 200).astype(np.uint8) for m in masks[::3]]
            batch.masks("plain", alpha, counts=[1] * 5, image_wh=sizes, values="alpha")
            return list(batch.choices("scene", ["Day"] * 5))

    tasks = build()
    assert tasks == build()
    assert json.loads(json.dumps(tasks)) == tasks
    validator = Validator(CONFIG)
    assert [r for i, t in enumerate(tasks) for r in validator.check_task(t, i)] == []
    for task in tasks:
        assert sdk_validate(CONFIG.xml, task["predictions"][0]) == []
