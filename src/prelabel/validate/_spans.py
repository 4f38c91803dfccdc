"""Spans and ranges: text (code points), HyperText (xpaths), Paragraphs (UTF-16 within a
phrase), TimeSeries (time-column units), Audio (seconds), Timeline (video frames).
"""

from __future__ import annotations

from typing import Any

from ..errors import BuildError
from ..tags.base import ControlTag, ObjectTag
from ..timeunits import D3TimeFormat, time_format
from ._context import PredCtx
from ._data import Path, object_data, object_text, whole_path
from ._hypertext import HtmlDoc, check_html_span, html_doc
from ._show import MISSING, a_type, num, show
from ._values import ControlChecker

__all__ = [
    "AudioSpanChecker",
    "HyperTextSpanChecker",
    "ParagraphSpanChecker",
    "TextSpanChecker",
    "TimeSeriesSpanChecker",
    "TimelineChecker",
    "d3_parser",
    "editor_text",
    "parse_time",
]

_NT = frozenset({int, float})
_MAX_OCCURRENCES = 1000
_INF = float("inf")


def editor_text(covered: str) -> str:
    r"""``covered`` as the editor writes a selection into ``value.text``.

    The editor turns each CR and LF of the browser selection into the two characters ``\n``
    (FE ``selection-tools.js``), so a span across a line break does not hold the newline.

    >>> print(editor_text("New\r\nYork"))
    New\n\nYork
    """
    if "\n" not in covered and "\r" not in covered:
        return covered
    return covered.replace("\r", "\\n").replace("\n", "\\n")


def _int_like(value: Any) -> bool:
    t = type(value)
    return t is int or (t is float and value.is_integer())


class _SpanBase(ControlChecker):
    REGION = True

    def __init__(self, control: ControlTag, obj: ObjectTag) -> None:
        super().__init__(control, obj)
        self.path: Path | None = whole_path(obj)

    def offsets(
        self, v: dict[str, Any], i: int, p: PredCtx, keys: tuple[str, str] = ("start", "end")
    ) -> tuple[int, int] | None:
        """Integer offsets ``keys`` (code points), reported when missing or not integers."""
        out = []
        for key in keys:
            raw = v.get(key, MISSING)
            if raw is MISSING:
                self.key_missing(
                    i,
                    p,
                    f"{self.what} spans need value.{keys[0]} and value.{keys[1]}; {key} is missing",
                    f"{keys[0]}, {keys[1]} (integers)",
                )
                continue
            n = self.number_at(raw, (i, "value", key), p, integer=True)
            if n is None:
                continue
            if n < 0:
                p.add(
                    "span.out_of_range",
                    (i, "value", key),
                    f"{key}={num(n)} is negative",
                    ck=self,
                    found=f"{num(n)}",
                )
                continue
            out.append(int(n))
        return (out[0], out[1]) if len(out) == 2 else None

    def order(self, s: Any, e: Any, i: int, p: PredCtx, *, strict: bool = True) -> bool:
        if s < e or (not strict and s == e):
            return True
        p.add(
            "span.order",
            (i, "value"),
            f"start={show(s)} is {'not before' if strict else 'after'} end={show(e)}"
            + ("; an empty span is not drawn" if s == e else ""),
            hint="swap them" if s > e else None,
            ck=self,
            expected="start < end" if strict else "start <= end",
            found=f"start={show(s)}, end={show(e)}",
        )
        return False


