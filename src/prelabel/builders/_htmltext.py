"""The text of an HTML document as Label Studio's ``<HyperText>`` counts it, with node xpaths.

Label Studio locates a HyperText span by the xpath of a DOM text node (``/p[2]/text()[1]``,
relative to the HyperText root) and a code-point offset inside that node; its fallback
``globalOffsets`` count code points over every text node in document order, each ``<br>``
counting one (FE ``tags/object/RichText/domManager.ts``). This module builds the tree the
browser shows and walks it the same way, so a character span found in :func:`html_text`
maps to xpaths and offsets.

What Label Studio 1.23.2 shows (FE ``RichText/model.js`` ``setRemoteValue``, ``view.jsx``):
the task's HTML first passes through ``sanitizeHtml`` (the npm ``sanitize-html`` package, on
htmlparser2; FE ``utils/html.js``), which re-serializes it: comments, the doctype,
``<script>`` and non-YouTube ``<iframe>`` elements disappear, and htmlparser2's own simple
rules close mis-nested tags. The browser then parses the result as HTML5, in an
``about:srcdoc`` iframe (never in quirks mode; the root is ``<body>``) or, with ``inline``,
as a ``<div>``'s ``innerHTML`` (the root is the div). :class:`_Sanitizer` replays the first
step and selectolax's lexbor, an HTML5 parser, the second; both are checked against
Chromium and Label Studio's own sanitize-html by ``integration/test_hypertext_dom.py``.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import re
import urllib.parse
from html.parser import HTMLParser
from typing import TYPE_CHECKING

from .._lazy import lazy_module
from ..errors import BuildError

if TYPE_CHECKING:
    from selectolax import lexbor
    from selectolax.lexbor import LexborNode
else:
    lexbor = lazy_module("selectolax.lexbor")

__all__ = ["HtmlText", "html_element_spans", "html_text_map"]


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
    walker = _Walker()
    for node, prefix_counters in _roots(sanitize_like_label_studio(html), inline=inline):
        walker.visit_siblings(node, "", prefix_counters)
    return HtmlText(
        text="".join(walker.parts),
        paths=tuple(walker.paths),
        starts=tuple(walker.starts),
        ends=tuple(walker.ends),
        breaks=frozenset(walker.breaks),
    )


@functools.lru_cache(maxsize=32)
def html_element_spans(html: str, *, inline: bool = False) -> dict[str, tuple[int, int]]:
    """Every element path Label Studio's DomManager records (not ``<br>``; ``"/"`` is the
    root), with the global code-point span of its content: the editor also accepts these as a
    span's ``start``/``end`` xpaths, counting the offset from the element's first character.

    >>> html_element_spans("<p>ab<b>cd</b></p><p>e</p>")
    {'/p[1]/b[1]': (2, 4), '/p[1]': (0, 4), '/p[2]': (4, 5), '/': (0, 5)}
    """
    walker = _Walker(elements={})
    for node, counters in _roots(sanitize_like_label_studio(html), inline=inline):
        walker.visit_siblings(node, "", counters)
    found = walker.elements or {}
    found["/"] = (0, walker.position)
    return found


def _roots(source: str, *, inline: bool) -> list[tuple[LexborNode | None, dict[str, int]]]:
    """The first child of the HyperText root in the browser's tree (and a shared counter)."""
    source = source.replace("\r\n", "\n").replace("\r", "\n")
    try:
        if inline:
            # innerHTML of a <div> in the editor's page: a fragment with a div context.
            parser = lexbor.LexborHTMLParser(source, is_fragment=True, scripting=True)
            return [(parser.root, {})]
        # about:srcdoc documents are never in quirks mode: a doctype makes lexbor agree.
        parser = lexbor.LexborHTMLParser("<!DOCTYPE html>" + source, scripting=True)
    except ValueError as exc:
        raise BuildError(f"the HyperText content cannot be parsed as HTML: {exc}") from None
    body = parser.body
    if body is None:
        raise BuildError("the HyperText content has no <body> to annotate")
    return [(body.child, {})]


# --- Label Studio's sanitizeHtml, replayed ---------------------------------------------------

