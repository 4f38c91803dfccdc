"""Instance masks (``(N, H, W)``) to brush (Label Studio RLE) or bitmask regions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from ...builders.brush import BrushBuilder
from ...builders.image import BitmaskBuilder
from ...errors import BuildError
from ...results import Region
from ...tags.base import ControlTag
from ...tags.controls import Labels
from .._labeling import ClassMap, ClassNames, Unmapped
from ._select import Counts, ImageWH, Kept, Select, check_kind

__all__ = ["draw_masks", "mask_regions"]


def _mask_stack(masks: Any, image_wh: ImageWH | None) -> npt.NDArray[np.bool_]:
    """``(N, H, W)`` boolean masks from an array or a list of ``(H, W)`` masks."""
    if isinstance(masks, np.ndarray) or not isinstance(masks, Sequence):
        stack = np.asarray(masks)
    elif len(masks) == 0:
        stack = np.zeros((0, 0, 0), dtype=bool)
    else:
        stack = np.stack([np.asarray(m) for m in masks])
    if stack.size == 0 and stack.ndim != 3:
        stack = stack.reshape(0, 0, 0)
    if stack.ndim != 3:
        raise BuildError(
            f"masks must have shape (N, height, width), got {stack.shape}"
            + ("; for one mask pass mask[None]" if stack.ndim == 2 else "")
        )
    if stack.dtype.kind == "f":
        raise BuildError(
            f"masks have dtype {stack.dtype}; threshold them into booleans first (e.g. masks > 0.5)"
        )
    if stack.dtype.kind not in "biu":
        raise BuildError(f"masks must be booleans or integers, got dtype {stack.dtype}")
    if image_wh is not None and stack.shape[0]:
        width, height = int(image_wh[0]), int(image_wh[1])
        if stack.shape[1:] != (height, width):
            hint = "; they look transposed" if stack.shape[1:] == (width, height) else ""
            raise BuildError(
                f"masks have shape {stack.shape}, but the {width}x{height} image needs "
                f"(N, {height}, {width}){hint}"
            )
    return stack if stack.dtype == bool else stack != 0


def mask_regions(
    control: ControlTag,
    masks: npt.ArrayLike | Sequence[npt.ArrayLike],
    *,
    image_wh: ImageWH | None = None,
    labels: Sequence[str] | None = None,
    class_ids: npt.ArrayLike | None = None,
    class_names: ClassNames | None = None,
    label_map: ClassMap | None = None,
    unmapped: Unmapped = "error",
    scores: npt.ArrayLike | None = None,
    min_score: float | None = None,
    labels_control: Labels | None = None,
    to_name: str | None = None,
    item_index: int | None = None,
    counts: Counts = None,
) -> list[Region]:
    """Instance masks as brush (RLE) or bitmask regions.

    Args:
        control: a ``<BrushLabels>``/``<Brush>`` (masks become Label Studio RLE) or a
            ``<BitmaskLabels>``/``<Bitmask>`` (masks become PNG data URLs).
        masks: ``(N, height, width)`` booleans (or 0/1, 0/255 integers), or a list of
            ``(height, width)`` masks, at the natural image size.
        image_wh: ``(width, height)``; checked against the masks when given.
        labels, class_ids, class_names, label_map, unmapped, scores, min_score,
            labels_control, to_name, item_index, counts: as in :func:`box_regions`.

    Raises:
        BuildError: masks of the wrong shape or dtype (float masks must be thresholded).
        LabelError: a model class that maps to no label.

    >>> import numpy as np
    >>> from prelabel import LabelConfig, BrushLabels
    >>> cfg = LabelConfig.parse('<View><Image name="im" value="$im"/>'
    ...     '<BrushLabels name="seg" toName="im"><Label value="Cat"/></BrushLabels></View>')
    >>> masks = np.zeros((1, 2, 3), dtype=bool); masks[0, 0, 1] = True
    >>> region, = mask_regions(cfg.control("seg", BrushLabels), masks, labels=["cat"])
    >>> region.result["value"]["rle"], region.result["value"]["brushlabels"]
    ([0, 0, 0, 24, 57, 27, 252, 96, 17, 255, 223, 0, 0], ['Cat'])
    """
    check_kind(
        control,
        (BrushBuilder, BitmaskBuilder),
        "masks",
        "<BrushLabels>, <Brush>, <BitmaskLabels> or <Bitmask>",
    )
    stack = _mask_stack(masks, image_wh)
    select = Select(labels, class_ids, class_names, label_map, unmapped, scores, min_score)
    kept = select.apply(control, labels_control, stack.shape[0], "mask", counts)
    chosen = stack if kept.keep.all() else stack[kept.keep]
    return draw_masks(control, chosen, kept, image_wh, to_name, item_index)


def draw_masks(
    control: ControlTag,
    stack: npt.NDArray[np.bool_],
    kept: Kept,
    image_wh: ImageWH | None,
    to_name: str | None,
    item_index: int | None,
) -> list[Region]:
    if stack.shape[0] == 0:
        return []
    wh = image_wh or (int(stack.shape[2]), int(stack.shape[1]))
    own = kept.own_labels(control)
    if isinstance(control, BrushBuilder):
        regions = control.masks(
            stack,
            labels=own,
            scores=kept.scores,
            image_wh=wh,
            to_name=to_name,
            item_index=item_index,
        )
    else:
        regions = cast(BitmaskBuilder, control).bitmasks(
            stack,
            image_wh=wh,
            labels=own,
            scores=kept.scores,
            to_name=to_name,
            item_index=item_index,
        )
    return kept.label_split(regions, control)
