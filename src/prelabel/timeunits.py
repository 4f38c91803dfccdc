"""Time units of audio, video and time series: seconds, samples, frames and timestamps.

Label Studio measures audio segments in seconds, video in 1-based frame numbers, and time series
in the values of the time column: numbers, or timestamps written in the config's ``timeFormat``
(a d3 ``strftime``-style pattern, read as UTC). The conversions here follow the conventions the
Label Studio editor uses, so a value written by prelabel is read back as the same instant.

Video frames, as Label Studio counts them:

* frame numbers (``frame_no``) start at 1; a decoder's 0-based frame index (``frame_idx``) is
  ``frame_no - 1``;
* frame ``n`` is on screen from ``(n - 1) / fps`` to ``n / fps`` seconds;
* the ``time`` Label Studio writes in a keyframe is ``n / fps`` (the end of that interval);
* ``framesCount`` of a video lasting ``d`` seconds is ``ceil(d * fps)``.

Timestamps: :class:`D3TimeFormat` parses and formats exactly like d3's ``utcParse`` and
``utcFormat`` (en-US names), with two differences, both stricter: fields out of range (month 13,
February 30, second 60) are refused instead of rolled over, and ``%L`` / ``%f`` must have their
full 3 / 6 digits, because d3 reads ``.5`` as 5 ms and ``%f`` ``123`` as 123 microseconds.
Week-based directives (``%U %W %V %g %G``) and quarters (``%q``) are refused.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import functools
import math
import re
from typing import TYPE_CHECKING, Any

from ._lazy import lazy_module
from .errors import BuildError

if TYPE_CHECKING:
    import numpy as np
else:
    np = lazy_module("numpy")


__all__ = [
    "D3TimeFormat",
    "epoch_ms",
    "frame_at_s",
    "frame_start_s",
    "frames_in_s",
    "keyframe_time_s",
    "samples_to_seconds",
    "seconds_to_samples",
    "time_format",
]

# Slack, in frames, for float error when a time lands exactly on a frame boundary.
_FRAME_SLACK = 1e-6

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
_MS = dt.timedelta(milliseconds=1)


# --- audio ---------------------------------------------------------------------------------


def _positive(number: Any, what: str) -> float:
    if isinstance(number, bool):
        raise BuildError(f"{what} must be a number, got a bool ({number})")
    try:
        value = float(number)
    except (TypeError, ValueError):
        raise BuildError(f"{what} must be a number, got {type(number).__name__}") from None
    if not math.isfinite(value) or value <= 0:
        raise BuildError(f"{what} must be a positive finite number, got {value}")
    return value


def samples_to_seconds(samples: int, sample_rate_hz: float) -> float:
    """A sample index (or count) in seconds.

    >>> samples_to_seconds(24_000, 16_000)
    1.5
    """
    return int(samples) / _positive(sample_rate_hz, "sample_rate_hz")


def seconds_to_samples(seconds: float, sample_rate_hz: float) -> int:
    """The sample index nearest to ``seconds``.

    >>> seconds_to_samples(1.5, 16_000)
    24000
    """
    return round(float(seconds) * _positive(sample_rate_hz, "sample_rate_hz"))


# --- video ---------------------------------------------------------------------------------


def frame_start_s(frame_no: int, fps: float) -> float:
    """When 1-based frame ``frame_no`` appears on screen, in seconds.

    >>> frame_start_s(1, 25)
    0.0
    >>> frame_start_s(26, 25)
    1.0
    """
    return (int(frame_no) - 1) / _positive(fps, "fps")


def keyframe_time_s(frame_no: int, fps: float) -> float:
    """The ``time`` Label Studio writes in a keyframe of frame ``frame_no``: ``frame_no / fps``.

    >>> keyframe_time_s(50, 25)
    2.0
    """
    return int(frame_no) / _positive(fps, "fps")


def frame_at_s(seconds: float, fps: float) -> int:
    """The 1-based frame on screen at ``seconds``.

    >>> frame_at_s(0.0, 25), frame_at_s(0.039, 25), frame_at_s(0.04, 25)
    (1, 1, 2)
    """
    return math.floor(float(seconds) * _positive(fps, "fps") + _FRAME_SLACK) + 1


def frames_in_s(duration_s: float, fps: float) -> int:
    """How many frames a video of ``duration_s`` seconds has: ``ceil(duration_s * fps)``.

    >>> frames_in_s(60.0, 25), frames_in_s(2.01, 25)
    (1500, 51)
    """
    return max(0, math.ceil(float(duration_s) * _positive(fps, "fps") - _FRAME_SLACK))


# --- timestamps ----------------------------------------------------------------------------

_DAYS = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_NAMES: dict[str, tuple[str, ...]] = {
    "a": tuple(d[:3] for d in _DAYS),
    "A": _DAYS,
    "b": tuple(m[:3] for m in _MONTHS),
    "B": _MONTHS,
    "p": ("AM", "PM"),
}
# d3's en-US locale: %c, %x and %X expand to these.
_LOCALE = {"c": "%x, %X", "x": "%-m/%-d/%Y", "X": "%-I:%M:%S %p"}
_PADS = {"-": "", "_": " ", "0": "0"}
# Directive -> (field, digits read at most; None = unbounded).
_NUMBERS: dict[str, tuple[str, int | None]] = {
    "Y": ("Y", 4),
    "y": ("y", 2),
    "m": ("m", 2),
    "d": ("d", 2),
    "e": ("d", 2),
    "j": ("j", 3),
    "H": ("H", 2),
    "I": ("H", 2),
    "M": ("M", 2),
    "S": ("S", 2),
    "L": ("L", 3),
    "f": ("f", 6),
    "u": ("u", 1),
    "w": ("w", 1),
    "Q": ("Q", None),
    "s": ("s", None),
}
_REFUSED = {
    "U": "week of the year",
    "W": "week of the year",
    "V": "ISO week",
    "g": "ISO week-based year",
    "G": "ISO week-based year",
    "q": "quarter",
}
_DESCRIBE = {
    "Y": "4-digit year",
    "y": "2-digit year",
    "m": "month number",
    "d": "day of the month",
    "e": "day of the month",
    "j": "day of the year",
    "H": "hour (00-23)",
    "I": "hour (01-12)",
    "M": "minutes",
    "S": "seconds",
    "L": "milliseconds (3 digits)",
    "f": "microseconds (6 digits)",
    "u": "weekday number (1-7)",
    "w": "weekday number (0-6)",
    "Q": "milliseconds since the epoch",
    "s": "seconds since the epoch",
    "a": "weekday abbreviation",
    "A": "weekday name",
    "b": "month abbreviation",
    "B": "month name",
    "p": "AM or PM",
    "Z": "time zone offset",
    "%": "'%'",
}
_NUMBER = re.compile(r"\s*[0-9]+")
_ZONE = re.compile(r"(Z)|([+-][0-9][0-9])(?::?([0-9][0-9]))?")


@dataclasses.dataclass(frozen=True, slots=True)
class _Directive:
    char: str
    fill: str | None  # None: the directive's default padding


_Token = str | _Directive


def _tokenize(pattern: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(pattern)
    while i < n:
        if pattern[i] != "%":
            j = pattern.find("%", i)
            j = n if j < 0 else j
            tokens.append(pattern[i:j])
            i = j
            continue
        fill = None
        if i + 1 < n and pattern[i + 1] in _PADS:
            fill = _PADS[pattern[i + 1]]
            i += 1
        if i + 1 >= n:
            raise BuildError(f"timeFormat {pattern!r} ends with a lone '%'")
        char = pattern[i + 1]
        i += 2
        if char in _LOCALE:
            tokens.extend(_tokenize(_LOCALE[char]))
        elif char in _REFUSED:
            raise BuildError(
                f"timeFormat {pattern!r} uses %{char} ({_REFUSED[char]}), which prelabel does "
                "not support; write timestamps with %Y-%m-%d (or %j) instead"
            )
        elif char in _NUMBERS or char in _NAMES or char in "Z%":
            tokens.append(_Directive(char, fill))
        else:
            raise BuildError(f"timeFormat {pattern!r}: %{char} is not a d3 time directive")
    return tokens


class D3TimeFormat:
    """A Label Studio ``timeFormat``: parse and format timestamps as d3 ``utcParse``/``utcFormat``.

    Instants are integers of milliseconds since 1970-01-01 UTC, the resolution of the editor
    (a JavaScript ``Date``); :meth:`parse` and :meth:`format` work with aware ``datetime``s.

    Args:
        pattern: the ``timeFormat`` attribute, e.g. ``"%Y-%m-%d %H:%M:%S.%f"``.

    Raises:
        BuildError: a directive d3 does not have, or one prelabel refuses (week-based, quarter).

    >>> fmt = D3TimeFormat("%Y-%m-%d %H:%M:%S.%f")
    >>> fmt.parse_ms("2024-03-01 12:00:00.250000")
    1709294400250
    >>> fmt.format_ms(1709294400250)
    '2024-03-01 12:00:00.250000'
    """

    __slots__ = ("_has_weekday", "_tokens", "pattern")

    def __init__(self, pattern: str) -> None:
        if not isinstance(pattern, str) or not pattern:
            raise BuildError(f"timeFormat must be a non-empty string, got {pattern!r}")
        self.pattern = pattern
        self._tokens = _tokenize(pattern)
        chars = {t.char for t in self._tokens if isinstance(t, _Directive)}
        if "j" in chars and chars & set("mdebB"):
            raise BuildError(
                f"timeFormat {pattern!r} sets the day twice (%j and a month or day): keep one"
            )
        self._has_weekday = bool(chars & set("aAuw"))

    def __repr__(self) -> str:
        return f"D3TimeFormat({self.pattern!r})"

    # -- parsing ------------------------------------------------------------------------------

    def parse_ms(self, text: str) -> int:
        """Milliseconds since the epoch (UTC) of ``text``, read as d3 ``utcParse`` would.

        Raises:
            BuildError: ``text`` does not match the pattern, or names an impossible date.
        """
        if not isinstance(text, str):
            raise BuildError(f"a timestamp must be a string, got {type(text).__name__}")
        fields: dict[str, int] = {}
        end = self._scan(text, 0, fields)
        if end != len(text):
            raise BuildError(f"unexpected text {text[end:]!r} at position {end}")
        return _fields_to_ms(fields, check_weekday=self._has_weekday)

    def parse(self, text: str) -> dt.datetime:
        """``text`` as an aware UTC ``datetime`` (millisecond resolution)."""
        return _EPOCH + self.parse_ms(text) * _MS

    def _scan(self, text: str, pos: int, fields: dict[str, int]) -> int:
        for token in self._tokens:
            if isinstance(token, str):
                if not text.startswith(token, pos):
                    if pos >= len(text):
                        raise BuildError(f"text ends where {token!r} was expected")
                    found = text[pos : pos + len(token)]
                    raise BuildError(f"expected {token!r} at position {pos}, found {found!r}")
                pos += len(token)
            else:
                pos = _scan_directive(token.char, text, pos, fields)
        return pos

    # -- formatting ---------------------------------------------------------------------------

    def format_ms(self, epoch_ms: int) -> str:
        """Format milliseconds since the epoch as d3 ``utcFormat`` would.

        Raises:
            BuildError: the instant is outside years 1-9999.
        """
        ms = int(epoch_ms)
        try:
            moment = _EPOCH + ms * _MS
        except OverflowError:
            raise BuildError(f"{ms} ms since the epoch is outside years 1-9999") from None
        return "".join(
            token if isinstance(token, str) else _format_directive(token, moment, ms)
            for token in self._tokens
        )

    def format(self, moment: dt.datetime | np.datetime64) -> str:
        """Format a ``datetime`` (naive ones are taken as UTC) or ``numpy.datetime64``."""
        return self.format_ms(epoch_ms(moment))


@functools.lru_cache(maxsize=64)
def time_format(pattern: str) -> D3TimeFormat:
    """A cached :class:`D3TimeFormat` for ``pattern`` (configs reuse a handful of patterns)."""
    return D3TimeFormat(pattern)


def epoch_ms(moment: dt.datetime | np.datetime64) -> int:
    """Milliseconds since 1970-01-01 UTC (floored); a naive ``datetime`` is taken as UTC.

    >>> epoch_ms(dt.datetime(1970, 1, 1, 0, 0, 1, 999_999))
    1999
    >>> epoch_ms(np.datetime64("1970-01-01T00:00:02.5"))
    2500
    """
    if isinstance(moment, np.datetime64):
        if np.isnat(moment):
            raise BuildError("a timestamp must not be NaT")
        return int(moment.astype("datetime64[ms]").astype(np.int64))
    if isinstance(moment, dt.datetime):
        aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.timezone.utc)
        return (aware - _EPOCH) // _MS
    raise BuildError(f"expected a datetime or numpy.datetime64, got {type(moment).__name__}")


def _scan_directive(char: str, text: str, pos: int, fields: dict[str, int]) -> int:
    if pos >= len(text):
        raise BuildError(f"text ends where %{char} ({_DESCRIBE[char]}) was expected")
    if char == "%":
        if text[pos] != "%":
            raise BuildError(f"expected '%' at position {pos}, found {text[pos]!r}")
        return pos + 1
    if char == "Z":
        match = _ZONE.match(text, pos, min(len(text), pos + 6))
        if match is None:
            found = text[pos : pos + 6]
            raise BuildError(
                f"expected a time zone offset (Z or +hhmm) at position {pos}, found {found!r}"
            )
        if match.group(1):
            fields["Z"] = 0
        else:
            sign = 1 if match.group(2)[0] == "+" else -1
            fields["Z"] = sign * (int(match.group(2)[1:]) * 60 + int(match.group(3) or 0))
        return match.end()
    if char in _NAMES:
        names = _NAMES[char]
        lowered = text[pos:].lower()
        for index, name in enumerate(names):
            if lowered.startswith(name.lower()):
                fields[{"a": "w", "A": "w", "b": "m", "B": "m", "p": "p"}[char]] = (
                    index + 1 if char in "bB" else index
                )
                return pos + len(name)
        raise BuildError(
            f"expected %{char} ({_DESCRIBE[char]}) at position {pos}, found {text[pos : pos + 9]!r}"
        )
    field, width = _NUMBERS[char]
    limit = len(text) if width is None else min(len(text), pos + width)
    match = _NUMBER.match(text, pos, limit)
    if match is None:
        found = text[pos : pos + (width or 12)]
        raise BuildError(f"expected %{char} ({_DESCRIBE[char]}) at position {pos}, found {found!r}")
    digits = match.group().strip()
    if char in "Lf" and len(digits) != width:
        raise BuildError(
            f"%{char} needs exactly {width} digits at position {pos}, found {match.group()!r} "
            f"(d3 reads {match.group()!r} as {int(digits)} "
            f"{'milliseconds' if char == 'L' else 'microseconds'})"
        )
    value = int(digits)
    if char == "y":
        value += 1900 if value > 68 else 2000
        field = "Y"
    elif char == "f":
        field, value = "L", value // 1000
    elif char == "I":
        fields["I"] = 1
    fields[field] = value
    return match.end()


def _fields_to_ms(fields: dict[str, int], *, check_weekday: bool) -> int:
    if "Q" in fields:
        return fields["Q"]
    if "s" in fields:
        return fields["s"] * 1000 + fields.get("L", 0)
    year = fields.get("Y", 1900)
    if not 1 <= year <= 9999:
        raise BuildError(f"year {year} is outside 1-9999")
    hour = fields.get("H", 0)
    if "p" in fields or "I" in fields:
        if not 1 <= hour <= 12:
            raise BuildError(f"hour {hour} is outside 1-12 (12-hour clock)")
        hour = hour % 12 + 12 * fields.get("p", 0)
    elif hour > 23:
        raise BuildError(f"hour {hour} is outside 0-23")
    minute, second = fields.get("M", 0), fields.get("S", 0)
    if minute > 59:
        raise BuildError(f"minute {minute} is outside 0-59")
    if second > 59:
        raise BuildError(f"second {second} is outside 0-59")
    if "j" in fields:
        days = 366 if calendar.isleap(year) else 365
        if not 1 <= fields["j"] <= days:
            raise BuildError(f"day of the year {fields['j']} is outside 1-{days} in {year}")
        date = dt.date(year, 1, 1) + dt.timedelta(days=fields["j"] - 1)
    else:
        month, day = fields.get("m", 1), fields.get("d", 1)
        if not 1 <= month <= 12:
            raise BuildError(f"month {month} is outside 1-12")
        last = calendar.monthrange(year, month)[1]
        if not 1 <= day <= last:
            raise BuildError(f"day {day} is outside 1-{last} for {year:04d}-{month:02d}")
        date = dt.date(year, month, day)
    if check_weekday:
        _check_weekday(fields, date)
    moment = dt.datetime(
        date.year, date.month, date.day, hour, minute, second, tzinfo=dt.timezone.utc
    )
    offset_min = fields.get("Z", 0)
    return (moment - _EPOCH) // _MS + fields.get("L", 0) - offset_min * 60_000


def _check_weekday(fields: dict[str, int], date: dt.date) -> None:
    sunday_based = (date.weekday() + 1) % 7
    given = fields.get("w")
    if given is None and "u" in fields:
        given = fields["u"] % 7
    if given is not None and given != sunday_based:
        raise BuildError(
            f"{date.isoformat()} is a {_DAYS[sunday_based]}, "
            f"but the weekday says {_DAYS[given % 7]}"
        )


def _pad(value: int, fill: str, width: int) -> str:
    sign = "-" if value < 0 else ""
    digits = str(abs(value))
    if len(digits) < width:
        digits = fill * (width - len(digits)) + digits
    return sign + digits


def _format_directive(token: _Directive, moment: dt.datetime, ms: int) -> str:
    char = token.char
    fill = token.fill if token.fill is not None else (" " if char == "e" else "0")
    sunday_based = (moment.weekday() + 1) % 7
    millis = moment.microsecond // 1000
    if char == "a":
        return _NAMES["a"][sunday_based]
    if char == "A":
        return _DAYS[sunday_based]
    if char == "b":
        return _NAMES["b"][moment.month - 1]
    if char == "B":
        return _MONTHS[moment.month - 1]
    if char == "p":
        return "PM" if moment.hour >= 12 else "AM"
    if char == "Z":
        return "+0000"
    if char == "%":
        return "%"
    if char in "Qs":
        if ms < 0:
            raise BuildError(
                f"%{char} cannot hold an instant before 1970 ({ms} ms): "
                "d3 does not parse a minus sign"
            )
        return str(ms if char == "Q" else ms // 1000)
    if char == "u":
        return str(sunday_based or 7)
    if char == "w":
        return str(sunday_based)
    if char == "f":
        return _pad(millis, fill, 3) + "000"
    value, width = {
        "Y": (moment.year % 10000, 4),
        "y": (moment.year % 100, 2),
        "m": (moment.month, 2),
        "d": (moment.day, 2),
        "e": (moment.day, 2),
        "j": (moment.timetuple().tm_yday, 3),
        "H": (moment.hour, 2),
        "I": (moment.hour % 12 or 12, 2),
        "M": (moment.minute, 2),
        "S": (moment.second, 2),
        "L": (millis, 3),
    }[char]
    return _pad(value, fill, width)
