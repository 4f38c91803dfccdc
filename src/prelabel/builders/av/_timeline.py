"""Video timelines: ``<TimelineLabels>`` frame ranges on a ``<Video>``."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from ... import timeunits
from ...errors import BuildError
from ...results import Region
from ...tags.base import ControlTag
from ...tags.objects import Video
from .._labeled_region import Options, labeled_region
from ._frames import video_fps
from ._shared import LabelArg, bool_mask, integer, interval_s, labels_of, target_of, true_runs

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

__all__ = ["TimelineBuilder"]


def _timeline_region(
    control: ControlTag, video: Video, start: int, end: int, labels: list[str], options: Options
) -> Region:
    geometry = {"ranges": [{"start": start, "end": end}]}
    return labeled_region(control, video.name, geometry, "timelinelabels", labels, options)


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
        video = target_of(self, to_name, Video, "range_by_frames")
        options = Options(id, score, readonly, hidden)
        return self._timeline_range_at(
            video, start_frame_no, end_frame_no, label, frames_count, options
        )

    def _timeline_range_at(
        self,
        video: Video,
        start_frame_no: int,
        end_frame_no: int,
        label: LabelArg,
        frames_count: int | None,
        options: Options,
    ) -> Region:
        start = integer(start_frame_no, "start_frame_no")
        end = integer(end_frame_no, "end_frame_no")
        if start < 1:
            raise BuildError(
                f"start_frame_no must be >= 1 (Label Studio numbers frames from 1), got {start}"
            )
        if end < start:
            raise BuildError(f"end_frame_no ({end}) is before start_frame_no ({start})")
        if frames_count is not None:
            count = integer(frames_count, "frames_count")
            if end > count:
                raise BuildError(
                    f"end_frame_no ({end}) is past the end of the video (frames_count={count})"
                )
        return _timeline_region(self, video, start, end, labels_of(self, label), options)

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
        video = target_of(self, to_name, Video, "range_by_seconds")
        rate = video_fps(video, fps)
        start, end = interval_s(start_s, end_s)
        first = timeunits.frame_at_s(start, rate)
        last = max(first, math.ceil(end * rate - 1e-6))
        options = Options(id, score, readonly, hidden)
        return self._timeline_range_at(video, first, last, label, frames_count, options)

    def ranges_from_frame_mask(
        self,
        mask: ArrayLike,
        *,
        label: LabelArg,
        to_name: str | None = None,
        score: float | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
    ) -> list[Region]:
        """One range per run of True in a per-frame mask (a frame classifier's output).

        Args:
            mask: shape (frames,), booleans; item ``i`` is the frame with 0-based index ``i``
                (frame number ``i + 1``).
            label: the label of every range.
            score: confidence of every range.
            readonly: make the ranges read-only.
            hidden: start them hidden.

        >>> from prelabel import LabelConfig
        >>> cfg = LabelConfig.parse('<View><Video name="video" value="$video"/>'
        ...     '<TimelineLabels name="act" toName="video"><Label value="Run"/></TimelineLabels>'
        ...     '</View>')
        >>> [r.geometry["ranges"] for r in cfg.control("act").ranges_from_frame_mask(
        ...     [0, 1, 1, 0, 1], label="Run")]
        [[{'start': 2, 'end': 3}], [{'start': 5, 'end': 5}]]
        """
        video = target_of(self, to_name, Video, "ranges_from_frame_mask")
        frames = bool_mask(mask, "mask")
        labels = labels_of(self, label)
        options = Options(score=score, readonly=readonly, hidden=hidden)
        return [
            _timeline_region(self, video, first + 1, last + 1, labels, options)
            for first, last in true_runs(frames)
        ]
