"""Hugging Face pipeline outputs and spaCy entities to Label Studio, without either library.

``data/adapters/hf/outputs.json`` holds what the pipelines return (plain dicts; numpy
scores become plain floats here) and what spaCy's ``doc.ents`` hold:

* ``adapters_hf_ner``: ``pipeline("ner")`` per-token output (``I-PER`` word pieces, tokens
  tagged ``O`` left out) and ``aggregation_strategy="simple"`` output, both to spans on one
  ``<Labels>``; labels map through ``predicted_values`` (``PER`` -> ``Person``); ``MISC`` has
  no label and is dropped.
* ``adapters_hf_vision``: ``pipeline("object-detection")`` boxes (pixels) and
  ``pipeline("image-classification")`` labels on one image. ImageNet names hold commas, which
  ``predicted_values`` would split, so they map through an explicit ``label_map``.
* ``adapters_hf_zero_shot``: ``pipeline("zero-shot-classification")`` on a multiple-choice
  ``<Choices>``: every label scoring 0.5 or more.
* ``adapters_spacy_ner``: spaCy ``doc.ents`` as ``(start_char, end_char, label)`` (a real
  ``Doc`` works the same: pass it instead of the text).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from prelabel import Choices, LabelConfig, LabelMap, Labels, RectangleLabels, reproducible_ids
from prelabel.adapters import (
    hf_choices,
    hf_detection_regions,
    hf_entity_regions,
    make_task,
    spacy_entity_regions,
)

sys.path.insert(0, str(Path(__file__).parent))
from _common import write_example

DATA = Path(__file__).parent / "data" / "adapters" / "hf" / "outputs.json"

NER_CONFIG = """<View>
  <Labels name="ner" toName="text">
    <Label value="Person" predicted_values="PER,PERSON" background="red"/>
    <Label value="Organization" predicted_values="ORG" background="darkorange"/>
    <Label value="Location" predicted_values="LOC,GPE" background="orange"/>
    <Label value="Money" predicted_values="MONEY" background="green"/>
  </Labels>
  <Text name="text" value="$text"/>
</View>"""

VISION_CONFIG = """<View>
  <Image name="image" value="$image"/>
  <RectangleLabels name="objects" toName="image">
    <Label value="Cat" background="orange"/>
    <Label value="Remote control" predicted_values="remote" background="blue"/>
    <Label value="Sofa" predicted_values="couch" background="green"/>
  </RectangleLabels>
  <Choices name="species" toName="image">
    <Choice value="Wild cat"/>
    <Choice value="House cat" predicted_values="tiger cat,tabby cat,Egyptian cat"/>
  </Choices>
</View>"""

ZERO_SHOT_CONFIG = """<View>
  <Text name="text" value="$text"/>
  <Choices name="topics" toName="text" choice="multiple">
    <Choice value="Travel"/><Choice value="Dancing"/><Choice value="Cooking"/>
  </Choices>
</View>"""


def _mean(scores: list[float]) -> float | None:
    return sum(scores) / len(scores) if scores else None


def ner(outputs: dict[str, Any]) -> list[dict[str, Any]]:
    config = LabelConfig.parse(NER_CONFIG)
    labels = LabelMap(config.control("ner", Labels), unmapped="drop")
    tasks = []
    for item in outputs["ner"]:
        regions = hf_entity_regions(config.control("ner"), item["text"], item["entities"],
                                    label_map=labels)  # fmt: skip
        version = f"dslim/bert-base-NER ({item['aggregation_strategy']})"
        score = _mean([r.result["score"] for r in regions])
        tasks.append(make_task(config, item["text"], regions, model_version=version, score=score))
    print(f"adapters_hf_ner: dropped {dict(labels.dropped)}")
    return [t.to_dict() for t in tasks]


def vision(outputs: dict[str, Any]) -> list[dict[str, Any]]:
    config = LabelConfig.parse(VISION_CONFIG)
    image = outputs["vision"]["image"]
    boxes = hf_detection_regions(
        config.control("objects", RectangleLabels),
        outputs["vision"]["object_detection"],
        image_wh=(image["width"], image["height"]),
        min_score=0.9,
    )
    species = hf_choices(
        config.control("species", Choices),
        outputs["vision"]["image_classification"],
        label_map={"lynx, catamount": "Wild cat"},
        unmapped="drop",
    )
    results = [*boxes, species] if species is not None else boxes
    task = make_task(config, image["url"], results, model_version="detr-resnet-50+vit-base",
                     score=min(r.result["score"] for r in boxes))  # fmt: skip
    return [task.to_dict()]


def zero_shot(outputs: dict[str, Any]) -> list[dict[str, Any]]:
    config = LabelConfig.parse(ZERO_SHOT_CONFIG)
    tasks = []
    for output in outputs["zero_shot"]:
        picked = hf_choices(config.control("topics"), output, top_k=None, min_score=0.5)
        results = [picked] if picked is not None else []
        score = picked["score"] if picked is not None else None
        version = "facebook/bart-large-mnli"
        tasks.append(make_task(config, output["sequence"], results, model_version=version,
                               score=score))  # fmt: skip
    return [t.to_dict() for t in tasks]


def spacy(outputs: dict[str, Any]) -> list[dict[str, Any]]:
    config = LabelConfig.parse(NER_CONFIG)
    tasks = []
    for doc in outputs["spacy"]:
        ents = [tuple(ent) for ent in doc["ents"]]
        regions = spacy_entity_regions(config.control("ner"), doc["text"], ents)
        tasks.append(make_task(config, doc["text"], regions, model_version="en_core_web_sm-3.7"))
    return [t.to_dict() for t in tasks]


def main(out_dir: Path) -> list[dict[str, str]]:
    outputs = json.loads(DATA.read_text(encoding="utf-8"))
    entries = []
    for seed, (name, config, make) in enumerate(
        [
            ("adapters_hf_ner", NER_CONFIG, ner),
            ("adapters_hf_vision", VISION_CONFIG, vision),
            ("adapters_hf_zero_shot", ZERO_SHOT_CONFIG, zero_shot),
            ("adapters_spacy_ner", NER_CONFIG, spacy),
        ]
    ):
        with reproducible_ids(30 + seed):
            tasks = make(outputs)
        entries.append(write_example(out_dir, name, config, tasks))
    return entries


if __name__ == "__main__":
    for entry in main(Path("build/demo")):
        print(entry)
