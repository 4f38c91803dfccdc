"""Relation extraction: entity spans and labeled relations between them.

The relation-extraction template: ``<Labels>`` for Organization / Person / Datetime on a
``<Text>``, and ``<Relations>`` with ``org:founded_by`` and ``org:founded``. The model output
(``data/text/relation_model_outputs.json``) comes from a JavaScript service, so its entity
offsets count UTF-16 code units (the second text starts with an emoji); its relations refer
to entities by the model's own ids (``T1``...).

Each entity becomes a span Region; each relation links two Regions, never ids copied by hand,
so the ``from_id``/``to_id`` are right by construction. Relations below a score threshold, or
with a type the config has no ``<Relation>`` for, are left out (relations carry no score in
Label Studio). Results stay one flat list: spans first, relations after.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from prelabel import LabelConfig, Labels, Prediction, Task
from prelabel.labelmap import LabelMap

sys.path.insert(0, str(Path(__file__).parent))
from _common import write_example

DATA = Path(__file__).parent / "data" / "text"
MIN_RELATION_SCORE = 0.5

CONFIG = """<View>
   <Relations>
    <Relation value="org:founded_by"/>
    <Relation value="org:founded"/>
  </Relations>
  <Labels name="label" toName="text">
    <Label value="Organization" background="orange" predicted_values="ORG"/>
    <Label value="Person" background="green" predicted_values="PER"/>
    <Label value="Datetime" background="blue" predicted_values="DATE"/>
  </Labels>

  <Text name="text" value="$text"/>
</View>"""


def main(out_dir: Path) -> list[dict[str, str]]:
    config = LabelConfig.parse(CONFIG)
    label = config.control("label", Labels)
    relations = config.relations
    assert relations is not None  # the config has a <Relations> tag
    types = LabelMap(label)

    documents = json.loads((DATA / "relation_model_outputs.json").read_text(encoding="utf-8"))
    tasks = []
    for doc in documents:
        text, entities = doc["text"], doc["entities"]
        spans = label.spans(
            text,
            [[e["start"], e["end"]] for e in entities],
            [e["type"] for e in entities],
            scores=[e["score"] for e in entities],
            unit="utf16",
            label_map=types,
        )
        by_model_id = {e["id"]: span for e, span in zip(entities, spans, strict=True)}
        links = []
        for rel in doc["relations"]:
            # Relations carry no score in Label Studio; keep the confident ones whose type
            # this project annotates.
            if rel["score"] >= MIN_RELATION_SCORE and rel["type"] in relations.label_values:
                head, tail = by_model_id[rel["head"]], by_model_id[rel["tail"]]
                links.append(relations.link(head, tail, labels=rel["type"]))
        prediction = Prediction([*spans, *links], model_version="re-service-2024.06")
        tasks.append(Task({"text": text}, predictions=[prediction]).to_dict())
    return [write_example(out_dir, "text_relations", CONFIG, tasks)]


if __name__ == "__main__":
    for entry in main(Path("build/demo")):
        print(entry)
