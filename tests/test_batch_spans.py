"""PredictionBatch.spans(): a dataset's labeled text spans, equal to Labels.spans()."""

from __future__ import annotations

import base64
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
from prelabel.tags.controls import Labels

CONFIG = LabelConfig.parse(
    """<View>
  <Text name="text" value="$doc.body"/>
  <Labels name="ner" toName="text">
    <Label value="Person" predicted_values="PER"/><Label value="Location" alias="LOC"/>
    <Label value="Misc"/>
  </Labels>
  <Choices name="topic" toName="text"><Choice value="News"/><Choice value="Sport"/></Choices>
</View>"""
)
NER = CONFIG.control("ner", Labels)
NAMES = ["PER", "loc", "Misc", "person"]


def _data(texts: list[str]) -> list[dict[str, Any]]:
    return [{"doc": {"body": text}} for text in texts]


def _per_image(
    texts: list[str],
    start: np.ndarray,
    end: np.ndarray,
    labels: list[Any],
    counts: list[int],
    *,
    scores: np.ndarray | None = None,
    unit: str = "codepoint",
) -> list[dict[str, Any]]:
    """The same tasks built one text at a time with Labels.spans() from the task data."""
    out, first = [], 0
    offsets = np.stack([start, end], axis=1)
    for task, (data, count) in enumerate(zip(_data(texts), counts, strict=True)):
        rows = slice(first, first + count)
        first += count
        if count:
            try:
                regions = NER.spans(
                    data,
                    offsets[rows],
                    labels[rows],
                    scores=None if scores is None else scores[rows],
                    unit=unit,  # type: ignore[arg-type]
                )
            except BuildError as error:
                raise type(error)(f"task {task}: {error}") from None
        else:
            regions = []
        prediction = {"model_version": "m", "result": [r.result for r in regions]}
        out.append({"data": data, "predictions": [prediction]})
    return out


def _batch(
    texts: list[str],
    start: np.ndarray,
    end: np.ndarray,
    labels: list[Any],
    counts: list[int],
    *,
    scores: np.ndarray | None = None,
    unit: str = "codepoint",
) -> PredictionBatch:
    return PredictionBatch(CONFIG, _data(texts), model_version="m").spans(
        "ner",
        start=start,
        end=end,
        counts=counts,
        labels=labels,
        scores=scores,
        unit=unit,  # type: ignore[arg-type]
    )


WORDS = ["Ann", "Bob", "Paris", "Zoë", "東京", "🐱", "naïve", "👨🏻‍🚒", "x", "New York"]


def _corpus(tasks: int, per_task: int, seed: int = 0) -> tuple[Any, ...]:
    """Texts of words with emoji and accents, and spans over whole words."""
    rng = np.random.default_rng(seed)
    texts, starts, ends = [], [], []
    for _ in range(tasks):
        words = [WORDS[i] for i in rng.integers(0, len(WORDS), per_task + 2)]
        text, spans = "", []
        for word in words:
            spans.append((len(text), len(text) + len(word)))
            text += word + " "
        texts.append(text)
        for s, e in spans[:per_task]:
            starts.append(s)
            ends.append(e)
    labels = [NAMES[i] for i in rng.integers(0, len(NAMES), tasks * per_task)]
    scores = rng.uniform(0, 1, tasks * per_task)
    return texts, np.array(starts), np.array(ends), labels, scores


def _in_unit(texts: list[str], offsets: np.ndarray, counts: list[int], unit: str) -> np.ndarray:
    """Code-point offsets as ``unit`` offsets."""
    if unit == "codepoint":
        return offsets
    out, first = offsets.copy(), 0
    for text, count in zip(texts, counts, strict=True):
        for row in range(first, first + count):
            head = text[: offsets[row]]
            out[row] = len(head.encode("utf-16-le")) // 2 if unit == "utf16" else len(head.encode())
        first += count
    return out


# --- the same output as the per-image builder ------------------------------------------------


