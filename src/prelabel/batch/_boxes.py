"""Rectangles of a whole dataset, checked and converted to percent in a few array operations.

The numbers are the ones :meth:`RectangleLabels.boxes` gives for the same image: the same
arithmetic in the same order. A task with a box that is not ordinary (on or past an edge,
empty, inverted, NaN) is handed to that builder as it is, which clips it or explains what is
wrong, so the batch accepts and refuses exactly what the per-image builder does.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

from .._lazy import lazy_module
from ..errors import BuildError
from ..ids import new_ids
from ..tags.controls import LabelingControl, Rectangle, RectangleLabels
from ._labels import ClassNames
from ._ragged import Grouping, group_rows
from ._rows import (
    at_task,
    drop_unmapped,
    dropped_source,
    float_rows,
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

__all__ = ["BOX_ARGS", "BoxPart"]

BoxControl = RectangleLabels | Rectangle
Units = Literal["px", "norm", "pct"]

BOX_ARGS: dict[str, tuple[str, Units]] = {
    f"{fmt}_{units}": (fmt, units)
    for fmt in ("xyxy", "xywh", "cxcywh")
    for units in ("px", "norm", "pct")
}


class BoxPart:
    """One box control's results for every task of a batch, kept as columns."""

    def __init__(
        self,
        control: BoxControl,
        tasks: int,
        *,
        arg: str,
        boxes: ArrayLike,
        image_wh: ArrayLike,
        task_index: ArrayLike | None,
        counts: ArrayLike | None,
        label: str | Sequence[str] | None,
        labels: Sequence[str | Sequence[str]] | None,
        class_ids: ArrayLike | None,
        class_names: ClassNames | None,
        scores: ArrayLike | None,
        to_name: str | None,
        clip: bool,
    ) -> None:
        self.control = control
        self.arg = arg
        self.clip = clip
        raw = float_rows(boxes, arg, 4, "box")
        rows = raw.shape[0]
        found = part_labels(
            control,
            rows,
            label=label,
            labels=labels,
            class_ids=class_ids,
            class_names=class_names,
            shapes="boxes",
            labeled_tag="RectangleLabels",
        )
        score_rows = row_scores(scores, rows, "box")
        keep, score_rows, task_index, counts = drop_unmapped(
            found, tasks, score_rows, task_index, counts, what="box", plural="boxes"
        )
        if keep is not None:  # a LabelMap dropped some classes
            raw, rows = raw[keep], int(keep.sum())
        group = group_rows(
            tasks,
            rows,
            task_index=task_index,
            counts=counts,
            what="box",
            source=dropped_source(found),
        )
        self.offsets = group.offsets
        self.sizes = image_sizes(image_wh, tasks)
        raw = group.take(raw)
        self.label_table = None if found is None else found.table
        self.label_index = None if found is None else group.take(found.index)
        self.scores = None if score_rows is None else group.take(score_rows)
        self.ids = new_ids(rows)
        self.to_name = to_name
        self._templates: dict[tuple[int, int], dict[str, Any]] = {}
        self._base = self._first_template()
        self.pct, unusual = _fast_pct(raw, *BOX_ARGS[arg], self.sizes, group.task_of_row)
        # Tasks with an unusual box: built by the per-image builder, which clips or refuses.
        self.overrides: dict[int, list[dict[str, Any]]] = {}
        for task in np.unique(group.task_of_row[unusual]).tolist():
            self.overrides[task] = self._per_image(task, raw, group)

    @property
    def count(self) -> int:
        """How many boxes the part holds."""
        return len(self.ids)

    def _per_image(self, task: int, raw: NDArray[np.float64], group: Grouping) -> list[Any]:
        """Task ``task``'s result values from the per-image builder (or its error, located)."""
        start, stop = int(self.offsets[task]), int(self.offsets[task + 1])
        first = group.original_row(start)
        try:
            geometry: dict[str, Any] = {self.arg: raw[start:stop]}
            regions = self.control.boxes(
                **geometry,
                image_wh=tuple(self.sizes[task].tolist()),
                labels=self._labels_of(start, stop),
                scores=None if self.scores is None else self.scores[start:stop],
                ids=self.ids[start:stop],
                to_name=self.to_name,
                clip=self.clip,
            )
        except BuildError as error:
            raise at_task(
                error, task, f"{self.arg} rows from {first} on" if group.order is None else None
            ) from None
        return [region.result["value"] for region in regions]

    def _labels_of(self, start: int, stop: int) -> list[list[str]] | None:
        return label_lists(self.label_table, self.label_index, start, stop)

    def _first_template(self) -> dict[str, Any]:
        """A result of this control made by its own builder: the keys, their order, the
        target. Made now, so a call the builder refuses (no ``to_name`` for a control on two
        images) fails here and not when the tasks are written."""
        regions = self.control.boxes(
            xyxy_pct=[[0.0, 0.0, 50.0, 50.0]],
            image_wh=(100, 100),
            labels=None if not self.label_table else [list(self.label_table[0])],
            label=None if self.label_table is None or self.label_table else _any_label(self),
            scores=None if self.scores is None else [0.5],
            to_name=self.to_name,
        )
        return dict(regions[0].result)

    def template(self, task: int) -> dict[str, Any]:
        """The result keys every box of ``task`` shares, in the builder's order."""
        width, height = int(self.sizes[task, 0]), int(self.sizes[task, 1])
        found = self._templates.get((width, height))
        if found is None:
            found = self._base.copy()
            found["original_width"], found["original_height"] = width, height
            if len(self._templates) > 4096:
                self._templates.clear()
            self._templates[width, height] = found
        return found

    def results(self, start: int, stop: int) -> list[list[dict[str, Any]]]:
        """The result dicts of tasks ``start`` to ``stop``, a fresh list per task."""
        first, last = int(self.offsets[start]), int(self.offsets[stop])
        xs, ys, ws, hs = self.pct[first:last].T.tolist()
        ids = self.ids[first:last]
        scores = None if self.scores is None else self.scores[first:last].tolist()
        table = self.label_table
        names = None if self.label_index is None else self.label_index[first:last].tolist()
        key = self.control.value_key
        bounds = self.offsets[start : stop + 1].tolist()
        sizes = self.sizes[start:stop].tolist()
        overrides = self.overrides
        out: list[list[dict[str, Any]]] = []
        for offset, (a, b) in enumerate(itertools.pairwise(bounds)):
            a, b = a - first, b - first
            if a == b:
                out.append([])
                continue
            width, height = sizes[offset]
            template = self._templates.get((width, height)) or self.template(start + offset)
            copy = template.copy
            override = overrides.get(start + offset) if overrides else None
            result_list: list[dict[str, Any]] = []
            append = result_list.append
            for row in range(a, b):
                result = copy()
                result["id"] = ids[row]
                if override is not None:
                    value = dict(override[row - a])
                    if key in value:
                        value[key] = list(value[key])
                elif names is None:
                    value = {"x": xs[row], "y": ys[row], "width": ws[row], "height": hs[row]}
                    value["rotation"] = 0.0
                else:
                    value = {
                        "x": xs[row],
                        "y": ys[row],
                        "width": ws[row],
                        "height": hs[row],
                        "rotation": 0.0,
                        key: list(table[names[row]]),  # type: ignore[index]
                    }
                result["value"] = value
                if scores is not None:
                    result["score"] = scores[row]
                append(result)
            out.append(result_list)
        return out


