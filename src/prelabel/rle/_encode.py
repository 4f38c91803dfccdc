"""Encoding a ``(height, width)`` mask into Label Studio's brush RLE, as ``mask2rle`` writes it."""

from __future__ import annotations

import functools
import sys
import threading
from typing import TYPE_CHECKING, Literal

from .._lazy import lazy_module
from ..errors import RLEError
from ._header import HEADER_BITS, HEADER_TAIL, MAX_RUN_PX, MAX_WORDS, WIDTHS

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import ArrayLike, NDArray
else:
    np = lazy_module("numpy")

__all__ = ["MaskValues", "encode"]

MaskValues = Literal["auto", "binary", "alpha"]


def encode(mask: ArrayLike, *, values: MaskValues = "auto") -> list[int]:
    """Encode a ``(height, width)`` mask as a Label Studio brush RLE list.

    Each mask value becomes the R, G, B and alpha of its pixel, as in Label Studio's
    ``mask2rle``; the editor draws the label colour with that alpha. The output equals
    ``mask2rle``'s byte for byte for any 0..255 mask (so a 0/255 mask gives exactly the
    official stream).

    How values are read (``values``):

    * ``"auto"`` (default): a bool mask draws True at 255. An integer mask is alpha 0..255
      as is, except that a mask whose largest value is 1 is refused: Label Studio would
      draw it at alpha 1/255, which is invisible (the most common brush bug).
    * ``"binary"``: every nonzero value draws at 255 (a 0/1 mask, a label map ``== k``...).
    * ``"alpha"``: integer values 0..255 as they are, 0/1 included.

    A bool mask draws True at 255 whatever ``values`` says.

    Args:
        mask: array of shape ``(height, width)``, numpy row-major image layout (not
            ``(width, height)``); dtype bool or any integer dtype. Floats are refused:
            threshold them first.
        values: how to read the mask's values, see above.

    Returns:
        The ``value.rle`` list: plain Python ints 0..255, ready for JSON.

    Raises:
        RLEError: the mask is not 2-D, is empty, is float or of another non-integer
            dtype, holds values outside 0..255, holds only 0/1 with ``values="auto"``, or is
            too large for the format's 32-bit word count.
        ValueError: ``values`` is not one of the three choices.

    >>> import numpy as np
    >>> encode(np.ones((1, 1), dtype=bool))
    [0, 0, 0, 4, 57, 27, 252, 127, 224]
    >>> encode(np.array([[0, 1]], dtype=np.uint8), values="binary")
    [0, 0, 0, 8, 57, 27, 252, 96, 17, 255, 128]
    """
    if values not in ("auto", "binary", "alpha"):
        raise ValueError(f"values must be 'auto', 'binary' or 'alpha', got {values!r}")
    arr = np.asarray(mask)
    _check_mask_shape(arr)
    kind = arr.dtype.kind
    if kind == "f":
        raise RLEError(f"mask has dtype {arr.dtype}; threshold it first, e.g. encode(mask > 0.5)")
    if kind not in "biu":
        raise RLEError(f"mask has dtype {arr.dtype}; expected bool or an integer dtype")
    flat = arr.ravel()  # C order: row 0 first, as Label Studio reads the pixels
    if kind != "b" and values == "binary":
        flat = flat != 0
    if _is_constant(flat, arr.shape[1]):
        return _one_run(flat.size, int(_alphas(flat[:1], values)[0]))
    px, run_values = _runs(flat)
    del flat
    if px.size == 1:
        return _one_run(int(px[0]), int(_alphas(run_values, values)[0]))
    return _pack(px, _alphas(run_values, values), arr.size)


