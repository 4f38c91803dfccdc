"""The ML backend example: predict() called directly, as label-studio-ml calls it (the server
itself runs in integration/test_ml_backend.py, against Label Studio)."""

from __future__ import annotations

import importlib.util
import json
import logging
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _load() -> ModuleType:
    if str(EXAMPLES) not in sys.path:
        sys.path.insert(0, str(EXAMPLES))
    spec = importlib.util.spec_from_file_location("example_ml_backend", EXAMPLES / "ml_backend.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BACKEND = _load()
TASKS = json.loads((EXAMPLES / "data" / "adapters" / "ml_backend" / "tasks.json").read_text())


@pytest.fixture
def backend() -> Any:
    return BACKEND.PrelabelBackend(BACKEND.CONFIG)


def test_one_prediction_per_task_in_the_backend_shape(backend: Any, sdk_validate: Any) -> None:
    predictions = backend.predict(TASKS, context=None)
    assert len(predictions) == len(TASKS)
    for prediction in predictions:
        assert list(prediction) == ["model_version", "score", "result"]
        assert prediction["model_version"] == "gazetteer-ner-2024.06"
        assert 0.0 <= prediction["score"] <= 1.0
        assert json.loads(json.dumps(prediction)) == prediction
        assert sdk_validate(BACKEND.CONFIG, prediction) == []
    first = predictions[0]["result"]
    spans = [(r["value"]["text"], r["value"]["labels"]) for r in first if r["type"] == "labels"]
    assert spans == [
        ("Ada Lovelace", ["Person"]),
        ("Charles Babbage", ["Person"]),
        ("London", ["Location"]),
    ]
    assert [r["value"] for r in first if r["type"] == "choices"] == [{"choices": ["History"]}]
    assert predictions[3]["result"] == []  # nothing found: an empty prediction, still one


def test_the_sdk_response_model_takes_the_predictions(backend: Any) -> None:
    objects = pytest.importorskip("label_studio_sdk.label_interface.objects")
    for prediction in backend.predict(TASKS[:2]):
        value = objects.PredictionValue(**prediction)
        dumped = value.model_dump()
        assert dumped["result"] == prediction["result"]
        assert dumped["score"] == prediction["score"]
        assert dumped["model_version"] == prediction["model_version"]


def test_a_broken_model_output_empties_that_task_only(
    backend: Any, monkeypatch: Any, caplog: Any
) -> None:
    real = backend.model.entities

    def broken(text: str) -> list[dict[str, Any]]:
        found = real(text)
        if text.startswith("In 1843"):
            found.append({"entity_group": "PER", "score": 0.9, "start": 5, "end": 500})
        return found

    monkeypatch.setattr(backend.model, "entities", broken)
    with caplog.at_level(logging.WARNING, logger="prelabel.examples.ml_backend"):
        predictions = backend.predict(TASKS)
    assert predictions[1] == {"model_version": "gazetteer-ner-2024.06", "score": 0.0, "result": []}
    assert predictions[0]["result"]
    assert predictions[2]["result"]
    assert "task 102: prediction left empty" in caplog.text


def test_unmapped_model_classes_are_counted(backend: Any, monkeypatch: Any) -> None:
    real = backend.model.entities
    monkeypatch.setattr(
        backend.model,
        "entities",
        lambda text: [*real(text), {"entity_group": "MISC", "score": 0.5, "start": 0, "end": 2}],
    )
    backend.predict(TASKS[:2])
    assert dict(backend.labels.dropped) == {"MISC": 2}


def test_a_config_without_the_controls_fails_at_setup() -> None:
    from prelabel import UnknownNameError

    with pytest.raises(UnknownNameError, match="no control named 'entities'"):
        BACKEND.PrelabelBackend('<View><Text name="text" value="$text"/></View>')


def test_main_writes_tasks_with_the_predictions(tmp_path: Path) -> None:
    (entry,) = BACKEND.main(tmp_path)
    tasks = json.loads(Path(entry["tasks"]).read_text())
    assert [t["data"] for t in tasks] == [t["data"] for t in TASKS]
    assert all(len(t["predictions"]) == 1 for t in tasks)


def test_interactive_suggests_the_other_mentions(backend: Any) -> None:
    text = "Mr Darcy met Elizabeth; later Darcy wrote to her."
    clicked = {
        "id": "a1",
        "from_name": "entities",
        "to_name": "text",
        "type": "labels",
        "value": {"start": 3, "end": 8, "text": "Darcy", "labels": ["Person"]},
    }
    (prediction,) = backend.predict(
        [{"id": 9, "data": {"text": text}}], context={"result": [clicked]}
    )
    (suggested,) = prediction["result"]
    assert suggested["value"] == {"start": 30, "end": 35, "text": "Darcy", "labels": ["Person"]}
    assert prediction["model_version"] == "gazetteer-ner-2024.06"


def test_a_malformed_request_is_refused_with_its_location(backend: Any) -> None:
    from prelabel.mlbackend import RequestError

    with pytest.raises(RequestError, match=r"\$\.tasks\[0\]\.data: Input should be a valid"):
        backend.predict([{"id": 1, "data": "Ada"}])
    with pytest.raises(RequestError, match=r"\$\.params\.context\.result: Field required"):
        backend.predict(TASKS[:1], context={"clicked": True})
