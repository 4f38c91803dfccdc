"""The certifier (``validate/_certify.py``) only skips work: with it or without it, the
validator reports the same records and counts the same tasks, predictions and results, for
task dicts in process and for lines read from a JSON Lines file."""

from __future__ import annotations

import collections
import copy
import enum
import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prelabel import LabelConfig
from prelabel.io import read_tasks_located
from prelabel.validate import Validator
from prelabel.validate._certify import CertifiedTask

WIDE = """<View>
  <Image name="image" value="$image"/>
  <Image name="image2" value="$image2"/>
  <RectangleLabels name="box" toName="image">
    <Label value="Car"/><Label value="Person"/>
  </RectangleLabels>
  <RectangleLabels name="box2" toName="image2"><Label value="Dog"/></RectangleLabels>
  <Rectangle name="plain" toName="image2"/>
  <KeyPointLabels name="kp" toName="image"><Label value="Eye"/></KeyPointLabels>
  <PolygonLabels name="poly" toName="image">
    <Label value="Road"/><Label value="Car"/>
  </PolygonLabels>
  <Choices name="scene" toName="image"><Choice value="Day"/><Choice value="Night"/></Choices>
  <Choices name="tags" toName="image" choice="multiple">
    <Choice value="A"/><Choice value="B"/>
  </Choices>
  <TextArea name="note" toName="image"/>
</View>"""
NARROW = """<View>
  <Image name="image" value="$image"/>
  <RectangleLabels name="label" toName="image">
    <Label value="Car"/><Label value="Person"/>
  </RectangleLabels>
  <Choices name="scene" toName="image"><Choice value="Day"/><Choice value="Night"/></Choices>
</View>"""
CONFIGS = {"wide": LabelConfig.parse(WIDE), "narrow": LabelConfig.parse(NARROW)}


class Text(str):
    """A str subclass (a StrEnum member passes as one): JSON writes it as its string."""


class Size(enum.IntEnum):
    VGA = 640


_NUMBERS = st.sampled_from(
    [0, 0.0, -0.0, 1e-9, 0.5, 1, 1.0, 10, 42.5, 50, 99.9999999, 100, 100.0, 100.0000001, 101,
     -1e-9, -3, 1e308, 2**64, True, False, None, "5", math.nan, math.inf]
)  # fmt: skip
_SIZES = st.sampled_from([640, 480, 1, 0, -1, 640.0, 2**70, True, None, "640", Size.VGA])
_IDS = st.sampled_from(["r0", "r1", "a#1", "", 5, None, Text("r0"), "r0 "])
_SCORES = st.sampled_from([None, 0, 1, 0.5, 1.0, 1.5, -0.1, True, "0.5", math.nan])
_LABELS = st.sampled_from(
    ["Car", "Person", "Dog", "Eye", "Road", "Day", "Night", "A", "B", "car", "", 5, Text("Car")]
)
_KEYS = st.sampled_from(["meta", "readonly", "hidden", "origin", "parentID", "item_index",
                         "unknown", "original_length", "image_rotation"])  # fmt: skip
_KEY_VALUES = st.sampled_from([None, True, False, 0, "prediction", "x", {}, [], 1.5])
_CONTROLS = {
    "wide": [("box", "image", "rectanglelabels", ["Car", "Person"]),
             ("box2", "image2", "rectanglelabels", ["Dog"]),
             ("plain", "image2", "rectangle", []),
             ("kp", "image", "keypointlabels", ["Eye"]),
             ("poly", "image", "polygonlabels", ["Road", "Car"]),
             ("scene", "image", "choices", ["Day", "Night"]),
             ("tags", "image", "choices", ["A", "B"]),
             ("note", "image", "textarea", [])],
    "narrow": [("label", "image", "rectanglelabels", ["Car", "Person"]),
               ("scene", "image", "choices", ["Day", "Night"])],
}  # fmt: skip
_SIZE_OF = {"image": (640, 480), "image2": (300, 200)}


