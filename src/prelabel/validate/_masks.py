"""Masks: brush RLE (``brushlabels``, ``brush``, ``magicwand``) and PNG bitmasks.

An RLE is checked the way the editor reads it: its header's word count must equal
``4 * original_width * original_height``, the token stream must produce that many words, and
the alpha channel (what the editor paints) must not be the faint 0/1 of a binary mask.
"""

from __future__ import annotations

import base64
import binascii
from typing import TYPE_CHECKING, Any

from .. import rle as rle_codec
from .._lazy import lazy_module
from ..errors import RLEError
from ._context import PredCtx
from ._image import ImageChecker
from ._show import MISSING, a_type, json_type, num, show

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray
else:
    np = lazy_module("numpy")  # imported when a mask is checked, not when validation starts

__all__ = ["BitmaskChecker", "BrushChecker", "looks_transposed"]

_DECODE_LIMIT_PX = 1 << 24  # decode masks up to 16 Mpx to look at their alpha
_ENCODE = "encode the (height, width) mask with prelabel.rle.encode(mask)"
_PNG_PREFIX = "data:image/png;base64,"
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class BrushChecker(ImageChecker):
    """``brushlabels`` / ``brush`` / ``magicwand``: ``format: "rle"`` and ``rle`` bytes."""

    def check_geometry(
        self, v: dict[str, Any], i: int, p: PredCtx, size: tuple[float, float] | None
    ) -> None:
        fmt = v.get("format", MISSING)
        if fmt is not MISSING and not isinstance(fmt, str):
            self.wrong_type(
                (i, "value", "format"),
                p,
                f'value.format must be the string "rle", got {a_type(fmt)}',
                fmt,
                hint='set "format": "rle"',
            )
        elif fmt is not MISSING and fmt != "rle":
            p.add(
                "rle.format",
                (i, "value", "format"),
                f'value.format is {show(fmt)}; brush masks from predictions use "rle"',
                hint='set "format": "rle"',
                ck=self,
            )
        stream = v.get("rle", MISSING)
        where = (i, "value", "rle")
        if stream is MISSING:
            p.add(
                "value.key_missing",
                (i, "value"),
                f"{self.what} results need value.rle (the mask as Label Studio RLE bytes)",
                hint="encode the mask with prelabel.rle.encode(mask)",
                ck=self,
                expected="format, rle",
            )
            return
        data = self.as_bytes(stream, where, p)
        if data is None:
            return
        try:
            head = rle_codec.header(data)
        except RLEError as exc:
            p.add("rle.invalid", where, str(exc), hint=_ENCODE, ck=self, found=f"{len(data)} bytes")
            return
        if size is None:
            return
        width, height = int(size[0]), int(size[1])
        need = 4 * width * height
        if head.words != need:
            hint = (
                "the stream has one word per pixel; Label Studio RLE repeats each pixel into "
                "4 RGBA words (use prelabel.rle.encode)"
                if head.words == width * height
                else "encode the mask at the image's natural size (original_width x "
                "original_height), shape (height, width)"
            )
            p.add(
                "rle.size_mismatch",
                where,
                f"the RLE header declares {head.words} words ({_pixels(head.words)}), but a "
                f"{width}x{height} image needs {need} (4 per pixel)",
                hint=hint,
                ck=self,
                expected=f"{need} words",
                found=f"{head.words} words",
            )
            return
        try:
            if width * height > _DECODE_LIMIT_PX:
                rle_codec.check(data, height, width)
                return
            alpha = rle_codec.decode(data, height, width)
        except RLEError as exc:
            p.add("rle.invalid", where, str(exc), hint=_ENCODE, ck=self, found=f"{len(data)} bytes")
            return
        top = int(alpha.max())
        if top == 0:
            p.add(
                "rle.empty",
                where,
                "the mask has no painted pixel; nothing is drawn",
                hint="drop the region, or check the threshold that made the mask",
                ck=self,
            )
        elif top == 1:
            p.add(
                "rle.invisible",
                where,
                "the mask's alpha is at most 1 (a 0/1 mask); the editor paints it at "
                "opacity 1/255, which is invisible",
                hint="encode mask * 255, or prelabel.rle.encode(mask, values='binary')",
                ck=self,
                expected="alpha 255 for painted pixels",
                found="alpha 1",
            )
        elif width != height and looks_transposed(alpha):
            p.add(
                "rle.transposed",
                where,
                f"the mask reads as stripes at {width}x{height} but as a solid shape when its "
                f"pixels are taken as a ({width}, {height}) array: it looks like a transposed "
                "mask, which the editor draws as diagonal stripes (a content heuristic)",
                hint="encode mask.T: prelabel.rle.encode wants shape (height, width)",
                ck=self,
                expected=f"a ({height}, {width}) mask",
            )

    def as_bytes(self, stream: Any, where: tuple[Any, ...], p: PredCtx) -> bytes | None:
        """The RLE list as bytes, or None after reporting why it is not a byte list."""
        if isinstance(stream, (list, tuple)):
            if not stream:
                p.add(
                    "rle.invalid",
                    where,
                    "value.rle is empty",
                    hint="encode the mask with prelabel.rle.encode(mask)",
                    ck=self,
                )
                return None
            if not any(x is True or x is False for x in stream):
                try:
                    return bytes(stream)
                except (TypeError, ValueError, OverflowError):
                    pass
            for j, item in enumerate(stream):
                if type(item) is not int or not 0 <= item <= 255:
                    p.add(
                        "rle.invalid",
                        (*where, j),
                        f"value.rle[{j}] is {show(item)} ({json_type(item)}); a Label Studio "
                        "RLE is a list of ints 0..255",
                        ck=self,
                        expected="ints 0..255",
                        found=show(item),
                    )
                    return None
            return None  # pragma: no cover - bytes() accepted the same list
        hint = None
        if isinstance(stream, str):
            hint = (
                "a string is likely COCO compressed RLE, another format; decode it to a mask "
                "and encode with prelabel.rle.encode(mask)"
            )
        elif isinstance(stream, dict):
            hint = (
                "{counts, size} is COCO RLE, another format; decode it to a mask and encode "
                "with prelabel.rle.encode(mask)"
            )
        p.add(
            "rle.invalid",
            where,
            f"value.rle must be a list of ints 0..255, got {a_type(stream)}",
            hint=hint,
            ck=self,
            expected="a list of ints 0..255",
            found=show(stream),
        )
        return None


