"""Keypoints of a whole dataset, checked and converted to percent in a few array operations.

The numbers are the ones :meth:`KeyPointLabels.points` gives for the same image: the same
arithmetic in the same order. A task with a point that is not ordinary (outside the image
without ``clip``, NaN, a width that is not a positive number or wider than the image, or px
points that all fit in 1 px) is handed to that builder as it is, which explains what is
wrong, so the batch accepts and refuses exactly what the per-image builder does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .._lazy import lazy_module
from ..builders.image._inputs import EDGE_TOLERANCE_PCT
from ..builders.image.keypoints import KEYPOINT_WIDTH_PCT
from ..errors import BuildError
from ..tags.controls import KeyPoint, KeyPointLabels
from ._labels import ClassNames
from ._part import ImagePart, ImageTemplates, RowOptions
from ._rows import float_rows, image_sizes, one_or_per_row, part_labels

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import ArrayLike, NDArray
else:
    np = lazy_module("numpy")

__all__ = ["POINT_ARGS", "KeyPointPart"]

KeyPointControl = KeyPointLabels | KeyPoint
POINT_ARGS = ("xy_px", "xy_norm", "xy_pct")


class KeyPointPart(ImagePart):
    """One keypoint control's results for every task of a batch, kept as columns."""

    control: KeyPointControl

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
        raw = float_rows(points, arg, 2, "point")
        count = raw.shape[0]
        if width_px is not None and width_pct is not None:
            raise BuildError("give the keypoint width once, as width_px= or width_pct=")
        self.width_name = "width_px" if width_px is not None else "width_pct"
        given = width_px if width_px is not None else width_pct
        widths = None if given is None else one_or_per_row(given, self.width_name, count, "point")
        self.width_given = given if given is not None and np.ndim(given) == 0 else None
        found = part_labels(
            control,
            count,
            label=label,
            labels=labels,
            class_ids=class_ids,
            class_names=class_names,
            shapes="keypoints",
            labeled_tag="KeyPointLabels",
        )
        rows = self._arrange(tasks, count, found, options, what="point", plural="points")
        self.sizes = image_sizes(image_wh, tasks)
        raw = rows.take(raw)
        self.width_rows = None if widths is None else rows.take(widths)
        self.templates = ImageTemplates(self._first_template())
        units = arg.rsplit("_", 1)[1]
        task_of_row = rows.group.task_of_row
        with np.errstate(all="ignore"):
            self.pct, self.widths, unusual = self._fast(raw, units, task_of_row)
        # Tasks with an unusual point: built by the per-image builder, which refuses them.
        self._by_builder(
            np.unique(task_of_row[unusual]).tolist(),
            rows.group,
            lambda task, start, stop: self._per_image(task, start, stop, raw),
            lambda start, first: f"{self.arg} rows from {first} on",
        )

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

    def _per_image(
        self, task: int, start: int, stop: int, raw: NDArray[np.float64]
    ) -> list[dict[str, Any]]:
        """Task ``task``'s result values from the per-image builder."""
        width: Any = self.width_given
        if width is None and self.width_rows is not None:
            width = self.width_rows[start:stop]
        sized: dict[str, Any] = {self.arg: raw[start:stop], self.width_name: width}
        regions = self.control.points(
            **sized,
            **self._builder_options(task, start, stop),
            clip=self.clip,
        )
        return [region.result["value"] for region in regions]

    def _first_template(self) -> dict[str, Any]:
        """A result of this control made by its own builder: the keys, their order, the
        target; made now, so a call the builder refuses fails here."""
        regions = self.control.points(
            xy_pct=[[50.0, 50.0]], image_wh=(100, 100), **self._template_options()
        )
        return dict(regions[0].result)

    def _values(
        self, start: int, stop: int, first: int, last: int, labels: list[list[str]] | None
    ) -> list[dict[str, Any]]:
        xs, ys = self.pct[first:last].T.tolist()
        widths = (
            [KEYPOINT_WIDTH_PCT] * (last - first)
            if self.widths is None
            else self.widths[first:last].tolist()
        )
        if labels is None:
            return [
                {"x": x, "y": y, "width": width} for x, y, width in zip(xs, ys, widths, strict=True)
            ]
        key = self.label_key
        return [
            {"x": x, "y": y, "width": width, key: names}
            for x, y, width, names in zip(xs, ys, widths, labels, strict=True)
        ]
