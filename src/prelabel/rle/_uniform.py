"""Streams of one value (an empty or a full mask), recognised without walking their tokens.

An encoder writes a mask of one value as one run: full 65536-word repeat tokens, then one
last repeat token for the rest (class 3 from ``mask2rle`` and prelabel, the smallest class
that fits from the editor). Such a stream is a few hundred bytes for a megapixel, and its
length alone rules out every other stream of the same word count (any second run adds a
token). Its image is one fill: ``np.zeros`` (lazy) or ``np.full``, at memory speed, where
the general decoder walks the tokens and repeats them.

The check compares the stream's bits with that shape exactly; a stream that differs in any
bit the general decoder reads (a shorter first token, another value, a cut-off end) goes to
the general decoder, so both give the same image and the same errors.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_module
from ._header import HEADER_BITS, MAX_RUN_WORDS, WIDTHS, RLEHeader, RLEStats

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray
else:
    np = lazy_module("numpy")

__all__ = ["Uniform", "uniform_value"]

_FULL_BITS = 3 + WIDTHS[3] + 8
"""A full token: flag, class, 16-bit count, value."""

_FULL_HEAD = (1 << 2 | 3) << WIDTHS[3] | (MAX_RUN_WORDS - 1)
"""A full token without its value: repeat, class 3, count 65536."""


def uniform_value(data: bytes, head: RLEHeader) -> int | None:
    """The one value every word of ``data`` decodes to, or None if that is not plain from
    the stream's shape (then the general decoder reads it)."""
    if head.count_widths != WIDTHS:
        return None
    full = (head.words - 1) // MAX_RUN_WORDS  # tokens before the last; it has 1..65536 words
    at = HEADER_BITS + _FULL_BITS * full  # where the last token starts
    n = 8 * len(data)
    # longer than the longest last token and a byte of padding: more runs (this rejects
    # every other stream before its bits are read); shorter than the shortest last token:
    # truncated, which the general decoder reports
    if n > 8 * ((at + _FULL_BITS) // 8 + 1) or n < at + 3 + WIDTHS[0] + 8:
        return None
    bits = int.from_bytes(data, "big")
    value = None
    if full:
        tokens = (bits >> (n - at)) & ((1 << (_FULL_BITS * full)) - 1)
        first = tokens >> (_FULL_BITS * (full - 1))
        if first >> 8 != _FULL_HEAD:
            return None
        rest = (1 << (_FULL_BITS * (full - 1))) - 1
        if tokens >> _FULL_BITS != tokens & rest:  # every 27-bit token the same as the next
            return None
        value = first & 0xFF
    flag_class = (bits >> (n - at - 3)) & 7
    if not flag_class & 4:  # a literal chunk
        return None
    width = WIDTHS[flag_class & 3]
    end = at + 3 + width + 8
    if end > n:
        return None
    count = ((bits >> (n - at - 3 - width)) & ((1 << width) - 1)) + 1
    if count < head.words - MAX_RUN_WORDS * full:  # more runs follow (a longer one clips)
        return None
    last = (bits >> (n - end)) & 0xFF
    return last if value is None or last == value else None


class Uniform:
    """A stream whose words all hold ``value``: the decoder's output is one fill."""

    def __init__(self, value: int, words: int) -> None:
        self.value = value
        self.words = words

    def expand(self, *, stride: int, phase: int) -> NDArray[np.uint8]:
        """Words ``phase, phase + stride, ...`` of the decoded stream, as ``Stream.expand``."""
        n_out = (self.words - phase + stride - 1) // stride
        if self.value == 0:
            return np.zeros(n_out, dtype=np.uint8)  # calloc: pages are mapped when written
        return np.full(n_out, self.value, dtype=np.uint8)

    def stats(self, height: int, width: int) -> RLEStats:
        """Painted pixels and largest alpha, as ``Stream.stats`` reads them."""
        return RLEStats(height, width, height * width if self.value else 0, self.value)
