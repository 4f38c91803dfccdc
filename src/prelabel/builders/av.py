"""Audio, video and time-series builders: segments, video tracks, timelines, time-series ranges.

Every argument names its unit: seconds (``start_s``), audio samples (``start_sample``), Label
Studio's 1-based frame numbers (``frame_no``), a decoder's 0-based frame indices
(``frame_idx``), pixels (``_px``), percent of the frame (``_pct``) and, for time series, values
of the time column (``start_time``) or 0-based rows (``start_row``). The conventions behind the
conversions are in :mod:`prelabel.timeunits`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from .. import timeunits
from .._lazy import lazy_module
from ..errors import BuildError
from ..results import Region
from ..tags.base import ControlTag, ObjectTag
from ..tags.objects import Audio, TimeSeries, Video
from ._common import check_score, finite, make_result, pick_target

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import ArrayLike, NDArray

    TimeValue = str | dt.datetime | np.datetime64 | int | float
else:
    np = lazy_module("numpy")


if TYPE_CHECKING:
    from ..tags.controls import LabelingControl

__all__ = [
    "AudioSegmentBuilder",
    "TimeSeriesBuilder",
    "TimelineBuilder",
    "VideoRectangleBuilder",
]

LabelArg = str | Sequence[str]
Obj = TypeVar("Obj", bound=ObjectTag)


# --- shared checks -------------------------------------------------------------------------


def _target(control: ControlTag, to_name: str | None, kind: type[Obj], method: str) -> Obj:
    """The object ``method`` builds on: ``to_name``, else the control's first target of ``kind``."""
    if to_name is None:
        for target in control.targets:
            if isinstance(target, kind):
                return target
        found = control.targets[0]
    else:
        found = pick_target(control, to_name)
    if not isinstance(found, kind):
        raise BuildError(
            f"{method}() builds on <{kind.tag}>, but <{control.tag} name={control.name!r}> "
            f"points at <{found.tag} name={found.name!r}>"
        )
    return found


def _labels(control: ControlTag, label: LabelArg) -> list[str]:
    from ..tags.controls import LabelingControl  # the controls module imports this one

    if not isinstance(control, LabelingControl):
        raise BuildError(f"<{control.tag} name={control.name!r}> has no labels")
    return control.resolve_labels(label)


def _integer(number: Any, what: str) -> int:
    """A whole number as a plain int (``3.0`` is accepted, ``3.5`` and ``True`` are not)."""
    if isinstance(number, (bool, np.bool_)):
        raise BuildError(f"{what} must be an integer, got a bool ({number})")
    if isinstance(number, (int, np.integer)):
        return int(number)
    value = finite(number, what)
    if not value.is_integer():
        raise BuildError(f"{what} must be an integer, got {value}")
    return int(value)


def _vector(values: ArrayLike, what: str, n: int | None = None) -> NDArray[Any]:
    array = np.asarray(values)
    if array.ndim != 1 or (n is not None and array.shape[0] != n):
        want = "(N,)" if n is None else f"({n},)"
        raise BuildError(f"{what} must have shape {want}, got {array.shape}")
    return array


def _float_vector(values: ArrayLike, what: str, n: int | None = None) -> NDArray[np.float64]:
    array = _vector(values, what, n)
    if array.dtype.kind not in "iuf":
        raise BuildError(f"{what} must hold numbers, got dtype {array.dtype}")
    out = array.astype(np.float64)
    bad = np.flatnonzero(~np.isfinite(out))
    if bad.size:
        raise BuildError(f"{what}[{bad[0]}] must be finite, got {out[bad[0]]}")
    return out


def _int_vector(values: ArrayLike, what: str, n: int | None = None) -> NDArray[np.int64]:
    array = _vector(values, what, n)
    if array.dtype.kind in "iu":
        return array.astype(np.int64)
    floats = _float_vector(array, what)
    bad = np.flatnonzero(floats != np.round(floats))
    if bad.size:
        raise BuildError(f"{what}[{bad[0]}] must be an integer, got {floats[bad[0]]}")
    return floats.astype(np.int64)


def _labels_per_item(
    control: ControlTag, labels: LabelArg | Sequence[LabelArg], n: int, what: str
) -> list[list[str]]:
    """One resolved label list per item: a single label for all, or one entry per item."""
    if isinstance(labels, str):
        one = _labels(control, labels)
        return [one] * n
    items = list(labels)
    if len(items) != n:
        raise BuildError(f"{what} has {len(items)} items but there are {n} segments")
    cache: dict[Any, list[str]] = {}
    out = []
    for index, item in enumerate(items):
        if item is None:
            raise BuildError(f"{what}[{index}] is None: give every segment a label, or drop it")
        key = item if isinstance(item, str) else tuple(item)
        if key not in cache:
            cache[key] = _labels(control, item)
        out.append(cache[key])
    return out


