"""HyperText spans checked against the document Label Studio shows.

How the editor (Label Studio 1.23.2) places a HyperText span, from FE
``regions/RichTextRegion.js`` ``initRangeAndOffsets`` and ``tags/object/RichText/domManager.ts``:

1. It looks ``start`` and ``end`` up, as exact strings, among the paths DomManager recorded
   for every node of the shown document (text nodes, and elements other than ``<br>``)
   (``relativeOffsetsToGlobalOffsets`` / ``findElementByPath``). When both are found, the span
   is ``[node(start).start + startOffset, node(end).start + endOffset)`` in global offsets,
   with no bound on the offsets: an offset past its node runs on into the following text.
   The given ``globalOffsets`` are then ignored, and replaced by these on save.
2. Only when a path is not found does it use the given ``globalOffsets`` (and rewrites the
   xpaths from them); without them the region is listed but never highlighted.
3. ``text`` is not recomputed when given (``applyAdditionalDataFromResult`` keeps it,
   ``HighlightMixin.updateHighlightedText`` fills it only when empty): the region list shows
   it and saving writes it back, whatever the highlight covers.

The document is :func:`prelabel.builders._htmltext.html_text_map` of the task's HTML: Label
Studio's sanitizing replayed and parsed as HTML5, walked as DomManager walks it.
"""

from __future__ import annotations

import bisect
import difflib
import functools
import re
from typing import TYPE_CHECKING, Any

from ..builders._htmltext import HtmlText, html_element_spans, html_text_map
from ..errors import BuildError
from ._show import MISSING, show

if TYPE_CHECKING:
    from ._context import PredCtx
    from ._values import ControlChecker

__all__ = ["HtmlDoc", "check_html_span", "html_doc"]

_MAX_CLOSE = 5000  # paths compared for the "closest path" hint
_MAX_FIND = 1000
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_STEP = re.compile(r"/([^/\[\]]+)(?:\[(\d+)\])?")
_WHITE = re.compile(r"\s+")
_BLOCK_BREAK = re.compile(r" ?\\n ?")


class HtmlDoc:
    """One HyperText document: its text map, a path index, and (lazily) element paths."""

    def __init__(self, html: str, inline: bool) -> None:
        self.html = html
        self.inline = inline
        self.map: HtmlText = html_text_map(html, inline=inline)
        self.index = {path: k for k, path in enumerate(self.map.paths)}
        self._elements: dict[str, tuple[int, int]] | None = None

    @property
    def text(self) -> str:
        return self.map.text

    def node(self, path: str) -> tuple[int, int] | None:
        """``(start, end)`` global offsets of the node DomManager records at ``path``."""
        k = self.index.get(path)
        if k is not None:
            return self.map.starts[k], self.map.ends[k]
        return self.elements().get(path)

    def elements(self) -> dict[str, tuple[int, int]]:
        """Element paths (``/p[2]``, the root ``/``) with the global span of their content."""
        if self._elements is None:
            try:
                found = html_element_spans(self.html, inline=self.inline)
            except BuildError:
                found = {}
            # a walk that disagrees with the text map: trust neither
            self._elements = found if found.get("/") == (0, len(self.map.text)) else {}
        return self._elements

    def is_text_node(self, path: str) -> bool:
        return path in self.index


@functools.lru_cache(maxsize=32)
def html_doc(html: str, inline: bool) -> HtmlDoc | None:
    """The document of ``html`` (cached: the spans of one document parse it once)."""
    try:
        return HtmlDoc(html, inline)
    except BuildError:  # content the builder cannot read either
        return None


# --- the check ------------------------------------------------------------------------------


