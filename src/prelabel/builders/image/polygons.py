"""``PolygonBuilder``: closed polygons."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ... import units as _u
from ..._lazy import lazy_module
from ...results import Region
from ._boxmath import _real_scalars
from ._calls import _resolve, _start
from ._inputs import ImageWH, Label, _pick_units
from ._points import _points_pct
from ._regions import _Batch, _emit, _ImageTool

if TYPE_CHECKING:
    import numpy as np

    from ._inputs import ArrayLike
else:
    np = lazy_module("numpy")

__all__ = ["PolygonBuilder"]


class PolygonBuilder(_ImageTool):
    """Builders of ``<PolygonLabels>`` and ``<Polygon>``: closed polygons of K >= 3 points.

    Points are ``(K, 2)`` ``x, y`` rows in ``points_px``, ``points_norm`` or ``points_pct``.
    A last point equal to the first is dropped (Label Studio closes the ring itself).
    """

    def polygon(
        self,
        *,
        points_px: ArrayLike | None = None,
        points_norm: ArrayLike | None = None,
        points_pct: ArrayLike | None = None,
        image_wh: ImageWH,
        label: Label | None = None,
        score: float | None = None,
        id: str | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
        to_name: str | None = None,
        item_index: int | None = None,
        clip: bool = False,
    ) -> Region:
        """One polygon as a region.

        Args:
            points_px, points_norm, points_pct: ``(K, 2)`` vertices, in exactly one unit.
            image_wh: ``(width, height)`` of the natural image in pixels.
            label: required by ``<PolygonLabels>``, refused by ``<Polygon>``.
            clip: move vertices outside the image onto its edge instead of refusing them.
            score, id, readonly, hidden, to_name, item_index: as in ``box()``.

        Raises:
            BuildError: wrong shape, fewer than 3 points, NaN, a point outside the image,
                zero area, or px points that all fit in 1 px (0-1 fractions).

        >>> from prelabel import LabelConfig, Polygon
        >>> config = LabelConfig.parse('<View><Image name="im" value="$im"/>'
        ...                            '<Polygon name="p" toName="im"/></View>')
        >>> poly = config.control("p", Polygon).polygon(
        ...     points_px=[[0, 0], [100, 0], [100, 50]], image_wh=(200, 100), id="p1")
        >>> poly.result["value"]
        {'points': [[0.0, 0.0], [50.0, 0.0], [50.0, 50.0]], 'closed': True}
        """
        arg, value, units = _pick_units("polygon", "points", (points_px, points_norm, points_pct))
        wh, template = _start(
            self, image_wh, to_name, item_index, score is not None, readonly, hidden
        )
        labels = _resolve(self, label)
        points = _fast_ring(value, units, wh)
        if points is None:
            points = _rings(value, arg, units, wh, clip, single=True)[0]
        return _emit(self, {"points": points, "closed": True}, labels, template, id, score)

    def polygons(
        self,
        *,
        points_px: Sequence[ArrayLike] | None = None,
        points_norm: Sequence[ArrayLike] | None = None,
        points_pct: Sequence[ArrayLike] | None = None,
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
        clip: bool = False,
    ) -> list[Region]:
        """N polygons as N regions; all points are converted and checked in one pass.

        Args:
            points_px, points_norm, points_pct: a list of ``N`` ``(K_i, 2)`` arrays (or one
                ``(N, K, 2)`` array), in exactly one unit.
            label / labels / class_ids + class_names, scores, ids: as in ``boxes()``.

        Raises:
            BuildError: as :meth:`polygon`, naming the polygon and point (``points_px[2][5]``).
        """
        arg, value, units = _pick_units("polygons", "points", (points_px, points_norm, points_pct))
        wh, template = _start(
            self, image_wh, to_name, item_index, scores is not None, readonly, hidden
        )
        rings = _rings(value, arg, units, wh, clip, single=False)
        batch = _Batch(
            self,
            len(rings),
            "polygon",
            template,
            label,
            labels,
            class_ids,
            class_names,
            scores,
            ids,
        )
        return batch.regions({"points": ring, "closed": True} for ring in rings)


def _fast_ring(value: Any, units: str, wh: tuple[int, int]) -> list[list[float]] | None:
    """Percent points of one ordinary polygon in plain Python (the numpy path's arithmetic, in
    its order), or None for the numpy path to decide and explain: anything but K >= 3 pairs
    of real numbers, a point on or outside an edge, 0-1 fractions in px, a thin ring."""
    if type(value) is np.ndarray:
        if value.ndim != 2 or value.shape[1:] != (2,) or value.dtype.kind not in "fiu":
            return None
        value = value.tolist()
    elif type(value) is not list and type(value) is not tuple:
        return None
    points: list[tuple[float, float]] = []
    for point in value:
        kind = type(point)
        if (kind is not list and kind is not tuple) or len(point) != 2:
            return None
        a, b = point
        if not (type(a) is float and type(b) is float):
            if not _real_scalars((a, b)):
                return None
            a, b = float(a), float(b)
        points.append((a, b))
    if len(points) > 3 and points[0] == points[-1]:
        points.pop()  # Label Studio closes the ring itself
    if len(points) < 3:
        return None
    width, height = wh
    if units == "px":
        if max(max(abs(a), abs(b)) for a, b in points) <= 1.0:
            return None
        rows = [[a / width * 100.0, b / height * 100.0] for a, b in points]
    else:
        scale = 100.0 if units == "norm" else 1.0
        rows = [[a * scale, b * scale] for a, b in points]
    # strictly inside: the edges (where numpy's clip decides the sign of zero) and NaN go there
    if not all(0.0 < x < 100.0 and 0.0 < y < 100.0 for x, y in rows):
        return None
    # twice the area (shoelace) in pixels; a ring near zero area is the numpy path's to judge
    ring = [(x * width / 100.0, y * height / 100.0) for x, y in rows]
    twice = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        twice += x0 * y1 - x1 * y0
    if not abs(twice) / 2.0 > 1e-6:
        return None
    return rows


def _rings(
    value: Any, name: str, units: _u.Units, wh: tuple[int, int], clip: bool, *, single: bool
) -> list[list[list[float]]]:
    """Checked percent rings of K >= 3 points, without a repeated closing point."""
    return _points_pct(
        value,
        name=name,
        units=units,
        wh=wh,
        clip=clip,
        single=single,
        what="polygon",
        close_duplicate=True,
        min_points=3,
        kind="a polygon",
    )
