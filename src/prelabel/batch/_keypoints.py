"""Keypoints of a whole dataset, checked and converted to percent in a few array operations.

The numbers are the ones :meth:`KeyPointLabels.points` gives for the same image: the same
arithmetic in the same order. A task with a point that is not ordinary (outside the image
without ``clip``, NaN, a width that is not a positive number or wider than the image, or px
points that all fit in 1 px) is handed to that builder as it is, which explains what is
wrong, so the batch accepts and refuses exactly what the per-image builder does.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .._lazy import lazy_module
from ..builders.image._inputs import EDGE_TOLERANCE_PCT
from ..builders.image.keypoints import KEYPOINT_WIDTH_PCT
from ..errors import BuildError
from ..ids import new_ids
from ..tags.controls import KeyPoint, KeyPointLabels, LabelingControl
from ._labels import ClassNames
from ._ragged import Grouping, group_rows
from ._rows import (
    ImageTemplates,
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

__all__ = ["POINT_ARGS", "KeyPointPart"]

KeyPointControl = KeyPointLabels | KeyPoint
POINT_ARGS = ("xy_px", "xy_norm", "xy_pct")


class KeyPointPart:
    """One keypoint control's results for every task of a batch, kept as columns."""

    def __init__(
        self,
        control: KeyPointControl,
        tasks: int,
        *,
        arg: str,
        points: ArrayLike,
        image_wh: ArrayLike,
        width_px: ArrayLike | None,
        width_pct: ArrayLike | None,
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
        self.to_name = to_name
        raw = float_rows(points, arg, 2, "point")
        rows = raw.shape[0]
        if width_px is not None and width_pct is not None:
            raise BuildError("give the keypoint width once, as width_px= or width_pct=")
        self.width_name = "width_px" if width_px is not None else "width_pct"
        given = width_px if width_px is not None else width_pct
        widths = None if given is None else _width_rows(given, self.width_name, rows)
        self.width_given = given if given is not None and np.ndim(given) == 0 else None
        found = part_labels(
            control,
            rows,
            label=label,
            labels=labels,
            class_ids=class_ids,
            class_names=class_names,
            shapes="keypoints",
            labeled_tag="KeyPointLabels",
        )
        score_rows = row_scores(scores, rows, "point")
        keep, score_rows, task_index, counts = drop_unmapped(
            found, tasks, score_rows, task_index, counts, what="point", plural="points"
        )
        if keep is not None:  # a LabelMap dropped some classes
            raw, rows = raw[keep], int(keep.sum())
            widths = None if widths is None else widths[keep]
        group = group_rows(
            tasks,
            rows,
            task_index=task_index,
            counts=counts,
            what="point",
            source=dropped_source(found),
        )
        self.offsets = group.offsets
        self.sizes = image_sizes(image_wh, tasks)
        raw = group.take(raw)
        self.width_rows = None if widths is None else group.take(widths)
        self.label_table = None if found is None else found.table
        self.label_index = None if found is None else group.take(found.index)
        self.scores = None if score_rows is None else group.take(score_rows)
        self.ids = new_ids(rows)
        self.templates = ImageTemplates(self._first_template())
        units = arg.rsplit("_", 1)[1]
        with np.errstate(all="ignore"):
            self.pct, self.widths, unusual = self._fast(raw, units, group.task_of_row)
        # Tasks with an unusual point: built by the per-image builder, which refuses them.
        self.overrides: dict[int, list[dict[str, Any]]] = {}
        for task in np.unique(group.task_of_row[unusual]).tolist():
            self.overrides[task] = self._per_image(task, raw, group)

    @property
    def count(self) -> int:
        """How many keypoints the part holds."""
        return len(self.ids)

    def _fast(
        self, raw: NDArray[np.float64], units: str, task_of_row: NDArray[np.int64]
    ) -> tuple[NDArray[np.float64], NDArray[np.float64] | None, NDArray[np.bool_]]:
        """Percent points and widths of every row, and which rows are not ordinary; the
        per-image builder's arithmetic, in the same order."""
        sizes = self.sizes.astype(np.float64)
        if units == "px":
            pct = raw / sizes[task_of_row] * 100.0
        else:
            pct = raw * (100.0 if units == "norm" else 1.0)
        low, high = -EDGE_TOLERANCE_PCT, 100.0 + EDGE_TOLERANCE_PCT
        unusual = ~np.isfinite(raw).all(axis=1)
        if not self.clip:
            unusual |= ((pct < low) | (pct > high)).any(axis=1)
        if units == "px" and raw.shape[0]:
            starts = self.offsets[:-1][self.offsets[:-1] < self.offsets[1:]]
            biggest = np.maximum.reduceat(np.abs(raw).max(axis=1), starts)
            tiny = np.zeros(len(self.sizes), dtype=np.bool_)
            tiny[task_of_row[starts]] = biggest <= 1.0
            unusual |= tiny[task_of_row]
        given = self.width_rows
        widths: NDArray[np.float64] | None = None
        if given is not None:
            widths = (
                given / sizes[task_of_row, 0] * 100.0 if self.width_name == "width_px" else given
            )
            unusual |= ~(np.isfinite(given) & (given > 0)) | (widths > 100.0)
        return np.clip(pct, 0.0, 100.0), widths, np.asarray(unusual, dtype=np.bool_)

    def _per_image(self, task: int, raw: NDArray[np.float64], group: Grouping) -> list[Any]:
        """Task ``task``'s result values from the per-image builder (or its error, located)."""
        start, stop = int(self.offsets[task]), int(self.offsets[task + 1])
        first = group.original_row(start)
        width: Any = self.width_given
        if width is None and self.width_rows is not None:
            width = self.width_rows[start:stop]
        sized: dict[str, Any] = {self.arg: raw[start:stop], self.width_name: width}
        try:
            regions = self.control.points(
                **sized,
                image_wh=(int(self.sizes[task, 0]), int(self.sizes[task, 1])),
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
        target; made now, so a call the builder refuses fails here."""
        control = self.control
        table = self.label_table
        fallback = control.label_values[0] if isinstance(control, LabelingControl) else None
        regions = control.points(
            xy_pct=[[50.0, 50.0]],
            image_wh=(100, 100),
            labels=None if not table else [list(table[0])],
            label=None if table is None or table else fallback,
            scores=None if self.scores is None else [0.5],
            to_name=self.to_name,
        )
        return dict(regions[0].result)

    def results(self, start: int, stop: int) -> list[list[dict[str, Any]]]:
        """The result dicts of tasks ``start`` to ``stop``, a fresh list per task."""
        first, last = int(self.offsets[start]), int(self.offsets[stop])
        xs, ys = self.pct[first:last].T.tolist()
        widths = (
            [KEYPOINT_WIDTH_PCT] * (last - first)
            if self.widths is None
            else self.widths[first:last].tolist()
        )
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
            copy = self.templates.get(*sizes[offset]).copy
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
                    value = {"x": xs[row], "y": ys[row], "width": widths[row]}
                else:
                    value = {
                        "x": xs[row],
                        "y": ys[row],
                        "width": widths[row],
                        key: list(table[names[row]]),  # type: ignore[index]
                    }
                result["value"] = value
                if scores is not None:
                    result["score"] = scores[row]
                append(result)
            out.append(result_list)
        return out


def _width_rows(given: ArrayLike, name: str, rows: int) -> NDArray[np.float64]:
    """The keypoint widths as ``(rows,)`` floats: one number for every point, or one each."""
    try:
        array = np.asarray(given, dtype=np.float64)
    except (TypeError, ValueError):
        raise BuildError(f"{name} must be numbers, got {type(given).__name__}") from None
    if array.ndim == 0:
        return np.full(rows, float(array))
    if array.size == 0:
        array = array.reshape(0)
    if array.shape != (rows,):
        raise BuildError(
            f"{name} must be one number or have shape ({rows},), one per point, got shape "
            f"{array.shape}"
        )
    return array
