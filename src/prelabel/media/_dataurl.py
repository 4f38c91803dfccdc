"""``data:`` URIs that Label Studio 1.23.2's editor loads, per media type.

Measured in the editor (integration/test_media.py): ``<Image>`` loads a base64 ``data:`` URI;
``<Audio>`` does not, because its loader appends ``?lsref=1`` to the URL, which turns the
base64 payload invalid (the editor shows "There was an issue loading URL"). A percent-encoded
audio URI loads (the appended bytes trail the sound and are ignored), so audio is written
percent-encoded, everything else base64. (``<Video>`` plays the URL as its source, without
that loader; the test's Chromium has no H.264, so it is not pinned there. ``<Text>`` and
``<HyperText>`` with ``valueType="url"`` refuse ``data:`` URIs altogether.)
"""

from __future__ import annotations

import base64
import mimetypes
import os
import urllib.parse
from typing import Any

from ..errors import BuildError
from ._png import png_bytes

__all__ = ["PERCENT_ENCODED", "data_url", "sniff_mime"]

# Media families whose editor loader appends a query string to the URL (see the docstring).
PERCENT_ENCODED = frozenset({"audio"})

_MAGIC: tuple[tuple[bytes, int, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"GIF87a", 0, "image/gif"),
    (b"GIF89a", 0, "image/gif"),
    (b"BM", 0, "image/bmp"),
    (b"WEBP", 8, "image/webp"),
    (b"WAVE", 8, "audio/wav"),
    (b"ID3", 0, "audio/mpeg"),
    (b"\xff\xfb", 0, "audio/mpeg"),
    (b"\xff\xf3", 0, "audio/mpeg"),
    (b"fLaC", 0, "audio/flac"),
    (b"OggS", 0, "audio/ogg"),
    (b"ftyp", 4, "video/mp4"),
    (b"\x1aE\xdf\xa3", 0, "video/webm"),
    (b"%PDF", 0, "application/pdf"),
)


def sniff_mime(head: bytes) -> str | None:
    """The media type the first bytes of a file announce, or None when unknown."""
    for magic, offset, mime in _MAGIC:
        if head[offset : offset + len(magic)] == magic:
            return mime
    return None


def data_url(source: str | os.PathLike[str] | bytes | Any, *, mime: str | None = None) -> str:
    """A ``data:`` URI of a file, raw bytes or a numpy image, in the form the editor loads.

    Args:
        source: a file path, the file's bytes, or an image array (``(height, width)``,
            ``(height, width, 3|4)`` uint8 RGB(A) or bool: written as PNG).
        mime: the media type (``"audio/wav"``); by default read from the bytes' signature,
            then from a path's suffix.

    Audio comes out percent-encoded, everything else base64 (the module docstring says why).
    A data URI lives inside the task, so task files grow by the size of the media (a third
    more for base64, up to three times for percent-encoded audio): for more than a few small
    files, serve them instead (docs/media.md).

    Raises:
        BuildError: the media type is unknown (pass ``mime=``), or the array is not an image.
        OSError: the file cannot be read.

    >>> data_url(b"\\x89PNG\\r\\n\\x1a\\n")[:30]
    'data:image/png;base64,iVBORw0K'
    >>> data_url(b"RIFF\\x00\\x00\\x00\\x00WAVE")[:30]
    'data:audio/wav,RIFF%00%00%00%0'
    """
    name = None
    if isinstance(source, (str, os.PathLike)):
        name = os.fspath(source)
        with open(name, "rb") as handle:
            payload = handle.read()
    elif isinstance(source, (bytes, bytearray, memoryview)):
        payload = bytes(source)
    else:
        payload = png_bytes(source)
        mime = mime or "image/png"
    kind = mime or sniff_mime(payload[:16]) or (name and mimetypes.guess_type(name)[0])
    if not kind:
        where = f" of {name}" if name else ""
        raise BuildError(f"cannot tell the media type{where}: pass mime=, e.g. mime='image/png'")
    if kind.split("/")[0].lower() in PERCENT_ENCODED:
        return f"data:{kind}," + urllib.parse.quote(payload, safe="")
    return f"data:{kind};base64," + base64.b64encode(payload).decode("ascii")
