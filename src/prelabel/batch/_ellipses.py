"""Ellipses of a whole dataset, checked and converted to percent in a few array operations.

The numbers are the ones :meth:`EllipseLabels.ellipses` gives for the same image: the same
arithmetic in the same order. A task with an ellipse that is not ordinary (a centre outside
the image, px centres that all fit in 1 px, a radius that is not positive or is above 50
percent, NaN) is handed to that builder as it is, which explains what is wrong, so the batch
accepts and refuses exactly what the per-image builder does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .._lazy import lazy_module
from ..builders.image._inputs import EDGE_TOLERANCE_PCT
from ..errors import BuildError
from ..tags.controls import Ellipse, EllipseLabels
from ..units import _ls_rotation
from ._labels import ClassNames
from ._part import ImagePart, ImageTemplates, RowOptions
from ._rows import float_rows, image_sizes, one_or_per_row, part_labels

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import ArrayLike, NDArray
else:
    np = lazy_module("numpy")

__all__ = ["CENTER_ARGS", "RADII_ARGS", "EllipsePart"]

EllipseControl = EllipseLabels | Ellipse
CENTER_ARGS = ("center_px", "center_norm", "center_pct")
RADII_ARGS = ("radii_px", "radii_norm", "radii_pct")


class EllipsePart(ImagePart):
    """One ellipse control's results for every task of a batch, kept as columns."""

    control: EllipseControl

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
        label: str | Sequence[str] | None,
        labels: Sequence[str | Sequence[str]] | None,
        class_ids: ArrayLike | None,
        class_names: ClassNames | None,
        options: RowOptions,
        to_name: str | None,
    ) -> None:
        self.control = control
        self.label_key = control.value_key or "labels"
        self.center_arg = center_arg
        self.radii_arg = radii_arg
        self.to_name = to_name
        center = float_rows(centers, center_arg, 2, "ellipse")
        radius = float_rows(radii, radii_arg, 2, "ellipse")
        count = center.shape[0]
        if radius.shape[0] != count:
            raise BuildError(f"{center_arg} has {count} rows but {radii_arg} has {radius.shape[0]}")
        angles = one_or_per_row(angle_deg, "angle_deg", count, "ellipse")
        self.angle_given = angle_deg if np.ndim(angle_deg) == 0 else None
        found = part_labels(
            control,
            count,
            label=label,
            labels=labels,
            class_ids=class_ids,
            class_names=class_names,
            shapes="ellipses",
            labeled_tag="EllipseLabels",
        )
        rows = self._arrange(tasks, count, found, options, what="ellipse", plural="ellipses")
        self.sizes = image_sizes(image_wh, tasks)
        center, radius, angles = rows.take(center), rows.take(radius), rows.take(angles)
        self.templates = ImageTemplates(self._first_template())
        task_of_row = rows.group.task_of_row
        with np.errstate(all="ignore"):
            self.values, unusual = self._fast(center, radius, angles, task_of_row)
        # Tasks with an unusual ellipse: built by the per-image builder, which refuses them.
        self._by_builder(
            np.unique(task_of_row[unusual]).tolist(),
            rows.group,
            lambda task, start, stop: self._per_image(task, start, stop, center, radius, angles),
            lambda start, first: f"{self.center_arg} rows from {first} on",
        )

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
        start: int,
        stop: int,
        center: NDArray[np.float64],
        radius: NDArray[np.float64],
        angles: NDArray[np.float64],
    ) -> list[dict[str, Any]]:
        """Task ``task``'s result values from the per-image builder."""
        angle: Any = self.angle_given if self.angle_given is not None else angles[start:stop]
        geometry: dict[str, Any] = {
            self.center_arg: center[start:stop],
            self.radii_arg: radius[start:stop],
        }
        regions = self.control.ellipses(
            **geometry,
            angle_deg=angle,
            **self._builder_options(task, start, stop),
        )
        return [region.result["value"] for region in regions]

    def _first_template(self) -> dict[str, Any]:
        """A result of this control made by its own builder: the keys, their order, the
        target; made now, so a call the builder refuses fails here."""
        regions = self.control.ellipses(
            center_pct=[[50.0, 50.0]],
            radii_pct=[[10.0, 10.0]],
            image_wh=(100, 100),
            **self._template_options(),
        )
        return dict(regions[0].result)

    def _values(
        self, start: int, stop: int, first: int, last: int, labels: list[list[str]] | None
    ) -> list[dict[str, Any]]:
        columns = self.values[first:last].T.tolist()
        if labels is None:
            return [
                {"x": x, "y": y, "radiusX": rx, "radiusY": ry, "rotation": turn}
                for x, y, rx, ry, turn in zip(*columns, strict=True)
            ]
        key = self.label_key
        return [
            {"x": x, "y": y, "radiusX": rx, "radiusY": ry, "rotation": turn, key: names}
            for x, y, rx, ry, turn, names in zip(*columns, labels, strict=True)
        ]
