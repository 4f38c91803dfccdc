"""Task and Prediction: to and from plain dicts, strict envelopes, predictions as annotations."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import given, settings

from prelabel import BuildError, Prediction, Task
from strategies_tasks import task_dicts

CHOICE = {
    "id": "a",
    "type": "choices",
    "from_name": "c",
    "to_name": "t",
    "value": {"choices": ["A"]},
}


@settings(max_examples=150, deadline=None)
@given(raw=task_dicts)
def test_from_dict_to_dict_round_trip(raw: dict[str, Any]) -> None:
    task = Task.from_dict(raw)
    assert task.to_dict() == raw
    assert json.loads(json.dumps(task.to_dict(), allow_nan=False)) == raw


def test_to_dict_key_order() -> None:
    task = Task(
        {"t": "x"},
        predictions=[Prediction([CHOICE], model_version="v1", score=0.5, extra={"note": 1})],
        annotations=[{"result": []}],
        meta={"m": 1},
        id=3,
        extra={"drafts": []},
    )
    out = task.to_dict()
    assert list(out) == ["id", "data", "predictions", "annotations", "meta", "drafts"]
    assert list(out["predictions"][0]) == ["model_version", "score", "result", "note"]


def test_unknown_keys_are_kept_in_extra() -> None:
    raw = {"data": {}, "total_annotations": 0, "predictions": [{"result": [], "cluster": 2}]}
    task = Task.from_dict(raw)
    assert task.extra == {"total_annotations": 0}
    assert task.predictions[0].extra == {"cluster": 2}
    assert task.to_dict() == raw


def test_null_predictions_and_annotations_read_as_none() -> None:
    task = Task.from_dict({"data": {}, "predictions": None, "annotations": None})
    assert task.predictions == []
    assert task.annotations == []
    assert task.to_dict() == {"data": {}}


def test_prediction_results_accept_nested_lists() -> None:
    other = {**CHOICE, "id": "b"}
    assert Prediction([[CHOICE], other]).result == [CHOICE, other]


STRICT_CASES = [
    ([], "a task must be an object, got a list"),
    ({"predictions": []}, "a task needs a 'data' object"),
    ({"data": "x.jpg"}, "a task's 'data' must be an object, got a string"),
    (
        {"data": {}, "predictions": {}},
        "'predictions' must be a list of prediction objects, got an object",
    ),
    ({"data": {}, "predictions": ["p"]}, "'predictions'[0] must be an object, got a string"),
    (
        {"data": {}, "predictions": [{"result": {}}]},
        "predictions[0]: 'result' must be a list of result objects, got an object",
    ),
    (
        {"data": {}, "predictions": [{"result": [[]]}]},
        "predictions[0]: 'result'[0] must be an object, got a list",
    ),
    (
        {"data": {}, "predictions": [{"result": [], "score": "0.9"}]},
        "predictions[0]: 'score' must be a number, got a string",
    ),
    (
        {"data": {}, "predictions": [{"result": [], "score": True}]},
        "predictions[0]: 'score' must be a number, got a boolean",
    ),
    (
        {"data": {}, "predictions": [{"result": [], "score": 87}]},
        "predictions[0]: score must be between 0 and 1, got 87.0 "
        "(looks like a percentage: divide by 100)",
    ),
    (
        {"data": {}, "predictions": [{}, {"result": [], "model_version": 3}]},
        "predictions[1]: model_version must be a string, got int",
    ),
    (
        {"data": {}, "annotations": [{"result": None}]},
        "'annotations[0].result' must be a list of result objects, got null",
    ),
    ({"data": {}, "annotations": [1]}, "'annotations'[0] must be an object, got a number"),
    ({"data": {}, "meta": []}, "'meta' must be an object, got a list"),
    ({"data": {}, "id": "7"}, "'id' must be an integer, got a string"),
    ({"data": {}, "id": True}, "'id' must be an integer, got a boolean"),
    ({"data": {}, "id": 1.0}, "'id' must be an integer, got a number"),
]


@pytest.mark.parametrize(
    ("raw", "message"),
    STRICT_CASES,
    ids=[
        "not-object",
        "no-data",
        "data-string",
        "predictions-object",
        "prediction-string",
        "result-object",
        "result-item-list",
        "score-string",
        "score-bool",
        "score-percent",
        "model-version-int",
        "annotation-result-null",
        "annotation-number",
        "meta-list",
        "id-string",
        "id-bool",
        "id-float",
    ],
)
def test_from_dict_is_strict_about_the_envelope(raw: Any, message: str) -> None:
    with pytest.raises(BuildError, match=f"^{re.escape(message)}$"):
        Task.from_dict(raw)


def test_prediction_from_dict_refuses_non_objects() -> None:
    with pytest.raises(BuildError, match=r"^a prediction must be an object, got a list$"):
        Prediction.from_dict([])  # type: ignore[arg-type]


def test_to_annotation_copies_results_without_completed_by() -> None:
    prediction = Prediction([CHOICE], model_version="v1", score=0.9)
    annotation = prediction.to_annotation()
    assert annotation == {"result": [CHOICE]}
    annotation["result"][0]["value"]["choices"].append("B")
    assert prediction.result[0]["value"]["choices"] == ["A"]  # the prediction is untouched
    assert prediction.to_annotation(ground_truth=True) == {"result": [CHOICE], "ground_truth": True}


def test_task_with_predictions_as_annotations() -> None:
    task = Task(
        {"t": "x"},
        predictions=[Prediction([CHOICE], model_version="a"), Prediction([], model_version="b")],
        annotations=[{"result": [], "completed_by": 1}],
    )
    copied = task.with_predictions_as_annotations(ground_truth=True)
    assert copied.to_dict() == {
        "data": {"t": "x"},
        "predictions": [
            {"model_version": "a", "result": [CHOICE]},
            {"model_version": "b", "result": []},
        ],
        "annotations": [
            {"result": [], "completed_by": 1},
            {"result": [CHOICE], "ground_truth": True},
            {"result": [], "ground_truth": True},
        ],
    }
    moved = task.with_predictions_as_annotations(keep_predictions=False)
    assert "predictions" not in moved.to_dict()
    assert len(task.annotations) == 1  # the original task is unchanged


def test_annotation_import_accepted_by_the_sdk_validator(sdk_validate: Any) -> None:
    """An annotation made from a prediction carries the same results the SDK accepts."""
    config = (
        '<View><Text name="t" value="$t"/>'
        '<Choices name="c" toName="t"><Choice value="A"/></Choices></View>'
    )
    prediction = Prediction([CHOICE], model_version="v1")
    annotation = prediction.to_annotation()
    assert sdk_validate(config, {"result": annotation["result"], "model_version": "v1"}) == []
