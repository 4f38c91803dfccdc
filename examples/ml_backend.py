"""A custom Label Studio ML backend whose ``predict()`` builds and checks its output with prelabel.

Label Studio's ML backend (``label-studio-ml-backend``) calls
``predict(tasks, context=None, **kwargs)`` on a ``LabelStudioMLBase`` subclass with a batch of
task dicts, and takes back one prediction per task, in order: a list of dicts
``{"result": [...], "score": float, "model_version": str}``, or the same wrapped as
``ModelResponse(predictions=[PredictionValue(**p) for p in ...])``. Here the model is a fake,
bundled one (``data/adapters/ml_backend/model.json``: a gazetteer NER and a keyword topic
classifier) that answers in the shapes Hugging Face pipelines use, so the adapters turn its
output into results; the backend never writes a result dict, a label string or an offset by
hand. Each prediction is validated against the project's config before it is returned: a task
whose prediction would not load gets an empty one (and a warning in the log), not an HTTP 500
for the whole batch.

Wiring it into the real SDK (not imported here, so this example runs without it)::

    from label_studio_ml.model import LabelStudioMLBase
    from label_studio_ml.response import ModelResponse
    from label_studio_sdk.label_interface.objects import PredictionValue

    class NewModel(LabelStudioMLBase):
        def setup(self):
            self.set("model_version", MODEL_VERSION)

        def predict(self, tasks, context=None, **kwargs):
            backend = PrelabelBackend(self.label_config)  # cache it per config in real code
            predictions = backend.predict(tasks, context, **kwargs)
            return ModelResponse(predictions=[PredictionValue(**p) for p in predictions])

``context`` carries an annotator's clicks in interactive labeling; this model pre-labels whole
tasks and ignores it.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from prelabel import (
    BuildError,
    Choices,
    LabelConfig,
    LabelMap,
    Labels,
    Prediction,
    Task,
    ValidationError,
    reproducible_ids,
)
from prelabel.adapters import hf_choices, hf_entity_regions
from prelabel.validate import Validator

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
    """The prediction half of an ML backend, for one labeling config.

    Args:
        label_config: the project's labeling config XML (``self.label_config`` in the SDK).
        model: the model; the bundled fake by default.
        min_topic_score: predict no topic below this confidence.

    Raises:
        prelabel.UnknownNameError, prelabel.KindError: the config lacks the controls this
            model fills (checked once, when the backend is set up, not per request).
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
        self.validator = Validator(self.config)

    @property
    def model_version(self) -> str:
        return self.model.version

    def predict(
        self,
        tasks: Sequence[Mapping[str, Any]],
        context: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> list[dict[str, Any]]:
        """One prediction dict ``{model_version, score, result}`` per task, in task order."""
        return [self._predict_one(task, index) for index, task in enumerate(tasks)]

    def _predict_one(self, task: Mapping[str, Any], index: int) -> dict[str, Any]:
        data = task.get("data", {})
        text = data.get(self.text_key, "")
        try:
            spans = hf_entity_regions(
                self.entities, data, self.model.entities(text), label_map=self.labels
            )
            topic = hf_choices(
                self.topic,
                self.model.classify(text),
                unmapped="drop",
                min_score=self.min_topic_score,
            )
            results = [*spans, topic] if topic is not None else spans
            scores = [r.result["score"] for r in spans] + ([topic["score"]] if topic else [])
            prediction = Prediction(
                results,
                model_version=self.model_version,
                score=round(sum(scores) / len(scores), 4) if scores else 0.0,
            )
            records = self.validator.check_task(
                Task(dict(data), predictions=[prediction]).to_dict(), index
            )
            errors = [r for r in records if r.severity == "error"]
            if errors:
                raise ValidationError(errors)
        except (BuildError, ValidationError) as exc:
            LOG.warning("task %s: prediction left empty: %s", task.get("id", index), exc)
            prediction = Prediction([], model_version=self.model_version, score=0.0)
        return prediction.to_dict()


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
    for entry in main(Path("build/demo")):
        print(entry)