# htmlparser2 (Parser.ts): a start tag closes these open elements first.
_P = frozenset({"p"})
_FORM = frozenset({"input", "option", "optgroup", "select", "button", "datalist", "textarea"})
_IMPLIES_CLOSE: dict[str, frozenset[str]] = {
    "tr": frozenset({"tr", "th", "td"}),
    "th": frozenset({"th"}),
    "td": frozenset({"thead", "th", "td"}),
    "body": frozenset({"head", "link", "script"}),
    "li": frozenset({"li"}),
    **dict.fromkeys(("p", "h1", "h2", "h3", "h4", "h5", "h6"), _P),
    **dict.fromkeys(("select", "input", "output", "button", "datalist", "textarea"), _FORM),
    "option": frozenset({"option"}),
    "optgroup": frozenset({"optgroup", "option"}),
    **dict.fromkeys(("dd", "dt"), frozenset({"dd", "dt"})),
    **dict.fromkeys(
        [
            "address",
            "article",
            "aside",
            "blockquote",
            "details",
            "div",
            "dl",
            "fieldset",
            "figcaption",
            "figure",
            "footer",
            "form",
            "header",
            "hr",
            "main",
            "nav",
            "ol",
            "pre",
            "section",
            "table",
            "ul",
        ],
        _P,
    ),
    **dict.fromkeys(("rt", "rp"), frozenset({"rt", "rp"})),
    **dict.fromkeys(("tbody", "tfoot"), frozenset({"thead", "tbody"})),
}
_VOID = frozenset(
    [
        "area",
        "base",
        "basefont",
        "br",
        "col",
        "command",
        "embed",
        "frame",
        "hr",
        "img",
        "input",
        "isindex",
        "keygen",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    ]
)
_FOREIGN = frozenset({"math", "svg"})
_INTEGRATION = frozenset(
    {"mi", "mo", "mn", "ms", "mtext", "annotation-xml", "foreignobject", "desc", "title"}
)
# sanitize-html: written as <x /> with no end tag.
_SELF_CLOSING = frozenset({"img", "br", "hr", "area", "base", "basefont", "input", "link", "meta"})
_YOUTUBE = frozenset(
    {
        "www.youtube.com",
        "youtube.com",
        "www.youtube-nocookie.com",
        "youtube-nocookie.com",
        "youtu.be",
    }
)
_ON_ATTRIBUTE = re.compile(r"^on", re.IGNORECASE)
# htmlparser2 reads these as empty comments; Python's tokenizer (before 3.13) does not.
_ABRUPT_COMMENT = re.compile(r"<!---?>")


def _escape(text: str, *, quote: bool = False) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace('"', "&quot;") if quote else text


def _youtube(src: str | None) -> bool:
    if not src:
        return False
    try:
        parts = urllib.parse.urlsplit(src)
    except ValueError:
        return False
    return parts.scheme == "https" and (parts.hostname or "") in _YOUTUBE


