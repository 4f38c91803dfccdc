"""Encoding a ``(height, width)`` mask into Label Studio's brush RLE, as ``mask2rle`` writes it."""

from __future__ import annotations

import functools
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
    px, run_values = _runs(flat)
    del flat
    if run_values.dtype == np.bool_:
        fg = run_values.view(np.uint8) * np.uint8(255)
    else:
        lo, hi = int(run_values.min()), int(run_values.max())
        if lo < 0 or hi > 255:
            raise RLEError(f"mask values must be in 0..255, got min {lo} and max {hi}")
        if hi == 1 and values == "auto":
            raise RLEError(
                "mask holds only 0 and 1, which Label Studio draws at alpha 1/255 (invisible); "
                "use encode(mask, values='binary') to draw nonzero pixels at 255, "
                "or values='alpha' to keep alpha 1"
            )
        fg = run_values.astype(np.uint8)
    del run_values
    return _pack(px, fg, arr.size)


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
    change = np.flatnonzero(flat[1:] != flat[:-1])
    ends = np.empty(change.size + 1, dtype=np.int64)
    ends[:-1] = change
    ends[-1] = flat.size - 1
    values = flat[ends]
    ends[1:] -= change  # in place: the run lengths, without a second array of that size
    ends[0] += 1
    return ends, values


@functools.cache
def _token_tables() -> tuple[NDArray[np.uint64], NDArray[np.uint64], NDArray[np.uint64]]:
    """Per run length in pixels (0..16384): token head bits, value shift, and token width.

    A run of p pixels is L = 4p words, written as one repeat token: flag 1, the count class
    (the smallest of widths 3/4/8/16 bits that holds L - 1), L - 1, then the 8-bit value. The
    head is stored top-aligned in 64 bits, so a token is ``head | value << shift``.
    """
    words = np.arange(MAX_RUN_PX + 1, dtype=np.int64) * 4
    cls = (words > 8).astype(np.int64) + (words > 16) + (words > 256)
    width = np.array(WIDTHS, dtype=np.int64)[cls]
    bits = 11 + width
    head = (1 << (width + 2)) | (cls << width) | np.maximum(words - 1, 0)
    shift = (64 - bits).astype(np.uint64)
    return (head.astype(np.uint64) << (shift + np.uint64(8))), shift, bits.astype(np.uint64)


_CHUNK_RUNS = 1 << 16
"""Runs packed at a time: bounds the temporaries (a dozen 8-byte values per run) whatever
the mask, so a noisy mask costs little more than its output."""


def _pack(px: NDArray[np.int64], fg: NDArray[np.uint8], n_px: int) -> list[int]:
    """Bit-pack the runs (their lengths in pixels and values) as the official encoder does."""
    head_tab, shift_tab, bits_tab = _token_tables()
    forced = None
    if px.max() > MAX_RUN_PX:
        # The official encoder splits a run longer than 65536 words into full 65536-word
        # tokens and a remainder that always uses the 16-bit count class, even when short.
        ntok = (px + (MAX_RUN_PX - 1)) // MAX_RUN_PX
        last = np.cumsum(ntok) - 1
        rem = px - MAX_RUN_PX * (ntok - 1)
        fg = np.repeat(fg, ntok)
        px = np.full(int(last[-1]) + 1, MAX_RUN_PX, dtype=np.int64)
        px[last] = rem
        forced = np.zeros(px.size, dtype=np.bool_)
        forced[last[(ntok > 1) & (rem <= 64)]] = True  # remainders that would get a smaller class

    # Room for the longest stream these runs can make (27 bits each); zeroed lazily.
    words = np.zeros((HEADER_BITS + 27 * px.size) // 64 + 3, dtype=np.uint64)
    at = HEADER_BITS  # where the next chunk's first token starts
    for first_run in range(0, px.size, _CHUNK_RUNS):
        part = px[first_run : first_run + _CHUNK_RUNS]
        values = fg[first_run : first_run + _CHUNK_RUNS].astype(np.uint64)
        top = head_tab[part]
        top |= values << shift_tab[part]
        bits = bits_tab[part]
        if forced is not None:
            hard = np.flatnonzero(forced[first_run : first_run + _CHUNK_RUNS])
            if hard.size:
                r = part[hard].astype(np.uint64) * np.uint64(4) - np.uint64(1)
                top[hard] = (
                    (np.uint64(0b111) << np.uint64(61))
                    | (r << np.uint64(45))
                    | (values[hard] << np.uint64(37))
                )
                bits[hard] = 27
        start = np.cumsum(bits)
        end = at + int(start[-1])
        start -= bits
        start += np.uint64(at)
        _place(words, top, start)
        at = end
    words[0] |= np.uint64(((4 * n_px) << 21 | HEADER_TAIL) << 11)
    # The official encoder always appends 8 - (bits % 8) zero bits: a whole zero byte when
    # the stream already ends on a byte boundary.
    n_bytes = at // 8 + 1
    n_words = (n_bytes + 7) // 8
    return list(words[:n_words].astype(">u8").tobytes()[:n_bytes])


def _place(words: NDArray[np.uint64], top: NDArray[np.uint64], start: NDArray[np.uint64]) -> None:
    """OR tokens (top-aligned in 64 bits) into ``words`` at their bit offsets ``start``.

    A token (at most 27 bits) lands in the 64-bit word holding its first bit and may spill
    into the next one; numpy defines a shift by 64 as 0, so ``second`` is 0 when it fits.
    Tokens start at most 27 bits apart, so every word from the first token's to the last
    token's holds a start.
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