@st.composite
def clean_result(
    draw: Any, config: str, index: int, which: Any = None, textarea: bool = True
) -> dict[str, Any]:
    """A result the walk finds nothing in (``which``: of the result types it accepts)."""
    controls = [
        c
        for c in _CONTROLS[config]
        if (which is None or which({"type": c[2], "value": {}}))
        and (textarea or c[2] != "textarea")
    ]
    name, target, rtype, labels = draw(st.sampled_from(controls))
    r: dict[str, Any] = {"id": f"r{index}", "type": rtype, "from_name": name, "to_name": target}
    pct = st.floats(0, 60)
    value: dict[str, Any]
    if rtype in ("rectanglelabels", "rectangle"):
        value = {"x": draw(pct), "y": draw(pct), "width": draw(st.floats(1.5, 40)),
                 "height": draw(st.floats(1.5, 40))}  # fmt: skip
        if draw(st.booleans()):
            value["rotation"] = draw(st.sampled_from([0, 0.0, None]))
    elif rtype == "keypointlabels":
        value = {"x": draw(pct), "y": draw(pct), "width": draw(st.floats(0.1, 2))}
    elif rtype == "polygonlabels":
        value = {"points": draw(st.lists(st.lists(pct, min_size=2, max_size=2), min_size=3,
                                         max_size=5))}  # fmt: skip
        if draw(st.booleans()):
            value["closed"] = True
    elif rtype == "textarea":
        value = {"text": ["a note"]}
    else:
        value = {}
    if labels:
        key = "choices" if rtype == "choices" else rtype
        many = name == "tags" and draw(st.booleans())
        value[key] = labels if many else [draw(st.sampled_from(labels))]
    r["value"] = value
    if rtype not in ("choices", "textarea"):
        r["original_width"], r["original_height"] = _SIZE_OF[target]
        if draw(st.booleans()):
            r["image_rotation"] = 0
    if draw(st.booleans()):
        r["score"] = draw(st.floats(0, 1))
    return r


def _labels_key(r: dict[str, Any]) -> str | None:
    v = r.get("value")
    if v == {}:  # asked of a result type, before the result is made
        return r["type"] if r["type"] not in ("rectangle", "textarea") else None
    keys = ("choices", "rectanglelabels", "polygonlabels", "keypointlabels")
    return next((k for k in keys if isinstance(v, dict) and k in v), None)


def _is(*types: str) -> Any:
    return lambda r: r.get("type") in types and isinstance(r.get("value"), dict)


def _near_edge(draw: Any, r: dict[str, Any]) -> None:
    v = r["value"]
    axis, size = draw(st.sampled_from([("x", "width"), ("y", "height")]))
    v[axis] = 100 - v[size] + draw(st.sampled_from([0, 1e-12, 1e-9, 1e-6, -1e-9, 0.5]))


def _top_left(draw: Any, r: dict[str, Any]) -> None:
    v = r["value"]
    v.update(x=draw(st.floats(0, 0.5)), y=draw(st.floats(0, 0.5)))
    v.update(width=draw(st.sampled_from([0.5, 0.4, 0.6])), height=draw(st.sampled_from([0.5, 1])))


