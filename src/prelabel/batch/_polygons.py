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
from ..tags.controls import Polygon, PolygonLabels
from ._labels import ClassNames
from ._part import ImagePart, ImageTemplates, RowOptions
from ._ragged import Grouping, whole_numbers
from ._rows import float_rows, image_sizes, part_labels

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


class PolygonPart(ImagePart):
    """One polygon control's results for every task of a batch, kept as columns."""

    control: PolygonControl

    def __init__(
        self,
        control: PolygonControl,
        tasks: int,
        *,
        arg: str,
        points: ArrayLike,
        point_counts: ArrayLike,
        image_wh: ArrayLike,
        label: str | Sequence[str] | None,
        labels: Sequence[str | Sequence[str]] | None,
        class_ids: ArrayLike | None,
        class_names: ClassNames | None,
        options: RowOptions,
        to_name: str | None,
        clip: bool,
    ) -> None:
        self.control = control
        self.label_key = control.value_key or "labels"
        self.arg = arg
        self.clip = clip
        self.to_name = to_name
        raw = float_rows(points, arg, 2, "vertex", rows="P")
        sides = _point_counts(point_counts, raw.shape[0], arg)
        found = part_labels(
            control,
            sides.shape[0],
            label=label,
            labels=labels,
            class_ids=class_ids,
            class_names=class_names,
            shapes="polygons",
            labeled_tag="PolygonLabels",
        )
        rows = self._arrange(
            tasks, sides.shape[0], found, options, what="polygon", plural="polygons"
        )
        if rows.keep is not None:  # a LabelMap dropped some classes
            raw, sides = raw[np.repeat(rows.keep, sides)], sides[rows.keep]
        self.sizes = image_sizes(image_wh, tasks)
        raw, sides = _in_task_order(raw, sides, rows.group)
        self.templates = ImageTemplates(self._first_template())
        units = arg.rsplit("_", 1)[1]
        starts = np.zeros(sides.shape[0] + 1, dtype=np.int64)
        np.cumsum(sides, out=starts[1:])
        task_of_row = rows.group.task_of_row
        with np.errstate(all="ignore"):
            self.pct, self.vertex_offsets, unusual = self._fast(
                raw, sides, starts, units, task_of_row
            )
        # Tasks with an unusual polygon: built by the per-image builder, which refuses them.
        self._by_builder(
            np.unique(task_of_row[unusual]).tolist(),
            rows.group,
            lambda task, start, stop: self._per_image(task, start, stop, raw, starts),
            lambda start, first: (
                f"polygons from {start} on, {self.arg} rows from {int(starts[start])} on"
            ),
        )

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
        start: int,
        stop: int,
        raw: NDArray[np.float64],
        starts: NDArray[np.int64],
    ) -> list[dict[str, Any]]:
        """Task ``task``'s result values from the per-image builder."""
        bounds = starts[start : stop + 1].tolist()
        rings = [raw[a:b] for a, b in itertools.pairwise(bounds)]
        given: dict[str, Any] = {self.arg: rings}
        regions = self.control.polygons(
            **given,
            **self._builder_options(task, start, stop),
            clip=self.clip,
        )
        return [region.result["value"] for region in regions]

    def _first_template(self) -> dict[str, Any]:
        """A result of this control made by its own builder: the keys, their order, the
        target; made now, so a call the builder refuses fails here."""
        regions = self.control.polygons(
            points_pct=[[[0.0, 0.0], [50.0, 0.0], [50.0, 50.0]]],
            image_wh=(100, 100),
            **self._template_options(),
        )
        return dict(regions[0].result)

    def _values(
        self, start: int, stop: int, first: int, last: int, labels: list[list[str]] | None
    ) -> list[dict[str, Any]]:
        corners = self.vertex_offsets[first : last + 1]
        vertices = self.pct[int(corners[0]) : int(corners[-1])].tolist()
        rings = itertools.pairwise((corners - corners[0]).tolist())
        if labels is None:
            return [{"points": vertices[a:b], "closed": True} for a, b in rings]
        key = self.label_key
        return [
            {"points": vertices[a:b], "closed": True, key: names}
            for (a, b), names in zip(rings, labels, strict=True)
        ]


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
