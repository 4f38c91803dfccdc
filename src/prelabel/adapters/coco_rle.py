"""COCO run-length masks (``{"size": [h, w], "counts": ...}``) to and from numpy masks.

COCO results and ground truth store instance masks as runs over the **column-major**
(Fortran-order) pixels, starting with a run of zeros, either as a list of ints ("uncompressed")
or as pycocotools' compact string. prelabel reads both, so a COCO segmentation can become a
Label Studio brush mask without pycocotools.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import BuildError

__all__ = ["counts_from_string", "counts_to_string", "decode_coco_rle", "encode_coco_rle"]


def counts_from_string(text: str) -> list[int]:
    """Decode pycocotools' compact counts string into run lengths.

    Each count is written in 5-bit groups (low bits first) offset by 48, with bit 0x20 meaning
    "more groups follow" and 0x10 the sign; from the third count on, the value is stored as a
    difference from the count two places before. Decoded in numpy, one pass over the string.

    >>> counts_from_string("13")
    [1, 3]
    """
    if not text:
        return []
    codes = np.frombuffer(text.encode("ascii", "replace"), dtype=np.uint8).astype(np.int64) - 48
    if not text.isascii() or ((codes < 0) | (codes >= 64)).any():
        position = next(i for i, char in enumerate(text) if not 48 <= ord(char) < 112)
        raise BuildError(
            f"COCO RLE counts string has an invalid character {text[position]!r} at {position}"
        )
    last = np.flatnonzero((codes & 0x20) == 0)  # the final group of each number
    if last.size == 0 or last[-1] != codes.size - 1:
        raise BuildError("COCO RLE counts string ends in the middle of a number")
    starts = np.concatenate(([0], last[:-1] + 1))
    groups = last - starts + 1
    if int(groups.max()) > 12:  # 60 bits and more would overflow int64 below
        return _counts_slow(text)
    offset = np.arange(codes.size) - np.repeat(starts, groups)
    values = np.add.reduceat((codes & 0x1F) << (5 * offset), starts)
    negative = (codes[last] & 0x10) != 0
    values[negative] -= np.left_shift(1, 5 * groups[negative])
    # counts[i] = values[i] + counts[i - 2] from i = 3 on: running sums over odd and even slots
    counts = values.copy()
    counts[1::2] = np.cumsum(values[1::2])
    if counts.size > 2:
        counts[2::2] = np.cumsum(values[2::2])
    return [int(c) for c in counts.tolist()]


def _counts_slow(text: str) -> list[int]:
    """The reference loop, one character at a time (numbers too long for int64)."""
    counts: list[int] = []
    pos = 0
    size = len(text)
    while pos < size:
        value = 0
        shift = 0
        while True:
            if pos >= size:
                raise BuildError("COCO RLE counts string ends in the middle of a number")
            char = ord(text[pos]) - 48
            if not 0 <= char < 64:
                raise BuildError(
                    f"COCO RLE counts string has an invalid character {text[pos]!r} at {pos}"
                )
            value |= (char & 0x1F) << shift
            pos += 1
            shift += 5
            if not char & 0x20:
                if char & 0x10:
                    value |= -1 << shift
                break
        if len(counts) > 2:
            value += counts[-2]
        counts.append(value)
    return counts


def counts_to_string(counts: Sequence[int]) -> str:
    """Encode run lengths as pycocotools' compact counts string (inverse of the above).

    >>> counts_to_string([1, 3])
    '13'
    """
    out = []
    for index, count in enumerate(counts):
        value = int(count) - (int(counts[index - 2]) if index > 2 else 0)
        while True:
            char = value & 0x1F
            value >>= 5
            more = value != -1 if char & 0x10 else value != 0
            if more:
                char |= 0x20
            out.append(chr(char + 48))
            if not more:
                break
    return "".join(out)


def decode_coco_rle(segmentation: Mapping[str, Any]) -> NDArray[np.bool_]:
    """A COCO RLE segmentation as a ``(height, width)`` boolean mask.

    Args:
        segmentation: ``{"size": [height, width], "counts": list[int] | str}``.

    Raises:
        BuildError: a missing size, bad counts, or runs that do not cover ``height * width``.

    >>> decode_coco_rle({"size": [2, 2], "counts": [1, 3]}).astype(int).tolist()
    [[0, 1], [1, 1]]
    """
    size = segmentation.get("size")
    if (
        not isinstance(size, Sequence)
        or len(size) != 2
        or not all(isinstance(n, int) and n > 0 for n in size)
    ):
        raise BuildError(f"a COCO RLE needs size [height, width] of positive ints, got {size!r}")
    height, width = int(size[0]), int(size[1])
    raw = segmentation.get("counts")
    if isinstance(raw, bytes):
        raw = raw.decode("ascii")
    if isinstance(raw, str):
        counts = counts_from_string(raw)
    elif isinstance(raw, Sequence):
        counts = [int(c) for c in raw]
    else:
        raise BuildError(f"COCO RLE counts must be a list or a string, got {type(raw).__name__}")
    runs = np.asarray(counts, dtype=np.int64)
    if runs.size and runs.min() < 0:
        raise BuildError("COCO RLE counts must not be negative")
    total = int(runs.sum())
    if total != height * width:
        raise BuildError(
            f"COCO RLE counts cover {total} pixels but size {height}x{width} has {height * width}"
        )
    values = np.arange(runs.size) % 2 == 1  # runs alternate, starting with background
    flat = np.repeat(values, runs)
    return np.ascontiguousarray(flat.reshape(width, height).T)


def encode_coco_rle(mask: ArrayLike, *, compressed: bool = True) -> dict[str, Any]:
    """A ``(height, width)`` mask as a COCO RLE dict (string counts unless ``compressed=False``).

    >>> encode_coco_rle([[0, 1], [1, 1]], compressed=False)
    {'size': [2, 2], 'counts': [1, 3]}
    """
    array = np.asarray(mask)
    if array.ndim != 2:
        raise BuildError(f"mask must have shape (height, width), got {tuple(array.shape)}")
    flat = (array != 0).T.ravel()
    changes = np.flatnonzero(flat[1:] != flat[:-1]) + 1
    bounds = np.concatenate(([0], changes, [flat.size]))
    counts = np.diff(bounds).tolist()
    if flat.size and flat[0]:
        counts = [0, *counts]
    size = [int(array.shape[0]), int(array.shape[1])]
    return {"size": size, "counts": counts_to_string(counts) if compressed else counts}
