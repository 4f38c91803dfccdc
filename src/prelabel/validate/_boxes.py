"""Boxes: ``rectanglelabels`` / ``rectangle`` on images and ``videorectangle`` keyframe tracks."""

from __future__ import annotations

import math
import operator
from typing import Any

from ..tags.base import ControlTag, ObjectTag
from ._context import PredCtx
from ._image import EPS, NO_ROTATION, NT, ImageChecker, no_rotation, size_key
from ._show import MISSING, a_type, num

__all__ = ["RectangleChecker", "VideoRectangleChecker", "dragged_back"]

_XYWH = operator.itemgetter("x", "y", "width", "height")


class RectangleChecker(ImageChecker):
    """``rectanglelabels`` / ``rectangle``: x, y, width, height in percent, rotation."""

    def __init__(self, control: ControlTag, obj: ObjectTag) -> None:
        super().__init__(control, obj)
        self.unindexed = size_key(self.obj_name, {})  # where a result without item_index is

    def check(self, v: dict[str, Any], r: dict[str, Any], i: int, p: PredCtx) -> None:
        try:
            x, y, w, h = _XYWH(v)
        except KeyError:
            x = y = w = h = MISSING  # all bound: the chained type test below reads every one
        numbers = NT
        rot = v.get("rotation")
        if (
            (
                type(x) is type(y) is type(w) is type(h) is float  # the usual case, at once
                or (
                    type(x) in numbers
                    and type(y) in numbers
                    and type(w) in numbers
                    and type(h) in numbers
                )
            )
            # float literals: a float compared with a float is the interpreter's fast case
            and x >= 0.0
            and y >= 0.0
            and w > 0.0
            and h > 0.0
            and x + w <= 100.0
            and y + h <= 100.0
            and type(rot) in NO_ROTATION  # absent, null or a numeric zero (see no_rotation)
            and not rot
        ):
            if x + w <= 1.0 and y + h <= 1.0:
                self.fraction((x, y, w, h), i, p)
        else:
            self.box_slow(v, i, p, self.size_of(r), (i, "value"))
        item = r.get("item_index")
        seen = p.image_sizes.get(self.unindexed if item is None else size_key(self.obj_name, r))
        if (
            seen is None
            or seen[0] != r.get("original_width")
            or seen[1] != r.get("original_height")
        ):
            self.image_size(r, i, p)
        key = self.key
        if key is not None:
            labels = v.get(key)
            if not (
                type(labels) is list
                and len(labels) == 1
                and type(labels[0]) is str
                and labels[0] in self.known
            ):
                self.check_labels(v, i, p)

    def box_slow(
        self,
        v: dict[str, Any],
        i: int,
        p: PredCtx,
        size: tuple[float, float] | None,
        tail: tuple[Any, ...],
    ) -> None:
        vals: dict[str, float] = {}
        for key in ("x", "y", "width", "height"):
            raw = v.get(key, MISSING)
            if raw is MISSING:
                p.add(
                    "value.key_missing",
                    tail,
                    f"{self.what} boxes need x, y, width and height; {key} is missing",
                    ck=self,
                    expected="x, y, width, height",
                )
                continue
            n = self.number_at(raw, (*tail, key), p)
            if n is not None:
                vals[key] = n
        rot = self.rotation_at(v, tail, p)
        if self.pixels_first(vals, size, tail, p):
            return
        for key, n in vals.items():
            if key in ("x", "y"):
                if n < 0:
                    size_key = "width" if key == "x" else "height"
                    clip = ""
                    if size_key in vals and vals[size_key] + n > 0:
                        clip = f": {key} = 0, {size_key} = {num(vals[size_key] + n)}"
                    p.add(
                        "geometry.out_of_range",
                        (*tail, key),
                        f"{key}={num(n)} is negative: the box starts outside the image and the "
                        "editor draws it clipped",
                        hint="clip it to the image" + clip,
                        ck=self,
                        expected="0-100",
                        found=num(n),
                    )
                elif n > 100:
                    self.out_of_range(key, n, (*tail, key), p)
            elif n < 0:
                p.add(
                    "geometry.negative",
                    (*tail, key),
                    f"{key}={num(n)} is negative; Label Studio draws boxes from the top-left "
                    "corner with a positive width and height",
                    hint="use the top-left corner as x, y and abs() of the size",
                    ck=self,
                    found=f"{num(n)}",
                )
            elif n > 100:
                self.out_of_range(key, n, (*tail, key), p)
        if len(vals) < 4:
            return
        x, y, w, h = vals["x"], vals["y"], vals["width"], vals["height"]
        if w == 0 or h == 0:
            p.add(
                "geometry.empty",
                tail,
                f"the box has width {num(w)} and height {num(h)}; nothing is drawn",
                ck=self,
            )
        if rot:
            if size is not None:
                self.rotated_outside(x, y, w, h, rot, size, tail, p)
            return
        if w >= 0 and h >= 0:
            for a, b, k in ((x, w, "width"), (y, h, "height")):
                if 0 <= a <= 100 and b <= 100 and a + b > 100 + EPS:
                    axis = "x" if k == "width" else "y"
                    p.add(
                        "geometry.overflow",
                        (*tail, k),
                        f"{axis} + {k} = {num(a)} + {num(b)} = {num(a + b)} > 100: the box runs "
                        "past the image edge and the editor draws it clipped",
                        hint=f"clip it: {k} = {num(100 - a)}",
                        ck=self,
                        expected=f"{axis} + {k} <= 100",
                        found=f"{num(a + b)}",
                    )
        if w > 0 and h > 0 and x + w <= 1 and y + h <= 1 and x >= 0 and y >= 0:
            self.fraction((x, y, w, h), i, p)

    def rotated_outside(
        self,
        x: float,
        y: float,
        w: float,
        h: float,
        rot: float,
        size: tuple[float, float],
        tail: tuple[Any, ...],
        p: PredCtx,
    ) -> None:
        width, height = size
        px, py, pw, ph = x * width / 100, y * height / 100, w * width / 100, h * height / 100
        c, s = math.cos(math.radians(rot)), math.sin(math.radians(rot))
        tol = 0.5
        for dx, dy in ((pw, 0.0), (pw, ph), (0.0, ph)):
            cx, cy = px + dx * c - dy * s, py + dx * s + dy * c
            if not (-tol <= cx <= width + tol and -tol <= cy <= height + tol):
                p.add(
                    "geometry.partly_outside",
                    tail,
                    f"rotated by {num(rot)} degrees about its top-left corner, the box reaches "
                    f"({cx:.1f}, {cy:.1f}) px, outside the {num(width)}x{num(height)} image",
                    ck=self,
                )
                return


