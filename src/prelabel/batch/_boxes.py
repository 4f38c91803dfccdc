"""Rectangles of a whole dataset, checked and converted to percent in a few array operations.

The numbers are the ones :meth:`RectangleLabels.boxes` gives for the same image: the same
arithmetic in the same order. A task with a box that is not ordinary (on or past an edge,
empty, inverted, NaN) is handed to that builder as it is, which clips it or explains what is
wrong, so the batch accepts and refuses exactly what the per-image builder does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

from .._lazy import lazy_module
from ..tags.controls import Rectangle, RectangleLabels
from ._labels import ClassNames
from ._part import ImagePart, ImageTemplates, RowOptions
from ._rows import float_rows, image_sizes, part_labels

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import ArrayLike, NDArray
else:
    np = lazy_module("numpy")

__all__ = ["BOX_ARGS", "BoxPart"]

BoxControl = RectangleLabels | Rectangle
Units = Literal["px", "norm", "pct"]

BOX_ARGS: dict[str, tuple[str, Units]] = {
    f"{fmt}_{units}": (fmt, units)
    for fmt in ("xyxy", "xywh", "cxcywh")
    for units in ("px", "norm", "pct")
}


class BoxPart(ImagePart):
    """One box control's results for every task of a batch, kept as columns."""

    control: BoxControl

    def __init__(
        self,
        control: BoxControl,
        tasks: int,
        *,
        arg: str,
        boxes: ArrayLike,
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
        raw = float_rows(boxes, arg, 4, "box")
        found = part_labels(
            control,
            raw.shape[0],
            label=label,
            labels=labels,
            class_ids=class_ids,
            class_names=class_names,
            shapes="boxes",
            labeled_tag="RectangleLabels",
        )
        rows = self._arrange(tasks, raw.shape[0], found, options, what="box", plural="boxes")
        self.sizes = image_sizes(image_wh, tasks)
        raw = rows.take(raw)
        self.templates = ImageTemplates(self._first_template())
        self.pct, unusual = _fast_pct(raw, *BOX_ARGS[arg], self.sizes, rows.group.task_of_row)
        # Tasks with an unusual box: built by the per-image builder, which clips or refuses.
        self._by_builder(
            np.unique(rows.group.task_of_row[unusual]).tolist(),
            rows.group,
            lambda task, start, stop: self._per_image(task, start, stop, raw),
            lambda start, first: f"{self.arg} rows from {first} on",
        )

    def _per_image(
        self, task: int, start: int, stop: int, raw: NDArray[np.float64]
    ) -> list[dict[str, Any]]:
        """Task ``task``'s result values from the per-image builder."""
        geometry: dict[str, Any] = {self.arg: raw[start:stop]}
        regions = self.control.boxes(
            **geometry,
            **self._builder_options(task, start, stop),
            clip=self.clip,
        )
        return [region.result["value"] for region in regions]

    def _first_template(self) -> dict[str, Any]:
        """A result of this control made by its own builder: the keys, their order, the
        target. Made now, so a call the builder refuses (no ``to_name`` for a control on two
        images) fails here and not when the tasks are written."""
        regions = self.control.boxes(
            xyxy_pct=[[0.0, 0.0, 50.0, 50.0]], image_wh=(100, 100), **self._template_options()
        )
        return dict(regions[0].result)

    def _values(
        self, start: int, stop: int, first: int, last: int, labels: list[list[str]] | None
    ) -> list[dict[str, Any]]:
        xs, ys, ws, hs = self.pct[first:last].T.tolist()
        if labels is None:
            return [
                {"x": x, "y": y, "width": w, "height": h, "rotation": 0.0}
                for x, y, w, h in zip(xs, ys, ws, hs, strict=True)
            ]
        key = self.label_key
        return [
            {"x": x, "y": y, "width": w, "height": h, "rotation": 0.0, key: names}
            for x, y, w, h, names in zip(xs, ys, ws, hs, labels, strict=True)
        ]


def _fast_pct(
    raw: NDArray[np.float64],
    fmt: str,
    units: Units,
    sizes: NDArray[np.int64],
    task_of_row: NDArray[np.int64],
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Percent ``x, y, width, height`` of every box, and which boxes are not ordinary.

    Ordinary: positive size, inside the image, and (in pixels) not within 1 px of the corner
    as 0-1 fractions would be. The arithmetic is the per-image builder's fast path, in the
    same order, so both give the same numbers.
    """
    a, b, c, d = raw.T
    if fmt == "xyxy":
        c, d = c - a, d - b
    elif fmt == "cxcywh":
        a, b = a - c / 2.0, b - d / 2.0
    if units == "px":
        fx = (100.0 / sizes[:, 0].astype(np.float64))[task_of_row]
        fy = (100.0 / sizes[:, 1].astype(np.float64))[task_of_row]
    else:
        fx = fy = np.float64(100.0 if units == "norm" else 1.0)  # type: ignore[assignment]
    pct = np.empty_like(raw)
    x = np.multiply(a, fx, out=pct[:, 0])
    y = np.multiply(b, fy, out=pct[:, 1])
    w = np.multiply(c, fx, out=pct[:, 2])
    h = np.multiply(d, fy, out=pct[:, 3])
    with np.errstate(invalid="ignore", over="ignore"):
        ordinary = (c > 0) & (d > 0) & (x >= 0.0) & (y >= 0.0)
        ordinary &= (x + w <= 100.0) & (y + h <= 100.0)
        if units == "px":
            ordinary &= ~((a + c <= 1.0) & (b + d <= 1.0))
    return pct, ~ordinary
