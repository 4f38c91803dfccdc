"""``BitmaskBuilder`` and the bitmask PNG data URL it stores."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from ..._lazy import lazy_module
from ...errors import BuildError
from ...results import Region
from ._calls import _resolve, _start
from ._inputs import ImageWH, Label
from ._regions import _Batch, _emit, _ImageTool

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from ._inputs import ArrayLike
else:
    np = lazy_module("numpy")

__all__ = ["BitmaskBuilder", "mask_to_data_url"]


def mask_to_data_url(mask: ArrayLike) -> str:
    """A boolean ``(height, width)`` mask as Label Studio's bitmask PNG data URL.

    The PNG is 8-bit RGBA, as the editor itself writes it: opaque black where the mask is
    set, transparent elsewhere. Written with zlib and struct only.

    >>> mask_to_data_url([[True, False]])[:22]
    'data:image/png;base64,'
    """
    array = np.asarray(mask, dtype=bool)
    if array.ndim != 2 or 0 in array.shape:
        raise BuildError(f"mask must have shape (height, width), got {array.shape}")
    height, width = array.shape
    rows = np.zeros((height, 1 + 4 * width), dtype=np.uint8)  # filter byte 0, then RGBA
    rows[:, 4::4] = array * np.uint8(255)
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    png = b"".join(
        [
            b"\x89PNG\r\n\x1a\n",
            _png_chunk(b"IHDR", header),
            _png_chunk(b"IDAT", zlib.compress(rows.tobytes(), 6)),
            _png_chunk(b"IEND", b""),
        ]
    )
    import base64  # 3 ms to import, for bitmasks only

    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _check_mask(mask: ArrayLike, name: str, wh: tuple[int, int]) -> npt.NDArray[np.bool_]:
    array = np.asarray(mask)
    width, height = wh
    if array.ndim != 2 or array.shape != (height, width):
        hint = ""
        if array.shape == (width, height):
            hint = "; it looks transposed (width, height): pass mask.T"
        elif array.ndim == 3 and array.shape[:2] == (height, width):
            hint = "; pass one channel (a 2-D mask), e.g. mask[..., 0] > 0"
        raise BuildError(
            f"{name} must have shape (height, width) = ({height}, {width}) for the "
            f"{width}x{height} image, got {array.shape}{hint}"
        )
    if array.dtype == bool:
        out = array
    elif array.dtype.kind in "iu":
        odd = (array != 0) & (array != 1) & (array != 255)
        if odd.any():
            value = array[odd].flat[0]
            raise BuildError(
                f"{name} holds {value}: a mask is boolean, or 0/1, or 0/255; for a class-id "
                "mask pass (mask == k) per class"
            )
        if (array == 1).any() and (array == 255).any():
            raise BuildError(f"{name} mixes 1 and 255; pass a boolean mask")
        out = array != 0
    else:
        raise BuildError(
            f"{name} has dtype {array.dtype}; pass a boolean mask, e.g. probabilities > 0.5"
        )
    if not out.any():
        raise BuildError(f"{name} is empty (no pixel set); skip it instead of sending a region")
    return out


class BitmaskBuilder(_ImageTool):
    """Builders of ``<BitmaskLabels>`` and ``<Bitmask>``: masks as a PNG data URL.

    The mask is ``(height, width)`` at the natural image size (boolean, or integers 0/1 or
    0/255); it is stored as ``value.imageDataURL``, an RGBA PNG with opaque pixels where set.
    Bitmask tags exist in newer Label Studio versions only; give the Image
    ``smoothing="false"`` to see crisp pixels.
    """

    def bitmask(
        self,
        mask: ArrayLike,
        *,
        image_wh: ImageWH,
        label: Label | None = None,
        score: float | None = None,
        id: str | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
        to_name: str | None = None,
        item_index: int | None = None,
    ) -> Region:
        """One mask as a region.

        Raises:
            BuildError: a mask not of shape ``(height, width)`` (a transposed one is named),
                a float mask, values other than 0/1 or 0/255, or an empty mask.
        """
        wh, template = _start(
            self, image_wh, to_name, item_index, score is not None, readonly, hidden
        )
        labels = _resolve(self, label)
        geometry = {"imageDataURL": mask_to_data_url(_check_mask(mask, "mask", wh))}
        return _emit(self, geometry, labels, template, id, score)

    def bitmasks(
        self,
        masks: Sequence[ArrayLike] | ArrayLike,
        *,
        image_wh: ImageWH,
        label: Label | None = None,
        labels: Sequence[Label] | None = None,
        class_ids: ArrayLike | None = None,
        class_names: Sequence[str] | Mapping[int, str] | None = None,
        scores: ArrayLike | None = None,
        ids: Sequence[str] | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
        to_name: str | None = None,
        item_index: int | None = None,
    ) -> list[Region]:
        """N masks (``(N, height, width)`` or a list) as N regions, e.g. instance masks."""
        wh, template = _start(
            self, image_wh, to_name, item_index, scores is not None, readonly, hidden
        )
        items = list(masks)  # type: ignore[arg-type]
        urls = [mask_to_data_url(_check_mask(m, f"masks[{i}]", wh)) for i, m in enumerate(items)]
        batch = _Batch(
            self, len(urls), "mask", template, label, labels, class_ids, class_names, scores, ids
        )
        return batch.regions({"imageDataURL": url} for url in urls)