def dragged_back(frame: dict[str, Any]) -> dict[str, Any]:
    """A keyframe with a negative width or height as the box it draws.

    The video editor writes a box dragged up or left with its start corner and a negative
    size, and draws it; the box covers ``x + width .. x``, so that is what is checked.
    """
    out = frame
    for pos, size in (("x", "width"), ("y", "height")):
        a: Any = out.get(pos)
        b: Any = out.get(size)
        if type(a) in NT and type(b) in NT and b < 0:
            out = {**out, pos: a + b, size: -b}
    return out


class VideoRectangleChecker(RectangleChecker):
    """``videorectangle``: a track of keyframes; labels come from ``<Labels>`` on the video."""

    def __init__(self, control: Any, obj: Any, video_labels: frozenset[str] | None) -> None:
        super().__init__(control, obj)
        self.key = None
        self.allowed = video_labels

    def check(self, v: dict[str, Any], r: dict[str, Any], i: int, p: PredCtx) -> None:
        count = self.number(v, "framesCount", i, p, integer=True)
        self.number(v, "duration", i, p)
        seq = v.get("sequence", MISSING)
        where = (i, "value", "sequence")
        if seq is MISSING:
            self.key_missing(
                i,
                p,
                "a videorectangle needs value.sequence (its keyframes)",
                "framesCount, duration, sequence",
            )
        elif not isinstance(seq, (list, tuple)):
            self.wrong_type(
                where, p, f"value.sequence must be a list of keyframes, got {a_type(seq)}", seq
            )
        else:
            last = -math.inf
            for j, frame in enumerate(seq):
                tail = (*where, j)
                if not isinstance(frame, dict):
                    self.wrong_type(tail, p, f"keyframe {j} must be an object", frame)
                    continue
                self.box_slow_if_needed(frame, i, p, tail)
                self.number(frame, "time", i, p, tail=tail)
                n = self.number(frame, "frame", i, p, integer=True, tail=tail)
                if "enabled" in frame and frame["enabled"] not in (True, False):
                    self.wrong_type(
                        (*tail, "enabled"), p, "enabled must be true or false", frame["enabled"]
                    )
                if n is None:
                    continue
                if n < 1 or (count is not None and n > count):
                    p.add(
                        "video.frame_range",
                        (*tail, "frame"),
                        f"frame {num(n)} is outside 1.."
                        f"{num(count) if count is not None else 'framesCount'}"
                        " (video frames are 1-based)",
                        ck=self,
                    )
                if n < last:
                    p.add(
                        "video.sequence_order",
                        (*tail, "frame"),
                        f"keyframe {j} (frame {num(n)}) comes after frame {num(last)}",
                        hint="sort the sequence by frame",
                        ck=self,
                    )
                last = n
        labels = v.get("labels", MISSING)
        if labels is not MISSING:
            self._diagnose_or_pass(labels, i, p)

    def box_slow_if_needed(
        self, frame: dict[str, Any], i: int, p: PredCtx, tail: tuple[Any, ...]
    ) -> None:
        x = frame.get("x", MISSING)
        y = frame.get("y", MISSING)
        w = frame.get("width", MISSING)
        h = frame.get("height", MISSING)
        if (
            type(x) in NT
            and type(y) in NT
            and type(w) in NT
            and type(h) in NT
            and x >= 0
            and y >= 0
            and w > 0
            and h > 0
            and x + w <= 100
            and y + h <= 100
            and no_rotation(frame)
        ):
            return
        self.box_slow(dragged_back(frame), i, p, None, tail)

    def _diagnose_or_pass(self, labels: Any, i: int, p: PredCtx) -> None:
        if type(labels) is list and all(
            type(x) is str and (self.allowed is None or x in self.allowed) for x in labels
        ):
            return
        self._diagnose_labels(labels, "labels", (i, "value", "labels"), p, required=False)
