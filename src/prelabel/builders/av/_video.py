"""Video tracks: ``<VideoRectangle>`` results from a tracker's per-frame boxes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from ..._lazy import lazy_module
from ...errors import BuildError, LabelError
from ...results import Region
from ...tags.base import ControlTag
from ...tags.objects import Video
from .._classes import ClassNames, class_labels
from .._common import check_score, finite
from .._labeled_region import Options, labeled_region
from ._frames import boxes_pct, clip_pct, frame_numbers, keyframes, video_fps, video_length
from ._shared import LabelArg, float_vector, integer, target_of, vector

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import ArrayLike, NDArray

    from ...tags.labeling import LabelingControl
else:
    np = lazy_module("numpy")

__all__ = ["VideoRectangleBuilder"]


class _Frames(NamedTuple):
    """What every track of one call shares: the video, its frames and how to make keyframes."""

    video: Video
    numbers: NDArray[np.int64]  # 1-based frame number of each row
    name: str  # the argument the frames came from, for messages
    fps: float
    length: tuple[int, float]  # (framesCount, duration)


def _frames(
    control: ControlTag,
    method: str,
    to_name: str | None,
    fps: float | None,
    frames_count: int | None,
    duration_s: float | None,
    frame_idx: ArrayLike | None,
    frame_no: ArrayLike | None,
) -> _Frames:
    video = target_of(control, to_name, Video, method)
    rate = video_fps(video, fps)
    length = video_length(frames_count, duration_s, rate)
    numbers, name = frame_numbers(frame_idx, frame_no, length[0])
    return _Frames(video, numbers, name, rate, length)


def _video_labels(
    labels_control: LabelingControl | None, video: Video, label: LabelArg | None
) -> list[str] | None:
    if labels_control is not None:
        if labels_control.tag != "Labels":
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
    gap = integer(max_gap_frames, "max_gap_frames")
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
    given: _Frames,
    rows: NDArray[Any],
    boxes: NDArray[np.float64],
    gap: int,
    tol: float | None,
    labels: list[str] | None,
    options: Options,
) -> Region:
    """The track of ``rows`` (indices into the call's frames and boxes)."""
    order = np.argsort(given.numbers[rows], kind="stable")
    rows = rows[order]
    frames, boxes, frame_name = given.numbers[rows], boxes[rows], given.name
    dup = np.flatnonzero(np.diff(frames) == 0)
    if dup.size:
        i = dup[0]
        raise BuildError(
            f"frame {frames[i]} appears twice in one track (rows {rows[i]} and {rows[i + 1]} "
            f"of {frame_name}); a track has one box per frame"
        )
    geometry = {
        "framesCount": given.length[0],
        "duration": given.length[1],
        "sequence": keyframes(frames, boxes, given.fps, gap, tol),
    }
    return labeled_region(control, given.video.name, geometry, "labels", labels, options)


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
        given = _frames(self, "track", to_name, fps, frames_count, duration_s, frame_idx, frame_no)
        n = given.numbers.shape[0]
        boxes, inside = clip_pct(boxes_pct(xyxy_px, xywh_px, xywh_pct, frame_wh, n), clip)
        if not inside.any():
            raise BuildError("every box of the track lies outside the frame")
        labels = _video_labels(labels_control, given.video, label)
        gap, tol = _gap_and_tolerance(max_gap_frames, tolerance_pct)
        options = Options(id, score, readonly, hidden)
        return _track_result(self, given, np.flatnonzero(inside), boxes, gap, tol, labels, options)

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
        label: LabelArg | None = None,
        class_ids: ArrayLike | None = None,
        class_names: ClassNames | None = None,
        labels_control: LabelingControl | None = None,
        scores: ArrayLike | None = None,
        max_gap_frames: int = 0,
        tolerance_pct: float | None = None,
        clip: bool = True,
        to_name: str | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
    ) -> list[Region]:
        """One track per track id from a tracker's flat output (one row per box).

        Args:
            track_ids: shape (N,), the track id of each row (ints or strings).
            frame_idx, frame_no, xyxy_px, xywh_px, xywh_pct, frame_wh, frames_count,
                duration_s, fps, labels_control, max_gap_frames, tolerance_pct, clip,
                to_name: as in :meth:`track`, for all rows.
            labels: one label for every track; N labels, one per row (a track takes its
                most frequent label, the first seen on a tie; None rows do not vote); or a
                mapping from track id to label (tracks missing from it get none); or
            label: one label for every track; or
            class_ids: shape (N,), each row's model class id, with
            class_names: the model's class names (a list or a dict), matched to the labels
                of ``labels_control``; a track takes its rows' most frequent class.
            scores: shape (N,), per-row confidences; a track's score is their mean.
            readonly: make the tracks read-only.
            hidden: start them hidden.

        Returns:
            One region per track id, in sorted track-id order. A track whose boxes all lie
            outside the frame (``clip=True``) is left out.

        Raises:
            BuildError: as :meth:`track`; messages name the row.
            LabelError: a label the ``<Labels>`` control does not define.
        """
        frames = _frames(
            self, "tracks_from_arrays", to_name, fps, frames_count, duration_s, frame_idx, frame_no
        )
        video, n = frames.video, frames.numbers.shape[0]
        ids = vector(track_ids, "track_ids", n)
        boxes, inside = clip_pct(boxes_pct(xyxy_px, xywh_px, xywh_pct, frame_wh, n), clip)
        probs = None if scores is None else float_vector(scores, "scores", n)
        if probs is not None:
            bad = np.flatnonzero((probs < 0) | (probs > 1))
            if bad.size:
                raise BuildError(f"scores[{bad[0]}] must be between 0 and 1, got {probs[bad[0]]}")
        ways = [
            name
            for name, value in (("label", label), ("labels", labels), ("class_ids", class_ids))
            if value is not None
        ]
        if len(ways) > 1:
            raise LabelError(
                "give the tracks' labels once: label= (every track), labels= (per row or per "
                f"track) or class_ids= with class_names=; got {', '.join(ways)}"
            )
        per_row: list[Any] | None = None
        shared: list[str] | None = None
        if class_ids is not None:
            _video_labels(labels_control, video, None)
            if labels_control is None:
                raise BuildError(
                    f"class_ids= needs labels_control=, the <Labels> control on <Video "
                    f"name={video.name!r}>: <VideoRectangle> has no labels of its own"
                )
            per_row = class_labels(labels_control, class_ids, class_names, count=n, what="row")
        elif labels is None or isinstance(labels, str):
            shared = _video_labels(labels_control, video, label if labels is None else labels)
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
            score = None if probs is None else check_score(float(probs[rows].mean()))
            regions.append(
                _track_result(
                    self,
                    frames,
                    rows,
                    boxes,
                    gap,
                    tol,
                    track_labels,
                    Options(score=score, readonly=readonly, hidden=hidden),
                )
            )
        return regions
