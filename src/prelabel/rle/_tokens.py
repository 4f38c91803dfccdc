"""Where the tokens of a stream start: token lengths per bit, followed in a Python loop.

A token's length depends on its own head, so finding where tokens start is sequential. It
is done in two steps, a stretch of the stream at a time:

1. numpy computes, for every bit of the stretch, the length of a repeat token that would
   start there (11 + the count width: 14 to 27 bits), or 0 where the flag bit is 0 (a
   literal chunk, whose length depends on its count). The 8 lengths of a byte depend only
   on that byte and the top 2 bits of the next, so this is one lookup per byte in a
   1024-entry table of 8-byte rows, and the lengths come out as ``bytes``.
2. A Python loop follows them, ``p += lengths[p]``, four tokens per turn (about 30 ns per
   token). A zero length stops the turn, and the tokens up to and through the literal chunk
   are walked one by one, reading its count from the stream.

A byte-wise finite-state machine in numpy (every block's exit state for all 27 entry states)
did the same work in about 28 table lookups per stream byte: 2-4x slower than this loop on
masks, whose tokens are 14 to 27 bits long.
"""

from __future__ import annotations

import functools
from array import array
from typing import TYPE_CHECKING

from .._lazy import lazy_module
from ._header import HEADER_BITS

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray
else:
    np = lazy_module("numpy")

__all__ = ["PAD_BYTES", "SMALL_BYTES", "STRETCH_BYTES", "token_end", "token_starts"]

STRETCH_BYTES = 1 << 14
"""Stream bytes whose bit lengths are made at once: 128 KiB of lengths, which stay in cache
while the loop reads them."""

_AHEAD = 16
"""Bytes of lengths made past each stretch: four tokens of up to 27 bits fit in them, so the
unrolled loop may run past the stretch's end without leaving the lengths."""

SMALL_BYTES = 128
"""Shorter streams are walked token by token in Python: numpy's set-up would cost more."""

PAD_BYTES = _AHEAD + 1
"""Zero bytes the caller's buffer must hold past the stream (the lengths read one byte on)."""


@functools.lru_cache(maxsize=8)
def _length_table(widths: tuple[int, int, int, int]) -> NDArray[np.uint64]:
    """[byte << 2 | top 2 bits of the next byte] -> the 8 token lengths at bits 0..7, as one
    uint64 whose bytes in memory are those lengths in order."""
    window = np.arange(1024)[:, None]
    bit = np.arange(8)[None, :]
    flag = (window >> (9 - bit)) & 1
    cls = (window >> (7 - bit)) & 3
    lengths = np.where(flag == 1, 11 + np.array(widths)[cls], 0).astype(np.uint8)
    return np.ascontiguousarray(lengths).view(np.uint64).ravel()


def token_end(
    starts: NDArray[np.int64],
    top: NDArray[np.uint64],
    width: NDArray[np.uint64],
    count: NDArray[np.int64],
    i: int,
) -> int:
    """Bit position just after token ``i``."""
    body = 8 if top[i] >> np.uint64(63) else 8 * int(count[i])
    return int(starts[i]) + 3 + int(width[i]) + body


def token_starts(
    data: bytes, buf: NDArray[np.uint8], widths: tuple[int, int, int, int]
) -> NDArray[np.int64]:
    """Bit positions of all tokens, in order, from the header to the end of ``data``.

    ``buf`` holds ``data`` followed by at least ``PAD_BYTES`` zero bytes.
    """
    n = len(data)
    p = HEADER_BITS
    if n < SMALL_BYTES:
        every: list[int] = []
        _through_literal(b"", p, 8 * n, data, 0, widths, every, all_tokens=True)
        return np.frombuffer(array("q", every), np.int64)
    table = _length_table(widths)
    found = []
    for low in range(0, n, STRETCH_BYTES):
        high = min(low + STRETCH_BYTES, n)
        if p >= 8 * high:
            continue  # a literal chunk ran past this stretch
        here = buf[low : high + PAD_BYTES].astype(np.intp)
        window = here[:-1] << 2
        window |= here[1:] >> 6
        lengths = table[window]
        fours: list[int] = []
        ones: list[int] = []
        base = 8 * low
        p = base + _follow(
            lengths.tobytes(), p - base, 8 * (high - low), data, base, widths, fours, ones
        )
        starts = _unfold(lengths.view(np.uint8), np.frombuffer(array("q", fours), np.int64))
        if ones:
            starts = np.sort(np.concatenate([starts, np.frombuffer(array("q", ones), np.int64)]))
        found.append(starts + base)
    return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)


def _unfold(lengths: NDArray[np.uint8], fours: NDArray[np.int64]) -> NDArray[np.int64]:
    """The four token starts that each start in ``fours`` begins, in order."""
    starts = np.empty((fours.size, 4), dtype=np.int64)
    starts[:, 0] = fours
    for k in range(1, 4):
        fours = fours + lengths[fours]
        starts[:, k] = fours
    return starts.ravel()


def _follow(
    lengths: bytes,
    p: int,
    end: int,
    data: bytes,
    base: int,
    widths: tuple[int, int, int, int],
    fours: list[int],
    ones: list[int],
) -> int:
    """Follow the tokens from ``p`` (bits from ``base``) until one starts at ``end`` or past
    it, and return that one.

    Each turn reads four tokens and keeps only the first one's start in ``fours`` (numpy
    finds the other three again afterwards, faster than Python keeps them). Tokens walked
    one by one, around a literal chunk, go to ``ones``.
    """
    keep = fours.append
    while p < end:
        q = p + lengths[p]
        r = q + lengths[q]
        s = r + lengths[r]
        t = s + lengths[s]
        if t == s:  # a zero length at p, q, r or s: a literal chunk (or the zero padding)
            p = _through_literal(lengths, p, end, data, base, widths, ones)
            continue
        keep(p)
        p = t
    return p


def _through_literal(
    lengths: bytes,
    p: int,
    end: int,
    data: bytes,
    base: int,
    widths: tuple[int, int, int, int],
    out: list[int],
    *,
    all_tokens: bool = False,
) -> int:
    """Walk tokens one by one from ``p`` through the next literal chunk (to ``end`` if
    ``all_tokens``, reading every head from ``data``); return the next token's start."""
    while p < end:
        out.append(p)
        step = 0 if all_tokens else lengths[p]
        if step:
            p += step
            continue
        at = base + p
        i = at >> 3
        head = (int.from_bytes(data[i : i + 4].ljust(4, b"\0"), "big") << (at & 7)) & 0xFFFFFFFF
        w = widths[(head >> 29) & 3]
        if head >> 31:  # a repeat token
            p += 11 + w
            continue
        p += 3 + w + 8 * (((head >> (29 - w)) & ((1 << w) - 1)) + 1)
        if not all_tokens:
            return p
    return p
