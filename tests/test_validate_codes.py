"""Every validation code: one minimal example that produces it, with the documented severity.

The examples start from one valid task for a config that uses every control kind (which must
validate clean) and change one thing each. ``docs/validation.md`` shows the same examples.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from prelabel import LabelConfig, rle
from prelabel.media import data_url
from prelabel.validate import CODES, check
from test_validate_media_size import png_bytes

XML = """<View>
  <Image name="image" value="$image"/>
  <Image name="pages" valueList="$pages"/>
  <RectangleLabels name="label" toName="image,pages">
    <Label value="Airplane"/><Label value="Car" alias="car"/>
  </RectangleLabels>
  <Rectangle name="rect" toName="image"/>
  <Labels name="imglab" toName="image"><Label value="Bus"/></Labels>
  <EllipseLabels name="ell" toName="image"><Label value="Cell"/></EllipseLabels>
  <PolygonLabels name="poly" toName="image"><Label value="Roof"/></PolygonLabels>
  <KeyPointLabels name="kp" toName="image"><Label value="Nose"/></KeyPointLabels>
  <BrushLabels name="mask" toName="image"><Label value="Road"/></BrushLabels>
  <BitmaskLabels name="bm" toName="image"><Label value="Person"/></BitmaskLabels>
  <VectorLabels name="vec" toName="image"><Label value="Lane"/></VectorLabels>
  <TextArea name="transcription" toName="image" perRegion="true" maxSubmissions="1"/>
  <TextArea name="plate" toName="image" perRegion="true" whenLabelValue="car"/>
  <Choices name="class" toName="image"><Choice value="Boeing"/><Choice value="Airbus"/></Choices>
  <Choices name="engine" toName="image" visibleWhen="choice-selected" whenTagName="class"
           whenChoiceValue="Boeing"><Choice value="Jet"/><Choice value="Prop"/></Choices>
  <Number name="count" toName="image" min="0" max="10"/>
  <Rating name="quality" toName="image" maxRating="3"/>
  <DateTime name="taken" toName="image" only="date" min="2020-01-01" max="2030-01-01"/>
  <Text name="text" value="$text"/>
  <Labels name="ner" toName="text"><Label value="PER"/><Label value="LOC"/></Labels>
  <Taxonomy name="topic" toName="text" leafsOnly="true" maxUsages="1">
    <Choice value="Online"><Choice value="Paywall"/></Choice><Choice value="Offline"/>
  </Taxonomy>
  <Relations><Relation value="works_for"/></Relations>
  <HyperText name="html" value="$html"/>
  <HyperTextLabels name="htl" toName="html"><Label value="Greeting"/></HyperTextLabels>
  <Paragraphs name="dialogue" value="$dialogue"/>
  <ParagraphLabels name="intent" toName="dialogue"><Label value="Question"/></ParagraphLabels>
  <TimeSeries name="ts" value="$ts" valueType="json" timeColumn="time" timeFormat="%Y-%m-%d">
    <Channel column="signal"/>
  </TimeSeries>
  <TimeSeriesLabels name="tsl" toName="ts"><Label value="Run"/></TimeSeriesLabels>
  <Video name="video" value="$video"/>
  <VideoRectangle name="track" toName="video"/>
  <Labels name="vlab" toName="video"><Label value="Car"/></Labels>
  <TimelineLabels name="tl" toName="video"><Label value="Walk"/></TimelineLabels>
  <Audio name="audio" value="$audio"/>
  <Text name="doc" value="$doc" valueType="url"/>
  <Labels name="alab" toName="audio"><Label value="Speech"/></Labels>
  <Text name="a" value="$a"/><Text name="b" value="$b"/>
  <Pairwise name="pw" toName="a,b"/>
  <List name="results" value="$items"/>
  <Ranker name="rank" toName="results"/>
