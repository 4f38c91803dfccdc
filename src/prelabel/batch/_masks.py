"""Brush masks of a whole dataset, encoded once each and kept as RLE bytes.

The streams are the ones :meth:`BrushLabels.masks` writes for the same image: each mask is
encoded with :func:`prelabel.rle.encode`, as the builder does, and only the stream is kept (a
byte per RLE number), not the mask. A task with a mask the builder refuses (a shape that is
not the image's, an empty mask, a float or 0/1 mask with ``values="auto"``) is handed to that
builder as it is, which explains what is wrong, so the batch accepts and refuses exactly what
the per-image builder does.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .. import rle as rle_codec
from .._lazy import lazy_module
from ..errors import BuildError, RLEError
from ..tags.controls import Brush, BrushLabels
from ._labels import ClassNames
from ._part import ImageTemplates, RowOptions, RowPart
from ._ragged import Grouping
from ._rows import image_sizes, part_labels

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import ArrayLike, NDArray
else:
    np = lazy_module("numpy")

__all__ = ["MaskPart"]

BrushControl = BrushLabels | Brush


class MaskPart(RowPart):
    """One brush control's results for every task of a batch: an RLE stream per mask."""

    control: BrushControl

    def __init__(
        self,
        control: BrushControl,
        tasks: int,
        *,
        masks: ArrayLike | Sequence[ArrayLike],
        image_wh: ArrayLike | None,
        label: str | Sequence[str] | None,
        labels: Sequence[str | Sequence[str]] | None,
        class_ids: ArrayLike | None,
        class_names: ClassNames | None,
        values: rle_codec.MaskValues,
        options: RowOptions,
        to_name: str | None,
    ) -> None:
        self.control = control
        self.label_key = control.value_key or "labels"
        self.to_name = to_name
        if values not in ("auto", "binary", "alpha"):
            raise BuildError(f"values must be 'auto', 'binary' or 'alpha', got {values!r}")
        self.values: rle_codec.MaskValues = values
        items = _mask_list(masks)
        found = part_labels(
            control,
            len(items),
            label=label,
            labels=labels,
            class_ids=class_ids,
            class_names=class_names,
            shapes="masks",
            labeled_tag="BrushLabels",
        )
        rows = self._arrange(tasks, len(items), found, options, what="mask", plural="masks")
        if rows.keep is not None:  # a LabelMap dropped some classes
            items = [
                item for item, kept_row in zip(items, rows.keep.tolist(), strict=True) if kept_row
            ]
        group = rows.group
        if group.order is not None:
            items = [items[i] for i in group.order.tolist()]
        self.templates = ImageTemplates(self._first_template())
        sizes = None if image_wh is None else image_sizes(image_wh, tasks)
        self.image_wh = sizes
        # (height, width) of every mask: the size its stream was encoded for
        self.shapes = np.array([item.shape for item in items], dtype=np.int64).reshape(-1, 2)
        self.streams: list[bytes] = []
        unusual: set[int] = set()
        task_of_row = group.task_of_row.tolist()
        for row, item in enumerate(items):
            task = task_of_row[row]
            stream = b""
            if task not in unusual:
                stream = self._encode(item, None if sizes is None else sizes[task])
                if not stream:
                    unusual.add(task)
            self.streams.append(stream)
        if sizes is None:
            for task in range(tasks):
                self._check_one_size(task, group)
        # Tasks with an unusual mask: the per-image builder explains what is wrong.
        self._by_builder(
            sorted(unusual),
            group,
            lambda task, start, stop: self._per_image(task, start, stop, items),
            lambda start, first: f"masks from {first} on",
        )

    def _encode(self, mask: NDArray[Any], size: NDArray[np.int64] | None) -> bytes:
        """The mask's stream as bytes, or ``b""`` when the builder would refuse the mask."""
        if size is not None and mask.shape != (int(size[1]), int(size[0])):
            return b""
        if mask.dtype.kind in "biu" and not mask.any():
            return b""
        try:
            return bytes(rle_codec.encode(mask, values=self.values))
        except RLEError:
            return b""

    def _check_one_size(self, task: int, group: Grouping) -> None:
        """Without ``image_wh``, one image's masks must share a size, as in one stack."""
        start, stop = int(self.offsets[task]), int(self.offsets[task + 1])
        if stop - start < 2:
            return
        shapes = self.shapes[start:stop]
        differ = (shapes != shapes[0]).any(axis=1)
        if differ.any():
            row = start + int(np.flatnonzero(differ)[0])
            raise BuildError(
                f"task {task}: masks[{group.original_row(row)}] has shape "
                f"{tuple(shapes[row - start].tolist())} but masks[{group.original_row(start)}] "
                f"has {tuple(shapes[0].tolist())}; the masks of one image share its size "
                "(pass image_wh= to check it)"
            )

    def _per_image(self, task: int, start: int, stop: int, items: list[NDArray[Any]]) -> None:
        """Task ``task`` built by the per-image builder, which raises its error; should it
        accept a mask the batch thought it would refuse, its stream counts."""
        image_wh = (
            None
            if self.image_wh is None
            else (int(self.image_wh[task, 0]), int(self.image_wh[task, 1]))
        )
        # a list, not a stack: masks() reads each mask with its own dtype and names a mask
        # whose size differs from the others
        regions = self.control.masks(
            list(items[start:stop]),
            labels=self._labels_of(start, stop),  # type: ignore[arg-type]
            scores=None if self.scores is None else self.scores[start:stop].tolist(),
            ids=self.ids[start:stop],
            image_wh=image_wh,
            values=self.values,
            to_name=self.to_name,
        )
        for row, region in zip(range(start, stop), regions, strict=True):
            self.streams[row] = bytes(region.result["value"]["rle"])

    def _first_template(self) -> dict[str, Any]:
        """A result of this control made by its own builder: the keys, their order, the
        target; made now, so a call the builder refuses fails here."""
        regions = self.control.masks(np.ones((1, 1, 1), dtype=np.bool_), **self._template_options())
        return dict(regions[0].result)

    def _templates(self, start: int, stop: int) -> list[dict[str, Any]]:
        """Per task the template of its masks' size (one image's masks share it: a mask of
        another size is refused when the batch is made)."""
        get = self.templates.get
        bounds = self.offsets[start : stop + 1].tolist()
        shapes = self.shapes[bounds[0] : bounds[-1]].tolist()
        out: list[dict[str, Any]] = []
        for a, b in itertools.pairwise(bounds):
            if a == b:
                out.append({})  # no result copies it
                continue
            height, width = shapes[a - bounds[0]]
            out.append(get(width, height))
        return out

    def _values(
        self, start: int, stop: int, first: int, last: int, labels: list[list[str]] | None
    ) -> list[dict[str, Any]]:
        streams = self.streams[first:last]
        if labels is None:
            return [{"format": "rle", "rle": list(stream)} for stream in streams]
        key = self.label_key
        return [
            {"format": "rle", "rle": list(stream), key: names}
            for stream, names in zip(streams, labels, strict=True)
        ]


def _mask_list(masks: ArrayLike | Sequence[ArrayLike]) -> list[NDArray[Any]]:
    """Every mask of the batch as a ``(height, width)`` array (views of a stack)."""
    if isinstance(masks, np.ndarray):
        if masks.ndim != 3:
            raise BuildError(
                "masks must have shape (M, height, width), every mask of the batch in one "
                f"array, or be a list of (height, width) arrays, got {masks.shape}"
            )
        return list(masks)
    if isinstance(masks, (str, bytes)) or not isinstance(masks, Sequence):
        raise BuildError(
            "masks must be an (M, height, width) array or a list of (height, width) arrays, "
            f"got {type(masks).__name__}"
        )
    out = []
    for index, item in enumerate(masks):
        array = np.asarray(item)
        if array.ndim != 2:
            raise BuildError(
                f"masks[{index}] must have shape (height, width), got {array.shape}"
                + ("; pass one channel, e.g. mask[..., 0]" if array.ndim == 3 else "")
            )
        out.append(array)
    return out
