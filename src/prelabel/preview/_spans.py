"""Where HyperText and Paragraphs spans sit in the text a preview shows.

HyperText: the editor finds a span by the xpath of a text node and an offset in it (code
points), with ``globalOffsets`` as its fallback; both are turned into offsets of the document's
countable text (:func:`~prelabel.builders._htmltext.html_text_map`, the walk the builders and
the validator use). Paragraphs: phrase indices (strings) and UTF-16 offsets inside the phrase
text, turned into offsets of the phrases shown one per line.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..builders._htmltext import html_text_map
from ..errors import PrelabelError
from ..offsets import utf16_to_codepoints
from ._model import RegionView
from ._panels import Span

__all__ = ["hypertext_spans", "paragraph_spans"]


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def _value(region: RegionView) -> Mapping[str, Any]:
    value = region.main.get("value")
    return value if isinstance(value, Mapping) else {}


def hypertext_spans(
    html: str, regions: Sequence[RegionView], *, inline: bool
) -> tuple[str, list[Span], list[RegionView]]:
    """The countable text of ``html``, the spans placed in it, and the regions that were not."""
    try:
        mapped = html_text_map(html, inline=inline)
    except PrelabelError:
        return "", [], list(regions)
    where = {path: i for i, path in enumerate(mapped.paths)}
    spans: list[Span] = []
    outside: list[RegionView] = []
    for region in regions:
        value = _value(region)
        start = _offset(value.get("start"), value.get("startOffset"), where, mapped.starts)
        end = _offset(value.get("end"), value.get("endOffset"), where, mapped.starts)
        if start is None or end is None:
            found = value.get("globalOffsets")
            if isinstance(found, Mapping):
                start, end = _int(found.get("start")), _int(found.get("end"))
        if start is None or end is None or not 0 <= start < end <= len(mapped.text):
            outside.append(region)
        else:
            spans.append((start, end, region))
    return mapped.text, spans, outside


def _offset(path: Any, offset: Any, where: Mapping[str, int], starts: Sequence[int]) -> int | None:
    node = where.get(path) if isinstance(path, str) else None
    number = _int(offset)
    if node is None or number is None:
        return None
    return starts[node] + number


def paragraph_spans(
    phrases: Any, regions: Sequence[RegionView], *, name_key: str, text_key: str
) -> tuple[str, list[Span], list[RegionView]]:
    """The phrases one per line (``author: text``), the spans placed in them, and the rest."""
    if not isinstance(phrases, list):
        return "", [], list(regions)
    lines: list[str] = []
    bases: list[int] = []
    texts: list[str] = []
    position = 0
    for phrase in phrases:
        item = phrase if isinstance(phrase, Mapping) else {}
        author, text = item.get(name_key), item.get(text_key)
        text = text if isinstance(text, str) else ""
        head = f"{author}: " if isinstance(author, str) and author else ""
        lines.append(head + text)
        bases.append(position + len(head))
        texts.append(text)
        position += len(head) + len(text) + 1
    spans: list[Span] = []
    outside: list[RegionView] = []
    for region in regions:
        value = _value(region)
        first, last = _int(value.get("start")), _int(value.get("end"))
        a, b = _int(value.get("startOffset")), _int(value.get("endOffset"))
        try:
            if first is None or last is None or a is None or b is None:
                raise IndexError
            start = bases[first] + utf16_to_codepoints(texts[first], a)
            end = bases[last] + utf16_to_codepoints(texts[last], b)
        except (IndexError, ValueError, PrelabelError):
            outside.append(region)
            continue
        if start < end:
            spans.append((start, end, region))
        else:
            outside.append(region)
    return "\n".join(lines), spans, outside
