"""NER pre-annotations from two models, each a prediction of its own, with per-span scores.

The guide's span example: the NER config below, tasks with two predictions from different
models. The model outputs in ``data/text/ner_model_outputs.json`` are shaped as the models
hand them over:

* a Hugging Face ``pipeline("ner", aggregation_strategy="simple")``: entity groups with
  character offsets (Python ``str`` indices) and a score (the second task's export dropped
  the scores);
* a token tagger run through a Rust ``tokenizers`` tokenizer: BIO tags per token, offsets in
  UTF-8 **bytes** (``[CLS]``/``[SEP]`` at ``(0, 0)``), and per-token scores in the first task.

The texts hold an emoji, a ZWJ sequence, a flag and CJK, where byte, UTF-16 and code-point
offsets all disagree: the builders convert, and every span's ``text`` is the exact slice.
Model class names map to the config's labels through a ``LabelMap``; classes the config has
no label for (``MISC``, ``CARDINAL``) are dropped and counted.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from prelabel import LabelConfig, Labels, Prediction, Task
from prelabel.labelmap import LabelMap
from prelabel.results import Region

sys.path.insert(0, str(Path(__file__).parent))
from _common import write_example

DATA = Path(__file__).parent / "data" / "text"

CONFIG = """<View>
  <Labels name="label" toName="text">
    <Label value="Person"></Label>
    <Label value="Organization"></Label>
    <Label value="Fact"></Label>
    <Label value="Money"></Label>
    <Label value="Date"></Label>
    <Label value="Time"></Label>
    <Label value="Ordinal"></Label>
    <Label value="Percent"></Label>
    <Label value="Product"></Label>
    <Label value="Language"></Label>
    <Label value="Location"></Label>
  </Labels>
  <Text name="text" value="$text"></Text>
</View>"""

CONLL = {"PER": "Person", "ORG": "Organization", "LOC": "Location"}
ONTONOTES = {
    "PERSON": "Person",
    "ORG": "Organization",
    "GPE": "Location",
    "LOC": "Location",
    "DATE": "Date",
    "TIME": "Time",
    "MONEY": "Money",
    "ORDINAL": "Ordinal",
    "PERCENT": "Percent",
    "PRODUCT": "Product",
    "LANGUAGE": "Language",
}


def _mean(scores: list[float]) -> float | None:
    return round(sum(scores) / len(scores), 4) if scores else None


def pipeline_prediction(label: Labels, text: str, entities: list[dict[str, Any]]) -> Prediction:
    """Hugging Face pipeline output: character offsets, one entity group per span."""
    names = LabelMap(label, mapping=CONLL, unmapped="drop")
    scored = all("score" in e for e in entities)
    regions = label.spans(
        text,
        [[e["start"], e["end"]] for e in entities],
        [e["entity_group"] for e in entities],
        scores=[e["score"] for e in entities] if scored else None,
        label_map=names,
    )
    return Prediction(
        regions, model_version="hf-conll03-pipeline", score=_prediction_score(regions)
    )


def tagger_prediction(label: Labels, text: str, output: dict[str, Any]) -> Prediction:
    """BIO tags over tokens whose offsets count UTF-8 bytes (a Rust tokenizer)."""
    names = LabelMap(label, mapping=ONTONOTES, unmapped="drop")
    regions = label.spans_from_bio(
        text,
        output["offset_mapping"],
        output["tags"],
        token_scores=output.get("scores"),
        unit="utf8",
        label_map=names,
    )
    return Prediction(
        regions, model_version="ontonotes-bio-tagger", score=_prediction_score(regions)
    )


def _prediction_score(regions: list[Region]) -> float | None:
    return _mean([r.result["score"] for r in regions if "score" in r.result])


def main(out_dir: Path) -> list[dict[str, str]]:
    label = LabelConfig.parse(CONFIG).control("label", Labels)
    outputs = json.loads((DATA / "ner_model_outputs.json").read_text(encoding="utf-8"))
    tasks = []
    for item in outputs:
        text = item["text"]
        predictions = [
            pipeline_prediction(label, text, item["hf_pipeline"]),
            tagger_prediction(label, text, item["bio_tagger"]),
        ]
        tasks.append(Task({"text": text}, predictions=predictions).to_dict())
    return [write_example(out_dir, "text_ner", CONFIG, tasks)]


if __name__ == "__main__":
    for entry in main(Path("build/demo")):
        print(entry)