_IMAGE_TOOL = _is("rectanglelabels", "rectangle", "keypointlabels", "polygonlabels")
# (which results, the change): each touches what one check of the walk reads
_CHANGES: list[tuple[Any, Any]] = [
    (_is("rectanglelabels", "rectangle"), _near_edge),
    (_is("rectanglelabels", "rectangle"), _top_left),
    (_is("rectanglelabels", "rectangle"),
     lambda d, r: r["value"].__setitem__("rotation", d(st.sampled_from([1, 370, "0", -1, True])))),
    (_is("rectanglelabels", "rectangle", "keypointlabels"),
     lambda d, r: r["value"].__setitem__(d(st.sampled_from(["x", "y", "width", "height"])),
                                         d(_NUMBERS))),
    (_is("keypointlabels"), lambda d, r: r["value"].__setitem__("height", 1)),
    (_is("keypointlabels"), lambda d, r: r["value"].pop("width")),
    (_is("polygonlabels"),
     lambda d, r: r["value"].__setitem__("closed", d(st.sampled_from([False, "true", None, 1])))),
    (_is("polygonlabels"),
     lambda d, r: r["value"]["points"].__setitem__(
         0, d(st.sampled_from([(1, 2), [1, 2, 3], [1], {"x": 1, "y": 2}, 5, [101, 5]])))),
    (_is("polygonlabels"), lambda d, r: r["value"].__setitem__("points", r["value"]["points"][:2])),
    (_is("choices"), lambda d, r: r["value"].__setitem__("choices", ["Day", "Night"])),
    (_is("choices"), lambda d, r: r["value"].__setitem__("choices", [])),
    (_labels_key, lambda d, r: r["value"].__setitem__(
        _labels_key(r), [d(st.sampled_from(["Car", "Dog", "Eye", "Road", "A", "Day", "car"]))])),
    (_labels_key, lambda d, r: r["value"].__setitem__(
        _labels_key(r), d(st.one_of(st.lists(_LABELS, max_size=3), _LABELS)))),
    (_labels_key, lambda d, r: r["value"].__setitem__(_labels_key(r),
                                                      tuple(r["value"][_labels_key(r)]))),
    (bool, lambda d, r: r.__setitem__("id", d(_IDS))),  # r0/r1 may collide with another's
    (bool, lambda d, r: r.__setitem__("id", d(st.sampled_from(["r#1", "", "x#"])))),
    (bool, lambda d, r: r.__setitem__("score", d(_SCORES))),
    (bool, lambda d, r: r.pop(d(st.sampled_from(sorted(r))))),
    (bool, lambda d, r: r.__setitem__(d(_KEYS), d(_KEY_VALUES))),
    (bool, lambda d, r: r.__setitem__("type", d(st.sampled_from(
        ["rectanglelabels", "choices", "Choices", "labels", "polygonlabels"])))),
    (bool, lambda d, r: r.__setitem__("from_name", d(st.sampled_from(
        ["box", "box2", "label", "scene", "tags", "kp", "poly", "plain", "nope"])))),
    (bool, lambda d, r: r.__setitem__("to_name", d(st.sampled_from(["image", "image2", "no"])))),
    (bool, lambda d, r: r.__setitem__("value", d(st.sampled_from([None, [], "x"])))),
    (lambda r: isinstance(r.get("value"), dict),
     lambda d, r: r["value"].__setitem__(d(st.sampled_from(["extra", "labels", "text"])), 1)),
    (_IMAGE_TOOL, lambda d, r: r.__setitem__(
        d(st.sampled_from(["original_width", "original_height"])), d(_SIZES))),
    (_IMAGE_TOOL, lambda d, r: r.__setitem__("original_width", r["original_width"] + 1)),
]  # fmt: skip


def _mutate(draw: Any, one: dict[str, Any], config: str) -> None:
    """One change somewhere in a clean task: to a result made for it, or to the task."""
    preds = one.get("predictions") or []
    if preds and draw(st.integers(0, 5)):
        usable = [
            (which, change)
            for which, change in _CHANGES
            if any(which({"type": c[2], "value": {}}) for c in _CONTROLS[config])
        ]
        which, change = draw(st.sampled_from(usable))
        pred = draw(st.sampled_from(preds))
        r = draw(clean_result(config, 99, which if which is not bool else None, textarea=False))
        pred["result"].insert(draw(st.integers(0, len(pred["result"]))), r)
        change(draw, r)
        return
    kind = draw(st.integers(0, 5))
    if kind == 0:
        one["meta"] = draw(_KEY_VALUES)
    elif kind == 1:
        one[draw(st.sampled_from(["id", "extra", "annotations"]))] = draw(_KEY_VALUES)
    elif kind == 2:
        one["data"].pop(draw(st.sampled_from(["image", "image2"])))
    elif kind == 3 and preds:
        pred = draw(st.sampled_from(preds))
        key = draw(st.sampled_from(["model_version", "score", "results", "id"]))
        pred[key] = draw(st.one_of(_KEY_VALUES, _SCORES))
    elif kind == 4 and preds:
        draw(st.sampled_from(preds)).pop(draw(st.sampled_from(["model_version", "result"])))
    elif kind == 5 and preds:
        pred = draw(st.sampled_from(preds))
        pred["result"] = tuple(pred["result"])


@st.composite
def task(draw: Any, config: str) -> dict[str, Any]:
    """A clean task, or one changed in one place."""
    out: dict[str, Any] = {"data": {"image": "https://example.com/a.jpg", "image2": "s3://b/c.png"}}
    predictions = []
    for k in range(draw(st.integers(0, 2))):
        count = draw(st.integers(0, 4))
        textarea = draw(st.integers(0, 4)) == 0  # a result the certifier leaves to the walk
        results = [draw(clean_result(config, 10 * k + i, textarea=textarea)) for i in range(count)]
        predictions.append({"model_version": "m1", "result": results})
    if predictions or draw(st.booleans()):
        out["predictions"] = predictions
    if draw(st.integers(0, 3)):
        _mutate(draw, out, config)
    if draw(st.integers(0, 5)) == 0 and predictions:
        out["annotations"] = out.pop("predictions")
    return out


def _with_and_without(config: LabelConfig) -> tuple[Validator, Validator]:
    fast, walk = Validator(config), Validator(config)
    assert fast._certifier is not None
    walk._certifier = None
    return fast, walk


