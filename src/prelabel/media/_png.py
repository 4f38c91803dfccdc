"""A numpy image as PNG bytes, with zlib and struct only (no imaging library)."""

from __future__ import annotations

import struct
import zlib
from typing import TYPE_CHECKING, Any

from .._lazy import lazy_module
from ..errors import BuildError

if TYPE_CHECKING:
    import numpy as np
else:
    np = lazy_module("numpy")

__all__ = ["png_bytes"]

_COLOR_TYPE = {1: 0, 2: 4, 3: 2, 4: 6}  # channels -> PNG colour type (gray, gray+a, RGB, RGBA)


def png_bytes(image: Any) -> bytes:
    """An ``(height, width)``, ``(height, width, 1|2|3|4)`` uint8 or bool array as a PNG.

    Channels are read as gray, gray+alpha, RGB or RGBA (an OpenCV image is BGR: convert it
    first). A bool array becomes black and white.

    Raises:
        BuildError: another shape, an empty image, or a dtype other than uint8 or bool.
    """
    array = np.asarray(image)
    if array.dtype == bool:
        array = array.astype(np.uint8) * np.uint8(255)
    if array.dtype != np.uint8:
        raise BuildError(
            f"an image array must be uint8 (0-255) or bool, got {array.dtype}; scale it "
            "yourself, e.g. (img * 255).round().astype('uint8') for 0-1 floats"
        )
    if array.ndim == 2:
        array = array[:, :, None]
    if array.ndim != 3 or array.shape[2] not in _COLOR_TYPE or 0 in array.shape:
        raise BuildError(
            "an image array must have shape (height, width) or (height, width, channels) "
            f"with 1-4 channels, got {np.asarray(image).shape}"
        )
    height, width, channels = array.shape
    rows = np.zeros((height, 1 + width * channels), dtype=np.uint8)  # filter byte 0 per row
    rows[:, 1:] = array.reshape(height, width * channels)
    header = struct.pack(">IIBBBBB", width, height, 8, _COLOR_TYPE[channels], 0, 0, 0)
    return b"".join(
        [
            b"\x89PNG\r\n\x1a\n",
            _chunk(b"IHDR", header),
            _chunk(b"IDAT", zlib.compress(rows.tobytes(), 6)),
            _chunk(b"IEND", b""),
        ]
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