class _Sanitizer(HTMLParser):
    """htmlparser2's tree rules with sanitize-html's output, as Label Studio configures it.

    The tokenizer is the standard library's; htmlparser2's can differ on rare malformed
    markup (markup inside ``<title>``, which htmlparser2 reads as text).
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.stack: list[str] = []  # htmlparser2's open elements
        self.foreign: list[bool] = []
        self.frames: list[tuple[str, int, bool]] = []  # sanitize-html: tag, output index, drop

    def _open(self, name: str, attrs: list[tuple[str, str | None]]) -> None:
        closes = _IMPLIES_CLOSE.get(name)
        if closes:
            while self.stack and self.stack[-1] in closes:
                self._closed(self.stack.pop())
        if name not in _VOID:
            self.stack.append(name)
            if name in _FOREIGN:
                self.foreign.append(True)
            elif name in _INTEGRATION:
                self.foreign.append(False)
        drop = name == "script" or (name == "iframe" and not _youtube(dict(attrs).get("src")))
        self.frames.append((name, len(self.out), drop))
        written = "".join(
            f' {key}="{_escape(value or "", quote=True)}"'
            for key, value in attrs
            if not _ON_ATTRIBUTE.match(key)
        )
        self.out.append(f"<{name}{written}{' />' if name in _SELF_CLOSING else '>'}")
        if name in _VOID:
            self._closed(name)

    def _closed(self, name: str) -> None:
        if not self.frames or self.frames[-1][0] != name:
            return
        _, at, drop = self.frames.pop()
        if drop:
            del self.out[at:]
        elif name not in _SELF_CLOSING:
            self.out.append(f"</{name}>")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ("script", "style"):
            self.clear_cdata_mode()  # htmlparser2 reads only these two as raw text
        self._open(tag, attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open(tag, attrs)
        if self.foreign and self.foreign[-1] and self.stack and self.stack[-1] == tag:
            self._closed(self.stack.pop())  # <x/> closes only in foreign content
        elif tag in ("script", "style"):
            self.clear_cdata_mode()

    def handle_endtag(self, tag: str) -> None:
        if (tag in _FOREIGN or tag in _INTEGRATION) and self.foreign:
            self.foreign.pop()
        if tag not in _VOID:
            if tag in self.stack:
                at = len(self.stack) - 1 - self.stack[::-1].index(tag)
                while len(self.stack) > at:
                    self._closed(self.stack.pop())
            elif tag == "p":
                self._open("p", [])
                if self.stack and self.stack[-1] == "p":
                    self._closed(self.stack.pop())
        elif tag == "br":
            self.out.append("<br />")

    def handle_data(self, data: str) -> None:
        inside = self.frames[-1][0] if self.frames else ""
        self.out.append(data if inside in ("script", "style") else _escape(data))

    def close(self) -> None:
        super().close()
        while self.stack:
            self._closed(self.stack.pop())


def sanitize_like_label_studio(html: str) -> str:
    """``html`` as Label Studio's ``sanitizeHtml`` passes it to the browser.

    >>> sanitize_like_label_studio("<p>a<!--c-->b<script>x()</script></b>c")
    '<p>abc</p>'
    """
    sanitizer = _Sanitizer()
    sanitizer.feed(_ABRUPT_COMMENT.sub("", html))
    sanitizer.close()
    return "".join(sanitizer.out)


# --- the walk ---------------------------------------------------------------------------------


class _Walker:
    """Depth-first walk collecting text nodes with their xpaths and global offsets, and, when
    ``elements`` is given, each element's path (not ``<br>``) with the span of its content."""

    def __init__(self, elements: dict[str, tuple[int, int]] | None = None) -> None:
        self.parts: list[str] = []
        self.paths: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.breaks: list[int] = []
        self.position = 0
        self.elements = elements

    def visit_siblings(
        self, node: LexborNode | None, prefix: str, counters: dict[str, int]
    ) -> None:
        """Walk ``node`` and its following siblings depth first, with an explicit stack (a
        document may nest elements far deeper than Python's recursion limit)."""
        # (node, prefix, counters, -1) walks on; (None, path, {}, start) closes an element.
        pending: list[tuple[LexborNode | None, str, dict[str, int], int]] = [
            (node, prefix, counters, -1)
        ]
        elements = self.elements
        while pending:
            node, prefix, counters, opened = pending.pop()
            if opened >= 0 and elements is not None:
                elements[prefix] = (opened, self.position)
            while node is not None:
                if node.is_text_node:
                    data = node.text_content
                    if data:
                        counters["text()"] = counters.get("text()", 0) + 1
                        self.paths.append(f"{prefix}/text()[{counters['text()']}]")
                        self.starts.append(self.position)
                        self.position += len(data)
                        self.ends.append(self.position)
                        self.parts.append(data)
                elif node.is_element_node:
                    name = (node.tag or "").lower()
                    counters[name] = counters.get(name, 0) + 1
                    path = f"{prefix}/{name}[{counters[name]}]"
                    if name == "br":
                        self.breaks.append(self.position)
                        self.parts.append("\n")
                        self.position += 1
                    else:
                        pending.append((node.next, prefix, counters, -1))
                        pending.append((None, path, {}, self.position))
                        if name != "template":
                            node, prefix, counters = node.child, path, {}
                            continue
                        break
                node = node.next
