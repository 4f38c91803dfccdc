"""The previous HyperText sanitizer, kept as the oracle for the fast one.

This is ``_Sanitizer`` and ``sanitize_like_label_studio`` from
``prelabel.builders._htmltext`` exactly as they were before the fast tokenizer: every
token goes through the standard library's ``html.parser.HTMLParser``.
``tests/test_hypertext_sanitizer.py`` checks that the real implementation gives exactly this
output. The tree rules (``_IMPLIES_CLOSE``, ``_VOID``, ...) and the output helpers are
imported, not copied: they are data pinned by ``tests/test_hypertext_dom.py`` against
Chromium and Label Studio's own sanitize-html; what this file freezes is the replay of the
tokens. Test-only: nothing in ``src`` imports it.
"""

from __future__ import annotations

from html.parser import HTMLParser

from prelabel.builders._htmltext import (
    _ABRUPT_COMMENT,
    _FOREIGN,
    _IMPLIES_CLOSE,
    _INTEGRATION,
    _ON_ATTRIBUTE,
    _SELF_CLOSING,
    _VOID,
    _escape,
    _youtube,
)

__all__ = ["sanitize_like_label_studio"]


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
