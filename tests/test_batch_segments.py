"""PredictionBatch.segments(): a dataset's audio segments, equal to Labels.segments()."""

from __future__ import annotations

import json
import re
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from batch_helpers import key_orders as _key_orders
from prelabel import LabelConfig, LabelMap, Validator, reproducible_ids
from prelabel.batch import PredictionBatch
from prelabel.errors import BuildError, LabelError
from prelabel.tags.controls import Labels

CONFIG = LabelConfig.parse(
    """<View>
  <Audio name="audio" value="$audio" splitchannels="true"/>
  <Labels name="speaker" toName="audio">
    <Label value="Alice" predicted_values="spk_a"/><Label value="Bob"/>
    <Label value="Noise" alias="noise"/>
  </Labels>
  <Audio name="mono" value="$mono"/>
  <Labels name="event" toName="mono"><Label value="Dog"/><Label value="Car"/></Labels>
  <Text name="text" value="$text"/>
  <Labels name="ner" toName="text"><Label value="PER"/></Labels>
  <Choices name="scene" toName="audio"><Choice value="Indoor"/><Choice value="Outdoor"/></Choices>
</View>"""
)
CLASSES = ["alice", "bob", "noise", "spk_a"]
SPEAKER = CONFIG.control("speaker", Labels)
EVENT = CONFIG.control("event", Labels)


def _data(tasks: int) -> dict[str, list[str]]:
    return {
        "audio": [f"https://example.com/{task}.wav" for task in range(tasks)],
        "mono": [f"https://example.com/{task}-mono.wav" for task in range(tasks)],
        "text": ["hi"] * tasks,
    }


