"""Typed values: ``<Rating>`` stars, ``<Number>``, ``<DateTime>`` strings, ``<TextArea>`` texts."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

from ..._lazy import lazy_module
from ...errors import BuildError
from ...results import Region, Result
from .._classes import item_list
from .._common import finite
from ._base import Options, name_of, whole
from ._region import PerRegionBuilder, attach

if TYPE_CHECKING:
    import numpy as np
else:
    np = lazy_module("numpy")

__all__ = ["DateTimeBuilder", "NumberBuilder", "RatingBuilder", "TextAreaBuilder"]

When = dt.datetime | dt.date | dt.time | str

FORMAT_FULL = "%Y-%m-%dT%H:%M"
FORMAT_DATE = "%Y-%m-%d"
_TIME = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")


# What each builder reads of its control: the control classes (``tags.controls``) mix these
# builders in, so the builders name the fields they need instead of importing the classes.
class Rating(Protocol):
    @property
    def max_rating(self) -> int: ...


class Number(Protocol):
    @property
    def min(self) -> float | None: ...
    @property
    def max(self) -> float | None: ...
    @property
    def step(self) -> float | None: ...


class DateTime(Protocol):
    @property
    def only(self) -> tuple[str, ...]: ...
    @property
    def format(self) -> str | None: ...
    @property
    def min(self) -> str | None: ...
    @property
    def max(self) -> str | None: ...


class TextArea(Protocol):
    @property
    def max_submissions(self) -> int | None: ...
    @property
    def skip_duplicates(self) -> bool: ...


class RatingBuilder(PerRegionBuilder):
    """Builders of ``<Rating>``: an integer from 1 to ``maxRating`` (default 5).

    >>> from prelabel import LabelConfig
    >>> cfg = LabelConfig.parse('<View><Text name="t" value="$t"/>'
    ...     '<Rating name="quality" toName="t" maxRating="10"/></View>')
    >>> cfg.control("quality").rate(8)["value"]
    {'rating': 8}
    """

    def _rating(self, rating: Any) -> int:
        control: Rating = self  # type: ignore[assignment]
        top = control.max_rating
        value = None if isinstance(rating, (bool, np.bool_)) else _whole_number(rating)
        if value is None or not 1 <= value <= top:
            raise BuildError(
                f"rating must be an integer from 1 to {top} (maxRating of {name_of(self)}), "
                f"got {rating!r}"
            )
        return value

    def rate(
        self,
        rating: int,
        *,
        score: float | None = None,
        id: str | None = None,
        to_name: str | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
    ) -> Result:
        """A rating of the whole object (integer stars, 1 to ``maxRating``).

        Raises:
            BuildError: not an integer in range (0 means "no rating" in the editor).
        """
        return whole(
            self, {"rating": self._rating(rating)}, to_name, Options(id, score, readonly, hidden)
        )

    def _region_payload(self, value: Any) -> dict[str, Any]:
        return {"rating": self._rating(value)}

    def for_region(
        self,
        region: Region,
        rating: int,
        *,
        score: float | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
    ) -> Result:
        """A rating of ``region`` by a ``perRegion`` control; appended to the region."""
        return attach(self, region, self._region_payload(rating), score, readonly, hidden)


def _whole_number(value: Any) -> int | None:
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)) and math.isfinite(value) and value == int(value):
        return int(value)
    return None


# --- Number ----------------------------------------------------------------------------------


class NumberBuilder(PerRegionBuilder):
    """Builders of ``<Number>``: a number within ``min``/``max``, on the ``step`` grid.

    >>> from prelabel import LabelConfig
    >>> cfg = LabelConfig.parse('<View><Image name="img" value="$img"/>'
    ...     '<Number name="count" toName="img" min="0" max="100"/></View>')
    >>> cfg.control("count").set(7)["value"]
    {'number': 7}
    """

    def _number(self, number: Any) -> int | float:
        control: Number = self  # type: ignore[assignment]
        value = finite(number, f"the number of {name_of(self)}")
        as_int = _whole_number(number)
        out: int | float = as_int if as_int is not None else value
        if control.min is not None and value < control.min:
            raise BuildError(
                f"{_fmt(value)} is below min={_fmt(control.min)} of {name_of(self)}; "
                "the editor refuses to submit it"
            )
        if control.max is not None and value > control.max:
            raise BuildError(
                f"{_fmt(value)} is above max={_fmt(control.max)} of {name_of(self)}; "
                "the editor refuses to submit it"
            )
        if control.step is not None and control.step > 0:
            basis = control.min if control.min is not None else 0.0
            # The editor checks `(value - basis) % step !== 0` with JavaScript numbers.
            delta = math.fmod(value - basis, control.step)
            if delta != 0:
                low = value - delta
                raise BuildError(
                    f"{_fmt(value)} is not on the step={_fmt(control.step)} grid of "
                    f"{name_of(self)} (from {_fmt(basis)}); the nearest valid values are "
                    f"{_fmt(low)} and {_fmt(low + control.step)}"
                )
        return out

    def set(
        self,
        number: float,
        *,
        score: float | None = None,
        id: str | None = None,
        to_name: str | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
    ) -> Result:
        """The number for the whole object (ints stay ints in the JSON).

        Raises:
            BuildError: not a finite number, below ``min``, above ``max``, off the ``step`` grid.
        """
        return whole(
            self, {"number": self._number(number)}, to_name, Options(id, score, readonly, hidden)
        )

    def _region_payload(self, value: Any) -> dict[str, Any]:
        return {"number": self._number(value)}

    def for_region(
        self,
        region: Region,
        number: float,
        *,
        score: float | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
    ) -> Result:
        """The number of ``region`` for a ``perRegion`` control; appended to the region."""
        return attach(self, region, self._region_payload(number), score, readonly, hidden)


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


class DateTimeBuilder(PerRegionBuilder):
    """Builders of ``<DateTime>``: a string in the control's output format (reference §4.14).

    The format is the ``format`` attribute (d3 ``strftime`` directives) if set, else
    ``YYYY-MM-DDTHH:MM``, or ``YYYY-MM-DD`` with ``only="date"``, or ``HH:MM`` with
    ``only="time"``. Python ``datetime``/``date``/``time`` objects are formatted (wall-clock
    time, seconds dropped when the format has none; an aware datetime keeps its own wall-clock
    time); strings are parsed with that format (or ISO 8601) and written back in it.

    >>> import datetime as dt
    >>> from prelabel import LabelConfig
    >>> cfg = LabelConfig.parse('<View><Text name="t" value="$t"/>'
    ...     '<DateTime name="visit" toName="t" only="date"/></View>')
    >>> cfg.control("visit").set(dt.datetime(2024, 3, 5, 14, 30))["value"]
    {'datetime': '2024-03-05'}
    """

    def _control(self) -> DateTime:
        return self  # type: ignore[return-value]

    @property
    def output_format(self) -> str:
        """The d3 format of ``value.datetime`` (``"%H:%M"`` for ``only="time"``)."""
        control = self._control()
        only = control.only
        if "year" in only or "month" in only:
            raise BuildError(
                f'{name_of(self)} has only="{",".join(only)}": the string Label Studio writes '
                'for years and months is not pinned; use only="date" (or a format attribute '
                "with a full date)"
            )
        if only == ("time",):
            return "%H:%M"
        if control.format:
            return control.format
        return FORMAT_FULL if not only or "time" in only else FORMAT_DATE

    def _datetime(self, when: Any) -> str:
        from ...timeunits import time_format  # the d3 codec the time-series builders use

        control = self._control()
        pattern = self.output_format
        if control.only == ("time",):
            return self._time_only(when)
        if isinstance(when, dt.datetime):
            moment = when.replace(tzinfo=None)
        elif isinstance(when, dt.date):
            moment = dt.datetime(when.year, when.month, when.day)
        elif isinstance(when, dt.time):
            raise BuildError(
                f"{name_of(self)} writes dates ({pattern!r}); a time alone has no date: "
                "pass a datetime"
            )
        elif isinstance(when, str):
            moment = self._parse(when, pattern)
        else:
            raise BuildError(
                f"{name_of(self)} takes a datetime, date or string, got {type(when).__name__}"
            )
        try:
            text = time_format(pattern).format(moment)
        except BuildError as exc:
            raise BuildError(f"format={pattern!r} of {name_of(self)}: {exc}") from None
        day = moment.date().isoformat()
        if control.min and day < control.min:
            raise BuildError(
                f"{day} is before min={control.min!r} of {name_of(self)}; the editor refuses it"
            )
        if control.max and day > control.max:
            raise BuildError(
                f"{day} is after max={control.max!r} of {name_of(self)}; the editor refuses it"
            )
        return text

    def _parse(self, text: str, pattern: str) -> dt.datetime:
        from ...timeunits import time_format

        try:
            return time_format(pattern).parse(text).replace(tzinfo=None)
        except BuildError as exc:
            first_error = str(exc)
        if not self._control().format:
            try:
                return dt.datetime.fromisoformat(text).replace(tzinfo=None)
            except ValueError:
                pass
        raise BuildError(
            f"{text!r} does not match the format {pattern!r} of {name_of(self)}: {first_error}"
        )

    def _time_only(self, when: Any) -> str:
        if isinstance(when, (dt.datetime, dt.time)):
            return f"{when.hour:02d}:{when.minute:02d}"
        if isinstance(when, str):
            if not _TIME.fullmatch(when):
                raise BuildError(
                    f'{name_of(self)} has only="time" and stores HH:MM (24-hour), got {when!r}'
                )
            return when
        raise BuildError(
            f'{name_of(self)} has only="time": pass a time, a datetime or an "HH:MM" string, '
            f"got {type(when).__name__}"
        )

    def set(
        self,
        when: When,
        *,
        score: float | None = None,
        id: str | None = None,
        to_name: str | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
    ) -> Result:
        """The date/time for the whole object, in the control's output format.

        Raises:
            BuildError: a string that does not parse, a date outside ``min``/``max``, a time
                without a date, or an ``only`` mode whose format is not pinned.
        """
        return whole(
            self, {"datetime": self._datetime(when)}, to_name, Options(id, score, readonly, hidden)
        )

    def _region_payload(self, value: Any) -> dict[str, Any]:
        return {"datetime": self._datetime(value)}

    def for_region(
        self,
        region: Region,
        when: When,
        *,
        score: float | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
    ) -> Result:
        """The date/time of ``region`` for a ``perRegion`` control; appended to the region."""
        return attach(self, region, self._region_payload(when), score, readonly, hidden)


class TextAreaBuilder(PerRegionBuilder):
    """Builders of ``<TextArea>``: ``value.text`` is a list of strings (one per entry).

    >>> from prelabel import LabelConfig
    >>> cfg = LabelConfig.parse('<View><Text name="t" value="$t"/>'
    ...     '<TextArea name="summary" toName="t"/></View>')
    >>> cfg.control("summary").write("A short summary.")["value"]
    {'text': ['A short summary.']}
    """

    def _texts(self, texts: str | Sequence[str]) -> list[str]:
        control: TextArea = self  # type: ignore[assignment]
        given = item_list(texts, f"the texts for {name_of(self)}")
        if not given:
            raise BuildError(f"{name_of(self)} needs at least one text")
        for index, text in enumerate(given):
            if not isinstance(text, str):
                raise BuildError(
                    f"text {index} for {name_of(self)} must be a str, got {type(text).__name__}"
                )
            if not text:
                raise BuildError(f"text {index} for {name_of(self)} is empty")
        if control.max_submissions is not None and 0 < control.max_submissions < len(given):
            raise BuildError(
                f"{name_of(self)} takes at most {control.max_submissions} text(s) "
                f"(maxSubmissions), got {len(given)}"
            )
        if control.skip_duplicates and len(set(given)) < len(given):
            raise BuildError(f'{name_of(self)} has skipDuplicates="true" but a text repeats')
        return given

    def write(
        self,
        texts: str | Sequence[str],
        *,
        score: float | None = None,
        id: str | None = None,
        to_name: str | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
    ) -> Result:
        """Text(s) for the whole object.

        Args:
            texts: one string, or several entries (up to ``maxSubmissions``).
            score: confidence in [0, 1].
            id: the result id; a fresh one when None.
            to_name: the object, when the control points at several.
            readonly: make the result read-only.
            hidden: start it hidden.

        Raises:
            BuildError: no text, an empty or non-string text, more than ``maxSubmissions``,
                a repeat with ``skipDuplicates``, or a ``perRegion`` control.
        """
        return whole(
            self, {"text": self._texts(texts)}, to_name, Options(id, score, readonly, hidden)
        )

    def _region_payload(self, value: Any) -> dict[str, Any]:
        return {"text": self._texts(value)}

    def for_region(
        self,
        region: Region,
        texts: str | Sequence[str],
        *,
        score: float | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
    ) -> Result:
        """Text(s) of ``region`` for a ``perRegion`` TextArea (an OCR transcription).

        The result shares the region's id and object and repeats its geometry, so the editor
        shows the text inside that region; it is appended to the region.
        """
        return attach(self, region, self._region_payload(texts), score, readonly, hidden)
