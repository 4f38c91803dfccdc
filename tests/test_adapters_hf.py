"""Hugging Face pipeline outputs (plain dicts) to spans, boxes and choices."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prelabel import BuildError, Choices, LabelConfig, LabelError, LabelMap, Prediction
from prelabel.adapters import hf_choices, hf_detection_regions, hf_entity_regions

OUTPUTS = json.loads(
    (Path(__file__).parent / "data" / "adapters" / "hf" / "outputs.json").read_text()
)

NER_CONFIG = """<View>
  <Text name="text" value="$text"/>
  <Labels name="ner" toName="text">
    <Label value="Person" predicted_values="PER"/>
    <Label value="Organization" predicted_values="ORG"/>
    <Label value="Location" predicted_values="LOC"/>
  </Labels>
</View>"""
NER = LabelConfig.parse(NER_CONFIG).control("ner")

VISION_CONFIG = """<View>
  <Image name="image" value="$image"/>
  <RectangleLabels name="label" toName="image">
    <Label value="Cat"/><Label value="Remote" predicted_values="remote"/>
  </RectangleLabels>
  <Choices name="animal" toName="image">
    <Choice value="Cat" predicted_values="tiger cat"/><Choice value="Dog"/>
  </Choices>
  <Choices name="tags" toName="image" choice="multiple">
    <Choice value="Travel"/><Choice value="Dancing"/><Choice value="Cooking"/>
  </Choices>