class TextSpanChecker(_SpanBase):
    """``labels`` (or another span tool) on ``<Text>``: code-point offsets into the text."""

    def check(self, v: dict[str, Any], r: dict[str, Any], i: int, p: PredCtx) -> None:
        s = v.get("start", MISSING)
        e = v.get("end", MISSING)
        if type(s) is int and type(e) is int and 0 <= s < e:
            text = object_text(self.obj, self.path, p.task)
            if text is None:
                if type(v.get("text", "")) is str:
                    self.check_labels(v, i, p) if self.key else None
                    return
            elif e <= len(text):
                given = v.get("text", MISSING)
                if given is MISSING or given == text[s:e]:
                    self.check_labels(v, i, p) if self.key else None
                    return
        self.slow(v, i, p)
        if self.key is not None:
            self.check_labels(v, i, p)

    def slow(self, v: dict[str, Any], i: int, p: PredCtx) -> None:
        given = v.get("text", MISSING)
        if given is not MISSING and not isinstance(given, str):
            self.wrong_type(
                (i, "value", "text"), p, f"value.text must be a string, got {a_type(given)}", given
            )
            given = MISSING
        span = self.offsets(v, i, p)
        if span is None:
            return
        s, e = span
        if not self.order(s, e, i, p):
            return
        text = object_text(self.obj, self.path, p.task)
        if text is None:
            return
        if e > len(text):
            p.add(
                "span.out_of_range",
                (i, "value", "end"),
                f"end={e} is past the end of the text ({len(text)} characters)",
                hint=self.offset_hint(text, s, e, given, p),
                ck=self,
                expected=f"<= {len(text)}",
                found=str(e),
            )
            return
        if given is not MISSING and given != text[s:e] and given != editor_text(text[s:e]):
            p.add(
                "span.text_mismatch",
                (i, "value", "text"),
                f"value.text is {show(given)} but the text between start={s} and end={e} is "
                f"{show(text[s:e])}",
                hint=self.offset_hint(text, s, e, given, p),
                ck=self,
                expected=show(text[s:e]),
                found=show(given),
            )

    def offset_hint(self, text: str, s: int, e: int, given: Any, p: PredCtx) -> str | None:
        """Why the offsets miss: UTF-16 or UTF-8 units, or where the text really is."""
        if not isinstance(given, str) or not given:
            return None
        if not text.isascii():
            u16 = p.task.cache.get("u16:" + self.obj.name)
            if u16 is None:
                u16 = text.encode("utf-16-le", "surrogatepass")  # a lone surrogate too
                p.task.cache["u16:" + self.obj.name] = u16
            a = len(u16[: 2 * s].decode("utf-16-le", "ignore"))
            b = len(u16[: 2 * e].decode("utf-16-le", "ignore"))
            if text[a:b] == given:
                return (
                    "the offsets look like UTF-16 code units (JavaScript string indices); "
                    f"Label Studio wants Python str indices: start={a}, end={b}"
                )
            u8 = p.task.cache.get("u8:" + self.obj.name)
            if u8 is None:
                u8 = text.encode("utf-8", "surrogatepass")
                p.task.cache["u8:" + self.obj.name] = u8
            a = len(u8[:s].decode("utf-8", "ignore"))
            b = len(u8[:e].decode("utf-8", "ignore"))
            if text[a:b] == given:
                return (
                    "the offsets look like UTF-8 byte offsets; Label Studio wants Python str "
                    f"indices: start={a}, end={b}"
                )
        best = -1
        at = text.find(given)
        n = 0
        while at >= 0 and n < _MAX_OCCURRENCES:
            if best < 0 or abs(at - s) < abs(best - s):
                best = at
            at = text.find(given, at + 1)
            n += 1
        if best >= 0:
            return f"the text {show(given)} occurs at start={best}, end={best + len(given)}"
        return None


