"""Text, HyperText and Paragraphs spans are highlighted over exactly the characters the
builders located (and so where the editor highlights them)."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from prelabel import HyperTextLabels, LabelConfig, Labels, ParagraphLabels
from prelabel.preview import show

CONFIG = LabelConfig.parse(
    '<View><Text name="text" value="$text"/>'
    '<Labels name="ner" toName="text"><Label value="PER" background="#ff0000"/></Labels>'
    '<HyperText name="page" value="$page"/>'
    '<HyperTextLabels name="html" toName="page"><Label value="ORG"/></HyperTextLabels>'
    '<Paragraphs name="chat" value="$chat" nameKey="author" textKey="text"/>'
    '<ParagraphLabels name="intent" toName="chat"><Label value="Ask"/></ParagraphLabels>'
    "</View>"
)
PAGE = "<h1>Acme 🚀 Corp</h1><p>Made by <b>Ada</b> at<br>Acme Labs.</p>"
CHAT = [
    {"author": "ana", "text": "Hi 👋 there"},
    {"author": "bot", "text": "How can I help? 🙂 Ask away"},
]


def _highlighted(html: str) -> dict[str, str]:
    """Region id -> the text its highlight covers (pieces joined)."""
    found: dict[str, str] = {}
    pattern = r'<span class="pl-span[^"]*" data-region="([^"]+)"[^>]*>(.*?)</span>'
    for rid, piece in re.findall(pattern, html, re.S):
        found[rid] = found.get(rid, "") + unescape(piece)
    return found


def _task(results: list[Any]) -> dict[str, Any]:
    flat = [r for region in results for r in region.results]
    data = {"text": "Ada met 🐱 Bob", "page": PAGE, "chat": CHAT}
    return {"data": data, "predictions": [{"result": flat}]}


def test_spans_of_each_object_cover_their_text() -> None:
    ner = CONFIG.control("ner", Labels)
    html = CONFIG.control("html", HyperTextLabels)
    intent = CONFIG.control("intent", ParagraphLabels)
    regions = [
        ner.span("Ada met 🐱 Bob", 8, 13, "PER", id="t1"),
        html.span_of(PAGE, "Ada", "ORG", id="h1"),
        html.span_of(PAGE, "at\nAcme", "ORG", id="h2"),
        intent.span_of(CHAT, "👋 there", "Ask", id="p1"),
        intent.span(CHAT, 1, 16, 26, "Ask", id="p2"),
    ]
    page = show(_task(regions), CONFIG).html
    assert _highlighted(page) == {
        "t1": "🐱 Bob",
        "h1": "Ada",
        "h2": "at\nAcme",
        "p1": "👋 there",
        "p2": "🙂 Ask away",
    }


@settings(max_examples=40, deadline=None)
@given(
    text=st.text(st.characters(codec="utf-8", exclude_characters="\r"), min_size=1, max_size=40),
    data=st.data(),
)
def test_a_text_span_highlights_text_start_to_end(text: str, data: Any) -> None:
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    result = {
        "id": "s", "type": "labels", "from_name": "ner", "to_name": "text",
        "value": {"start": start, "end": end, "text": text[start:end], "labels": ["PER"]},
    }  # fmt: skip
    page = show({"data": {"text": text}, "predictions": [{"result": [result]}]}, CONFIG).html
    assert _highlighted(page) == {"s": text[start:end]}