def _runs(mask: NDArray[np.bool_]) -> list[tuple[int, int]]:
    """Inclusive ``(first, last)`` index pairs of the runs of True in ``mask``."""
    padded = np.concatenate(([False], mask, [False])).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return [(int(a), int(b) - 1) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def _bool_mask(mask: ArrayLike, what: str) -> NDArray[np.bool_]:
    array = _vector(mask, what)
    if array.dtype.kind == "b":
        return array
    if array.dtype.kind in "iuf" and np.isin(array, (0, 1)).all():
        return array.astype(bool)
    raise BuildError(f"{what} must hold booleans (or 0/1), got dtype {array.dtype}")


def _interval_s(start_s: Any, end_s: Any, where: str = "") -> tuple[float, float]:
    start = finite(start_s, f"{where}start_s")
    end = finite(end_s, f"{where}end_s")
    if start < 0:
        raise BuildError(f"{where}start_s must be >= 0, got {start}")
    if end <= start:
        raise BuildError(f"{where}end_s ({end}) must be after start_s ({start})")
    return start, end


# --- audio ---------------------------------------------------------------------------------


def _audio_length(original_length_s: float | None) -> float | None:
    if original_length_s is None:
        return None
    length = finite(original_length_s, "original_length_s")
    if length <= 0:
        raise BuildError(f"original_length_s must be positive, got {length}")
    return length


def _channel(audio: Audio, channel: Any, where: str = "") -> int:
    number = _integer(channel, f"{where}channel")
    if number < 0:
        raise BuildError(f"{where}channel must be >= 0, got {number}")
    if number and not audio.split_channels:
        raise BuildError(
            f'{where}channel={number} needs splitchannels="true" on <Audio name={audio.name!r}>; '
            "without it the editor shows every segment on channel 0"
        )
    return number


def _audio_segment(
    control: ControlTag,
    audio: Audio,
    start: float,
    end: float,
    channel: int,
    labels: list[str],
    length: float | None,
    *,
    id: str | None,
    score: float | None,
    readonly: bool | None,
    hidden: bool | None,
    where: str = "",
) -> Region:
    if length is not None and end > length:
        raise BuildError(
            f"{where}end_s ({end}) is past the end of the audio (original_length_s={length})"
        )
    geometry = {"start": start, "end": end, "channel": channel}
    result = make_result(
        control,
        {**geometry, "labels": list(labels)},
        to_name=audio.name,
        id=id,
        score=score,
        readonly=readonly,
        hidden=hidden,
        original_length=length,
    )
    return Region([result], geometry=geometry)


class AudioSegmentBuilder(ControlTag):
    """Builders of ``<Labels>`` on ``<Audio>``: segments in seconds or samples.

    A segment's value is ``{start, end, channel, labels}`` with times in seconds (reference
    §4.27). A per-segment transcription is a ``perRegion`` TextArea attached to the returned
    :class:`~prelabel.results.Region`.
    """

    def segment(
        self,
        start_s: float,
        end_s: float,
        *,
        label: LabelArg,
        channel: int = 0,
        original_length_s: float | None = None,
        to_name: str | None = None,
        id: str | None = None,
        score: float | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
    ) -> Region:
        """One labeled audio segment from ``start_s`` to ``end_s`` seconds.

        Args:
            start_s: segment start in seconds from the beginning of the file (>= 0).
            end_s: segment end in seconds (after ``start_s``).
            label: the label (or labels, for ``choice="multiple"``); value or alias.
            channel: 0-based channel; other than 0 only with ``splitchannels="true"``.
            original_length_s: the audio's duration; when given, it is checked and written
                as ``original_length``.
            to_name: the ``<Audio>`` to build on when the control has several targets.
            id: region id (a fresh one when None).
            score: confidence in [0, 1].
            readonly: make the segment read-only in the editor.
            hidden: start it hidden.

        Raises:
            BuildError: the control is not on an ``<Audio>``, end not after start, a
                negative start, a channel without split channels, a segment past the end.
            LabelError: a label the control does not define.

        >>> from prelabel import LabelConfig
        >>> cfg = LabelConfig.parse('<View><Audio name="audio" value="$audio"/>'
        ...     '<Labels name="speaker" toName="audio"><Label value="A"/></Labels></View>')
        >>> cfg.control("speaker").segment(1.25, 3.8, label="A", id="s1").result
        ... # doctest: +NORMALIZE_WHITESPACE
        {'id': 's1', 'type': 'labels', 'from_name': 'speaker', 'to_name': 'audio',
         'value': {'start': 1.25, 'end': 3.8, 'channel': 0, 'labels': ['A']}}
        """
        audio = _target(self, to_name, Audio, "segment")
        start, end = _interval_s(start_s, end_s)
        return _audio_segment(
            self,
            audio,
            start,
            end,
            _channel(audio, channel),
            _labels(self, label),
            _audio_length(original_length_s),
            id=id,
            score=score,
            readonly=readonly,
            hidden=hidden,
        )

    def segment_from_samples(
        self,
        start_sample: int,
        end_sample: int,
        *,
        sample_rate_hz: float,
        label: LabelArg,
        channel: int = 0,
        original_length_s: float | None = None,
        to_name: str | None = None,
        id: str | None = None,
        score: float | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
    ) -> Region:
        """One labeled segment from sample indices: ``[start_sample, end_sample)`` at a rate.

        ``end_sample`` is exclusive (Python slice style), so the segment ends at
        ``end_sample / sample_rate_hz`` seconds.

        Raises:
            BuildError: non-integer samples, a rate that is not positive, and everything
                :meth:`segment` refuses.

        >>> from prelabel import LabelConfig
        >>> cfg = LabelConfig.parse('<View><Audio name="audio" value="$audio"/>'
        ...     '<Labels name="event" toName="audio"><Label value="Dog"/></Labels></View>')
        >>> seg = cfg.control("event").segment_from_samples(8000, 24000, sample_rate_hz=16000,
        ...                                                 label="Dog")
        >>> seg.geometry
        {'start': 0.5, 'end': 1.5, 'channel': 0}
        """
        first = _integer(start_sample, "start_sample")
        last = _integer(end_sample, "end_sample")
        if last <= first:
            raise BuildError(f"end_sample ({last}) must be after start_sample ({first})")
        return self.segment(
            timeunits.samples_to_seconds(first, sample_rate_hz),
            timeunits.samples_to_seconds(last, sample_rate_hz),
            label=label,
            channel=channel,
            original_length_s=original_length_s,
            to_name=to_name,
            id=id,
            score=score,
            readonly=readonly,
            hidden=hidden,
        )

    def segments(
        self,
        starts_s: ArrayLike,
        ends_s: ArrayLike,
        *,
        labels: LabelArg | Sequence[LabelArg],
        channels: ArrayLike | None = None,
        scores: ArrayLike | None = None,
        original_length_s: float | None = None,
        to_name: str | None = None,
    ) -> list[Region]:
        """Many segments at once, e.g. a diarization or sound-event detector's output.

        Args:
            starts_s: shape (N,), segment starts in seconds.
            ends_s: shape (N,), segment ends in seconds.
            labels: one label for every segment, or N labels (each a string, or a list of
                strings for ``choice="multiple"``).
            channels: shape (N,) channel numbers; all 0 when None.
            scores: shape (N,) confidences in [0, 1].
            original_length_s: the audio's duration (checked, written on every result).
            to_name: the ``<Audio>`` when the control has several targets.

        Returns:
            One region per segment, in input order.

        Raises:
            BuildError: as :meth:`segment`; messages name the segment's index.
        """
        audio = _target(self, to_name, Audio, "segments")
        starts = _float_vector(starts_s, "starts_s")
        n = starts.shape[0]
        ends = _float_vector(ends_s, "ends_s", n)
        chans = np.zeros(n, np.int64) if channels is None else _int_vector(channels, "channels", n)
        probs = None if scores is None else _float_vector(scores, "scores", n)
        per_item = _labels_per_item(self, labels, n, "labels")
        length = _audio_length(original_length_s)
        regions = []
        for i in range(n):
            where = f"segment {i}: "
            start, end = _interval_s(starts[i], ends[i], where)
            regions.append(
                _audio_segment(
                    self,
                    audio,
                    start,
                    end,
                    _channel(audio, chans[i], where),
                    per_item[i],
                    length,
                    id=None,
                    score=None if probs is None else float(probs[i]),
                    readonly=None,
                    hidden=None,
                    where=where,
                )
            )
        return regions

    def segments_from_samples(
        self,
        start_samples: ArrayLike,
        end_samples: ArrayLike,
        *,
        sample_rate_hz: float,
        labels: LabelArg | Sequence[LabelArg],
        channels: ArrayLike | None = None,
        scores: ArrayLike | None = None,
        original_length_s: float | None = None,
        to_name: str | None = None,
    ) -> list[Region]:
        """:meth:`segments` from sample indices (``end_samples`` exclusive) and a sample rate."""
        first = _int_vector(start_samples, "start_samples")
        last = _int_vector(end_samples, "end_samples", first.shape[0])
        rate = finite(sample_rate_hz, "sample_rate_hz")
        if rate <= 0:
            raise BuildError(f"sample_rate_hz must be positive, got {rate}")
        return self.segments(
            first / rate,
            last / rate,
            labels=labels,
            channels=channels,
            scores=scores,
            original_length_s=original_length_s,
            to_name=to_name,
        )


# --- video ---------------------------------------------------------------------------------


def _video_fps(video: Video, fps: float | None) -> float:
    """The frame rate Label Studio uses for ``video``; ``fps`` when it comes from task data."""
    if video.frame_rate is None:
        if fps is None:
            raise BuildError(
                f"<Video name={video.name!r}> reads its frame rate from task data "
                f"(${video.frame_rate_key}): pass fps= (this task's frames per second)"
            )
        rate = finite(fps, "fps")
        if rate < 1:
            raise BuildError(f"fps must be at least 1, got {rate}")
        return rate
    # The editor reads a frameRate below 1 as its inverse (FE tags/object/Video afterCreate).
    configured = video.frame_rate if video.frame_rate >= 1 else 1 / video.frame_rate
    if fps is not None and not math.isclose(finite(fps, "fps"), configured, rel_tol=1e-9):
        raise BuildError(
            f"fps={fps} disagrees with frameRate={configured:g} of <Video name={video.name!r}>; "
            "the editor uses the config's: drop fps= or fix frameRate"
        )
    return configured


def _video_length(
    frames_count: int | None, duration_s: float | None, fps: float
) -> tuple[int, float]:
    """``(framesCount, duration)`` of the video, from either or both."""
    if frames_count is None and duration_s is None:
        raise BuildError(
            "pass frames_count= (frames in the video) or duration_s=; "
            "Label Studio's validator requires framesCount and duration"
        )
    count = None if frames_count is None else _integer(frames_count, "frames_count")
    if count is not None and count < 1:
        raise BuildError(f"frames_count must be at least 1, got {count}")
    duration = None if duration_s is None else finite(duration_s, "duration_s")
    if duration is not None and duration <= 0:
        raise BuildError(f"duration_s must be positive, got {duration}")
    if duration is None:
        return count or 1, (count or 1) / fps
    if count is None:
        return max(1, timeunits.frames_in_s(duration, fps)), duration
    expected = duration * fps
    if abs(count - expected) > max(2.0, 0.01 * expected):
        raise BuildError(
            f"frames_count={count} does not match duration_s={duration} at {fps:g} fps "
            f"({expected:g} frames); check the units (duration_s is in seconds)"
        )
    return count, duration


def _frame_numbers(
    frame_idx: ArrayLike | None, frame_no: ArrayLike | None, frames_count: int
) -> tuple[NDArray[np.int64], str]:
    """1-based frame numbers from exactly one of ``frame_idx`` / ``frame_no``, range-checked."""
    if (frame_idx is None) == (frame_no is None):
        raise BuildError("pass exactly one of frame_idx= (0-based) or frame_no= (1-based)")
    name, base = ("frame_idx", 0) if frame_no is None else ("frame_no", 1)
    raw = frame_idx if frame_no is None else frame_no
    given = _int_vector(raw if raw is not None else (), name)
    if given.size == 0:
        raise BuildError(f"{name} is empty: a track needs at least one frame")
    low = int(given.argmin())
    if given[low] < base:
        hint = " (Label Studio numbers frames from 1; pass frame_idx= for 0-based)" if base else ""
        raise BuildError(f"{name} must be >= {base}, got {given[low]} (row {low}){hint}")
    high = int(given.argmax())
    if given[high] - base + 1 > frames_count:
        raise BuildError(
            f"{name} {given[high]} (row {high}) is past the end of the video "
            f"(frames_count={frames_count})"
        )
    return given - base + 1, name


def _boxes_pct(
    xyxy_px: ArrayLike | None,
    xywh_px: ArrayLike | None,
    xywh_pct: ArrayLike | None,
    frame_wh: tuple[int, int] | None,
    n: int,
) -> tuple[NDArray[np.float64], str]:
    """Boxes as (N, 4) ``x, y, width, height`` in percent of the frame, and the argument used."""
    given = [(k, v) for k, v in (("xyxy_px", xyxy_px), ("xywh_px", xywh_px)) if v is not None]
    if xywh_pct is not None:
        given.append(("xywh_pct", xywh_pct))
    if len(given) != 1:
        raise BuildError("pass exactly one of xyxy_px=, xywh_px= or xywh_pct=")
    name, raw = given[0]
    boxes = np.asarray(raw)
    if boxes.shape != (n, 4):
        raise BuildError(f"{name} must have shape ({n}, 4), got {boxes.shape}")
    if boxes.dtype.kind not in "iuf":
        raise BuildError(f"{name} must hold numbers, got dtype {boxes.dtype}")
    boxes = boxes.astype(np.float64)
    bad = np.flatnonzero(~np.isfinite(boxes).all(axis=1))
    if bad.size:
        raise BuildError(f"{name} row {bad[0]} is not finite: {boxes[bad[0]].tolist()}")
    if name == "xyxy_px":
        boxes[:, 2:] -= boxes[:, :2]
    sizes = boxes[:, 2:]
    bad = np.flatnonzero((sizes <= 0).any(axis=1))
    if bad.size:
        shape = (
            "[x1, y1, x2, y2] with x2 > x1 and y2 > y1"
            if name == "xyxy_px"
            else ("[x, y, width, height] with a positive width and height")
        )
        raise BuildError(
            f"{name} row {bad[0]} has no area: {np.asarray(raw)[bad[0]].tolist()}; a box is {shape}"
        )
    if name == "xywh_pct":
        return boxes, name
    if frame_wh is None:
        raise BuildError(f"{name} needs frame_wh=(width, height) of the video in pixels")
    width, height = (_integer(v, "frame_wh") for v in frame_wh)
    if width <= 0 or height <= 0:
        raise BuildError(f"frame_wh must be positive (width, height) in pixels, got {frame_wh}")
    scale = 100.0 / np.array([width, height, width, height], dtype=np.float64)
    return boxes * scale, name


def _clip_pct(
    given: tuple[NDArray[np.float64], str], clip: bool
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Boxes clipped to the frame, and which rows still have an area inside it."""
    boxes, name = given
    low = boxes[:, :2]
    high = boxes[:, :2] + boxes[:, 2:]
    if not clip:
        bad = np.flatnonzero((low < 0).any(axis=1) | (high > 100).any(axis=1))
        if bad.size:
            x, y, w, h = (round(float(v), 4) for v in boxes[bad[0]])
            raise BuildError(
                f"{name} row {bad[0]} leaves the frame (x={x}%, y={y}%, width={w}%, "
                f"height={h}%); pass clip=True to clip boxes to the frame"
            )
        return boxes, np.ones(len(boxes), dtype=bool)
    low = np.clip(low, 0.0, 100.0)
    high = np.clip(high, 0.0, 100.0)
    size = high - low
    inside: NDArray[np.bool_] = np.asarray((size > 0).all(axis=1))
    return np.concatenate([low, size], axis=1), inside


def _simplify(frames: NDArray[np.int64], boxes: NDArray[np.float64], tol: float) -> NDArray[Any]:
    """Indices of the keyframes to keep so that linear interpolation between kept keyframes
    reproduces every box within ``tol`` (percent), as Label Studio interpolates by frame.

    Douglas-Peucker over (frame, box): split a stretch at its worst-interpolated frame until
    every frame is within tolerance. The first and last frames are always kept.
    """
    keep = np.zeros(len(frames), dtype=bool)
    keep[0] = keep[-1] = True
    stack = [(0, len(frames) - 1)]
    while stack:
        a, b = stack.pop()
        if b - a < 2:
            continue
        t = (frames[a + 1 : b] - frames[a]) / (frames[b] - frames[a])
        between = boxes[a] + t[:, None] * (boxes[b] - boxes[a])
        error = np.abs(between - boxes[a + 1 : b]).max(axis=1)
        worst = int(error.argmax())
        if error[worst] > tol:
            m = a + 1 + worst
            keep[m] = True
            stack.extend(((a, m), (m, b)))
    return np.flatnonzero(keep)


def _sequence(
    frames: NDArray[np.int64],
    boxes: NDArray[np.float64],
    fps: float,
    max_gap_frames: int,
    tolerance_pct: float | None,
) -> list[dict[str, Any]]:
    """Keyframes of one track; ``frames`` sorted and unique, ``boxes`` in percent.

    A stretch of frames ends where more than ``max_gap_frames`` frames are missing; its last
    keyframe gets ``enabled: false`` (the box shows on that frame, then hides until the next
    keyframe), and the next stretch starts with ``enabled: true``.
    """
    breaks = np.flatnonzero(np.diff(frames) > max_gap_frames + 1) + 1
    out: list[dict[str, Any]] = []
    for run in np.split(np.arange(len(frames)), breaks):
        kept = (
            run if tolerance_pct is None else run[_simplify(frames[run], boxes[run], tolerance_pct)]
        )
        last = int(run[-1])
        for k in kept.tolist():
            frame = int(frames[k])
            x, y, w, h = boxes[k].tolist()
            out.append(
                {
                    "frame": frame,
                    "enabled": k != last,
                    "time": frame / fps,
                    "x": x,
                    "y": y,
                    "width": w,
                    "height": h,
                    "rotation": 0,
                }
            )
    return out


def _video_labels(
    labels_control: LabelingControl | None, video: Video, label: LabelArg | None
) -> list[str] | None:
    if labels_control is not None:
        from ..tags.controls import Labels  # the controls module imports this one

        if not isinstance(labels_control, Labels):
            raise BuildError(
                f"labels_control must be a <Labels> control, got <{labels_control.tag} "
                f"name={labels_control.name!r}>"
            )
        if video.name not in labels_control.to_name:
            raise BuildError(
                f"labels_control <Labels name={labels_control.name!r}> points at "
                f"{','.join(labels_control.to_name)!r}, not at <Video name={video.name!r}>"
            )
    if label is None:
        return None
    if labels_control is None:
        raise BuildError(
            f"label={label!r} needs labels_control=, the <Labels> control on "
            f"<Video name={video.name!r}> (config.control(name)): <VideoRectangle> has no "
            "labels of its own"
        )
    return labels_control.resolve_labels(label)


def _hashable(label: Any) -> LabelArg:
    """A per-row label as a vote: strings as they are, label lists as tuples."""
    return label if isinstance(label, str) else tuple(label)


def _gap_and_tolerance(
    max_gap_frames: int, tolerance_pct: float | None
) -> tuple[int, float | None]:
    gap = _integer(max_gap_frames, "max_gap_frames")
    if gap < 0:
        raise BuildError(f"max_gap_frames must be >= 0, got {gap}")
    if tolerance_pct is None:
        return gap, None
    tol = finite(tolerance_pct, "tolerance_pct")
    if tol < 0:
        raise BuildError(f"tolerance_pct must be >= 0, got {tol}")
    return gap, tol


def _track_result(
    control: ControlTag,
    video: Video,
    frames: NDArray[np.int64],
    boxes: NDArray[np.float64],
    rows: NDArray[Any],
    *,
    frame_name: str,
    fps: float,
    length: tuple[int, float],
    gap: int,
    tol: float | None,
    labels: list[str] | None,
    id: str | None,
    score: float | None,
    readonly: bool | None,
    hidden: bool | None,
) -> Region:
    order = np.argsort(frames, kind="stable")
    frames, boxes, rows = frames[order], boxes[order], rows[order]
    dup = np.flatnonzero(np.diff(frames) == 0)
    if dup.size:
        i = dup[0]
        raise BuildError(
            f"frame {frames[i]} appears twice in one track (rows {rows[i]} and {rows[i + 1]} "
            f"of {frame_name}); a track has one box per frame"
        )
    geometry = {
        "framesCount": length[0],
        "duration": length[1],
        "sequence": _sequence(frames, boxes, fps, gap, tol),
    }
    value = dict(geometry)
    if labels is not None:
        value["labels"] = list(labels)
    result = make_result(
        control,
        value,
        to_name=video.name,
        id=id,
        score=score,
        readonly=readonly,
        hidden=hidden,
    )
    return Region([result], geometry=geometry)


class VideoRectangleBuilder(ControlTag):
    """Builders of ``<VideoRectangle>`` tracks from per-frame boxes (a tracker's output).

    A track is one result: ``value.sequence`` holds keyframes ``{frame, enabled, time, x, y,
    width, height, rotation}`` (1-based frames, ``time = frame / fps``, box in percent of the
    frame), plus ``framesCount`` and ``duration`` that Label Studio's validator requires, and
    ``labels`` from the ``<Labels>`` control on the same video (reference §4.23, §4.24).
    """

    def track(
        self,
        *,
        frame_idx: ArrayLike | None = None,
        frame_no: ArrayLike | None = None,
        xyxy_px: ArrayLike | None = None,
        xywh_px: ArrayLike | None = None,
        xywh_pct: ArrayLike | None = None,
        frame_wh: tuple[int, int] | None = None,
        frames_count: int | None = None,
        duration_s: float | None = None,
        fps: float | None = None,
        label: LabelArg | None = None,
        labels_control: LabelingControl | None = None,
        max_gap_frames: int = 0,
        tolerance_pct: float | None = None,
        clip: bool = True,
        to_name: str | None = None,
        id: str | None = None,
        score: float | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
    ) -> Region:
        """One track from a box per frame.

        Every given frame becomes a keyframe (exact), unless ``tolerance_pct`` is set: then
        keyframes that Label Studio's linear interpolation reproduces within that many
        percent of the frame are dropped. Where frames are missing the track closes: the
        frame before the gap gets ``enabled: false`` and the track reopens at the next frame.

        Args:
            frame_idx: shape (N,), 0-based frame indices (OpenCV, decord, ``enumerate``).
            frame_no: shape (N,), 1-based frame numbers (Label Studio, MOTChallenge). Pass
                exactly one of the two.
            xyxy_px: shape (N, 4), ``[x1, y1, x2, y2]`` in pixels.
            xywh_px: shape (N, 4), ``[x, y, width, height]`` in pixels.
            xywh_pct: shape (N, 4), ``[x, y, width, height]`` in percent of the frame (Label
                Studio's own unit). Pass exactly one of the three.
            frame_wh: ``(width, height)`` of the video in pixels, for pixel boxes.
            frames_count: frames in the video (``framesCount``).
            duration_s: video duration in seconds (``duration``). Pass one or both; the other
                is derived with the frame rate.
            fps: frames per second, required when the ``<Video>`` reads ``frameRate`` from
                task data; otherwise it must agree with the config.
            label: the track's label (value or alias) from ``labels_control``.
            labels_control: the ``<Labels>`` control on the same video.
            max_gap_frames: missing frames bridged by interpolation instead of closing the
                track (0: every missing frame closes it).
            tolerance_pct: drop keyframes that interpolation reproduces within this many
                percent (None: keep every frame).
            clip: clip boxes to the frame; a box entirely outside is treated as not visible.
                With False, a box leaving the frame raises.
            to_name: the ``<Video>`` when the control has several targets.
            id: region id (a fresh one when None).
            score: confidence of the track in [0, 1].
            readonly: make the track read-only in the editor.
            hidden: start it hidden.

        Raises:
            BuildError: arrays of the wrong shape, frames out of range or repeated, boxes
                without area, a missing ``frame_wh``, frame rate or length, a label without
                ``labels_control``.
            LabelError: a label the ``<Labels>`` control does not define.

        >>> from prelabel import LabelConfig
        >>> cfg = LabelConfig.parse('<View><Video name="video" value="$video" frameRate="25"/>'
        ...     '<VideoRectangle name="box" toName="video"/></View>')
        >>> track = cfg.control("box").track(frame_idx=[0, 1], xyxy_px=[[0, 0, 64, 36]] * 2,
        ...     frame_wh=(640, 360), frames_count=100)
        >>> [(k["frame"], k["enabled"], k["time"], k["width"]) for k in track.geometry["sequence"]]
        [(1, True, 0.04, 10.0), (2, False, 0.08, 10.0)]
        """
        video = _target(self, to_name, Video, "track")
        rate = _video_fps(video, fps)
        length = _video_length(frames_count, duration_s, rate)
        frames, frame_name = _frame_numbers(frame_idx, frame_no, length[0])
        boxes, inside = _clip_pct(
            _boxes_pct(xyxy_px, xywh_px, xywh_pct, frame_wh, frames.shape[0]), clip
        )
        if not inside.any():
            raise BuildError("every box of the track lies outside the frame")
        labels = _video_labels(labels_control, video, label)
        gap, tol = _gap_and_tolerance(max_gap_frames, tolerance_pct)
        rows = np.flatnonzero(inside)
        return _track_result(
            self,
            video,
            frames[rows],
            boxes[rows],
            rows,
            frame_name=frame_name,
            fps=rate,
            length=length,
            gap=gap,
            tol=tol,
            labels=labels,
            id=id,
            score=score,
            readonly=readonly,
            hidden=hidden,
        )

    def tracks_from_arrays(
        self,
        *,
        track_ids: ArrayLike,
        frame_idx: ArrayLike | None = None,
        frame_no: ArrayLike | None = None,
        xyxy_px: ArrayLike | None = None,
        xywh_px: ArrayLike | None = None,
        xywh_pct: ArrayLike | None = None,
        frame_wh: tuple[int, int] | None = None,
        frames_count: int | None = None,
        duration_s: float | None = None,
        fps: float | None = None,
        labels: LabelArg | Sequence[str] | Mapping[Hashable, LabelArg] | None = None,
        labels_control: LabelingControl | None = None,
        scores: ArrayLike | None = None,
        max_gap_frames: int = 0,
        tolerance_pct: float | None = None,
        clip: bool = True,
        to_name: str | None = None,
    ) -> list[Region]:
        """One track per track id from a tracker's flat output (one row per box).

        Args:
            track_ids: shape (N,), the track id of each row (ints or strings).
            frame_idx, frame_no, xyxy_px, xywh_px, xywh_pct, frame_wh, frames_count,
                duration_s, fps, labels_control, max_gap_frames, tolerance_pct, clip,
                to_name: as in :meth:`track`, for all rows.
            labels: one label for every track; N labels, one per row (a track takes its
                most frequent label, the first seen on a tie; None rows do not vote); or a
                mapping from track id to label (tracks missing from it get none).
            scores: shape (N,), per-row confidences; a track's score is their mean.

        Returns:
            One region per track id, in sorted track-id order. A track whose boxes all lie
            outside the frame (``clip=True``) is left out.

        Raises:
            BuildError: as :meth:`track`; messages name the row.
            LabelError: a label the ``<Labels>`` control does not define.
        """
        video = _target(self, to_name, Video, "tracks_from_arrays")
        rate = _video_fps(video, fps)
        length = _video_length(frames_count, duration_s, rate)
        frames, frame_name = _frame_numbers(frame_idx, frame_no, length[0])
        n = frames.shape[0]
        ids = _vector(track_ids, "track_ids", n)
        boxes, inside = _clip_pct(_boxes_pct(xyxy_px, xywh_px, xywh_pct, frame_wh, n), clip)
        probs = None if scores is None else _float_vector(scores, "scores", n)
        if probs is not None:
            bad = np.flatnonzero((probs < 0) | (probs > 1))
            if bad.size:
                raise BuildError(f"scores[{bad[0]}] must be between 0 and 1, got {probs[bad[0]]}")
        per_row: list[Any] | None = None
        shared: list[str] | None = None
        if labels is None or isinstance(labels, str):
            shared = _video_labels(labels_control, video, labels)
        else:
            _video_labels(labels_control, video, None)
            if not isinstance(labels, Mapping):
                per_row = list(labels)
                if len(per_row) != n:
                    raise BuildError(f"labels has {len(per_row)} items but there are {n} rows")
        gap, tol = _gap_and_tolerance(max_gap_frames, tolerance_pct)
        unique, inverse = np.unique(ids, return_inverse=True)
        order = np.argsort(inverse, kind="stable")
        bounds = np.cumsum(np.bincount(inverse, minlength=len(unique)))[:-1]
        regions = []
        for track, rows in zip(unique.tolist(), np.split(order, bounds), strict=True):
            rows = rows[inside[rows]]
            if rows.size == 0:
                continue
            if per_row is not None:
                votes = Counter(
                    _hashable(per_row[r]) for r in rows.tolist() if per_row[r] is not None
                )
                top = votes.most_common(1)[0][0] if votes else None
                track_labels = _video_labels(labels_control, video, top)
            elif isinstance(labels, Mapping):
                track_labels = _video_labels(labels_control, video, labels.get(track))
            else:
                track_labels = shared
            regions.append(
                _track_result(
                    self,
                    video,
                    frames[rows],
                    boxes[rows],
                    rows,
                    frame_name=frame_name,
                    fps=rate,
                    length=length,
                    gap=gap,
                    tol=tol,
                    labels=track_labels,
                    id=None,
                    score=None if probs is None else check_score(float(probs[rows].mean())),
                    readonly=None,
                    hidden=None,
                )
            )
        return regions


# --- video timeline ------------------------------------------------------------------------


def _timeline_region(
    control: ControlTag,
    video: Video,
    start: int,
    end: int,
    labels: list[str],
    *,
    id: str | None,
    score: float | None,
    readonly: bool | None,
    hidden: bool | None,
) -> Region:
    geometry = {"ranges": [{"start": start, "end": end}]}
    result = make_result(
        control,
        {**geometry, "timelinelabels": list(labels)},
        to_name=video.name,
        id=id,
        score=score,
        readonly=readonly,
        hidden=hidden,
    )
    return Region([result], geometry=geometry)


class TimelineBuilder(ControlTag):
    """Builders of ``<TimelineLabels>``: labeled frame ranges on a ``<Video>``.

    A range is ``{"ranges": [{"start", "end"}], "timelinelabels": [...]}`` with 1-based,
    inclusive, integer frame numbers (reference §4.25): the editor turns it into keyframes
    ``start`` (enabled) and ``end`` (disabled, still shown).
    """

    def range_by_frames(
        self,
        start_frame_no: int,
        end_frame_no: int,
        *,
        label: LabelArg,
        frames_count: int | None = None,
        to_name: str | None = None,
        id: str | None = None,
        score: float | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
    ) -> Region:
        """A labeled range of frames ``start_frame_no`` to ``end_frame_no``, both included.

        Args:
            start_frame_no: first frame, 1-based (a 0-based index ``i`` is frame ``i + 1``).
            end_frame_no: last frame, included; equal to the start for a single frame.
            label: the label (value or alias).
            frames_count: frames in the video; when given, the range is checked against it.

        Raises:
            BuildError: frames below 1, end before start, a range past ``frames_count``.
            LabelError: a label the control does not define.

        >>> from prelabel import LabelConfig
        >>> cfg = LabelConfig.parse('<View><Video name="video" value="$video"/>'
        ...     '<TimelineLabels name="act" toName="video"><Label value="Run"/></TimelineLabels>'
        ...     '</View>')
        >>> cfg.control("act").range_by_frames(25, 75, label="Run", id="r1").result["value"]
        {'ranges': [{'start': 25, 'end': 75}], 'timelinelabels': ['Run']}
        """
        video = _target(self, to_name, Video, "range_by_frames")
        start = _integer(start_frame_no, "start_frame_no")
        end = _integer(end_frame_no, "end_frame_no")
        if start < 1:
            raise BuildError(
                f"start_frame_no must be >= 1 (Label Studio numbers frames from 1), got {start}"
            )
        if end < start:
            raise BuildError(f"end_frame_no ({end}) is before start_frame_no ({start})")
        if frames_count is not None:
            count = _integer(frames_count, "frames_count")
            if end > count:
                raise BuildError(
                    f"end_frame_no ({end}) is past the end of the video (frames_count={count})"
                )
        return _timeline_region(
            self,
            video,
            start,
            end,
            _labels(self, label),
            id=id,
            score=score,
            readonly=readonly,
            hidden=hidden,
        )

    def range_by_seconds(
        self,
        start_s: float,
        end_s: float,
        *,
        label: LabelArg,
        fps: float | None = None,
        frames_count: int | None = None,
        to_name: str | None = None,
        id: str | None = None,
        score: float | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
    ) -> Region:
        """A labeled range covering ``[start_s, end_s)`` seconds: every frame shown in it.

        Frame ``n`` is on screen from ``(n - 1) / fps`` to ``n / fps``; the range runs from
        the frame showing at ``start_s`` to the last frame that starts before ``end_s``.

        Raises:
            BuildError: end not after start, a negative start, a missing frame rate.
        """
        video = _target(self, to_name, Video, "range_by_seconds")
        rate = _video_fps(video, fps)
        start, end = _interval_s(start_s, end_s)
        first = timeunits.frame_at_s(start, rate)
        last = max(first, math.ceil(end * rate - 1e-6))
        return self.range_by_frames(
            first,
            last,
            label=label,
            frames_count=frames_count,
            to_name=video.name,
            id=id,
            score=score,
            readonly=readonly,
            hidden=hidden,
        )

    def ranges_from_frame_mask(
        self,
        mask: ArrayLike,
        *,
        label: LabelArg,
        to_name: str | None = None,
        score: float | None = None,
    ) -> list[Region]:
        """One range per run of True in a per-frame mask (a frame classifier's output).

        Args:
            mask: shape (frames,), booleans; item ``i`` is the frame with 0-based index ``i``
                (frame number ``i + 1``).
            label: the label of every range.
            score: confidence of every range.

        >>> from prelabel import LabelConfig
        >>> cfg = LabelConfig.parse('<View><Video name="video" value="$video"/>'
        ...     '<TimelineLabels name="act" toName="video"><Label value="Run"/></TimelineLabels>'
        ...     '</View>')
        >>> [r.geometry["ranges"] for r in cfg.control("act").ranges_from_frame_mask(
        ...     [0, 1, 1, 0, 1], label="Run")]
        [[{'start': 2, 'end': 3}], [{'start': 5, 'end': 5}]]
        """
        video = _target(self, to_name, Video, "ranges_from_frame_mask")
        frames = _bool_mask(mask, "mask")
        labels = _labels(self, label)
        return [
            _timeline_region(
                self,
                video,
                first + 1,
                last + 1,
                labels,
                id=None,
                score=score,
                readonly=None,
                hidden=None,
            )
            for first, last in _runs(frames)
        ]


# --- time series ---------------------------------------------------------------------------


def _axis(ts: TimeSeries) -> timeunits.D3TimeFormat | None:
    """The timeFormat when the time column holds timestamps, else None."""
    if ts.time_column and ts.time_format:
        return timeunits.time_format(ts.time_format)
    return None


def _time_value(ts: TimeSeries, value: Any, what: str) -> tuple[float, Any]:
    """``(sort key, JSON value)`` of a value of the time column."""
    fmt = _axis(ts)
    if fmt is not None:
        if isinstance(value, str):
            try:
                ms = fmt.parse_ms(value)
            except BuildError as err:
                raise BuildError(
                    f"{what} {value!r} does not parse with timeFormat {fmt.pattern!r} of "
                    f"<TimeSeries name={ts.name!r}>: {err}"
                ) from None
        elif isinstance(value, (dt.datetime, np.datetime64)):
            ms = timeunits.epoch_ms(value)
        else:
            raise BuildError(
                f"{what} must be a string in timeFormat {fmt.pattern!r} or a datetime "
                f"(<TimeSeries name={ts.name!r}> has timeFormat), got {type(value).__name__}"
            )
        return ms, fmt.format_ms(ms)
    if isinstance(value, (bool, np.bool_)) or not isinstance(
        value, (int, float, np.integer, np.floating)
    ):
        raise BuildError(
            f"{what} must be a number of time column {ts.time_column!r} "
            f"(<TimeSeries name={ts.name!r}> has no timeFormat), got {type(value).__name__}"
        )
    if isinstance(value, (int, np.integer)):
        return int(value), int(value)
    number = finite(value, what)
    return number, number


def _row_value(
    ts: TimeSeries, row: Any, time_values: NDArray[Any] | None, what: str
) -> tuple[float, Any]:
    """``(sort key, JSON value)`` of a 0-based row, via the time column when there is one."""
    index = _integer(row, what)
    if index < 0:
        raise BuildError(f"{what} must be >= 0, got {index}")
    if not ts.time_column:
        if time_values is not None and index >= len(time_values):
            raise BuildError(
                f"{what} {index} is out of range: time_values has {len(time_values)} rows"
            )
        return index, index
    if time_values is None:
        raise BuildError(
            f"<TimeSeries name={ts.name!r}> has timeColumn {ts.time_column!r}: pass "
            "time_values= (that column, in row order) to turn rows into times, or use "
            "range_by_time()"
        )
    if index >= len(time_values):
        raise BuildError(f"{what} {index} is out of range: time_values has {len(time_values)} rows")
    item = time_values[index]
    if time_values.dtype.kind in "US":
        item = str(item)
    elif time_values.dtype.kind in "iufb":
        item = item.item()
    return _time_value(ts, item, f"time_values[{index}]")


def _time_values(time_values: ArrayLike | None) -> NDArray[Any] | None:
    if time_values is None:
        return None
    return _vector(time_values, "time_values")


def _ts_region(
    control: ControlTag,
    ts: TimeSeries,
    start: tuple[float, Any],
    end: tuple[float, Any],
    names: tuple[str, str],
    labels: list[str],
    *,
    id: str | None,
    score: float | None,
    readonly: bool | None,
    hidden: bool | None,
) -> Region:
    if end[0] < start[0]:
        raise BuildError(f"{names[1]} ({end[1]!r}) is before {names[0]} ({start[1]!r})")
    geometry = {"start": start[1], "end": end[1], "instant": start[0] == end[0]}
    result = make_result(
        control,
        {**geometry, "timeserieslabels": list(labels)},
        to_name=ts.name,
        id=id,
        score=score,
        readonly=readonly,
        hidden=hidden,
    )
    return Region([result], geometry=geometry)


def _timed(ts: TimeSeries, method: str) -> None:
    if not ts.time_column:
        raise BuildError(
            f"<TimeSeries name={ts.name!r}> has no timeColumn, so its time axis is the 0-based "
            f"row index: use {method.replace('time', 'row')}()"
        )


class TimeSeriesBuilder(ControlTag):
    """Builders of ``<TimeSeriesLabels>``: labeled ranges and instants of a ``<TimeSeries>``.

    Values are ``{start, end, instant, timeserieslabels}`` in the units of the time axis
    (reference §4.21), which the ``<TimeSeries>`` decides:

    * no ``timeColumn``: 0-based row indices (ints);
    * ``timeColumn`` without ``timeFormat``: that column's numbers;
    * ``timeColumn`` and ``timeFormat``: timestamp strings in that format (d3, UTC); prelabel
      parses every timestamp given and writes it back in the format.

    ``instant`` is true when start and end are the same point.
    """

    def range_by_time(
        self,
        start_time: TimeValue,
        end_time: TimeValue,
        *,
        label: LabelArg,
        to_name: str | None = None,
        id: str | None = None,
        score: float | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
    ) -> Region:
        """A labeled range between two values of the time column, both included.

        Args:
            start_time: a timestamp string in the config's ``timeFormat`` or a ``datetime``
                (naive ones are UTC) or ``numpy.datetime64``; a number when the time column
                has no ``timeFormat``.
            end_time: the same kind of value, not before ``start_time``.
            label: the label (value or alias).

        Raises:
            BuildError: the TimeSeries has no time column, a timestamp that does not parse
                with ``timeFormat``, a value of the wrong kind, end before start.
            LabelError: a label the control does not define.

        >>> from prelabel import LabelConfig
        >>> cfg = LabelConfig.parse('<View><TimeSeries name="ts" value="$csv" timeColumn="time"'
        ...     ' timeFormat="%Y-%m-%d %H:%M:%S"><Channel column="v"/></TimeSeries>'
        ...     '<TimeSeriesLabels name="label" toName="ts"><Label value="Run"/>'
        ...     '</TimeSeriesLabels></View>')
        >>> cfg.control("label").range_by_time("2024-01-01 00:00:05", "2024-01-01 00:01:00",
        ...     label="Run").geometry
        {'start': '2024-01-01 00:00:05', 'end': '2024-01-01 00:01:00', 'instant': False}
        """
        ts = _target(self, to_name, TimeSeries, "range_by_time")
        _timed(ts, "range_by_time")
        return _ts_region(
            self,
            ts,
            _time_value(ts, start_time, "start_time"),
            _time_value(ts, end_time, "end_time"),
            ("start_time", "end_time"),
            _labels(self, label),
            id=id,
            score=score,
            readonly=readonly,
            hidden=hidden,
        )

    def instant_by_time(
        self,
        time: TimeValue,
        *,
        label: LabelArg,
        to_name: str | None = None,
        id: str | None = None,
        score: float | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
    ) -> Region:
        """A labeled single point (``instant: true``) at a value of the time column."""
        ts = _target(self, to_name, TimeSeries, "instant_by_time")
        _timed(ts, "instant_by_time")
        point = _time_value(ts, time, "time")
        return _ts_region(
            self,
            ts,
            point,
            point,
            ("time", "time"),
            _labels(self, label),
            id=id,
            score=score,
            readonly=readonly,
            hidden=hidden,
        )

    def range_by_row(
        self,
        start_row: int,
        end_row: int,
        *,
        label: LabelArg,
        time_values: ArrayLike | None = None,
        to_name: str | None = None,
        id: str | None = None,
        score: float | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
    ) -> Region:
        """A labeled range of rows ``start_row`` to ``end_row`` (0-based, both included).

        Args:
            start_row: first row (0-based, as in the CSV without its header, or the arrays).
            end_row: last row, included.
            label: the label (value or alias).
            time_values: shape (rows,), the time column in row order; required when the
                ``<TimeSeries>`` has a ``timeColumn`` (rows become its values), optional
                otherwise (then it only bounds the rows).

        Raises:
            BuildError: negative rows, rows past ``time_values``, end before start, a time
                column without ``time_values``, a time value that does not parse.

        >>> from prelabel import LabelConfig
        >>> cfg = LabelConfig.parse('<View><TimeSeries name="ts" value="$csv" valueType="url">'
        ...     '<Channel column="first_column"/></TimeSeries>'
        ...     '<TimeSeriesLabels name="label" toName="ts"><Label value="Spike"/>'
        ...     '</TimeSeriesLabels></View>')
        >>> cfg.control("label").range_by_row(120, 180, label="Spike").geometry
        {'start': 120, 'end': 180, 'instant': False}
        """
        ts = _target(self, to_name, TimeSeries, "range_by_row")
        column = _time_values(time_values)
        return _ts_region(
            self,
            ts,
            _row_value(ts, start_row, column, "start_row"),
            _row_value(ts, end_row, column, "end_row"),
            ("start_row", "end_row"),
            _labels(self, label),
            id=id,
            score=score,
            readonly=readonly,
            hidden=hidden,
        )

    def instant_by_row(
        self,
        row: int,
        *,
        label: LabelArg,
        time_values: ArrayLike | None = None,
        to_name: str | None = None,
        id: str | None = None,
        score: float | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
    ) -> Region:
        """A labeled single point (``instant: true``) at a 0-based row."""
        ts = _target(self, to_name, TimeSeries, "instant_by_row")
        point = _row_value(ts, row, _time_values(time_values), "row")
        return _ts_region(
            self,
            ts,
            point,
            point,
            ("row", "row"),
            _labels(self, label),
            id=id,
            score=score,
            readonly=readonly,
            hidden=hidden,
        )

    def ranges_from_mask(
        self,
        mask: ArrayLike,
        *,
        label: LabelArg,
        time_values: ArrayLike | None = None,
        to_name: str | None = None,
        score: float | None = None,
    ) -> list[Region]:
        """One range per run of True in a per-row mask (an anomaly or event detector's output).

        A run of one row becomes an instant.

        Args:
            mask: shape (rows,), booleans (or 0/1), one per row.
            label: the label of every range.
            time_values: as in :meth:`range_by_row`; when given it must have the mask's length.
            score: confidence of every range.
        """
        ts = _target(self, to_name, TimeSeries, "ranges_from_mask")
        rows = _bool_mask(mask, "mask")
        column = _time_values(time_values)
        if column is not None and len(column) != len(rows):
            raise BuildError(f"time_values has {len(column)} rows but mask has {len(rows)}")
        labels = _labels(self, label)
        return [
            _ts_region(
                self,
                ts,
                _row_value(ts, first, column, "start_row"),
                _row_value(ts, last, column, "end_row"),
                ("start_row", "end_row"),
                labels,
                id=None,
                score=score,
                readonly=None,
                hidden=None,
            )
            for first, last in _runs(rows)
        ]