class HyperTextSpanChecker(_SpanBase):
    """``hypertextlabels`` (or ``labels``) on ``<HyperText>``: xpaths + code-point offsets.

    When the task holds the HTML inline, the xpaths, offsets, ``globalOffsets`` and ``text``
    are checked against the document Label Studio shows (:mod:`._hypertext`).
    """

    def __init__(self, control: ControlTag, obj: ObjectTag) -> None:
        super().__init__(control, obj)
        self.inline = bool(getattr(obj, "inline", False))

    def check(self, v: dict[str, Any], r: dict[str, Any], i: int, p: PredCtx) -> None:
        s = v.get("start", MISSING)
        e = v.get("end", MISSING)
        so = v.get("startOffset", MISSING)
        eo = v.get("endOffset", MISSING)
        if (
            type(s) is str
            and type(e) is str
            and type(so) is int
            and type(eo) is int
            and so >= 0
            and eo >= 0
            and s[:1] == "/"
            and e[:1] == "/"
            and type(v.get("text", "")) is str
        ):
            doc = self.document(p)
            if doc is not None:
                check_html_span(self, v, i, p, doc, (s, so, e, eo))
            if self.key is not None:
                self.check_labels(v, i, p)
            return
        self.slow(v, i, p)
        if self.key is not None:
            self.check_labels(v, i, p)

    def document(self, p: PredCtx) -> HtmlDoc | None:
        """The HTML the task holds inline, parsed as Label Studio shows it (once per task)."""
        key = "html:" + self.obj.name
        cache = p.task.cache
        if key in cache:
            cached: HtmlDoc | None = cache[key]
            return cached
        html = object_text(self.obj, self.path, p.task)
        doc = None if html is None else html_doc(html, self.inline)
        cache[key] = doc
        return doc

    def slow(self, v: dict[str, Any], i: int, p: PredCtx) -> None:
        s = v.get("start", MISSING)
        e = v.get("end", MISSING)
        if s is MISSING or e is MISSING:
            self.key_missing(
                i,
                p,
                f"{self.what} spans need start and end (xpaths) with startOffset and endOffset",
                "start, end, startOffset, endOffset",
            )
            return
        given = v.get("text", MISSING)
        if given is not MISSING and not isinstance(given, str):
            self.wrong_type((i, "value", "text"), p, "value.text must be a string", given)
        if _int_like(s) and _int_like(e) and "startOffset" not in v and "endOffset" not in v:
            span = self.offsets(v, i, p)  # plain global offsets, read like a Text span
            if span is not None:
                self.order(span[0], span[1], i, p)
            return
        for key, value in (("start", s), ("end", e)):
            if not isinstance(value, str):
                self.wrong_type(
                    (i, "value", key),
                    p,
                    f"value.{key} must be an xpath string such as '/p[1]/text()[1]', "
                    f"got {a_type(value)}",
                    value,
                )
            elif not value.startswith("/"):
                p.add(
                    "hypertext.xpath",
                    (i, "value", key),
                    f"value.{key}={show(value)} does not look like an xpath",
                    hint="use a path relative to the HyperText root, e.g. '/p[1]/text()[1]'",
                    ck=self,
                )
        offsets = self.offsets(v, i, p, ("startOffset", "endOffset"))
        if offsets is not None and s == e and offsets[0] >= offsets[1]:
            self.order(offsets[0], offsets[1], i, p)
        elif (
            offsets is not None
            and isinstance(s, str)
            and isinstance(e, str)
            and s.startswith("/")
            and e.startswith("/")
        ):
            doc = self.document(p)
            if doc is not None:
                check_html_span(self, v, i, p, doc, (s, offsets[0], e, offsets[1]))
        glob = v.get("globalOffsets", MISSING)
        if glob is not MISSING and not (
            isinstance(glob, dict) and _int_like(glob.get("start")) and _int_like(glob.get("end"))
        ):
            self.wrong_type(
                (i, "value", "globalOffsets"),
                p,
                "value.globalOffsets must be {start, end} integers",
                glob,
            )


