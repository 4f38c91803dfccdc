"""Conformance with Label Studio's own checker (SDK ``LabelInterface.validate_prediction``).

For predictions drawn from every shipped template's config (and two extra configs that cover
the control kinds the templates lack), valid or mutated:

* when prelabel reports no error, the SDK reports none either;
* when the SDK reports an error for a result, prelabel reports an error for that result.

The SDK is stricter than Label Studio only where ``docs/sdk-disagreements.md`` says so; those
cases are excluded here by name and pinned in ``test_sdk_rejects_valid_*`` below. The cases
where the SDK accepts what Label Studio mishandles are pinned in ``test_sdk_accepts_*``.
"""

from __future__ import annotations

import copy
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from label_studio_sdk.label_interface import LabelInterface

from conftest import sdk_errors
from prelabel import LabelConfig
from prelabel.errors import ErrorRecord
from prelabel.validate import Validator
from strategies_validate import CONFIG_XML, config_named, prediction_for

NAMES = sorted(CONFIG_XML)
# Examples per config; raise it to hunt for disagreements: PRELABEL_SDK_EXAMPLES=500 pytest ...
EXAMPLES = int(os.environ.get("PRELABEL_SDK_EXAMPLES", "15"))
_REF = re.compile(r"(Region|Relation) (\d+):")


def ours(config: LabelConfig, pred: dict[str, Any]) -> list[ErrorRecord]:
    """prelabel's errors for one prediction (task-level data records left out)."""
    records = Validator(config).check_task({"data": {}, "predictions": [pred]}, 0)
    return [r for r in records if r.severity == "error" and r.loc[1:2] == ("predictions",)]


def flat(messages: list[Any]) -> list[str]:
    """SDK 2.1.2 appends relation errors as a nested list: flatten them."""
    out: list[str] = []
    for m in messages:
        out.extend(flat(m) if isinstance(m, list) else [str(m)])
    return out


def sdk_rejects_valid(config: LabelConfig, pred: dict[str, Any]) -> bool:
    """The SDK's known false rejections (docs/sdk-disagreements.md), present in ``pred``."""
    for r in pred.get("result", []):
        if not isinstance(r, dict) or not isinstance(r.get("value"), dict):
            continue
        control = config.find_control(str(r.get("from_name")))
        choices = r["value"].get("choices")
        nested = getattr(control, "allow_nested", False)
        if nested and isinstance(choices, list) and any(isinstance(x, list) for x in choices):
            return True
    return False


def assert_agrees(name: str, pred: dict[str, Any]) -> None:
    config = config_named(name)
    pred = json.loads(json.dumps(pred, allow_nan=False))
    sdk = flat(sdk_errors(CONFIG_XML[name], pred))
    mine = ours(config, pred)
    if sdk_rejects_valid(config, pred):
        return
    detail = f"\nSDK: {sdk}\nprelabel: {[str(r) for r in mine]}\npred: {pred}"
    if not mine:
        assert not sdk, "prelabel found no error but the SDK did" + detail
    flagged = {r.loc[4] for r in mine if len(r.loc) > 4}
    results = pred.get("result", [])
    for message in sdk:
        ref = _REF.match(message)
        if ref is None:
            assert mine, "the SDK rejects the prediction, prelabel does not" + detail
            continue
        index = int(ref.group(2))
        if index in flagged:
            continue
        if ref.group(1) == "Relation":
            # The SDK resolves relation ends only among regions it accepted.
            rel = results[index]
            ends = {rel.get("from_id"), rel.get("to_id")}
            bad_ids = {
                results[k].get("id")
                for k in flagged
                if k < len(results) and isinstance(results[k], dict)
            }
            if ends & bad_ids:
                continue
        raise AssertionError(f"the SDK rejects result {index}, prelabel does not" + detail)


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_agrees_with_sdk(name: str, data: st.DataObject) -> None:
    pred = data.draw(prediction_for(config_named(name)))
    assert_agrees(name, pred)


