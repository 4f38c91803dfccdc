"""Minimal PNG writers (no imaging library): mask overlays, and arrays given as pictures.

A brush mask is drawn through an SVG ``<mask>`` of a 1-bit palette PNG (transparent index 0,
one colour at index 1): a 1920x1080 mask takes a few KB, and encoding it is one
``np.packbits`` and one ``zlib.compress``.
"""

from __future__ import annotations

import base64
import struct
import zlib
from typing import TYPE_CHECKING, Any

from .._lazy import lazy_module

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray
else:
    np = lazy_module("numpy")

__all__ = ["array_png", "mask_png", "png_data_url"]


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def mask_png(mask: NDArray[np.bool_], rgb: tuple[int, int, int]) -> bytes:
    """A ``(height, width)`` boolean mask as a PNG: ``rgb`` where True, transparent elsewhere.

    >>> import numpy as np
    >>> mask_png(np.ones((2, 3), dtype=bool), (255, 0, 0))[:8]
    b'\\x89PNG\\r\\n\\x1a\\n'
    """
    height, width = mask.shape
    rows = np.packbits(mask.astype(bool, copy=False), axis=1)
    raw = np.zeros((height, rows.shape[1] + 1), dtype=np.uint8)  # filter byte 0 per row
    raw[:, 1:] = rows
    header = struct.pack(">IIBBBBB", width, height, 1, 3, 0, 0, 0)
    return b"".join(
        (
            b"\x89PNG\r\n\x1a\n",
            _chunk(b"IHDR", header),
            _chunk(b"PLTE", bytes((0, 0, 0, *rgb))),
            _chunk(b"tRNS", b"\x00\xff"),
            _chunk(b"IDAT", zlib.compress(raw.tobytes(), 6)),
            _chunk(b"IEND", b""),
        )
    )


def png_data_url(png: bytes) -> str:
    """A ``data:image/png;base64,...`` URL of PNG bytes."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def array_png(pixels: NDArray[Any]) -> bytes:
    """A uint8 ``(H, W)`` grey, ``(H, W, 3)`` RGB or ``(H, W, 4)`` RGBA array as a PNG.

    Raises:
        ValueError: another shape or a dtype that is not uint8 (floats are ambiguous: 0-1 or
            0-255), with the shape found.

    >>> import numpy as np
    >>> array_png(np.zeros((2, 2, 3), dtype=np.uint8))[12:16]
    b'IHDR'
    """
    array = np.asarray(pixels)
    if array.dtype == np.bool_:
        array = array.astype(np.uint8) * 255
    if array.dtype != np.uint8:
        raise ValueError(f"image must be a uint8 array, got dtype {array.dtype}")
    colour_types = {2: 0, 3: 2, 4: 6}
    channels = 1 if array.ndim == 2 else (array.shape[2] if array.ndim == 3 else 0)
    if channels not in (1, 3, 4) or array.ndim not in (2, 3):
        raise ValueError(
            f"image must have shape (H, W), (H, W, 3) or (H, W, 4), got {tuple(array.shape)}"
        )
    height, width = array.shape[:2]
    rows = np.ascontiguousarray(array).reshape(height, width * channels)
    raw = np.zeros((height, width * channels + 1), dtype=np.uint8)
    raw[:, 1:] = rows
    kind = colour_types[array.ndim if channels == 1 else channels]
    header = struct.pack(">IIBBBBB", width, height, 8, kind, 0, 0, 0)
    return b"".join(
        (
            b"\x89PNG\r\n\x1a\n",
            _chunk(b"IHDR", header),
            _chunk(b"IDAT", zlib.compress(raw.tobytes(), 3)),
            _chunk(b"IEND", b""),
        )
    )
