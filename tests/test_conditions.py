"""Conditional controls: results Label Studio would drop on submit."""

from __future__ import annotations

import re
from typing import Any

import pytest

from prelabel import BuildError, LabelConfig
from prelabel.builders._common import make_result
from prelabel.conditions import check_conditions, enforce_conditions
from prelabel.results import Region

CONFIG = """<View>
  <Text name="text" value="$text"/>
  <Choices name="topic" toName="text"><Choice value="Sport"/><Choice value="News" alias="news"/>
  </Choices>
  <Choices name="sport" toName="text" visibleWhen="choice-selected" whenTagName="topic"
           whenChoiceValue="Sport"><Choice value="Tennis"/></Choices>
  <Choices name="not_news" toName="text" visibleWhen="choice-unselected" whenTagName="topic"
           whenChoiceValue="News"><Choice value="Opinion"/></Choices>
  <Choices name="any_choice" toName="text" visibleWhen="choice-selected"><Choice value="Z"/>
  </Choices>
  <TextArea name="shown" toName="text" visibleWhen="region-selected"/>
  <Labels name="ner" toName="text"><Label value="ORG"/><Label value="PER"/></Labels>
  <TextArea name="org_note" toName="text" perRegion="true" whenLabelValue="ORG"/>
  <Taxonomy name="tax" toName="text"><Choice value="A"><Choice value="B"/></Choice></Taxonomy>
  <TextArea name="after_b" toName="text" visibleWhen="choice-selected" whenTagName="tax"
            whenChoiceValue="B"/>
</View>"""


@pytest.fixture
def config() -> LabelConfig:
    return LabelConfig.parse(CONFIG)


def codes(config: LabelConfig, results: list[Any]) -> list[tuple[str, tuple[Any, ...]]]:
    return [(r.code, r.loc) for r in check_conditions(config, results)]


@pytest.mark.parametrize(
    ("parent", "child", "expected"),
    [
        ("Sport", ("sport", "Tennis"), []),
        ("News", ("sport", "Tennis"), [("condition.choice", ("result", 1))]),
        (None, ("sport", "Tennis"), [("condition.choice", ("result", 0))]),
        ("Sport", ("not_news", "Opinion"), []),
        ("News", ("not_news", "Opinion"), [("condition.choice", ("result", 1))]),
        (None, ("not_news", "Opinion"), []),
        ("News", ("any_choice", "Z"), []),
        (None, ("any_choice", "Z"), [("condition.choice", ("result", 0))]),
    ],
    ids=[
        "selected",
        "other-selected",
        "no-parent",
        "unselected-ok",
        "unselected-violated",
        "unselected-no-parent",
        "any-choice",
        "any-choice-none",
    ],
)
def test_choice_conditions(
    config: LabelConfig, parent: str | None, child: tuple[str, str], expected: list[Any]
) -> None:
    results = [] if parent is None else [config.control("topic").choose(parent)]
    name, value = child
    results.append(config.control(name).choose(value))
    assert codes(config, results) == expected


def test_taxonomy_parent_matches_last_node(config: LabelConfig) -> None:
    ok = [config.control("tax").choose([["A", "B"]]), config.control("after_b").write("x")]
    assert codes(config, ok) == []
    bad = [config.control("tax").choose([["A"]]), config.control("after_b").write("x")]
    assert codes(config, bad) == [("condition.choice", ("result", 1))]


def test_visibility_only_conditions_are_not_checked(config: LabelConfig) -> None:
    assert codes(config, [config.control("shown").write("x")]) == []


def test_when_label_value_on_hand_written_results(config: LabelConfig) -> None:
    ner, note = config.control("ner"), config.control("org_note")
    per = make_result(ner, {"start": 0, "end": 3, "labels": ["PER"]}, id="p1")
    org = make_result(ner, {"start": 4, "end": 8, "labels": ["ORG"]}, id="o1")
    results = [
        per,
        org,
        make_result(note, {"start": 0, "end": 3, "text": ["x"]}, id="p1"),
        make_result(note, {"start": 4, "end": 8, "text": ["y"]}, id="o1"),
    ]
    records = check_conditions(config, results)
    assert [(r.code, r.loc, r.control) for r in records] == [
        ("condition.label", ("result", 2), "org_note")
    ]
    assert records[0].message == (
        "'org_note' applies only to regions labeled 'ORG' (whenLabelValue); region 'p1' has "
        "'PER': Label Studio drops the result when the annotation is submitted"
    )
    region = Region([org], geometry={"start": 4, "end": 8})
    note.for_region(region, "fine")
    assert check_conditions(config, [region]) == []


def test_enforce_conditions_message(config: LabelConfig) -> None:
    results = [config.control("topic").choose("News"), config.control("sport").choose("Tennis")]
    message = (
        "1 result(s) would be dropped on submit: $.result[1]: 'sport' is kept only when 'topic' "
        "selects 'Sport' (visibleWhen=\"choice-selected\"), and this prediction does not: "
        "Label Studio drops the result when the annotation is submitted"
    )
    with pytest.raises(BuildError, match=f"^{re.escape(message)}$"):
        enforce_conditions(config, results)
    enforce_conditions(config, [config.control("topic").choose("Sport"), results[1]])


def test_alias_matches_condition_by_value() -> None:
    config = LabelConfig.parse(CONFIG.replace('whenChoiceValue="Sport"', 'whenChoiceValue="News"'))
    results = [config.control("topic").choose("News"), config.control("sport").choose("Tennis")]
    assert results[0]["value"] == {"choices": ["news"]}
    assert check_conditions(config, results) == []
