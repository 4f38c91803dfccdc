"""Spans on ``<HyperText>``: xpath of a DOM text node and a code-point offset inside it.

Offsets are counted in :func:`html_text` of the HTML, the text Label Studio counts in.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...errors import BuildError
from ...offsets import OffsetMap, OffsetUnit
from ...results import Region
from ...tags.base import ControlTag, ObjectTag
from .._htmltext import HtmlText, html_text_map
from .._labeled_region import Options
from ._spans import (
    LabelsArg,
    find_span,
    resolve,
    span_in,
    span_region,
    tag_repr,
    target_of,
    text_span,
)
from ._taskdata import task_text

__all__ = ["HyperTextBuilder", "html_region", "html_text"]


def html_text(html: str, *, inline: bool = False) -> str:
    """The text Label Studio counts HyperText offsets in: text nodes in order, ``<br>`` = ``\\n``.

    Run your model on this string; character offsets into it are what
    :meth:`HyperTextBuilder.span` takes. Whitespace is kept as written (the browser collapses
    it on screen, but offsets still count it); entities are decoded; ``\\r\\n`` becomes ``\\n``.

    Args:
        html: the HTML exactly as in the task data.
        inline: the ``<HyperText inline="true">`` attribute (content in a ``<div>``, not an
            iframe ``<body>``).

    >>> html_text("<h1>Title</h1>\\n<p>A &amp; B<br/>C</p>")
    'Title\\nA & B\\nC'
    """
    return html_text_map(html, inline=inline).text


def html_region(
    control: ControlTag,
    target: ObjectTag,
    html: str | Mapping[str, Any],
    start: int,
    end: int,
    labels: LabelsArg,
    unit: OffsetUnit,
    options: Options,
) -> Region:
    """A labeled span of a ``<HyperText>``: xpaths and in-node offsets, plus ``globalOffsets``.

    On a ``<Text>`` (HyperTextLabels may point at one) the span is plain code-point offsets.
    """
    if target.kind == "text":
        source = task_text(target, html)
        first, last = span_in(OffsetMap(source), start, end, unit, tag_repr(target))
        return text_span(control, target, source, first, last, resolve(control, labels), options)
    source = task_text(target, html)
    dom = html_text_map(source, inline=bool(getattr(target, "inline", False)))
    first, last = span_in(OffsetMap(dom.text), start, end, unit, tag_repr(target))
    geometry = html_geometry(dom, first, last, target)
    text = dom.text[first:last]
    return span_region(control, target, geometry, text, resolve(control, labels), options)


def html_geometry(dom: HtmlText, first: int, last: int, target: ObjectTag) -> dict[str, Any]:
    try:
        start_path, start_offset, end_path, end_offset = dom.locate(first, last)
    except BuildError as exc:
        raise BuildError(f"span ({first}, {last}) on {tag_repr(target)}: {exc}") from None
    return {
        "start": start_path,
        "startOffset": start_offset,
        "end": end_path,
        "endOffset": end_offset,
        "globalOffsets": {"start": first, "end": last},
    }


class HyperTextBuilder(ControlTag):
    """Builders of ``<HyperTextLabels>``: spans in HTML, by offsets into :func:`html_text`.

    On a ``<HyperText>`` the result carries the xpaths and in-node offsets Label Studio
    needs, plus ``globalOffsets``; on a ``<Text>`` it carries plain code-point offsets.

    >>> from prelabel import LabelConfig
    >>> cfg = LabelConfig.parse('<View><HyperText name="html" value="$html"/>'
    ...     '<HyperTextLabels name="ner" toName="html"><Label value="Greeting"/>'
    ...     '</HyperTextLabels></View>')
    >>> region = cfg.control("ner").span_of("<p>Hello <b>world</b></p>", "world", "Greeting")
    >>> region.result["value"]  # doctest: +NORMALIZE_WHITESPACE
    {'start': '/p[1]/b[1]/text()[1]', 'startOffset': 0, 'end': '/p[1]/b[1]/text()[1]',
     'endOffset': 5, 'globalOffsets': {'start': 6, 'end': 11}, 'text': 'world',
     'hypertextlabels': ['Greeting']}
    """

    def span(
        self,
        html: str | Mapping[str, Any],
        start: int,
        end: int,
        label: LabelsArg,
        *,
        unit: OffsetUnit = "codepoint",
        score: float | None = None,
        id: str | None = None,
        to_name: str | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
    ) -> Region:
        """A labeled span ``[start, end)`` of :func:`html_text` of the HTML.

        Args:
            html: the HTML (or the text, on a ``<Text>``), or the task ``data`` dict.
            start: first character of the span in the HTML's text, in ``unit``.
            end: one past the last character.
            label: the span's label(s).
            unit: what the offsets count (``"codepoint"``, ``"utf16"``, ``"utf8"``).
            score: the span's confidence in [0, 1].
            id: the region id; a fresh one when None.
            to_name: the object to annotate when the control points at several.
            readonly: make the span read-only.
            hidden: start the span hidden.

        Raises:
            BuildError: the span is empty, outside the text, or starts/ends on a ``<br>``.
        """
        target = target_of(self, to_name, ("hypertext", "text"), "HTML spans need a <HyperText>")
        options = Options(id, score, readonly, hidden)
        return html_region(self, target, html, start, end, label, unit, options)

    def span_of(
        self,
        html: str | Mapping[str, Any],
        substring: str,
        label: LabelsArg,
        *,
        occurrence: int = 0,
        score: float | None = None,
        id: str | None = None,
        to_name: str | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
    ) -> Region:
        """A labeled span over an occurrence of ``substring`` in the HTML's text.

        The search runs on :func:`html_text` (entities decoded, tags removed, ``<br>`` as
        ``\\n``), so ``"A & B"`` finds ``A &amp; B``.
        """
        target = target_of(self, to_name, ("hypertext", "text"), "HTML spans need a <HyperText>")
        source = task_text(target, html)
        if target.kind == "text":
            content = source
        else:
            content = html_text(source, inline=bool(getattr(target, "inline", False)))
        first, last = find_span(content, substring, occurrence, tag_repr(target))
        options = Options(id, score, readonly, hidden)
        return html_region(self, target, source, first, last, label, "codepoint", options)
