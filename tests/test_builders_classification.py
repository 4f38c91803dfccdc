"""Classification builders: Choices, Taxonomy, Rating, Number, DateTime, TextArea, Pairwise,
Ranker, and their per-region forms."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prelabel import BuildError, LabelConfig, LabelError, Prediction, reproducible_ids
from prelabel.builders._common import make_result
from prelabel.results import Region

CONFIG = """<View>
  <Image name="image" value="$image"/>
  <Text name="text" value="$text"/>
  <Rectangle name="bbox" toName="image"/>
  <Labels name="label" toName="image"><Label value="Text"/><Label value="Handwriting"/></Labels>
  <Labels name="ner" toName="text"><Label value="PER"/><Label value="ORG"/></Labels>
  <Choices name="sentiment" toName="text">
    <Choice value="Positive"/><Choice value="Negative" alias="neg"/><Choice value="Neutral"/>
  </Choices>
  <Choices name="tags" toName="text" choice="multiple">
    <Choice value="A"/><Choice value="B"/><Choice value="C"/>
  </Choices>
  <Choices name="region_kind" toName="image" perRegion="true">
    <Choice value="Printed"/><Choice value="Stamp"/>
  </Choices>
  <Taxonomy name="topic" toName="text">
    <Choice value="Online"><Choice value="Paywall"><Choice value="NY Times"/></Choice>
      <Choice value="Free"/></Choice>
    <Choice value="Offline"><Choice value="Free"/></Choice>
    <Choice value="Other" alias="other"/>
  </Taxonomy>
  <Taxonomy name="leaf" toName="text" leafsOnly="true" maxUsages="1">
    <Choice value="Animal"><Choice value="Cat"/><Choice value="Dog"/></Choice>
  </Taxonomy>
  <Rating name="quality" toName="text" maxRating="4"/>
  <Rating name="legibility" toName="image" perRegion="true"/>
  <Number name="count" toName="text" min="0" max="10"/>
  <Number name="price" toName="text" min="0.5" step="0.25"/>
  <DateTime name="when" toName="text"/>
  <DateTime name="day" toName="text" only="date" min="2020-01-01" max="2030-12-31"/>
  <DateTime name="clock" toName="text" only="time"/>
  <DateTime name="european" toName="text" format="%d/%m/%Y"/>
  <DateTime name="years" toName="text" only="year"/>
  <TextArea name="summary" toName="text" maxSubmissions="2"/>
  <TextArea name="transcription" toName="image" perRegion="true"/>
  <TextArea name="unique" toName="text" skipDuplicates="true"/>
  <TextArea name="entity_note" toName="text" perRegion="true" whenLabelValue="ORG"/>
</View>"""

PAIRWISE = """<View><Text name="left_text" value="$a"/><Text name="right_text" value="$b"/>
  <Pairwise name="pw" toName="left_text,right_text"/></View>"""

RANKER = """<View>
  <List name="results" value="$items" title="Results"/>
  <Ranker name="rank" toName="results"/>
  <List name="answers" value="$answers" title="Answers"/>
  <Ranker name="buckets" toName="answers">
    <Bucket name="relevant" title="Relevant"/><Bucket name="biased" title="Biased"/>
  </Ranker>