@pytest.mark.parametrize("name", sorted(CONFIGS))
@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_task_dicts_get_the_same_report(name: str, data: Any) -> None:
    tasks = data.draw(st.lists(task(name), min_size=1, max_size=3))
    fast, walk = _with_and_without(CONFIGS[name])
    for index, one in enumerate(tasks):
        assert fast.check_task(copy.deepcopy(one), index) == walk.check_task(one, index)
    assert fast.stats == walk.stats


@pytest.mark.parametrize("name", sorted(CONFIGS))
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_lines_get_the_same_report(tmp_path_factory: Any, name: str, data: Any) -> None:
    tasks = data.draw(st.lists(task(name), min_size=1, max_size=4))
    path = tmp_path_factory.mktemp("certify") / "tasks.jsonl"
    path.write_text("".join(json.dumps(one) + "\n" for one in tasks), encoding="utf-8")
    fast, walk = _with_and_without(CONFIGS[name])

    def report(validator: Validator, decoder: Any) -> list[Any]:
        out: list[Any] = []
        for where, one in read_tasks_located(path, on_error=out.append, line_decoder=decoder):
            out.append((where, validator.check_task(one, where.index)))
        return [str(x) if isinstance(x, Exception) else x for x in out]

    assert report(fast, fast.decode_line) == report(walk, None)
    assert fast.stats == walk.stats


def _line(**change: Any) -> dict[str, Any]:
    box = {"id": "r1", "type": "rectanglelabels", "from_name": "label", "to_name": "image",
           "original_width": 640, "original_height": 480, "image_rotation": 0,
           "value": {"x": 10.0, "y": 20.0, "width": 30.0, "height": 40.0, "rotation": 0,
                     "rectanglelabels": ["Car"]}, "score": 0.9}  # fmt: skip
    choice = {"id": "r2", "type": "choices", "from_name": "scene", "to_name": "image",
              "value": {"choices": ["Day"]}}  # fmt: skip
    pred = {"model_version": "m1", "score": 0.5, "result": [box, choice]}
    out = {"data": {"image": "https://example.com/a.jpg"}, "predictions": [pred]}
    out.update(change)
    return out


def test_clean_builder_output_is_certified() -> None:
    """The fast path must engage on the common case, or it silently costs twice."""
    validator = Validator(CONFIGS["narrow"])
    certified = validator.decode_line(json.dumps(_line()).encode())
    assert isinstance(certified, CertifiedTask)
    assert (certified.predictions, certified.results) == (1, 2)
    assert validator.check_task(certified, 0) == []
    stats = validator.stats
    assert (stats.tasks, stats.predictions, stats.results) == (1, 1, 2)
    prediction = _line()["predictions"][0]
    assert validator._certifier is not None
    from prelabel.validate._context import Sink, TaskCtx

    t = TaskCtx(Sink(validator.stats, False), 0, {})
    assert validator._certifier.prediction(prediction, t) == 2


@pytest.mark.parametrize(
    "task",
    [
        _line(annotations=[]),  # annotations go through the walk
        _line(data={"image": "https://example.com/a.jpg"}, extra=1),
        {**_line(), "predictions": [{"result": []}]},  # no model_version: a warning
    ],
)
def test_what_the_certifier_leaves_to_the_walk(task: dict[str, Any]) -> None:
    assert Validator(CONFIGS["narrow"]).decode_line(json.dumps(task).encode()) is None


def test_a_measured_image_sends_the_task_to_the_walk(tmp_path: Path) -> None:
    """A data: image is measured; a certified line's results are then compared with it."""
    from prelabel.media import data_url

    png = Path(__file__).parent / "data"
    image = next(iter(sorted(png.rglob("*.png"))), None)
    if image is None:
        pytest.skip("no PNG in tests/data")
    from prelabel.media import image_size

    width, height = image_size(image)
    line = _line(data={"image": data_url(image)})
    line["predictions"][0]["result"][0]["original_width"] = width + 1
    line["predictions"][0]["result"][0]["original_height"] = height
    validator = Validator(CONFIGS["narrow"])
    certified = validator.decode_line(json.dumps(line).encode())
    assert isinstance(certified, CertifiedTask)
    codes = [r.code for r in validator.check_task(certified, 0)]
    walk = Validator(CONFIGS["narrow"])
    walk._certifier = None
    assert codes == [r.code for r in walk.check_task(line, 0)]
    assert "media.size_mismatch" in codes


