"""``PolygonBuilder``: closed polygons."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

from ... import units as _u
from ..._lazy import lazy_module
from ...results import Region
from ._boxmath import _real_scalars
from ._calls import _image_call, _start
from ._inputs import ImageWH, Label, _pick_units
from ._points import _points_pct
from ._regions import _Batch, _ImageTool, _one_region

if TYPE_CHECKING:
    import numpy as np

    from ._inputs import ArrayLike
else:
    np = lazy_module("numpy")

__all__ = ["PolygonBuilder"]

_RING_GEOMETRY = ("points", "closed")


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
        if points_px is not None and points_norm is None and points_pct is None:  # usual call
            arg, value = "points_px", points_px
            units: _u.Units = "px"
        else:
            arg, value, units = _pick_units(
                "polygon", "points", (points_px, points_norm, points_pct)
            )
        wh, template, labels = _image_call(
            self, image_wh, label, score is not None, to_name, item_index, readonly, hidden
        )
        points = _fast_ring(value, units, wh)
        if points is None:
            points = _rings(value, arg, units, wh, clip, single=True)[0]
        shape: dict[str, Any] = {"points": points, "closed": True}
        if labels is not None:
            shape[cast(str, self.value_key)] = labels
        return _one_region(template, shape, id, score, _RING_GEOMETRY)

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
    width, height = wh
    px = units == "px"
    scale = 100.0 if units == "norm" else 1.0
    rows: list[list[float]] = []
    add = rows.append
    first: tuple[float, float] | None = None
    a = b = 0.0
    tiny = True  # px numbers that all fit in 1: 0-1 fractions (a NaN is refused below)
    for point in value:
        kind = type(point)
        if kind is not list and kind is not tuple:
            return None
        try:
            a, b = point
        except ValueError:  # not a pair
            return None
        if not (type(a) is float and type(b) is float):
            if not _real_scalars((a, b)):
                return None
            a, b = float(a), float(b)
        if px:
            x, y = a / width * 100.0, b / height * 100.0
            if tiny and not (-1.0 <= a <= 1.0 and -1.0 <= b <= 1.0):
                tiny = False
        else:
            x, y = a * scale, b * scale
        # strictly inside: the edges (where numpy's clip decides the sign of zero) and NaN
        # go there
        if not (0.0 < x < 100.0 and 0.0 < y < 100.0):
            return None
        if first is None:
            first = (a, b)
        add([x, y])
    if len(rows) > 3 and first == (a, b):
        rows.pop()  # Label Studio closes the ring itself
    if len(rows) < 3 or (px and tiny):
        return None
    # twice the area (shoelace) in pixels, summed in the ring's order from its first point;
    # a ring near zero area is the numpy path's to judge
    x, y = rows[0]
    first_x, first_y = x * width / 100.0, y * height / 100.0
    last_x, last_y = first_x, first_y
    twice = 0.0
    for index in range(1, len(rows)):
        x, y = rows[index]
        next_x, next_y = x * width / 100.0, y * height / 100.0
        twice += last_x * next_y - next_x * last_y
        last_x, last_y = next_x, next_y
    twice += last_x * first_y - first_x * last_y
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
