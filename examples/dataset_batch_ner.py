"""A named-entity tagger's output for a corpus, as offset arrays, to one task file.

A tagger run over many documents gives every entity as a ``start``/``end`` pair, the document
it is in, a class id and a score. :class:`prelabel.PredictionBatch` checks every span against
its document (in range, not empty), cuts each span's ``text`` and maps the tagger's classes
(``PER``, ``ORG``...) to the project's labels. This tagger counts offsets in UTF-16 units, as a
JavaScript tokenizer does; ``unit="utf16"`` turns them into the code points Label Studio
stores, so the emoji before an entity does not shift it.

Run: ``python examples/dataset_batch_ner.py`` (writes ``build/demo/dataset_batch_ner/``).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np

from prelabel import LabelConfig, PredictionBatch, reproducible_ids
from prelabel.validate import check

sys.path.insert(0, str(Path(__file__).parent))
from _common import write_example

CONFIG = """<View>
  <Labels name="entity" toName="text">
    <Label value="Person" predicted_values="PER" background="green"/>
    <Label value="Organization" predicted_values="ORG" background="blue"/>
    <Label value="Place" predicted_values="LOC" background="orange"/>
  </Labels>
  <Text name="text" value="$text"/>
</View>"""
CORPUS = [
    "Ada Lovelace wrote to Charles Babbage from London.",
    "🚀 Grace Hopper joined Remington Rand in Philadelphia.",
    "Météo-France says Toulouse will be sunny; Anne Hidalgo agrees 😎.",
    "No entities here at all.",
    "Alan Turing worked at Bletchley Park for GC&CS.",
]
ENTITIES = {
    "PER": ["Ada Lovelace", "Charles Babbage", "Grace Hopper", "Anne Hidalgo", "Alan Turing"],
    "ORG": ["Remington Rand", "Météo-France", "GC&CS"],
    "LOC": ["London", "Philadelphia", "Toulouse", "Bletchley Park"],
}
CLASSES = ["PER", "ORG", "LOC"]


def utf16_index(text: str, codepoint: int) -> int:
    """Where code point ``codepoint`` of ``text`` is in UTF-16 units (a JavaScript index)."""
    return len(text[:codepoint].encode("utf-16-le")) // 2


def fake_tagger(corpus: list[str], seed: int = 5) -> dict[str, np.ndarray]:
    """Entity spans of the whole corpus as arrays, offsets in UTF-16 units."""
    rng = np.random.default_rng(seed)
    rows: list[tuple[int, int, int, int]] = []
    for doc, text in enumerate(corpus):
        for cls, names in enumerate(ENTITIES.values()):
            for name in names:
                for match in re.finditer(re.escape(name), text):
                    start, end = utf16_index(text, match.start()), utf16_index(text, match.end())
                    rows.append((doc, start, end, cls))
    table = np.array(sorted(rows), dtype=np.int64).reshape(-1, 4)
    return {
        "doc": table[:, 0],
        "start": table[:, 1],
        "end": table[:, 2],
        "class_id": table[:, 3],
        "score": rng.uniform(0.6, 1.0, len(table)),
    }


def main(out_dir: Path) -> list[dict[str, str]]:
    config = LabelConfig.parse(CONFIG)
    out = fake_tagger(CORPUS)
    with reproducible_ids(3):
        batch = PredictionBatch(config, {"text": CORPUS}, model_version="ner-v2").spans(
            "entity",
            start=out["start"],
            end=out["end"],
            task_index=out["doc"],
            class_ids=out["class_id"],
            class_names=CLASSES,
            scores=out["score"],
            unit="utf16",
        )
    problems = check(batch, config)
    if problems:
        raise SystemExit("\n".join(map(str, problems)))
    for task in batch:
        for result in task["predictions"][0]["result"]:
            value = result["value"]
            assert task["data"]["text"][value["start"] : value["end"]] == value["text"]
    print(f"dataset_batch_ner: {len(batch)} documents, {batch.result_count} entities")
    return [write_example(out_dir, "dataset_batch_ner", CONFIG, batch)]


if __name__ == "__main__":
    main(Path("build/demo"))