def _no_ids(tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The results with region ids blanked (fresh ids differ between builders)."""
    out = []
    for task in json.loads(json.dumps(tasks)):
        for result in task["predictions"][0]["result"]:
            result["id"] = "-"
        out.append(task["predictions"][0])
    return out


def _per_file(
    control: Labels,
    starts: np.ndarray,
    ends: np.ndarray,
    counts: list[int],
    *,
    class_ids: np.ndarray,
    channels: np.ndarray | None = None,
    scores: np.ndarray | None = None,
    lengths: list[float] | None = None,
) -> list[dict[str, Any]]:
    """The same tasks built one audio file at a time with segments()."""
    names = LabelMap(control, classes=CLASSES if control is SPEAKER else ["dog", "car"])
    out, start = [], 0
    for task, count in enumerate(counts):
        rows = slice(start, start + count)
        start += count
        results = []
        if count:
            try:
                regions = control.segments(
                    starts[rows],
                    ends[rows],
                    labels=names.map(class_ids[rows].tolist()),  # type: ignore[arg-type]
                    channels=None if channels is None else channels[rows],
                    scores=None if scores is None else scores[rows],
                    original_length_s=None if lengths is None else lengths[task],
                )
            except BuildError as error:
                raise type(error)(f"task {task}: {error}") from None
            results = [r.result for r in regions]
        out.append({"predictions": [{"model_version": "m", "result": results}]})
    return out


def _batch(
    control: Labels,
    starts: np.ndarray,
    ends: np.ndarray,
    counts: list[int],
    *,
    class_ids: np.ndarray,
    channels: np.ndarray | None = None,
    scores: np.ndarray | None = None,
    lengths: list[float] | None = None,
) -> PredictionBatch:
    return PredictionBatch(CONFIG, _data(len(counts)), model_version="m").segments(
        control.name,
        starts_s=starts,
        ends_s=ends,
        counts=counts,
        class_ids=class_ids,
        class_names=CLASSES if control is SPEAKER else ["dog", "car"],
        channels=channels,
        scores=scores,
        original_length_s=lengths,
    )


def _diarization(tasks: int, per_task: int, seed: int = 0) -> tuple[Any, ...]:
    rng = np.random.default_rng(seed)
    starts = rng.uniform(0.0, 50.0, tasks * per_task)
    ends = starts + rng.uniform(0.01, 9.0, tasks * per_task)
    class_ids = rng.integers(0, len(CLASSES), tasks * per_task)
    channels = rng.integers(0, 2, tasks * per_task)
    scores = rng.uniform(0.0, 1.0, tasks * per_task)
    lengths = [60.0 + task for task in range(tasks)]
    return starts, ends, class_ids, channels, scores, lengths


# --- the same output as the per-file builder -------------------------------------------------


def test_batch_equals_per_file_builder_with_key_order() -> None:
    starts, ends, class_ids, channels, scores, lengths = _diarization(6, 9)
    counts = [9] * 6
    options = {"class_ids": class_ids, "channels": channels, "scores": scores}
    for extra in ({}, {"lengths": lengths}):
        got = list(_batch(SPEAKER, starts, ends, counts, **options, **extra))
        expected = _per_file(SPEAKER, starts, ends, counts, **options, **extra)
        assert _no_ids(got) == _no_ids(expected)
        assert _key_orders(got) == _key_orders(expected)
    result = got[2]["predictions"][0]["result"][0]
    assert result["original_length"] == 62.0
    assert result["to_name"] == "audio"
    assert result["value"]["labels"] in (["Alice"], ["Bob"], ["noise"])


seconds = st.one_of(
    st.floats(-2, 70, allow_nan=False),
    st.sampled_from([0.0, -0.0, 60.0, 60.0000001, -1e-9, float("nan"), float("inf")]),
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    counts=st.lists(st.integers(0, 4), min_size=1, max_size=5),
    data=st.data(),
    split=st.booleans(),
    with_channels=st.booleans(),
    with_lengths=st.booleans(),
)
def test_batch_accepts_and_refuses_what_the_per_file_builder_does(
    counts: list[int],
    data: st.DataObject,
    split: bool,
    with_channels: bool,
    with_lengths: bool,
) -> None:
    """NaN, negative, empty and inverted segments, ends past the audio, channels without
    split channels: the same results, or the same error after ``task N``."""
    total = sum(counts)
    starts = np.array(data.draw(st.lists(seconds, min_size=total, max_size=total)), dtype=float)
    ends = np.array(data.draw(st.lists(seconds, min_size=total, max_size=total)), dtype=float)
    if data.draw(st.booleans()):  # mostly ordinary segments
        ends = np.where(np.isfinite(starts), np.abs(starts) + 1.0, ends)
    channels = (
        np.array(data.draw(st.lists(st.integers(-1, 2), min_size=total, max_size=total)))
        if with_channels
        else None
    )
    scores = np.array(data.draw(st.lists(st.floats(0, 1), min_size=total, max_size=total)))
    control = SPEAKER if split else EVENT
    classes = len(CLASSES) if split else 2
    class_ids = np.array(
        data.draw(st.lists(st.integers(0, classes - 1), min_size=total, max_size=total)),
        dtype=np.int64,
    )
    lengths = (
        [data.draw(st.sampled_from([60.0, 30.0, 75.5])) for _ in counts] if with_lengths else None
    )
    options: dict[str, Any] = {
        "class_ids": class_ids,
        "channels": channels,
        "scores": scores,
        "lengths": lengths,
    }
    try:
        expected = _per_file(control, starts, ends, counts, **options)
    except BuildError as error:
        task, message = str(error).split(": ", 1)
    else:
        task = message = ""
    if message:
        with pytest.raises(BuildError, match=re.escape(message)) as info:
            _batch(control, starts, ends, counts, **options)
        assert str(info.value).startswith(task + " ")
        return
    got = list(_batch(control, starts, ends, counts, **options))
    assert _no_ids(got) == _no_ids(expected)
    assert _key_orders(got) == _key_orders(expected)


def test_task_index_in_any_order_equals_counts() -> None:
    starts, ends, class_ids, channels, scores, lengths = _diarization(4, 3, seed=5)
    task_index = np.repeat(np.arange(4), 3)
    shuffle = np.random.default_rng(1).permutation(12)
    by_index = PredictionBatch(CONFIG, _data(4)).segments(
        "speaker",
        starts_s=starts[shuffle],
        ends_s=ends[shuffle],
        task_index=task_index[shuffle],
        class_ids=class_ids[shuffle],
        class_names=CLASSES,
        channels=channels[shuffle],
        scores=scores[shuffle],
        original_length_s=lengths,
    )
    by_counts = PredictionBatch(CONFIG, _data(4)).segments(
        "speaker",
        starts_s=starts,
        ends_s=ends,
        counts=[3] * 4,
        class_ids=class_ids,
        class_names=CLASSES,
        channels=channels,
        scores=scores,
        original_length_s=lengths,
    )

    def key(task: dict[str, Any]) -> list[Any]:
        return sorted(
            (*list(r["value"].values())[:3], r["value"]["labels"], r["score"])
            for r in task["predictions"][0]["result"]
        )

    assert [key(t) for t in by_index] == [key(t) for t in by_counts]


def test_label_map_drop_and_one_label() -> None:
    names = LabelMap(SPEAKER, classes=["bob", "music"], unmapped="drop")
    batch = PredictionBatch(CONFIG, _data(2)).segments(
        "speaker",
        starts_s=[0, 1, 2],
        ends_s=[1, 2, 3],
        counts=[2, 1],
        class_ids=[1, 0, 1],
        class_names=names,
        original_length_s=4,
    )
    first, second = (t["predictions"][0]["result"] for t in batch)
    assert [r["value"] for r in first] == [
        {"start": 1.0, "end": 2.0, "channel": 0, "labels": ["Bob"]}
    ]
    assert second == []
    assert dict(names.dropped) == {"music": 2}
    one = PredictionBatch(CONFIG, _data(1)).segments(
        "event", starts_s=[0.5], ends_s=[1.5], counts=[1], label="Dog"
    )
    assert one[0]["predictions"][0]["result"][0]["value"]["labels"] == ["Dog"]


# --- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({}, BuildError, "say which task each segment is for: task_index= (one task number per "),
        ({"counts": [1, 2]}, BuildError, "counts add up to 3, but 2 segments were given"),
        (
            {"counts": [1, 1], "starts_s": [[0, 1]]},
            BuildError,
            "starts_s must have shape (M,), every segment of the batch in one array, got (1, 2)",
        ),
        (
            {"counts": [1, 1], "ends_s": [1, 2, 3]},
            BuildError,
            "ends_s must have shape (2,), every segment of the batch in one array, got (3,)",
        ),
        (
            {"counts": [1, 1], "starts_s": ["0", "1"]},
            BuildError,
            "starts_s must hold numbers, got dtype <U1",
        ),
        (
            {"counts": [1, 1], "channels": [0, 0.5]},
            BuildError,
            "channels[1] = 0.5 is not a whole number",
        ),
        (
            {"counts": [1, 1], "original_length_s": [5, 0]},
            BuildError,
            "original_length_s[1] must be a positive number of seconds, got 0.0",
        ),
        (
            {"counts": [1, 1], "original_length_s": [5, 5, 5]},
            BuildError,
            "original_length_s must be one number or have shape (2,), one per task, got (3,)",
        ),
        (
            {"counts": [1, 1], "scores": [0.5, 50]},
            BuildError,
            "scores[1] must be between 0 and 1, got 50.0 (scores must be probabilities in [0, 1]",
        ),
        (
            {"counts": [1, 1], "ends_s": [2, 1]},
            BuildError,
            "task 1 (segments from 1 on): segment 0: end_s (1.0) must be after start_s (1.0)",
        ),
        (
            {"counts": [1, 1], "starts_s": [-1, 1]},
            BuildError,
            "task 0 (segments from 0 on): segment 0: start_s must be >= 0, got -1.0",
        ),
        (
            {"counts": [0, 2], "ends_s": [1, np.nan]},
            BuildError,
            "task 1 (segments from 0 on): ends_s[1] must be finite, got nan",
        ),
        (
            {"counts": [1, 1], "original_length_s": 1.5},
            BuildError,
            "task 1 (segments from 1 on): segment 0: end_s (2.0) is past the end of the audio "
            "(original_length_s=1.5)",
        ),
        (
            {"counts": [1, 1], "channels": [0, -1]},
            BuildError,
            "task 1 (segments from 1 on): segment 0: channel must be >= 0, got -1",
        ),
        ({"counts": [1, 1], "labels": ["Bob", "Eve"]}, LabelError, "labels[1]: 'Eve' is not"),
        ({"counts": [1, 1], "label": None}, LabelError, "needs labels: pass one of label="),
    ],
    ids=[
        "no-grouping",
        "counts-sum",
        "shape",
        "ends-shape",
        "strings",
        "channel-fraction",
        "length-zero",
        "length-shape",
        "score-range",
        "empty",
        "negative",
        "nan",
        "past-end",
        "negative-channel",
        "unknown-label",
        "no-label",
    ],
)
def test_located_errors(options: dict[str, Any], error: type[Exception], message: str) -> None:
    arguments: dict[str, Any] = {"starts_s": [0, 1], "ends_s": [1, 2], "label": "Bob"}
    arguments.update(options)
    if "labels" in options:
        del arguments["label"]
    with pytest.raises(error, match=re.escape(message)):
        PredictionBatch(CONFIG, _data(2)).segments("speaker", **arguments)


def test_control_kind_target_and_split_channels_are_checked() -> None:
    base = PredictionBatch(CONFIG, _data(1))
    one: dict[str, Any] = {"starts_s": [0], "ends_s": [1], "counts": [1]}
    with pytest.raises(BuildError, match=re.escape("segments() takes a <Labels> control on an")):
        base.segments("scene", **one, label="Indoor")
    with pytest.raises(
        BuildError,
        match=re.escape(
            "segments() builds on <Audio>, but <Labels name='ner'> points at <Text name='text'>"
        ),
    ):
        base.segments("ner", **one, label="PER")
    with pytest.raises(
        BuildError,
        match=re.escape(
            'task 0 (segments from 0 on): segment 0: channel=1 needs splitchannels="true" on '
            "<Audio name='mono'>"
        ),
    ):
        base.segments("event", **one, label="Dog", channels=[1])


# --- output: JSON, validators ------------------------------------------------------------------


def test_json_round_trip_and_validation_clean(sdk_validate: Any) -> None:
    starts, ends, class_ids, channels, scores, lengths = _diarization(5, 4, seed=3)

    def build() -> list[dict[str, Any]]:
        with reproducible_ids(7):
            batch = _batch(
                SPEAKER,
                starts,
                ends,
                [4] * 5,
                class_ids=class_ids,
                channels=channels,
                scores=scores,
                lengths=lengths,
            )
            batch.segments(
                "event", starts_s=[1.0] * 5, ends_s=[2.5] * 5, counts=[1] * 5, label="Car"
            )
            return list(batch.choices("scene", ["Indoor"] * 5))

    tasks = build()
    assert tasks == build()
    assert json.loads(json.dumps(tasks)) == tasks
    validator = Validator(CONFIG)
    assert [r for i, t in enumerate(tasks) for r in validator.check_task(t, i)] == []
    for task in tasks:
        assert sdk_validate(CONFIG.xml, task["predictions"][0]) == []
