"""Relation builders: links between two regions, labeled from <Relations> or unlabeled."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from prelabel import BuildError, LabelConfig, LabelError, Prediction
from prelabel.builders.relations import relation

TEXT = "Microsoft was founded by Bill Gates and Paul Allen on April 4, 1975."

RE_CONFIG = """<View>
  <Relations>
    <Relation value="org:founded_by"/>
    <Relation value="org:founded" alias="founded"/>
  </Relations>
  <Labels name="label" toName="text">
    <Label value="Organization"/><Label value="Person"/><Label value="Datetime"/>
  </Labels>
  <Text name="text" value="$text"/>
</View>"""

MULTIPLE = RE_CONFIG.replace("<Relations>", '<Relations choice="multiple">')

NO_RELATIONS = """<View>
  <Labels name="label" toName="text"><Label value="Organization"/><Label value="Person"/></Labels>
  <Text name="text" value="$text"/>
</View>"""


def entities(config: LabelConfig) -> tuple[Any, Any, Any]:
    label = config.control("label")
    org = label.span_of(TEXT, "Microsoft", "Organization")
    bill = label.span_of(TEXT, "Bill Gates", "Person")
    date = label.span_of(TEXT, "April 4, 1975", "Datetime")
    return org, bill, date


def test_link_refers_to_regions(sdk_validate: Any) -> None:
    config = LabelConfig.parse(RE_CONFIG)
    assert config.relations is not None
    org, bill, date = entities(config)
    founded_by = config.relations.link(org, bill, labels="org:founded_by")
    founded = config.relations.link(org, date, labels=["org:founded"], direction="bi")
    assert founded_by == {
        "type": "relation",
        "from_id": org.id,
        "to_id": bill.id,
        "direction": "right",
        "labels": ["org:founded_by"],
    }
    assert founded["labels"] == ["founded"]
    assert founded["direction"] == "bi"
    prediction = Prediction([org, bill, date, founded_by, founded], model_version="re").to_dict()
    assert [r["type"] for r in prediction["result"]] == ["labels"] * 3 + ["relation"] * 2
    assert json.loads(json.dumps(prediction)) == prediction
    assert sdk_validate(RE_CONFIG, prediction) == []


def test_link_accepts_a_result_dict_and_no_labels() -> None:
    config = LabelConfig.parse(RE_CONFIG)
    assert config.relations is not None
    org, bill, _ = entities(config)
    link = config.relations.link(org.result, bill, direction="left")
    assert link == {"type": "relation", "from_id": org.id, "to_id": bill.id, "direction": "left"}


def test_multiple_labels() -> None:
    config = LabelConfig.parse(MULTIPLE)
    assert config.relations is not None
    org, bill, _ = entities(config)
    link = config.relations.link(org, bill, labels=["org:founded_by", "org:founded"])
    assert link["labels"] == ["org:founded_by", "founded"]


def test_unlabeled_relation_without_relations_tag(sdk_validate: Any) -> None:
    config = LabelConfig.parse(NO_RELATIONS)
    assert config.relations is None
    label = config.control("label")
    org = label.span_of(TEXT, "Microsoft", "Organization")
    bill = label.span_of(TEXT, "Bill Gates", "Person")
    link = relation(org, bill)
    assert link == {"type": "relation", "from_id": org.id, "to_id": bill.id, "direction": "right"}
    assert sdk_validate(NO_RELATIONS, {"result": [*org, *bill, link]}) == []


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda c, o, b: c.relations.link(o, b, labels="org:founder"),
            LabelError,
            "'org:founder' is not a <Relation> value of <Relations>; did you mean "
            "'org:founded' or 'org:founded_by' or 'founded'? "
            "(relations: 'org:founded_by', 'founded')",
        ),
        (
            lambda c, o, b: c.relations.link(o, b, labels=["org:founded_by", "org:founded"]),
            LabelError,
            "<Relations> is single-choice but got 2 labels: 'org:founded_by', 'org:founded'; "
            'pass one, or set choice="multiple" on <Relations>',
        ),
        (
            lambda c, o, b: c.relations.link(o, o),
            BuildError,
            f"a relation links two different regions; both ends are {'{id}'}",
        ),
        (
            lambda c, o, b: c.relations.link(o, b, direction="up"),
            BuildError,
            "direction must be 'right', 'left' or 'bi', got 'up'",
        ),
        (
            lambda c, o, b: relation(o, "abc"),
            BuildError,
            "the to end of a relation must be a Region (or its result dict), got str",
        ),
        (
            lambda c, o, b: relation(relation(o, b), b),
            BuildError,
            "the from end of a relation must be a region, not a relation",
        ),
    ],
    ids=[
        "label-not-in-config",
        "single-choice",
        "same-region",
        "direction",
        "id-string",
        "relation-end",
    ],
)
def test_relation_misuse(call: Any, error: type[Exception], message: str) -> None:
    config = LabelConfig.parse(RE_CONFIG)
    org, bill, _ = entities(config)
    expected = message.replace("{id}", repr(org.id))
    with pytest.raises(error, match=f"^{re.escape(expected)}$"):
        call(config, org, bill)