@pytest.mark.parametrize(
    "change",
    [
        lambda r: r.__setitem__("id", Text("r1")),
        lambda r: r.__setitem__("original_width", Size.VGA),
        lambda r: r.__setitem__("from_name", Text("label")),
        lambda r: r.__setitem__("to_name", Text("image")),
        lambda r: r["value"].__setitem__("rectanglelabels", [Text("Car")]),
        lambda r: r["value"].__setitem__("rectanglelabels", ("Car",)),
        lambda r: r.__setitem__("value", collections.OrderedDict(r["value"])),
    ],
    ids=["str id", "IntEnum size", "str from_name", "str to_name", "str label", "tuple", "odict"],
)
def test_values_json_writes_as_plain_ones_read_as_plain_ones(change: Any) -> None:
    """A str subclass (a StrEnum), an IntEnum, a tuple or an OrderedDict is written by JSON as
    the plain value: the walk reads it so (it once reported a str id as holding '#'), and so
    the certifier may certify it."""
    task = _line()
    change(task["predictions"][0]["result"][0])
    fast, walk = _with_and_without(CONFIGS["narrow"])
    assert walk.check_task(task, 0) == []
    assert fast.check_task(task, 0) == []


def _wide(*results: dict[str, Any]) -> dict[str, Any]:
    return {"data": {"image": "https://e.com/a.jpg", "image2": "https://e.com/b.jpg"},
            "predictions": [{"model_version": "m1", "result": list(results)}]}  # fmt: skip


def _box(rid: str = "r1", **value: Any) -> dict[str, Any]:
    return {"id": rid, "type": "rectanglelabels", "from_name": "box", "to_name": "image",
            "original_width": 640, "original_height": 480,
            "value": {"x": 10, "y": 10, "width": 20, "height": 20, "rectanglelabels": ["Car"],
                      **value}}  # fmt: skip


def _choice(name: str, *choices: str) -> dict[str, Any]:
    return {"id": "c1", "type": "choices", "from_name": name, "to_name": "image",
            "value": {"choices": list(choices)}}  # fmt: skip


def _poly(**value: Any) -> dict[str, Any]:
    return {"id": "p1", "type": "polygonlabels", "from_name": "poly", "to_name": "image",
            "original_width": 640, "original_height": 480,
            "value": {"points": [[1, 1], [5, 1], [5, 5]], "polygonlabels": ["Road"],
                      **value}}  # fmt: skip


def _point(**value: Any) -> dict[str, Any]:
    return {"id": "k1", "type": "keypointlabels", "from_name": "kp", "to_name": "image",
            "original_width": 640, "original_height": 480,
            "value": {"x": 5, "y": 5, "width": 1, "keypointlabels": ["Eye"], **value}}  # fmt: skip


# name: (task, what the walk does: True reports, False is silent, None is silent but the
# certifier leaves it to the walk all the same)
_EACH_CHECK: dict[str, tuple[dict[str, Any], bool | None]] = {
    "clean": (_wide(_box(), _choice("scene", "Day"), _poly(), _point()), False),
    "a label of another control of the type": (_wide(_box(rectanglelabels=["Dog"])), True),
    "a choice of another Choices": (_wide(_choice("scene", "A")), True),
    "a control on an object it does not label": (_wide({**_box(), "to_name": "image2"}), True),
    "two choices in a single-choice Choices": (_wide(_choice("scene", "Day", "Night")), True),
    "two labels on a box": (_wide(_box(rectanglelabels=["Car", "Person"])), True),
    "a box past the right edge": (_wide(_box(x=80.01, width=20)), True),
    "a box past the bottom edge": (_wide(_box(y=90, height=10.5)), True),
    "a box in the top-left 1%": (_wide(_box(x=0.1, y=0.1, width=0.5, height=0.5)), True),
    "a turned box": (_wide(_box(rotation=90)), True),
    "the same id twice": (_wide(_box("r1"), _box("r1", x=30)), True),
    "an id with #": (_wide(_box("r#1")), True),
    "two sizes for one image": (_wide(_box("r1"), {**_box("r2"), "original_width": 641}), True),
    "an open polygon": (_wide(_poly(closed=False)), True),
    "a polygon of two points": (_wide(_poly(points=[[1, 1], [5, 5]])), True),
    "a keypoint wider than the image": (_wide(_point(width=101)), None),
    "a keypoint with a height": (_wide(_point(height=1)), True),
}