@pytest.mark.parametrize("unit", ["codepoint", "utf16", "utf8"])
def test_batch_equals_per_image_builder_with_key_order(unit: str) -> None:
    texts, start, end, labels, scores = _corpus(8, 4)
    counts = [4] * 8
    start, end = _in_unit(texts, start, counts, unit), _in_unit(texts, end, counts, unit)
    got = list(_batch(texts, start, end, labels, counts, scores=scores, unit=unit))
    expected = _per_image(texts, start, end, labels, counts, scores=scores, unit=unit)
    assert _no_ids(got) == _no_ids(expected)
    assert _key_orders(got) == _key_orders(expected)
    spans = [r["value"] for t in got for r in t["predictions"][0]["result"]]
    assert {s["text"] for s in spans} <= set(WORDS)
    assert {tuple(s["labels"]) for s in spans} <= {("Person",), ("LOC",), ("Misc",)}


text_strategy = st.text(
    alphabet=st.sampled_from(["a", "b", " ", "é", "東", "🐱", "\n"]), min_size=0, max_size=8
)
offset = st.one_of(st.integers(-2, 20), st.sampled_from([0, 1, 2, 3]))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    texts=st.lists(text_strategy, min_size=1, max_size=4),
    data=st.data(),
    unit=st.sampled_from(["codepoint", "utf16", "utf8"]),
    floats=st.booleans(),
)
def test_batch_accepts_and_refuses_what_the_per_image_builder_does(
    texts: list[str], data: st.DataObject, unit: str, floats: bool
) -> None:
    """Empty, inverted, negative and past-the-end spans, offsets inside a character, offsets
    as floats: the same results, or the same error after ``task N``."""
    counts = data.draw(st.lists(st.integers(0, 3), min_size=len(texts), max_size=len(texts)))
    total = sum(counts)
    start = np.array(data.draw(st.lists(offset, min_size=total, max_size=total)), dtype=np.int64)
    end = start + np.array(
        data.draw(st.lists(st.integers(-1, 5), min_size=total, max_size=total)), dtype=np.int64
    )
    if floats:
        start = start.astype(float)
        start[: data.draw(st.integers(0, 1))] += 0.5
    labels = data.draw(st.lists(st.sampled_from(NAMES), min_size=total, max_size=total))
    scores = np.array(data.draw(st.lists(st.floats(0, 1), min_size=total, max_size=total)))
    options = {"scores": scores, "unit": unit}
    try:
        expected = _per_image(texts, start, end, labels, counts, **options)
    except BuildError as error:
        task, message = str(error).split(": ", 1)
    else:
        task = message = ""
    if message:
        with pytest.raises(BuildError, match=re.escape(message)) as info:
            _batch(texts, start, end, labels, counts, **options)
        assert str(info.value).startswith(task + " ") or str(info.value).startswith(task + ":")
        return
    got = list(_batch(texts, start, end, labels, counts, **options))
    assert _no_ids(got) == _no_ids(expected)
    assert _key_orders(got) == _key_orders(expected)


def test_task_index_in_any_order_equals_counts() -> None:
    texts, start, end, labels, scores = _corpus(4, 3, seed=5)
    task_index = np.repeat(np.arange(4), 3)
    shuffle = np.random.default_rng(1).permutation(12)
    by_index = PredictionBatch(CONFIG, _data(texts)).spans(
        "ner",
        start=start[shuffle],
        end=end[shuffle],
        task_index=task_index[shuffle],
        labels=[labels[i] for i in shuffle],
        scores=scores[shuffle],
    )
    by_counts = PredictionBatch(CONFIG, _data(texts)).spans(
        NER, start=start, end=end, counts=[3] * 4, labels=labels, scores=scores
    )

    def key(task: dict[str, Any]) -> list[Any]:
        return sorted(
            (*r["value"]["labels"], r["value"]["start"], r["value"]["text"], r["score"])
            for r in task["predictions"][0]["result"]
        )

    assert [key(t) for t in by_index] == [key(t) for t in by_counts]


