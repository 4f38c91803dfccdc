"""Video frames and keyframes: frame rate, length, frame numbers, boxes in percent, and the
keyframe ``sequence`` of a ``<VideoRectangle>`` track (reference §4.23, §4.24)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from ... import timeunits
from ..._lazy import lazy_module
from ...errors import BuildError
from ...tags.objects import Video
from .._common import finite
from ._shared import int_vector, integer

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import ArrayLike, NDArray
else:
    np = lazy_module("numpy")


def video_fps(video: Video, fps: float | None) -> float:
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


def video_length(
    frames_count: int | None, duration_s: float | None, fps: float
) -> tuple[int, float]:
    """``(framesCount, duration)`` of the video, from either or both."""
    if frames_count is None and duration_s is None:
        raise BuildError(
            "pass frames_count= (frames in the video) or duration_s=; "
            "Label Studio's validator requires framesCount and duration"
        )
    count = None if frames_count is None else integer(frames_count, "frames_count")
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


def frame_numbers(
    frame_idx: ArrayLike | None, frame_no: ArrayLike | None, frames_count: int
) -> tuple[NDArray[np.int64], str]:
    """1-based frame numbers from exactly one of ``frame_idx`` / ``frame_no``, range-checked."""
    if (frame_idx is None) == (frame_no is None):
        raise BuildError("pass exactly one of frame_idx= (0-based) or frame_no= (1-based)")
    name, base = ("frame_idx", 0) if frame_no is None else ("frame_no", 1)
    raw = frame_idx if frame_no is None else frame_no
    given = int_vector(raw if raw is not None else (), name)
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


def boxes_pct(
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
    try:
        first, second = frame_wh
    except (TypeError, ValueError):
        raise BuildError(
            f"frame_wh must be (width, height) of the video in pixels, got {frame_wh!r}"
        ) from None
    width, height = integer(first, "frame_wh"), integer(second, "frame_wh")
    if width <= 0 or height <= 0:
        raise BuildError(f"frame_wh must be positive (width, height) in pixels, got {frame_wh}")
    scale = 100.0 / np.array([width, height, width, height], dtype=np.float64)
    return boxes * scale, name


def clip_pct(
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


def keyframes(
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