@pytest.mark.parametrize("case", sorted(_EACH_CHECK))
def test_each_check_of_the_certifier_has_a_case_it_refuses(case: str) -> None:
    """Each check the Python loop or the typed structs make, on one task the walk reports
    (and one clean task it certifies): without the check, the certifier would hide the
    record."""
    one, reported = _EACH_CHECK[case]
    fast, walk = _with_and_without(CONFIGS["wide"])
    records = walk.check_task(copy.deepcopy(one), 0)
    assert bool(records) == bool(reported)
    certified = fast.decode_line(json.dumps(one).encode())
    assert (certified is None) == (reported is not False)  # None: left to the walk anyway
    assert fast.check_task(certified or one, 0) == records


def test_two_sizes_for_the_one_image_are_left_to_the_walk() -> None:
    """A config with one image keeps the first size in two locals, not a dict."""
    box = _line()["predictions"][0]["result"][0]
    one = _line()
    one["predictions"][0]["result"] = [box, {**box, "id": "r9", "original_height": 481}]
    fast, walk = _with_and_without(CONFIGS["narrow"])
    records = walk.check_task(copy.deepcopy(one), 0)
    assert [r.code for r in records] == ["result.image_size_inconsistent"]
    assert fast.decode_line(json.dumps(one).encode()) is None
    assert fast.check_task(one, 0) == records


def test_a_config_with_visibility_conditions_is_left_to_the_walk() -> None:
    """A condition reads other results of the prediction (is the parent choice selected?):
    the certifier does not know them and stands aside for the whole config."""
    config = LabelConfig.parse(
        '<View><Image name="image" value="$image"/>'
        '<Choices name="kind" toName="image"><Choice value="Car"/></Choices>'
        '<Choices name="make" toName="image" visibleWhen="choice-selected" whenTagName="kind"'
        ' whenChoiceValue="Car"><Choice value="VW"/></Choices></View>'
    )
    validator = Validator(config)
    assert validator._certifier is None
    task = {"data": {"image": "https://e.com/a.jpg"}, "predictions": [{"model_version": "m",
            "result": [{"id": "a", "type": "choices", "from_name": "make", "to_name": "image",
                        "value": {"choices": ["VW"]}}]}]}  # fmt: skip
    assert validator.decode_line(json.dumps(task).encode()) is None
    assert [r.code for r in validator.check_task(task, 0)] == ["condition.unmet"]


def test_an_object_the_types_cannot_read_goes_to_the_walk() -> None:
    """msgspec indexes a numpy array where a value object goes by key (IndexError, once a
    crash of the validator): the walk then says what is wrong."""
    import numpy as np

    task = _line()
    task["predictions"][0]["result"][1]["value"] = np.array([[1.5, 2.0]])
    fast, walk = _with_and_without(CONFIGS["narrow"])
    assert fast.check_task(task, 0) == walk.check_task(task, 0)


def test_the_certifier_mostly_stops_trying_where_little_certifies() -> None:
    """A failed try costs a typed read on top of the walk: in a stretch of lines that do not
    certify, only a sample is tried; once lines certify again, every line is."""
    validator = Validator(CONFIGS["narrow"])
    certifier = validator._certifier
    assert certifier is not None
    calls = 0
    decode = certifier._decode_task

    def counted(line: bytes) -> Any:
        nonlocal calls
        calls += 1
        return decode(line)

    certifier._decode_task = counted
    odd = _line()
    odd["predictions"][0]["result"][0]["meta"] = {"note": "a key the certifier leaves"}
    odd_line, clean_line = json.dumps(odd).encode(), json.dumps(_line()).encode()
    assert all(validator.decode_line(odd_line) is None for _ in range(2000))
    assert calls < 32 + 2000 // 16 + 40  # the first tries, then one line in 16
    got = [validator.decode_line(clean_line) for _ in range(3000)]
    assert all(isinstance(one, CertifiedTask) for one in got[-1000:])


def test_a_task_certified_by_another_validator_is_checked_against_this_config() -> None:
    """A CertifiedTask carries the config it was certified for; another validator walks it."""
    line = json.dumps(_line()).encode()
    certified = Validator(CONFIGS["narrow"]).decode_line(line)
    assert isinstance(certified, CertifiedTask)
    other = Validator(CONFIGS["wide"])  # no control named "label" there
    codes = [r.code for r in other.check_task(certified, 0)]
    assert "result.from_name_unknown" in codes
    assert codes == [r.code for r in Validator(CONFIGS["wide"]).check_task(_line(), 0)]
