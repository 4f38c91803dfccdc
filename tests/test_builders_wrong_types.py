"""The text, audio/video, time-series and classification builders: every argument, given a
wrong type, gets a typed prelabel error naming it (never a raw TypeError/ValueError/
IndexError/OverflowError), as the image builders do (tests/test_builders_image.py)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from prelabel import LabelConfig
from prelabel.errors import PrelabelError

CONFIG = LabelConfig.parse(
    """<View>
  <Text name="text" value="$text"/>
  <Labels name="ner" toName="text"><Label value="PER"/><Label value="ORG"/></Labels>
  <Choices name="sentiment" toName="text" choice="multiple">
    <Choice value="Positive"/><Choice value="Negative"/></Choices>
  <TextArea name="summary" toName="text"/>
  <Number name="count" toName="text" min="0" max="100"/>
  <Rating name="stars" toName="text" maxRating="5"/>
  <DateTime name="when" toName="text" only="date"/>
  <Taxonomy name="topic" toName="text"><Choice value="Animal"><Choice value="Cat"/></Choice>
  </Taxonomy>
  <HyperText name="html" value="$html"/>
  <HyperTextLabels name="hl" toName="html"><Label value="Body"/></HyperTextLabels>
  <Paragraphs name="dialogue" value="$dialogue" layout="dialogue"/>
  <ParagraphLabels name="intent" toName="dialogue"><Label value="Sad"/></ParagraphLabels>
  <Audio name="audio" value="$audio"/>
  <Labels name="speaker" toName="audio"><Label value="A"/></Labels>
  <Video name="video" value="$video" framerate="25"/>
  <VideoRectangle name="box" toName="video"/>
  <TimelineLabels name="actions" toName="video"><Label value="Run"/></TimelineLabels>
  <TimeSeries name="ts" valueType="url" value="$csv" timeColumn="time">
    <Channel column="value"/></TimeSeries>
  <TimeSeriesLabels name="activity" toName="ts"><Label value="Run"/></TimeSeriesLabels>
</View>"""
)
DIALOGUE = [{"author": "a", "text": "I am sad"}, {"author": "b", "text": "why"}]
# One good call of each builder; each argument in turn gets each wrong value below.
GOOD_CALLS: dict[str, tuple[str, str, list[Any], dict[str, Any]]] = {
    "span": ("ner", "span", ["Mary works", 0, 4, "PER"], {"score": 0.5}),
    "spans": ("ner", "spans", ["Mary works", [[0, 4]]], {"labels": ["PER"], "scores": [0.5]}),
    "segment": ("speaker", "segment", [0.5, 1.5], {"label": "A", "score": 0.5}),
    "segments": ("speaker", "segments", [[0.5], [1.5]], {"labels": ["A"], "scores": [0.5]}),
    "choose": ("sentiment", "choose", [["Positive"]], {"score": 0.5}),
    "write": ("summary", "write", ["a summary"], {"score": 0.5}),
    "number": ("count", "set", [7], {"score": 0.5}),
    "rate": ("stars", "rate", [4], {"score": 0.5}),
    "datetime": ("when", "set", ["2024-03-05"], {"score": 0.5}),
    "taxonomy": ("topic", "choose", [[["Animal", "Cat"]]], {"score": 0.5}),
    "html span": ("hl", "span", ["<p>hello</p>", 0, 5, "Body"], {"score": 0.5}),
    "paragraph span": ("intent", "span", [DIALOGUE, 0, 5, 8, "Sad"], {"score": 0.5}),
    "frames": ("actions", "range_by_frames", [1, 10], {"label": "Run", "score": 0.5}),
    "seconds": ("actions", "range_by_seconds", [0.0, 1.0], {"label": "Run", "fps": 25.0}),
    "ts time": ("activity", "range_by_time", [1.0, 2.0], {"label": "Run", "score": 0.5}),
    "ts row": ("activity", "range_by_row", [0, 2], {"label": "Run", "time_values": [0, 1, 2]}),
    "track": (
        "box",
        "track",
        [],
        {
            "frame_no": [1, 2],
            "xyxy_px": [[1, 1, 9, 9], [2, 2, 9, 9]],
            "frame_wh": (64, 48),
            "frames_count": 100,
        },
    ),
}
WRONG_VALUES: dict[str, Any] = {
    "inf": float("inf"),
    "nan": float("nan"),
    "0-d array": np.array(3),
    "string": "3",
    "bytes": b"x",
    "complex": 1j,
    "None": None,
    "bool": True,
    "object": object(),
    "dict": {"a": 1},
    "huge int": 2**70,
    "negative": -5,
    "nested": [[["x"]]],
    "array 2-d": np.zeros((2, 2)),
    "lone surrogate": "\ud800",
}


@pytest.mark.parametrize("call", sorted(GOOD_CALLS))
def test_wrong_types_raise_typed_errors(call: str) -> None:
    name, method, args, kwargs = GOOD_CALLS[call]
    builder = getattr(CONFIG.control(name), method)
    builder(*args, **kwargs)
    raw: list[str] = []
    for position in range(len(args)):
        for what, wrong in WRONG_VALUES.items():
            changed = [*args[:position], wrong, *args[position + 1 :]]
            try:
                builder(*changed, **kwargs)
            except PrelabelError:
                continue
            except Exception as exc:
                raw.append(f"arg {position}={what}: {type(exc).__name__}: {exc}"[:200])
    for key in kwargs:
        for what, wrong in WRONG_VALUES.items():
            try:
                builder(*args, **{**kwargs, key: wrong})
            except PrelabelError:
                continue
            except Exception as exc:
                raw.append(f"{key}={what}: {type(exc).__name__}: {exc}"[:200])
    assert raw == [], f"{call}: " + "\n".join(raw)


def test_one_string_as_labels_labels_every_span_as_segments_read_it() -> None:
    ner = CONFIG.control("ner")
    regions = ner.spans("Mary met Ann", [[0, 4], [9, 12]], labels="PER")
    assert [r.result["value"]["labels"] for r in regions] == [["PER"], ["PER"]]
    segments = CONFIG.control("speaker").segments([0.0, 1.0], [0.5, 1.5], labels="A")
    assert [s.result["value"]["labels"] for s in segments] == [["A"], ["A"]]
