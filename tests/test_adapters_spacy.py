"""spaCy-style spans (Span objects, tuples, displaCy dicts) to Label Studio text spans."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Any

import pytest

from prelabel import BuildError, LabelConfig, LabelMap, Prediction
from prelabel.adapters import spacy_entity_regions

OUTPUTS = json.loads(
    (Path(__file__).parent / "data" / "adapters" / "hf" / "outputs.json").read_text()
)
SPACY = OUTPUTS["spacy"]

CONFIG = """<View>
  <Text name="text" value="$text"/>
  <Labels name="ner" toName="text">
    <Label value="Organization" predicted_values="ORG"/>
    <Label value="Place" predicted_values="GPE,LOC"/>
    <Label value="Money"/>
  </Labels>
</View>"""
NER = LabelConfig.parse(CONFIG).control("ner")
EXPECTED = [
    (0, 5, "Apple", ["Organization"]),
    (27, 31, "U.K.", ["Place"]),
    (44, 54, "$1 billion", ["Money"]),
]


@dataclasses.dataclass
class FakeSpan:
    """What spaCy's Span offers the adapter."""

    start_char: int
    end_char: int
    label_: str


@dataclasses.dataclass
class FakeDoc:
    text: str
    ents: tuple[FakeSpan, ...]


def _spans(regions: Any) -> list[tuple[int, int, str, list[str]]]:
    return [
        (r.result["value"]["start"], r.result["value"]["end"], r.result["value"]["text"],
         r.result["value"]["labels"])
        for r in regions
    ]  # fmt: skip


def _doc() -> FakeDoc:
    return FakeDoc(SPACY["text"], tuple(FakeSpan(*ent) for ent in SPACY["ents"]))


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: (_doc(), None), id="doc-ents"),
        pytest.param(lambda: (SPACY["text"], list(_doc().ents)), id="span-objects"),
        pytest.param(lambda: (SPACY["text"], [tuple(e) for e in SPACY["ents"]]), id="tuples"),
        pytest.param(
            lambda: (
                SPACY["text"],
                [dict(zip(("start", "end", "label"), e, strict=True)) for e in SPACY["ents"]],
            ),
            id="displacy-dicts",
        ),
        pytest.param(lambda: ({"text": SPACY["text"]}, SPACY["ents"]), id="task-data"),
    ],
)
def test_every_span_form(make: Any, sdk_validate: Any) -> None:
    doc, ents = make()
    regions = spacy_entity_regions(NER, doc, ents)
    assert _spans(regions) == EXPECTED
    prediction = Prediction(regions, model_version="en_core_web_sm").to_dict()
    assert json.loads(json.dumps(prediction)) == prediction
    assert sdk_validate(CONFIG, prediction) == []


def test_scores_and_dropped_labels() -> None:
    labels = LabelMap(NER, unmapped="drop")  # type: ignore[arg-type]
    regions = spacy_entity_regions(
        NER, "Ann paid $5", [(0, 3, "PERSON", 0.9), (9, 11, "MONEY", 0.8)], label_map=labels
    )
    assert [(s[2], r.result["score"]) for s, r in zip(_spans(regions), regions, strict=True)] == [
        ("$5", 0.8)
    ]
    assert dict(labels.dropped) == {"PERSON": 1}


@pytest.mark.parametrize(
    ("doc", "ents", "message"),
    [
        pytest.param("text", None, "pass ents= with a plain text", id="text-without-ents"),
        pytest.param(42, None, "doc must be a spaCy Doc (with .text) or a str", id="not-a-doc"),
        pytest.param("abc", [(0, 1)], "ents[0] must be a spaCy Span, a (start_char, end_char, "
                     "label[, score]) tuple or a {start, end, label} dict", id="short-tuple"),
        pytest.param("abc", [{"start": 0, "label": "ORG"}], "ents[0] has no 'end'", id="dict"),
        pytest.param("abc", [(0, 1.0, "ORG")], "ents[0] end must be an int, got float",
                     id="float-offset"),
        pytest.param("abc", [(0, 1, "ORG", 0.5), (1, 2, "ORG")], "some spans have a score and "
                     "some do not; give all or none", id="partial-scores"),
        pytest.param("abc", [(0, 9, "ORG")], "code point offset 9 is past the end of the text",
                     id="outside"),
    ],
)  # fmt: skip
def test_errors(doc: Any, ents: Any, message: str) -> None:
    with pytest.raises(BuildError, match=re.escape(message)):
        spacy_entity_regions(NER, doc, ents)