</View>"""
VISION = LabelConfig.parse(VISION_CONFIG)


def _clean(sdk_validate: Any, config: str, results: Any) -> None:
    prediction = Prediction(results, model_version="hf").to_dict()
    assert json.loads(json.dumps(prediction)) == prediction
    assert sdk_validate(config, prediction) == []


def _spans(regions: Any) -> list[tuple[int, int, str, list[str]]]:
    return [
        (r.result["value"]["start"], r.result["value"]["end"], r.result["value"]["text"],
         r.result["value"]["labels"])
        for r in regions
    ]  # fmt: skip


EXPECTED = [
    (11, 18, "Sylvain", ["Person"]),
    (33, 45, "Hugging Face", ["Organization"]),
    (49, 57, "Brooklyn", ["Location"]),
]


def test_grouped_entities(sdk_validate: Any) -> None:
    ner = OUTPUTS["ner"]
    regions = hf_entity_regions(NER, ner["text"], ner["grouped"])
    assert _spans(regions) == EXPECTED
    assert [r.result["score"] for r in regions] == [0.9981694, 0.97960204, 0.99321055]
    _clean(sdk_validate, NER_CONFIG, regions)


def test_raw_tokens_decode_to_the_pipelines_own_grouping(sdk_validate: Any) -> None:
    ner = OUTPUTS["ner"]
    regions = hf_entity_regions(NER, {"text": ner["text"]}, ner["raw"])
    assert _spans(regions) == EXPECTED
    # the "simple" strategy averages token scores too
    grouped = [g["score"] for g in ner["grouped"]]
    assert [r.result["score"] for r in regions] == pytest.approx(grouped, abs=1e-7)
    _clean(sdk_validate, NER_CONFIG, regions)


def test_raw_tokens_with_gaps_stay_apart() -> None:
    text = "Ann and Bob met"
    raw = [
        {"entity": "I-PER", "score": 0.9, "index": 1, "word": "Ann", "start": 0, "end": 3},
        {"entity": "I-PER", "score": 0.8, "index": 3, "word": "Bob", "start": 8, "end": 11},
    ]
    assert [s[2] for s in _spans(hf_entity_regions(NER, text, raw))] == ["Ann", "Bob"]
    no_index = [{k: v for k, v in item.items() if k != "index"} for item in raw]
    assert [s[2] for s in _spans(hf_entity_regions(NER, text, no_index))] == ["Ann", "Bob"]
    from_data = hf_entity_regions(NER, {"text": text}, no_index)  # the text read from task data
    assert [s[2] for s in _spans(from_data)] == ["Ann", "Bob"]


def test_bio_and_bare_labels() -> None:
    text = "New York New Jersey"
    raw = [
        {"entity": "B-LOC", "score": 0.9, "index": 1, "start": 0, "end": 3},
        {"entity": "I-LOC", "score": 0.9, "index": 2, "start": 4, "end": 8},
        {"entity": "B-LOC", "score": 0.9, "index": 3, "start": 9, "end": 12},
        {"entity": "I-LOC", "score": 0.9, "index": 4, "start": 13, "end": 19},
    ]
    assert [s[2] for s in _spans(hf_entity_regions(NER, text, raw))] == ["New York", "New Jersey"]
    bare = [dict(item, entity="LOC") for item in raw]
    assert [s[2] for s in _spans(hf_entity_regions(NER, text, bare))] == ["New York New Jersey"]


def test_numpy_scores_and_min_score() -> None:
    ner = OUTPUTS["ner"]
    grouped = [dict(g, score=np.float32(g["score"])) for g in ner["grouped"]]
    regions = hf_entity_regions(NER, ner["text"], grouped, min_score=0.98)
    assert [s[2] for s in _spans(regions)] == ["Sylvain", "Brooklyn"]
    assert all(type(r.result["score"]) is float for r in regions)


def test_unmapped_entity_labels() -> None:
    text = "Ann likes Python"
    grouped = [
        {"entity_group": "PER", "score": 0.9, "start": 0, "end": 3},
        {"entity_group": "MISC", "score": 0.7, "start": 10, "end": 16},
    ]
    with pytest.raises(LabelError, match=re.escape("model class(es) 'MISC' map to no label")):
        hf_entity_regions(NER, text, grouped)
    labels = LabelMap(NER, unmapped="drop")  # type: ignore[arg-type]
    assert [s[2] for s in _spans(hf_entity_regions(NER, text, grouped, label_map=labels))] == [
        "Ann"
    ]
    assert dict(labels.dropped) == {"MISC": 1}


@pytest.mark.parametrize(
    ("entities", "message"),
    [
        pytest.param(
            [{"entity_group": "PER", "score": 0.9, "start": None, "end": None}],
            "entities[0] has start=None: the pipeline gives character offsets only with a fast "
            "tokenizer (use_fast=True)",
            id="slow-tokenizer",
        ),
        pytest.param(
            [[{"entity_group": "PER", "score": 0.9, "start": 0, "end": 3}]],
            "entities is a list of lists (the pipeline's output for a batch); pass the list of "
            "one text",
            id="batch",
        ),
        pytest.param(
            [
                {"entity_group": "PER", "score": 0.9, "start": 0, "end": 3},
                {"entity": "B-PER", "score": 0.9, "start": 0, "end": 3},
            ],
            "entities mixes grouped (entity_group) and per-token (entity) items",
            id="mixed",
        ),
        pytest.param(
            [{"entity_group": "PER", "start": 0, "end": 3}],
            "entities[0] has no 'score' (keys: entity_group, start, end)",
            id="no-score",
        ),
    ],
)
def test_entity_errors(entities: Any, message: str) -> None:
    with pytest.raises(BuildError, match=re.escape(message)):
        hf_entity_regions(NER, "Ann", entities)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(["PER", "ORG", "LOC", None]), min_size=1, max_size=12))
def test_grouped_and_raw_agree_on_any_sentence(tags: list[str | None]) -> None:
    """Words tagged by entity (None = O) give the same spans whichever way they come."""
    words = [f"w{i}" for i in range(len(tags))]
    text = " ".join(words)
    starts = np.cumsum([0] + [len(w) + 1 for w in words[:-1]]).tolist()
    raw, grouped = [], []
    previous = None
    for index, (word, start, tag) in enumerate(zip(words, starts, tags, strict=True)):
        end = start + len(word)
        if tag is not None:
            prefix = "I" if tag == previous else "B"
            raw.append({"entity": f"{prefix}-{tag}", "score": 0.5, "index": index + 1,
                        "start": start, "end": end})  # fmt: skip
            if tag == previous:
                grouped[-1]["end"] = end
            else:
                grouped.append({"entity_group": tag, "score": 0.5, "start": start, "end": end})
        previous = tag
    assert _spans(hf_entity_regions(NER, text, raw)) == _spans(
        hf_entity_regions(NER, text, grouped)
    )


# --- vision --------------------------------------------------------------------------------


def test_object_detection(sdk_validate: Any) -> None:
    detection = OUTPUTS["detection"]
    regions = hf_detection_regions(
        VISION.control("label"),
        detection["output"],
        image_wh=tuple(detection["image_wh"]),
        unmapped="drop",
    )
    values = [r.result["value"] for r in regions]
    assert [v["rectanglelabels"] for v in values] == [["Remote"], ["Remote"], ["Cat"], ["Cat"]]
    assert [values[0][k] for k in ("x", "y", "width", "height")] == pytest.approx(
        [40 / 6.4, 70 / 4.8, 135 / 6.4, 47 / 4.8]
    )
    assert values[3]["x"] + values[3]["width"] == 100.0  # xmax 640 is the right edge
    _clean(sdk_validate, VISION_CONFIG, regions)


def test_image_classification_picks_the_best_mapped_label(sdk_validate: Any) -> None:
    animal = VISION.control("animal", Choices)
    # ImageNet names hold commas, which predicted_values="a,b" splits on: map them explicitly
    result = hf_choices(animal, OUTPUTS["classification"], label_map={"lynx, catamount": "Cat"},
                        unmapped="drop")  # fmt: skip
    assert result is not None
    assert result["value"] == {"choices": ["Cat"]}
    assert result["score"] == 0.4335
    _clean(sdk_validate, VISION_CONFIG, [result])
    # without the mapping, the best label that maps (by predicted_values) wins
    fallback = hf_choices(animal, OUTPUTS["classification"], unmapped="drop")
    assert fallback is not None
    assert fallback["score"] == 0.0229
    with pytest.raises(LabelError, match=re.escape("model class(es) 'lynx, catamount'")):
        hf_choices(animal, OUTPUTS["classification"])


def test_zero_shot_on_a_multiple_choice_control(sdk_validate: Any) -> None:
    tags = VISION.control("tags", Choices)
    top = hf_choices(tags, OUTPUTS["zero_shot"], top_k=None, min_score=0.003)
    assert top is not None
    assert top["value"] == {"choices": ["Travel", "Dancing"]}
    assert top["score"] == pytest.approx(0.9938651323318481)
    one = hf_choices(tags, OUTPUTS["zero_shot"])
    assert one is not None
    assert one["value"] == {"choices": ["Travel"]}
    assert hf_choices(tags, OUTPUTS["zero_shot"], min_score=0.999) is None
    _clean(sdk_validate, VISION_CONFIG, [top])


@pytest.mark.parametrize(
    ("output", "message"),
    [
        pytest.param([[{"label": "a", "score": 1.0}]],
                     "output is a list of lists (a batch); pass the output of one input",
                     id="batch"),
        pytest.param({"labels": ["a"]}, "a zero-shot output must have 'labels' and 'scores'",
                     id="zero-shot-keys"),
        pytest.param("cat", "output must be a list of {label, score}", id="string"),
    ],
)  # fmt: skip
def test_classification_errors(output: Any, message: str) -> None:
    with pytest.raises(BuildError, match=re.escape(message)):
        hf_choices(VISION.control("animal"), output)


def test_wrong_controls() -> None:
    with pytest.raises(BuildError, match=re.escape("<Choices name='animal'> cannot take NER")):
        hf_entity_regions(VISION.control("animal"), "x", [])
    with pytest.raises(BuildError, match=re.escape("cannot take a classification")):
        hf_choices(VISION.control("label"), [])
    with pytest.raises(BuildError, match=re.escape("cannot take boxes")):
        hf_detection_regions(VISION.control("animal"), [], image_wh=(1, 1))
