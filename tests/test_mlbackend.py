"""prelabel.mlbackend: the /predict request parsed with located errors, the answer checked."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from prelabel import BuildError, LabelConfig, Labels, Prediction
from prelabel.mlbackend import (
    InteractiveContext,
    PredictRequest,
    PredictResponse,
    RequestError,
    RequestTask,
    Responder,
)

CONFIG = LabelConfig.parse(
    """<View>
  <Text name="text" value="$text"/>
  <Labels name="entities" toName="text"><Label value="Person"/></Labels>
</View>"""
)
# What Label Studio 1.23.2 posts (ml/api_connector.py _prep_prediction_req), one task.
LS_BODY: dict[str, Any] = {
    "tasks": [
        {
            "id": 12,
            "data": {"text": "Ada met Charles."},
            "meta": {},
            "created_at": "2026-12-07T21:00:00Z",
            "updated_at": "2026-12-07T21:00:00Z",
            "is_labeled": False,
            "overlap": 1,
            "inner_id": 1,
            "total_annotations": 0,
            "file_upload": None,
            "project": 3,
        }
    ],
    "project": "3.1765141200",
    "label_config": CONFIG.xml,
    "params": {"login": None, "password": None, "context": None},
}
CLICK = {
    "result": [
        {
            "id": "r1",
            "from_name": "entities",
            "to_name": "text",
            "type": "labels",
            "value": {"start": 0, "end": 3, "text": "Ada", "labels": ["Person"]},
            "origin": "manual",
        }
    ]
}


def test_parses_what_label_studio_sends() -> None:
    request = PredictRequest.parse(json.dumps(LS_BODY).encode())
    assert request.tasks[0].id == 12
    assert request.tasks[0].data == {"text": "Ada met Charles."}
    assert request.tasks[0].model_extra is not None
    assert request.tasks[0].model_extra["inner_id"] == 1  # later keys are kept, not refused
    assert request.label_config == CONFIG.xml
    assert not request.interactive
    assert request.context is None


def test_parses_an_interactive_context() -> None:
    body = {**LS_BODY, "params": {"context": CLICK, "password": "s3cret"}}
    request = PredictRequest.parse(body)
    assert request.interactive
    assert isinstance(request.context, InteractiveContext)
    (clicked,) = request.context.of("entities")
    assert clicked.value["text"] == "Ada"
    assert request.context.of("topic") == []
    assert "s3cret" not in repr(request)


def test_an_empty_context_is_none() -> None:
    assert PredictRequest.parse({**LS_BODY, "params": {"context": {}}}).context is None


MALFORMED = {
    "not json": (b"{tasks:", "$: the body is not JSON"),
    "not an object": (b"[]", "$: the body must be a JSON object, got a list"),
    "no tasks": ({"label_config": "<View/>"}, "$.tasks: Field required"),
    "task without data": ({"tasks": [{"id": 1}]}, "$.tasks[0].data: Field required"),
    "data a list": (
        {"tasks": [{"id": 1, "data": [1, 2]}]},
        "$.tasks[0].data: Input should be a valid dictionary (got [1, 2])",
    ),
    "id a string": (
        {"tasks": [{"id": "1", "data": {}}]},
        "$.tasks[0].id: Input should be a valid integer (got '1')",
    ),
    "context without result": (
        {"tasks": [], "params": {"context": {"x": 1}}},
        "$.params.context.result: Field required",
    ),
}


@pytest.mark.parametrize(("body", "line"), MALFORMED.values(), ids=list(MALFORMED))
def test_malformed_requests_name_where(body: Any, line: str) -> None:
    with pytest.raises(RequestError) as caught:
        PredictRequest.parse(body)
    assert any(problem.startswith(line) for problem in caught.value.problems), caught.value
    assert isinstance(caught.value, ValueError)


def test_errors_never_echo_credentials_or_huge_inputs() -> None:
    body = {"tasks": [{"id": 1, "data": "x" * 10_000}], "params": {"password": ["hunter2"]}}
    with pytest.raises(RequestError) as caught:
        PredictRequest.parse(body)
    message = str(caught.value)
    assert "hunter2" not in message
    assert "$.params.password" in message
    assert len(message) < 500


def _task(text: str, task_id: int = 1) -> RequestTask:
    return RequestTask(id=task_id, data={"text": text})


def _spans(task: RequestTask, context: InteractiveContext | None) -> list[Any]:
    entities = CONFIG.control("entities", Labels)
    text = task.data["text"]
    return [entities.span(text, 0, text.index(" "), "Person")]


def test_the_answer_has_one_checked_prediction_per_task() -> None:
    responder = Responder(CONFIG, model_version="ner-1")
    request = PredictRequest(tasks=[_task("Ada met Charles.", 1), _task("Charles left.", 2)])
    answer = responder.response(request, _spans)
    PredictResponse.model_validate(answer)
    assert answer["model_version"] == "ner-1"
    assert [p["result"][0]["value"]["text"] for p in answer["results"]] == ["Ada", "Charles"]
    assert all(p["model_version"] == "ner-1" for p in answer["results"])
    assert responder.emptied == 0


def test_a_prediction_that_would_not_load_is_emptied_and_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    responder = Responder(CONFIG, model_version="ner-1")
    bad = {
        "from_name": "entities",
        "to_name": "text",
        "type": "labels",
        "value": {"start": 0, "end": 99, "labels": ["Person"]},
    }

    def predict(task: RequestTask, context: InteractiveContext | None) -> Any:
        return Prediction([bad], score=0.9) if task.id == 2 else _spans(task, context)

    request = PredictRequest(tasks=[_task("Ada met.", 1), _task("Bo met.", 2), _task("Cy c.", 3)])
    with caplog.at_level(logging.WARNING, logger="prelabel.mlbackend"):
        results = responder.predictions(request, predict)
    assert results[1] == {"model_version": "ner-1", "score": 0.0, "result": []}
    assert [bool(r["result"]) for r in results] == [True, False, True]
    assert responder.emptied == 1
    assert "task 2: prediction left empty: $[1].predictions[0].result[0].value.end" in caplog.text
    assert "span.out_of_range" in caplog.text


def test_a_model_that_raises_costs_only_its_task(caplog: pytest.LogCaptureFixture) -> None:
    responder = Responder(CONFIG, model_version="ner-1")

    def predict(task: RequestTask, context: InteractiveContext | None) -> Any:
        if task.id == 1:
            raise BuildError("span end 99 is past the text")
        if task.id == 2:
            raise KeyError("boom")
        return _spans(task, context)

    request = PredictRequest(tasks=[_task("Ada a.", 1), _task("Bo b.", 2), _task("Cy c.", 3)])
    with caplog.at_level(logging.WARNING, logger="prelabel.mlbackend"):
        results = responder.predictions(request, predict)
    assert [bool(r["result"]) for r in results] == [False, False, True]
    assert "task 1: prediction left empty: BuildError: span end 99 is past the text" in caplog.text
    assert "task 2: prediction left empty: the model raised KeyError" in caplog.text
    assert responder.emptied == 2


def test_a_prediction_keeps_its_own_model_version() -> None:
    responder = Responder(CONFIG, model_version="ner-1")
    made = Prediction(_spans(_task("Ada b."), None), model_version="ner-2", score=0.5)
    out = responder.prediction(_task("Ada b."), made)
    assert out["model_version"] == "ner-2"
    assert out["score"] == 0.5


def test_import_prelabel_does_not_import_pydantic() -> None:
    import subprocess
    import sys

    code = "import sys, prelabel, prelabel.cli; print('pydantic' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
