"""Non-image objects and classifications: text spans, time axes, and values beside the object.

* ``<Text>``: each span highlighted at ``value.start``/``value.end``, Unicode code points into
  the task text (Python ``str`` indices), which is where Label Studio highlights them.
* ``<HyperText>``: spans placed by their text-node xpath and offset (``globalOffsets`` when
  the xpath is not in the document), over the text Label Studio counts (``html_text_map``).
* ``<Paragraphs>``: each phrase on its line, spans from phrase ``start`` at ``startOffset`` to
  phrase ``end`` at ``endOffset`` (UTF-16 units inside a phrase, as the editor counts them).
* ``<Audio>``, ``<Video>``, ``<TimeSeries>``: segments and ranges as bars on a time axis.
* choices, taxonomy, rating, number, datetime, textarea, ...: a table beside the object.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Mapping, Sequence
from typing import Any

from ._html import esc, fmt, shorten
from ._model import RegionView

__all__ = [
    "TEXT_LIMIT",
    "Span",
    "classifications_table",
    "highlight",
    "span_list",
    "text_spans",
    "timeline_svg",
]

TEXT_LIMIT = 20_000  # characters of a text shown; spans past it are listed below
_LANES = 12


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _tint(colour: str) -> str:
    return f"{colour}40" if colour.startswith("#") and len(colour) == 7 else colour


Span = tuple[int, int, RegionView]


def text_spans(text: str, regions: Sequence[RegionView]) -> str:
    """A ``<Text>`` with every span highlighted at ``value.start``/``value.end`` (code points)."""
    spans: list[Span] = []
    outside: list[RegionView] = []
    for region in regions:
        value = region.main.get("value")
        value = value if isinstance(value, Mapping) else {}
        start, end = _int(value.get("start")), _int(value.get("end"))
        if start is None or end is None or not 0 <= start < end <= len(text):
            outside.append(region)
        else:
            spans.append((start, end, region))
    return highlight(text, spans, outside)


def highlight(text: str, spans: Sequence[Span], outside: Sequence[RegionView]) -> str:
    """``text`` with each ``(start, end, region)`` code-point span highlighted (nested spans:
    the inner one shows on top); ``outside`` regions, which could not be placed, are listed."""
    shown = text[:TEXT_LIMIT]
    outside = [*outside, *(region for _, end, region in spans if end > len(shown))]
    spans = [span for span in spans if span[1] <= len(shown)]
    cuts = sorted({0, len(shown), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    ends: dict[int, list[RegionView]] = {}
    for _, end, region in spans:
        ends.setdefault(end, []).append(region)
    out = ['<div class="pl-text">']
    for a, b in itertools.pairwise(cuts):
        covering = [r for s, e, r in spans if s <= a and b <= e]
        piece = esc(shown[a:b])
        if covering:
            top = covering[-1]
            cls = "pl-span pl-problem" if any(r.problem for r in covering) else "pl-span"
            title = esc(" / ".join(shorten(r.caption, 80) for r in covering))
            out.append(
                f'<span class="{cls}" data-region="{esc(top.id)}" title="{title}" '
                f'style="background:{_tint(top.colour)};box-shadow:inset 0 -2px {top.colour}">'
                f"{piece}</span>"
            )
        else:
            out.append(piece)
        for region in ends.get(b, []):
            out.append(f"<sup>{esc(shorten(', '.join(region.labels) or '∅', 30))}</sup>")
    if len(text) > len(shown):
        out.append(f'<span class="pl-more"> … {len(text) - len(shown)} more characters</span>')
    out.append("</div>")
    if outside:
        out.append(span_list(outside, note="not placed in the text shown"))
    return "".join(out)


def _location(value: Mapping[str, Any]) -> str:
    keys = ("start", "end", "startOffset", "endOffset", "channel")
    parts = [f"{k}={shorten(json.dumps(value[k]), 40)}" for k in keys if k in value]
    return " ".join(parts)


def span_list(regions: Sequence[RegionView], *, note: str = "") -> str:
    """A table of spans: colour and labels, text, where."""
    rows = []
    for region in regions[:200]:
        value = region.main.get("value")
        value = value if isinstance(value, Mapping) else {}
        text = value.get("text")
        text = text if isinstance(text, str) else ""
        cls = ' class="pl-problem"' if region.problem else ""
        rows.append(
            f'<tr{cls}><td><span class="pl-swatch" style="background:{region.colour}"></span>'
            f"{esc(shorten(region.caption, 80))}</td><td>{esc(shorten(text, 120))}</td>"
            f"<td><code>{esc(_location(value))}</code></td></tr>"
        )
    more = len(regions) - len(rows)
    tail = f'<tr><td colspan="3" class="pl-more">… {more} more</td></tr>' if more > 0 else ""
    caption = f'<caption class="pl-muted">{esc(note)}</caption>' if note else ""
    return (
        f"<table>{caption}<tr><th>label</th><th>text</th><th>where</th></tr>"
        + "".join(rows)
        + tail
        + "</table>"
    )


def _range(result: Mapping[str, Any]) -> list[tuple[float, float]]:
    value = result.get("value")
    if not isinstance(value, Mapping):
        return []
    found: list[tuple[float, float]] = []
    items = [value, *(i for i in value.get("ranges") or [] if isinstance(i, Mapping))]
    for item in items:
        start, end = _float(item.get("start")), _float(item.get("end"))
        if start is not None and end is not None:
            found.append((start, end))
    sequence = value.get("sequence") or []
    frames = [_float(f.get("frame")) for f in sequence if isinstance(f, Mapping)]
    numbers = [f for f in frames if f is not None]
    if numbers:
        found.append((min(numbers), max(numbers)))
    return found


def _float(value: Any) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return None


def timeline_svg(regions: Sequence[RegionView], *, length: float | None, width: int) -> str:
    """Segments as bars on a time axis (seconds, frames or the series' own unit), one lane
    per overlap level; regions without numeric start/end are listed below."""
    bars: list[tuple[float, float, RegionView]] = []
    unplaced: list[RegionView] = []
    for region in regions:
        ranges = _range(region.main)
        if not ranges:
            unplaced.append(region)
        bars += [(a, b, region) for a, b in ranges]
    end = max([length or 0.0, *(b for _, b, _ in bars), 1e-9])
    lanes: list[float] = []
    placed: list[tuple[int, float, float, RegionView]] = []
    for a, b, region in sorted(bars, key=lambda bar: bar[0]):
        lane = next((i for i, free in enumerate(lanes) if free <= a), None)
        if lane is None:
            lane = len(lanes) if len(lanes) < _LANES else len(lanes) - 1
            if lane == len(lanes):
                lanes.append(b)
        lanes[lane] = max(lanes[lane], b)
        placed.append((lane, a, b, region))
    height = 18 * max(len(lanes), 1) + 18
    scale = (width - 2) / end
    out = [
        f'<svg class="pl-timeline" xmlns="http://www.w3.org/2000/svg" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}">'
    ]
    for lane, a, b, region in placed:
        dash = ' stroke-dasharray="4 2"' if region.problem else ""
        out.append(
            f'<rect class="pl-shape" data-region="{esc(region.id)}" x="{fmt(1 + a * scale)}" '
            f'y="{2 + 18 * lane}" width="{fmt(max((b - a) * scale, 1))}" height="14" '
            f'fill="{region.colour}" fill-opacity="0.45" stroke="{region.colour}"{dash}>'
            f"<title>{esc(shorten(region.caption, 200))} [{fmt(a)}, {fmt(b)}]</title></rect>"
        )
    axis_y = height - 4
    out.append(f'<text x="2" y="{axis_y}">0</text>')
    out.append(f'<text x="{width - 2}" y="{axis_y}" text-anchor="end">{esc(fmt(end))}</text>')
    out.append("</svg>")
    if unplaced:
        out.append(span_list(unplaced, note="not on a numeric axis"))
    return "".join(out)


def _summary(value: Any) -> str:
    if isinstance(value, Mapping):
        value = {k: v for k, v in value.items() if k not in ("x", "y", "width", "height")}
        if len(value) == 1:
            value = next(iter(value.values()))
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ", ".join(value)
    if isinstance(value, list) and all(isinstance(v, list) for v in value):
        return "; ".join(" / ".join(map(str, v)) for v in value)
    return json.dumps(value, ensure_ascii=False, default=str)


def classifications_table(items: Sequence[tuple[Mapping[str, Any], bool]]) -> str:
    """Region-less results (choices, rating, ...) as ``control | value`` rows; the flag marks
    a result with a problem."""
    if not items:
        return ""
    rows = []
    for result, problem in items[:100]:
        cls = ' class="pl-problem"' if problem else ""
        score = _float(result.get("score"))
        shown = f' <span class="pl-muted">{fmt(score)}</span>' if score is not None else ""
        rows.append(
            f"<tr{cls}><td>{esc(result.get('from_name'))}</td>"
            f"<td>{esc(shorten(_summary(result.get('value')), 200))}{shown}</td></tr>"
        )
    more = len(items) - len(rows)
    tail = f'<tr><td colspan="2" class="pl-more">… {more} more</td></tr>' if more > 0 else ""
    return "<table><tr><th>control</th><th>value</th></tr>" + "".join(rows) + tail + "</table>"
