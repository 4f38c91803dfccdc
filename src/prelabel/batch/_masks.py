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
from ..ids import new_ids
from ..tags.controls import Brush, BrushLabels, LabelingControl
from ._labels import ClassNames
from ._ragged import Grouping, group_rows
from ._rows import (
    ImageTemplates,
    at_task,
    drop_unmapped,
    dropped_source,
    image_sizes,
    label_lists,
    part_labels,
    row_scores,
)

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import ArrayLike, NDArray
else:
    np = lazy_module("numpy")

__all__ = ["MaskPart"]

BrushControl = BrushLabels | Brush


class MaskPart:
    """One brush control's results for every task of a batch: an RLE stream per mask."""

    def __init__(
        self,
        control: BrushControl,
        tasks: int,
        *,
        masks: ArrayLike | Sequence[ArrayLike],
        image_wh: ArrayLike | None,
        task_index: ArrayLike | None,
        counts: ArrayLike | None,
        label: str | Sequence[str] | None,
        labels: Sequence[str | Sequence[str]] | None,
        class_ids: ArrayLike | None,
        class_names: ClassNames | None,
        scores: ArrayLike | None,
        values: rle_codec.MaskValues,
        to_name: str | None,
    ) -> None:
        self.control = control
        self.to_name = to_name
        if values not in ("auto", "binary", "alpha"):
            raise BuildError(f"values must be 'auto', 'binary' or 'alpha', got {values!r}")
        self.values: rle_codec.MaskValues = values
        items = _mask_list(masks)
        rows = len(items)
        found = part_labels(
            control,
            rows,
            label=label,
            labels=labels,
            class_ids=class_ids,
            class_names=class_names,
            shapes="masks",
            labeled_tag="BrushLabels",
        )
        score_rows = row_scores(scores, rows, "mask")
        keep, score_rows, task_index, counts = drop_unmapped(
            found, tasks, score_rows, task_index, counts, what="mask", plural="masks"
        )
        if keep is not None:  # a LabelMap dropped some classes
            items = [item for item, kept_row in zip(items, keep.tolist(), strict=True) if kept_row]
            rows = len(items)
        group = group_rows(
            tasks,
            rows,
            task_index=task_index,
            counts=counts,
            what="mask",
            source=dropped_source(found),
        )
        self.offsets = group.offsets
        if group.order is not None:
            items = [items[i] for i in group.order.tolist()]
        self.label_table = None if found is None else found.table
        self.label_index = None if found is None else group.take(found.index)
        self.scores = None if score_rows is None else group.take(score_rows)
        self.ids = new_ids(rows)
        self.templates = ImageTemplates(self._first_template())
        sizes = None if image_wh is None else image_sizes(image_wh, tasks)
        self.image_wh = sizes
        # (height, width) of every mask: the size its stream was encoded for
        self.shapes = np.array([item.shape for item in items], dtype=np.int64).reshape(rows, 2)
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
        for task in sorted(unusual):
            self._per_image(task, items, group)

    @property
    def count(self) -> int:
        """How many masks the part holds."""
        return len(self.ids)

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

    def _per_image(self, task: int, items: list[NDArray[Any]], group: Grouping) -> None:
        """Task ``task`` built by the per-image builder, which raises its error, located."""
        start, stop = int(self.offsets[task]), int(self.offsets[task + 1])
        first = group.original_row(start)
        labels = self._labels_of(start, stop)
        scores = None if self.scores is None else self.scores[start:stop].tolist()
        image_wh = (
            None
            if self.image_wh is None
            else (int(self.image_wh[task, 0]), int(self.image_wh[task, 1]))
        )
        try:
            # a list, not a stack: masks() reads each mask with its own dtype and names a
            # mask whose size differs from the others
            regions = self.control.masks(
                list(items[start:stop]),
                labels=labels,  # type: ignore[arg-type]
                scores=scores,
                ids=self.ids[start:stop],
                image_wh=image_wh,
                values=self.values,
                to_name=self.to_name,
            )
        except BuildError as error:
            raise at_task(
                error, task, f"masks from {first} on" if group.order is None else None
            ) from None
        # Tasks come here for masks the builder refuses; should it accept one, its output counts.
        for row, region in zip(range(start, stop), regions, strict=True):
            self.streams[row] = bytes(region.result["value"]["rle"])

    def _labels_of(self, start: int, stop: int) -> list[list[str]] | None:
        return label_lists(self.label_table, self.label_index, start, stop)

    def _first_template(self) -> dict[str, Any]:
        """A result of this control made by its own builder: the keys, their order, the
        target; made now, so a call the builder refuses fails here."""
        control = self.control
        table = self.label_table
        fallback = control.label_values[0] if isinstance(control, LabelingControl) else None
        regions = control.masks(
            np.ones((1, 1, 1), dtype=np.bool_),
            labels=None if table is None else [list(table[0]) if table else fallback],  # type: ignore[list-item]
            scores=None if self.scores is None else [0.5],
            to_name=self.to_name,
        )
        return dict(regions[0].result)

    def results(self, start: int, stop: int) -> list[list[dict[str, Any]]]:
        """The result dicts of tasks ``start`` to ``stop``, a fresh list per task."""
        first, last = int(self.offsets[start]), int(self.offsets[stop])
        streams = self.streams
        heights, widths = self.shapes[first:last].T.tolist()
        ids = self.ids[first:last]
        scores = None if self.scores is None else self.scores[first:last].tolist()
        table = self.label_table
        names = None if self.label_index is None else self.label_index[first:last].tolist()
        key = self.control.value_key
        bounds = self.offsets[start : stop + 1].tolist()
        out: list[list[dict[str, Any]]] = []
        for a, b in itertools.pairwise(bounds):
            a, b = a - first, b - first
            result_list: list[dict[str, Any]] = []
            append = result_list.append
            for row in range(a, b):
                result = self.templates.get(widths[row], heights[row]).copy()
                result["id"] = ids[row]
                value: dict[str, Any] = {"format": "rle", "rle": list(streams[first + row])}
                if names is not None:
                    value[key] = list(table[names[row]])  # type: ignore[index]
                result["value"] = value
                if scores is not None:
                    result["score"] = scores[row]
                append(result)
            out.append(result_list)
        return out


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
