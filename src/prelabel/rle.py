"""Label Studio brush RLE codec: masks to ``value.rle`` and back.

Label Studio stores a brush mask (``BrushLabels``/``Brush``, ``"format": "rle"``) as an RGBA
image of the original image's size, run-length encoded into a bit stream and written as a JSON
list of bytes. The stream does not store the width or height: the reader takes them from the
result's ``original_height``/``original_width``. The format is described, with its traps, in
``docs/brush-rle.md``.

* :func:`encode` turns a ``(height, width)`` mask into that list, byte for byte what Label
  Studio's own ``mask2rle`` writes for a 0/255 mask, and 15-80x faster.
* :func:`decode`, :func:`decode_bool` and :func:`decode_rgba` read any valid stream (the Python
  converter's, the web editor's, literal chunks, custom count widths) back into arrays.
* :func:`header` reads the 7-byte header; :func:`check` validates a stream against an image
  size without building the mask.

Every problem with the data raises :class:`~prelabel.errors.RLEError` (a ``ValueError``) with a
message that gives the numbers involved and never echoes the stream.

>>> import numpy as np
>>> mask = np.zeros((2, 3), dtype=bool)
>>> mask[0, 1] = True
>>> rle = encode(mask)
>>> rle
[0, 0, 0, 24, 57, 27, 252, 96, 17, 255, 223, 0, 0]
>>> decode(rle, 2, 3)
array([[  0, 255,   0],
       [  0,   0,   0]], dtype=uint8)
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from ._lazy import lazy_module
from .errors import RLEError

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import ArrayLike, NDArray

    RLEInput = Sequence[int] | bytes | bytearray | memoryview | NDArray[np.integer]
else:
    np = lazy_module("numpy")


__all__ = [
    "RLEError",
    "RLEHeader",
    "RLEStats",
    "check",
    "decode",
    "decode_bool",
    "decode_rgba",
    "encode",
    "header",
]

MaskValues = Literal["auto", "binary", "alpha"]

# Header: 32-bit word count, word size - 1 (5 bits), four count-field widths - 1 (4 bits each).
_HEADER_BITS = 53
_WORD_SIZE = 8
_WIDTHS = (3, 4, 8, 16)
_HEADER_TAIL = (_WORD_SIZE - 1) << 16 | sum((w - 1) << (12 - 4 * i) for i, w in enumerate(_WIDTHS))
_MAX_WORDS = 2**32 - 1
_MAX_RUN_WORDS = 2**16  # the longest run one token can hold (16-bit count field)
_MAX_RUN_PX = _MAX_RUN_WORDS // 4


# --------------------------------------------------------------------------------------------
# Header


@dataclass(frozen=True)
class RLEHeader:
    """The fields of a brush RLE header.

    Attributes:
        words: the number of words the stream decodes to; ``4 * height * width`` for a mask.
        word_size: bits per word (8 in every Label Studio stream).
        count_widths: bits of the run-count field for each of the four count classes
            (``(3, 4, 8, 16)`` in every known encoder).
    """

    words: int
    word_size: int
    count_widths: tuple[int, int, int, int]

    @property
    def pixels(self) -> int | None:
        """``words / 4``: the pixel count of the RGBA image, or None if not a whole number."""
        return self.words // 4 if self.words % 4 == 0 else None


def header(rle: RLEInput) -> RLEHeader:
    """Read the header of a brush RLE stream.

    Useful to see what a stream claims (its word count is ``4 * height * width`` of the image
    it was made for) before decoding it.

    Args:
        rle: the ``value.rle`` list (ints 0..255), or the same bytes.

    Returns:
        The parsed header.

    Raises:
        RLEError: the stream is not a list of bytes, is shorter than the 7-byte header, or
            declares a word size other than 8 bits.

    >>> header([0, 0, 0, 24, 57, 27, 252, 96, 17, 255, 223, 0, 0])
    RLEHeader(words=24, word_size=8, count_widths=(3, 4, 8, 16))
    """
    return _parse_header(_as_bytes(rle))


def _parse_header(data: bytes) -> RLEHeader:
    if len(data) < 7:
        raise RLEError(
            f"rle has {len(data)} bytes, but a Label Studio brush RLE starts with a 7-byte header"
        )
    bits = int.from_bytes(data[:7], "big") >> 3  # the first 53 bits
    words = bits >> 21
    word_size = ((bits >> 16) & 31) + 1
    w = [((bits >> (12 - 4 * i)) & 15) + 1 for i in range(4)]
    if word_size != _WORD_SIZE:
        raise RLEError(
            f"rle header declares {word_size}-bit words, but Label Studio brush masks use "
            f"8-bit words (header bytes 4-5 are 57, 27; got {data[4]}, {data[5]}); "
            "this is not a Label Studio brush RLE"
        )
    return RLEHeader(words, word_size, (w[0], w[1], w[2], w[3]))


# --------------------------------------------------------------------------------------------
# Encoding


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
    ends, run_values = _runs(flat)
    if flat.dtype == np.bool_:
        fg = run_values.astype(np.uint64) * np.uint64(255)
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
        fg = run_values.astype(np.uint64)
    return _pack(ends, fg, flat.size)


def _check_mask_shape(arr: NDArray[np.generic]) -> None:
    if arr.ndim != 2:
        hint = ""
        if arr.ndim == 3:
            hint = "; pass one channel, e.g. mask[..., 0], or one mask of a stack, e.g. mask[0]"
        raise RLEError(f"mask must be 2-D (height, width), got shape {arr.shape}{hint}")
    if arr.size == 0:
        raise RLEError(f"mask is empty, got shape {arr.shape}")
    if 4 * arr.size > _MAX_WORDS:
        raise RLEError(
            f"mask of shape {arr.shape} is too large: the RLE header counts at most "
            f"{_MAX_WORDS} words, i.e. {_MAX_WORDS // 4} pixels"
        )


def _runs(flat: NDArray[np.generic]) -> tuple[NDArray[np.intp], NDArray[np.generic]]:
    """Index of the last pixel of every run of equal values, and each run's value."""
    change = np.flatnonzero(flat[1:] != flat[:-1])
    ends = np.empty(change.size + 1, dtype=np.intp)
    ends[:-1] = change
    ends[-1] = flat.size - 1
    return ends, flat[ends]


