"""A Label Studio ML backend on ``label-studio-ml``, whose ``predict()`` builds with prelabel.

Start it (one command; ``make ml-backend`` makes its virtualenv, ``.venv-mlb``, first)::

    make ml-backend ML_PORT=9090        # or: .venv-mlb/bin/python examples/ml_backend.py serve

then connect it to a project (Settings > Model > Connect model, URL ``http://127.0.0.1:9090``,
"Interactive preannotations" on), or through the API (docs/ml-backend.md). Label Studio then asks
it for predictions when an annotator opens a task and on the "Retrieve predictions" action;
with interactive preannotations on, it also asks about each span the annotator labels.

The model is a fake, bundled one (``data/adapters/ml_backend/model.json``: a gazetteer NER and
a keyword topic classifier) that answers in the shapes Hugging Face pipelines use, so the
adapters turn its output into results: the backend never writes a result dict, a label string
or an offset by hand. Interactively, it proposes every other mention of the words the annotator
just labeled, with the same label.

Nothing the model gets wrong takes the backend down: ``prelabel.mlbackend.Responder`` checks
each task's prediction against the project's config before Label Studio sees it, and a task
whose prediction would not load (or whose model call raised) gets an empty prediction and a log
line, while the other tasks of the request keep theirs. A request that is not what Label
Studio sends is answered 400 with the problems listed, never a 500 with a traceback.

``main()`` (``make demo``) runs the same ``predict()`` without a server, on the bundled tasks.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from prelabel import Choices, LabelConfig, LabelMap, Labels, Prediction, reproducible_ids
from prelabel.adapters import hf_choices, hf_entity_regions
from prelabel.mlbackend import InteractiveContext, PredictRequest, RequestTask, Responder

sys.path.insert(0, str(Path(__file__).parent))
from _common import write_example

DATA = Path(__file__).parent / "data" / "adapters" / "ml_backend"
LOG = logging.getLogger("prelabel.examples.ml_backend")

CONFIG = """<View>
  <Text name="text" value="$text"/>
  <Labels name="entities" toName="text">
    <Label value="Person" predicted_values="PER" background="red"/>
    <Label value="Organization" predicted_values="ORG" background="darkorange"/>
    <Label value="Location" predicted_values="LOC" background="orange"/>
  </Labels>
  <Choices name="topic" toName="text" choice="single-radio">
    <Choice value="Computing"/><Choice value="Science"/><Choice value="History"/>
  </Choices>
</View>"""


class GazetteerModel:
    """The bundled fake model: answers like ``pipeline("ner", aggregation_strategy="simple")``
    and ``pipeline("text-classification", top_k=None)``."""

    def __init__(self, path: Path = DATA / "model.json") -> None:
        spec = json.loads(path.read_text(encoding="utf-8"))
        self.version = f"{spec['name']}-{spec['version']}"
        self.gazetteer: dict[str, str] = spec["gazetteer"]
        self.topics: dict[str, list[str]] = spec["topics"]

    def entities(self, text: str) -> list[dict[str, Any]]:
        found = []
        for phrase, group in self.gazetteer.items():
            for match in re.finditer(re.escape(phrase), text):
                found.append(
                    {
                        "entity_group": group,
                        "score": round(0.8 + 0.19 * len(phrase) / 20, 4),
                        "word": phrase,
                        "start": match.start(),
                        "end": match.end(),
                    }
                )
        return sorted(found, key=lambda entity: entity["start"])

    def classify(self, text: str) -> list[dict[str, Any]]:
        words = text.lower()
        hits = {topic: sum(w in words for w in keys) for topic, keys in self.topics.items()}
        total = sum(hits.values()) or 1
        ranked = [{"label": t, "score": round(n / total, 4)} for t, n in hits.items()]
        return sorted(ranked, key=lambda item: -float(item["score"]))


class PrelabelBackend:
    """The prediction half of the ML backend, for one labeling config (no server needed).

    Args:
        label_config: the project's labeling config XML (``self.label_config`` in the SDK).
        model: the model; the bundled fake by default.
        min_topic_score: predict no topic below this confidence.

    Raises:
        prelabel.UnknownNameError, prelabel.KindError: the config lacks the controls this
            model fills (checked once, when Label Studio sets the backend up, not per request).
    """

    def __init__(
        self,
        label_config: str,
        model: GazetteerModel | None = None,
        *,
        min_topic_score: float = 0.3,
    ) -> None:
        self.config = LabelConfig.parse(label_config)
        self.model = model or GazetteerModel()
        self.entities = self.config.control("entities", Labels)
        self.topic = self.config.control("topic", Choices)
        self.text_key = self.entities.target.data_keys[0]
        self.min_topic_score = min_topic_score
        # One LabelMap for the backend's life: it counts the classes the config cannot take.
        self.labels = LabelMap(self.entities, unmapped="drop")
        self.responder = Responder(self.config, model_version=self.model_version, logger=LOG)

    @property
    def model_version(self) -> str:
        return self.model.version

    def predict(
        self,
        tasks: Sequence[Mapping[str, Any]],
        context: Mapping[str, Any] | None = None,
        **params: Any,
    ) -> list[dict[str, Any]]:
        """One checked prediction ``{model_version, score, result}`` per task, in task order.

        Called as label-studio-ml calls a model: ``predict(tasks, context=..., login=...,
        password=...)``. Raises :class:`prelabel.mlbackend.RequestError` when the tasks or
        the context are not what Label Studio sends.
        """
        request = PredictRequest.from_call(
            tasks, label_config=self.config.xml, params={**params, "context": context}
        )
        return self.responder.predictions(request, self.predict_task)

    def predict_task(self, task: RequestTask, context: InteractiveContext | None) -> Prediction:
        """The prediction for one task: the whole task, or suggestions around a labeled span."""
        if context is not None:
            return self.suggest(task, context)
        text = str(task.data.get(self.text_key, ""))
        spans = hf_entity_regions(
            self.entities, task.data, self.model.entities(text), label_map=self.labels
        )
        topic = hf_choices(
            self.topic, self.model.classify(text), unmapped="drop", min_score=self.min_topic_score
        )
        results = [*spans, topic] if topic is not None else spans
        scores = [r.result["score"] for r in spans] + ([topic["score"]] if topic else [])
        score = round(sum(scores) / len(scores), 4) if scores else 0.0
        return Prediction(results, model_version=self.model_version, score=score)

    def suggest(self, task: RequestTask, context: InteractiveContext) -> Prediction:
        """Every other mention of the words the annotator just labeled, with the same label."""
        text = str(task.data.get(self.text_key, ""))
        suggestions = []
        for labeled in context.of(self.entities.name):
            start, end = labeled.value.get("start"), labeled.value.get("end")
            labels = labeled.value.get("labels") or []
            if not (isinstance(start, int) and isinstance(end, int) and labels):
                continue
            words = text[start:end]
            for match in re.finditer(re.escape(words), text):
                if match.start() != start and words.strip():
                    suggestions.append(
                        self.entities.span(task.data, match.start(), match.end(), labels)
                    )
        return Prediction(suggestions, model_version=self.model_version, score=1.0)


# --- the server: label-studio-ml (imported only here; it lives in .venv-mlb) -----------------


def make_app(model_dir: str | None = None, *, answers_log: Path | None = None) -> Any:
    """The label-studio-ml Flask app serving :class:`PrelabelBackend`.

    ``answers_log``: append each /predict exchange there as a JSON line (the task ids asked
    and the answer), to compare with what Label Studio stored.
    """
    from label_studio_ml.api import init_app
    from label_studio_ml.exceptions import AnswerException
    from label_studio_ml.model import LabelStudioMLBase

    from prelabel.mlbackend import RequestError

    class PrelabelModel(LabelStudioMLBase):  # type: ignore[misc]
        """Made by label-studio-ml on /setup, with the project's config."""

        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.backend = PrelabelBackend(self.label_config)

        def predict(self, tasks: list[dict[str, Any]], **kwargs: Any) -> list[dict[str, Any]]:
            try:
                return self.backend.predict(tasks, **kwargs)
            except RequestError as exc:
                # Answered 400 with the problems; "traceback" set so that the framework does
                # not put one in the answer.
                raise AnswerException(400, str(exc), {"traceback": None}) from None

    app = init_app(PrelabelModel, model_dir=model_dir or tempfile.mkdtemp(prefix="prelabel-ml-"))
    _report_model_version(app, GazetteerModel().version)
    if answers_log is not None:
        _log_answers(app, answers_log)
    return app