class ParagraphSpanChecker(_SpanBase):
    """``paragraphlabels`` (or ``labels``) on ``<Paragraphs>``: phrase indices + UTF-16 offsets."""

    def check(self, v: dict[str, Any], r: dict[str, Any], i: int, p: PredCtx) -> None:
        indices = []
        for key in ("start", "end"):
            raw = v.get(key, MISSING)
            if type(raw) is str and raw.isdigit() and raw.isascii():
                indices.append(int(raw))
            elif raw is MISSING:
                self.key_missing(
                    i,
                    p,
                    f"{self.what} spans need start and end (phrase indices) and "
                    "startOffset/endOffset",
                    "start, end, startOffset, endOffset",
                )
            elif _int_like(raw) and raw >= 0:
                p.add(
                    "paragraph.index_type",
                    (i, "value", key),
                    f"value.{key} is the number {show(raw)}; the editor's model holds phrase "
                    'indices as strings ("0", "1", ...)',
                    hint=f'write "{int(raw)}"',
                    ck=self,
                )
                indices.append(int(raw))
            else:
                self.wrong_type(
                    (i, "value", key),
                    p,
                    f'value.{key} must be a phrase index such as "0", got {show(raw)}',
                    raw,
                )
        offsets = self.offsets(v, i, p, ("startOffset", "endOffset"))
        if self.key is not None:
            self.check_labels(v, i, p)
        if len(indices) != 2:
            return
        s, e = indices
        if s > e:
            self.order(s, e, i, p, strict=False)
            return
        if offsets is not None and s == e and offsets[0] >= offsets[1]:
            self.order(offsets[0], offsets[1], i, p)
            return
        phrases = object_data(self.obj, self.path, p.task)
        if not isinstance(phrases, list) or getattr(self.obj, "value_type", None) == "url":
            return
        if e >= len(phrases):
            p.add(
                "span.out_of_range",
                (i, "value", "end"),
                f"phrase {e} does not exist; the dialogue has {len(phrases)} phrases",
                ck=self,
                expected=f"0..{len(phrases) - 1}",
                found=str(e),
            )
            return
        if offsets is None:
            return
        text_key = getattr(self.obj, "text_key", "text")
        first = phrases[s].get(text_key) if isinstance(phrases[s], dict) else None
        last = phrases[e].get(text_key) if isinstance(phrases[e], dict) else None
        if not isinstance(first, str) or not isinstance(last, str):
            return
        n_first = len(first.encode("utf-16-le", "surrogatepass")) // 2
        n_last = len(last.encode("utf-16-le", "surrogatepass")) // 2
        for key, off, n, idx in (
            ("startOffset", offsets[0], n_first, s),
            ("endOffset", offsets[1], n_last, e),
        ):
            if off > n:
                p.add(
                    "span.out_of_range",
                    (i, "value", key),
                    f"{key}={off} is past the end of phrase {idx} ({n} UTF-16 units)",
                    ck=self,
                    expected=f"<= {n}",
                    found=str(off),
                )
                return
        given = v.get("text", MISSING)
        if s == e and isinstance(given, str):
            u16 = first.encode("utf-16-le", "surrogatepass")
            piece = u16[2 * offsets[0] : 2 * offsets[1]].decode("utf-16-le", "replace")
            if piece != given:
                hint = None
                at = first.find(given)
                if at >= 0:
                    a = len(first[:at].encode("utf-16-le", "surrogatepass")) // 2
                    hint = (
                        f"the text occurs at startOffset={a}, endOffset="
                        f"{a + len(given.encode('utf-16-le')) // 2} (Paragraphs offsets are "
                        "UTF-16 units)"
                    )
                p.add(
                    "span.text_mismatch",
                    (i, "value", "text"),
                    f"value.text is {show(given)} but phrase {s} has {show(piece)} between the "
                    "offsets",
                    hint=hint,
                    ck=self,
                    expected=show(piece),
                    found=show(given),
                )


class TimeSeriesSpanChecker(_SpanBase):
    """``timeserieslabels`` (or ``labels``) on ``<TimeSeries>``: time-column units, instant."""

    def __init__(self, control: ControlTag, obj: ObjectTag) -> None:
        super().__init__(control, obj)
        fmt = getattr(obj, "time_format", None)
        self.time_format = fmt
        self.parser = d3_parser(fmt) if fmt else None
        self.needs_instant = control.result_type == "timeserieslabels"

    def check(self, v: dict[str, Any], r: dict[str, Any], i: int, p: PredCtx) -> None:
        s = v.get("start", MISSING)
        e = v.get("end", MISSING)
        inst = v.get("instant", MISSING)
        if (
            type(s) in _NT
            and type(e) in _NT
            and s <= e
            and (
                inst is False
                or (inst is True and s == e)
                or (inst is MISSING and not self.needs_instant)
            )
            and not (type(s) is float and s != s)
            and self.time_format is None
        ):
            if self.key is not None:
                self.check_labels(v, i, p)
            return
        self.slow(v, s, e, inst, i, p)
        if self.key is not None:
            self.check_labels(v, i, p)

    def slow(self, v: dict[str, Any], s: Any, e: Any, inst: Any, i: int, p: PredCtx) -> None:
        times: list[Any] = []
        for key, raw in (("start", s), ("end", e)):
            if raw is MISSING:
                self.key_missing(
                    i,
                    p,
                    f"{self.what} ranges need start and end; {key} is missing",
                    "start, end, instant",
                )
            elif isinstance(raw, str):
                if self.parser is not None:
                    parsed = parse_time(raw, self.parser)
                    if parsed is None:
                        p.add(
                            "timeseries.time_format",
                            (i, "value", key),
                            f"value.{key}={show(raw)} does not parse with timeFormat "
                            f"{self.time_format!r}",
                            hint=f"format times with {self.time_format!r}",
                            ck=self,
                            expected=self.time_format,
                            found=show(raw),
                        )
                    else:
                        times.append(parsed)
            else:
                n = self.number_at(raw, (i, "value", key), p)
                if n is not None:
                    times.append(n)
        if inst is MISSING:
            if self.needs_instant:
                p.add(
                    "value.key_missing",
                    (i, "value"),
                    "timeserieslabels results need value.instant (true for a single point)",
                    hint='add "instant": false for a range, true when start == end',
                    ck=self,
                    expected="start, end, instant",
                )
        elif inst is not True and inst is not False:
            self.wrong_type(
                (i, "value", "instant"),
                p,
                f"value.instant must be true or false, got {a_type(inst)}",
                inst,
            )
        if len(times) == 2 and type(times[0]) is type(times[1]):
            a, b = times
            if a > b:
                self.order(a, b, i, p, strict=False)
            elif inst is True and a != b:
                p.add(
                    "timeseries.instant",
                    (i, "value", "instant"),
                    "instant: true marks a single point, but start != end",
                    hint="set instant to false, or end = start",
                    ck=self,
                )


