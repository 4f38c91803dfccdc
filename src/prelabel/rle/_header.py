"""The stream's header, what a valid stream holds, and the checks on every input.

Header: 32-bit word count, word size - 1 (5 bits), four count-field widths - 1 (4 bits each).
Every check raises :class:`~prelabel.errors.RLEError` with the numbers involved, never the stream.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .._lazy import lazy_module
from ..errors import RLEError

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    RLEInput = Sequence[int] | bytes | bytearray | memoryview | NDArray[np.integer]
else:
    np = lazy_module("numpy")

__all__ = [
    "HEADER_BITS",
    "HEADER_TAIL",
    "MAX_RUN_PX",
    "MAX_RUN_WORDS",
    "MAX_WORDS",
    "WIDTHS",
    "WORD_SIZE",
    "RLEHeader",
    "RLEStats",
    "as_bytes",
    "check_size_args",
    "header",
    "parse_header",
    "size_message",
]

HEADER_BITS = 53
WORD_SIZE = 8
WIDTHS = (3, 4, 8, 16)
HEADER_TAIL = (WORD_SIZE - 1) << 16 | sum((w - 1) << (12 - 4 * i) for i, w in enumerate(WIDTHS))
MAX_WORDS = 2**32 - 1
MAX_RUN_WORDS = 2**16  # the longest run one token can hold (16-bit count field)
MAX_RUN_PX = MAX_RUN_WORDS // 4


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
    return parse_header(as_bytes(rle))


def parse_header(data: bytes) -> RLEHeader:
    if len(data) < 7:
        raise RLEError(
            f"rle has {len(data)} bytes, but a Label Studio brush RLE starts with a 7-byte header"
        )
    bits = int.from_bytes(data[:7], "big") >> 3  # the first 53 bits
    words = bits >> 21
    word_size = ((bits >> 16) & 31) + 1
    w = [((bits >> (12 - 4 * i)) & 15) + 1 for i in range(4)]
    if word_size != WORD_SIZE:
        raise RLEError(
            f"rle header declares {word_size}-bit words, but Label Studio brush masks use "
            f"8-bit words (header bytes 4-5 are 57, 27; got {data[4]}, {data[5]}); "
            "this is not a Label Studio brush RLE"
        )
    return RLEHeader(words, word_size, (w[0], w[1], w[2], w[3]))


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


def check_size_args(height: object, width: object) -> tuple[int, int]:
    for name, v in (("height", height), ("width", width)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v <= 0:
            raise RLEError(f"{name} must be a positive integer (pixels), got {v!r}")
    return int(height), int(width)  # type: ignore[call-overload]


def size_message(words: int, h: int, w: int) -> str:
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


def as_bytes(rle: object) -> bytes:
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
            raise RLEError(byte_message(bad, rle[bad].item(), rle.dtype.name))
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
            raise RLEError(byte_message(i, v)) from None
    raise RLEError("rle must be a list of ints 0..255")  # pragma: no cover - bytes() agreed


def byte_message(index: int, value: object, type_name: str | None = None) -> str:
    shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
    hint = ""
    if isinstance(value, int) and value > 255:
        hint = "; run lengths above 255 suggest a COCO RLE 'counts' list, which is another format"
    return (
        f"rle[{index}] is {shown} ({type_name or type(value).__name__}); a Label Studio "
        f"brush RLE is a list of ints 0..255{hint}"
    )