def looks_transposed(alpha: NDArray[Any]) -> bool:
    """True when ``alpha`` (height, width) is far more ragged than the same pixels read as a
    (width, height) array and transposed back.

    A heuristic on content, not a proof: a mask made from a transposed ``(W, H)`` array has
    the right length, so only its look gives it away. Read the right way a shape has few
    edges; read the wrong way each of its rows is cut into pieces that land on different
    rows, so the edges multiply. A mask that reads cleanly both ways (a full-width band,
    noise) is never reported.
    """
    height, width = alpha.shape
    painted = alpha > 0
    other = painted.reshape(width, height).T
    as_read, as_other = _edges(painted), _edges(other)
    return as_read >= 2 * as_other and as_read - as_other >= min(width, height)


def _edges(mask: NDArray[np.bool_]) -> int:
    """How many neighbouring pixel pairs (across and down) differ."""
    across = np.count_nonzero(mask[:, 1:] != mask[:, :-1])
    down = np.count_nonzero(mask[1:, :] != mask[:-1, :])
    return int(across + down)


def _pixels(words: int) -> str:
    return f"{words // 4} pixels" if words % 4 == 0 else "not a whole number of RGBA pixels"


class BitmaskChecker(ImageChecker):
    """``bitmasklabels`` / ``bitmask``: ``imageDataURL``, a PNG data URL of the image's size."""

    def check_geometry(
        self, v: dict[str, Any], i: int, p: PredCtx, size: tuple[float, float] | None
    ) -> None:
        url = self.string(v, "imageDataURL", i, p)
        if "format" in v:
            self.string(v, "format", i, p, required=False)
        if url is not None:
            self.check_png(url, i, p, size)

    def check_png(self, url: str, i: int, p: PredCtx, size: tuple[float, float] | None) -> None:
        where = (i, "value", "imageDataURL")
        if not url.startswith(_PNG_PREFIX):
            p.add(
                "bitmask.not_data_url",
                where,
                f"imageDataURL should start with {_PNG_PREFIX!r}, got {show(url)}",
                ck=self,
            )
            return
        try:
            head = base64.b64decode(url[len(_PNG_PREFIX) : len(_PNG_PREFIX) + 32])
        except (binascii.Error, ValueError):
            head = b""
        if len(head) < 24 or not head.startswith(_PNG_SIGNATURE) or head[12:16] != b"IHDR":
            p.add(
                "bitmask.not_data_url",
                where,
                "imageDataURL does not hold a PNG image",
                ck=self,
            )
            return
        width = int.from_bytes(head[16:20], "big")
        height = int.from_bytes(head[20:24], "big")
        if size is not None and (width, height) != (int(size[0]), int(size[1])):
            p.add(
                "bitmask.size_mismatch",
                where,
                f"the PNG is {width}x{height}, the image is {num(size[0])}x{num(size[1])}",
                hint="draw the bitmask at the image's natural size",
                ck=self,
            )
