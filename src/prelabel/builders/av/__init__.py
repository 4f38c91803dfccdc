"""Audio, video and time-series builders: segments, video tracks, timelines, time-series ranges.

Every argument names its unit: seconds (``start_s``), audio samples (``start_sample``), Label
Studio's 1-based frame numbers (``frame_no``), a decoder's 0-based frame indices
(``frame_idx``), pixels (``_px``), percent of the frame (``_pct``) and, for time series, values
of the time column (``start_time``) or 0-based rows (``start_row``). The conventions behind the
conversions are in :mod:`prelabel.timeunits`.

Modules: ``_audio`` (segments), ``_video`` (tracks) on ``_frames`` (frame numbers, boxes,
keyframes), ``_timeline`` (frame ranges), ``_timeseries`` (ranges and instants), and
``_shared`` (the argument checks they share).
"""

from ._audio import AudioSegmentBuilder
from ._timeline import TimelineBuilder
from ._timeseries import TimeSeriesBuilder
from ._video import VideoRectangleBuilder

__all__ = [
    "AudioSegmentBuilder",
    "TimeSeriesBuilder",
    "TimelineBuilder",
    "VideoRectangleBuilder",
]