@pytest.mark.parametrize("name", NAMES)
@settings(
    max_examples=max(EXAMPLES // 3, 4), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(data=st.data())
def test_unmutated_predictions_pass_both(name: str, data: st.DataObject) -> None:
    config = config_named(name)
    pred = json.loads(json.dumps(data.draw(prediction_for(config, mutate=False))))
    assert ours(config, pred) == []
    if not sdk_rejects_valid(config, pred):
        assert sdk_errors(CONFIG_XML[name], pred) == []


# --- pinned disagreements (docs/sdk-disagreements.md) -----------------------------------------

PIN_XML = """<View>
  <Image name="image" value="$image"/>
  <RectangleLabels name="label" toName="image">
    <Label value="Car"/><Label value="Bus"/>
  </RectangleLabels>
  <KeyPointLabels name="kp" toName="image"><Label value="Nose"/></KeyPointLabels>
  <PolygonLabels name="poly" toName="image"><Label value="Roof"/></PolygonLabels>
  <BrushLabels name="mask" toName="image"><Label value="Road"/></BrushLabels>
  <TextArea name="note" toName="image" perRegion="true"/>
  <Choices name="class" toName="image"><Choice value="A"/><Choice value="B"/></Choices>
  <Choices name="tree" toName="image" allowNested="true" choice="multiple">
    <Choice value="Animal"><Choice value="Cat"/></Choice>
  </Choices>
  <Number name="count" toName="image" min="0" max="10"/>
  <DateTime name="day" toName="image" only="date"/>
  <Text name="text" value="$text"/>
  <Labels name="ner" toName="text"><Label value="PER"/></Labels>
  <Taxonomy name="topic" toName="text">
    <Choice value="Online"><Choice value="Paywall"/></Choice><Choice value="Offline"/>
  </Taxonomy>
  <Text name="a" value="$a"/><Text name="b" value="$b"/>
  <Pairwise name="pw" toName="a,b"/>
  <Relations><Relation value="works_for"/></Relations>
</View>"""
PIN_CONFIG = LabelConfig.parse(PIN_XML)
PIN_DATA = {"image": "https://example.com/x.jpg", "text": "John Smith", "a": "left", "b": "right"}


def _box(**value: Any) -> dict[str, Any]:
    v = {"x": 10, "y": 10, "width": 20, "height": 20, "rectanglelabels": ["Car"]}
    v.update(value)
    return {"id": "b1", "from_name": "label", "to_name": "image", "type": "rectanglelabels",
            "original_width": 600, "original_height": 400, "value": v}  # fmt: skip


SIZE = {"original_width": 600, "original_height": 400}


def _r(rid: str, name: str, to: str, type_: str, value: dict[str, Any]) -> dict[str, Any]:
    return {"id": rid, "from_name": name, "to_name": to, "type": type_, "value": value}


SDK_MISSES: list[tuple[str, list[dict[str, Any]], str]] = [
    ("negative_coordinate", [_box(x=-5)], "geometry.out_of_range"),
    ("box_past_the_edge", [_box(x=90)], "geometry.overflow"),
    ("negative_size", [_box(width=-20)], "geometry.negative"),
    ("minus_infinity", [_box(y=float("-inf"))], "number.not_finite"),
    ("number_as_string", [_box(x="10")], "value.type"),
    ("boolean_as_number", [_box(x=True)], "value.type"),
    ("capitalised_type", [_box() | {"type": "RectangleLabels"}], "result.type_mismatch"),
    ("keypoint_without_width",
     [_r("k", "kp", "image", "keypointlabels", {"x": 1, "y": 2, "keypointlabels": ["Nose"]})
      | SIZE],
     "keypoint.width_missing"),
    ("polygon_two_points",
     [_r("p", "poly", "image", "polygonlabels",
         {"points": [[1, 1], [2, 2]], "polygonlabels": ["Roof"]}) | SIZE],
     "polygon.too_few_points"),
    ("rle_truncated",
     [_r("m", "mask", "image", "brushlabels",
         {"format": "rle", "rle": [0, 0, 0, 96, 57, 27, 252], "brushlabels": ["Road"]})
      | {"original_width": 6, "original_height": 4}],
     "rle.invalid"),
    ("rle_wrong_size",
     [_r("m", "mask", "image", "brushlabels",
         {"format": "rle", "rle": [0, 0, 0, 4, 57, 27, 252, 127, 224], "brushlabels": ["Road"]})
      | {"original_width": 6, "original_height": 4}],
     "rle.size_mismatch"),
    ("rle_binary_mask",
     [_r("m", "mask", "image", "brushlabels",
         {"format": "rle", "rle": [0, 0, 0, 4, 57, 27, 252, 96, 32], "brushlabels": ["Road"]})
      | {"original_width": 1, "original_height": 1}],
     "rle.invisible"),
    ("two_choices_single", [_r("c", "class", "image", "choices", {"choices": ["A", "B"]})],
     "choice.too_many"),
    ("duplicate_id", [_box(), _box(x=50)], "region.duplicate_id"),
    ("per_region_orphan", [_box(), _r("z", "note", "image", "textarea", {"text": ["x"]})],
     "per_region.orphan"),
    ("span_text_mismatch",
     [_r("s", "ner", "text", "labels", {"start": 0, "end": 4, "text": "Mary", "labels": ["PER"]})],
     "span.text_mismatch"),
    ("span_past_text_end",
     [_r("s", "ner", "text", "labels", {"start": 5, "end": 40, "labels": ["PER"]})],
     "span.out_of_range"),
    ("fractional_offset",
     [_r("s", "ner", "text", "labels", {"start": 0.5, "end": 4, "labels": ["PER"]})],
     "value.type"),
    ("number_out_of_range", [_r("n", "count", "image", "number", {"number": 11})],
     "number.range"),
    ("datetime_format", [_r("d", "day", "image", "datetime", {"datetime": "5/3/2024"})],
     "datetime.format"),
    ("taxonomy_path_not_in_tree",
     [_r("t", "topic", "text", "taxonomy", {"taxonomy": [["Offline", "Paywall"]]})],
     "taxonomy.path_unknown"),
    ("pairwise_selected", [_r("w", "pw", "a", "pairwise", {"selected": "a"})],
     "pairwise.selected"),
    ("relation_label_not_in_config",
     [_r("s1", "ner", "text", "labels", {"start": 0, "end": 4, "labels": ["PER"]}),
      _r("s2", "ner", "text", "labels", {"start": 5, "end": 10, "labels": ["PER"]}),
      {"type": "relation", "from_id": "s1", "to_id": "s2", "direction": "right",
       "labels": ["knows"]}],
     "relation.label_unknown"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("results", "code"), [c[1:] for c in SDK_MISSES], ids=[c[0] for c in SDK_MISSES]
)
def test_sdk_accepts_what_label_studio_mishandles(results: list[dict[str, Any]], code: str) -> None:
    pred = {"model_version": "v", "result": results}
    sdk = LabelInterface(PIN_XML).validate_prediction(copy.deepcopy(pred), return_errors=True)
    assert sdk == []
    records = Validator(PIN_CONFIG).check_task({"data": PIN_DATA, "predictions": [pred]}, 0)
    assert [(r.code, r.severity) for r in records] == [(code, "error")]


SDK_FALSE_REJECTIONS: list[tuple[str, str, dict[str, Any], str | None]] = [
    (
        "nested_choices",
        PIN_XML,
        {"model_version": "v", "result": [
            _r("c", "tree", "image", "choices", {"choices": [["Animal", "Cat"]]})]},
        None,
    ),
    (
        "repeater_names",
        '<View><Repeater on="$items" indexFlag="{{idx}}">'
        '<Image name="img_{{idx}}" value="$items[{{idx}}].url"/>'
        '<Choices name="c_{{idx}}" toName="img_{{idx}}"><Choice value="A"/></Choices>'
        "</Repeater></View>",
        {"model_version": "v", "result": [_r("x", "c_0", "img_0", "choices", {"choices": ["A"]})]},
        "result.repeater_name",
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("xml", "pred", "warning"),
    [c[1:] for c in SDK_FALSE_REJECTIONS],
    ids=[c[0] for c in SDK_FALSE_REJECTIONS],
)
def test_sdk_rejects_valid(xml: str, pred: dict[str, Any], warning: str | None) -> None:
    assert LabelInterface(xml).validate_prediction(copy.deepcopy(pred), return_errors=True)
    config = LabelConfig.parse(xml)
    data = PIN_DATA | {"items": [{"url": "a.jpg"}]}
    records = Validator(config).check_task({"data": data, "predictions": [pred]}, 0)
    expected = {"result.repeater_name": "error"}  # the strict server refuses it (integration/)
    assert [(r.code, r.severity) for r in records] == (
        [(warning, expected.get(warning, "warning"))] if warning else []
    )


def test_every_pinned_case_is_in_the_table() -> None:
    table = (Path(__file__).resolve().parent.parent / "docs" / "sdk-disagreements.md").read_text()
    for case in [c[0] for c in SDK_MISSES] + [c[0] for c in SDK_FALSE_REJECTIONS]:
        assert f"`{case}`" in table, case


# --- cases hypothesis found: both checkers refuse them --------------------------------------

FOUND_XML = """<View>
  <Image name="image" value="$image"/>
  <Labels name="label" toName="image"><Label value="Text"/></Labels>
  <Rectangle name="box" toName="image"/>
  <Polygon name="poly" toName="image"/>
  <Vector name="vec" toName="image"/>
  <Brush name="br" toName="image"/>
</View>"""
_RLE = [0, 0, 0, 4, 57, 27, 252, 127, 224]
_POLY = {"points": [[0.0, 0.0], [5.0, 0.0], [5.0, 5.0]], "closed": True}


@pytest.mark.parametrize(
    ("result", "code"),
    [
        (
            [
                _r("a", "poly", "image", "polygon", dict(_POLY)) | SIZE,
                _r("a", "label", "image", "rectanglelabels", {**_POLY, "labels": ["Text"]}) | SIZE,
            ],
            "value.key_missing",
        ),
        (
            [
                _r("v", "vec", "image", "vector", {"vertices": [{"id": True, "x": 1, "y": 1}]})
                | SIZE
            ],
            "value.type",
        ),
        (
            [
                _r("v", "vec", "image", "vector", {"vertices": [{"id": ["v0"], "x": 1, "y": 1}]})
                | SIZE
            ],
            "value.type",
        ),
        (
            [
                _r("b", "br", "image", "brush", {"format": "rle", "rle": _RLE}) | SIZE,
                _r(
                    "b",
                    "label",
                    "image",
                    "labels",
                    {"format": None, "rle": _RLE, "labels": ["Text"]},
                )
                | SIZE,
            ],
            "value.type",
        ),
    ],
    ids=["labels-typed-as-another-tool", "vertex-id-bool", "vertex-id-list", "brush-format-null"],
)
def test_found_cases_refused_by_both(result: list[dict[str, Any]], code: str) -> None:
    pred = {"model_version": "m", "result": result}
    assert sdk_errors(FOUND_XML, pred)
    records = Validator(LabelConfig.parse(FOUND_XML)).check_task(
        {"data": {"image": "https://example.com/x.jpg"}, "predictions": [pred]}, 0
    )
    assert code in {r.code for r in records if r.severity == "error"}


def test_split_labels_on_a_vector_need_string_vertex_ids() -> None:
    """Split-format labels repeat the vector's vertices; the SDK reads them with the vector's
    model, so a vertex id of ``true`` is refused there too (prelabel once flagged it only on
    the vector). Found by test_agrees_with_sdk."""
    vertices = [{"id": True, "x": 0.0, "y": 0.0}, {"id": "v1", "x": 0.0, "y": 0.0}]
    pred = {
        "model_version": "m1",
        "result": [
            {"id": "id4", "from_name": "vec", "to_name": "img", "type": "vector",
             "original_width": 1, "original_height": 1,
             "value": {"vertices": vertices, "closed": False}},
            {"id": "id4", "from_name": "img_lab", "to_name": "img", "type": "labels",
             "original_width": 1, "original_height": 1,
             "value": {"vertices": vertices, "closed": False, "labels": ["Car"]}},
        ],
    }  # fmt: skip
    assert_agrees("extra_image_tools", pred)
    assert {r.loc[4] for r in ours(config_named("extra_image_tools"), pred)} == {0, 1}
