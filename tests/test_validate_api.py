"""The validator's surface: check / validate / Validator, strict mode, stats, Task objects,
annotations, streaming with bounded state, and hostile input that must never raise."""

from __future__ import annotations

import copy
import json
import math
import tracemalloc
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prelabel import LabelConfig, ValidationError
from prelabel.tasks import Prediction, Task
from prelabel.validate import CODES, ValidationStats, Validator, check, validate
from strategies_validate import CONFIG_XML, config_named, json_values, prediction_for

XML = """<View>
  <Image name="image" value="$image"/>
  <RectangleLabels name="label" toName="image"><Label value="Airplane"/></RectangleLabels>
  <Choices name="class" toName="image"><Choice value="Boeing"/><Choice value="Airbus"/></Choices>
</View>"""
CONFIG = LabelConfig.parse(XML)
BOX: dict[str, Any] = {
    "id": "b1",
    "from_name": "label",
    "to_name": "image",
    "type": "rectanglelabels",
    "original_width": 600,
    "original_height": 400,
    "value": {"x": 10, "y": 20, "width": 30, "height": 40, "rectanglelabels": ["Airplane"]},
}
CHOICE: dict[str, Any] = {
    "id": "c1",
    "from_name": "class",
    "to_name": "image",
    "type": "choices",
    "value": {"choices": ["Boeing"]},
}


def task(*results: dict[str, Any], **pred: Any) -> dict[str, Any]:
    return {
        "data": {"image": "https://example.com/1.jpg"},
        "predictions": [{"model_version": "v1", **pred, "result": list(results)}],
    }


def test_clean_tasks_give_no_records_and_validate_passes() -> None:
    tasks = [task(BOX, CHOICE)]
    assert check(tasks, CONFIG) == []
    validate(tasks, CONFIG)


def test_validate_raises_with_every_record() -> None:
    bad = copy.deepcopy(BOX)
    bad["value"]["x"] = -1
    bad["value"]["rectanglelabels"] = ["Car"]
    with pytest.raises(ValidationError) as info:
        validate([task(bad), task(BOX), task(bad)], CONFIG)
    codes = [(r.path, r.code) for r in info.value.errors()]
    assert codes == [
        ("$[0].predictions[0].result[0].value.x", "geometry.out_of_range"),
        ("$[0].predictions[0].result[0].value.rectanglelabels[0]", "label.unknown"),
        ("$[2].predictions[0].result[0].value.x", "geometry.out_of_range"),
        ("$[2].predictions[0].result[0].value.rectanglelabels[0]", "label.unknown"),
    ]
    assert isinstance(info.value, ValueError)


def test_warnings_do_not_raise_unless_strict() -> None:
    extra = copy.deepcopy(CHOICE)
    extra["value"]["score"] = 0.4
    tasks = [task(extra)]
    [record] = check(tasks, CONFIG)
    assert (record.code, record.severity) == ("value.extra_key", "warning")
    validate(tasks, CONFIG)
    [strict] = check(tasks, CONFIG, strict=True)
    assert (strict.code, strict.severity) == ("value.extra_key", "error")
    with pytest.raises(ValidationError):
        validate(tasks, CONFIG, strict=True)


def test_task_and_prediction_objects_are_checked_like_dicts() -> None:
    bad = copy.deepcopy(BOX)
    bad["value"]["width"] = 95
    obj = Task(
        {"image": "https://example.com/x.jpg"}, predictions=[Prediction([bad], model_version="v1")]
    )
    as_dict = task(bad)
    assert check([obj], CONFIG) == check([as_dict], CONFIG)
    [record] = check([obj], CONFIG)
    assert record.code == "geometry.overflow"
    mixed = {
        "data": {"image": "https://example.com/x.jpg"},
        "predictions": [Prediction([bad], model_version="v1")],
    }
    assert [r.code for r in check([mixed], CONFIG)] == ["geometry.overflow"]


def test_annotations_are_checked_too() -> None:
    bad = copy.deepcopy(CHOICE)
    bad["value"]["choices"] = ["Boing"]
    t = {"data": {"image": "https://example.com/x.jpg"}, "annotations": [{"result": [bad]}]}
    [record] = check([t], CONFIG)
    assert (record.path, record.code, record.hint) == (
        "$[0].annotations[0].result[0].value.choices[0]",
        "label.unknown",
        "did you mean 'Boeing'?",
    )


def test_a_single_task_instead_of_a_list() -> None:
    for given_ in (task(BOX), Task({"image": "https://example.com/x.jpg"})):
        [record] = check(given_, CONFIG)  # type: ignore[arg-type]
        assert (record.code, record.path, record.hint) == (
            "tasks.not_list",
            "$",
            "wrap it in a list: [task]",
        )
    [record] = check("tasks.json", CONFIG)  # type: ignore[arg-type]
    assert (record.code, record.found) == ("tasks.not_list", "'tasks.json'")


def test_plain_text_import_key_counts_as_the_first_data_key() -> None:
    # Label Studio renames "$undefined$" (text-file imports) to the config's first data key.
    assert check([{"data": {"$undefined$": "https://example.com/1.jpg"}}], CONFIG) == []


