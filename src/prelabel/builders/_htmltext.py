"""The text of an HTML document as Label Studio's ``<HyperText>`` counts it, with node xpaths.

Label Studio locates a HyperText span by the xpath of a DOM text node (``/p[2]/text()[1]``,
relative to the HyperText root) and a code-point offset inside that node; its fallback
``globalOffsets`` count code points over every text node in document order, each ``<br>``
counting one (FE ``tags/object/RichText/domManager.ts``). This module walks a parsed document
the same way, so a character span found in :func:`html_text` maps to xpaths and offsets.

The HTML is parsed with lxml's HTML parser after the preprocessing a browser does (``\\r\\n`` and
``\\r`` become ``\\n``); ``<tr>`` rows written directly in a ``<table>`` are wrapped in the
``<tbody>`` a browser inserts. Other differences between libxml2 and an HTML5 parser (mis-nested
tags, NUL characters) can still shift offsets in malformed documents.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools

from lxml import etree
from lxml import html as lxml_html

from ..errors import BuildError

__all__ = ["HtmlText", "html_text_map"]

_WRAPPER = "x-prelabel-root"


@dataclasses.dataclass(frozen=True)
class HtmlText:
    """The HyperText's countable text and where each DOM text node sits in it.

    Attributes:
        text: every text node's data in document order, with ``"\\n"`` for each ``<br>``.
        paths: the xpath of each text node, relative to the HyperText root.
        starts: global code-point offset where each text node starts.
        ends: global code-point offset where each text node ends.
        breaks: global offsets of the ``<br>`` placeholders.
    """

    text: str
    paths: tuple[str, ...]
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    breaks: frozenset[int]

    def locate(self, start: int, end: int) -> tuple[str, int, str, int]:
        """``(start_xpath, start_offset, end_xpath, end_offset)`` of the span ``[start, end)``.

        As Label Studio does, a span starting where a node ends starts in the next node, and
        a span ending where a node starts ends in the previous one.

        Raises:
            BuildError: the span starts or ends on a ``<br>`` that no text node holds.
        """
        first = bisect.bisect_right(self.starts, start) - 1
        if first < 0 or not start < self.ends[first]:
            raise BuildError(self._gap_message("starts", start))
        last = bisect.bisect_left(self.starts, end) - 1
        if last < 0 or not self.starts[last] < end <= self.ends[last]:
            raise BuildError(self._gap_message("ends", end))
        return (
            self.paths[first],
            start - self.starts[first],
            self.paths[last],
            end - self.starts[last],
        )

    def _gap_message(self, verb: str, offset: int) -> str:
        if offset in self.breaks or offset - 1 in self.breaks:
            return (
                f"the span {verb} at offset {offset}, next to a <br> line break that no text "
                "node holds; move it onto the neighbouring text"
            )
        return f"the span {verb} at offset {offset}, outside every text node of the HTML"


@functools.lru_cache(maxsize=64)
def html_text_map(html: str, *, inline: bool = False) -> HtmlText:
    """Walk ``html`` as Label Studio's HyperText does (cached: spans of one document share it).

    Args:
        html: the HTML exactly as in the task data.
        inline: the HyperText's ``inline`` attribute; without it Label Studio renders the
            document in an iframe and xpaths start at ``<body>``, with it they start at the
            wrapper ``<div>`` (leading whitespace is kept, ``<head>`` content is not split off).

    >>> m = html_text_map("<p>Hello <b>world</b></p><p>a<br>b</p>")
    >>> m.text
    'Hello worlda\\nb'
    >>> m.locate(6, 11)
    ('/p[1]/b[1]/text()[1]', 0, '/p[1]/b[1]/text()[1]', 5)
    >>> m.locate(0, 14)
    ('/p[1]/text()[1]', 0, '/p[2]/text()[2]', 1)
    """
    if not isinstance(html, str):
        raise BuildError(f"HyperText content must be a str, got {type(html).__name__}")
    source = html.replace("\r\n", "\n").replace("\r", "\n")
    root = _parse_root(source, inline=inline)
    _insert_tbody(root)
    walker = _Walker()
    walker.visit(root, "")
    text = "".join(walker.parts)
    return HtmlText(
        text=text,
        paths=tuple(walker.paths),
        starts=tuple(walker.starts),
        ends=tuple(walker.ends),
        breaks=frozenset(walker.breaks),
    )


def _parse_root(source: str, *, inline: bool) -> etree._Element:
    wrapped = f"<{_WRAPPER}>{source}</{_WRAPPER}>" if inline else source
    try:
        document = lxml_html.document_fromstring(wrapped)
    except etree.ParserError:
        return etree.Element("body")  # nothing but whitespace or stray end tags: no text
    except ValueError as exc:
        raise BuildError(f"the HyperText content cannot be parsed as HTML: {exc}") from None
    found = document.find(f".//{_WRAPPER}" if inline else "body")
    if found is None:
        raise BuildError("the HyperText content has no <body> to annotate")
    return found


def _insert_tbody(root: etree._Element) -> None:
    """Wrap runs of ``<tr>`` written directly in a ``<table>`` in a ``<tbody>``, as browsers do."""
    for table in list(root.iter("table")):
        run: list[etree._Element] = []
        runs: list[list[etree._Element]] = []
        for child in table:
            if child.tag == "tr":
                run.append(child)
            elif run:
                runs.append(run)
                run = []
        if run:
            runs.append(run)
        for rows in runs:
            body = etree.Element("tbody")
            rows[0].addprevious(body)
            for row in rows:
                body.append(row)  # lxml moves the row's tail with it, as the DOM would


class _Walker:
    """Depth-first walk collecting text nodes with their xpaths and global offsets."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.paths: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.breaks: list[int] = []
        self.position = 0

    def _text(self, data: str | None, prefix: str, counters: dict[str, int]) -> None:
        if not data:
            return
        counters["text()"] = counters.get("text()", 0) + 1
        self.paths.append(f"{prefix}/text()[{counters['text()']}]")
        self.starts.append(self.position)
        self.position += len(data)
        self.ends.append(self.position)
        self.parts.append(data)

    def visit(self, element: etree._Element, prefix: str) -> None:
        counters: dict[str, int] = {}
        self._text(element.text, prefix, counters)
        for child in element:
            if isinstance(child.tag, str):
                name = child.tag.lower()
                counters[name] = counters.get(name, 0) + 1
                if name == "br":
                    self.breaks.append(self.position)
                    self.parts.append("\n")
                    self.position += 1
                elif name != "template":
                    self.visit(child, f"{prefix}/{name}[{counters[name]}]")
            self._text(child.tail, prefix, counters)
