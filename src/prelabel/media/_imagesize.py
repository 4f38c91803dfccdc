"""Image sizes from file headers (PNG, JPEG, GIF, BMP, WebP), without an imaging library.

Label Studio draws on the image's natural size as the browser shows it, and browsers apply
a JPEG's EXIF orientation: a photo stored 4000x3000 with orientation 6 is shown 3000x4000.
:func:`image_size` returns the size as shown.
"""

from __future__ import annotations

import io
import os
import struct
from typing import BinaryIO

from ..errors import BuildError

__all__ = ["IMAGE_SUFFIXES", "image_size", "image_size_of_bytes"]

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".bmp", ".webp")

_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def image_size(path: str | os.PathLike[str]) -> tuple[int, int]:
    """``(width, height)`` of an image file as a browser shows it (EXIF rotation applied).

    Raises:
        BuildError: not a PNG, JPEG, GIF, BMP or WebP file, or a truncated header.
        OSError: the file cannot be read.
    """
    with open(path, "rb") as handle:
        return _size(handle, os.fspath(path))


def image_size_of_bytes(data: bytes, name: str = "the image") -> tuple[int, int]:
    """:func:`image_size` of an image held in memory (``name`` says which in errors)."""
    return _size(io.BytesIO(data), name)


def _size(handle: BinaryIO, name: str) -> tuple[int, int]:
    head = handle.read(32)
    try:
        if head.startswith(b"\x89PNG\r\n\x1a\n") and head[12:16] == b"IHDR":
            width, height = struct.unpack(">II", head[16:24])
        elif head[:6] in (b"GIF87a", b"GIF89a"):
            width, height = struct.unpack("<HH", head[6:10])
        elif head.startswith(b"BM"):
            width, height = struct.unpack("<ii", head[18:26])
            height = abs(height)  # negative: rows stored top-down
        elif head[:4] == b"RIFF" and head[8:12] == b"WEBP":
            width, height = _webp(head, handle)
        elif head.startswith(b"\xff\xd8"):
            handle.seek(2)
            width, height = _jpeg(handle)
        else:
            raise BuildError(f"{name}: not a PNG, JPEG, GIF, BMP or WebP image")
    except struct.error:
        raise BuildError(f"{name}: the image header is truncated") from None
    if width <= 0 or height <= 0:
        raise BuildError(f"{name}: the header gives a size of {width}x{height}")
    return int(width), int(height)


def _webp(head: bytes, handle: BinaryIO) -> tuple[int, int]:
    handle.seek(12)
    chunk = handle.read(30)
    kind = chunk[:4]
    if kind == b"VP8X":
        width = int.from_bytes(chunk[12:15], "little") + 1
        height = int.from_bytes(chunk[15:18], "little") + 1
        return width, height
    if kind == b"VP8L":
        bits = int.from_bytes(chunk[9:13], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if kind == b"VP8 ":
        width, height = struct.unpack("<HH", chunk[14:18])
        return width & 0x3FFF, height & 0x3FFF
    raise BuildError(f"unknown WebP chunk {kind!r}")


def _jpeg(handle: BinaryIO) -> tuple[int, int]:
    orientation = 1
    while True:
        byte = handle.read(1)
        while byte and byte != b"\xff":
            byte = handle.read(1)
        while byte == b"\xff":
            byte = handle.read(1)
        if not byte:
            raise struct.error("no frame header")
        marker = byte[0]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            continue  # markers without a length
        (length,) = struct.unpack(">H", handle.read(2))
        body = handle.read(length - 2)
        if marker == 0xE1 and body.startswith(b"Exif\x00\x00"):
            orientation = _orientation(body[6:])
        elif marker in _SOF:
            height, width = struct.unpack(">HH", body[1:5])
            return (height, width) if orientation in (5, 6, 7, 8) else (width, height)
        elif marker == 0xD9:
            raise struct.error("end of image before a frame header")


def _orientation(tiff: bytes) -> int:
    """The EXIF orientation tag (0x0112) of the first image directory, or 1."""
    if tiff[:2] == b"II":
        order = "<"
    elif tiff[:2] == b"MM":
        order = ">"
    else:
        return 1
    try:
        (offset,) = struct.unpack(order + "I", tiff[4:8])
        (entries,) = struct.unpack(order + "H", tiff[offset : offset + 2])
        for index in range(entries):
            start = offset + 2 + 12 * index
            tag, kind = struct.unpack(order + "HH", tiff[start : start + 4])
            if tag == 0x0112 and kind == 3:
                (value,) = struct.unpack(order + "H", tiff[start + 8 : start + 10])
                return int(value)
    except struct.error:
        return 1
    return 1
