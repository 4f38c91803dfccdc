"""``PolygonBuilder``: closed polygons."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ... import units as _u
from ...results import Region
from ._calls import _resolve, _start
from ._inputs import ImageWH, Label, _pick_units
from ._points import _points_pct
from ._regions import _Batch, _emit, _ImageTool

if TYPE_CHECKING:
    from ._inputs import ArrayLike

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
