"""A minimal PNG writer for mask overlays (no imaging library).

A brush mask is drawn through an SVG ``<mask>`` of a 1-bit palette PNG (transparent index 0,
one colour at index 1): a 1920x1080 mask takes a few KB, and encoding it is one
``np.packbits`` and one ``zlib.compress``.
"""

from __future__ import annotations

import base64
import struct
import zlib
from typing import TYPE_CHECKING

from .._lazy import lazy_module

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray
else:
    np = lazy_module("numpy")

__all__ = ["mask_png", "png_data_url"]


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