@functools.cache
def _token_tables() -> tuple[NDArray[np.uint64], NDArray[np.uint64], NDArray[np.uint64]]:
    """Per run length in pixels (0..16384): token head bits, value shift, and token width.

    A run of p pixels is L = 4p words, written as one repeat token: flag 1, the count class
    (the smallest of widths 3/4/8/16 bits that holds L - 1), L - 1, then the 8-bit value. The
    head is stored top-aligned in 64 bits, so a token is ``head | value << shift``.
    """
    words = np.arange(_MAX_RUN_PX + 1, dtype=np.int64) * 4
    cls = (words > 8).astype(np.int64) + (words > 16) + (words > 256)
    width = np.array(_WIDTHS, dtype=np.int64)[cls]
    bits = 11 + width
    head = (1 << (width + 2)) | (cls << width) | np.maximum(words - 1, 0)
    shift = (64 - bits).astype(np.uint64)
    return (head.astype(np.uint64) << (shift + np.uint64(8))), shift, bits.astype(np.uint64)


def _pack(ends: NDArray[np.intp], run_values: NDArray[np.uint64], n_px: int) -> list[int]:
    """Bit-pack the runs (given by their last pixel) as the official encoder does."""
    head_tab, shift_tab, bits_tab = _token_tables()
    px = np.empty_like(ends)
    px[0] = ends[0] + 1
    np.subtract(ends[1:], ends[:-1], out=px[1:])

    if px.max() > _MAX_RUN_PX:
        # The official encoder splits a run longer than 65536 words into full 65536-word
        # tokens and a remainder that always uses the 16-bit count class, even when short.
        ntok = (px + (_MAX_RUN_PX - 1)) // _MAX_RUN_PX
        last = np.cumsum(ntok) - 1
        rem = px - _MAX_RUN_PX * (ntok - 1)
        run_values = np.repeat(run_values, ntok)
        px = np.full(int(last[-1]) + 1, _MAX_RUN_PX, dtype=np.intp)
        px[last] = rem
        forced = last[(ntok > 1) & (rem <= 64)]  # remainders that would get a smaller class
    else:
        forced = None

    top = head_tab[px]
    top |= run_values << shift_tab[px]
    bits = bits_tab[px]
    if forced is not None and forced.size:
        r = px[forced].astype(np.uint64) * np.uint64(4) - np.uint64(1)
        top[forced] = (
            (np.uint64(0b111) << np.uint64(61))
            | (r << np.uint64(45))
            | (run_values[forced] << np.uint64(37))
        )
        bits[forced] = 27

    start = np.cumsum(bits)
    total_bits = int(start[-1]) + _HEADER_BITS
    start -= bits
    start += np.uint64(_HEADER_BITS)
    # The official encoder always appends 8 - (bits % 8) zero bits: a whole zero byte when
    # the stream already ends on a byte boundary.
    n_bytes = total_bits // 8 + 1
    n_words = (n_bytes + 7) // 8
    words = np.empty(n_words + 1, dtype=np.uint64)

    # A token (at most 27 bits) lands in the 64-bit word holding its first bit and may spill
    # into the next one; numpy defines a shift by 64 as 0, so `second` is 0 when it fits.
    # Tokens start at most 27 bits apart, so every word up to the last token's holds a start.
    offset = start & np.uint64(63)
    first = top >> offset
    second = top << (np.uint64(64) - offset)
    n_heads = int(start[-1]) // 64 + 1
    heads = np.searchsorted(start, np.arange(n_heads, dtype=np.uint64) << np.uint64(6))
    words[n_heads:] = 0
    words[:n_heads] = np.bitwise_or.reduceat(first, heads)
    words[1 : n_heads + 1] |= np.bitwise_or.reduceat(second, heads)
    words[0] |= np.uint64(((4 * n_px) << 21 | _HEADER_TAIL) << 11)
    return list(words[:n_words].astype(">u8").tobytes()[:n_bytes])


