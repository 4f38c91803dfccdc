"""``KeyPointBuilder``: keypoints with a drawn size."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

from ..._lazy import lazy_module
from ...errors import BuildError
from ...results import Region
from ._boxmath import _real_scalars
from ._calls import _image_call, _start
from ._inputs import ImageWH, Label, _floats, _per_row, _pick_units, _quiet
from ._points import _keypoints_pct
from ._regions import _Batch, _ImageTool, _one_region

if TYPE_CHECKING:
    import numpy as np

    from ... import units as _u
    from ._inputs import ArrayLike
else:
    np = lazy_module("numpy")

__all__ = ["KEYPOINT_WIDTH_PCT", "KeyPointBuilder"]

KEYPOINT_WIDTH_PCT = 0.5
"""Default keypoint ``width`` (the drawn radius), in percent of the image width."""

_POINT_GEOMETRY = ("x", "y", "width")


@_quiet
def _keypoint_widths(
    width_px: ArrayLike | None,
    width_pct: ArrayLike | None,
    count: int,
    wh: tuple[int, int],
    *,
    single: bool,
) -> list[float]:
    if width_px is not None and width_pct is not None:
        raise BuildError("give the keypoint width once, as width_px= or width_pct=")
    name = "width_px" if width_px is not None else "width_pct"
    given = width_px if width_px is not None else width_pct
    if given is None:
        return [KEYPOINT_WIDTH_PCT] * count
    array = _per_row(given, name, count, single=single, finite=False)
    bad = ~(np.isfinite(array) & (array > 0))
    if bad.any():
        index = int(np.flatnonzero(bad)[0])
        where = name if np.ndim(given) == 0 else f"{name}[{index}]"
        raise BuildError(f"{where} must be a positive number, got {array[index]:g}")
    pct = array / wh[0] * 100.0 if width_px is not None else array
    if (pct > 100.0).any():
        index = int(np.flatnonzero(pct > 100.0)[0])
        raise BuildError(f"{name} is wider than the image ({pct[index]:.4g}% of its width)")
    return cast("list[float]", pct.tolist())


def _fast_point(value: Any, units: str, wh: tuple[int, int]) -> tuple[float, float] | None:
    """Percent ``x, y`` of one ordinary point in plain Python (the numpy path's arithmetic,
    in its order), or None for the numpy path to decide and explain: anything but two real
    numbers, a point on or outside an edge, a px point within 1 px of the corner."""
    kind = type(value)
    if kind is list or kind is tuple:
        try:
            a, b = value
        except ValueError:  # not two numbers
            return None
    elif kind is np.ndarray:
        try:  # a model's row: one C call gives Python numbers
            a, b = value.tolist()
        except (TypeError, ValueError):  # not two numbers
            return None
        if not (type(a) is float and type(b) is float) and value.dtype.kind not in "fiu":
            return None
    else:
        return None
    if not (type(a) is float and type(b) is float):
        if not _real_scalars((a, b)):
            return None
        a, b = float(a), float(b)
    if units == "px":
        if abs(a) <= 1.0 and abs(b) <= 1.0:
            return None
        x, y = a / wh[0] * 100.0, b / wh[1] * 100.0
    elif units == "norm":
        x, y = a * 100.0, b * 100.0
    else:
        x, y = a * 1.0, b * 1.0
    # strictly inside: the edges (where numpy's clip decides the sign of zero) and NaN go there
    if 0.0 < x < 100.0 and 0.0 < y < 100.0:
        return x, y
    return None


class KeyPointBuilder(_ImageTool):
    """Builders of ``<KeyPointLabels>`` and ``<KeyPoint>``: points with a drawn size.

    Label Studio recognizes a keypoint by ``x``, ``y`` and ``width`` (the drawn radius, in
    percent of the image width) without ``height``; a point without ``width`` turns into an
    invisible classification. ``width`` defaults to :data:`KEYPOINT_WIDTH_PCT` (0.5 percent);
    set it with ``width_px=`` or ``width_pct=``.
    """

    def point(
        self,
        *,
        xy_px: ArrayLike | None = None,
        xy_norm: ArrayLike | None = None,
        xy_pct: ArrayLike | None = None,
        image_wh: ImageWH,
        width_px: float | None = None,
        width_pct: float | None = None,
        label: Label | None = None,
        score: float | None = None,
        id: str | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
        to_name: str | None = None,
        item_index: int | None = None,
        clip: bool = False,
    ) -> Region:
        """One keypoint as a region.

        Args:
            xy_px, xy_norm, xy_pct: ``(x, y)``, in exactly one unit.
            image_wh: ``(width, height)`` of the natural image in pixels.
            width_px, width_pct: the drawn radius; default 0.5 percent of the image width.
            label: required by ``<KeyPointLabels>``, refused by ``<KeyPoint>``.
            clip: move a point outside the image onto its edge instead of refusing it.

        Raises:
            BuildError: wrong shape, NaN, a point outside the image, a non-positive width, or
                a px point within 1 px of the corner (0-1 fractions).

        >>> from prelabel import LabelConfig, KeyPointLabels
        >>> config = LabelConfig.parse('<View><Image name="im" value="$im"/>'
        ...     '<KeyPointLabels name="kp" toName="im"><Label value="Nose"/></KeyPointLabels>'
        ...     '</View>')
        >>> config.control("kp", KeyPointLabels).point(
        ...     xy_px=(300, 100), image_wh=(600, 400), label="Nose").result["value"]
        {'x': 50.0, 'y': 25.0, 'width': 0.5, 'keypointlabels': ['Nose']}
        """
        if xy_px is not None and xy_norm is None and xy_pct is None:  # the usual call
            arg, value = "xy_px", xy_px
            units: _u.Units = "px"
        else:
            arg, value, units = _pick_units("point", "xy", (xy_px, xy_norm, xy_pct))
        wh, template, labels = _image_call(
            self, image_wh, label, score is not None, to_name, item_index, readonly, hidden
        )
        fast = _fast_point(value, units, wh) if width_px is None and width_pct is None else None
        if fast is not None:
            x, y = fast
            width = KEYPOINT_WIDTH_PCT
        else:
            raw = _floats(value, arg, (2,), single=True)
            pct = _keypoints_pct(raw, name=arg, units=units, wh=wh, clip=clip, single=True)
            width = _keypoint_widths(width_px, width_pct, 1, wh, single=True)[0]
            x, y = pct[0].tolist()
        shape: dict[str, Any] = {"x": x, "y": y, "width": width}
        if labels is not None:
            shape[cast(str, self.value_key)] = labels
        return _one_region(template, shape, id, score, _POINT_GEOMETRY)

    def points(
        self,
        *,
        xy_px: ArrayLike | None = None,
        xy_norm: ArrayLike | None = None,
        xy_pct: ArrayLike | None = None,
        image_wh: ImageWH,
        width_px: ArrayLike | None = None,
        width_pct: ArrayLike | None = None,
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
        """N keypoints as N regions (e.g. one pose: 17 points with 17 labels).

        Args:
            xy_px, xy_norm, xy_pct: ``(N, 2)`` points, in exactly one unit.
            width_px, width_pct: one number or ``(N,)``; default 0.5 percent.
            label / labels / class_ids + class_names, scores, ids: as in ``boxes()``.

        Raises:
            BuildError: as :meth:`point`; the check for 0-1 fractions in px looks at all N
                points together.
        """
        arg, value, units = _pick_units("points", "xy", (xy_px, xy_norm, xy_pct))
        wh, template = _start(
            self, image_wh, to_name, item_index, scores is not None, readonly, hidden
        )
        raw = _floats(value, arg, (2,), single=False)
        pct = _keypoints_pct(raw, name=arg, units=units, wh=wh, clip=clip, single=False)
        widths = _keypoint_widths(width_px, width_pct, raw.shape[0], wh, single=False)
        batch = _Batch(
            self,
            raw.shape[0],
            "point",
            template,
            label,
            labels,
            class_ids,
            class_names,
            scores,
            ids,
        )
        return batch.regions(
            {"x": x, "y": y, "width": width}
            for (x, y), width in zip(pct.tolist(), widths, strict=True)
        )