def test_labels_label_map_class_ids_and_drops() -> None:
    texts = ["Ann in Rome", "Bob"]
    base = PredictionBatch(CONFIG, _data(texts))
    one = base.spans("ner", start=[0, 7, 0], end=[3, 11, 3], counts=[2, 1], label="Misc")
    assert [r["value"]["labels"] for t in one for r in t["predictions"][0]["result"]] == [
        ["Misc"]
    ] * 3
    names = LabelMap(NER, mapping={"CITY": "Location"}, unmapped="drop")
    mapped = PredictionBatch(CONFIG, _data(texts)).spans(
        "ner",
        start=[0, 7, 0],
        end=[3, 11, 3],
        counts=[2, 1],
        labels=["PER", "CITY", "ORG"],
        label_map=names,
    )
    results = [[r["value"] for r in t["predictions"][0]["result"]] for t in mapped]
    assert results == [
        [
            {"start": 0, "end": 3, "text": "Ann", "labels": ["Person"]},
            {"start": 7, "end": 11, "text": "Rome", "labels": ["LOC"]},
        ],
        [],
    ]
    assert dict(names.dropped) == {"ORG": 1}
    by_ids = PredictionBatch(CONFIG, _data(texts)).spans(
        "ner",
        start=[0, 7, 0],
        end=[3, 11, 3],
        counts=[2, 1],
        class_ids=[0, 1, 0],
        class_names=["person", "location"],
    )
    assert [r["value"]["labels"] for t in by_ids for r in t["predictions"][0]["result"]] == [
        ["Person"],
        ["LOC"],
        ["Person"],
    ]
    multi = LabelConfig.parse(
        '<View><Text name="t" value="$t"/><Labels name="l" toName="t" choice="multiple">'
        '<Label value="A"/><Label value="B"/></Labels></View>'
    )
    both = PredictionBatch(multi, {"t": ["xyz"]}).spans(
        "l", start=[0], end=[2], counts=[1], labels=[["a", "B"]]
    )
    assert both[0]["predictions"][0]["result"][0]["value"]["labels"] == ["A", "B"]


def test_text_is_read_and_decoded_as_the_builder_reads_it() -> None:
    config = LabelConfig.parse(
        '<View><Text name="t" value="$t" encoding="base64unicode"/>'
        '<Labels name="l" toName="t"><Label value="A"/></Labels></View>'
    )
    encoded = base64.b64encode("Zoë ✓".encode()).decode()
    batch = PredictionBatch(config, {"t": [encoded]}).spans(
        "l", start=[0], end=[3], counts=[1], label="A"
    )
    assert batch[0]["predictions"][0]["result"][0]["value"]["text"] == "Zoë"
    with pytest.raises(BuildError, match=re.escape("task 1: task data 'doc.body' for <Text")):
        PredictionBatch(CONFIG, [{"doc": {"body": "a"}}, {"doc": {"body": 3}}]).spans(
            "ner", start=[0, 0], end=[1, 1], counts=[1, 1], label="Misc"
        )