</View>"""

ITEMS = [{"id": "mdn", "title": "MDN"}, {"id": "wiki", "title": "Wiki"}, {"id": "blog"}]


@pytest.fixture
def config() -> LabelConfig:
    return LabelConfig.parse(CONFIG)


def box(config: LabelConfig, *, region_id: str = "r1", label: str | None = "Text") -> Region:
    """A rectangle region (split format with Labels) built without the image builders."""
    geometry = {"x": 10.0, "y": 20.0, "width": 30.0, "height": 5.0, "rotation": 0.0}
    size = {"original_width": 1920, "original_height": 1280, "image_rotation": 0}
    results = [make_result(config.control("bbox"), dict(geometry), id=region_id, **size)]
    if label is not None:
        value = {**geometry, "labels": [label]}
        results.append(make_result(config.control("label"), value, id=region_id, **size))
    return Region(results, geometry=geometry)


def sdk_clean(sdk_validate: Any, results: list[Any], xml: str = CONFIG) -> None:
    prediction = Prediction(results, model_version="test").to_dict()
    assert json.loads(json.dumps(prediction, allow_nan=False)) == prediction
    assert sdk_validate(xml, prediction) == []


# --- Choices ---------------------------------------------------------------------------------


def test_choices(config: LabelConfig, sdk_validate: Any) -> None:
    with reproducible_ids(0):
        single = config.control("sentiment").choose("Negative", score=0.7)
        multi = config.control("tags").choose(["A", "C"])
    assert list(single) == ["id", "type", "from_name", "to_name", "value", "score"]
    assert single["value"] == {"choices": ["neg"]}
    assert multi["value"] == {"choices": ["A", "C"]}
    sdk_clean(sdk_validate, [single, multi])


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda c: c.control("sentiment").choose(["Positive", "Negative"]),
            LabelError,
            "<Choices name='sentiment'> is single-choice (choice=\"single\") but got 2 values: "
            "'Positive', 'Negative'; pass one, or set choice=\"multiple\" in the config",
        ),
        (
            lambda c: c.control("sentiment").choose("positive"),
            LabelError,
            "'positive' is not a label of <Choices name='sentiment'>; did you mean 'Positive'? "
            "(labels: 'Positive', 'neg', 'Neutral')",
        ),
        (
            lambda c: c.control("tags").choose(["A", "A"]),
            LabelError,
            "'A' is given twice to <Choices name='tags'>",
        ),
        (
            lambda c: c.control("region_kind").choose("Stamp"),
            BuildError,
            "<Choices name='region_kind'> has perRegion=\"true\": each of its results belongs "
            "to a region; build it with .for_region(region, ...), or remove perRegion from the "
            "config",
        ),
    ],
    ids=["single-given-two", "unknown", "twice", "global-on-per-region"],
)
def test_choices_misuse(config: LabelConfig, call: Any, error: type, message: str) -> None:
    with pytest.raises(error, match=f"^{re.escape(message)}$"):
        call(config)


# --- Taxonomy --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("paths", "expected"),
    [
        ([["Online", "Paywall", "NY Times"]], [["Online", "Paywall", "NY Times"]]),
        ("NY Times", [["Online", "Paywall", "NY Times"]]),
        ([["Online"], ["Offline", "Free"]], [["Online"], ["Offline", "Free"]]),
        (["Other", ["Online", "Paywall"]], [["other"], ["Online", "Paywall"]]),
        ([("Online", "Free")], [["Online", "Free"]]),
    ],
    ids=["full-path", "unique-leaf-name", "several", "alias-and-mixed", "tuple"],
)
def test_taxonomy_paths(
    config: LabelConfig, paths: Any, expected: list[list[str]], sdk_validate: Any
) -> None:
    result = config.control("topic").choose(paths)
    assert result["value"] == {"taxonomy": expected}
    sdk_clean(sdk_validate, [result])


@pytest.mark.parametrize(
    ("control", "paths", "message"),
    [
        (
            "topic",
            [["Online", "Paid"]],
            "['Online', 'Paid'] is not a path of <Taxonomy name='topic'>: 'Online' has no child "
            "'Paid' (choices at depth 1: 'Paywall', 'Free')",
        ),
        (
            "topic",
            [["Onlin"]],
            "['Onlin'] is not a path of <Taxonomy name='topic'>: 'Onlin' is not a top-level "
            "choice; did you mean 'Online' or 'Offline'? (choices at depth 0: 'Online', 'Offline', "
            "'other')",
        ),
        (
            "topic",
            [["Other", "X"]],
            "['Other', 'X'] is not a path of <Taxonomy name='topic'>: 'other' has no children",
        ),
        (
            "topic",
            "Free",
            "'Free' names 2 nodes of <Taxonomy name='topic'>: ['Online', 'Free'], "
            "['Offline', 'Free']; give the full path",
        ),
        ("topic", "Dog", "'Dog' is not a node of <Taxonomy name='topic'>"),
        ("topic", [], "<Taxonomy name='topic'> needs at least one path"),
        (
            "topic",
            ["Online", "Paywall"],
            "['Online', 'Paywall'] reads as 2 separate node names, but it spells one path of "
            "<Taxonomy name='topic'>; for that path pass [['Online', 'Paywall']], for separate "
            "nodes pass [['Online'], ['Paywall']]",
        ),
        (
            "topic",
            [["Online"], ["Online"]],
            "path ['Online'] is given twice to <Taxonomy name='topic'>",
        ),
        (
            "leaf",
            [["Animal"]],
            "['Animal'] ends at a node with children, but <Taxonomy name='leaf'> has "
            "leafsOnly=\"true\": pick one of 'Cat', 'Dog'",
        ),
        (
            "leaf",
            ["Cat", "Dog"],
            "<Taxonomy name='leaf'> allows 1 selected path(s) (maxUsages), got 2",
        ),
    ],
    ids=[
        "not-in-tree",
        "top-level",
        "leaf-has-no-children",
        "ambiguous",
        "unknown-node",
        "empty",
        "flat-path",
        "twice",
        "leafs-only",
        "max-usages",
    ],
)
def test_taxonomy_misuse(config: LabelConfig, control: str, paths: Any, message: str) -> None:
    with pytest.raises(LabelError, match=f"^{re.escape(message)}$"):
        config.control(control).choose(paths)


def test_dynamic_taxonomy_accepts_any_path() -> None:
    config = LabelConfig.parse(
        '<View><Text name="t" value="$t"/><Taxonomy name="tax" toName="t" '
        'apiUrl="https://example.com/tree"/></View>'
    )
    assert config.control("tax").choose([["a", "b"]])["value"] == {"taxonomy": [["a", "b"]]}


# --- Rating, Number --------------------------------------------------------------------------


def test_rating_and_number(config: LabelConfig, sdk_validate: Any) -> None:
    results = [
        config.control("quality").rate(np.int64(4)),
        config.control("count").set(7),
        config.control("count").set(2.5),
        config.control("price").set(1.25),
    ]
    assert [r["value"] for r in results] == [
        {"rating": 4},
        {"number": 7},
        {"number": 2.5},
        {"number": 1.25},
    ]
    assert type(results[0]["value"]["rating"]) is int
    sdk_clean(sdk_validate, results)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda c: c.control("quality").rate(5),
            "rating must be an integer from 1 to 4 (maxRating of <Rating name='quality'>), got 5",
        ),
        (
            lambda c: c.control("quality").rate(0),
            "rating must be an integer from 1 to 4 (maxRating of <Rating name='quality'>), got 0",
        ),
        (
            lambda c: c.control("quality").rate(2.5),
            "rating must be an integer from 1 to 4 (maxRating of <Rating name='quality'>), got 2.5",
        ),
        (
            lambda c: c.control("count").set(11),
            "11 is above max=10 of <Number name='count'>; the editor refuses to submit it",
        ),
        (
            lambda c: c.control("count").set(-1),
            "-1 is below min=0 of <Number name='count'>; the editor refuses to submit it",
        ),
        (
            lambda c: c.control("price").set(1.3),
            "1.3 is not on the step=0.25 grid of <Number name='price'> (from 0.5); the nearest "
            "valid values are 1.25 and 1.5",
        ),
        (
            lambda c: c.control("count").set(float("nan")),
            "the number of <Number name='count'> must be finite, got nan",
        ),
    ],
    ids=["over-max", "zero", "fraction", "above-max", "below-min", "off-step", "nan"],
)
def test_rating_number_misuse(config: LabelConfig, call: Any, message: str) -> None:
    with pytest.raises(BuildError, match=f"^{re.escape(message)}$"):
        call(config)


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 40))
def test_number_step_grid(steps: int) -> None:
    config = LabelConfig.parse(CONFIG)
    value = 0.5 + steps * 0.25
    assert config.control("price").set(value)["value"] == {"number": value}


# --- DateTime --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("control", "when", "expected"),
    [
        ("when", dt.datetime(2024, 3, 5, 14, 30, 59), "2024-03-05T14:30"),
        ("when", dt.date(2024, 3, 5), "2024-03-05T00:00"),
        ("when", "2024-03-05T14:30", "2024-03-05T14:30"),
        ("when", "2024-03-05T14:30:00+02:00", "2024-03-05T14:30"),
        (
            "when",
            dt.datetime(2024, 3, 5, 23, 15, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
            "2024-03-05T23:15",
        ),
        ("day", dt.datetime(2024, 3, 5, 14, 30), "2024-03-05"),
        ("day", "2024-3-5", "2024-03-05"),
        ("clock", dt.time(9, 5), "09:05"),
        ("clock", dt.datetime(2024, 1, 1, 18, 45), "18:45"),
        ("clock", "07:30", "07:30"),
        ("european", dt.date(2024, 3, 5), "05/03/2024"),
        ("european", "5/3/2024", "05/03/2024"),
    ],
    ids=[
        "full-datetime",
        "full-date",
        "full-string",
        "iso-with-zone",
        "aware-keeps-wall-clock",
        "date-only",
        "date-lenient-string",
        "time",
        "time-from-datetime",
        "time-string",
        "format-attr",
        "format-attr-string",
    ],
)
def test_datetime_formats(
    config: LabelConfig, control: str, when: Any, expected: str, sdk_validate: Any
) -> None:
    result = config.control(control).set(when)
    assert result["value"] == {"datetime": expected}
    sdk_clean(sdk_validate, [result])


@pytest.mark.parametrize(
    ("control", "when", "message"),
    [
        (
            "day",
            "2024-13-01",
            "'2024-13-01' does not match the format '%Y-%m-%d' of <DateTime name='day'>: "
            "month 13 is outside 1-12",
        ),
        (
            "day",
            dt.date(2019, 12, 31),
            "2019-12-31 is before min='2020-01-01' of <DateTime name='day'>; the editor refuses it",
        ),
        (
            "day",
            dt.date(2031, 1, 1),
            "2031-01-01 is after max='2030-12-31' of <DateTime name='day'>; the editor refuses it",
        ),
        (
            "when",
            dt.time(9, 0),
            "<DateTime name='when'> writes dates ('%Y-%m-%dT%H:%M'); a time alone has no date: "
            "pass a datetime",
        ),
        (
            "clock",
            "9:05:00",
            "<DateTime name='clock'> has only=\"time\" and stores HH:MM (24-hour), got '9:05:00'",
        ),
        (
            "european",
            "2024-03-05",
            "'2024-03-05' does not match the format '%d/%m/%Y' of <DateTime name='european'>: "
            "expected '/' at position 2, found '2'",
        ),
        (
            "years",
            "2024",
            "<DateTime name='years'> has only=\"year\": the string Label Studio writes for "
            'years and months is not pinned; use only="date" (or a format attribute with a '
            "full date)",
        ),
        (
            "when",
            1709294400,
            "<DateTime name='when'> takes a datetime, date or string, got int",
        ),
    ],
    ids=[
        "bad-month",
        "before-min",
        "after-max",
        "time-no-date",
        "time-string",
        "format-mismatch",
        "only-year",
        "number",
    ],
)
def test_datetime_misuse(config: LabelConfig, control: str, when: Any, message: str) -> None:
    with pytest.raises(BuildError, match=f"^{re.escape(message)}$"):
        config.control(control).set(when)


# --- TextArea --------------------------------------------------------------------------------


def test_textarea(config: LabelConfig, sdk_validate: Any) -> None:
    one = config.control("summary").write("A summary.")
    two = config.control("summary").write(["First.", "Second."])
    assert one["value"] == {"text": ["A summary."]}
    assert two["value"] == {"text": ["First.", "Second."]}
    sdk_clean(sdk_validate, [one])


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda c: c.control("summary").write(["a", "b", "c"]),
            "<TextArea name='summary'> takes at most 2 text(s) (maxSubmissions), got 3",
        ),
        (
            lambda c: c.control("summary").write([]),
            "<TextArea name='summary'> needs at least one text",
        ),
        (lambda c: c.control("summary").write(""), "text 0 for <TextArea name='summary'> is empty"),
        (
            lambda c: c.control("summary").write([b"x"]),
            "text 0 for <TextArea name='summary'> must be a str, got bytes",
        ),
        (
            lambda c: c.control("unique").write(["a", "a"]),
            "<TextArea name='unique'> has skipDuplicates=\"true\" but a text repeats",
        ),
    ],
    ids=["max-submissions", "none", "empty", "bytes", "duplicates"],
)
def test_textarea_misuse(config: LabelConfig, call: Any, message: str) -> None:
    with pytest.raises(BuildError, match=f"^{re.escape(message)}$"):
        call(config)


# --- per-region ------------------------------------------------------------------------------


def test_for_region_shares_id_geometry_and_size(config: LabelConfig, sdk_validate: Any) -> None:
    region = box(config)
    text = config.control("transcription").for_region(region, "Recognized text", score=0.8)
    kind = config.control("region_kind").for_region(region, "Printed")
    stars = config.control("legibility").for_region(region, 3)
    assert [r["type"] for r in region.results] == [
        "rectangle",
        "labels",
        "textarea",
        "choices",
        "rating",
    ]
    assert region.results[2] is text
    assert text == {
        "id": "r1",
        "type": "textarea",
        "from_name": "transcription",
        "to_name": "image",
        "original_width": 1920,
        "original_height": 1280,
        "image_rotation": 0,
        "value": {
            "x": 10.0,
            "y": 20.0,
            "width": 30.0,
            "height": 5.0,
            "rotation": 0.0,
            "text": ["Recognized text"],
        },
        "score": 0.8,
    }
    assert kind["value"]["choices"] == ["Printed"]
    assert stars["value"]["rating"] == 3
    sdk_clean(sdk_validate, [region])


def test_for_region_on_a_text_span(config: LabelConfig, sdk_validate: Any) -> None:
    span = config.control("ner").span_of("Ann works at Acme", "Acme", "ORG")
    note = config.control("entity_note").for_region(span, "a company")
    assert note["value"] == {"start": 13, "end": 17, "text": ["a company"]}
    assert note["id"] == span.id
    sdk_clean(sdk_validate, [span])


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda c: c.control("summary").for_region(box(c), "x"),
            "<TextArea name='summary'> is not perRegion=\"true\": Label Studio shows its result "
            "for the whole object, not for region 'r1'; use the global builder, or set "
            'perRegion="true" in the config',
        ),
        (
            lambda c: c.control("transcription").write("x"),
            "<TextArea name='transcription'> has perRegion=\"true\": each of its results belongs "
            "to a region; build it with .for_region(region, ...), or remove perRegion from the "
            "config",
        ),
        (
            lambda c: c.control("entity_note").for_region(box(c), "x"),
            "region 'r1' is on 'image', but <TextArea name='entity_note'> points at 'text'",
        ),
        (
            lambda c: c.control("entity_note").for_region(
                c.control("ner").span("Ann", 0, 3, "PER", id="s1"), "x"
            ),
            "<TextArea name='entity_note'> applies only to regions labeled 'ORG' "
            "(whenLabelValue); region 's1' has 'PER', so Label Studio would drop this result on "
            "submit",
        ),
        (
            lambda c: _twice(c),
            "region 'r1' already has a result from <TextArea name='transcription'>; Label Studio "
            "keeps only the first: put every value in one call",
        ),
        (
            lambda c: c.control("transcription").for_region({"id": "r1"}, "x"),
            "for_region() needs the Region a region builder returned (a box, span, segment...), "
            "got dict",
        ),
    ],
    ids=[
        "not-per-region",
        "global-on-per-region",
        "other-object",
        "when-label-value",
        "twice",
        "not-a-region",
    ],
)
def test_per_region_misuse(config: LabelConfig, call: Any, message: str) -> None:
    with pytest.raises(BuildError, match=f"^{re.escape(message)}$"):
        call(config)


def _twice(config: LabelConfig) -> None:
    region = box(config)
    config.control("transcription").for_region(region, "a")
    config.control("transcription").for_region(region, "b")


def test_per_region_choice_condition() -> None:
    config = LabelConfig.parse(
        """<View><Image name="img" value="$img"/>
        <RectangleLabels name="box" toName="img"><Label value="Car"/></RectangleLabels>
        <Choices name="kind" toName="img" perRegion="true"><Choice value="Truck"/>
          <Choice value="Sedan"/></Choices>
        <TextArea name="plate" toName="img" perRegion="true" visibleWhen="choice-selected"
          whenTagName="kind" whenChoiceValue="Truck"/></View>"""
    )
    geometry = {"x": 1.0, "y": 1.0, "width": 5.0, "height": 5.0, "rotation": 0.0}
    region = Region(
        [make_result(config.control("box"), {**geometry, "rectanglelabels": ["Car"]}, id="b1")],
        geometry=geometry,
    )
    config.control("kind").for_region(region, "Sedan")
    message = (
        "<TextArea name='plate'> is kept only when 'kind' has 'Truck' selected "
        "(visibleWhen=\"choice-selected\"); on region 'b1' it is not, so Label Studio would drop "
        "this result on submit"
    )
    with pytest.raises(BuildError, match=f"^{re.escape(message)}$"):
        config.control("plate").for_region(region, "ABC-123")


# --- Pairwise, Ranker ------------------------------------------------------------------------


def test_pairwise(sdk_validate: Any) -> None:
    control = LabelConfig.parse(PAIRWISE).control("pw")
    left, right = control.select("left"), control.select("right_text")
    assert (left["to_name"], left["value"]) == ("left_text", {"selected": "left"})
    assert right["value"] == {"selected": "right"}
    sdk_clean(sdk_validate, [left], PAIRWISE)
    message = (
        "<Pairwise name='pw'> selects 'left' or 'right' (or 'left_text', 'right_text'), got 'up'"
    )
    with pytest.raises(BuildError, match=f"^{re.escape(message)}$"):
        control.select("up")


def test_ranker(sdk_validate: Any) -> None:
    config = LabelConfig.parse(RANKER)
    plain = config.control("rank").rank(["wiki", "mdn", "blog"], items=ITEMS)
    bucketed = config.control("buckets").rank({"relevant": ["a", "b"], "biased": ["c"]})
    assert plain["value"] == {"ranker": {"rank": ["wiki", "mdn", "blog"]}}
    assert plain["to_name"] == "results"
    assert bucketed["value"] == {"ranker": {"relevant": ["a", "b"], "biased": ["c"]}}
    sdk_clean(sdk_validate, [plain, bucketed], RANKER)
    from_data = config.control("rank").rank(["mdn"], items={"items": ITEMS})
    assert from_data["value"] == {"ranker": {"rank": ["mdn"]}}


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda c: c.control("rank").rank(["mdn", "mdn"]),
            "item 'mdn' is ranked twice by <Ranker name='rank'>",
        ),
        (
            lambda c: c.control("rank").rank(["mdm"], items=ITEMS),
            "'mdm' is not an item id of 'results'; did you mean 'mdn'?",
        ),
        (
            lambda c: c.control("rank").rank({"relevant": ["a"]}),
            "<Ranker name='rank'> has no <Bucket>s: pass the item ids in order, not a mapping",
        ),
        (
            lambda c: c.control("buckets").rank(["a"]),
            "<Ranker name='buckets'> sorts items into buckets 'relevant', 'biased': pass a "
            "mapping {bucket: [ids]}",
        ),
        (
            lambda c: c.control("buckets").rank({"relevent": ["a"]}),
            "'relevent' is not a bucket of <Ranker name='buckets'>; did you mean 'relevant'? "
            "(buckets: 'relevant', 'biased')",
        ),
    ],
    ids=["twice", "unknown-id", "mapping-without-buckets", "list-with-buckets", "bad-bucket"],
)
def test_ranker_misuse(call: Any, message: str) -> None:
    with pytest.raises(BuildError, match=f"^{re.escape(message)}$"):
        call(LabelConfig.parse(RANKER))


def test_every_builder_output_is_plain_json(config: LabelConfig) -> None:
    region = box(config)
    outputs = [
        config.control("sentiment").choose("Positive", score=np.float32(0.5)),
        config.control("topic").choose("NY Times"),
        config.control("quality").rate(np.int32(2)),
        config.control("count").set(np.float64(3.0)),
        config.control("when").set(dt.datetime(2024, 1, 1)),
        config.control("summary").write("x"),
        config.control("transcription").for_region(region, "y"),
    ]
    for result in outputs:
        assert json.loads(json.dumps(result, allow_nan=False)) == result


# --- per-region, N regions at once -----------------------------------------------------------


def test_for_regions_equals_for_region_each(config: LabelConfig) -> None:
    many = [box(config, region_id=f"r{i}") for i in range(3)]
    one = [box(config, region_id=f"r{i}") for i in range(3)]
    calls = [
        ("transcription", ["a", ["b", "c"], "d"]),
        ("region_kind", ["Printed", "Stamp", "Printed"]),
        ("legibility", [1, 2, 5]),
    ]
    for name, values in calls:
        control = config.control(name)
        made = control.for_regions(many, values, scores=[0.1, 0.2, 0.3])
        singles = [
            control.for_region(region, value, score=score)
            for region, value, score in zip(one, values, [0.1, 0.2, 0.3], strict=True)
        ]
        assert made == singles
    assert [r.results for r in many] == [r.results for r in one]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda c, rs: c.control("transcription").for_regions(rs, ["a", ""]),
            "values[1]: text 0 for <TextArea name='transcription'> is empty",
        ),
        (
            lambda c, rs: c.control("transcription").for_regions(rs, ["a"]),
            "values has 1 items; expected 2, one per region",
        ),
        (
            lambda c, rs: c.control("transcription").for_regions(rs, "ab"),
            "values must be a list with one item per region (2), got str",
        ),
        (
            lambda c, rs: c.control("legibility").for_regions(rs, [1, 2], scores=[0.5, 50]),
            "scores[1]: score must be between 0 and 1, got 50.0 (looks like a percentage: "
            "divide by 100)",
        ),
        (
            lambda c, rs: c.control("region_kind").for_regions([rs[0], rs[0]], ["Stamp"] * 2),
            "a region is given twice; <Choices name='region_kind'> takes one result per region",
        ),
    ],
    ids=["bad-value", "count", "string", "score", "twice"],
)
def test_for_regions_all_or_nothing(config: LabelConfig, call: Any, message: str) -> None:
    regions = [box(config, region_id="r1"), box(config, region_id="r2")]
    before = [list(r.results) for r in regions]
    with pytest.raises(BuildError, match=f"^{re.escape(message)}$"):
        call(config, regions)
    assert [r.results for r in regions] == before  # nothing attached to any region