def check_html_span(
    ck: ControlChecker,
    v: dict[str, Any],
    i: int,
    p: PredCtx,
    doc: HtmlDoc,
    span: tuple[str, int, str, int],
) -> None:
    """Check the span ``(start, startOffset, end, endOffset)`` of value ``v`` against ``doc``."""
    s, so, e, eo = span
    given = v.get("text", MISSING)
    if not isinstance(given, str) or not given:
        given = MISSING  # an empty text is filled in by the editor (updateHighlightedText)
    a = doc.node(s)
    b = doc.node(e)
    if a is None or b is None:
        _unknown_paths(ck, v, i, p, doc, ((s, so, a, "start"), (e, eo, b, "end")), given)
        return
    bad = False
    for key, path, off, (ns, ne) in (("startOffset", s, so, a), ("endOffset", e, eo, b)):
        if off > ne - ns:
            bad = True
            what = "text node" if doc.is_text_node(path) else "element"
            p.add(
                "hypertext.offset_out_of_range",
                (i, "value", key),
                f"{key}={off} is past the end of {_quote(path)}, a {what} of {ne - ns} "
                f"characters ({show(doc.text[ns:ne])}); the editor adds it to the node's start "
                "and highlights the text that follows",
                hint=_offset_hint(doc, s, so, e, eo, given),
                ck=ck,
                expected=f"<= {ne - ns}",
                found=str(off),
            )
    if bad:
        return
    gs, ge = a[0] + so, b[0] + eo
    if gs >= ge:
        p.add(
            "span.order",
            (i, "value"),
            f"the span starts at {gs} and ends at {ge} in the document's text: it is "
            f"{'empty' if gs == ge else 'reversed'}, and the editor draws no highlight",
            hint="the end must come after the start (the xpaths are resolved in document order)",
            ck=ck,
            expected="start < end",
            found=f"{gs}, {ge}",
        )
        return
    glob = v.get("globalOffsets", MISSING)
    if isinstance(glob, dict):
        g = (glob.get("start"), glob.get("end"))
        if all(type(x) is int for x in g) and g != (gs, ge):
            p.add(
                "hypertext.global_offsets_mismatch",
                (i, "value", "globalOffsets"),
                f"globalOffsets are {{start: {g[0]}, end: {g[1]}}} but the xpaths and offsets "
                f"give {{start: {gs}, end: {ge}}}; the editor places the span by the xpaths and "
                "rewrites globalOffsets",
                hint=_global_hint(doc, g, gs, ge),
                ck=ck,
                expected=f"{{start: {gs}, end: {ge}}}",
                found=f"{{start: {g[0]}, end: {g[1]}}}",
            )
    if given is not MISSING:
        _compare_text(ck, i, p, doc, given, gs, ge, "the xpaths and offsets")


def _unknown_paths(
    ck: ControlChecker,
    v: dict[str, Any],
    i: int,
    p: PredCtx,
    doc: HtmlDoc,
    ends: tuple[tuple[str, int, tuple[int, int] | None, str], ...],
    given: Any,
) -> None:
    fallback = _usable_global(v.get("globalOffsets", MISSING), len(doc.text))
    for path, off, node, key in ends:
        if node is not None:
            continue
        hint = _path_hint(doc, path, off)
        if fallback is not None:
            gs, ge = fallback
            p.add(
                "hypertext.xpath_fallback",
                (i, "value", key),
                f"value.{key}={_quote(path)} names no node of the document Label Studio shows; "
                f"the editor falls back to globalOffsets ({gs}, {ge}), which cover "
                f"{show(doc.text[gs:ge])}",
                hint=hint,
                ck=ck,
                found=show(path),
            )
        else:
            p.add(
                "hypertext.xpath_unknown",
                (i, "value", key),
                f"value.{key}={_quote(path)} names no node of the document Label Studio shows, "
                "and there are no usable globalOffsets to fall back on: the span is listed "
                "but never highlighted",
                hint=hint,
                ck=ck,
                found=show(path),
            )
    if fallback is not None and given is not MISSING:
        _compare_text(ck, i, p, doc, given, fallback[0], fallback[1], "globalOffsets")


def _quote(path: str) -> str:
    """An xpath in full (they are long but meaningful only whole), unless absurdly long."""
    return repr(path) if len(path) <= 300 else show(path)


