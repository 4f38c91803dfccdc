"""Hypothesis strategies for audio, video and time-series tests (timeunits, builders.av)."""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import strategies as st

# Frame rates seen in the wild (NTSC fractions included) and arbitrary ones.
fps = st.one_of(
    st.sampled_from([23.976, 24.0, 25.0, 29.97, 30.0, 50.0, 59.94, 60.0, 120.0]),
    st.floats(min_value=1.0, max_value=240.0, allow_nan=False, allow_infinity=False),
)
sample_rates = st.one_of(
    st.sampled_from([8_000, 16_000, 22_050, 44_100, 48_000, 96_000]),
    st.integers(min_value=1_000, max_value=384_000),
)
frame_numbers = st.integers(min_value=1, max_value=10_000_000)
sample_indices = st.integers(min_value=0, max_value=10**10)

# Milliseconds since the epoch for years 1970-9999 (d3's %s and %Q have no minus sign).
epoch_ms = st.integers(min_value=0, max_value=253_402_300_799_999)
datetimes_utc = st.datetimes(
    min_value=dt.datetime(1000, 1, 1), max_value=dt.datetime(9999, 12, 31, 23, 59, 59)
)

# Patterns that keep every millisecond: parse(format(ms)) == ms.
FULL_PATTERNS = [
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%S.%LZ",
    "%Q",
    "%s.%L",
    "%d/%m/%Y %I:%M:%S.%L %p",
    "%j %Y %H%M%S%L",
    "%a %b %e %Y %H:%M:%S.%L",
]
# Patterns that drop resolution (seconds, days) or wrap years (%y): format is idempotent.
COARSE_PATTERNS = [
    "%Y-%m-%d",
    "%m/%d/%Y %H:%M:%S",
    "%c",
    "%x %X",
    "%-d.%-m.%y %_H:%M",
    "%A, %B %-d, %Y",
    "%s",
    "%Y-%m-%dT%H:%M:%S%Z",
]


@st.composite
def track_frames(draw: st.DrawFn, max_frames: int = 400) -> np.ndarray:
    """Sorted unique 1-based frame numbers: stretches with gaps between them."""
    frames: list[int] = []
    frame = draw(st.integers(min_value=1, max_value=50))
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        length = draw(st.integers(min_value=1, max_value=40))
        frames.extend(range(frame, frame + length))
        frame += length + draw(st.integers(min_value=1, max_value=20))
    return np.array([f for f in frames if f <= max_frames], dtype=np.int64)


@st.composite
def smooth_boxes_pct(draw: st.DrawFn, frames: np.ndarray) -> np.ndarray:
    """(N, 4) boxes in percent, moving piecewise linearly with small jitter, inside the frame."""
    n = len(frames)
    knots = draw(st.integers(min_value=2, max_value=5))
    at = np.linspace(frames[0], frames[-1] + 1, knots)
    starts = draw(
        st.lists(
            st.tuples(
                st.floats(0, 60),
                st.floats(0, 60),
                st.floats(5, 35),
                st.floats(5, 35),
            ),
            min_size=knots,
            max_size=knots,
        )
    )
    table = np.array(starts, dtype=np.float64)
    boxes = np.stack([np.interp(frames, at, table[:, k]) for k in range(4)], axis=1)
    jitter = draw(st.floats(0, 0.5))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    boxes += rng.uniform(-jitter, jitter, size=(n, 4))
    boxes[:, :2] = np.clip(boxes[:, :2], 0, 60)
    return boxes
