"""Time series: ``<TimeSeriesLabels>`` ranges and instants, by time value or by row."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from ... import timeunits
from ..._lazy import lazy_module
from ...errors import BuildError
from ...results import Region
from ...tags.base import ControlTag
from ...tags.objects import TimeSeries
from .._common import finite
from .._labeled_region import Options, labeled_region
from ._shared import LabelArg, bool_mask, integer, labels_of, target_of, true_runs, vector

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import ArrayLike, NDArray

    TimeValue = str | dt.datetime | np.datetime64 | int | float
else:
    np = lazy_module("numpy")

__all__ = ["TimeSeriesBuilder"]

TimePoint = tuple[float, Any]  # (sort key, JSON value) of a point on the time axis


def _axis(ts: TimeSeries) -> timeunits.D3TimeFormat | None:
    """The timeFormat when the time column holds timestamps, else None."""
    if ts.time_column and ts.time_format:
        return timeunits.time_format(ts.time_format)
    return None


def _time_value(ts: TimeSeries, value: Any, what: str) -> TimePoint:
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


def _row_value(ts: TimeSeries, row: Any, time_values: NDArray[Any] | None, what: str) -> TimePoint:
    """``(sort key, JSON value)`` of a 0-based row, via the time column when there is one."""
    index = integer(row, what)
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
    return vector(time_values, "time_values")


def _ts_region(
    control: ControlTag,
    ts: TimeSeries,
    start: TimePoint,
    end: TimePoint,
    names: tuple[str, str],
    labels: list[str],
    options: Options,
) -> Region:
    if end[0] < start[0]:
        raise BuildError(f"{names[1]} ({end[1]!r}) is before {names[0]} ({start[1]!r})")
    geometry = {"start": start[1], "end": end[1], "instant": start[0] == end[0]}
    return labeled_region(control, ts.name, geometry, "timeserieslabels", labels, options)


_ROWS = ("start_row", "end_row")


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
        ts = target_of(self, to_name, TimeSeries, "range_by_time")
        _timed(ts, "range_by_time")
        start = _time_value(ts, start_time, "start_time")
        end = _time_value(ts, end_time, "end_time")
        names = ("start_time", "end_time")
        options = Options(id, score, readonly, hidden)
        return _ts_region(self, ts, start, end, names, labels_of(self, label), options)

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
        ts = target_of(self, to_name, TimeSeries, "instant_by_time")
        _timed(ts, "instant_by_time")
        point = _time_value(ts, time, "time")
        options = Options(id, score, readonly, hidden)
        return _ts_region(self, ts, point, point, ("time", "time"), labels_of(self, label), options)

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
        ts = target_of(self, to_name, TimeSeries, "range_by_row")
        column = _time_values(time_values)
        start = _row_value(ts, start_row, column, "start_row")
        end = _row_value(ts, end_row, column, "end_row")
        options = Options(id, score, readonly, hidden)
        return _ts_region(self, ts, start, end, _ROWS, labels_of(self, label), options)

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
        ts = target_of(self, to_name, TimeSeries, "instant_by_row")
        point = _row_value(ts, row, _time_values(time_values), "row")
        options = Options(id, score, readonly, hidden)
        return _ts_region(self, ts, point, point, ("row", "row"), labels_of(self, label), options)

    def ranges_from_mask(
        self,
        mask: ArrayLike,
        *,
        label: LabelArg,
        time_values: ArrayLike | None = None,
        to_name: str | None = None,
        score: float | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
    ) -> list[Region]:
        """One range per run of True in a per-row mask (an anomaly or event detector's output).

        A run of one row becomes an instant.

        Args:
            mask: shape (rows,), booleans (or 0/1), one per row.
            label: the label of every range.
            time_values: as in :meth:`range_by_row`; when given it must have the mask's length.
            score: confidence of every range.
            readonly: make the ranges read-only.
            hidden: start them hidden.
        """
        ts = target_of(self, to_name, TimeSeries, "ranges_from_mask")
        rows = bool_mask(mask, "mask")
        column = _time_values(time_values)
        if column is not None and len(column) != len(rows):
            raise BuildError(f"time_values has {len(column)} rows but mask has {len(rows)}")
        labels = labels_of(self, label)
        options = Options(score=score, readonly=readonly, hidden=hidden)
        return [
            _ts_region(
                self,
                ts,
                _row_value(ts, first, column, "start_row"),
                _row_value(ts, last, column, "end_row"),
                _ROWS,
                labels,
                options,
            )
            for first, last in true_runs(rows)
        ]
