"""``EllipseBuilder``: centre, radii and rotation."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ... import units as _u
from ..._lazy import lazy_module
from ...errors import BuildError
from ...results import Region
from ._calls import _resolve, _start
from ._inputs import (
    EDGE_TOLERANCE_PCT,
    ImageWH,
    Label,
    _floats,
    _fmt,
    _loc,
    _per_row,
    _pick_units,
    _quiet,
    _unit_hint,
)
from ._points import _keypoints_pct
from ._regions import _Batch, _emit, _ImageTool

if TYPE_CHECKING:
    import numpy as np

    from ._inputs import ArrayLike
else:
    np = lazy_module("numpy")

__all__ = ["EllipseBuilder"]


class EllipseBuilder(_ImageTool):
    """Builders of ``<EllipseLabels>`` and ``<Ellipse>``: centre, radii and rotation.

    Label Studio stores the **centre** (``x``, ``y``), ``radiusX`` in percent of the image
    width and ``radiusY`` in percent of its height, and ``rotation`` in degrees clockwise
    about the centre. The centre must be inside the image; the ellipse may reach past the
    edges (the editor clips the drawing), but its validator refuses radii above 50 percent.
    """

    def ellipse(
        self,
        *,
        center_px: ArrayLike | None = None,
        center_norm: ArrayLike | None = None,
        center_pct: ArrayLike | None = None,
        radii_px: ArrayLike | None = None,
        radii_norm: ArrayLike | None = None,
        radii_pct: ArrayLike | None = None,
        angle_deg: float = 0.0,
        image_wh: ImageWH,
        label: Label | None = None,
        score: float | None = None,
        id: str | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
        to_name: str | None = None,
        item_index: int | None = None,
    ) -> Region:
        """One ellipse as a region.

        Args:
            center_px, center_norm, center_pct: ``(x, y)`` of the centre, in one unit.
            radii_px, radii_norm, radii_pct: ``(rx, ry)``, in one unit (``rx`` scaled by the
                image width, ``ry`` by its height).
            angle_deg: degrees clockwise on screen about the centre.

        >>> from prelabel import LabelConfig, Ellipse
        >>> config = LabelConfig.parse('<View><Image name="im" value="$im"/>'
        ...                            '<Ellipse name="e" toName="im"/></View>')
        >>> config.control("e", Ellipse).ellipse(center_px=(300, 200), radii_px=(60, 20),
        ...     image_wh=(600, 400)).result["value"]
        {'x': 50.0, 'y': 50.0, 'radiusX': 10.0, 'radiusY': 5.0, 'rotation': 0.0}
        """
        wh, template = _start(
            self, image_wh, to_name, item_index, score is not None, readonly, hidden
        )
        labels = _resolve(self, label)
        rows = _ellipses_pct(
            (center_px, center_norm, center_pct),
            (radii_px, radii_norm, radii_pct),
            angle_deg,
            wh=wh,
            single=True,
        )
        return _emit(self, rows[0], labels, template, id, score)

    def ellipses(
        self,
        *,
        center_px: ArrayLike | None = None,
        center_norm: ArrayLike | None = None,
        center_pct: ArrayLike | None = None,
        radii_px: ArrayLike | None = None,
        radii_norm: ArrayLike | None = None,
        radii_pct: ArrayLike | None = None,
        angle_deg: ArrayLike = 0.0,
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
    ) -> list[Region]:
        """N ellipses as N regions: centres and radii ``(N, 2)``, angles ``(N,)`` or one."""
        wh, template = _start(
            self, image_wh, to_name, item_index, scores is not None, readonly, hidden
        )
        rows = _ellipses_pct(
            (center_px, center_norm, center_pct),
            (radii_px, radii_norm, radii_pct),
            angle_deg,
            wh=wh,
            single=False,
        )
        batch = _Batch(
            self, len(rows), "ellipse", template, label, labels, class_ids, class_names, scores, ids
        )
        return batch.regions(rows)


@_quiet
def _ellipses_pct(
    centers: tuple[Any, Any, Any],
    radii: tuple[Any, Any, Any],
    angle_deg: ArrayLike,
    *,
    wh: tuple[int, int],
    single: bool,
) -> list[dict[str, Any]]:
    c_arg, c_value, c_units = _pick_units("centre", "center", centers)
    r_arg, r_value, r_units = _pick_units("radii", "radii", radii)
    center = _floats(c_value, c_arg, (2,), single=single)
    radius = _floats(r_value, r_arg, (2,), single=single)
    if center.shape[0] != radius.shape[0]:
        raise BuildError(f"{c_arg} has {center.shape[0]} rows but {r_arg} has {radius.shape[0]}")
    count = center.shape[0]
    angles = _per_row(angle_deg, "angle_deg", count, single=single)
    centre_pct = _keypoints_pct(center, name=c_arg, units=c_units, wh=wh, clip=None, single=single)
    bad = ~(radius > 0).all(axis=1)
    if bad.any():
        index = int(np.flatnonzero(bad)[0])
        raise BuildError(
            f"{_loc(r_arg, None if single else index)}={_fmt(radius[index])} must be positive"
        )
    radius_pct = _u.points_to_percent(radius, units=r_units, image_wh=wh)
    too_big = (radius_pct > 50.0 + EDGE_TOLERANCE_PCT).any(axis=1)
    if too_big.any():
        index = int(np.flatnonzero(too_big)[0])
        hint = _unit_hint(r_arg, r_units, radius[index])
        raise BuildError(
            f"{_loc(r_arg, None if single else index)}={_fmt(radius[index])} is "
            f"{radius_pct[index].max():.4g}% of the image; Label Studio's validator accepts "
            f"radii up to 50%{hint}"
        )
    radius_pct = np.minimum(radius_pct, 50.0)
    rotation = _u._ls_rotation(np.array(angles, dtype=np.float64))
    return [
        {"x": x, "y": y, "radiusX": rx, "radiusY": ry, "rotation": rot}
        for (x, y), (rx, ry), rot in zip(
            centre_pct.tolist(), radius_pct.tolist(), rotation.tolist(), strict=True
        )
    ]