def _report_model_version(app: Any, version: str) -> None:
    """Answer /setup and /predict with the model's version, not label-studio-ml's.

    label-studio-ml 1.0.9 reports ``"INITIAL"`` (or its last training job's id) as the model
    version. Label Studio keeps the version /setup reports as the backend's, and "Retrieve
    predictions" skips only the tasks holding a prediction of that version: with ``"INITIAL"``
    there, it never finds the predictions (which carry the model's version) and asks for the
    same tasks again on every run.
    """
    from flask import jsonify

    def with_version(view: Any) -> Any:
        def wrapped() -> Any:
            answer = view()
            body = answer.get_json(silent=True)
            if answer.status_code != 200 or not isinstance(body, dict):
                return answer
            return jsonify({**body, "model_version": version})

        return wrapped

    for name in ("_setup", "_predict"):
        app.view_functions[name] = with_version(app.view_functions[name])


def _log_answers(app: Any, path: Path) -> None:
    from flask import request

    def log(response: Any) -> Any:
        if request.path == "/predict":
            asked = request.get_json(silent=True) or {}
            ids = [t.get("id") for t in asked.get("tasks") or [] if isinstance(t, dict)]
            line = {
                "task_ids": ids,
                "context": (asked.get("params") or {}).get("context"),
                "status": response.status_code,
                "answer": response.get_json(silent=True),
            }
            with path.open("a", encoding="utf-8") as handle:
                handle.write(json.dumps(line) + "\n")
        return response

    app.after_request(log)


def serve(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="ml_backend.py serve", description=serve.__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9090)
    parser.add_argument("--model-dir", help="label-studio-ml's work dir (default: a temp dir)")
    parser.add_argument(
        "--log-answers", type=Path, metavar="FILE", help="append each /predict exchange to FILE"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    make_app(args.model_dir, answers_log=args.log_answers).run(
        host=args.host, port=args.port, threaded=False
    )
    return 0


serve.__doc__ = "Serve the backend on http://HOST:PORT until interrupted."


# --- make demo: the same predict(), without a server ------------------------------------------


def main(out_dir: Path) -> list[dict[str, str]]:
    tasks = json.loads((DATA / "tasks.json").read_text(encoding="utf-8"))
    backend = PrelabelBackend(CONFIG)
    with reproducible_ids(41):  # the same ids on every run, so the output diffs cleanly
        predictions = backend.predict(tasks, context=None)
    # What Label Studio stores: each task with the prediction the backend returned for it.
    out = [
        {"data": task["data"], "predictions": [p]}
        for task, p in zip(tasks, predictions, strict=True)
    ]
    return [write_example(out_dir, "ml_backend", CONFIG, out)]


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve"]:
        sys.exit(serve(sys.argv[2:]))
    for entry in main(Path("build/demo")):
        print(entry)