# --------------------------------------------------------------------------------------------
# Decoding


def decode(rle: RLEInput, height: int, width: int) -> NDArray[np.uint8]:
    """Decode a brush RLE stream into its alpha channel, the mask Label Studio draws.

    Reads every valid stream: the official Python encoder's, the web editor's (shorter
    padding, literal chunks), and headers with other count widths. Alpha is 0..255; the
    editor's own exports have soft (antialiased) edges, so threshold as you need
    (:func:`decode_bool` gives ``alpha != 0``).

    Args:
        rle: the ``value.rle`` list (ints 0..255), or the same bytes.
        height: the image height in pixels (the result's ``original_height``).
        width: the image width in pixels (the result's ``original_width``).

    Returns:
        uint8 array of shape ``(height, width)``.

    Raises:
        RLEError: the stream is not a list of bytes 0..255, its header is not a Label Studio
            one, it holds another number of pixels than ``height * width`` (checked before
            anything is allocated), or it is truncated.

    >>> decode([0, 0, 0, 24, 57, 27, 252, 96, 17, 255, 223, 0, 0], 2, 3)
    array([[  0, 255,   0],
           [  0,   0,   0]], dtype=uint8)
    """
    stream = _read(rle, height, width)
    return stream.expand(stride=4, phase=3).reshape(height, width)


def decode_bool(rle: RLEInput, height: int, width: int) -> NDArray[np.bool_]:
    """Decode a brush RLE stream into a boolean mask: True where alpha is nonzero.

    This is what Label Studio's COCO export keeps (any painted pixel, however faint).

    Args:
        rle: the ``value.rle`` list (ints 0..255), or the same bytes.
        height: the image height in pixels (the result's ``original_height``).
        width: the image width in pixels (the result's ``original_width``).

    Returns:
        bool array of shape ``(height, width)``.

    Raises:
        RLEError: as :func:`decode`.

    >>> decode_bool([0, 0, 0, 24, 57, 27, 252, 96, 17, 255, 223, 0, 0], 2, 3)
    array([[False,  True, False],
           [False, False, False]])
    """
    alpha = decode(rle, height, width)
    return np.not_equal(alpha, 0)


