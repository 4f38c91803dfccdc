"""prelabel.timeunits: seconds, samples, frames, and d3 timestamps."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prelabel.errors import BuildError
from prelabel.timeunits import (
    D3TimeFormat,
    frame_at_s,
    frame_start_s,
    frames_in_s,
    keyframe_time_s,
    samples_to_seconds,
    seconds_to_samples,
    time_format,
)
from prelabel.timeunits import epoch_ms as to_epoch_ms
from strategies_av import (
    COARSE_PATTERNS,
    FULL_PATTERNS,
    datetimes_utc,
    epoch_ms,
    fps,
    frame_numbers,
    sample_indices,
    sample_rates,
)

SETTINGS = settings(max_examples=200, deadline=None)

# --- samples and frames --------------------------------------------------------------------


@SETTINGS
@given(sample_indices, sample_rates)
def test_samples_round_trip(samples: int, rate: int) -> None:
    assert seconds_to_samples(samples_to_seconds(samples, rate), rate) == samples


@SETTINGS
@given(frame_numbers, fps)
def test_frame_start_round_trip(frame: int, rate: float) -> None:
    assert frame_at_s(frame_start_s(frame, rate), rate) == frame


@SETTINGS
@given(frame_numbers, fps)
def test_frame_middle_and_keyframe_time(frame: int, rate: float) -> None:
    middle = (frame_start_s(frame, rate) + keyframe_time_s(frame, rate)) / 2
    assert frame_at_s(middle, rate) == frame
    # Label Studio's keyframe time is the end of the frame's interval: the next frame starts.
    assert frame_at_s(keyframe_time_s(frame, rate), rate) == frame + 1


@SETTINGS
@given(frame_numbers, fps)
def test_frames_in_duration_round_trip(frames: int, rate: float) -> None:
    assert frames_in_s(frames / rate, rate) == frames


@pytest.mark.parametrize(
    ("call", "message"),
    [
        pytest.param(
            lambda: samples_to_seconds(10, 0),
            "sample_rate_hz must be a positive finite number, got 0.0",
            id="zero-rate",
        ),
        pytest.param(
            lambda: frame_at_s(1.0, float("nan")),
            "fps must be a positive finite number, got nan",
            id="nan-fps",
        ),
        pytest.param(
            lambda: keyframe_time_s(3, True), "fps must be a number, got a bool (True)", id="bool"
        ),
    ],
)
def test_rate_misuse(call: object, message: str) -> None:
    with pytest.raises(BuildError, match=re.escape(message)):
        call()  # type: ignore[operator]


# --- d3 timestamps: values checked against d3-time-format 4 (utcFormat / utcParse) ---------

D3_FORMATTED = [
    ("%Y-%m-%d %H:%M:%S.%f", 1709294400250, "2024-03-01 12:00:00.250000"),
    ("%c", 0, "1/1/1970, 12:00:00 AM"),
    ("%x %X", 1709294400250, "3/1/2024 12:00:00 PM"),
    ("%a %b %e %H:%M:%S %Y", 1709294400250, "Fri Mar  1 12:00:00 2024"),
    ("%Y-%m-%dT%H:%M:%S.%LZ", 1709294400250, "2024-03-01T12:00:00.250Z"),
    ("%d/%m/%y %I:%M %p", 1709294400250, "01/03/24 12:00 PM"),
    ("%j %Y", 1709294400250, "061 2024"),
    ("%s.%L", 1709294400250, "1709294400.250"),
    ("%Q", 1709294400250, "1709294400250"),
    ("%-d.%-m.%Y", 1709294400250, "1.3.2024"),
    ("%A %u %w", 1709294400250, "Friday 5 5"),
]


@pytest.mark.parametrize(
    ("pattern", "ms", "text"), D3_FORMATTED, ids=[row[0] for row in D3_FORMATTED]
)
def test_format_matches_d3(pattern: str, ms: int, text: str) -> None:
    assert D3TimeFormat(pattern).format_ms(ms) == text


D3_PARSED = [
    ("%Y-%m-%dT%H:%M:%S%Z", "2024-03-01T17:30:00+05:30", 1709294400000),
    ("%Y-%m-%dT%H:%M:%S%Z", "2024-03-01T12:00:00Z", 1709294400000),
    ("%d %B %Y", "1 march 2024", 1709251200000),
    ("%m/%d/%Y %I:%M:%S %p", "3/1/2024 12:00:00 pm", 1709294400000),
    ("%m/%d/%Y %I:%M:%S %p", "3/1/2024 12:00:00 AM", 1709251200000),
    ("%y", "68", 3092601600000),
    ("%y", "69", -31536000000),
    ("%e/%m", " 5/01", -2208643200000),
]


@pytest.mark.parametrize(
    ("pattern", "text", "ms"), D3_PARSED, ids=[f"{r[0]}|{r[1]}" for r in D3_PARSED]
)
def test_parse_matches_d3(pattern: str, text: str, ms: int) -> None:
    assert D3TimeFormat(pattern).parse_ms(text) == ms


@SETTINGS
@given(st.sampled_from(FULL_PATTERNS), epoch_ms)
def test_full_patterns_round_trip(pattern: str, ms: int) -> None:
    fmt = D3TimeFormat(pattern)
    assert fmt.parse_ms(fmt.format_ms(ms)) == ms


@SETTINGS
@given(st.sampled_from(FULL_PATTERNS + COARSE_PATTERNS), epoch_ms)
def test_format_is_idempotent(pattern: str, ms: int) -> None:
    fmt = D3TimeFormat(pattern)
    text = fmt.format_ms(ms)
    assert fmt.format_ms(fmt.parse_ms(text)) == text


@SETTINGS
@given(datetimes_utc)
def test_datetime_round_trip(moment: dt.datetime) -> None:
    fmt = D3TimeFormat("%Y-%m-%d %H:%M:%S.%f")
    truncated = moment.replace(microsecond=moment.microsecond // 1000 * 1000)
    assert fmt.parse(fmt.format(moment)) == truncated.replace(tzinfo=dt.timezone.utc)


def test_epoch_ms_of_naive_aware_and_numpy() -> None:
    naive = dt.datetime(2024, 3, 1, 12)
    aware = dt.datetime(2024, 3, 1, 17, 30, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30)))
    assert to_epoch_ms(naive) == to_epoch_ms(aware) == 1709294400000
    assert to_epoch_ms(np.datetime64("2024-03-01T12:00:00.250")) == 1709294400250


def test_time_format_is_cached() -> None:
    assert time_format("%Y") is time_format("%Y")


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        pytest.param(
            "%Y-W%W",
            "timeFormat '%Y-W%W' uses %W (week of the year), which prelabel does not support; "
            "write timestamps with %Y-%m-%d (or %j) instead",
            id="week",
        ),
        pytest.param("%Y %q", "uses %q (quarter)", id="quarter"),
        pytest.param("%Y-%K", "timeFormat '%Y-%K': %K is not a d3 time directive", id="unknown"),
        pytest.param("%Y%", "timeFormat '%Y%' ends with a lone '%'", id="lone-percent"),
        pytest.param(
            "%j %m", "timeFormat '%j %m' sets the day twice (%j and a month or day)", id="day-twice"
        ),
        pytest.param("", "timeFormat must be a non-empty string, got ''", id="empty"),
    ],
)
def test_refused_patterns(pattern: str, message: str) -> None:
    with pytest.raises(BuildError, match=re.escape(message)):
        D3TimeFormat(pattern)


@pytest.mark.parametrize(
    ("pattern", "text", "message"),
    [
        pytest.param("%Y-%m-%d", "2024-13-01", "month 13 is outside 1-12", id="month"),
        pytest.param("%Y-%m-%d", "2023-02-29", "day 29 is outside 1-28 for 2023-02", id="feb"),
        pytest.param("%H:%M:%S", "10:00:60", "second 60 is outside 0-59", id="second"),
        pytest.param("%H:%M", "24:00", "hour 24 is outside 0-23", id="hour"),
        pytest.param("%I %p", "13 PM", "hour 13 is outside 1-12 (12-hour clock)", id="hour12"),
        pytest.param("%Y-%j", "2023-366", "day of the year 366 is outside 1-365 in 2023", id="doy"),
        pytest.param(
            "%Y-%m-%d", "2024/03/01", "expected '-' at position 4, found '/'", id="literal"
        ),
        pytest.param(
            "%Y-%m-%d",
            "2024-03-01 10:00",
            "unexpected text ' 10:00' at position 10",
            id="trailing",
        ),
        pytest.param(
            "%Y-%m-%d %H",
            "2024-03-01",
            "text ends where ' ' was expected",
            id="short",
        ),
        pytest.param(
            "%d %b",
            "1 Mrz",
            "expected %b (month abbreviation) at position 2, found 'Mrz'",
            id="name",
        ),
        pytest.param(
            "%S.%f",
            "00.123",
            "%f needs exactly 6 digits at position 3, found '123' "
            "(d3 reads '123' as 123 microseconds)",
            id="micro-digits",
        ),
        pytest.param(
            "%S.%L",
            "00.5",
            "%L needs exactly 3 digits at position 3, found '5' (d3 reads '5' as 5 milliseconds)",
            id="milli-digits",
        ),
        pytest.param(
            "%a %Y-%m-%d",
            "Tue 2024-03-01",
            "2024-03-01 is a Friday, but the weekday says Tuesday",
            id="weekday",
        ),
        pytest.param("%Y", "0000", "year 0 is outside 1-9999", id="year-zero"),
        pytest.param(
            "%Y-%m-%d %H",
            "2024-03-01 ",
            "text ends where %H (hour (00-23)) was expected",
            id="short-directive",
        ),
        pytest.param(
            "%H%Z",
            "10+5",
            "expected a time zone offset (Z or +hhmm) at position 2, found '+5'",
            id="zone",
        ),
    ],
)
def test_parse_errors(pattern: str, text: str, message: str) -> None:
    with pytest.raises(BuildError, match=re.escape(message)):
        D3TimeFormat(pattern).parse_ms(text)


def test_parse_needs_a_string() -> None:
    with pytest.raises(BuildError, match=re.escape("a timestamp must be a string, got int")):
        D3TimeFormat("%Y").parse_ms(2024)  # type: ignore[arg-type]


def test_epoch_directives_refuse_instants_before_1970() -> None:
    with pytest.raises(
        BuildError,
        match=re.escape(
            "%Q cannot hold an instant before 1970 (-1 ms): d3 does not parse a minus sign"
        ),
    ):
        D3TimeFormat("%Q").format_ms(-1)


def test_epoch_ms_refuses_other_types() -> None:
    with pytest.raises(
        BuildError, match=re.escape("expected a datetime or numpy.datetime64, got str")
    ):
        to_epoch_ms("2024")  # type: ignore[arg-type]
    with pytest.raises(BuildError, match=re.escape("a timestamp must not be NaT")):
        to_epoch_ms(np.datetime64("NaT"))
