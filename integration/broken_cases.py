"""Deliberately broken predictions (and their valid baselines) for the server comparison.

Each case is one task with one prediction holding the result(s) under test, imported alone
into a project with the case's config. ``valid=True`` marks a baseline: the server must store
it and prelabel must find no error in it, so that a mutation of it is refused for the broken
part only. The cases cover the reference tables (result-formats.md §1.4 and §6) and the
classic producer mistakes (pixels for percent, strings for lists, ...).
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np

from prelabel.rle import encode

IMAGE = """<View>
  <Image name="image" value="$image"/>
  <RectangleLabels name="box" toName="image">
    <Label value="Car"/><Label value="Bus"/>
  </RectangleLabels>
  <PolygonLabels name="poly" toName="image"><Label value="Roof"/></PolygonLabels>
  <EllipseLabels name="ell" toName="image"><Label value="Cell"/></EllipseLabels>
  <KeyPointLabels name="kp" toName="image"><Label value="Nose"/></KeyPointLabels>
  <BrushLabels name="brush" toName="image"><Label value="Road"/></BrushLabels>
  <Choices name="scene" toName="image"><Choice value="Indoor"/><Choice value="Outdoor"/></Choices>
  <TextArea name="caption" toName="image"/>
  <Number name="count" toName="image" min="0" max="10"/>
  <Rating name="quality" toName="image" maxRating="5"/>
  <Taxonomy name="topic" toName="image">
    <Choice value="Animal"><Choice value="Cat"/><Choice value="Dog"/></Choice>
    <Choice value="Plant"/>
  </Taxonomy>
  <DateTime name="when" toName="image" only="date"/>
</View>"""

TEXT = """<View>
  <Text name="text" value="$text"/>
  <Labels name="ner" toName="text"><Label value="PER"/><Label value="ORG"/></Labels>
  <Relations><Relation value="works_for"/></Relations>
  <Choices name="sentiment" toName="text">
    <Choice value="Positive"/><Choice value="Negative"/>
  </Choices>
</View>"""

TIMESERIES = """<View>
  <TimeSeries name="ts" value="$ts" valueType="json" timeColumn="time">
    <Channel column="speed"/>
  </TimeSeries>
  <TimeSeriesLabels name="activity" toName="ts">
    <Label value="Run"/><Label value="Walk"/>
  </TimeSeriesLabels>
</View>"""

VIDEO = """<View>
  <Video name="video" value="$video" frameRate="25"/>
  <VideoRectangle name="track" toName="video"/>
  <Labels name="vlabel" toName="video"><Label value="Car"/></Labels>
  <TimelineLabels name="actions" toName="video"><Label value="Walking"/></TimelineLabels>
</View>"""

AUDIO = """<View>
  <Audio name="audio" value="$audio"/>
  <Labels name="speaker" toName="audio"><Label value="A"/><Label value="B"/></Labels>
  <TextArea name="transcript" toName="audio" perRegion="true"/>
</View>"""

RANKER = """<View>
  <List name="results" value="$items" title="Results"/>
  <Ranker name="rank" toName="results"/>
</View>"""

PAIRWISE = """<View>
  <Text name="left" value="$left"/>
  <Text name="right" value="$right"/>
  <Pairwise name="pw" toName="left,right"/>
</View>"""

PARAGRAPHS = """<View>
  <Paragraphs name="dialogue" value="$dialogue" layout="dialogue"/>
  <ParagraphLabels name="intent" toName="dialogue"><Label value="Greeting"/></ParagraphLabels>
</View>"""

HYPERTEXT = """<View>
  <HyperText name="html" value="$html"/>
  <HyperTextLabels name="ner" toName="html"><Label value="Greeting"/></HyperTextLabels>
</View>"""

REPEATER = """<View>
  <Repeater on="$items" indexFlag="{{idx}}">
    <Image name="img_{{idx}}" value="$items[{{idx}}].url"/>
    <Choices name="c_{{idx}}" toName="img_{{idx}}"><Choice value="A"/><Choice value="B"/></Choices>
  </Repeater>
</View>"""

DYNAMIC = """<View>
  <Text name="text" value="$text"/>
  <Choices name="opts" toName="text" value="$options"/>