</View>"""
CONFIG = LabelConfig.parse(XML)
MASK = np.zeros((4, 6), dtype=np.uint8)
MASK[1:3, 2:5] = 255
PNG_4X6 = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAYAAAAECAAAAAB+Gq7LAAAAC0lEQVR4nGNgQAUA"
    "ABAAAWfcoucAAAAASUVORK5CYII="
)
IMG = {"original_width": 6, "original_height": 4}


def res(rid: str | None, from_name: str, to_name: str, type_: str, value: dict[str, Any],
        **extra: Any) -> dict[str, Any]:  # fmt: skip
    out: dict[str, Any] = {} if rid is None else {"id": rid}
    out.update({"from_name": from_name, "to_name": to_name, "type": type_, **extra})
    out["value"] = value
    return out


BOX = {"x": 10, "y": 20, "width": 30, "height": 40, "rotation": 0}
VALID_RESULTS = [
    res("b1", "label", "image", "rectanglelabels", {**BOX, "rectanglelabels": ["car"]}, **IMG),
    res("b1", "transcription", "image", "textarea", {**BOX, "text": ["ABC 123"]}, **IMG),
    res("b1", "plate", "image", "textarea", {**BOX, "text": ["ABC"]}, **IMG),
    res("r1", "rect", "image", "rectangle", dict(BOX), **IMG),
    res("r1", "imglab", "image", "labels", {**BOX, "labels": ["Bus"]}, **IMG),
    res("e1", "ell", "image", "ellipselabels",
        {"x": 50, "y": 50, "radiusX": 10, "radiusY": 5, "ellipselabels": ["Cell"]}, **IMG),
    res("p1", "poly", "image", "polygonlabels",
        {"points": [[10, 10], [30, 10], [20, 30]], "polygonlabels": ["Roof"]}, **IMG),
    res("k1", "kp", "image", "keypointlabels",
        {"x": 40, "y": 40, "width": 0.5, "keypointlabels": ["Nose"]}, **IMG),
    res("m1", "mask", "image", "brushlabels",
        {"format": "rle", "rle": rle.encode(MASK), "brushlabels": ["Road"]}, **IMG),
    res("bm1", "bm", "image", "bitmasklabels",
        {"imageDataURL": PNG_4X6, "bitmasklabels": ["Person"]}, **IMG),
    res("v1", "vec", "image", "vectorlabels",
        {"vertices": [{"id": "a", "x": 10, "y": 10}, {"id": "b", "x": 40, "y": 12,
                                                     "prevPointId": "a"}],
         "closed": False, "vectorlabels": ["Lane"]}, **IMG),
    res("c1", "class", "image", "choices", {"choices": ["Boeing"]}),
    res("c2", "engine", "image", "choices", {"choices": ["Jet"]}),
    res("n1", "count", "image", "number", {"number": 7}),
    res("q1", "quality", "image", "rating", {"rating": 2}),
    res("d1", "taken", "image", "datetime", {"datetime": "2024-03-05"}),
    res("s1", "ner", "text", "labels", {"start": 0, "end": 4, "text": "John", "labels": ["PER"]}),
    res("s2", "ner", "text", "labels",
        {"start": 14, "end": 19, "text": "Paris", "labels": ["LOC"]}),
    {"type": "relation", "from_id": "s1", "to_id": "s2", "direction": "right",
     "labels": ["works_for"]},
    res("t1", "topic", "text", "taxonomy", {"taxonomy": [["Online", "Paywall"]]}),
    res("h1", "htl", "html", "hypertextlabels",
        {"start": "/p[1]/text()[1]", "end": "/p[1]/text()[1]", "startOffset": 0,
         "endOffset": 5, "text": "Hello", "hypertextlabels": ["Greeting"]}),
    res("g1", "intent", "dialogue", "paragraphlabels",
        {"start": "0", "end": "0", "startOffset": 0, "endOffset": 8, "text": "How are?",
         "paragraphlabels": ["Question"]}),
    res("ts1", "tsl", "ts", "timeserieslabels",
        {"start": "2024-01-01", "end": "2024-01-02", "instant": False,
         "timeserieslabels": ["Run"]}),
    res("tr1", "track", "video", "videorectangle",
        {"framesCount": 100, "duration": 4.0,
         "sequence": [{"frame": 1, "enabled": True, "time": 0.04, **BOX},
                      {"frame": 10, "enabled": False, "time": 0.4, **BOX}],
         "labels": ["Car"]}),
    res("tl1", "tl", "video", "timelinelabels",
        {"ranges": [{"start": 1, "end": 20}], "timelinelabels": ["Walk"]}),
    res("pw1", "pw", "a", "pairwise", {"selected": "left"}),
    res("rk1", "rank", "results", "ranker", {"ranker": {"rank": ["x", "y"]}}),
    res("pg1", "label", "pages", "rectanglelabels", {**BOX, "rectanglelabels": ["Airplane"]},
        item_index=1, **IMG),
]  # fmt: skip
VALID_TASK: dict[str, Any] = {
    "data": {
        "image": "https://example.com/1.jpg",
        "pages": ["https://example.com/p1.jpg", "https://example.com/p2.jpg"],
        "text": "John lives in Paris.",
        "html": "<p>Hello world</p>",
        "dialogue": [{"author": "A", "text": "How are?"}, {"author": "B", "text": "Fine."}],
        "ts": {"time": ["2024-01-01", "2024-01-02", "2024-01-03"], "signal": [1, 2, 3]},
        "video": "https://example.com/v.mp4",
        "audio": "https://example.com/a.wav",
        "doc": "https://example.com/doc.txt",
        "a": "left text",
        "b": "right text",
        "items": [{"id": "x", "title": "X"}, {"id": "y", "title": "Y"}],
    },
    "predictions": [{"model_version": "v1", "score": 0.9, "result": VALID_RESULTS}],
}

Edit = Callable[[dict[str, Any]], Any]
# The valid task's images are 6x4 px (so its masks stay tiny): a box in pixels of such an image
# never goes above 100; the pixel example gives its result a 600x400 image instead.


def task_with(edit: Edit) -> list[Any]:
    """The valid task, changed by ``edit`` (which may return a replacement task list)."""
    task = copy.deepcopy(VALID_TASK)
    out = edit(task)
    return out if isinstance(out, list) else [task]


def result(task: dict[str, Any], rid: str, from_name: str | None = None) -> dict[str, Any]:
    for r in task["predictions"][0]["result"]:
        if r.get("id") == rid and (from_name is None or r["from_name"] == from_name):
            return r  # type: ignore[no-any-return]
    raise KeyError(rid)


def value(task: dict[str, Any], rid: str, from_name: str | None = None) -> dict[str, Any]:
    return result(task, rid, from_name)["value"]  # type: ignore[no-any-return]


def pred(task: dict[str, Any]) -> dict[str, Any]:
    return task["predictions"][0]  # type: ignore[no-any-return]


def results(task: dict[str, Any]) -> list[Any]:
    return pred(task)["result"]  # type: ignore[no-any-return]


def drop(d: dict[str, Any], key: str) -> None:
    del d[key]


def setv(d: dict[str, Any], **kw: Any) -> None:
    d.update(kw)


def _pixels(t: dict[str, Any]) -> None:
    r = result(t, "r1", "rect")
    r.update(original_width=600, original_height=400)
    r["value"].update(x=300, y=200, width=120, height=80)


def _transposed(t: dict[str, Any]) -> None:
    # A 6x4 mask is too small to look striped; a 70x40 image's blob, transposed, does.
    yy, xx = np.mgrid[:40, :70]
    blob = ((((yy - 20) / 13) ** 2 + ((xx - 23) / 17) ** 2 < 1) * 255).astype(np.uint8)
    setv(result(t, "m1"), original_width=70, original_height=40)
    setv(value(t, "m1"), rle=rle.encode(np.ascontiguousarray(blob.T)))


EXAMPLES: dict[str, Edit] = {
    "tasks.not_list": lambda t: t,
    "task.not_object": lambda t: ["image.jpg"],
    "task.data_missing": lambda t: [{"predictions": t["predictions"]}],
    "task.data_flat": lambda t: [t["data"]],
    "task.data_not_object": lambda t: setv(t, data=["image.jpg"]),
    "task.data_key_missing": lambda t: drop(t["data"], "image"),
    "task.data_type": lambda t: setv(t["data"], image=5),
    "task.data_shape": lambda t: setv(t["data"], dialogue=[{"author": "A", "txt": "Hi"}]),
    "task.key_unknown": lambda t: setv(t, prediction=[]),
    "media.local_path": lambda t: setv(t["data"], image="/home/me/photos/1.jpg"),
    "media.file_url": lambda t: setv(t["data"], image="file:///home/me/photos/1.jpg"),
    "media.empty": lambda t: setv(t["data"], image=""),
    "media.scheme_unknown": lambda t: setv(t["data"], image="ftp://example.com/1.jpg"),
    "media.local_files_no_path": lambda t: setv(t["data"], image="/data/local-files/"),
    "media.audio_base64": lambda t: setv(t["data"], audio="data:audio/wav;base64,UklGRg=="),
    "media.data_uri_invalid": lambda t: setv(t["data"], image="data:image/png;base64"),
    "media.data_uri_refused": lambda t: setv(t["data"], doc="data:text/plain,Hello"),
    "media.data_uri_type": lambda t: setv(t["data"], image="data:audio/wav,RIFF"),
    "media.data_uri_large": lambda t: setv(
        t["data"], image="data:image/png;base64," + "A" * 1_000_000
    ),
    "media.local_files": lambda t: setv(t["data"], image="/data/local-files/?d=photos/1.jpg"),
    "media.cloud_storage": lambda t: setv(t["data"], image="s3://bucket/photos/1.jpg"),
    # needs the server's document root: see tests/test_validate_media_size.py
    "media.file_missing": lambda t: None,
    # the results say 6x4 (IMG); the image in the task is 4x6
    "media.size_mismatch": lambda t: setv(
        t["data"], image=data_url(png_bytes(4, 6), mime="image/png")
    ),
    "task.list_not_list": lambda t: setv(t, predictions=pred(t)),
    "task.meta_type": lambda t: setv(t, meta="from camera 3"),
    "prediction.not_object": lambda t: setv(t, predictions=[results(t)]),
    "prediction.result_missing": lambda t: setv(t, predictions=[{"results": []}]),
    "prediction.result_not_list": lambda t: setv(pred(t), result=results(t)[0]),
    "prediction.score_type": lambda t: setv(pred(t), score="high"),
    "prediction.score_string": lambda t: setv(pred(t), score="0.9"),
    "prediction.score_range": lambda t: setv(pred(t), score=87),
    "prediction.model_version_type": lambda t: setv(pred(t), model_version=["v1"]),
    "prediction.model_version_number": lambda t: setv(pred(t), model_version=3),
    "prediction.model_version_missing": lambda t: drop(pred(t), "model_version"),
    "prediction.key_unknown": lambda t: setv(pred(t), confidence=0.9),
    "result.not_object": lambda t: results(t).append("b1"),
    "result.key_missing": lambda t: drop(result(t, "c1"), "type"),
    "result.key_type": lambda t: setv(result(t, "c1"), readonly="yes"),
    "result.key_unknown": lambda t: setv(result(t, "c1"), confidence=0.4),
    "result.from_name_unknown": lambda t: setv(result(t, "c1"), from_name="classs"),
    "result.to_name_unknown": lambda t: setv(result(t, "c1"), to_name="img"),
    "result.to_name_mismatch": lambda t: setv(result(t, "c1"), to_name="text"),
    "result.type_mismatch": lambda t: setv(result(t, "c1"), type="Choices"),
    "result.type_merged": lambda t: setv(result(t, "r1", "imglab"), type="rectanglelabels"),
    "result.repeater_name": lambda t: None,  # needs a <Repeater> config: see test below
    "result.control_unusable": lambda t: None,  # needs a broken config: see test below
    "result.id_type": lambda t: setv(result(t, "c1"), id=7),
    "result.id_format": lambda t: setv(result(t, "c1"), id="c#1"),
    "result.score_type": lambda t: setv(result(t, "c1"), score="0.9"),
    "result.score_range": lambda t: setv(result(t, "c1"), score=90),
    "result.origin_invalid": lambda t: setv(result(t, "c1"), origin="model"),
    "result.image_size_missing": lambda t: drop(result(t, "e1"), "original_width"),
    "result.image_size_invalid": lambda t: setv(result(t, "e1"), original_width="6"),
    "result.image_size_inconsistent": lambda t: setv(result(t, "e1"), original_width=12),
    "result.item_index_missing": lambda t: drop(result(t, "pg1"), "item_index"),
    "result.item_index_range": lambda t: setv(result(t, "pg1"), item_index=2),
    "value.not_object": lambda t: setv(result(t, "c1"), value=["Boeing"]),
    "value.key_missing": lambda t: drop(value(t, "k1"), "keypointlabels"),
    "value.type": lambda t: setv(value(t, "e1"), x="50"),
    "value.not_json": lambda t: setv(value(t, "e1"), x=np.int64(50)),
    "value.extra_key": lambda t: setv(value(t, "c1"), score=0.7),
    "number.not_finite": lambda t: setv(value(t, "e1"), x=float("nan")),
    "label.not_list": lambda t: setv(value(t, "e1"), ellipselabels="Cell"),
    "label.not_string": lambda t: setv(value(t, "e1"), ellipselabels=[1]),
    "label.unknown": lambda t: setv(value(t, "e1"), ellipselabels=["cell"]),
    "label.empty": lambda t: setv(value(t, "e1"), ellipselabels=[]),
    "choice.too_many": lambda t: setv(value(t, "c1"), choices=["Boeing", "Airbus"]),
    "geometry.out_of_range": lambda t: setv(value(t, "e1"), x=120, y=50),
    "geometry.negative": lambda t: setv(value(t, "r1", "rect"), height=-40),
    "geometry.overflow": lambda t: setv(value(t, "r1", "rect"), x=80),
    "geometry.partly_outside": lambda t: setv(value(t, "e1"), x=5),
    "geometry.empty": lambda t: setv(value(t, "r1", "rect"), width=0),
    "geometry.pixels_suspected": lambda t: _pixels(t),
    "geometry.fraction_suspected": lambda t: setv(
        value(t, "r1", "rect"), x=0.1, y=0.2, width=0.3, height=0.4
    ),
    "polygon.too_few_points": lambda t: setv(value(t, "p1"), points=[[10, 10], [30, 10]]),
    "polygon.open": lambda t: setv(value(t, "p1"), closed=False),
    "keypoint.width_missing": lambda t: drop(value(t, "k1"), "width"),
    "keypoint.height_present": lambda t: setv(value(t, "k1"), height=0.5),
    "vector.vertex_invalid": lambda t: setv(value(t, "v1")["vertices"][1], prevPointId="z"),
    "video.frame_range": lambda t: setv(value(t, "tr1")["sequence"][1], frame=200),
    "video.sequence_order": lambda t: value(t, "tr1")["sequence"].reverse(),
    "rle.invalid": lambda t: setv(value(t, "m1"), rle="eNpjYGBgAAAABAAB"),
    "rle.size_mismatch": lambda t: setv(value(t, "m1"), rle=rle.encode(MASK[:3])),
    "rle.invisible": lambda t: setv(value(t, "m1"), rle=rle.encode(MASK // 255, values="alpha")),
    "rle.empty": lambda t: setv(value(t, "m1"), rle=rle.encode(MASK * 0, values="alpha")),
    "rle.format": lambda t: setv(value(t, "m1"), format="png"),
    "rle.transposed": _transposed,
    "bitmask.not_data_url": lambda t: setv(value(t, "bm1"), imageDataURL="https://x/m.png"),
    "bitmask.size_mismatch": lambda t: setv(result(t, "bm1"), original_width=8),
    "span.out_of_range": lambda t: setv(value(t, "s2"), end=25, text=None),
    "span.order": lambda t: setv(value(t, "s2"), start=19, end=14),
    "span.text_mismatch": lambda t: setv(value(t, "s2"), text="Pari"),
    "paragraph.index_type": lambda t: setv(value(t, "g1"), start=0, end=0),
    "hypertext.xpath": lambda t: setv(value(t, "h1"), start="p[1]/text()[1]"),
    "hypertext.xpath_unknown": lambda t: setv(value(t, "h1"), start="/html/body/p[1]/text()[1]"),
    "hypertext.xpath_fallback": lambda t: setv(
        value(t, "h1"), start="/body/p/text()", globalOffsets={"start": 0, "end": 5}
    ),
    "hypertext.offset_out_of_range": lambda t: setv(value(t, "h1"), endOffset=15),
    "hypertext.global_offsets_mismatch": lambda t: setv(
        value(t, "h1"), globalOffsets={"start": 6, "end": 11}
    ),
    "hypertext.text_mismatch": lambda t: setv(value(t, "h1"), text="Hell"),
    "timeseries.instant": lambda t: setv(value(t, "ts1"), instant=True),
    "timeseries.time_format": lambda t: setv(value(t, "ts1"), start="01/01/2024"),
    "number.range": lambda t: setv(value(t, "n1"), number=11),
    "rating.range": lambda t: setv(value(t, "q1"), rating=5),
    "rating.zero": lambda t: setv(value(t, "q1"), rating=0),
    "datetime.format": lambda t: setv(value(t, "d1"), datetime="05/03/2024"),
    "datetime.range": lambda t: setv(value(t, "d1"), datetime="2019-12-31"),
    "taxonomy.path_unknown": lambda t: setv(value(t, "t1"), taxonomy=[["Paywall"]]),
    "taxonomy.not_leaf": lambda t: setv(value(t, "t1"), taxonomy=[["Online"]]),
    "pairwise.selected": lambda t: setv(value(t, "pw1"), selected="a"),
    "ranker.bucket_unknown": lambda t: setv(value(t, "rk1"), ranker={"ranking": ["x", "y"]}),
    "ranker.item_unknown": lambda t: setv(value(t, "rk1"), ranker={"rank": ["x", "z"]}),
    "textarea.too_many": lambda t: setv(value(t, "b1", "transcription"), text=["A", "B"]),
    "region.duplicate_id": lambda t: setv(result(t, "p1"), id="e1"),
    "region.mixed_objects": lambda t: setv(result(t, "s1"), id="c1"),
    "per_region.orphan": lambda t: setv(result(t, "b1", "transcription"), id="zz"),
    "per_region.before_region": lambda t: results(t).insert(
        0, res("k1", "transcription", "image", "textarea", {"text": ["x"]})
    ),
    "per_region.geometry_mismatch": lambda t: setv(value(t, "b1", "transcription"), x=11),
    "per_region.not_per_region": lambda t: setv(result(t, "n1"), id="e1"),
    "relation.key_missing": lambda t: drop(results(t)[18], "direction"),
    "relation.unknown_id": lambda t: setv(results(t)[18], to_id="s3"),
    "relation.direction": lambda t: setv(results(t)[18], direction="forward"),
    "relation.label_unknown": lambda t: setv(results(t)[18], labels=["lives_in"]),
    "relation.self": lambda t: setv(results(t)[18], to_id="s1"),
    "condition.unmet": lambda t: setv(value(t, "c1"), choices=["Airbus"]),
}


def test_the_valid_task_validates_clean() -> None:
    assert check([VALID_TASK], CONFIG) == []


def test_every_code_has_an_example() -> None:
    assert sorted(EXAMPLES) == sorted(CODES)


_OWN_CONFIG = ("result.repeater_name", "result.control_unusable", "media.file_missing")


@pytest.mark.parametrize("code", sorted(c for c in EXAMPLES if c not in _OWN_CONFIG))
def test_example_produces_its_code(code: str) -> None:
    tasks: Any = task_with(EXAMPLES[code])
    if code == "tasks.not_list":
        tasks = tasks[0]
    records = check(tasks, CONFIG)
    found = [r for r in records if r.code == code]
    assert found, [str(r) for r in records]
    assert {r.severity for r in found} == {CODES[code][0]}
    # strict mode reports the same record as an error
    strict = [r for r in check(tasks, CONFIG, strict=True) if r.code == code]
    assert [r.severity for r in strict] == ["error"] * len(found)


def test_repeater_name() -> None:
    config = LabelConfig.parse(
        '<View><Repeater on="$items" indexFlag="{{idx}}">'
        '<Image name="img_{{idx}}" value="$items[{{idx}}].url"/>'
        '<Choices name="c_{{idx}}" toName="img_{{idx}}"><Choice value="A"/></Choices>'
        "</Repeater></View>"
    )
    task = {
        "data": {"items": [{"url": "a.jpg"}]},
        "predictions": [
            {
                "model_version": "v",
                "result": [res("x", "c_0", "img_0", "choices", {"choices": ["A"]})],
            }
        ],
    }
    [record] = check([task], config)
    assert (record.code, record.severity) == ("result.repeater_name", "error")


def test_control_unusable() -> None:
    config = LabelConfig.parse(
        '<View><Image name="image" value="$image"/><Rating name="quality" maxRating="zero" '
        'toName="image"/></View>'
    )
    task = {"data": {"image": "https://example.com/1.jpg"}, "predictions": [{
        "model_version": "v1", "result": [res("q1", "quality", "image", "rating", {"rating": 2})]
    }]}  # fmt: skip
    [record] = check([task], config)
    assert (record.code, record.severity) == ("result.control_unusable", "error")


DOCS = Path(__file__).resolve().parent.parent / "docs" / "validation.md"


def test_docs_describe_every_code_with_its_severity() -> None:
    text = DOCS.read_text(encoding="utf-8")
    headings = dict(re.findall(r"^### `([a-z0-9_.]+)` \((error|warning)\)$", text, re.M))
    assert sorted(headings) == sorted(CODES)
    assert headings == {code: sev for code, (sev, _summary) in CODES.items()}