def decode_rgba(rle: RLEInput, height: int, width: int) -> NDArray[np.uint8]:
    """Decode a brush RLE stream into the full RGBA image it encodes.

    Masks written by :func:`encode`, ``mask2rle`` or the editor have R = G = B = A; other
    streams may not. Only alpha changes how the editor draws the mask.

    Args:
        rle: the ``value.rle`` list (ints 0..255), or the same bytes.
        height: the image height in pixels (the result's ``original_height``).
        width: the image width in pixels (the result's ``original_width``).

    Returns:
        uint8 array of shape ``(height, width, 4)``, channels R, G, B, A.

    Raises:
        RLEError: as :func:`decode`.

    >>> decode_rgba([0, 0, 0, 4, 57, 27, 252, 127, 224], 1, 1)
    array([[[255, 255, 255, 255]]], dtype=uint8)
    """
    stream = _read(rle, height, width)
    return stream.expand(stride=1, phase=0).reshape(height, width, 4)


def check(rle: RLEInput, height: int, width: int) -> RLEStats:
    """Check that a stream decodes to a ``height`` x ``width`` mask, without building it.

    Runs every check :func:`decode` runs (bytes 0..255, header, size, truncation) and walks
    the tokens, but allocates nothing of the image's size: meant for validators, which can
    also flag an empty mask (``painted_pixels == 0``) or an invisible one (``max_alpha`` 1).

    Args:
        rle: the ``value.rle`` list (ints 0..255), or the same bytes.
        height: the image height in pixels (the result's ``original_height``).
        width: the image width in pixels (the result's ``original_width``).

    Returns:
        What the mask holds, read from the tokens.

    Raises:
        RLEError: the stream would not decode to that size; the message says why.

    >>> rle = [0, 0, 0, 24, 57, 27, 252, 96, 17, 255, 223, 0, 0]
    >>> check(rle, 2, 3)
    RLEStats(height=2, width=3, painted_pixels=1, max_alpha=255)
    >>> check(rle, 3, 2).painted_pixels  # passes too: the stream only knows its pixel count
    1
    >>> check(rle, 2, 2)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    prelabel.errors.RLEError: rle header declares 24 words (6 pixels x 4 channels), but a ...
    """
    return _read(rle, height, width).stats(height, width)


@dataclass(frozen=True)
class RLEStats:
    """What a valid stream holds, as :func:`check` reads it from the tokens.

    Attributes:
        height: image height in pixels, as checked.
        width: image width in pixels, as checked.
        painted_pixels: pixels whose alpha is not 0.
        max_alpha: the largest alpha (0 for an empty mask; 1 for a 0/1 mask, which Label
            Studio draws invisible).
    """

    height: int
    width: int
    painted_pixels: int
    max_alpha: int


def _read(rle: RLEInput, height: int, width: int) -> _Stream:
    data = _as_bytes(rle)
    h, w = _check_size_args(height, width)
    head = _parse_header(data)
    need = 4 * h * w
    if head.words != need:  # before anything of the claimed size is allocated
        raise RLEError(_size_message(head.words, h, w))
    return _Stream.parse(data, head)