def _alphas(run_values: NDArray[np.generic], values: MaskValues) -> NDArray[np.uint8]:
    """Each run's alpha (what ``mask2rle`` writes in every channel), after the value checks."""
    if run_values.dtype == np.bool_:
        return run_values.view(np.uint8) * np.uint8(255)
    is_u8 = run_values.dtype == np.uint8  # in range already: no min, no copy
    hi = int(run_values.max())
    lo = 0 if is_u8 else int(run_values.min())
    if lo < 0 or hi > 255:
        raise RLEError(f"mask values must be in 0..255, got min {lo} and max {hi}")
    if hi == 1 and values == "auto":
        raise RLEError(
            "mask holds only 0 and 1, which Label Studio draws at alpha 1/255 (invisible); "
            "use encode(mask, values='binary') to draw nonzero pixels at 255, "
            "or values='alpha' to keep alpha 1"
        )
    return run_values.astype(np.uint8, copy=False)


_CONSTANT_CHECK_PX = 1 << 19
"""From this many pixels, a mask is first checked for one value everywhere (a class absent
from an image): a min and a max over the pixels cost a fraction of the run scan. Smaller
masks find their one run in the scan as fast."""


_PROBES = tuple((y, x) for y in (3, 5, 1, 7) for x in (3, 5, 1, 7))
"""Where the constant check looks first, in eighths of the height and width: a 4 x 4 grid
from the centre out (16 Python calls cost less than the numpy grid that comes next)."""