</View>"""

CONFIGS: dict[str, str] = {
    "image": IMAGE,
    "text": TEXT,
    "timeseries": TIMESERIES,
    "video": VIDEO,
    "audio": AUDIO,
    "ranker": RANKER,
    "pairwise": PAIRWISE,
    "paragraphs": PARAGRAPHS,
    "hypertext": HYPERTEXT,
    "repeater": REPEATER,
    "dynamic": DYNAMIC,
}

SENTENCE = "Mary works for Acme."
DATA: dict[str, dict[str, Any]] = {
    "image": {"image": "https://example.com/cat.jpg"},
    "text": {"text": SENTENCE},
    "timeseries": {"ts": {"time": list(range(10)), "speed": [float(i) for i in range(10)]}},
    "video": {"video": "https://example.com/clip.mp4"},
    "audio": {"audio": "https://example.com/talk.wav"},
    "ranker": {
        "items": [
            {"id": "a", "title": "A", "body": "first"},
            {"id": "b", "title": "B", "body": "second"},
        ]
    },
    "pairwise": {"left": "one answer", "right": "another answer"},
    "paragraphs": {"dialogue": [{"author": "Ann", "text": "Hello there."}]},
    "hypertext": {"html": "<p>Hello world</p>"},
    "repeater": {"items": [{"url": "https://example.com/1.jpg"}]},
    "dynamic": {"text": "pick one", "options": [{"value": "X"}, {"value": "Y"}]},
}

_W, _H = 8, 4  # the image size the image results declare (the brush RLE matches it)
_MASK = np.zeros((_H, _W), dtype=np.uint8)
_MASK[1:3, 2:6] = 255


def _img(from_name: str, kind: str, value: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": f"{from_name}1",
        "from_name": from_name,
        "to_name": "image",
        "type": kind,
        "original_width": _W,
        "original_height": _H,
        "image_rotation": 0,
        "value": value,
    }


def _cls(from_name: str, to_name: str, kind: str, value: dict[str, Any]) -> dict[str, Any]:
    return {"id": f"{from_name}1", "from_name": from_name, "to_name": to_name, "type": kind,
            "value": value}  # fmt: skip


RECT = _img("box", "rectanglelabels",
            {"x": 10.0, "y": 20.0, "width": 30.0, "height": 15.0, "rotation": 0,
             "rectanglelabels": ["Car"]})  # fmt: skip
POLY = _img("poly", "polygonlabels",
            {"points": [[10.0, 10.0], [30.0, 12.0], [22.0, 40.0]], "closed": True,
             "polygonlabels": ["Roof"]})  # fmt: skip
ELL = _img("ell", "ellipselabels",
           {"x": 50.0, "y": 40.0, "radiusX": 8.0, "radiusY": 5.0, "rotation": 0,
            "ellipselabels": ["Cell"]})  # fmt: skip
KP = _img("kp", "keypointlabels", {"x": 33.3, "y": 60.1, "width": 0.5, "keypointlabels": ["Nose"]})
BRUSH = _img("brush", "brushlabels",
             {"format": "rle", "rle": encode(_MASK), "brushlabels": ["Road"]})  # fmt: skip
SCENE = _cls("scene", "image", "choices", {"choices": ["Indoor"]})
CAPTION = _cls("caption", "image", "textarea", {"text": ["a cat on a mat"]})
COUNT = _cls("count", "image", "number", {"number": 7})
QUALITY = _cls("quality", "image", "rating", {"rating": 4})
TOPIC = _cls("topic", "image", "taxonomy", {"taxonomy": [["Animal", "Cat"]]})
WHEN = _cls("when", "image", "datetime", {"datetime": "2024-03-05"})
PER = _cls("ner", "text", "labels", {"start": 0, "end": 4, "text": "Mary", "labels": ["PER"]})
PER["id"] = "e1"
ORG = _cls("ner", "text", "labels", {"start": 15, "end": 19, "text": "Acme", "labels": ["ORG"]})
ORG["id"] = "e2"
RELATION = {"type": "relation", "from_id": "e1", "to_id": "e2", "direction": "right",
            "labels": ["works_for"]}  # fmt: skip
SENTIMENT = _cls("sentiment", "text", "choices", {"choices": ["Positive"]})
TS = _cls("activity", "ts", "timeserieslabels",
          {"start": 2, "end": 5, "instant": False, "timeserieslabels": ["Run"]})  # fmt: skip
TRACK = _cls("track", "video", "videorectangle", {
    "framesCount": 250, "duration": 10.0, "labels": ["Car"],
    "sequence": [
        {"frame": 1, "enabled": True, "time": 0.04, "x": 10.0, "y": 20.0, "width": 15.0,
         "height": 10.0, "rotation": 0},
        {"frame": 50, "enabled": False, "time": 2.0, "x": 30.0, "y": 22.0, "width": 15.0,
         "height": 10.0, "rotation": 0},
    ],
})  # fmt: skip
TIMELINE = _cls("actions", "video", "timelinelabels",
                {"ranges": [{"start": 25, "end": 75}], "timelinelabels": ["Walking"]})  # fmt: skip
SEGMENT = _cls("speaker", "audio", "labels",
               {"start": 1.25, "end": 3.8, "channel": 0, "labels": ["A"]})  # fmt: skip
TRANSCRIPT = _cls("transcript", "audio", "textarea",
                  {"start": 1.25, "end": 3.8, "channel": 0, "text": ["hello there"]})  # fmt: skip
TRANSCRIPT["id"] = SEGMENT["id"]
RANK = _cls("rank", "results", "ranker", {"ranker": {"rank": ["b", "a"]}})
PAIR = _cls("pw", "left", "pairwise", {"selected": "left"})
PARA = _cls("intent", "dialogue", "paragraphlabels",
            {"start": "0", "end": "0", "startOffset": 0, "endOffset": 5, "text": "Hello",
             "paragraphlabels": ["Greeting"]})  # fmt: skip
HTML = _cls("ner", "html", "hypertextlabels",
            {"start": "/p[1]/text()[1]", "startOffset": 0, "end": "/p[1]/text()[1]",
             "endOffset": 5, "globalOffsets": {"start": 0, "end": 5}, "text": "Hello",
             "hypertextlabels": ["Greeting"]})  # fmt: skip
DYN = _cls("opts", "text", "choices", {"choices": ["X"]})


@dataclasses.dataclass(frozen=True)
class Case:
    """One task to import alone into a project with ``CONFIGS[config]``."""

    id: str
    config: str
    task: dict[str, Any]
    what: str
    valid: bool = False


def _task(config: str, results: list[Any], **prediction: Any) -> dict[str, Any]:
    envelope: dict[str, Any] = {"model_version": "broken-cases", "score": 0.9}
    envelope.update(prediction)
    envelope["result"] = results
    return {"data": copy.deepcopy(DATA[config]), "predictions": [envelope]}


def _mutate(result: dict[str, Any], change: Callable[[dict[str, Any]], Any]) -> dict[str, Any]:
    out = copy.deepcopy(result)
    change(out)
    return out


def _v(**values: Any) -> Callable[[dict[str, Any]], None]:
    """A change that sets keys of ``value``."""
    return lambda r: r["value"].update(values)


def _drop(key: str, *, in_value: bool = True) -> Callable[[dict[str, Any]], None]:
    return lambda r: (r["value"] if in_value else r).pop(key)


def _valid(case_id: str, config: str, results: list[Any], what: str) -> Case:
    return Case(case_id, config, _task(config, results), what, valid=True)


def _bad(case_id: str, config: str, results: list[Any], what: str, **prediction: Any) -> Case:
    return Case(case_id, config, _task(config, results, **prediction), what)


def _bad_data(case_id: str, config: str, results: list[Any], what: str, **data: Any) -> Case:
    task = _task(config, results)
    for key, value in data.items():
        if value is _MISSING:
            task["data"].pop(key)
        else:
            task["data"][key] = value
    return Case(case_id, config, task, what)


_MISSING = object()

CASES: list[Case] = [
    # --- valid baselines (both must accept) ---------------------------------------------------
    _valid("valid-rectangle", "image", [RECT], "RectangleLabels box in percent"),
    _valid("valid-polygon", "image", [POLY], "PolygonLabels with 3 points"),
    _valid("valid-ellipse", "image", [ELL], "EllipseLabels"),
    _valid("valid-keypoint", "image", [KP], "KeyPointLabels with width"),
    _valid("valid-brush", "image", [BRUSH], "BrushLabels RLE of the declared size"),
    _valid("valid-choices", "image", [SCENE], "Choices"),
    _valid("valid-textarea", "image", [CAPTION], "TextArea"),
    _valid("valid-number", "image", [COUNT], "Number"),
    _valid("valid-rating", "image", [QUALITY], "Rating"),
    _valid("valid-taxonomy", "image", [TOPIC], "Taxonomy path"),
    _valid("valid-datetime", "image", [WHEN], "DateTime date"),
    _valid("valid-ner-relation", "text", [PER, ORG, RELATION], "two spans and a relation"),
    _valid("valid-text-choices", "text", [SENTIMENT], "Choices on Text"),
    _valid("valid-timeseries", "timeseries", [TS], "TimeSeriesLabels range"),
    _valid("valid-video-track", "video", [TRACK], "VideoRectangle track"),
    _valid("valid-timeline", "video", [TIMELINE], "TimelineLabels range"),
    _valid("valid-audio-segment", "audio", [SEGMENT, TRANSCRIPT], "segment + transcript"),
    _valid("valid-ranker", "ranker", [RANK], "Ranker order"),
    _valid("valid-pairwise", "pairwise", [PAIR], "Pairwise, to_name = first target"),
    _valid("valid-paragraphs", "paragraphs", [PARA], "ParagraphLabels"),
    _valid("valid-hypertext", "hypertext", [HTML], "HyperTextLabels"),
    _valid("valid-dynamic-choices", "dynamic", [DYN], "Choices from task data"),
    _valid("valid-empty-result", "image", [], "a prediction with no results"),
    # --- prediction envelope -------------------------------------------------------------------
    _bad("score-1.5", "image", [RECT], "prediction score 1.5", score=1.5),
    _bad("score-negative", "image", [RECT], "prediction score -0.1", score=-0.1),
    _bad("score-numeric-string", "image", [RECT], 'prediction score "0.5"', score="0.5"),
    _bad("score-word", "image", [RECT], 'prediction score "high"', score="high"),
    _bad("score-null", "image", [RECT], "prediction score null", score=None),
    _bad("model-version-number", "image", [RECT], "model_version 3", model_version=3),
    Case(
        "result-not-list",
        "image",
        {"data": dict(DATA["image"]), "predictions": [{"model_version": "m", "result": RECT}]},
        "result is one dict, not a list",
    ),
    _bad("result-item-not-object", "image", ["box"], "a result item that is a string"),
    Case(
        "prediction-without-result",
        "image",
        {"data": dict(DATA["image"]), "predictions": [{"model_version": "m", "score": 0.5}]},
        "a prediction with no result key",
    ),
    # --- task data -------------------------------------------------------------------------------
    _bad_data("data-key-missing", "image", [RECT], "no data.image", image=_MISSING),
    _bad_data("data-image-number", "image", [RECT], "data.image is a number", image=5),
    _bad_data("data-image-object", "image", [RECT], "data.image is an object", image={"u": 1}),
    _bad_data("data-text-object", "text", [SENTIMENT], "data.text is an object", text={"a": 1}),
    _bad_data("data-list-not-list", "ranker", [RANK], "data.items is a string", items="a,b"),
    # --- result envelope -------------------------------------------------------------------------
    _bad(
        "from-name-unknown",
        "image",
        [_mutate(RECT, lambda r: r.update(from_name="bbox"))],
        "from_name names no control",
    ),
    _bad(
        "to-name-unknown",
        "image",
        [_mutate(RECT, lambda r: r.update(to_name="img"))],
        "to_name names no object",
    ),
    _bad(
        "pairwise-to-name-self",
        "pairwise",
        [_mutate(PAIR, lambda r: r.update(to_name="pw"))],
        "Pairwise to_name = the Pairwise tag itself (what the editor writes)",
    ),
    _bad(
        "type-wrong",
        "image",
        [_mutate(RECT, lambda r: r.update(type="rectangle"))],
        "type rectangle for a RectangleLabels",
    ),
    _bad(
        "type-upper-case",
        "image",
        [_mutate(RECT, lambda r: r.update(type="RectangleLabels"))],
        "type in tag case",
    ),
    _bad("type-missing", "image", [_mutate(RECT, _drop("type", in_value=False))], "no type"),
    _bad("value-missing", "image", [_mutate(RECT, _drop("value", in_value=False))], "no value"),
    _bad(
        "from-name-missing",
        "image",
        [_mutate(RECT, _drop("from_name", in_value=False))],
        "no from_name",
    ),
    _bad(
        "value-not-object",
        "image",
        [_mutate(RECT, lambda r: r.update(value=[1, 2]))],
        "value is a list",
    ),
    _bad("id-with-hash", "image", [_mutate(RECT, lambda r: r.update(id="a#1"))], "id with #"),
    _bad("id-number", "image", [_mutate(RECT, lambda r: r.update(id=7))], "id is a number"),
    _bad(
        "duplicate-region-id", "image", [RECT, _mutate(RECT, _v(x=50.0))], "two boxes with one id"
    ),
    _bad(
        "origin-unknown",
        "image",
        [_mutate(RECT, lambda r: r.update(origin="model"))],
        'origin "model"',
    ),
    _bad(
        "result-score-1.5",
        "image",
        [_mutate(RECT, lambda r: r.update(score=1.5))],
        "result-level score 1.5",
    ),
    _bad(
        "image-size-missing",
        "image",
        [_mutate(RECT, lambda r: (r.pop("original_width"), r.pop("original_height")))],
        "no original_width/height",
    ),
    # --- rectangles and image geometry ------------------------------------------------------------
    _bad(
        "rect-pixels",
        "image",
        [_mutate(RECT, _v(x=640.0, y=320.0, width=200.0, height=120.0))],
        "pixel coordinates (> 100)",
    ),
    _bad("rect-x-101", "image", [_mutate(RECT, _v(x=101.0))], "x = 101"),
    _bad("rect-width-over-100", "image", [_mutate(RECT, _v(x=0.0, width=120.0))], "width 120"),
    _bad("rect-x-negative", "image", [_mutate(RECT, _v(x=-1.0))], "x = -1"),
    _bad("rect-overflow", "image", [_mutate(RECT, _v(x=90.0, width=20.0))], "x + width = 110"),
    _bad("rect-width-negative", "image", [_mutate(RECT, _v(width=-5.0))], "width -5"),
    _bad("rect-width-string", "image", [_mutate(RECT, _v(width="30"))], 'width "30"'),
    _bad("rect-height-missing", "image", [_mutate(RECT, _drop("height"))], "no height"),
    _bad("rect-rotation-400", "image", [_mutate(RECT, _v(rotation=400))], "rotation 400"),
    _bad(
        "rect-fractions",
        "image",
        [_mutate(RECT, _v(x=0.1, y=0.2, width=0.3, height=0.15))],
        "0-1 fractions instead of percent",
    ),
    _bad(
        "rect-label-unknown",
        "image",
        [_mutate(RECT, _v(rectanglelabels=["Truck"]))],
        "label not in the config",
    ),
    _bad(
        "rect-label-wrong-case",
        "image",
        [_mutate(RECT, _v(rectanglelabels=["car"]))],
        "label in the wrong case",
    ),
    _bad(
        "rect-labels-string",
        "image",
        [_mutate(RECT, _v(rectanglelabels="Car"))],
        "labels as a string",
    ),
    _bad(
        "rect-labels-key-wrong",
        "image",
        [_mutate(RECT, lambda r: r["value"].update(labels=r["value"].pop("rectanglelabels")))],
        "labels under value.labels",
    ),
    _bad("rect-labels-empty", "image", [_mutate(RECT, _v(rectanglelabels=[]))], "no label"),
    _bad("ellipse-radius-60", "image", [_mutate(ELL, _v(radiusX=60.0))], "radiusX 60"),
    _bad(
        "polygon-point-over-100",
        "image",
        [_mutate(POLY, _v(points=[[10.0, 10.0], [130.0, 12.0], [22.0, 40.0]]))],
        "a polygon point at x = 130",
    ),
    _bad(
        "polygon-two-points",
        "image",
        [_mutate(POLY, _v(points=[[10.0, 10.0], [30.0, 12.0]]))],
        "a polygon with 2 points",
    ),
    _bad(
        "polygon-points-flat",
        "image",
        [_mutate(POLY, _v(points=[10.0, 10.0, 30.0, 12.0]))],
        "points as a flat list",
    ),
    _bad("keypoint-x-150", "image", [_mutate(KP, _v(x=150.0))], "keypoint x = 150"),
    _bad("keypoint-without-width", "image", [_mutate(KP, _drop("width"))], "keypoint, no width"),
    _bad("brush-rle-string", "image", [_mutate(BRUSH, _v(rle="abc"))], "rle is a string"),
    _bad("brush-rle-empty", "image", [_mutate(BRUSH, _v(rle=[]))], "rle is empty"),
    _bad("brush-rle-over-255", "image", [_mutate(BRUSH, _v(rle=[0, 0, 300]))], "rle item 300"),
    _bad("brush-rle-junk", "image", [_mutate(BRUSH, _v(rle=[1, 2, 3, 4]))], "rle junk bytes"),
    _bad(
        "brush-rle-wrong-size",
        "image",
        [_mutate(BRUSH, lambda r: r.update(original_width=16))],
        "rle of 8x4 declared as 16x4",
    ),
    # --- classifications -----------------------------------------------------------------------
    _bad("choices-string", "image", [_mutate(SCENE, _v(choices="Indoor"))], "choices a string"),
    _bad("choices-unknown", "image", [_mutate(SCENE, _v(choices=["Garden"]))], "unknown choice"),
    _bad(
        "choices-two-in-single",
        "image",
        [_mutate(SCENE, _v(choices=["Indoor", "Outdoor"]))],
        "two choices, choice=single",
    ),
    _bad("choices-score-in-value", "image", [_mutate(SCENE, _v(score=0.7))], "score inside value"),
    _bad("textarea-string", "image", [_mutate(CAPTION, _v(text="a cat"))], "text a string"),
    _bad("textarea-numbers", "image", [_mutate(CAPTION, _v(text=[5]))], "text [5]"),
    _bad("number-string", "image", [_mutate(COUNT, _v(number="7"))], 'number "7"'),
    _bad("number-over-max", "image", [_mutate(COUNT, _v(number=11))], "number 11 > max 10"),
    _bad("rating-over-max", "image", [_mutate(QUALITY, _v(rating=6))], "rating 6 > maxRating"),
    _bad("rating-negative", "image", [_mutate(QUALITY, _v(rating=-1))], "rating -1"),
    _bad("rating-fraction", "image", [_mutate(QUALITY, _v(rating=2.5))], "rating 2.5"),
    _bad(
        "taxonomy-flat-list",
        "image",
        [_mutate(TOPIC, _v(taxonomy=["Animal", "Cat"]))],
        "taxonomy as a flat list",
    ),
    _bad(
        "taxonomy-unknown-path",
        "image",
        [_mutate(TOPIC, _v(taxonomy=[["Animal", "Cow"]]))],
        "a path not in the tree",
    ),
    _bad(
        "datetime-wrong-format",
        "image",
        [_mutate(WHEN, _v(datetime="05/03/2024"))],
        "date in another format",
    ),
    _bad(
        "dynamic-choice-not-in-data",
        "dynamic",
        [_mutate(DYN, _v(choices=["Z"]))],
        "a choice missing from task data options",
    ),
    # --- text spans and relations ----------------------------------------------------------------
    _bad("span-without-start", "text", [_mutate(PER, _drop("start"))], "no start"),
    _bad("span-out-of-range", "text", [_mutate(PER, _v(end=99, text=SENTENCE))], "end 99"),
    _bad("span-float-offsets", "text", [_mutate(PER, _v(start=0.5))], "start 0.5"),
    _bad("span-text-mismatch", "text", [_mutate(PER, _v(text="Acme"))], "text differs"),
    _bad("span-reversed", "text", [_mutate(PER, _v(start=4, end=0))], "start > end"),
    _bad("span-label-unknown", "text", [_mutate(PER, _v(labels=["LOC"]))], "label LOC"),
    _bad(
        "relation-without-direction",
        "text",
        [PER, ORG, {k: v for k, v in RELATION.items() if k != "direction"}],
        "relation without direction",
    ),
    _bad(
        "relation-direction-unknown",
        "text",
        [PER, ORG, RELATION | {"direction": "up"}],
        'relation direction "up"',
    ),
    _bad(
        "relation-to-missing-region",
        "text",
        [PER, ORG, RELATION | {"to_id": "e9"}],
        "relation to a region that does not exist",
    ),
    _bad(
        "relation-label-unknown",
        "text",
        [PER, ORG, RELATION | {"labels": ["likes"]}],
        "relation label not in <Relations>",
    ),
    # --- time series, video, audio -------------------------------------------------------------
    _bad("timeseries-without-instant", "timeseries", [_mutate(TS, _drop("instant"))], "no instant"),
    _bad(
        "timeseries-instant-string",
        "timeseries",
        [_mutate(TS, _v(instant="false"))],
        'instant "false"',
    ),
    _bad(
        "timeseries-label-unknown",
        "timeseries",
        [_mutate(TS, _v(timeserieslabels=["Fly"]))],
        "label Fly",
    ),
    _bad(
        "video-without-framescount",
        "video",
        [_mutate(TRACK, _drop("framesCount"))],
        "VideoRectangle without framesCount",
    ),
    _bad(
        "video-without-duration",
        "video",
        [_mutate(TRACK, _drop("duration"))],
        "VideoRectangle without duration",
    ),
    _bad(
        "video-sequence-x-150",
        "video",
        [_mutate(TRACK, lambda r: r["value"]["sequence"][0].update(x=150.0))],
        "a keyframe at x = 150",
    ),
    _bad("video-sequence-missing", "video", [_mutate(TRACK, _drop("sequence"))], "no sequence"),
    _bad(
        "video-frame-zero",
        "video",
        [_mutate(TRACK, lambda r: r["value"]["sequence"][0].update(frame=0))],
        "keyframe 0 (frames start at 1)",
    ),
    _bad("timeline-ranges-missing", "video", [_mutate(TIMELINE, _drop("ranges"))], "no ranges"),
    _bad(
        "timeline-frame-string",
        "video",
        [_mutate(TIMELINE, _v(ranges=[{"start": "25", "end": "75"}]))],
        "frames as strings",
    ),
    _bad(
        "audio-without-end",
        "audio",
        [_mutate(SEGMENT, _drop("end")), TRANSCRIPT],
        "segment without end",
    ),
    _bad(
        "audio-transcript-string",
        "audio",
        [SEGMENT, _mutate(TRANSCRIPT, _v(text="hello"))],
        "per-region text a string",
    ),
    # --- ranker, pairwise, paragraphs, hypertext, repeater --------------------------------------
    _bad("ranker-as-list", "ranker", [_mutate(RANK, _v(ranker=["b", "a"]))], "ranker a list"),
    _bad(
        "ranker-ids-string",
        "ranker",
        [_mutate(RANK, _v(ranker={"rank": "b,a"}))],
        "ranker ids as a string",
    ),
    _bad(
        "pairwise-selected-middle",
        "pairwise",
        [_mutate(PAIR, _v(selected="middle"))],
        'selected "middle"',
    ),
    _bad(
        "paragraph-indices-numbers",
        "paragraphs",
        [_mutate(PARA, _v(start=0, end=0))],
        "paragraph start/end as numbers",
    ),
    _bad(
        "paragraph-label-unknown",
        "paragraphs",
        [_mutate(PARA, _v(paragraphlabels=["Bye"]))],
        "label Bye",
    ),
    _bad(
        "hypertext-offsets-strings",
        "hypertext",
        [_mutate(HTML, _v(startOffset="0"))],
        "startOffset a string",
    ),
    _bad(
        "repeater-expanded-name",
        "repeater",
        [_cls("c_0", "img_0", "choices", {"choices": ["A"]})],
        "a result on a <Repeater>-expanded control",
    ),
]