def _usable_global(glob: Any, n: int) -> tuple[int, int] | None:
    if not isinstance(glob, dict):
        return None
    gs, ge = glob.get("start"), glob.get("end")
    if type(gs) is int and type(ge) is int and 0 <= gs < ge <= n:
        return gs, ge
    return None


def _same_text(given: str, covered: str) -> bool:
    """Equal, or equal once whitespace runs are one space and each ``\\n`` may be a space or
    nothing.

    The editor's own ``text`` is the rendered selection: whitespace runs collapse, and where
    one block element ends and the next begins it writes ``\\n`` (escaped, as for ``<Text>``)
    even when the HTML source has no whitespace there.
    """
    if given == covered:
        return True
    pieces = _BLOCK_BREAK.split(_WHITE.sub(" ", given))
    pattern = " ?".join(re.escape(piece) for piece in pieces)
    return re.fullmatch(pattern, _WHITE.sub(" ", covered)) is not None


def _compare_text(
    ck: ControlChecker, i: int, p: PredCtx, doc: HtmlDoc, given: str, gs: int, ge: int, by: str
) -> None:
    covered = doc.text[gs:ge]
    if _same_text(given, covered):
        return
    p.add(
        "hypertext.text_mismatch",
        (i, "value", "text"),
        f"value.text is {show(given)} but {by} cover {show(covered)}; the editor highlights "
        "the latter and keeps value.text as the region's text",
        hint=_find_hint(doc, given, gs),
        ck=ck,
        expected=show(covered),
        found=show(given),
    )


# --- hints ----------------------------------------------------------------------------------


def _located(doc: HtmlDoc, gs: int, ge: int) -> str | None:
    try:
        s, so, e, eo = doc.map.locate(gs, ge)
    except BuildError:
        return None
    return f"start={s!r}, startOffset={so}, end={e!r}, endOffset={eo}"


def _find_hint(doc: HtmlDoc, given: str, near: int) -> str | None:
    """Where ``given`` occurs in the document's text, nearest to ``near``."""
    if not given:
        return None
    text = doc.text
    best = -1
    at = text.find(given)
    n = 0
    while at >= 0 and n < _MAX_FIND:
        if best < 0 or abs(at - near) < abs(best - near):
            best = at
        at = text.find(given, at + 1)
        n += 1
    if best < 0:
        return None
    where = _located(doc, best, best + len(given))
    if where is None:
        return None
    return f"the text {show(given)} is at {where} (globalOffsets {best}, {best + len(given)})"


def _offset_hint(doc: HtmlDoc, s: str, so: int, e: str, eo: int, given: Any) -> str | None:
    """UTF-16 offsets, or where the given text really is."""
    if isinstance(given, str) and given:
        a, b = doc.node(s), doc.node(e)
        if a is not None and b is not None:
            gs = a[0] + _from_utf16(doc.text[a[0] : a[1]], so)
            ge = b[0] + _from_utf16(doc.text[b[0] : b[1]], eo)
            if doc.text[gs:ge] == given and (gs, ge) != (a[0] + so, b[0] + eo):
                where = _located(doc, gs, ge)
                if where is not None:
                    return (
                        "the offsets look like UTF-16 code units (JavaScript string "
                        f"indices); Label Studio counts code points: {where}"
                    )
        return _find_hint(doc, given, 0 if a is None else a[0])
    return None


def _from_utf16(node_text: str, units: int) -> int:
    """The code-point index at ``units`` UTF-16 units into ``node_text`` (clamped)."""
    return len(
        node_text.encode("utf-16-le", "surrogatepass")[: 2 * units].decode("utf-16-le", "ignore")
    )


def _global_hint(doc: HtmlDoc, g: tuple[Any, Any], gs: int, ge: int) -> str:
    a, b = g
    n = len(doc.text)
    if 0 <= a < b <= n and doc.text[a:b] == doc.text[gs:ge]:
        return (
            "both cover the same text, at another place; globalOffsets count code points over "
            "every text node in document order with each <br> as one character"
        )
    u16 = doc.text.encode("utf-16-le", "surrogatepass")
    if 0 <= a < b <= len(u16) // 2:
        ua = len(u16[: 2 * a].decode("utf-16-le", "ignore"))
        ub = len(u16[: 2 * b].decode("utf-16-le", "ignore"))
        if (ua, ub) == (gs, ge):
            return "globalOffsets look like UTF-16 code units; Label Studio counts code points"
    return f"write globalOffsets {{start: {gs}, end: {ge}}}, or leave them out"


