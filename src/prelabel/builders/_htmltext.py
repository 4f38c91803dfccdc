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
from html import unescape
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
_FOREIGN_OR_INTEGRATION = _FOREIGN | _INTEGRATION
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
        stack = self.stack
        closes = _IMPLIES_CLOSE.get(name)
        if closes:
            while stack and stack[-1] in closes:
                self._closed(stack.pop())
        out = self.out
        written = ""
        for key, value in attrs:
            if _ON_ATTRIBUTE.match(key):
                continue
            if not value:
                value = ""
            elif "&" in value or "<" in value or ">" in value or '"' in value:
                value = _escape(value, quote=True)
            written += f' {key}="{value}"'
        if name in _VOID:
            # opened and closed at once (never dropped: neither script nor iframe)
            if name in _SELF_CLOSING:
                out.append(f"<{name}{written} />")
            else:
                out.append(f"<{name}{written}></{name}>")
            return
        stack.append(name)
        if name in _FOREIGN_OR_INTEGRATION:
            self.foreign.append(name in _FOREIGN)
        drop = name == "script" or (name == "iframe" and not _youtube(dict(attrs).get("src")))
        self.frames.append((name, len(out), drop))
        out.append(f"<{name}{written}>")  # every self-closing name is void

    def _closed(self, name: str) -> None:
        frames = self.frames
        if not frames or frames[-1][0] != name:
            return
        _, at, drop = frames.pop()
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
        if self.foreign and tag in _FOREIGN_OR_INTEGRATION:
            self.foreign.pop()
        if tag not in _VOID:
            stack = self.stack
            if stack and stack[-1] == tag:
                stack.pop()
                frames = self.frames
                if frames and frames[-1][0] == tag:  # _closed(tag), inlined: the usual case
                    _, at, drop = frames.pop()
                    if drop:
                        del self.out[at:]
                    elif tag not in _SELF_CLOSING:
                        self.out.append(f"</{tag}>")
            elif tag in stack:
                at = len(stack) - 1 - stack[::-1].index(tag)
                while len(stack) > at:
                    self._closed(stack.pop())
            elif tag == "p":
                self._open("p", [])
                if stack and stack[-1] == "p":
                    self._closed(stack.pop())
        elif tag == "br":
            self.out.append("<br />")

    def handle_data(self, data: str) -> None:
        frames = self.frames
        if frames and frames[-1][0] in ("script", "style"):
            self.out.append(data)
        elif "&" in data or "<" in data or ">" in data:
            self.out.append(_escape(data))
        else:
            self.out.append(data)

    def close(self) -> None:
        super().close()
        while self.stack:
            self._closed(self.stack.pop())


def sanitize_like_label_studio(html: str) -> str:
    """``html`` as Label Studio's ``sanitizeHtml`` passes it to the browser.

    >>> sanitize_like_label_studio("<p>a<!--c-->b<script>x()</script></b>c")
    '<p>abc</p>'
    """
    html = _ABRUPT_COMMENT.sub("", html)
    fast = _sanitize_fast(html)
    if fast is not None:
        return fast
    sanitizer = _Sanitizer()
    sanitizer.feed(html)
    sanitizer.close()
    return "".join(sanitizer.out)


# The fast tokenizer: one compiled regex, run with finditer, reads the markup of ordinary
# pages (text, start tags with well-formed attributes, end tags, plain comments, a doctype,
# <script>, <style> and <title> elements with plain content) into exactly the calls
# HTMLParser makes for it. Anything it does not read with certainty, in every Python
# version's html.parser (other raw-text and RCDATA elements, other "<!" and "<?" constructs,
# tags or attributes outside the simple forms below, NUL), sends the whole document back
# to HTMLParser.
_WS = "[ \t\n\r\f]"
_TAG_NAME = "[a-zA-Z][a-zA-Z0-9:-]*"
_ATTR_NAME = "[a-zA-Z_:][-a-zA-Z0-9_:.]*"
# An unquoted value ends at ASCII whitespace or ">" and not with "/" (older and newer
# html.parser versions read "<a b=c/>" differently, and only older ones end it at any
# Unicode whitespace, "\v" or "\xa0").
_ATTR_VALUE = "\"[^\"]*\"|'[^']*'|[^\\s\"'=<>`]+(?<!/)(?![^ \t\n\r\f>])"
_ATTRIBUTE = re.compile(f"{_WS}+({_ATTR_NAME})(?:{_WS}*={_WS}*({_ATTR_VALUE}))?")
_ATTRIBUTES = f"(?:{_WS}+{_ATTR_NAME}(?:{_WS}*={_WS}*(?:{_ATTR_VALUE}))?)*"
_NOT_TAG = "<(?![a-zA-Z/!?])"  # "<" then not a letter, "/", "!" or "?": text for html.parser too


def _ascii_name(name: str) -> str:
    return "".join(f"[{c}{c.upper()}]" for c in name)


def _raw_text(name: str) -> str:
    """A ``<script>`` or ``<style>`` element's content when every html.parser ends it at the
    ``</name>`` end tag that follows it (``_ascii_name(name)`` then ASCII whitespace, ">").

    Older HTMLParser versions (3.11.7 among them) end the content at the first
    ``</\\s*name\\s*>`` (matched case-insensitively in Unicode: "s" also matches "\\u017f",
    "i" "\\u0130" and "\\u0131"), the patched ones of 2025 at the first ``</name`` followed by
    ASCII whitespace, "/" or ">" (past HTML5's escaped states, which ``<!--`` opens). So the
    content may hold no ``<!``, and ``</`` only before an ASCII letter other than "s", or
    before "s" and an ASCII letter other than the name's second one ("c" or "t", which match
    only themselves in either case).
    """
    letters = "".join(c for c in "abcdefghijklmnopqrstuvwxyz" if c != name[1])
    after_s = f"[sS][{letters}{letters.upper()}]"
    return f"[^<]*(?:<(?:(?![/!])|/(?:[a-rt-zA-RT-Z]|{after_s}))[^<]*)*"


