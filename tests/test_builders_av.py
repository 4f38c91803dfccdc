"""prelabel.builders.av: audio segments, video tracks, timelines and time-series ranges."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import re
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import template
from prelabel import LabelConfig, Prediction, reproducible_ids
from prelabel.errors import BuildError, LabelError
from prelabel.results import Region
from prelabel.timeunits import D3TimeFormat
from strategies_av import smooth_boxes_pct, track_frames

SETTINGS = settings(max_examples=60, deadline=None)

SPEAKERS = template("audio-speech-processing__speaker-segmentation")
TRACKING = template("videos__video-object-tracking")  # frameRate 25, Labels "videoLabels"
TIMELINE = template("videos__video-frame-classification")  # default 24 fps
ACTIVITY = template("time-series-analysis__activity-recognition")  # %Y-%m-%d %H:%M:%S.%f
SIGNAL = template("time-series-analysis__signal-quality")  # timeColumn without timeFormat
SPLIT = (
    '<View><Audio name="audio" value="$audio" splitchannels="true"/>'
    '<Labels name="event" toName="audio"><Label value="Dog"/><Label value="Car"/></Labels></View>'
)
GUIDE_TS = (
    '<View><TimeSeries name="ts" value="$csv" valueType="url">'
    '<Channel column="first_column"/></TimeSeries>'
    '<TimeSeriesLabels name="label" toName="ts"><Label value="Spike"/></TimeSeriesLabels></View>'
)
FPS_FROM_DATA = (
    '<View><Video name="video" value="$video" frameRate="$fps"/>'
    '<Labels name="lab" toName="video"><Label value="Car"/></Labels>'
    '<VideoRectangle name="box" toName="video"/></View>'
)
TEXT_AND_AUDIO = (
    '<View><Text name="text" value="$text"/><Audio name="audio" value="$audio"/>'
    '<Labels name="label" toName="text"><Label value="A"/></Labels>'
    '<Labels name="both" toName="text,audio"><Label value="A"/></Labels></View>'
)


def _prediction(*items: Any) -> dict[str, Any]:
    return Prediction(list(items), model_version="test").to_dict()


def _json_round_trip(value: Any) -> None:
    results = [r for item in value for r in item] if isinstance(value, list) else list(value)
    assert json.loads(json.dumps(results, allow_nan=False)) == results


def _raises(message: str, error: type[Exception] = BuildError) -> Any:
    return pytest.raises(error, match=re.escape(message))


# --- audio ---------------------------------------------------------------------------------


def test_segment_value_and_sdk(sdk_validate: Any) -> None:
    control = LabelConfig.parse(SPEAKERS).control("label")
    region = control.segment(
        1.25, 3.8, label="Speaker one", original_length_s=42.5, id="seg1", score=0.9
    )
    assert region.result == {
        "id": "seg1",
        "type": "labels",
        "from_name": "label",
        "to_name": "audio",
        "original_length": 42.5,
        "value": {"start": 1.25, "end": 3.8, "channel": 0, "labels": ["Speaker one"]},
        "score": 0.9,
    }
    assert region.geometry == {"start": 1.25, "end": 3.8, "channel": 0}
    _json_round_trip(region)
    assert sdk_validate(SPEAKERS, _prediction(region)) == []


def test_segment_from_samples_is_half_open() -> None:
    control = LabelConfig.parse(SPEAKERS).control("label")
    region = control.segment_from_samples(
        np.int64(16_000), np.int64(40_000), sample_rate_hz=16_000, label="Speaker two"
    )
    assert region.geometry == {"start": 1.0, "end": 2.5, "channel": 0}
    assert type(region.geometry["start"]) is float
    _json_round_trip(region)


def test_segments_batch_from_diarization(sdk_validate: Any) -> None:
    control = LabelConfig.parse(SPLIT).control("event")
    regions = control.segments(
        np.array([0.0, 2.5, 4.0]),
        np.array([1.5, 3.0, 9.25]),
        labels=["Dog", "Car", "Dog"],
        channels=np.array([0, 1, 1]),
        scores=np.array([0.5, 0.75, 1.0]),
        original_length_s=10,
    )
    assert [r.result["value"] for r in regions] == [
        {"start": 0.0, "end": 1.5, "channel": 0, "labels": ["Dog"]},
        {"start": 2.5, "end": 3.0, "channel": 1, "labels": ["Car"]},
        {"start": 4.0, "end": 9.25, "channel": 1, "labels": ["Dog"]},
    ]
    assert [r.result["score"] for r in regions] == [0.5, 0.75, 1.0]
    assert len({r.id for r in regions}) == 3
    _json_round_trip(regions)
    assert sdk_validate(SPLIT, _prediction(regions)) == []


def test_segments_from_samples_and_single_label() -> None:
    control = LabelConfig.parse(SPEAKERS).control("label")
    regions = control.segments_from_samples(
        [0, 8000], [8000, 12000], sample_rate_hz=8000, labels="Speaker one"
    )
    assert [r.geometry for r in regions] == [
        {"start": 0.0, "end": 1.0, "channel": 0},
        {"start": 1.0, "end": 1.5, "channel": 0},
    ]


def test_segment_picks_the_audio_target() -> None:
    control = LabelConfig.parse(TEXT_AND_AUDIO).control("both")
    assert control.segment(0, 1, label="A").to_name == "audio"


@pytest.mark.parametrize(
    ("call", "message", "error"),
    [
        pytest.param(
            lambda c: c.control("label").segment(2.0, 1.5, label="Speaker one"),
            "end_s (1.5) must be after start_s (2.0)",
            BuildError,
            id="end-before-start",
        ),
        pytest.param(
            lambda c: c.control("label").segment(-0.5, 1.0, label="Speaker one"),
            "start_s must be >= 0, got -0.5",
            BuildError,
            id="negative-start",
        ),
        pytest.param(
            lambda c: c.control("label").segment(0, float("inf"), label="Speaker one"),
            "end_s must be finite, got inf",
            BuildError,
            id="infinite",
        ),
        pytest.param(
            lambda c: c.control("label").segment(1, 2, label="Speaker three"),
            "'Speaker three' is not a label of <Labels name='label'>; did you mean "
            "'Speaker two' or 'Speaker one'? (labels: 'Speaker one', 'Speaker two')",
            LabelError,
            id="unknown-label",
        ),
        pytest.param(
            lambda c: c.control("label").segment(1, 2, label="Speaker one", channel=1),
            "channel=1 needs splitchannels=\"true\" on <Audio name='audio'>; without it the "
            "editor shows every segment on channel 0",
            BuildError,
            id="channel-without-split",
        ),
        pytest.param(
            lambda c: c.control("label").segment(1, 12, label="Speaker one", original_length_s=10),
            "end_s (12.0) is past the end of the audio (original_length_s=10.0)",
            BuildError,
            id="past-the-end",
        ),
        pytest.param(
            lambda c: c.control("label").segment_from_samples(
                100, 100, sample_rate_hz=16000, label="Speaker one"
            ),
            "end_sample (100) must be after start_sample (100)",
            BuildError,
            id="empty-samples",
        ),
        pytest.param(
            lambda c: c.control("label").segment_from_samples(
                1.5, 100, sample_rate_hz=16000, label="Speaker one"
            ),
            "start_sample must be an integer, got 1.5",
            BuildError,
            id="fractional-sample",
        ),
        pytest.param(
            lambda c: c.control("label").segments(
                [0, 3], [1, 2], labels=["Speaker one", "Speaker two"]
            ),
            "segment 1: end_s (2.0) must be after start_s (3.0)",
            BuildError,
            id="batch-end-before-start",
        ),
        pytest.param(
            lambda c: c.control("label").segments([0, 3], [1, 4], labels=["Speaker one"]),
            "labels has 1 items but there are 2 segments",
            BuildError,
            id="batch-label-count",
        ),
        pytest.param(
            lambda c: c.control("label").segments([0, 3], [1, 4], labels=["Speaker one", None]),
            "labels[1] is None: give every segment a label, or drop it",
            BuildError,
            id="batch-label-none",
        ),
        pytest.param(
            lambda c: c.control("label").segments([[0, 3]], [1, 4], labels="Speaker one"),
            "starts_s must have shape (N,), got (1, 2)",
            BuildError,
            id="batch-shape",
        ),
    ],
)
def test_audio_misuse(call: Any, message: str, error: type[Exception]) -> None:
    with _raises(message, error):
        call(LabelConfig.parse(SPEAKERS))


def test_segment_on_a_text_control_is_refused() -> None:
    control = LabelConfig.parse(TEXT_AND_AUDIO).control("label")
    with _raises(
        "segment() builds on <Audio>, but <Labels name='label'> points at <Text name='text'>"
    ):
        control.segment(0, 1, label="A")


# --- video tracks --------------------------------------------------------------------------


def _ls_box_at(sequence: list[dict[str, Any]], frame: int) -> list[float] | None:
    """The box Label Studio's editor draws on ``frame`` (FE VideoRegion / VideoRectangleRegion).

    ``isInLifespan``: the closest keyframe at or before ``frame`` decides; a disabled keyframe
    still shows on its own frame. ``getShape``: interpolate linearly between keyframes.
    """
    props = ("x", "y", "width", "height")
    before = [k for k in sequence if k["frame"] <= frame]
    after = [k for k in sequence if k["frame"] > frame]
    if not before:
        return None
    prev = before[-1]
    if not (prev["enabled"] or prev["frame"] == frame):
        return None
    if prev["frame"] == frame or not after:
        return [prev[p] for p in props]
    nxt = after[0]
    t = (frame - prev["frame"]) / (nxt["frame"] - prev["frame"])
    return [prev[p] + (nxt[p] - prev[p]) * t for p in props]


def _track_cfg() -> tuple[Any, Any]:
    cfg = LabelConfig.parse(TRACKING)
    return cfg.control("box"), cfg.control("videoLabels")


def test_track_with_gap_closes_and_reopens(sdk_validate: Any) -> None:
    box, labels = _track_cfg()
    frames = [*range(1, 11), *range(20, 31)]
    xyxy = [[10 * f, 36, 10 * f + 64, 72] for f in frames]
    region = box.track(
        frame_no=frames,
        xyxy_px=xyxy,
        frame_wh=(640, 360),
        frames_count=100,
        label="Man",
        labels_control=labels,
        id="trk1",
    )
    sequence = region.result["value"]["sequence"]
    assert [k["frame"] for k in sequence] == frames
    enabled = {k["frame"]: k["enabled"] for k in sequence}
    assert enabled[10] is False  # the gap starts after frame 10: the box shows on 10, then hides
    assert enabled[20] is True  # and reopens at 20
    assert enabled[30] is False  # the track ends
    assert [f for f, e in enabled.items() if not e] == [10, 30]
    assert sequence[0] == {
        "frame": 1,
        "enabled": True,
        "time": 0.04,
        "x": 1.5625,
        "y": 10.0,
        "width": 10.0,
        "height": 10.0,
        "rotation": 0,
    }
    assert _ls_box_at(sequence, 10) is not None
    assert [_ls_box_at(sequence, f) for f in range(11, 20)] == [None] * 9
    value = region.result["value"]
    assert list(value) == ["framesCount", "duration", "sequence", "labels"]
    assert (value["framesCount"], value["duration"], value["labels"]) == (100, 4.0, ["Man"])
    assert region.geometry == {k: value[k] for k in ("framesCount", "duration", "sequence")}
    _json_round_trip(region)
    assert sdk_validate(TRACKING, _prediction(region)) == []


def test_track_frame_idx_is_zero_based() -> None:
    box, _ = _track_cfg()
    region = box.track(frame_idx=[0, 1, 2], xywh_pct=[[10, 10, 5, 5]] * 3, frames_count=3)
    assert [k["frame"] for k in region.geometry["sequence"]] == [1, 2, 3]
    assert "labels" not in region.result["value"]


def test_track_sorts_frames_and_bridges_small_gaps() -> None:
    box, _ = _track_cfg()
    region = box.track(
        frame_no=[9, 1, 5],
        xywh_pct=[[30, 10, 5, 5], [10, 10, 5, 5], [20, 10, 5, 5]],
        frames_count=20,
        max_gap_frames=3,
    )
    sequence = region.geometry["sequence"]
    assert [(k["frame"], k["enabled"], k["x"]) for k in sequence] == [
        (1, True, 10.0),
        (5, True, 20.0),
        (9, False, 30.0),
    ]
    assert _ls_box_at(sequence, 3) == [15.0, 10.0, 5.0, 5.0]


def test_track_clips_and_drops_boxes_outside_the_frame() -> None:
    box, _ = _track_cfg()
    region = box.track(
        frame_no=[1, 2, 3],
        xyxy_px=[[-10, 0, 10, 10], [200, 0, 220, 10], [90, 90, 110, 110]],
        frame_wh=(100, 100),
        frames_count=3,
    )
    sequence = region.geometry["sequence"]
    assert [(k["frame"], k["enabled"]) for k in sequence] == [(1, False), (3, False)]
    assert (sequence[0]["x"], sequence[0]["width"]) == (0.0, 10.0)
    assert (sequence[1]["width"], sequence[1]["height"]) == (10.0, 10.0)


def test_track_fps_from_task_data(sdk_validate: Any) -> None:
    cfg = LabelConfig.parse(FPS_FROM_DATA)
    region = cfg.control("box").track(
        frame_no=[30, 60],
        xywh_pct=[[1, 1, 10, 10], [2, 2, 10, 10]],
        fps=30,
        duration_s=10,
        label="Car",
        labels_control=cfg.control("lab"),
    )
    value = region.result["value"]
    assert (value["framesCount"], value["duration"]) == (300, 10.0)
    assert [k["time"] for k in value["sequence"]] == [1.0, 2.0]
    assert sdk_validate(FPS_FROM_DATA, _prediction(region)) == []


@SETTINGS
@given(data=st.data(), tolerance=st.one_of(st.none(), st.floats(0.0, 3.0)))
def test_track_plays_back_as_given(data: st.DataObject, tolerance: float | None) -> None:
    """What Label Studio draws is the input: on exactly the input frames, within tolerance."""
    frames = data.draw(track_frames())
    boxes = data.draw(smooth_boxes_pct(frames))
    box, _ = _track_cfg()
    region = box.track(frame_no=frames, xywh_pct=boxes, frames_count=500, tolerance_pct=tolerance)
    sequence = region.geometry["sequence"]
    assert [k["frame"] for k in sequence] == sorted(k["frame"] for k in sequence)
    expected = dict(zip(frames.tolist(), boxes.tolist(), strict=True))
    for frame in range(1, int(frames[-1]) + 3):
        drawn = _ls_box_at(sequence, frame)
        assert (drawn is not None) == (frame in expected), frame
        if drawn is not None:
            assert np.allclose(drawn, expected[frame], atol=(tolerance or 0) + 1e-9), frame
    if tolerance is None:
        assert len(sequence) == len(frames)


def test_tolerance_thins_linear_motion() -> None:
    box, _ = _track_cfg()
    frames = np.arange(1, 101)
    boxes = np.stack([frames * 0.5, frames * 0.25, np.full(100, 10.0), np.full(100, 8.0)], axis=1)
    region = box.track(frame_no=frames, xywh_pct=boxes, frames_count=100, tolerance_pct=0.01)
    assert [(k["frame"], k["enabled"]) for k in region.geometry["sequence"]] == [
        (1, True),
        (100, False),
    ]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        pytest.param(
            {"frame_no": [1, 101]},
            "frame_no 101 (row 1) is past the end of the video (frames_count=100)",
            id="frame-out-of-range",
        ),
        pytest.param(
            {"frame_idx": [0, 100]},
            "frame_idx 100 (row 1) is past the end of the video (frames_count=100)",
            id="frame-idx-out-of-range",
        ),
        pytest.param(
            {"frame_no": [0, 1]},
            "frame_no must be >= 1, got 0 (row 0) (Label Studio numbers frames from 1; "
            "pass frame_idx= for 0-based)",
            id="frame-zero",
        ),
        pytest.param(
            {"frame_no": [3, 3]},
            "frame 3 appears twice in one track (rows 0 and 1 of frame_no); "
            "a track has one box per frame",
            id="duplicate-frame",
        ),
        pytest.param(
            {"frame_no": [1, 2], "frame_idx": [0, 1]},
            "pass exactly one of frame_idx= (0-based) or frame_no= (1-based)",
            id="two-frame-kinds",
        ),
        pytest.param(
            {"frame_no": [1.5, 2]}, "frame_no[0] must be an integer, got 1.5", id="fractional"
        ),
        pytest.param(
            {"xyxy_px": [[10, 10, 5, 20], [0, 0, 10, 10]], "xywh_pct": None},
            "xyxy_px row 0 has no area: [10, 10, 5, 20]; a box is [x1, y1, x2, y2] with "
            "x2 > x1 and y2 > y1",
            id="inverted-box",
        ),
        pytest.param(
            {"xyxy_px": [[0, 0, 5, 5], [0, 0, 10, 10]], "xywh_pct": None, "frame_wh": None},
            "xyxy_px needs frame_wh=(width, height) of the video in pixels",
            id="pixels-without-size",
        ),
        pytest.param(
            {"xywh_pct": [[1, 2, 3]]},
            "xywh_pct must have shape (2, 4), got (1, 3)",
            id="box-shape",
        ),
        pytest.param(
            {"xywh_pct": [[-1, 0, 10, 10], [0, 0, 10, 10]], "clip": False},
            "xywh_pct row 0 leaves the frame (x=-1.0%, y=0.0%, width=10.0%, height=10.0%); "
            "pass clip=True to clip boxes to the frame",
            id="no-clip",
        ),
        pytest.param(
            {"xywh_pct": [[200, 0, 10, 10], [300, 0, 10, 10]]},
            "every box of the track lies outside the frame",
            id="all-outside",
        ),
        pytest.param(
            {"frames_count": None},
            "pass frames_count= (frames in the video) or duration_s=; "
            "Label Studio's validator requires framesCount and duration",
            id="no-length",
        ),
        pytest.param(
            {"duration_s": 4000.0},
            "frames_count=100 does not match duration_s=4000.0 at 25 fps (100000 frames); "
            "check the units (duration_s is in seconds)",
            id="duration-in-ms",
        ),
        pytest.param(
            {"fps": 30},
            "fps=30 disagrees with frameRate=25 of <Video name='video'>; the editor uses the "
            "config's: drop fps= or fix frameRate",
            id="fps-mismatch",
        ),
        pytest.param(
            {"label": "Man"},
            "label='Man' needs labels_control=, the <Labels> control on <Video name='video'> "
            "(config.control(name)): <VideoRectangle> has no labels of its own",
            id="label-without-control",
        ),
        pytest.param({"tolerance_pct": -1}, "tolerance_pct must be >= 0, got -1.0", id="tolerance"),
    ],
)
def test_track_misuse(kwargs: dict[str, Any], message: str) -> None:
    box, _ = _track_cfg()
    arguments: dict[str, Any] = {
        "frame_no": [1, 2],
        "xywh_pct": [[0, 0, 10, 10], [1, 1, 10, 10]],
        "frame_wh": (640, 360),
        "frames_count": 100,
    }
    arguments.update(kwargs)
    if "frame_idx" in kwargs and "frame_no" not in kwargs:
        del arguments["frame_no"]
    arguments = {k: v for k, v in arguments.items() if v is not None}
    with _raises(message):
        box.track(**arguments)


def test_track_label_checks() -> None:
    box, labels = _track_cfg()
    common: dict[str, Any] = {"frame_no": [1], "xywh_pct": [[0, 0, 10, 10]], "frames_count": 5}
    with _raises(
        "'Car' is not a label of <Labels name='videoLabels'> (labels: 'Man', 'Woman', 'Other')",
        LabelError,
    ):
        box.track(label="Car", labels_control=labels, **common)
    other = LabelConfig.parse(SPEAKERS).control("label")
    with _raises(
        "labels_control <Labels name='label'> points at 'audio', not at <Video name='video'>"
    ):
        box.track(label="Speaker one", labels_control=other, **common)
    choices = LabelConfig.parse(
        '<View><Video name="video" value="$v"/><VideoRectangle name="box" toName="video"/>'
        '<Choices name="c" toName="video"><Choice value="A"/></Choices></View>'
    )
    with _raises("labels_control must be a <Labels> control, got <Choices name='c'>"):
        choices.control("box").track(labels_control=choices.control("c"), **common)


def test_fps_from_data_needs_fps() -> None:
    cfg = LabelConfig.parse(FPS_FROM_DATA)
    with _raises(
        "<Video name='video'> reads its frame rate from task data ($fps): "
        "pass fps= (this task's frames per second)"
    ):
        cfg.control("box").track(frame_no=[1], xywh_pct=[[0, 0, 1, 1]], frames_count=3)


def test_tracks_from_arrays(sdk_validate: Any) -> None:
    box, labels = _track_cfg()
    track_ids = np.array([7, 3, 7, 3, 7, 3])
    frame_idx = np.array([0, 0, 1, 1, 2, 5])
    xyxy = np.array([[0, 0, 64, 36], [320, 180, 384, 216]] * 3, dtype=np.float32)
    with reproducible_ids(1):
        regions = box.tracks_from_arrays(
            track_ids=track_ids,
            frame_idx=frame_idx,
            xyxy_px=xyxy,
            frame_wh=(640, 360),
            frames_count=250,
            labels=["Man", "Woman", "Other", "Woman", "Man", "Woman"],
            labels_control=labels,
            scores=np.array([0.5, 0.25, 1.0, 0.75, 0.75, 0.5]),
        )
    assert len(regions) == 2
    first, second = (r.result for r in regions)
    assert first["value"]["labels"] == ["Woman"]  # track 3: three rows, all Woman
    assert second["value"]["labels"] == ["Man"]  # track 7: Man twice, Other once
    assert [k["frame"] for k in first["value"]["sequence"]] == [1, 2, 6]
    assert [k["enabled"] for k in first["value"]["sequence"]] == [True, False, False]
    assert (first["score"], second["score"]) == (0.5, 0.75)
    assert all(type(k["x"]) is float for r in regions for k in r.geometry["sequence"])
    _json_round_trip(regions)
    assert sdk_validate(TRACKING, _prediction(regions)) == []


def test_tracks_from_arrays_label_mapping_and_string_ids() -> None:
    box, labels = _track_cfg()
    regions = box.tracks_from_arrays(
        track_ids=["b", "a", "b"],
        frame_no=[1, 1, 2],
        xywh_pct=[[0, 0, 5, 5]] * 3,
        frames_count=10,
        labels={"a": "Woman"},
        labels_control=labels,
    )
    assert [r.result["value"].get("labels") for r in regions] == [["Woman"], None]


def test_tracks_from_arrays_rows_without_label_do_not_vote() -> None:
    box, labels = _track_cfg()
    regions = box.tracks_from_arrays(
        track_ids=[1, 1, 1, 2],
        frame_no=[1, 2, 3, 1],
        xywh_pct=[[0, 0, 5, 5]] * 4,
        frames_count=10,
        labels=[None, None, "Man", None],
        labels_control=labels,
    )
    assert [r.result["value"].get("labels") for r in regions] == [["Man"], None]


def test_tracks_from_arrays_misuse() -> None:
    box, labels = _track_cfg()
    with _raises("track_ids must have shape (3,), got (2,)"):
        box.tracks_from_arrays(
            track_ids=[1, 2], frame_no=[1, 2, 3], xywh_pct=[[0, 0, 1, 1]] * 3, frames_count=5
        )
    with _raises("labels has 2 items but there are 3 rows"):
        box.tracks_from_arrays(
            track_ids=[1, 1, 2],
            frame_no=[1, 2, 3],
            xywh_pct=[[0, 0, 1, 1]] * 3,
            frames_count=5,
            labels=["Man", "Man"],
            labels_control=labels,
        )
    with _raises("scores[1] must be between 0 and 1, got 1.5"):
        box.tracks_from_arrays(
            track_ids=[1, 1],
            frame_no=[1, 2],
            xywh_pct=[[0, 0, 1, 1]] * 2,
            frames_count=5,
            scores=[0.5, 1.5],
        )


# --- timeline ------------------------------------------------------------------------------


def test_timeline_ranges(sdk_validate: Any) -> None:
    control = LabelConfig.parse(TIMELINE).control("videoLabels")
    by_frames = control.range_by_frames(25, 75, label="Still", id="tl1")
    assert by_frames.result == {
        "id": "tl1",
        "type": "timelinelabels",
        "from_name": "videoLabels",
        "to_name": "video",
        "value": {"ranges": [{"start": 25, "end": 75}], "timelinelabels": ["Still"]},
    }
    # 24 fps: [1 s, 2 s) is frames 25..48.
    by_seconds = control.range_by_seconds(1.0, 2.0, label="Movement")
    assert by_seconds.geometry == {"ranges": [{"start": 25, "end": 48}]}
    single = control.range_by_seconds(0.0, 0.01, label="Movement")
    assert single.geometry == {"ranges": [{"start": 1, "end": 1}]}
    flagged = control.ranges_from_frame_mask([1, 0, 1], label="Still", readonly=True, hidden=True)
    assert [(r.result["readonly"], r.result["hidden"]) for r in flagged] == [(True, True)] * 2
    from_mask = control.ranges_from_frame_mask(np.array([1, 1, 0, 0, 1], bool), label="Still")
    assert [r.geometry["ranges"] for r in from_mask] == [
        [{"start": 1, "end": 2}],
        [{"start": 5, "end": 5}],
    ]
    everything = [by_frames, by_seconds, single, *from_mask]
    _json_round_trip(everything)
    assert sdk_validate(TIMELINE, _prediction(everything)) == []


@pytest.mark.parametrize(
    ("call", "message"),
    [
        pytest.param(
            lambda c: c.range_by_frames(10, 5, label="Still"),
            "end_frame_no (5) is before start_frame_no (10)",
            id="end-before-start",
        ),
        pytest.param(
            lambda c: c.range_by_frames(0, 5, label="Still"),
            "start_frame_no must be >= 1 (Label Studio numbers frames from 1), got 0",
            id="frame-zero",
        ),
        pytest.param(
            lambda c: c.range_by_frames(5, 120, label="Still", frames_count=100),
            "end_frame_no (120) is past the end of the video (frames_count=100)",
            id="frame-out-of-range",
        ),
        pytest.param(
            lambda c: c.range_by_seconds(2.0, 1.0, label="Still"),
            "end_s (1.0) must be after start_s (2.0)",
            id="seconds-end-before-start",
        ),
        pytest.param(
            lambda c: c.ranges_from_frame_mask([0, 2], label="Still"),
            "mask must hold booleans (or 0/1), got dtype int64",
            id="mask",
        ),
    ],
)
def test_timeline_misuse(call: Any, message: str) -> None:
    with _raises(message):
        call(LabelConfig.parse(TIMELINE).control("videoLabels"))


def test_timeline_unknown_label() -> None:
    control = LabelConfig.parse(TIMELINE).control("videoLabels")
    with _raises("'Slow motion' is not a label of <TimelineLabels name='videoLabels'>", LabelError):
        control.range_by_frames(1, 2, label="Slow motion")


# --- time series ---------------------------------------------------------------------------


def test_rows_without_time_column(sdk_validate: Any) -> None:
    control = LabelConfig.parse(GUIDE_TS).control("label")
    span = control.range_by_row(np.int64(120), 180, label="Spike", id="ts1")
    assert span.result == {
        "id": "ts1",
        "type": "timeserieslabels",
        "from_name": "label",
        "to_name": "ts",
        "value": {"start": 120, "end": 180, "instant": False, "timeserieslabels": ["Spike"]},
    }
    point = control.instant_by_row(7, label="Spike")
    assert point.geometry == {"start": 7, "end": 7, "instant": True}
    runs = control.ranges_from_mask([0, 1, 1, 0, 1], label="Spike")
    assert [r.geometry for r in runs] == [
        {"start": 1, "end": 2, "instant": False},
        {"start": 4, "end": 4, "instant": True},
    ]
    flagged = control.ranges_from_mask([1, 0, 1], label="Spike", readonly=True, hidden=True)
    assert [(r.result["readonly"], r.result["hidden"]) for r in flagged] == [(True, True)] * 2
    everything = [span, point, *runs]
    _json_round_trip(everything)
    assert sdk_validate(GUIDE_TS, _prediction(everything)) == []


def test_numeric_time_column(sdk_validate: Any) -> None:
    control = LabelConfig.parse(SIGNAL).control("label")
    times = np.array([0.0, 0.5, 1.0, 1.5, 2.0])
    by_time = control.range_by_time(0.5, np.float64(1.5), label="Region")
    by_row = control.range_by_row(1, 3, label="Region", time_values=times)
    assert by_time.geometry == by_row.geometry == {"start": 0.5, "end": 1.5, "instant": False}
    ints = control.instant_by_time(np.int32(3), label="Region")
    assert ints.geometry == {"start": 3, "end": 3, "instant": True}
    assert type(ints.geometry["start"]) is int
    runs = control.ranges_from_mask([1, 1, 0, 0, 1], label="Region", time_values=times)
    assert [r.geometry for r in runs] == [
        {"start": 0.0, "end": 0.5, "instant": False},
        {"start": 2.0, "end": 2.0, "instant": True},
    ]
    everything = [by_time, by_row, ints, *runs]
    _json_round_trip(everything)
    assert sdk_validate(SIGNAL, _prediction(everything)) == []


def test_formatted_time_column(sdk_validate: Any) -> None:
    control = LabelConfig.parse(ACTIVITY).control("label")
    from_strings = control.range_by_time(
        "2024-03-01 12:00:00.250000", "2024-03-01 12:00:05.000000", label="Run"
    )
    from_datetimes = control.range_by_time(
        dt.datetime(2024, 3, 1, 12, 0, 0, 250_999),
        np.datetime64("2024-03-01T12:00:05"),
        label="Run",
    )
    expected = {
        "start": "2024-03-01 12:00:00.250000",
        "end": "2024-03-01 12:00:05.000000",
        "instant": False,
    }
    assert from_strings.geometry == from_datetimes.geometry == expected
    times = np.array(["2024-03-01 12:00:00.000000", "2024-03-01 12:00:01.000000"])
    point = control.instant_by_row(1, label="Walk", time_values=times)
    assert point.geometry == {
        "start": "2024-03-01 12:00:01.000000",
        "end": "2024-03-01 12:00:01.000000",
        "instant": True,
    }
    stamps = np.array(["2024-03-01T12:00:00", "2024-03-01T12:00:01"], dtype="datetime64[ms]")
    assert control.range_by_row(0, 1, label="Walk", time_values=stamps).geometry["end"] == (
        "2024-03-01 12:00:01.000000"
    )
    everything = [from_strings, from_datetimes, point]
    _json_round_trip(everything)
    assert sdk_validate(ACTIVITY, _prediction(everything)) == []


@pytest.mark.parametrize(
    ("config", "call", "message"),
    [
        pytest.param(
            ACTIVITY,
            lambda c: c.range_by_time("2024-03-01 12:00", "2024-03-01 13:00", label="Run"),
            "start_time '2024-03-01 12:00' does not parse with timeFormat "
            "'%Y-%m-%d %H:%M:%S.%f' of <TimeSeries name='ts'>: text ends where ':' was expected",
            id="timestamp-does-not-parse",
        ),
        pytest.param(
            ACTIVITY,
            lambda c: c.range_by_time(
                "2024-03-01 12:00:00.000000", "2024-02-30 12:00:00.000000", label="Run"
            ),
            "end_time '2024-02-30 12:00:00.000000' does not parse with timeFormat "
            "'%Y-%m-%d %H:%M:%S.%f' of <TimeSeries name='ts'>: day 30 is outside 1-29 for "
            "2024-02",
            id="impossible-date",
        ),
        pytest.param(
            ACTIVITY,
            lambda c: c.range_by_time(
                "2024-03-01 12:00:05.000000", "2024-03-01 12:00:00.000000", label="Run"
            ),
            "end_time ('2024-03-01 12:00:00.000000') is before start_time "
            "('2024-03-01 12:00:05.000000')",
            id="end-before-start",
        ),
        pytest.param(
            ACTIVITY,
            lambda c: c.instant_by_time(1709294400000, label="Run"),
            "time must be a string in timeFormat '%Y-%m-%d %H:%M:%S.%f' or a datetime "
            "(<TimeSeries name='ts'> has timeFormat), got int",
            id="number-for-timestamp",
        ),
        pytest.param(
            ACTIVITY,
            lambda c: c.range_by_row(0, 1, label="Run"),
            "<TimeSeries name='ts'> has timeColumn 'time': pass time_values= (that column, "
            "in row order) to turn rows into times, or use range_by_time()",
            id="rows-without-times",
        ),
        pytest.param(
            ACTIVITY,
            lambda c: c.range_by_time(
                "2024-03-01 12:00:00.000000", "2024-03-01 12:00:01.000000", label="Jog"
            ),
            "'Jog' is not a label of <TimeSeriesLabels name='label'>",
            id="unknown-label",
        ),
        pytest.param(
            SIGNAL,
            lambda c: c.range_by_time("0.5", "1.0", label="Region"),
            "start_time must be a number of time column 'time' (<TimeSeries name='ts'> has no "
            "timeFormat), got str",
            id="string-for-number",
        ),
        pytest.param(
            SIGNAL,
            lambda c: c.range_by_row(1, 5, label="Region", time_values=[0, 1, 2]),
            "end_row 5 is out of range: time_values has 3 rows",
            id="row-out-of-range",
        ),
        pytest.param(
            GUIDE_TS,
            lambda c: c.range_by_time(1, 2, label="Spike"),
            "<TimeSeries name='ts'> has no timeColumn, so its time axis is the 0-based row "
            "index: use range_by_row()",
            id="time-without-column",
        ),
        pytest.param(
            GUIDE_TS,
            lambda c: c.range_by_row(5, 2, label="Spike"),
            "end_row (2) is before start_row (5)",
            id="rows-reversed",
        ),
        pytest.param(
            GUIDE_TS,
            lambda c: c.instant_by_row(-1, label="Spike"),
            "row must be >= 0, got -1",
            id="negative-row",
        ),
        pytest.param(
            GUIDE_TS,
            lambda c: c.ranges_from_mask([True, False], label="Spike", time_values=[1, 2, 3]),
            "time_values has 3 rows but mask has 2",
            id="mask-length",
        ),
    ],
)
def test_time_series_misuse(config: str, call: Any, message: str) -> None:
    error = LabelError if "not a label" in message else BuildError
    with _raises(message, error):
        call(LabelConfig.parse(config).control("label"))


def test_outputs_are_plain_json_types() -> None:
    """No numpy scalar leaks into any builder output (json.dumps would refuse it)."""
    cfg = LabelConfig.parse(TRACKING)
    region = cfg.control("box").track(
        frame_idx=np.arange(3, dtype=np.int32),
        xyxy_px=np.ones((3, 4), dtype=np.float16) * np.array([1, 1, 9, 9], dtype=np.float16),
        frame_wh=(np.int64(10), np.int64(10)),
        frames_count=np.int64(3),
        duration_s=np.float32(0.12),
    )

    def walk(item: Any) -> None:
        if isinstance(item, dict):
            for value in item.values():
                walk(value)
        elif isinstance(item, list):
            for value in item:
                walk(value)
        else:
            assert type(item) in (str, int, float, bool), type(item)

    walk(region.result)
    assert isinstance(region, Region)


# --- the examples --------------------------------------------------------------------------

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _run_example(stem: str, out_dir: Path) -> dict[str, tuple[str, list[dict[str, Any]]]]:
    """Run ``examples/<stem>.py``; ``{name: (config_xml, tasks)}`` of what it wrote."""
    if str(EXAMPLES) not in sys.path:
        sys.path.insert(0, str(EXAMPLES))
    spec = importlib.util.spec_from_file_location(f"av_example_{stem}", EXAMPLES / f"{stem}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = {}
    for entry in module.main(out_dir):
        config = Path(entry["config"])
        tasks = Path(entry["tasks"])
        config = config if config.is_absolute() else EXAMPLES.parent / config
        tasks = tasks if tasks.is_absolute() else EXAMPLES.parent / tasks
        out[entry["name"]] = (config.read_text(), json.loads(tasks.read_text()))
    return out


def _assert_sdk_clean(written: dict[str, tuple[str, list[dict[str, Any]]]], sdk: Any) -> None:
    for name, (config, tasks) in written.items():
        for task in tasks:
            for prediction in task["predictions"]:
                assert sdk(config, prediction) == [], name


def test_audio_example(tmp_path: Path, sdk_validate: Any) -> None:
    written = _run_example("audio_diarization", tmp_path)
    assert set(written) == {"audio_diarization", "audio_asr_segments", "audio_sound_events"}
    _assert_sdk_clean(written, sdk_validate)
    _, asr = written["audio_asr_segments"]
    results = asr[0]["predictions"][0]["result"]
    segment, text = results[0], results[1]
    assert (segment["type"], text["type"]) == ("labels", "textarea")
    assert segment["id"] == text["id"]
    assert text["value"] == {
        "start": 0.52,
        "end": 4.87,
        "channel": 0,
        "text": ["Good morning, let's start with the build status."],
    }
    _, events = written["audio_sound_events"]
    values = [r["value"] for r in events[0]["predictions"][0]["result"]]
    assert [(v["labels"], v["channel"]) for v in values] == [
        (["Dog"], 0),
        (["Dog"], 0),
        (["Siren"], 1),
        (["Car horn"], 1),
    ]


def test_video_example(tmp_path: Path, sdk_validate: Any) -> None:
    written = _run_example("video_tracking", tmp_path)
    _assert_sdk_clean(written, sdk_validate)
    _, tasks = written["video_tracking"]
    exact, thinned = tasks[0]["predictions"]
    by_label = {r["value"]["labels"][0]: r["value"] for r in exact["result"]}
    woman = by_label["Woman"]["sequence"]
    # Occluded from 0-based frame 100 to 124: frame_no 100 closes, 126 reopens.
    closing = next(k for k in woman if k["frame"] == 100)
    reopening = next(k for k in woman if k["frame"] == 126)
    assert (closing["enabled"], reopening["enabled"]) == (False, True)
    assert not any(101 <= k["frame"] <= 125 for k in woman)
    for value in by_label.values():
        assert (value["framesCount"], value["duration"]) == (
            1050,
            42.0,
        )  # the sample video opossum_snow.mp4
        assert all(1 <= k["frame"] <= 1050 for k in value["sequence"])
        assert all(k["time"] == k["frame"] / 25 for k in value["sequence"])
    # The thinned prediction draws the same boxes within its 0.5 % tolerance.
    for full, thin in zip(exact["result"], thinned["result"], strict=True):
        assert len(thin["value"]["sequence"]) < len(full["value"]["sequence"])
        for frame in range(1, 251):
            a = _ls_box_at(full["value"]["sequence"], frame)
            b = _ls_box_at(thin["value"]["sequence"], frame)
            assert (a is None) == (b is None), frame
            if a is not None and b is not None:
                assert np.allclose(a, b, atol=0.5 + 1e-9)


def test_timeseries_example(tmp_path: Path, sdk_validate: Any) -> None:
    written = _run_example("timeseries_csv", tmp_path)
    _assert_sdk_clean(written, sdk_validate)
    config, tasks = written["timeseries_csv"]
    assert 'value="$csv" valueType="url"' in config
    assert tasks[0]["data"] == {"csv": "https://example.com/prelabel/sensor.csv"}
    values = [r["value"] for r in tasks[0]["predictions"][0]["result"]]
    assert values[1] == {"start": 322, "end": 322, "instant": True, "timeserieslabels": ["Anomaly"]}
    _, activity = written["timeseries_activity"]
    data = activity[0]["data"]["ts"]
    assert set(data) == {"time", "velocity", "acceleration"}
    fmt = D3TimeFormat("%Y-%m-%d %H:%M:%S.%f")
    for result in activity[0]["predictions"][0]["result"]:
        assert result["value"]["start"] in data["time"]
        assert fmt.parse_ms(result["value"]["end"]) >= fmt.parse_ms(result["value"]["start"])


SPEAKER_LABELS = LabelConfig.parse(
    '<View><Audio name="audio" value="$audio"/><Labels name="sp" toName="audio">'
    '<Label value="A"/><Label value="B"/></Labels></View>'
).control("sp")


@pytest.mark.parametrize(
    ("options", "labels"),
    [
        ({"label": "A"}, [["A"], ["A"]]),
        ({"labels": "B"}, [["B"], ["B"]]),
        ({"labels": ["B", "A"]}, [["B"], ["A"]]),
        ({"class_ids": [1, 0], "class_names": {0: "a", 1: "b"}}, [["B"], ["A"]]),
    ],
    ids=["label", "one-string", "labels", "class-ids"],
)
def test_segments_take_the_shared_keywords(options: dict[str, Any], labels: list[Any]) -> None:
    regions = SPEAKER_LABELS.segments([0, 1], [1, 2], ids=["s0", "s1"], hidden=True, **options)
    assert [(r.result["id"], r.result["value"]["labels"], r.result["hidden"]) for r in regions] == [
        ("s0", labels[0], True),
        ("s1", labels[1], True),
    ]
    with pytest.raises(LabelError, match=re.escape("got label, labels")):
        SPEAKER_LABELS.segments([0], [1], label="A", labels=["A"])


def test_tracks_take_label_class_ids_readonly_and_hidden() -> None:
    cfg = LabelConfig.parse(
        '<View><Video name="video" value="$video" framerate="25"/>'
        '<VideoRectangle name="box" toName="video"/>'
        '<Labels name="lab" toName="video"><Label value="Car"/><Label value="Person"/></Labels>'
        "</View>"
    )
    common: dict[str, Any] = {
        "track_ids": [1, 1, 1, 2],
        "frame_idx": [0, 1, 2, 0],
        "xyxy_px": [[0, 0, 10, 10]] * 4,
        "frame_wh": (100, 100),
        "frames_count": 10,
        "labels_control": cfg.control("lab"),
    }
    box = cfg.control("box")
    voted = box.tracks_from_arrays(
        class_ids=[0, 1, 0, 1], class_names=["car", "person"], readonly=True, **common
    )
    assert [(r.result["value"]["labels"], r.result["readonly"]) for r in voted] == [
        (["Car"], True),
        (["Person"], True),
    ]
    shared = box.tracks_from_arrays(label="Person", hidden=True, **common)
    assert [(r.result["value"]["labels"], r.result["hidden"]) for r in shared] == [
        (["Person"], True),
        (["Person"], True),
    ]
    with pytest.raises(LabelError, match="got label, class_ids"):
        box.tracks_from_arrays(label="Car", class_ids=[0] * 4, class_names=["car"], **common)
