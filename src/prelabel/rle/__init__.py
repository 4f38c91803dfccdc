"""Label Studio brush RLE codec: masks to ``value.rle`` and back.

Label Studio stores a brush mask (``BrushLabels``/``Brush``, ``"format": "rle"``) as an RGBA
image of the original image's size, run-length encoded into a bit stream and written as a JSON
list of bytes. The stream does not store the width or height: the reader takes them from the
result's ``original_height``/``original_width``. The format is described, with its traps, in
``docs/brush-rle.md``.

* :func:`encode` turns a ``(height, width)`` mask into that list, byte for byte what Label
  Studio's own ``mask2rle`` writes for a 0/255 mask, and 12-80x faster (``docs/brush-rle.md``).
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

from ..errors import RLEError
from ._decode import check, decode, decode_bool, decode_rgba
from ._encode import MaskValues, encode
from ._header import RLEHeader, RLEStats, header

__all__ = [
    "MaskValues",
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