def _is_constant(flat: NDArray[np.generic], width: int) -> bool:
    """Whether a large mask (its pixels row by row, ``width`` a row) holds one value everywhere.

    The first and last pixels and a grid of about 16 x 16 more are looked at first, so a mask
    with anything drawn on it seldom pays for a pass over its pixels (a strided sample of the
    flat pixels would be a line across the image, and miss shapes beside it). A mask starting
    with its dtype's smallest value (0, False) is constant when its max is that value, one
    starting with the largest (255 in uint8, True) when its min is: one pass, where reading
    the mask from memory is most of the cost.
    """
    if flat.size < _CONSTANT_CHECK_PX:
        return False
    first = flat[0]
    pixel = flat.item
    height = flat.size // width
    for y, x in _PROBES:  # a few pixels first: one Python call each, not a numpy call
        if pixel(height * y // 8 * width + width * x // 8) != first:
            return False
    grid = flat.reshape(height, width)[:: (height >> 4) + 1, :: (width >> 4) + 1]
    if flat[-1] != first or np.count_nonzero(grid != first):
        return False
    if first == 0 and flat.dtype.kind in "bu":
        return bool(flat.max() == first)
    if flat.dtype.kind == "b" or (first == 255 and flat.dtype == np.uint8):
        return bool(flat.min() == first)
    return bool(flat.min() == first and flat.max() == first)


_FULL_TOKEN_WORDS = 4 * MAX_RUN_PX
_CLASS3_BITS = 11 + WIDTHS[3]


def _one_run(n_px: int, alpha: int) -> list[int]:
    """The stream of ``n_px`` pixels of one value, written from the official encoder's rule
    for one run, with Python integers instead of numpy calls.

    A run of up to 65536 words is one token of the smallest count class that holds it; a
    longer one is 65536-word tokens (class 3, count field 0xFFFF), all alike, then the
    remainder in class 3. The alike tokens are one token times the repunit
    ``(2**(27k) - 1) / (2**27 - 1)``, which repeats it k times.
    """
    stream = (4 * n_px) << 21 | HEADER_TAIL  # the header
    n_bits = HEADER_BITS
    words = 4 * n_px
    if words <= _FULL_TOKEN_WORDS:
        cls = next(c for c, width in enumerate(WIDTHS) if words <= 1 << width)
        width = WIDTHS[cls]
    else:
        full = (n_px - 1) // MAX_RUN_PX
        token = ((0b111 << 16 | 0xFFFF) << 8) | alpha
        run_bits = _CLASS3_BITS * full
        repunit = ((1 << run_bits) - 1) // ((1 << _CLASS3_BITS) - 1)
        stream = stream << run_bits | token * repunit
        n_bits += run_bits
        words -= full * _FULL_TOKEN_WORDS
        cls, width = 3, WIDTHS[3]
    stream = ((stream << 3 | 0b100 | cls) << width | (words - 1)) << 8 | alpha
    n_bits += 11 + width
    pad = 8 - n_bits % 8  # a whole zero byte when the stream ends on one, as mask2rle writes
    return list((stream << pad).to_bytes((n_bits + pad) // 8, "big"))


def _check_mask_shape(arr: NDArray[np.generic]) -> None:
    if arr.ndim != 2:
        hint = ""
        if arr.ndim == 3:
            hint = "; pass one channel, e.g. mask[..., 0], or one mask of a stack, e.g. mask[0]"
        raise RLEError(f"mask must be 2-D (height, width), got shape {arr.shape}{hint}")
    if arr.size == 0:
        raise RLEError(f"mask is empty, got shape {arr.shape}")
    if 4 * arr.size > MAX_WORDS:
        raise RLEError(
            f"mask of shape {arr.shape} is too large: the RLE header counts at most "
            f"{MAX_WORDS} words, i.e. {MAX_WORDS // 4} pixels"
        )


def _runs(flat: NDArray[np.generic]) -> tuple[NDArray[np.int64], NDArray[np.generic]]:
    """The length in pixels of every run of equal values, and each run's value."""
    change = _change_points(flat)
    ends = np.empty(change.size + 1, dtype=np.int64)
    ends[:-1] = change
    ends[-1] = flat.size - 1
    values = flat[ends]
    ends[1:] -= change  # in place: the run lengths, without a second array of that size
    ends[0] += 1
    return ends, values


_SPARSE_MIN_PX = 1 << 20
"""Smaller masks are scanned byte by byte: the word pass pays on masks of a megapixel and more
(measured interleaved with Label Studio's encoder; warm, it already pays from 200,000)."""

_SCAN_PX = 1 << 21
"""Pixels compared per pass (a 1920x1080 mask in one), into scratch buffers kept per thread
(2.25 MiB)."""

_scratch = threading.local()


def _scratch_buffers() -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """This thread's buffers for one pass: the comparisons, and which 8-byte words hold one.

    Kept rather than allocated per call: a fresh array of a few hundred KiB comes from the
    system as untouched pages, and faulting them in costs more than the scan itself when
    other code has just freed large arrays (measured: 2-7x slower encodes, interleaved with
    Label Studio's encoder, on a virtual machine).
    """
    buffers: tuple[NDArray[np.bool_], NDArray[np.bool_]] | None = getattr(_scratch, "buffers", None)
    if buffers is None or buffers[0].size < _SCAN_PX:
        buffers = (np.empty(_SCAN_PX, dtype=np.bool_), np.empty(_SCAN_PX >> 3, dtype=np.bool_))
        _scratch.buffers = buffers
    return buffers


def _change_points(flat: NDArray[np.generic]) -> NDArray[np.intp]:
    """Every ``i`` where ``flat[i] != flat[i + 1]``, in order.

    ``np.flatnonzero`` looks at its input one byte at a time, about 0.15 ns per pixel: most
    of an encode of a smooth mask. The comparisons are looked at 8 at a time instead, as
    64-bit words, and only the few words that hold a change are looked at byte by byte. A
    noisy stretch, where most words hold one, goes back to the plain scan.
    """
    if flat.size < _SPARSE_MIN_PX:
        return np.flatnonzero(flat[1:] != flat[:-1])
    differs, hot_words = _scratch_buffers()
    n = flat.size - 1
    found = []
    for low in range(0, n, _SCAN_PX):
        high = min(low + _SCAN_PX, n)
        part = np.not_equal(flat[low + 1 : high + 1], flat[low:high], out=differs[: high - low])
        n_words = (high - low) >> 3
        words = part[: n_words << 3].view(np.uint64)  # the buffer is aligned
        hot = np.flatnonzero(np.not_equal(words, 0, out=hot_words[:n_words]))
        if hot.size > n_words >> 3:
            at = np.flatnonzero(part)
        else:
            bytes_at = np.flatnonzero(words[hot].view(np.bool_))  # hot words, back to back
            at = hot[bytes_at >> 3]
            at <<= 3
            at |= bytes_at & 7
            tail = np.flatnonzero(part[n_words << 3 :])
            if tail.size:
                at = np.concatenate([at, tail + (n_words << 3)])
        if low:
            at += low
        found.append(at)
    if len(found) == 1:
        return found[0]
    return np.concatenate(found) if found else np.zeros(0, dtype=np.intp)


_FORCED = 1 << 17
"""Added to a token's word count to force class 3 (see :func:`_token_words`)."""


@functools.cache
def _class_tables() -> tuple[
    NDArray[np.int64], NDArray[np.uint64], NDArray[np.uint64], NDArray[np.uint64]
]:
    """The largest word count of count classes 0-2, and per class: head bits, token width,
    and the shift that top-aligns a token in 64 bits.

    A repeat token is flag 1, the count class (the smallest of widths 3/4/8/16 bits that
    holds words - 1), words - 1, then the 8-bit value. The head here is flag and class,
    shifted to sit above the count field.
    """
    widths = np.array(WIDTHS, dtype=np.uint64)
    classes = np.arange(4, dtype=np.uint64)
    head = (np.uint64(0b100) | classes) << widths
    bits = widths + np.uint64(11)
    return 1 << np.array(WIDTHS[:3], dtype=np.int64), head, bits, np.uint64(64) - bits


def _token_words(
    px: NDArray[np.int64], fg: NDArray[np.uint8]
) -> tuple[NDArray[np.int64], NDArray[np.uint8]]:
    """Each token's word count, and its value (``px`` is reused, so changed).

    A run longer than 65536 words becomes full 65536-word tokens, then a remainder that the
    official encoder always writes in class 3, even when it is short: its count gets
    ``_FORCED`` added, which the class lookup sees and the count field masks off.
    """
    if px.max() <= MAX_RUN_PX:
        px <<= 2  # in place: the caller's run lengths are not used again
        return px, fg
    long_runs = px > MAX_RUN_PX
    long_at = np.flatnonzero(long_runs)
    if long_at.size <= _FEW_LONG_RUNS:
        return _split_few(px, fg, long_at.tolist())
    n_tok = px - 1
    n_tok //= MAX_RUN_PX
    n_tok += 1
    last = np.cumsum(n_tok)
    last -= 1
    words = np.full(int(last[-1]) + 1, 4 * MAX_RUN_PX, dtype=np.int64)
    words[last] = 4 * (px - MAX_RUN_PX * (n_tok - 1)) + _FORCED * long_runs
    return words, np.repeat(fg, n_tok)


_FEW_LONG_RUNS = 8
"""Up to this many runs over 65536 words (a mask's empty top and bottom, most often) are split
one by one, in fewer numpy calls than the vectorised split."""


def _split_few(
    px: NDArray[np.int64], fg: NDArray[np.uint8], long_at: list[int]
) -> tuple[NDArray[np.int64], NDArray[np.uint8]]:
    """:func:`_token_words` for a few long runs: the runs between them as they are, each
    long one as its full tokens and its forced class-3 remainder."""
    words = px << 2
    word_parts, fg_parts = [], []
    prev = 0
    for at in long_at:
        full = (int(px[at]) - 1) // MAX_RUN_PX
        rest = 4 * (int(px[at]) - full * MAX_RUN_PX) + _FORCED
        word_parts += [words[prev:at], np.array([_FULL_TOKEN_WORDS] * full + [rest])]
        fg_parts += [fg[prev:at], fg[at : at + 1].repeat(full + 1)]
        prev = at + 1
    word_parts.append(words[prev:])
    fg_parts.append(fg[prev:])
    return np.concatenate(word_parts), np.concatenate(fg_parts)


_CHUNK_RUNS = 1 << 16
"""Tokens packed at a time: bounds the temporaries (a dozen 8-byte values per token)
whatever the mask, so a noisy mask costs little more than its output."""

_HIGH = 1 if sys.byteorder == "little" else 0
"""Which 32-bit half of a uint64, viewed as two uint32, holds its high bits."""


def _pack(px: NDArray[np.int64], fg: NDArray[np.uint8], n_px: int) -> list[int]:
    """Bit-pack the runs (their lengths in pixels and values) as the official encoder does.

    Tokens are computed from 4-entry class tables rather than tables per run length: those
    would be hundreds of KiB, read at random, and out of cache whenever other code ran
    between two encodes.
    """
    words, fg = _token_words(px, fg)
    if words.size <= _FEW_TOKENS:
        top, bits = _tokens(words, fg, words is not px)
        start = np.cumsum(bits)
        end = HEADER_BITS + int(start[-1])
        start -= bits
        start += HEADER_BITS
        out = np.zeros(end // 64 + 2, dtype=np.uint64)
        _or_in(out, top, start)
        out[0] |= np.uint64(((4 * n_px) << 21 | HEADER_TAIL) << 11)
        return _stream_bytes(out[: (end // 8 + 8) // 8].astype(">u8"), end)
    # The stream as 32-bit words, summed in float64 (exact: every sum stays below 2**32).
    stream = np.zeros((HEADER_BITS + 27 * words.size) // 32 + 3)
    at = HEADER_BITS  # where the next chunk's first token starts
    for first in range(0, words.size, _CHUNK_RUNS):
        stop = first + _CHUNK_RUNS
        top, bits = _tokens(words[first:stop], fg[first:stop], words is not px)
        start = np.cumsum(bits)
        end = at + int(start[-1])
        start -= bits
        start += np.uint64(at)
        _place(stream, top, start, at >> 5, end >> 5)
        at = end
    stream[0] = 4 * n_px  # the header: 32-bit word count, then 21 bits of sizes
    stream[1] += HEADER_TAIL << 11
    return _stream_bytes(stream[: (at // 8 + 4) // 4].astype(">u4"), at)


_FEW_TOKENS = 1024
"""Up to this many tokens, OR-ing them per 64-bit word (``np.bitwise_or.reduceat``) takes
fewer numpy calls than adding them per 32-bit word with ``np.bincount``; more, and the
bincount is faster."""


def _tokens(
    count: NDArray[np.int64], fg: NDArray[np.uint8], forced: bool
) -> tuple[NDArray[np.uint64], NDArray[np.uint64]]:
    """Each token, top-aligned in 64 bits, and its width in bits.

    Few tokens: their count class comes from ``np.searchsorted`` over the class edges (the
    fewest numpy calls). Many: from 65-row tables (:func:`_row_tokens`), as searchsorted
    costs about 4 ns per token.
    """
    if count.size > _ROW_TOKENS_FROM:
        return _row_tokens(count, fg)
    edges, head_tab, bits_tab, shift_tab = _class_tables()
    cls = np.searchsorted(edges, count)  # _FORCED counts are above every edge: class 3
    token = count.astype(np.uint64)
    token -= 1
    if forced:
        token &= 0xFFFF
    token |= head_tab[cls]
    token <<= 8
    token |= fg
    token <<= shift_tab[cls]
    return token, bits_tab[cls]


_ROW_TOKENS_FROM = 4096
"""From this many tokens, :func:`_row_tokens` is faster than the class edges."""


def _row_tokens(
    count: NDArray[np.int64], fg: NDArray[np.uint8]
) -> tuple[NDArray[np.uint64], NDArray[np.uint64]]:
    """Each token, top-aligned in 64 bits, and its width in bits, for many tokens at once.

    Runs of up to 64 pixels (count classes 0-2) read their head from 65-row tables, small
    enough to stay in cache; every longer run is class 3 (row 65), whose count field is
    added afterwards. ``forced`` counts (remainders of runs over 65536 words) land in row 65
    too, and the count field masks off the marker.
    """
    head_tab, shift_tab, bits_tab = _short_tables()
    row = count >> 2
    np.minimum(row, _CLASS3_ROW, out=row)
    token = head_tab[row]
    token |= fg.astype(np.uint64) << shift_tab[row]
    long_runs = np.flatnonzero(row == _CLASS3_ROW)
    if long_runs.size:
        field = count[long_runs] - 1
        field &= 0xFFFF
        token[long_runs] |= field.astype(np.uint64) << np.uint64(45)
    return token, bits_tab[row]


_CLASS3_ROW = 65


@functools.cache
def _short_tables() -> tuple[NDArray[np.uint64], NDArray[np.uint64], NDArray[np.uint64]]:
    """Per run length 0..64 pixels, and row 65 for class 3: the token's head (flag, count
    class, words - 1; no count for class 3) top-aligned in 64 bits, the shift that puts the
    8-bit value under it, and the token width in bits."""
    words = np.arange(_CLASS3_ROW + 1, dtype=np.int64) * 4
    cls = (words > 8).astype(np.int64) + (words > 16) + (words > 256)
    cls[_CLASS3_ROW] = 3
    width = np.array(WIDTHS, dtype=np.int64)[cls]
    bits = 11 + width
    field = np.maximum(words - 1, 0)
    field[_CLASS3_ROW] = 0
    head = ((0b100 | cls) << width | field).astype(np.uint64)
    shift = (64 - bits).astype(np.uint64)
    return head << (shift + np.uint64(8)), shift, bits.astype(np.uint64)


def _stream_bytes(words: NDArray[np.generic], n_bits: int) -> list[int]:
    """The first bytes of big-endian ``words``: the official encoder always appends
    8 - (bits % 8) zero bits, a whole zero byte when the stream already ends on a byte."""
    return list(words.tobytes()[: n_bits // 8 + 1])


def _or_in(words: NDArray[np.uint64], top: NDArray[np.uint64], start: NDArray[np.uint64]) -> None:
    """OR tokens (top-aligned in 64 bits) into ``words`` at their bit offsets ``start``.

    A token lands in the 64-bit word holding its first bit and may spill into the next one;
    numpy defines a shift by 64 as 0, so ``second`` is 0 when it fits. Tokens start at most
    27 bits apart, so every word from the first token's to the last one's holds a start.
    """
    offset = start & np.uint64(63)
    first = top >> offset
    second = top << (np.uint64(64) - offset)
    low = int(start[0]) // 64
    high = int(start[-1]) // 64 + 1
    heads = np.searchsorted(start, np.arange(low, high, dtype=np.uint64) << np.uint64(6))
    heads[0] = 0
    words[low:high] |= np.bitwise_or.reduceat(first, heads)
    words[low + 1 : high + 1] |= np.bitwise_or.reduceat(second, heads)


def _place(
    stream: NDArray[np.float64],
    top: NDArray[np.uint64],
    start: NDArray[np.uint64],
    low: int,
    high: int,
) -> None:
    """Add tokens (top-aligned in 64 bits) into the 32-bit words ``stream[low:high + 2]``.

    A token (at most 27 bits) shifted to its bit offset in the 32-bit word holding its first
    bit stays within 64 bits: the high half goes to that word, the low half to the next. The
    tokens' bits never overlap, so adding them is OR-ing them, and ``np.bincount`` adds
    every token's halves per word in one pass; float64 holds each word's sum exactly.
    """
    shifted = top >> (start & np.uint64(31))
    halves = shifted.view(np.uint32).reshape(-1, 2)
    word = (start >> np.uint64(5)).astype(np.intp)
    word -= low
    span = high - low + 2
    stream[low : low + span] += np.bincount(word, halves[:, _HIGH], span)
    word += 1
    stream[low : low + span] += np.bincount(word, halves[:, 1 - _HIGH], span)
