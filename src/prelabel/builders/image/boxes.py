"""``RectangleBuilder``: boxes, one or a batch, axis-aligned or rotated."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..._lazy import lazy_module
from ...errors import BuildError
from ...ids import _factory, _pool, _secure_id
from ...results import Region
from .._common import check_id, plain_score
from ._boxmath import (
    _AXIS_ARGS,
    _BOX_ARGS,
    _BOX_CODES,
    _BOX_GEOMETRY,
    _BOX_KEYWORDS,
    _CORNER_ARGS,
    _NO_BOX,
    _boxes_pct,
    _fast_box_values,
    _fast_corners,
    _real_floats,
    _row_floats,
    _small_float_boxes,
)
from ._calls import _lane, _memo, _memos, _resolve_memo, _start
from ._inputs import ImageWH, Label, _one_given, _pick
from ._regions import _Batch, _fresh_id, _ImageTool, _new_region

if TYPE_CHECKING:
    import numpy as np

    from ._inputs import ArrayLike
else:
    np = lazy_module("numpy")

__all__ = ["RectangleBuilder"]

_pool_pop, _id_factory = _pool.pop, _factory.get


class _NotMet:
    """Stands for numpy's array type until an array is met (importing prelabel imports no
    numpy)."""


_ndarray: type = _NotMet


def _is_ndarray(kind: type) -> bool:
    """``kind is numpy.ndarray``; remembered in ``_ndarray`` for box()'s next calls."""
    global _ndarray
    if kind is np.ndarray:
        _ndarray = kind
        return True
    return False