def _check_size_args(height: object, width: object) -> tuple[int, int]:
    for name, v in (("height", height), ("width", width)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v <= 0:
            raise RLEError(f"{name} must be a positive integer (pixels), got {v!r}")
    return int(height), int(width)  # type: ignore[call-overload]


def _size_message(words: int, h: int, w: int) -> str:
    need = 4 * h * w
    if words % 4:
        claim = f"{words} words (not a whole number of 4-channel RGBA pixels)"
    else:
        claim = f"{words} words ({words // 4} pixels x 4 channels)"
    msg = (
        f"rle header declares {claim}, but a mask of height {h} and width {w} needs "
        f"{need} words ({h * w} pixels)"
    )
    if words == h * w:
        msg += "; the stream has one word per pixel, Label Studio needs 4 (RGBA)"
    return (
        msg + "; pass the original_height and original_width of the image the mask was "
        "made for (the stream does not store them)"
    )


def _as_bytes(rle: object) -> bytes:
    """The stream as bytes, refusing anything that is not a sequence of ints 0..255."""
    if isinstance(rle, bytes):
        return rle
    if isinstance(rle, (bytearray, memoryview)):
        return bytes(rle)
    if isinstance(rle, str):
        raise RLEError(
            "rle must be a list of ints 0..255 (Label Studio brush RLE), got a str; "
            "a string is likely a COCO compressed RLE, which is another format"
        )
    if isinstance(rle, dict):
        raise RLEError(
            "rle must be a list of ints 0..255 (Label Studio brush RLE), got a dict; "
            "{'counts': ..., 'size': ...} is a COCO RLE, which is another format"
        )
    if isinstance(rle, np.ndarray):
        if rle.ndim != 1 or rle.dtype.kind not in "iub":
            raise RLEError(
                f"rle must be a 1-D array of ints 0..255, got shape {rle.shape} dtype {rle.dtype}"
            )
        if rle.size and (int(rle.min()) < 0 or int(rle.max()) > 255):
            bad = int(np.flatnonzero((rle < 0) | (rle > 255))[0])
            raise RLEError(_byte_message(bad, rle[bad].item(), rle.dtype.name))
        return rle.astype(np.uint8).tobytes()
    if not isinstance(rle, Sequence):
        raise RLEError(
            f"rle must be a list of ints 0..255 (Label Studio brush RLE), got {type(rle).__name__}"
        )
    try:
        return bytes(rle)
    except (TypeError, ValueError):
        pass
    for i, v in enumerate(rle):
        if not isinstance(v, (int, np.integer)) or not 0 <= v <= 255:
            raise RLEError(_byte_message(i, v)) from None
    raise RLEError("rle must be a list of ints 0..255")  # pragma: no cover - bytes() agreed


def _byte_message(index: int, value: object, type_name: str | None = None) -> str:
    shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
    hint = ""
    if isinstance(value, int) and value > 255:
        hint = "; run lengths above 255 suggest a COCO RLE 'counts' list, which is another format"
    return (
        f"rle[{index}] is {shown} ({type_name or type(value).__name__}); a Label Studio "
        f"brush RLE is a list of ints 0..255{hint}"
    )


# Token walk. A token's length depends on its own head, so finding where tokens start is
# sequential. It is done as a finite-state machine over the stream's bytes: the state at a
# byte boundary is the offset (0..26 bits) of the next token start from that boundary, and a
# byte's transition depends only on that byte and the top 2 bits of the next one (a repeat
# token is 3 + w + 8 <= 27 bits, at least 12, so at most one token starts in a byte). Blocks
# of bytes are composed for all 27 entry states at once (numpy), the true state is carried
# from block to block (one Python step per block), and a second numpy pass lists the token
# starts. Literal chunks (flag 0) have a data-dependent length: the machine goes to _ESC and
# that stretch is walked token by token in Python until the next block boundary.

_STATES = 27
_ESC = 27
_FIRST_BYTE = _HEADER_BITS // 8  # the first token starts at bit 5 of byte 6
_FIRST_STATE = _HEADER_BITS % 8
_SCALAR_BYTES = 768  # shorter bodies: a plain Python walk is faster than numpy set-up (measured)
_PAIR_BYTES = 2**17  # longer bodies: the two-byte machine (7 MiB table, built once) pays off


@functools.lru_cache(maxsize=8)
def _byte_machine(widths: tuple[int, int, int, int]) -> NDArray[np.int8]:
    """Transition table, flattened (1024, 28): [10-bit window, state] -> next state.

    The window is the byte and the top 2 bits of the next one: enough to read the flag and
    count class of a token starting anywhere in the byte.
    """
    win = np.arange(1024)[:, None]
    state = np.arange(_STATES + 1)[None, :]
    s = np.minimum(state, 7)  # state >= 8: no token starts in this byte
    flag = (win >> (9 - s)) & 1
    cls = (win >> (7 - s)) & 3
    starts_here = state + np.array(widths)[cls] + 11 - 8
    table = np.where(state >= 8, state - 8, np.where(flag == 1, starts_here, _ESC))
    table[:, _ESC] = _ESC
    return table.astype(np.int8).ravel()


@functools.lru_cache(maxsize=1)
def _pair_machine(widths: tuple[int, int, int, int]) -> NDArray[np.int8]:
    """Two bytes per step, flattened (2**18, 28): [18-bit window, state] -> next state.

    The window is bytes b0, b1 and the top 2 bits of b2. Built once per process (7 MiB,
    about 40 ms), and only for the standard count widths.
    """
    one = _byte_machine(widths).reshape(1024, _STATES + 1)
    b0 = np.arange(256)[:, None]
    b1 = np.arange(256)[None, :]
    after_b0 = one[b0 << 2 | b1 >> 6].astype(np.intp)  # (b0, b1, state)
    table = np.empty((256, 256, 4, _STATES + 1), dtype=np.int8)
    flat_one = one.ravel()
    for b2 in range(4):
        table[:, :, b2, :] = flat_one[((b1 << 2 | b2) * (_STATES + 1))[..., None] + after_b0]
    return table.ravel()


class _Stream:
    """A parsed stream: where its tokens start and what they hold, cut at the header's count."""

    def __init__(
        self,
        data: bytes,
        window: NDArray[np.uint64],
        words: int,
        starts: NDArray[np.int64],
        top: NDArray[np.uint64],
        width: NDArray[np.uint64],
        count: NDArray[np.int64],
    ) -> None:
        self.data = data
        self.window = window
        self.words = words
        self.starts = starts
        self.top = top
        self.width = width
        self.count = count

    @classmethod
    def parse(cls, data: bytes, head: RLEHeader) -> _Stream:
        n_bits = 8 * len(data)
        buf = np.zeros(len(data) + 16, dtype=np.uint8)
        buf[: len(data)] = np.frombuffer(data, dtype=np.uint8)
        # window[i]: the 8 bytes from byte i as one big-endian integer (a view, not a copy)
        window: NDArray[np.uint64] = np.ndarray(
            (len(data) + 8,), dtype=">u8", buffer=buf.data, offset=0, strides=(1,)
        )
        starts = _token_starts(data, buf, head.count_widths)
        starts = starts[: int(np.searchsorted(starts, n_bits))]
        widths = np.array(head.count_widths, dtype=np.uint64)
        top = window[starts >> 3].astype(np.uint64) << (starts & 7).astype(np.uint64)
        width = widths[(top >> np.uint64(61)) & np.uint64(3)]
        count = (((top << np.uint64(3)) >> (np.uint64(64) - width)) + np.uint64(1)).astype(np.int64)
        done = np.cumsum(count)
        n_tok = int(np.searchsorted(done, head.words)) + 1  # tokens needed for all words
        if n_tok > starts.size or _token_end(starts, top, width, count, n_tok - 1) > n_bits:
            # tokens follow each other, so only the last one found can be cut off
            complete = starts.size
            if complete and _token_end(starts, top, width, count, complete - 1) > n_bits:
                complete -= 1
            got = int(done[complete - 1]) if complete else 0
            raise RLEError(
                f"rle is truncated: its {len(data)} bytes hold {min(got, head.words)} of the "
                f"{head.words} words its header declares"
            )
        return cls(
            data,
            window,
            head.words,
            starts[:n_tok],
            top[:n_tok],
            width[:n_tok],
            count[:n_tok],
        )

    def expand(self, *, stride: int, phase: int) -> NDArray[np.uint8]:
        """Words ``phase, phase + stride, ...`` of the decoded stream (stride 4, phase 3: alpha)."""
        begin, first, n_out = self._spans(stride, phase)
        out = np.repeat(self._repeat_values(), n_out)
        literal = np.flatnonzero((self.top >> np.uint64(63)) == 0)
        if literal.size:
            idx, values = self._literal_words(literal, begin, first, n_out, stride, phase)
            out[idx] = values
        return out

    def stats(self, height: int, width: int) -> RLEStats:
        """Painted pixels and largest alpha, from the tokens alone."""
        begin, first, n_out = self._spans(4, 3)
        values = self._repeat_values()
        repeat = (self.top >> np.uint64(63)) == 1
        painted = int(n_out[repeat & (values != 0)].sum())
        used = values[repeat & (n_out > 0)]
        max_alpha = int(used.max()) if used.size else 0
        literal = np.flatnonzero(~repeat)
        if literal.size:
            _, lit_values = self._literal_words(literal, begin, first, n_out, 4, 3)
            painted += int(np.count_nonzero(lit_values))
            max_alpha = max(max_alpha, int(lit_values.max(initial=0)))
        return RLEStats(height, width, painted, max_alpha)

    def _spans(
        self, stride: int, phase: int
    ) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
        """Per token: first word, first output index, and number of output words."""
        end = np.cumsum(self.count)
        begin = end - self.count
        np.minimum(end, self.words, out=end)  # the last token may overshoot: ignored, as LS does
        first = (begin - phase + stride - 1) // stride
        n_out = (end - phase + stride - 1) // stride - first
        return begin, first, n_out

    def _repeat_values(self) -> NDArray[np.uint8]:
        return ((self.top << (np.uint64(3) + self.width)) >> np.uint64(56)).astype(np.uint8)

    def _literal_words(
        self,
        literal: NDArray[np.intp],
        begin: NDArray[np.int64],
        first: NDArray[np.int64],
        n_out: NDArray[np.int64],
        stride: int,
        phase: int,
    ) -> tuple[NDArray[np.int64], NDArray[np.uint8]]:
        """Output index and value of every wanted word inside literal chunks."""
        lit_n = n_out[literal]
        tok = np.repeat(literal, lit_n)
        idx = np.arange(int(lit_n.sum())) - np.repeat(np.cumsum(lit_n) - lit_n, lit_n)
        idx += first[tok]
        word = idx * stride + phase
        bit = self.starts[tok] + 3 + self.width[tok].astype(np.int64) + 8 * (word - begin[tok])
        byte = self.window[bit >> 3].astype(np.uint64) << (bit & 7).astype(np.uint64)
        return idx, (byte >> np.uint64(56)).astype(np.uint8)


def _token_end(
    starts: NDArray[np.int64],
    top: NDArray[np.uint64],
    width: NDArray[np.uint64],
    count: NDArray[np.int64],
    i: int,
) -> int:
    """Bit position just after token ``i``."""
    body = 8 if top[i] >> np.uint64(63) else 8 * int(count[i])
    return int(starts[i]) + 3 + int(width[i]) + body


def _token_starts(
    data: bytes, buf: NDArray[np.uint8], widths: tuple[int, int, int, int]
) -> NDArray[np.int64]:
    """Bit positions of all tokens, in order, from the header to the end of ``data``."""
    n_body = len(data) - _FIRST_BYTE
    if n_body <= _SCALAR_BYTES:
        starts: list[int] = []
        _walk(data, 8 * _FIRST_BYTE + _FIRST_STATE, None, widths, starts)
        return np.array(starts, dtype=np.int64)
    step = 2 if n_body >= _PAIR_BYTES and widths == _WIDTHS else 1
    block = _block_bytes(n_body)
    n_blocks = -(-n_body // block)
    one = _byte_machine(widths)
    body = np.zeros(n_blocks * block + 2, dtype=np.intp)
    body[:n_body] = buf[_FIRST_BYTE : len(data)]
    win10 = (body[:-2] << 2 | body[1:-1] >> 6) * (_STATES + 1)
    rows = np.ascontiguousarray(win10.reshape(n_blocks, block).T)  # rows[j]: byte j of each block

    # 1. every block's exit state, for each of the 27 entry states
    entry_states = np.arange(_STATES, dtype=np.intp)[:, None]
    state = np.broadcast_to(entry_states, (_STATES, n_blocks))
    if step == 2:
        pairs = (body[:-2:2] << 10 | body[1:-1:2] << 2 | body[2::2] >> 6) * (_STATES + 1)
        pair_rows = np.ascontiguousarray(pairs.reshape(n_blocks, block // 2).T)
        two = _pair_machine(widths)
        for row in pair_rows:
            state = two[row + state]
    else:
        for row in rows:
            state = one[row + state]
    exits = np.asarray(state, dtype=np.uint8).T.tobytes()

    # 2. carry the true state from block to block; literal chunks are walked in Python
    entry = bytearray(b"\xff") * n_blocks
    walked: list[int] = []
    first_bit = 8 * _FIRST_BYTE
    block_bits = 8 * block
    k, s = 0, _FIRST_STATE
    while k < n_blocks:
        nxt = exits[k * _STATES + s]
        if nxt != _ESC:
            entry[k] = s
            k, s = k + 1, nxt
            continue
        p = _walk(data, first_bit + k * block_bits + s, (first_bit, block_bits), widths, walked)
        if p < 0:
            break
        k, s = divmod(p - first_bit, block_bits)

    # 3. the token starts inside the blocks the machine carried
    fsm = np.frombuffer(bytes(entry), dtype=np.uint8)
    ks = np.flatnonzero(fsm != 255)
    cur = fsm[ks].astype(np.intp)
    seen = np.empty((ks.size, block), dtype=np.int8)  # state at each byte, block-major
    sub = rows if ks.size == n_blocks else rows[:, ks]
    for j in range(block):
        seen[:, j] = cur
        cur = one[sub[j] + cur]
    flat_seen = seen.ravel()
    at = np.flatnonzero(flat_seen < 8)  # a token starts in this byte
    byte = (ks * block)[at // block] + at % block if ks.size != n_blocks else at
    found = 8 * byte + first_bit + flat_seen[at]
    if walked:
        found = np.sort(np.concatenate([found, np.array(walked, dtype=np.intp)]), kind="stable")
    return found.astype(np.int64, copy=False)


def _block_bytes(n_body: int) -> int:
    """Bytes per block: more blocks cost Python steps (2.), longer blocks numpy steps (1., 3.)."""
    block = 16  # measured: 16-32 bytes suit streams of a few KiB, 64-128 those of 1 MiB
    while block < 128 and block * block * 64 < n_body:
        block *= 2
    return block


def _walk(
    data: bytes,
    p: int,
    blocks: tuple[int, int] | None,
    widths: tuple[int, int, int, int],
    out: list[int] | None = None,
) -> int:
    """Walk tokens one by one from bit ``p``, appending their starts to ``out``.

    With ``blocks = (first_bit, block_bits)``, stop at the first token that starts within
    the machine's reach (27 bits) of a later block boundary and return its position; return
    -1 at the end of the data.
    """
    starts: list[int] = [] if out is None else out
    n_bits = 8 * len(data)
    k = -1 if blocks is None else (p - blocks[0]) // blocks[1]
    while p < n_bits:
        starts.append(p)
        i = p >> 3
        win = (int.from_bytes(data[i : i + 4].ljust(4, b"\0"), "big") << (p & 7)) & 0xFFFFFFFF
        w = widths[(win >> 29) & 3]
        if win >> 31:
            p += 11 + w
        else:
            p += 3 + w + 8 * (((win >> (29 - w)) & ((1 << w) - 1)) + 1)
        if blocks is not None:
            kk, off = divmod(p - blocks[0], blocks[1])
            if kk > k and off < _STATES:
                return p
    return -1