class AudioSpanChecker(_SpanBase):
    """``labels`` on ``<Audio>``: start and end in seconds, optional channel."""

    def check(self, v: dict[str, Any], r: dict[str, Any], i: int, p: PredCtx) -> None:
        s = v.get("start", MISSING)
        e = v.get("end", MISSING)
        ch = v.get("channel", 0)
        if type(s) in _NT and type(e) in _NT and 0 <= s < e < _INF and type(ch) is int and ch >= 0:
            if self.key is not None:
                self.check_labels(v, i, p)
            return
        nums = []
        for key in ("start", "end"):
            n = self.number(v, key, i, p)
            if n is not None:
                if n < 0:
                    p.add(
                        "span.out_of_range",
                        (i, "value", key),
                        f"{key}={num(n)} s is negative",
                        ck=self,
                    )
                nums.append(n)
        if len(nums) == 2:
            self.order(nums[0], nums[1], i, p, strict=False)
        if "channel" in v:
            c = self.number(v, "channel", i, p, integer=True)
            if c is not None and c < 0:
                p.add("value.type", (i, "value", "channel"), "channel must be >= 0", ck=self)
        if self.key is not None:
            self.check_labels(v, i, p)


class TimelineChecker(_SpanBase):
    """``timelinelabels`` on ``<Video>``: ``ranges`` of 1-based integer frames."""

    def check(self, v: dict[str, Any], r: dict[str, Any], i: int, p: PredCtx) -> None:
        ranges = v.get("ranges", MISSING)
        where = (i, "value", "ranges")
        if type(ranges) is list and ranges:
            for rng in ranges:
                if not (
                    type(rng) is dict
                    and type(rng.get("start", MISSING)) is int
                    and type(rng.get("end", MISSING)) is int
                    and 1 <= rng["start"] <= rng["end"]
                ):
                    break
            else:
                self.check_labels(v, i, p)
                return
        if ranges is MISSING:
            self.key_missing(
                i, p, "timelinelabels results need value.ranges: [{start, end}] frames", "ranges"
            )
        elif not isinstance(ranges, list) or not ranges:
            self.wrong_type(
                where, p, "value.ranges must be a non-empty list of {start, end} frames", ranges
            )
        else:
            for j, rng in enumerate(ranges[:100]):
                if not isinstance(rng, dict):
                    self.wrong_type((*where, j), p, "a range must be {start, end}", rng)
                    continue
                a = self.number(rng, "start", i, p, integer=True, tail=(*where, j))
                b = self.number(rng, "end", i, p, integer=True, tail=(*where, j))
                if a is not None and b is not None:
                    if a > b:
                        p.add(
                            "span.order",
                            (*where, j),
                            f"start={num(a)} is after end={num(b)}",
                            ck=self,
                        )
                    elif a < 1:
                        p.add(
                            "video.frame_range",
                            (*where, j, "start"),
                            f"frame {num(a)}: video frames are 1-based",
                            ck=self,
                        )
        self.check_labels(v, i, p)


# --- d3 time formats ------------------------------------------------------------------------


def d3_parser(fmt: str) -> D3TimeFormat | None:
    """The d3 parser for a ``timeFormat``/``format`` attribute; None if d3 lacks a directive.

    Parsing goes through :mod:`prelabel.timeunits`, which reads timestamps exactly as the
    editor's d3 ``utcParse`` does (``%L`` and ``%f`` digits, no rolled-over dates).
    """
    try:
        return time_format(fmt)
    except BuildError:
        return None


def parse_time(text: str, parser: D3TimeFormat) -> int | None:
    """``text`` as epoch milliseconds under ``parser``, or None when it does not parse."""
    if len(text) > 100:
        return None
    try:
        return parser.parse_ms(text)
    except BuildError:
        return None
