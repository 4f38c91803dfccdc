"""Hypothesis strategies for text offsets: strings where code points, UTF-16 and UTF-8 disagree."""

from __future__ import annotations

from hypothesis import strategies as st

# Pieces that break naive offset arithmetic, each a real-world source of shifted spans.
TRICKY_PIECES = (
    "🐱",  # astral: 1 code point, 2 UTF-16 units, 4 UTF-8 bytes
    "👨🏻‍🚒",  # ZWJ sequence with a skin tone: 4 code points, one grapheme
    "🇫🇷",  # regional-indicator flag: 2 code points
    "e\u0301",  # e + combining acute (NFD)
    "\u00e9",  # é precomposed (NFC)
    "東京",  # CJK: 3 UTF-8 bytes each
    "\r\n",  # Windows newline: two characters, each counted
    "\r",
    "\n",
    "\t",
    "\u00a0",  # no-break space
    "\u200b",  # zero-width space
    "𝔘𝔫𝔦",  # mathematical letters (astral)
    "ﬁ",  # ligature that casefolds to two letters
    "İ",  # casefolds to two code points
    " ",
)

words = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), min_codepoint=0x20, max_codepoint=0x7E),
    min_size=1,
    max_size=8,
)

tricky_text = st.lists(
    st.one_of(st.sampled_from(TRICKY_PIECES), words),
    min_size=1,
    max_size=24,
).map("".join)
"""Text mixing ASCII words with emoji, ZWJ sequences, combining marks, CJK, CR/LF and tabs."""

any_text = st.one_of(
    tricky_text,
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40),
)
"""Tricky text, or any Unicode text without lone surrogates."""


@st.composite
def text_and_span(draw: st.DrawFn, text: st.SearchStrategy[str] = any_text) -> tuple[str, int, int]:
    """A text and a non-empty code-point span ``[start, end)`` inside it."""
    value = draw(text)
    start = draw(st.integers(0, len(value) - 1))
    end = draw(st.integers(start + 1, len(value)))
    return value, start, end


@st.composite
def text_and_offsets(
    draw: st.DrawFn, text: st.SearchStrategy[str] = any_text
) -> tuple[str, list[int]]:
    """A text and some code-point offsets into it (0 and ``len(text)`` included)."""
    value = draw(text)
    offsets = draw(st.lists(st.integers(0, len(value)), min_size=1, max_size=12))
    return value, offsets