_TOKEN = re.compile(
    # 1 text
    f"((?:[^<]|{_NOT_TAG})[^<]*(?:{_NOT_TAG}[^<]*)*)"
    # 2 a whole <script> element: it is dropped and writes nothing
    f"|(<{_ascii_name('script')}{_ATTRIBUTES}{_WS}*>{_raw_text('script')}"
    f"</{_ascii_name('script')}{_WS}*>)"
    # 3 <style>'s attributes, 4 its content
    f"|<{_ascii_name('style')}({_ATTRIBUTES}){_WS}*>({_raw_text('style')})"
    f"</{_ascii_name('style')}{_WS}*>"
    # 5 start tag name, 6 its attributes, 7 the "/" of "/>"
    f"|<({_TAG_NAME})({_ATTRIBUTES}){_WS}*(/?)>"
    # 8 end tag name
    f"|</({_TAG_NAME}){_WS}*>"
    # a comment holding no "--" (so it ends at its "-->" in every version), a doctype
    "|<!--(?!-?>)(?:[^-]|-(?!-))*-->|<![dD][oO][cC][tT][yY][pP][eE][^<>]*>"
    # 9 anything else
    "|(<)"
)
# A <title>'s content and end tag, read alike whether html.parser tokenizes the content
# (older versions) or reads it as RCDATA (the patched ones of 2025): text with no "<".
_TITLE_REST = re.compile(f"[^<]*</{_ascii_name('title')}{_WS}*>")
# html.parser versions differ on these (raw text, RCDATA, plaintext): always HTMLParser.
_SPECIAL_TAGS = frozenset(
    {
        "script",
        "style",
        "textarea",
        "title",
        "xmp",
        "iframe",
        "noembed",
        "noframes",
        "noscript",
        "plaintext",
        *HTMLParser.CDATA_CONTENT_ELEMENTS,
        *getattr(HTMLParser, "RCDATA_CONTENT_ELEMENTS", ()),
    }
)
# Outside raw text (the fast tokenizer never leaves its state open) every version reads
# these end tags as any other.
_PLAIN_END_TAGS = frozenset({"script", "style", "title"})


def _attributes(attributes: str) -> list[tuple[str, str | None]]:
    """The attributes of a start tag the fast tokenizer matched, as HTMLParser gives them."""
    attrs: list[tuple[str, str | None]] = []
    for key, value in _ATTRIBUTE.findall(attributes):
        if not value:  # no "=": HTMLParser gives None
            attrs.append((key.lower(), None))
            continue
        if value[0] in "\"'":
            value = value[1:-1]
        attrs.append((key.lower(), unescape(value) if value else value))
    return attrs


def _sanitize_fast(html: str) -> str | None:
    """:func:`sanitize_like_label_studio` with the fast tokenizer (after the abrupt-comment
    removal), or ``None`` when the document needs HTMLParser."""
    if "\x00" in html:
        return None
    sanitizer = _Sanitizer()
    # Start tags go to _open: handle_starttag only adds HTMLParser's raw-text state, which
    # the fast tokenizer reads itself (a <script> or <style> element is one token). Text is
    # escaped as handle_data does outside them.
    open_tag = sanitizer._open
    start_end_tag = sanitizer.handle_startendtag
    end_tag = sanitizer.handle_endtag
    write = sanitizer.out.append
    names: dict[str, str] = {}  # tag names as written, lowercased
    for match in _TOKEN.finditer(html):
        kind = match.lastindex
        if kind == 1:
            text = match[1]
            if "&" in text:
                text = unescape(text)
            write(_escape(text) if "<" in text or ">" in text or "&" in text else text)
        elif kind == 7:  # a start tag: its last group is the "/" of "/>", maybe empty
            name, attributes, slash = match.group(5, 6, 7)
            tag = names.get(name)
            if tag is None:
                tag = name.lower()
                if tag in _SPECIAL_TAGS:
                    # (a <script> or <style> this reaches has content or an end tag that
                    # versions may read differently, or is written <script/>)
                    if tag != "title" or slash or not _TITLE_REST.match(html, match.end()):
                        return None
                else:
                    names[name] = tag
            attrs = _attributes(attributes) if attributes else []
            if slash:
                start_end_tag(tag, attrs)
            else:
                open_tag(tag, attrs)
        elif kind == 8:
            name = match[8]
            tag = names.get(name)
            if tag is None:
                tag = name.lower()
                if tag in _SPECIAL_TAGS:
                    if tag not in _PLAIN_END_TAGS:
                        return None
                else:  # not remembered: a later start tag of this name must see the check
                    names[name] = tag
            end_tag(tag)
        elif kind == 4:  # <style>: opened, its content written raw, closed
            attributes, content = match.group(3, 4)
            open_tag("style", _attributes(attributes) if attributes else [])
            if content:
                write(content)
            end_tag("style")
        elif kind == 9:
            return None
        # group 2: a whole <script> element, which opens, holds text and closes at once,
        # leaving nothing; no group: a comment or the doctype, which sanitize-html drops
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