# --- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({}, BuildError, "say which task each span is for: task_index= (one task number per "),
        ({"counts": [1, 2]}, BuildError, "counts add up to 3, but 2 spans were given"),
        (
            {"counts": [1, 1], "end": [3]},
            BuildError,
            "start and end must have one offset per span: start has 2, end has 1",
        ),
        (
            {"counts": [1, 1], "start": [[0, 1]]},
            BuildError,
            "start must have shape (M,), one offset per span, got (1, 2)",
        ),
        (
            {"counts": [1, 1], "start": ["a", "b"]},
            BuildError,
            "start must be whole numbers, got an array of <U1",
        ),
        (
            {"counts": [1, 1], "unit": "bytes"},
            BuildError,
            "unit must be one of 'codepoint', 'utf16', 'utf8', got 'bytes'",
        ),
        (
            {"counts": [1, 1], "scores": [0.5, 50]},
            BuildError,
            "scores[1] must be between 0 and 1, got 50.0 (scores must be probabilities in [0, 1]",
        ),
        (
            {"counts": [1, 1], "start": [0, 3], "end": [3, 3]},
            BuildError,
            "task 1 (spans from 1 on): a span needs start < end, got (3, 3) on <Text name='text'>",
        ),
        (
            {"counts": [1, 1], "end": [3, 9]},
            BuildError,
            "task 1 (spans from 1 on): spans on <Text name='text'>: code point offset 9 is past "
            "the end of the text (8 code points)",
        ),
        (
            {"counts": [1, 1], "end": [3, 1], "unit": "utf16"},
            BuildError,
            "task 1 (spans from 1 on): spans on <Text name='text'>: UTF-16 offset 1 falls inside",
        ),
        (
            {"task_index": [1, 0], "start": [0, 0.5]},
            BuildError,
            "task 0: spans on <Text name='text'>: code point offsets must be integers, got 0.5",
        ),
        ({"counts": [1, 1], "labels": ["PER", "ORG"]}, LabelError, "model class(es) 'ORG' map"),
        (
            {"counts": [1, 1], "label": None, "class_ids": [0, 0], "label_map": {"a": "Misc"}},
            LabelError,
            "label_map= maps the names in labels=; with class_ids= pass the LabelMap as "
            "class_names=",
        ),
        (
            {"counts": [1, 1], "label": "Misc", "labels": ["PER", "PER"]},
            LabelError,
            "got label, labels",
        ),
    ],
    ids=[
        "no-grouping",
        "counts-sum",
        "lengths-differ",
        "start-shape",
        "start-strings",
        "unit",
        "score-range",
        "empty",
        "past-the-end",
        "inside-a-character",
        "fraction",
        "unknown-class",
        "label-map-with-ids",
        "two-ways",
    ],
)
def test_located_errors(options: dict[str, Any], error: type[Exception], message: str) -> None:
    arguments: dict[str, Any] = {"label": "Misc", "start": [0, 0], "end": [3, 3]}
    arguments.update(options)
    if "labels" in options and "label" not in options:
        del arguments["label"]
    with pytest.raises(error, match=re.escape(message)):
        PredictionBatch(CONFIG, _data(["Ann met", "🐱 Bob es"])).spans("ner", **arguments)


def test_control_kind_and_target_are_checked() -> None:
    base = PredictionBatch(CONFIG, _data(["a"]))
    with pytest.raises(BuildError, match=re.escape("spans() takes a <Labels> control on a <Text>")):
        base.spans("topic", start=[0], end=[1], counts=[1], label="Misc")
    image = LabelConfig.parse(
        '<View><Image name="im" value="$im"/><Labels name="l" toName="im">'
        '<Label value="A"/></Labels></View>'
    )
    with pytest.raises(BuildError, match=re.escape("points at <Image name='im'>, not at <Text>")):
        PredictionBatch(image, {"im": ["a"]}).spans("l", start=[0], end=[1], counts=[1], label="A")


# --- output: JSON, validators ------------------------------------------------------------------


def test_json_round_trip_and_validation_clean(sdk_validate: Any) -> None:
    texts, start, end, labels, scores = _corpus(5, 3, seed=3)

    def build() -> list[dict[str, Any]]:
        with reproducible_ids(7):
            batch = _batch(texts, start, end, labels, [3] * 5, scores=scores)
            return list(batch.choices("topic", ["News"] * 5))

    tasks = build()
    assert tasks == build()
    assert json.loads(json.dumps(tasks)) == tasks
    validator = Validator(CONFIG)
    assert [r for i, t in enumerate(tasks) for r in validator.check_task(t, i)] == []
    for task in tasks:
        assert sdk_validate(CONFIG.xml, task["predictions"][0]) == []


def test_empty_batch_and_tasks_without_spans() -> None:
    batch = PredictionBatch(CONFIG, _data(["a", "b"])).spans(
        "ner", start=[], end=[], counts=[0, 0], label="Misc"
    )
    assert [t["predictions"][0]["result"] for t in batch] == [[], []]
    assert batch.result_count == 0