class RectangleBuilder(_ImageTool):
    """Builders of ``<RectangleLabels>`` and ``<Rectangle>``: boxes, axis-aligned or rotated.

    Give a box in exactly one of these forms (``*`` is ``px``, ``norm`` or ``pct``):

    * ``xyxy_*``: ``(x1, y1, x2, y2)``, top-left then bottom-right corner;
    * ``xywh_*``: ``(x, y, width, height)``, top-left corner and size;
    * ``cxcywh_*``: ``(centre x, centre y, width, height)``; with ``angle_deg=`` the box is
      turned about its centre, clockwise on screen;
    * ``corners_*``: the four corners of an oriented box, in order around it.
    """

    def box(
        self,
        *,
        xyxy_px: ArrayLike | None = None,
        xyxy_norm: ArrayLike | None = None,
        xyxy_pct: ArrayLike | None = None,
        xywh_px: ArrayLike | None = None,
        xywh_norm: ArrayLike | None = None,
        xywh_pct: ArrayLike | None = None,
        cxcywh_px: ArrayLike | None = None,
        cxcywh_norm: ArrayLike | None = None,
        cxcywh_pct: ArrayLike | None = None,
        corners_px: ArrayLike | None = None,
        corners_norm: ArrayLike | None = None,
        corners_pct: ArrayLike | None = None,
        angle_deg: float | None = None,
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
        """One box as a region, in Label Studio percent.

        Args:
            xyxy_px ... corners_pct: the box, in exactly one format and unit (see the class).
                ``corners_*`` has shape ``(4, 2)``; the others ``(4,)``.
            angle_deg: with ``cxcywh_*`` only: degrees clockwise on screen about the centre.
            image_wh: ``(width, height)`` of the natural image in pixels.
            label: the label (or labels, with ``choice="multiple"``); required by
                ``<RectangleLabels>``, refused by ``<Rectangle>``.
            score: confidence in [0, 1], stored on the result.
            id: the region id; a fresh one by default.
            readonly: make the region read-only in the editor.
            hidden: start the region hidden.
            to_name: the image, when the control points at several.
            item_index: the image's 0-based index, for ``<Image valueList=...>``.
            clip: clip an axis-aligned box to the image instead of refusing it.

        Raises:
            BuildError: a box of the wrong shape, not finite, inverted, empty, outside the
                image (unless ``clip``), or a px box that looks like 0-1 fractions.
            LabelError: a label the control does not define.

        Rotated boxes come out in their closest-to-upright description (rotation within 45
        degrees of 0, width and height swapped when needed): the same box on screen.
        """
        # "a is b is ... is None" holds only when all of them are None: the usual call, xyxy_px=
        # alone, is told apart without building a tuple or looping.
        if (
            xyxy_px is not None
            and xyxy_norm is xyxy_pct is xywh_px is xywh_norm is xywh_pct is None
            and cxcywh_px is cxcywh_norm is cxcywh_pct is corners_px is None
            and corners_norm is corners_pct is None
        ):
            index, arg = 0, "xyxy_px"
            value: Any = xyxy_px
        else:
            given = (
                xyxy_px,
                xyxy_norm,
                xyxy_pct,
                xywh_px,
                xywh_norm,
                xywh_pct,
                cxcywh_px,
                cxcywh_norm,
                cxcywh_pct,
                corners_px,
                corners_norm,
                corners_pct,
            )
            index = _one_given(given)
            if index < 0:
                _pick("box", tuple(zip(_BOX_KEYWORDS, given, strict=True)))  # raises
            arg, value = _BOX_KEYWORDS[index], given[index]
        # _image_call(), inlined: the usual call is two lookups
        memo = _memos.get(self)  # keyed by the control itself (tags hash by identity)
        if memo is None:
            memo = _memo(self)
        lane = None
        usual = (
            type(image_wh) is tuple
            and to_name is None
            and item_index is None
            and readonly is None
            and hidden is None
        )
        if usual:
            try:
                lane = memo.lanes[score is None].get(image_wh)  # as _lane keeps them
            except TypeError:  # unhashable: _start refuses it
                lane = None
        if lane is None:
            scored = score is not None
            lane = _lane(self, image_wh, to_name, item_index, scored, readonly, hidden, memo, usual)
        wh, template, fx, fy, key = lane
        found = memo.labels.get(label) if type(label) is str else None
        labels = [*found] if found is not None else _resolve_memo(self, label, memo)
        fast = False
        if angle_deg is None and index < _AXIS_ARGS:
            # Every natural form of one box, in plain Python: the numpy path's arithmetic and
            # checks in the same order, so both give the same numbers; anything not accepted
            # here goes there to be decided and explained. (One statement per number: a
            # tuple assignment of four builds and unpacks a tuple.)
            kind = type(value)
            if kind is list or kind is tuple:
                try:
                    a, b, c, d = value
                except ValueError:  # not four numbers
                    a = None
                else:
                    if not type(a) is type(b) is type(c) is type(d) is float:
                        a, b, c, d = _real_floats(value) or _NO_BOX
            elif kind is _ndarray or _is_ndarray(kind):
                try:  # a model's row: one C call gives Python numbers
                    a, b, c, d = row = value.tolist()
                except (TypeError, ValueError):  # not four numbers
                    a = None
                else:
                    if not type(a) is type(b) is type(c) is type(d) is float:
                        a, b, c, d = _row_floats(value, row) or _NO_BOX
            else:
                a = None
            if a is None:
                pass
            elif index == 0:  # xyxy_px, the usual call
                c = c - a
                d = d - b
                x = a * fx  # fx = 100 / width, as in _margins
                y = b * fy
                w = c * fx
                h = d * fy
                # NaN fails every comparison and infinity the sums; the last line refuses a
                # box with every corner within 1 px of the origin (0-1 fractions).
                fast = (
                    c > 0.0
                    and d > 0.0
                    and x >= 0.0
                    and y >= 0.0
                    and x + w <= 100.0
                    and y + h <= 100.0
                    and (a + c > 1.0 or b + d > 1.0)
                )
            else:
                fmt, units = _BOX_CODES[index]
                if fmt == 0:
                    c = c - a
                    d = d - b
                elif fmt == 2:
                    a = a - c / 2.0
                    b = b - d / 2.0
                if units == 0:
                    x = a * fx
                    y = b * fy
                    w = c * fx
                    h = d * fy
                    fast = a + c > 1.0 or b + d > 1.0
                elif units == 1:
                    x = a * 100.0
                    y = b * 100.0
                    w = c * 100.0
                    h = d * 100.0
                    fast = True
                else:
                    x, y, w, h = a, b, c, d
                    fast = True
                fast = (
                    fast
                    and c > 0.0
                    and d > 0.0
                    and x >= 0.0
                    and y >= 0.0
                    and x + w <= 100.0
                    and y + h <= 100.0
                )
            rotation = 0.0
        elif index >= _AXIS_ARGS and angle_deg is None and not clip:
            turned = _fast_corners(value, _CORNER_ARGS[arg], wh)
            if turned is not None:
                x, y, w, h, rotation = turned
                fast = True
        if not fast:
            row = _boxes_pct(arg, value, angle_deg, wh=wh, clip=clip, single=True)[0].tolist()
            x, y, w, h = row[:4]
            rotation = row[4] if len(row) == 5 else 0.0
        result = template.copy()  # _one_region(), inlined
        if id is None:
            try:  # new_id(), inlined
                region_id = _pool_pop() if _id_factory() is _secure_id else _fresh_id()
            except IndexError:
                region_id = _fresh_id()
        else:
            region_id = check_id(id)
        result["id"] = region_id
        if labels is None:
            result["value"] = {"x": x, "y": y, "width": w, "height": h, "rotation": rotation}
        else:
            result["value"] = {
                "x": x,
                "y": y,
                "width": w,
                "height": h,
                "rotation": rotation,
                key: labels,
            }
        if score is not None:
            if type(score) is not float or not 0.0 <= score <= 1.0:
                score = plain_score(score)
            result["score"] = score
        region = _new_region(Region)
        region.results = [result]  # type: ignore[list-item]
        region.id = region_id
        region.to_name = template["to_name"]
        region._geometry = _BOX_GEOMETRY
        return region

    def boxes(
        self,
        *,
        xyxy_px: ArrayLike | None = None,
        xyxy_norm: ArrayLike | None = None,
        xyxy_pct: ArrayLike | None = None,
        xywh_px: ArrayLike | None = None,
        xywh_norm: ArrayLike | None = None,
        xywh_pct: ArrayLike | None = None,
        cxcywh_px: ArrayLike | None = None,
        cxcywh_norm: ArrayLike | None = None,
        cxcywh_pct: ArrayLike | None = None,
        corners_px: ArrayLike | None = None,
        corners_norm: ArrayLike | None = None,
        corners_pct: ArrayLike | None = None,
        angle_deg: ArrayLike | None = None,
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
        """N boxes as N regions in one vectorized pass (a detector's output for one image).

        Args:
            xyxy_px ... corners_pct: ``(N, 4)`` boxes (``(N, 4, 2)`` for ``corners_*``) in
                exactly one format and unit; an empty array gives an empty list.
            angle_deg: with ``cxcywh_*``: ``(N,)`` or one number, degrees clockwise.
            image_wh: ``(width, height)`` of the natural image in pixels.
            label: one label for every box; or
            labels: ``N`` labels (each a string, or a list with ``choice="multiple"``); or
            class_ids: ``(N,)`` integer class indices, with
            class_names: the model's class names (a list, or a ``{class_id: name}`` dict);
                a name matches a label's value, alias or ``predicted_values``.
            scores: ``(N,)`` confidences in [0, 1].
            ids: ``N`` region ids; fresh ones by default.
            readonly, hidden, to_name, item_index, clip: as in :meth:`box`, for every box.

        Raises:
            BuildError: as :meth:`box`; the message names the index (``xyxy_px[3]``).
            LabelError: a label or class name the control does not define.

        >>> from prelabel import LabelConfig, Rectangle
        >>> config = LabelConfig.parse('<View><Image name="im" value="$im"/>'
        ...                            '<Rectangle name="r" toName="im"/></View>')
        >>> regions = config.control("r", Rectangle).boxes(
        ...     xyxy_norm=[[0.1, 0.1, 0.5, 0.5], [0.2, 0.3, 0.4, 0.9]], image_wh=(640, 480),
        ...     scores=[0.9, 0.4])
        >>> [round(r.result["value"]["height"], 6) for r in regions]
        [40.0, 60.0]
        """
        given = (
            xyxy_px,
            xyxy_norm,
            xyxy_pct,
            xywh_px,
            xywh_norm,
            xywh_pct,
            cxcywh_px,
            cxcywh_norm,
            cxcywh_pct,
            corners_px,
            corners_norm,
            corners_pct,
        )
        index = _one_given(given)
        if index < 0:
            _pick("boxes", tuple(zip(_BOX_KEYWORDS, given, strict=True)))  # raises
        arg = _BOX_KEYWORDS[index]
        value: Any = given[index]
        wh, template = _start(
            self, image_wh, to_name, item_index, scores is not None, readonly, hidden
        )
        batch = None
        if angle_deg is None and index < _AXIS_ARGS and _small_float_boxes(value):
            # A detector's output for one image: checked and converted in one plain loop.
            try:
                batch = _Batch(
                    self, len(value), "box", template, label, labels, class_ids, class_names,
                    scores, ids,
                )  # fmt: skip
            except BuildError:
                _boxes_pct(
                    arg, value, angle_deg, wh=wh, clip=clip, single=False
                )  # box errors first
                raise
            values = _fast_box_values(value, *_BOX_ARGS[arg], wh, batch.key, batch.labels)
            if values is not None:
                return batch.lazy_regions(values, _BOX_GEOMETRY)
        pct = _boxes_pct(arg, value, angle_deg, wh=wh, clip=clip, single=False)
        count = pct.shape[0]
        if batch is None:
            batch = _Batch(
                self, count, "box", template, label, labels, class_ids, class_names, scores, ids
            )
        if pct.shape[1] == 4:
            rows = pct.tolist()
            turns: Iterable[float] = itertools.repeat(0.0, count)
        else:
            rows = pct[:, :4].tolist()
            turns = pct[:, 4].tolist()
        key, per = batch.key, batch.labels
        if per is None:
            values = [
                {"x": x, "y": y, "width": w, "height": h, "rotation": r}
                for (x, y, w, h), r in zip(rows, turns, strict=False)
            ]
        else:
            values = [
                {"x": x, "y": y, "width": w, "height": h, "rotation": r, key: chosen}
                for (x, y, w, h), r, chosen in zip(rows, turns, per, strict=False)
            ]
        return batch.lazy_regions(values, _BOX_GEOMETRY)
