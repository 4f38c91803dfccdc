"""Polygons of a whole dataset: every vertex checked and converted to percent in a few array
operations.

The vertices of all polygons come as one ``(P, 2)`` array and ``point_counts`` says how many
each polygon has. The numbers are the ones :meth:`PolygonLabels.polygons` gives for the same
image: a last vertex equal to the first is dropped (of a polygon of 4 or more), and the
percent arithmetic is the builder's, in the same order. A task with a polygon that is not
ordinary (under 3 vertices, NaN, a vertex outside the image without ``clip``, px vertices
that all fit in 1 px, no area) is handed to that builder as it is, which explains what is
wrong, so the batch accepts and refuses exactly what the per-image builder does.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .._lazy import lazy_module
from ..builders.image._inputs import EDGE_TOLERANCE_PCT
from ..errors import BuildError
from ..ids import new_ids
from ..tags.controls import LabelingControl, Polygon, PolygonLabels
from ._labels import ClassNames
from ._ragged import Grouping, group_rows, whole_numbers
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

__all__ = ["POLYGON_ARGS", "PolygonPart"]

PolygonControl = PolygonLabels | Polygon
POLYGON_ARGS = ("points_px", "points_norm", "points_pct")

# Twice this area (in square pixels) and less is left to the builder, which refuses a polygon
# of no area (1e-9): far above the rounding by which two summation orders can differ.
_SURE_AREA = 1e-6


class PolygonPart:
    """One polygon control's results for every task of a batch, kept as columns."""

    def __init__(
        self,
        control: PolygonControl,
        tasks: int,
        *,
        arg: str,
        points: ArrayLike,
        point_counts: ArrayLike,
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
        self.to_name = to_name
        raw = float_rows(points, arg, 2, "vertex", rows="P")
        sides = _point_counts(point_counts, raw.shape[0], arg)
        rows = sides.shape[0]
        found = part_labels(
            control,
            rows,
            label=label,
            labels=labels,
            class_ids=class_ids,
            class_names=class_names,
            shapes="polygons",
            labeled_tag="PolygonLabels",
        )
        score_rows = row_scores(scores, rows, "polygon")
        keep, score_rows, task_index, counts = drop_unmapped(
            found, tasks, score_rows, task_index, counts, what="polygon", plural="polygons"
        )
        if keep is not None:  # a LabelMap dropped some classes
            raw = raw[np.repeat(keep, sides)]
            sides, rows = sides[keep], int(keep.sum())
        group = group_rows(
            tasks,
            rows,
            task_index=task_index,
            counts=counts,
            what="polygon",
            source=dropped_source(found),
        )
        self.offsets = group.offsets
        self.sizes = image_sizes(image_wh, tasks)
        raw, sides = _in_task_order(raw, sides, group)
        self.label_table = None if found is None else found.table
        self.label_index = None if found is None else group.take(found.index)
        self.scores = None if score_rows is None else group.take(score_rows)
        self.ids = new_ids(rows)
        self.templates = ImageTemplates(self._first_template())
        units = arg.rsplit("_", 1)[1]
        starts = np.zeros(rows + 1, dtype=np.int64)
        np.cumsum(sides, out=starts[1:])
        with np.errstate(all="ignore"):
            self.pct, self.vertex_offsets, unusual = self._fast(
                raw, sides, starts, units, group.task_of_row
            )
        # Tasks with an unusual polygon: built by the per-image builder, which refuses them.
        self.overrides: dict[int, list[dict[str, Any]]] = {}
        for task in np.unique(group.task_of_row[unusual]).tolist():
            self.overrides[task] = self._per_image(task, raw, starts, group)

    @property
    def count(self) -> int:
        """How many polygons the part holds."""
        return len(self.ids)

    def _fast(
        self,
        raw: NDArray[np.float64],
        sides: NDArray[np.int64],
        starts: NDArray[np.int64],
        units: str,
        task_of_row: NDArray[np.int64],
    ) -> tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.bool_]]:
        """Percent vertices of every polygon without a closing repeat, where each polygon's
        vertices start, and which polygons are not ordinary; the builder's arithmetic."""
        rows = sides.shape[0]
        # A last vertex equal to the first is dropped (Label Studio closes the ring itself).
        long = np.flatnonzero(sides > 3)
        repeat = long[(raw[starts[long]] == raw[starts[long + 1] - 1]).all(axis=1)]
        keep = np.ones(raw.shape[0], dtype=np.bool_)
        keep[starts[repeat + 1] - 1] = False
        sides = sides.copy()
        sides[repeat] -= 1
        raw = raw[keep]
        ends = np.cumsum(sides)
        starts = ends - sides
        owner = np.repeat(np.arange(rows), sides)
        size = self.sizes.astype(np.float64)[task_of_row[owner]]
        scale = 100.0 if units == "norm" else 1.0
        pct = raw / size * 100.0 if units == "px" else raw * scale
        low, high = -EDGE_TOLERANCE_PCT, 100.0 + EDGE_TOLERANCE_PCT
        bad_vertex = ~np.isfinite(raw).all(axis=1)
        if not self.clip:
            bad_vertex |= ((pct < low) | (pct > high)).any(axis=1)
        unusual = sides < 3
        unusual[owner[bad_vertex]] = True
        pct = np.clip(pct, 0.0, 100.0)
        ring = np.flatnonzero(~unusual)
        if ring.size:
            # Only polygons of 3 or more finite vertices from here on: no empty segments.
            on_ring = ~unusual[owner]
            ring_sides = sides[ring]
            ring_starts = np.cumsum(ring_sides) - ring_sides
            if units == "px":
                biggest = np.maximum.reduceat(np.abs(raw[on_ring]).max(axis=1), ring_starts)
                unusual[ring[biggest <= 1.0]] = True
            # Twice the signed area of each ring (shoelace), as the builder sums it.
            px = pct[on_ring] * size[on_ring] / 100.0
            following = np.arange(px.shape[0]) + 1
            following[ring_starts + ring_sides - 1] = ring_starts
            cross = px[:, 0] * px[following, 1] - px[following, 0] * px[:, 1]
            area = np.abs(np.add.reduceat(cross, ring_starts)) / 2.0
            unusual[ring[~(area > _SURE_AREA)]] = True
        offsets = np.zeros(rows + 1, dtype=np.int64)
        offsets[1:] = ends
        return pct, offsets, unusual

    def _per_image(
        self,
        task: int,
        raw: NDArray[np.float64],
        starts: NDArray[np.int64],
        group: Grouping,
    ) -> list[Any]:
        """Task ``task``'s result values from the per-image builder (or its error, located)."""
        start, stop = int(self.offsets[task]), int(self.offsets[task + 1])
        bounds = starts[start : stop + 1].tolist()
        rings = [raw[a:b] for a, b in itertools.pairwise(bounds)]
        given: dict[str, Any] = {self.arg: rings}
        try:
            regions = self.control.polygons(
                **given,
                image_wh=(int(self.sizes[task, 0]), int(self.sizes[task, 1])),
                labels=self._labels_of(start, stop),
                scores=None if self.scores is None else self.scores[start:stop],
                ids=self.ids[start:stop],
                to_name=self.to_name,
                clip=self.clip,
            )
        except BuildError as error:
            raise at_task(
                error,
                task,
                f"polygons from {start} on, {self.arg} rows from {bounds[0]} on"
                if group.order is None
                else None,
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
        regions = control.polygons(
            points_pct=[[[0.0, 0.0], [50.0, 0.0], [50.0, 50.0]]],
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
        corners = self.vertex_offsets[first : last + 1]
        vertices = self.pct[int(corners[0]) : int(corners[-1])].tolist()
        corner = (corners - corners[0]).tolist()
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
                    value["points"] = [list(point) for point in value["points"]]
                    if key in value:
                        value[key] = list(value[key])
                else:
                    value = {"points": vertices[corner[row] : corner[row + 1]], "closed": True}
                    if names is not None:
                        value[key] = list(table[names[row]])  # type: ignore[index]
                result["value"] = value
                if scores is not None:
                    result["score"] = scores[row]
                append(result)
            out.append(result_list)
        return out


def _point_counts(point_counts: ArrayLike, vertices: int, arg: str) -> NDArray[np.int64]:
    """``(M,)`` vertices per polygon, adding up to the ``vertices`` given."""
    shape = np.shape(point_counts)
    if len(shape) != 1:
        raise BuildError(
            f"point_counts must have shape (M,), the number of vertices of each polygon, got "
            f"{shape}"
        )
    sides = whole_numbers(point_counts, "point_counts", shape)
    if sides.size and sides.min() < 0:
        bad = int(np.flatnonzero(sides < 0)[0])
        raise BuildError(f"point_counts[{bad}] = {sides[bad]} is negative")
    total = int(sides.sum())
    if total != vertices:
        raise BuildError(
            f"point_counts add up to {total}, but {arg} has {vertices} vertices; give every "
            "polygon's vertices one after another, and how many each has"
        )
    return sides


def _in_task_order(
    raw: NDArray[np.float64], sides: NDArray[np.int64], group: Grouping
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """The vertices and ``point_counts`` with the polygons in task order."""
    if group.order is None:
        return raw, sides
    starts = np.cumsum(sides) - sides
    moved = sides[group.order]
    new_starts = np.cumsum(moved) - moved
    vertex_order = np.repeat(starts[group.order] - new_starts, moved) + np.arange(raw.shape[0])
    return raw[vertex_order], moved
