"""The real loop: Label Studio 1.23.2 asks the example ML backend, the annotator sees the answer.

The backend is ``examples/ml_backend.py`` on the real ``label-studio-ml`` (``.venv-mlb``),
started on 127.0.0.1 and connected to a project through Label Studio's API, as the project's
Model settings do. Label Studio then asks it the ways it does for annotators:

* opening a task in the editor (Chromium, the data manager's labeling view): the server asks
  for the task's prediction before it answers the editor;
* the data manager's "Retrieve predictions" action, for every task at once;
* interactively: the editor's request when the annotator labels a span
  (``POST /api/ml/<id>/interactive-annotating`` with ``{"task", "context": {"result": [...]}}``,
  what the 1.23.2 bundle sends on ``regionFinishedDrawing``).

Each time the test proves: what the server stored equals what the backend answered (the
backend logs every /predict exchange), ``model_version`` is the model's, a task whose input the
model could not use got an empty prediction while the others of the same request kept theirs,
and the editor draws the stored predictions as sent.

Label Studio refuses an ML backend on a loopback address by default (a test pins that on the
session's server, which keeps the shipped defaults), so this module starts a Label Studio of
its own with those two checks off (``LabelStudioServer(allow_loopback_ml=True)``), from the
same warm template, with its own client and browser; all three are stopped at the module's end.
"""

from __future__ import annotations

import importlib.util
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from integration.editor import Editor, differences
from integration.ml_backend import SCRIPT, MLBackend
from integration.server import LabelStudioServer
from prelabel import LabelConfig
from prelabel.labelstudio import Client, stored_differences
from prelabel.validate import check


