"""Ellipses of a whole dataset, checked and converted to percent in a few array operations.

The numbers are the ones :meth:`EllipseLabels.ellipses` gives for the same image: the same
arithmetic in the same order. A task with an ellipse that is not ordinary (a centre outside
the image, px centres that all fit in 1 px, a radius that is not positive or is above 50
percent, NaN) is handed to that builder as it is, which explains what is wrong, so the batch
accepts and refuses exactly what the per-image builder does.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .._lazy import lazy_module
from ..builders.image._inputs import EDGE_TOLERANCE_PCT
from ..errors import BuildError
from ..ids import new_ids
from ..tags.controls import Ellipse, EllipseLabels, LabelingControl
from ..units import _ls_rotation
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

__all__ = ["CENTER_ARGS", "RADII_ARGS", "EllipsePart"]

EllipseControl = EllipseLabels | Ellipse
CENTER_ARGS = ("center_px", "center_norm", "center_pct")
RADII_ARGS = ("radii_px", "radii_norm", "radii_pct")


class EllipsePart:
    """One ellipse control's results for every task of a batch, kept as columns."""

    def __init__(
        self,
        control: EllipseControl,
        tasks: int,
        *,
        center_arg: str,
        centers: ArrayLike,
        radii_arg: str,
        radii: ArrayLike,
        angle_deg: ArrayLike,
        image_wh: ArrayLike,
        task_index: ArrayLike | None,
        counts: ArrayLike | None,
        label: str | Sequence[str] | None,
        labels: Sequence[str | Sequence[str]] | None,
        class_ids: ArrayLike | None,
        class_names: ClassNames | None,
        scores: ArrayLike | None,
        to_name: str | None,
    ) -> None:
        self.control = control
        self.center_arg = center_arg
        self.radii_arg = radii_arg
        self.to_name = to_name
        center = float_rows(centers, center_arg, 2, "ellipse")
        radius = float_rows(radii, radii_arg, 2, "ellipse")
        rows = center.shape[0]
        if radius.shape[0] != rows:
            raise BuildError(f"{center_arg} has {rows} rows but {radii_arg} has {radius.shape[0]}")
        angles = _angle_rows(angle_deg, rows)
        self.angle_given = angle_deg if np.ndim(angle_deg) == 0 else None
        found = part_labels(
            control,
            rows,
            label=label,
            labels=labels,
            class_ids=class_ids,
            class_names=class_names,
            shapes="ellipses",
            labeled_tag="EllipseLabels",
        )
        score_rows = row_scores(scores, rows, "ellipse")
        keep, score_rows, task_index, counts = drop_unmapped(
            found, tasks, score_rows, task_index, counts, what="ellipse", plural="ellipses"
        )
        if keep is not None:  # a LabelMap dropped some classes
            center, radius, angles = center[keep], radius[keep], angles[keep]
            rows = int(keep.sum())
        group = group_rows(
            tasks,
            rows,
            task_index=task_index,
            counts=counts,
            what="ellipse",
            source=dropped_source(found),
        )
        self.offsets = group.offsets
        self.sizes = image_sizes(image_wh, tasks)
        center, radius, angles = group.take(center), group.take(radius), group.take(angles)
        self.label_table = None if found is None else found.table
        self.label_index = None if found is None else group.take(found.index)
        self.scores = None if score_rows is None else group.take(score_rows)
        self.ids = new_ids(rows)
        self.templates = ImageTemplates(self._first_template())
        with np.errstate(all="ignore"):
            self.values, unusual = self._fast(center, radius, angles, group.task_of_row)
        # Tasks with an unusual ellipse: built by the per-image builder, which refuses them.
        self.overrides: dict[int, list[dict[str, Any]]] = {}
        for task in np.unique(group.task_of_row[unusual]).tolist():
            self.overrides[task] = self._per_image(task, center, radius, angles, group)

    @property
    def count(self) -> int:
        """How many ellipses the part holds."""
        return len(self.ids)

    def _fast(
        self,
        center: NDArray[np.float64],
        radius: NDArray[np.float64],
        angles: NDArray[np.float64],
        task_of_row: NDArray[np.int64],
    ) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
        """``(M, 5)`` percent ``x, y, radiusX, radiusY, rotation`` of every row, and which rows
        are not ordinary; the per-image builder's arithmetic, in the same order."""
        sizes = self.sizes.astype(np.float64)[task_of_row]
        c_units = self.center_arg.rsplit("_", 1)[1]
        r_units = self.radii_arg.rsplit("_", 1)[1]
        out = np.empty((center.shape[0], 5), dtype=np.float64)
        if c_units == "px":
            centre_pct = center / sizes * 100.0
        else:
            centre_pct = center * (100.0 if c_units == "norm" else 1.0)
        if r_units == "px":
            radius_pct = radius / sizes * 100.0
        else:
            radius_pct = radius * (100.0 if r_units == "norm" else 1.0)
        low, high = -EDGE_TOLERANCE_PCT, 100.0 + EDGE_TOLERANCE_PCT
        unusual = ~(np.isfinite(center).all(axis=1) & np.isfinite(radius).all(axis=1))
        unusual |= ~np.isfinite(angles)
        unusual |= ((centre_pct < low) | (centre_pct > high)).any(axis=1)
        unusual |= ~(radius > 0).all(axis=1)
        unusual |= (radius_pct > 50.0 + EDGE_TOLERANCE_PCT).any(axis=1)
        if c_units == "px" and center.shape[0]:
            starts = self.offsets[:-1][self.offsets[:-1] < self.offsets[1:]]
            biggest = np.maximum.reduceat(np.abs(center).max(axis=1), starts)
            tiny = np.zeros(len(self.sizes), dtype=np.bool_)
            tiny[task_of_row[starts]] = biggest <= 1.0
            unusual |= tiny[task_of_row]
        out[:, 0:2] = np.clip(centre_pct, 0.0, 100.0)
        out[:, 2:4] = np.minimum(radius_pct, 50.0)
        out[:, 4] = _ls_rotation(np.where(np.isfinite(angles), angles, 0.0))
        return out, np.asarray(unusual, dtype=np.bool_)

    def _per_image(
        self,
        task: int,
        center: NDArray[np.float64],
        radius: NDArray[np.float64],
        angles: NDArray[np.float64],
        group: Grouping,
    ) -> list[Any]:
        """Task ``task``'s result values from the per-image builder (or its error, located)."""
        start, stop = int(self.offsets[task]), int(self.offsets[task + 1])
        first = group.original_row(start)
        angle: Any = self.angle_given if self.angle_given is not None else angles[start:stop]
        geometry: dict[str, Any] = {
            self.center_arg: center[start:stop],
            self.radii_arg: radius[start:stop],
        }
        try:
            regions = self.control.ellipses(
                **geometry,
                angle_deg=angle,
                image_wh=(int(self.sizes[task, 0]), int(self.sizes[task, 1])),
                labels=self._labels_of(start, stop),
                scores=None if self.scores is None else self.scores[start:stop],
                ids=self.ids[start:stop],
                to_name=self.to_name,
            )
        except BuildError as error:
            raise at_task(
                error,
                task,
                f"{self.center_arg} rows from {first} on" if group.order is None else None,
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
        regions = control.ellipses(
            center_pct=[[50.0, 50.0]],
            radii_pct=[[10.0, 10.0]],
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
        xs, ys, rxs, rys, rots = self.values[first:last].T.tolist()
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
                else:
                    value = {
                        "x": xs[row],
                        "y": ys[row],
                        "radiusX": rxs[row],
                        "radiusY": rys[row],
                        "rotation": rots[row],
                    }
                    if names is not None:
                        value[key] = list(table[names[row]])  # type: ignore[index]
                result["value"] = value
                if scores is not None:
                    result["score"] = scores[row]
                append(result)
            out.append(result_list)
        return out


def _angle_rows(angle_deg: ArrayLike, rows: int) -> NDArray[np.float64]:
    """The angles as ``(rows,)`` floats: one number for every ellipse, or one each."""
    try:
        array = np.asarray(angle_deg, dtype=np.float64)
    except (TypeError, ValueError):
        raise BuildError(f"angle_deg must be numbers, got {type(angle_deg).__name__}") from None
    if array.ndim == 0:
        return np.full(rows, float(array))
    if array.size == 0:
        array = array.reshape(0)
    if array.shape != (rows,):
        raise BuildError(
            f"angle_deg must be one number or have shape ({rows},), one per ellipse, got shape "
            f"{array.shape}"
        )
    return array