def _any_label(part: BoxPart) -> str | None:
    """A label of the control, for the template when every row was dropped."""
    control = part.control
    return control.label_values[0] if isinstance(control, LabelingControl) else None


def _fast_pct(
    raw: NDArray[np.float64],
    fmt: str,
    units: Units,
    sizes: NDArray[np.int64],
    task_of_row: NDArray[np.int64],
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Percent ``x, y, width, height`` of every box, and which boxes are not ordinary.

    Ordinary: positive size, inside the image, and (in pixels) not within 1 px of the corner
    as 0-1 fractions would be. The arithmetic is the per-image builder's fast path, in the
    same order, so both give the same numbers.
    """
    a, b, c, d = raw.T
    if fmt == "xyxy":
        c, d = c - a, d - b
    elif fmt == "cxcywh":
        a, b = a - c / 2.0, b - d / 2.0
    if units == "px":
        fx = (100.0 / sizes[:, 0].astype(np.float64))[task_of_row]
        fy = (100.0 / sizes[:, 1].astype(np.float64))[task_of_row]
    else:
        fx = fy = np.float64(100.0 if units == "norm" else 1.0)  # type: ignore[assignment]
    pct = np.empty_like(raw)
    x = np.multiply(a, fx, out=pct[:, 0])
    y = np.multiply(b, fy, out=pct[:, 1])
    w = np.multiply(c, fx, out=pct[:, 2])
    h = np.multiply(d, fy, out=pct[:, 3])
    with np.errstate(invalid="ignore", over="ignore"):
        ordinary = (c > 0) & (d > 0) & (x >= 0.0) & (y >= 0.0)
        ordinary &= (x + w <= 100.0) & (y + h <= 100.0)
        if units == "px":
            ordinary &= ~((a + c <= 1.0) & (b + d <= 1.0))
    return pct, ~ordinary