def _example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("example_ml_backend", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


ML = _example()
CONFIG = LabelConfig.parse(ML.CONFIG)
MODEL_VERSION = "gazetteer-ner-2024.06"
TASKS: list[dict[str, Any]] = [
    {"data": task["data"]}
    for task in json.loads((ML.DATA / "tasks.json").read_text(encoding="utf-8"))
]
# Text as a list: the server takes it, the model's offsets cannot apply to it.
UNUSABLE = {"data": {"text": ["Ada Lovelace met Charles Babbage."]}}


class APIError(AssertionError):
    """The API answered with an HTTP error (a test failure, unless a test expects it)."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def api(server: LabelStudioServer, method: str, path: str, body: Any = None) -> Any:
    """One call to the server's API with its token; the decoded JSON answer."""
    request = urllib.request.Request(
        server.url + path,
        data=None if body is None else json.dumps(body).encode(),
        method=method,
        headers={"Authorization": f"Token {server.token}", "Content-Type": "application/json"},
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=120) as answer:
            raw = answer.read()
    except urllib.error.HTTPError as error:
        detail = error.read().decode("utf-8", "replace")[:1000]
        message = f"{method} {path} answered HTTP {error.code}: {detail}"
        raise APIError(message, error.code) from None
    return json.loads(raw) if raw else None


@pytest.fixture(scope="module")
def backend() -> Iterator[MLBackend]:
    process = MLBackend()
    try:
        yield process.start()
    finally:
        process.stop()


@pytest.fixture(scope="module")
def ml_server(artifacts: Path, timings: dict[str, float]) -> Iterator[LabelStudioServer]:
    """A strict Label Studio that may connect the loopback backend, stopped by PID at the end."""
    server = LabelStudioServer(allow_loopback_ml=True)
    try:
        with server.serving(artifacts / "server-ml.log"):
            timings["ml server start"] = server.startup_s or 0.0
            yield server
    finally:
        timings["ml server stop"] = server.stop_s or 0.0


@pytest.fixture(scope="module")
def ml_client(ml_server: LabelStudioServer) -> Client:
    return Client(ml_server.url, ml_server.token)


@pytest.fixture(scope="module")
def ml_editor(
    ml_server: LabelStudioServer, editor: Editor, timings: dict[str, float]
) -> Iterator[Editor]:
    """A browser logged in to this module's server, on the session editor's playwright (one
    sync playwright per process); closed, and its leftovers killed by PID, at the end."""
    browser = Editor(
        ml_server.url, ml_server.username, ml_server.password, playwright=editor.playwright
    )
    try:
        started = time.perf_counter()
        browser.start()
        timings["ml browser start"] = time.perf_counter() - started
        yield browser
    finally:
        browser.stop()


# The annotator's first label, for the editor's interactive request: imported as a prediction of
# the model's version (so no whole-task request replaces it), before the data manager loads.
SEEDED_TEXT = "Mr Darcy met Elizabeth; later Darcy wrote to her."


def _seeded() -> dict[str, Any]:
    span = CONFIG.control("entities", ML.Labels).span(SEEDED_TEXT, 3, 8, "Person")
    seed = ML.Prediction([span], model_version=MODEL_VERSION, score=1.0).to_dict()
    return {"data": {"text": SEEDED_TEXT}, "predictions": [seed]}


@pytest.fixture(scope="module")
def connected(
    ml_server: LabelStudioServer, ml_client: Client, backend: MLBackend
) -> dict[str, Any]:
    """A project with the tasks (no predictions) and the backend connected, interactive."""
    project = ml_client.create_project(
        "ml backend loop", ML.CONFIG, evaluate_predictions_automatically=True
    )
    seeded = _seeded()
    report = ml_client.import_tasks(project, [*TASKS, UNUSABLE, seeded])
    assert report.ok, report.summary()
    ml = api(
        ml_server,
        "POST",
        "/api/ml",
        {"project": project, "url": backend.url, "title": "gazetteer", "is_interactive": True},
    )
    ids = [report.task_ids[i] for i in range(len(TASKS) + 1)]
    return {
        "project": project,
        "ml": ml,
        "task_ids": ids,
        "seeded": (report.task_ids[len(TASKS) + 1], seeded),
    }


def _errors(task: dict[str, Any]) -> list[str]:
    return [str(r) for r in check([task], CONFIG) if r.severity == "error"]


def answered(backend: MLBackend, task_id: int) -> dict[str, Any]:
    """The prediction the backend answered for a task (its last whole-task answer)."""
    for exchange in reversed(backend.answers()):
        if exchange["context"] is None and task_id in exchange["task_ids"]:
            at = exchange["task_ids"].index(task_id)
            prediction: dict[str, Any] = exchange["answer"]["results"][at]
            return prediction
    raise AssertionError(f"the backend was never asked about task {task_id}")


def test_the_shipped_defaults_refuse_a_loopback_backend(
    ls_server: LabelStudioServer, ls_client: Client, backend: MLBackend
) -> None:
    """The session's server keeps Label Studio's defaults: it will not connect the backend on
    127.0.0.1, which is why this module has a server of its own."""
    project = ls_client.create_project("ml backend refused", ML.CONFIG)
    with pytest.raises(APIError) as refused:
        api(ls_server, "POST", "/api/ml", {"project": project, "url": backend.url, "title": "x"})
    assert refused.value.code == 403
    assert "URL resolves to a reserved network address (block: 127.0.0.0/8)" in str(refused.value)


def test_connecting_sets_the_model_version(
    ml_server: LabelStudioServer, connected: dict[str, Any]
) -> None:
    ml = api(ml_server, "GET", f"/api/ml/{connected['ml']['id']}")
    assert ml["readable_state"] == "Connected", ml.get("error_message")
    assert ml["model_version"] == MODEL_VERSION


def test_opening_a_task_asks_the_backend_and_the_editor_draws_the_answer(
    connected: dict[str, Any], backend: MLBackend, ml_client: Client, ml_editor: Editor
) -> None:
    task_id = connected["task_ids"][0]
    view = ml_editor.open_task(connected["project"], task_id, predictions=1)
    sent = answered(backend, task_id)
    assert sent["model_version"] == MODEL_VERSION
    assert sent["result"], "the model finds spans and a topic in the first task"
    stored = ml_client.read_task(task_id)
    assert stored_differences({"data": TASKS[0]["data"], "predictions": [sent]}, stored) == []
    assert stored["predictions"][0]["model_version"] == MODEL_VERSION
    assert differences(CONFIG, TASKS[0]["data"], sent["result"], view) == []


def test_retrieve_predictions_stores_each_answer_and_empties_only_the_bad_task(
    connected: dict[str, Any], backend: MLBackend, ml_server: LabelStudioServer, ml_client: Client
) -> None:
    project = connected["project"]
    query = urllib.parse.urlencode({"id": "retrieve_tasks_predictions", "project": project})
    api(ml_server, "POST", f"/api/dm/actions?{query}", {"selectedItems": {"all": True}})
    stored = {task["id"]: task for task in ml_client.read_tasks(project)}
    for index, task_id in enumerate(connected["task_ids"]):
        sent = answered(backend, task_id)
        assert sent["model_version"] == MODEL_VERSION
        data = [*TASKS, UNUSABLE][index]["data"]
        task = stored[task_id]
        assert len(task["predictions"]) == 1, "one prediction per task, asked once"
        assert stored_differences({"data": data, "predictions": [sent]}, task) == []
        if index < len(TASKS):
            assert _errors({"data": data, "predictions": task["predictions"]}) == []
    assert answered(backend, connected["task_ids"][-1])["result"] == []
    assert [bool(answered(backend, i)["result"]) for i in connected["task_ids"][:3]] == [True] * 3
    assert "prediction left empty" in backend.log_text()
    # Asked again, the server finds every task predicted by this version and asks nothing.
    before = len(backend.answers())
    api(ml_server, "POST", f"/api/dm/actions?{query}", {"selectedItems": {"all": True}})
    assert all(not e["task_ids"] for e in backend.answers()[before:])


def test_the_editor_draws_every_stored_prediction_as_sent(
    connected: dict[str, Any], backend: MLBackend, ml_editor: Editor
) -> None:
    # The first task was opened (and checked) by the test that opened it first.
    for index, task_id in list(enumerate(connected["task_ids"]))[1 : len(TASKS)]:
        sent = answered(backend, task_id)
        view = ml_editor.open_task(connected["project"], task_id, predictions=1)
        assert differences(CONFIG, TASKS[index]["data"], sent["result"], view) == [], task_id


def test_interactive_suggestions_from_a_labeled_span(
    connected: dict[str, Any], backend: MLBackend, ml_server: LabelStudioServer, ml_client: Client
) -> None:
    """The annotator labels "Ada Lovelace" in a task that names her twice: the backend
    proposes the other mention, and the server hands its answer to the editor unchanged."""
    text = "Ada Lovelace wrote notes; Babbage read what Ada Lovelace wrote."
    project = connected["project"]
    report = ml_client.import_tasks(project, [{"data": {"text": text}}])
    task_id = report.task_ids[0]
    labeled = {
        "id": "a1",
        "from_name": "entities",
        "to_name": "text",
        "type": "labels",
        "origin": "manual",
        "value": {"start": 0, "end": 12, "text": "Ada Lovelace", "labels": ["Person"]},
    }
    started = time.perf_counter()
    reply = api(
        ml_server,
        "POST",
        f"/api/ml/{connected['ml']['id']}/interactive-annotating",
        {"task": task_id, "context": {"result": [labeled]}},
    )
    assert time.perf_counter() - started < 30
    exchange = backend.answers()[-1]
    assert exchange["context"] == {"result": [labeled]}
    assert exchange["task_ids"] == [task_id]
    sent = exchange["answer"]["results"][0]
    assert reply["data"] == sent
    (suggestion,) = sent["result"]
    assert suggestion["value"] == {
        "start": 44,
        "end": 56,
        "text": "Ada Lovelace",
        "labels": ["Person"],
    }
    assert _errors({"data": {"text": text}, "predictions": [sent]}) == []


# The editor's side of interactive pre-annotation: a region of the annotation on screen
# announces it was drawn (the event a span, box or point fires when the annotator finishes
# it: ``regionFinishedDrawing``); the data manager posts the region's serialized results as
# the context to the server, and loads the answer as suggestions, which a <Text> accepts into
# the annotation at once. Returns the context sent and the results the annotation gained.
SUGGEST_JS = """async ([words, timeoutMs]) => {
  const annotation = window.Htx.annotationStore.selected;
  const before = annotation.serializeAnnotation();
  const held = before.find(r => r.value && r.value.text === words);
  if (!held) return {error: "no region for " + words};
  const region = annotation.regions.find(r => r.cleanId === held.id);
  window.Htx.events.invoke("regionFinishedDrawing", region, [region]);
  const started = Date.now();
  let now = before;
  while (now.length === before.length && Date.now() - started < timeoutMs) {
    await new Promise(done => setTimeout(done, 100));
    now = annotation.serializeAnnotation();
  }
  const old = new Set(before.map(r => r.id));
  return {context: held, gained: now.filter(r => !old.has(r.id))};
}"""


def test_the_editor_asks_about_a_labeled_span_and_shows_the_suggestion(
    connected: dict[str, Any], backend: MLBackend, ml_editor: Editor
) -> None:
    """In the editor, the annotator's "Darcy" span asks the backend; the other "Darcy"
    appears in the annotation, highlighted, as the backend sent it."""
    task_id, seeded = connected["seeded"]
    ml_editor.open_task(connected["project"], task_id, predictions=1)
    asked = len(backend.answers())
    shown = ml_editor.page.evaluate(SUGGEST_JS, ["Darcy", 30_000])
    (exchange,) = backend.answers()[asked:]
    assert exchange["task_ids"] == [task_id]
    assert exchange["context"] == {"result": [shown["context"]]}
    (suggested,) = exchange["answer"]["results"][0]["result"]
    assert suggested["value"]["start"] == 30
    assert _without_origin(shown["gained"]) == [suggested]
    view = ml_editor.read()
    sent = [*seeded["predictions"][0]["result"], suggested]
    assert differences(CONFIG, seeded["data"], sent, view) == []


def _without_origin(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The editor marks what it made from a suggestion with an ``origin``; nothing else."""
    return [{k: v for k, v in r.items() if k != "origin"} for r in results]