def _path_hint(doc: HtmlDoc, path: str, offset: int) -> str | None:
    """Why ``path`` is not found: a known producer mistake, or the closest existing path."""
    steps = _STEP.findall(path)
    if not steps or "".join(f"/{n}" + (f"[{k}]" if k else "") for n, k in steps) != path:
        return _closest(doc, path)
    # /html/body prefix (an lxml or BeautifulSoup path on the whole document)
    names = [n.lower() for n, _ in steps]
    for prefix in (["html", "body"], ["body"]):
        cut = len(prefix)
        if names[:cut] == prefix and len(steps) > cut:
            rest = "".join(f"/{n.lower()}[{k or 1}]" for n, k in steps[cut:])
            if doc.node(rest) is not None:
                return (
                    f"paths are relative to the HyperText root (the <body>, or the wrapper "
                    f"<div> with inline): write {rest!r}"
                )
    candidates: list[tuple[str, str]] = []
    normal = "".join(f"/{n.lower()}[{k or 1}]" for n, k in steps)
    if normal != path:
        candidates.append((normal, "write every step with its index, in lower case"))
    if all(k for _, k in steps) and any(k == "0" for _, k in steps):
        shifted = "".join(f"/{n.lower()}[{int(k) + 1}]" for n, k in steps)
        candidates.append((shifted, "xpath indices start at 1"))
    tbody = _with_tbody(steps)
    if tbody is not None:
        candidates.append(
            (tbody, "the browser's HTML parser puts table rows in a <tbody> the HTML omits")
        )
    for fixed, why in candidates:
        if doc.node(fixed) is not None:
            return f"{why}: {fixed!r}"
    commented = _with_comments(doc, path, offset)
    if commented is not None:
        return commented
    return _closest(doc, path)


def _with_tbody(steps: list[tuple[str, str]]) -> str | None:
    out = []
    changed = False
    for j, (name, k) in enumerate(steps):
        out.append(f"/{name.lower()}[{k or 1}]")
        nxt = steps[j + 1][0].lower() if j + 1 < len(steps) else ""
        if name.lower() == "table" and nxt == "tr":
            out.append("/tbody[1]")
            changed = True
    return "".join(out) if changed else None


def _with_comments(doc: HtmlDoc, path: str, offset: int) -> str | None:
    """A path counted in the HTML with its comments kept: where it is in the shown document."""
    if "<!--" not in doc.html:
        return None
    # Each comment becomes an empty element: it splits text nodes as a comment node does,
    # and adds no text, so global offsets are those of the shown document.
    marked = _COMMENT.sub("<prelabel-comment></prelabel-comment>", doc.html)
    other = html_doc(marked, doc.inline)
    if other is None:
        return None
    node = other.node(path)
    if node is None or not other.is_text_node(path) or len(other.text) != len(doc.text):
        return None
    at = node[0] + offset
    k = bisect.bisect_right(doc.map.starts, at) - 1
    if k < 0:
        return None
    return (
        "Label Studio removes HTML comments before showing the HTML, so text on both sides of "
        f"a comment is one text node: this position is {doc.map.paths[k]!r} at offset "
        f"{at - doc.map.starts[k]}"
    )


def _closest(doc: HtmlDoc, path: str) -> str | None:
    paths = list(doc.map.paths[:_MAX_CLOSE])
    if not paths:
        return "the document has no text"
    close = difflib.get_close_matches(path, paths, n=1, cutoff=0.5)
    if close:
        return f"the closest text node is {close[0]!r}"
    return f"text nodes are at paths such as {paths[0]!r}"