def test_check_takes_any_iterable() -> None:
    assert check((task(BOX) for _ in range(3)), CONFIG) == []


def test_stats_count_everything() -> None:
    validator = Validator(CONFIG)
    bad = copy.deepcopy(BOX)
    bad["value"]["x"] = -5
    no_version = task(CHOICE)
    del no_version["predictions"][0]["model_version"]
    validator.check([task(BOX, CHOICE), task(bad), no_version])
    validator.check_task(
        {"data": {"image": "https://example.com/x.jpg"}, "annotations": [{"result": [CHOICE]}]}, 3
    )
    stats = validator.stats
    assert isinstance(stats, ValidationStats)
    assert (stats.tasks, stats.predictions, stats.annotations, stats.results) == (4, 3, 1, 5)
    assert dict(stats.errors) == {"geometry.out_of_range": 1}
    assert dict(stats.warnings) == {"prediction.model_version_missing": 1}
    assert (stats.error_count, stats.warning_count) == (1, 1)
    assert json.loads(json.dumps(stats.to_dict())) == stats.to_dict()


def test_streaming_keeps_no_state_per_task() -> None:
    validator = Validator(CONFIG)
    results = [dict(BOX, id=f"b{k}") for k in range(20)] + [CHOICE]
    one = task(*results)
    validator.check_task(one, 0)  # warm up caches
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    for index in range(2000):
        assert validator.check_task(one, index) == []
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    grown = sum(s.size_diff for s in after.compare_to(before, "filename"))
    assert grown < 50_000, grown
    assert validator.stats.results == 21 * 2001


def test_codes_table_is_well_formed() -> None:
    for code, (severity, summary) in CODES.items():
        assert code.count(".") == 1, code
        assert code == code.lower(), code
        assert severity in ("error", "warning")
        assert summary, code
        assert not summary.endswith("."), code


# --- hostile input: never an exception, never a hang ---------------------------------------


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tasks=json_values)
def test_any_json_gives_records_not_exceptions(tasks: Any) -> None:
    records = check(tasks if isinstance(tasks, list) else [tasks], CONFIG)
    for record in records:
        assert record.code in CODES
        json.dumps(record.to_dict())


JUNK_CONFIGS = [
    "computer-vision__object-detection-with-bounding-boxes",
    "extra_image_tools",
    "natural-language-processing__relation-extraction",
]


@pytest.mark.parametrize("name", JUNK_CONFIGS)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_predictions_with_junk_anywhere_never_raise(name: str, data: st.DataObject) -> None:
    config = config_named(name)
    pred = data.draw(prediction_for(config))
    junk = data.draw(json_values)
    path = data.draw(st.lists(st.integers(0, 5), max_size=4))
    node: Any = pred
    for step in path:  # walk somewhere into the prediction and replace what is there
        if isinstance(node, dict) and node:
            key = sorted(node, key=str)[step % len(node)]
            if not isinstance(node[key], (dict, list)):
                node[key] = junk
                break
            node = node[key]
        elif isinstance(node, list) and node:
            node = node[step % len(node)]
    records = check([{"data": {}, "predictions": [pred]}], config)
    assert all(r.code in CODES for r in records)


HOSTILE: list[tuple[str, Any]] = [
    ("nan_everywhere", {"x": math.nan, "y": math.inf, "width": -math.inf, "height": math.nan}),
    ("huge_ints", {"x": 10**5000, "y": -(10**400), "width": 10**30, "height": 1}),
    ("deep_nesting", {"x": [[[[[[[[[[1]]]]]]]]]], "y": {"a": {"b": {"c": {}}}}}),
    ("gigantic_string", {"x": "9" * 10_000_000, "rectanglelabels": ["A" * 1_000_000]}),
    ("gigantic_list", {"rectanglelabels": ["Airplane"] * 1_000_000}),
    ("not_json_types", {"x": {1, 2}, "y": b"10", "width": object(), "height": 3j}),
]


@pytest.mark.parametrize("value", [h[1] for h in HOSTILE], ids=[h[0] for h in HOSTILE])
def test_hostile_values_give_bounded_records(value: dict[str, Any]) -> None:
    result = copy.deepcopy(BOX) if "gigantic" not in str(list(value)[:1]) else dict(BOX)
    result["value"] = {**BOX["value"], **value}
    records = check([task(result)], CONFIG)
    assert records
    for record in records:
        assert len(str(record)) < 600, record


def test_self_containing_structures_do_not_hang() -> None:
    loop: list[Any] = []
    loop.append(loop)
    result = copy.deepcopy(BOX)
    result["value"]["rectanglelabels"] = loop
    result["value"]["x"] = loop
    t = task(result)
    t["predictions"][0]["result"].append(loop)
    records = check([t], CONFIG)
    assert {r.code for r in records} >= {"value.type", "result.not_object"}


def test_config_names_cover_every_template() -> None:
    assert len(CONFIG_XML) >= 40
