"""``VectorBuilder``: paths of vertices linked by ``prevPointId``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ... import units as _u
from ...results import Region
from .._common import check_id
from ._calls import _resolve, _start
from ._inputs import ImageWH, Label, _pick_units
from ._points import _points_pct
from ._regions import _Batch, _emit, _fresh_id, _ImageTool

if TYPE_CHECKING:
    from ._inputs import ArrayLike

__all__ = ["VectorBuilder"]


class VectorBuilder(_ImageTool):
    """Builders of ``<VectorLabels>`` and ``<Vector>``: paths of K >= 2 vertices.

    Each vertex gets an ``id`` (``<region id>_<index>``) and points back to the previous one
    with ``prevPointId``. The path is closed exactly when the control has ``closable="true"``
    (Label Studio counts an open path on a closable control as unfinished and blocks
    submission); ``minPoints`` and ``maxPoints`` are enforced. Bezier handles are not written.
    """

    def vector(
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
        """One vector path as a region.

        Args:
            points_px, points_norm, points_pct: ``(K, 2)`` vertices in path order.
            image_wh, label, score, id, readonly, hidden, to_name, item_index, clip: as in
                ``polygon()``.

        >>> from prelabel import LabelConfig, Vector
        >>> config = LabelConfig.parse('<View><Image name="im" value="$im"/>'
        ...                            '<Vector name="v" toName="im"/></View>')
        >>> config.control("v", Vector).vector(points_pct=[[10, 10], [40, 12]],
        ...     image_wh=(100, 100), id="v1").result["value"]  # doctest: +NORMALIZE_WHITESPACE
        {'vertices': [{'id': 'v1_0', 'x': 10.0, 'y': 10.0},
                      {'id': 'v1_1', 'x': 40.0, 'y': 12.0, 'prevPointId': 'v1_0'}],
         'closed': False}
        """
        arg, value, units = _pick_units("vector", "points", (points_px, points_norm, points_pct))
        wh, template = _start(
            self, image_wh, to_name, item_index, score is not None, readonly, hidden
        )
        labels = _resolve(self, label)
        path = self._paths(value, arg, units, wh, clip, single=True)[0]
        region_id = _fresh_id() if id is None else check_id(id)
        return _emit(
            self,
            {"vertices": _vertices(region_id, path), "closed": self._closed},
            labels,
            template,
            region_id,
            score,
        )

    def vectors(
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
        """N vector paths as N regions (e.g. lane lines), converted in one pass."""
        arg, value, units = _pick_units("vectors", "points", (points_px, points_norm, points_pct))
        wh, template = _start(
            self, image_wh, to_name, item_index, scores is not None, readonly, hidden
        )
        paths = self._paths(value, arg, units, wh, clip, single=False)
        batch = _Batch(
            self, len(paths), "vector", template, label, labels, class_ids, class_names, scores, ids
        )
        closed = self._closed
        return batch.regions(
            {"vertices": _vertices(region_id, path), "closed": closed}
            for region_id, path in zip(batch.ids, paths, strict=True)
        )

    @property
    def _closed(self) -> bool:
        return bool(getattr(self, "closable", False))

    def _paths(
        self,
        value: Any,
        name: str,
        units: _u.Units,
        wh: tuple[int, int],
        clip: bool,
        *,
        single: bool,
    ) -> list[list[list[float]]]:
        min_points = max(2, getattr(self, "min_points", None) or 0)
        return _points_pct(
            value,
            name=name,
            units=units,
            wh=wh,
            clip=clip,
            single=single,
            what="vector",
            close_duplicate=self._closed,
            min_points=min_points,
            kind=f"a path of <{self.tag} name={self.name!r}>",
            max_points=getattr(self, "max_points", None),
        )


def _vertices(region_id: str, path: list[list[float]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    previous = None
    for index, (x, y) in enumerate(path):
        vertex_id = f"{region_id}_{index}"
        vertex: dict[str, Any] = {"id": vertex_id, "x": x, "y": y}
        if previous is not None:
            vertex["prevPointId"] = previous
        out.append(vertex)
        previous = vertex_id
    return out
