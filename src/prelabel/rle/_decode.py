"""Decoding a brush RLE stream into arrays, and checking it against an image size."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_module
from ..errors import RLEError
from ._header import RLEHeader, RLEStats, as_bytes, check_size_args, parse_header, size_message
from ._tokens import PAD_BYTES, token_end, token_starts
from ._uniform import Uniform, uniform_value

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from ._header import RLEInput
else:
    np = lazy_module("numpy")

__all__ = ["check", "decode", "decode_bool", "decode_rgba"]


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
    stream = read(rle, height, width)
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
    stream = read(rle, height, width)
    if isinstance(stream, Uniform):  # one fill, not a second pass over the image
        fill = np.ones if stream.value else np.zeros
        return fill((height, width), dtype=np.bool_)
    return np.not_equal(stream.expand(stride=4, phase=3).reshape(height, width), 0)


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
    stream = read(rle, height, width)
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
    return read(rle, height, width).stats(height, width)


def read(rle: RLEInput, height: int, width: int) -> Stream | Uniform:
    data = as_bytes(rle)
    h, w = check_size_args(height, width)
    head = parse_header(data)
    need = 4 * h * w
    if head.words != need:  # before anything of the claimed size is allocated
        raise RLEError(size_message(head.words, h, w))
    value = uniform_value(data, head)  # an empty or full mask: one fill, no token walk
    if value is not None:
        return Uniform(value, head.words)
    return Stream.parse(data, head)


class Stream:
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
        done: NDArray[np.int64],
    ) -> None:
        self.data = data
        self.window = window
        self.words = words
        self.starts = starts
        self.top = top
        self.width = width
        self.count = count
        self.done = done  # words decoded after each token

    @classmethod
    def parse(cls, data: bytes, head: RLEHeader) -> Stream:
        n_bits = 8 * len(data)
        buf = np.zeros(len(data) + max(16, PAD_BYTES), dtype=np.uint8)
        buf[: len(data)] = np.frombuffer(data, dtype=np.uint8)
        # window[i]: the 8 bytes from byte i as one big-endian integer (a view, not a copy)
        window: NDArray[np.uint64] = np.ndarray(
            (len(data) + 8,), dtype=">u8", buffer=buf.data, offset=0, strides=(1,)
        )
        starts = token_starts(data, buf, head.count_widths)
        starts = starts[: int(np.searchsorted(starts, n_bits))]
        widths = np.array(head.count_widths, dtype=np.uint64)
        top = window[starts >> 3].astype(np.uint64) << (starts & 7).astype(np.uint64)
        width = widths[(top >> np.uint64(61)) & np.uint64(3)]
        count = (((top << np.uint64(3)) >> (np.uint64(64) - width)) + np.uint64(1)).astype(np.int64)
        done = np.cumsum(count)
        n_tok = int(np.searchsorted(done, head.words)) + 1  # tokens needed for all words
        if n_tok > starts.size or token_end(starts, top, width, count, n_tok - 1) > n_bits:
            # tokens follow each other, so only the last one found can be cut off
            complete = starts.size
            if complete and token_end(starts, top, width, count, complete - 1) > n_bits:
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
            done[:n_tok],
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
        shift = stride.bit_length() - 1  # stride is 1 or 4: shifts, not divisions
        begin = self.done - self.count
        end = np.minimum(self.done, self.words)  # the last token may overshoot: ignored, as LS
        first = begin + (stride - 1 - phase)
        first >>= shift
        n_out = end + (stride - 1 - phase)
        n_out >>= shift
        n_out -= first
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
