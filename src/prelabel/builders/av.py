"""Audio, video and time-series builders: segments, video tracks, timelines, time-series ranges."""

from __future__ import annotations

from ..tags.base import ControlTag


class AudioSegmentBuilder(ControlTag):
    """Builders of ``<Labels>`` on ``<Audio>``: segments in seconds or samples."""


class VideoRectangleBuilder(ControlTag):
    """Builders of ``<VideoRectangle>`` tracks."""


class TimelineBuilder(ControlTag):
    """Builders of ``<TimelineLabels>`` frame ranges."""


class TimeSeriesBuilder(ControlTag):
    """Builders of ``<TimeSeriesLabels>`` ranges."""
