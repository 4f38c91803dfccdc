"""Image shapes: rectangles, ellipses, polygons, keypoints, vectors, video boxes.

Coordinates are percent of the image (0-100). Label Studio's server checker bounds them only
from above (x <= 100, radius <= 50, rotation <= 360); the editor also clips negative
coordinates and boxes that run past the edge, so those are errors here too.
"""

from __future__ import annotations

import math
import operator
from typing import Any

from ._context import PredCtx
from ._show import MISSING, a_type, num, show
from ._values import ControlChecker

__all__ = [
    "EllipseChecker",
    "ImageChecker",
    "KeyPointChecker",
    "PolygonChecker",
    "RectangleChecker",
    "VectorChecker",
    "VideoRectangleChecker",
]

_NT = frozenset({int, float})
_EPS = 1e-6  # float noise of pixel -> percent conversions
_MAX_POINT_RECORDS = 3
_XYWH = operator.itemgetter("x", "y", "width", "height")
_INF = float("inf")


class ImageChecker(ControlChecker):
    """A tool that draws a region on an ``<Image>``; knows the result's image size."""

    REGION = True

    def sized(self, r: dict[str, Any], i: int, p: PredCtx) -> None:
        """Check the result's image size, cheaply when it repeats the previous result's."""
        seen = p.image_sizes.get(self.obj.name)
        if (
            seen is None
            or seen[0] != r.get("original_width")
            or seen[1] != r.get("original_height")
        ):
            self.image_size(r, i, p)

    @staticmethod
    def size_of(r: dict[str, Any]) -> tuple[float, float] | None:
        """``(original_width, original_height)`` when both are usable numbers, else None."""
        ow = r.get("original_width", MISSING)
        oh = r.get("original_height", MISSING)
        if type(ow) in _NT and type(oh) in _NT and 0 < ow < _INF and 0 < oh < _INF:
            return float(ow), float(oh)
        return None

    def image_size(self, r: dict[str, Any], i: int, p: PredCtx) -> None:
        """Report a missing, invalid or inconsistent image size (once per prediction for the
        same values)."""
        ow = r.get("original_width")
        oh = r.get("original_height")
        seen = p.image_sizes.get(self.obj.name)
        if seen is None:
            p.image_sizes[self.obj.name] = (ow, oh, i)
        elif _valid_size(ow, oh) and _valid_size(seen[0], seen[1]):
            p.add(
                "result.image_size_inconsistent",
                (i, "original_width"),
                f"this result gives image {self.obj.name!r} the size {show(ow)}x{show(oh)}, "
                f"result [{seen[2]}] gives {show(seen[0])}x{show(seen[1])}",
                hint="use the natural size of the image for every result on it",
                ck=self,
            )
            return
        if ow is None and oh is None:
            if seen is None:
                p.add(
                    "result.image_size_missing",
                    (i,),
                    "image results should carry original_width and original_height (the "
                    "image's natural size in pixels)",
                    hint="add them; they let readers convert percent back to pixels",
                    ck=self,
                )
            return
        for key, value in (("original_width", ow), ("original_height", oh)):
            if value is None:
                p.add(
                    "result.image_size_missing",
                    (i,),
                    f"the result has only one of original_width/original_height; {key} is missing",
                    ck=self,
                )
            elif not _valid_size(value, value):
                p.add(
                    "result.image_size_invalid",
                    (i, key),
                    f"{key} must be a positive integer (pixels), got {show(value)}",
                    ck=self,
                    expected="a positive integer",
                    found=show(value),
                )

    # --- shared diagnosis --------------------------------------------------------------------

    def numbers(
        self, v: dict[str, Any], keys: tuple[str, ...], i: int, p: PredCtx
    ) -> dict[str, float]:
        """The finite numbers among ``keys`` (every other one reported)."""
        out: dict[str, float] = {}
        for key in keys:
            n = self.number(v, key, i, p)
            if n is not None:
                out[key] = n
        return out

    def pixels(
        self,
        big: list[str],
        values: dict[str, float],
        size: tuple[float, float] | None,
        tail: tuple[Any, ...],
        p: PredCtx,
    ) -> bool:
        """Report coordinates above 100 as pixels when they fit the image; True if reported."""
        shown = ", ".join(f"{k}={num(values[k])}" for k in big)
        if size is None:
            p.add(
                "geometry.pixels_suspected",
                tail,
                f"{shown} {'is' if len(big) == 1 else 'are'} above 100: coordinates look like "
                "pixels, Label Studio wants "
                "percent of the image (0-100)",
                hint="divide x-like values by the image width and y-like values by its height "
                "(in pixels), then multiply by 100; add original_width/original_height",
                ck=self,
                expected="0-100 (percent)",
                found=shown,
            )
            return True
        width, height = size
        fits = all(
            values[k] <= (width if _horizontal(k) else height) + 0.5
            for k in values
            if k not in ("rotation",)
        )
        if not fits:
            return False
        converted = ", ".join(
            f"{k}={values[k] / (width if _horizontal(k) else height) * 100:.4g}"
            for k in values
            if k != "rotation"
        )
        p.add(
            "geometry.pixels_suspected",
            tail,
            f"{shown} {'is' if len(big) == 1 else 'are'} above 100 but within the image size "
            f"{num(width)}x{num(height)}: "
            "coordinates look like pixels, Label Studio wants percent (0-100)",
            hint=f"looks like pixels: divide by original_width ({num(width)}) or original_height "
            f"({num(height)}) and multiply by 100 ({converted})",
            ck=self,
            expected="0-100 (percent)",
            found=shown,
        )
        return True

    def out_of_range(
        self,
        key: str,
        value: float,
        where: tuple[Any, ...],
        p: PredCtx,
        *,
        high: float = 100.0,
        what: str = "percent of the image",
    ) -> None:
        p.add(
            "geometry.out_of_range",
            where,
            f"{key}={num(value)} is outside 0-{num(high)} ({what})",
            hint="clip it to the image" if value < 0 else None,
            ck=self,
            expected=f"0-{num(high)}",
            found=f"{num(value)}",
        )

    def rotation(self, v: dict[str, Any], i: int, p: PredCtx) -> float:
        """The rotation in degrees (0 if absent or reported as broken)."""
        raw = v.get("rotation")
        if raw is None or (raw == 0 and type(raw) in _NT):
            return 0.0
        rot = self.number_at(raw, (i, "value", "rotation"), p)
        if rot is None:
            return 0.0
        if rot > 360:
            self.out_of_range(
                "rotation", rot, (i, "value", "rotation"), p, high=360, what="degrees"
            )
        return rot % 360

    def fraction(self, values: tuple[float, ...], i: int, p: PredCtx) -> None:
        p.add(
            "geometry.fraction_suspected",
            (i, "value"),
            "every coordinate is at most 1: the shape sits in the top-left 1% of the image; "
            "coordinates look like 0-1 fractions",
            hint="multiply by 100: Label Studio wants percent (0-100)",
            ck=self,
            found=", ".join(f"{num(x)}" for x in values),
        )


_NO_ROTATION = frozenset({int, float, type(None)})


def _no_rotation(v: dict[str, Any]) -> bool:
    """True when ``rotation`` is absent, null or a numeric zero (the fast path's case)."""
    rot = v.get("rotation")
    return type(rot) in _NO_ROTATION and not rot


def _valid_size(w: Any, h: Any) -> bool:
    return _pixels_count(w) and _pixels_count(h)


def _pixels_count(x: Any) -> bool:
    if type(x) is int:
        return x > 0
    return type(x) is float and x.is_integer() and 0 < x < _INF


def _horizontal(key: str) -> bool:
    return key in ("x", "width", "radiusX")


class RectangleChecker(ImageChecker):
    """``rectanglelabels`` / ``rectangle``: x, y, width, height in percent, rotation."""

    def check(self, v: dict[str, Any], r: dict[str, Any], i: int, p: PredCtx) -> None:
        try:
            x, y, w, h = _XYWH(v)
        except KeyError:
            x = y = w = h = MISSING  # all bound: the chained type test below reads every one
        numbers = _NT
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
            and type(rot) in _NO_ROTATION  # absent, null or a numeric zero (see _no_rotation)
            and not rot
        ):
            if x + w <= 1.0 and y + h <= 1.0:
                self.fraction((x, y, w, h), i, p)
        else:
            self.box_slow(v, i, p, self.size_of(r), (i, "value"))
        seen = p.image_sizes.get(self.obj_name)
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
        big = [k for k in vals if vals[k] > 100]
        if big and not any(vals[k] < 0 for k in vals) and self.pixels(big, vals, size, tail, p):
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
                if 0 <= a <= 100 and b <= 100 and a + b > 100 + _EPS:
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

    def rotation_at(self, v: dict[str, Any], tail: tuple[Any, ...], p: PredCtx) -> float:
        raw = v.get("rotation")
        if raw is None or (raw == 0 and type(raw) in _NT):
            return 0.0
        rot = self.number_at(raw, (*tail, "rotation"), p)
        if rot is None:
            return 0.0
        if rot > 360:
            self.out_of_range("rotation", rot, (*tail, "rotation"), p, high=360, what="degrees")
        return rot % 360

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


class EllipseChecker(ImageChecker):
    """``ellipselabels`` / ``ellipse``: centre x, y; radiusX, radiusY (<= 50); rotation."""

    def check(self, v: dict[str, Any], r: dict[str, Any], i: int, p: PredCtx) -> None:
        self.sized(r, i, p)
        size = self.size_of(r)
        self.check_shape(v, i, p, size)
        if self.key is not None:
            self.check_labels(v, i, p)

    def check_shape(
        self, v: dict[str, Any], i: int, p: PredCtx, size: tuple[float, float] | None
    ) -> None:
        x = v.get("x", MISSING)
        y = v.get("y", MISSING)
        rx = v.get("radiusX", MISSING)
        ry = v.get("radiusY", MISSING)
        if (
            type(x) in _NT
            and type(y) in _NT
            and type(rx) in _NT
            and type(ry) in _NT
            and 0 < rx <= x
            and 0 < ry <= y
            and x + rx <= 100
            and y + ry <= 100
            and _no_rotation(v)
        ):
            return
        vals = self.numbers(v, ("x", "y", "radiusX", "radiusY"), i, p)
        rot = self.rotation(v, i, p)
        big = [k for k in vals if vals[k] > 100]
        if (
            big
            and not any(n < 0 for n in vals.values())
            and self.pixels(big, vals, size, (i, "value"), p)
        ):
            return
        for key, n in vals.items():
            where = (i, "value", key)
            if key in ("x", "y"):
                if n < 0 or n > 100:
                    self.out_of_range(key, n, where, p)
            elif n < 0:
                p.add(
                    "geometry.negative",
                    where,
                    f"{key}={num(n)} is negative",
                    hint="use abs() of the radius",
                    ck=self,
                    found=f"{num(n)}",
                )
            elif n > 50:
                self.out_of_range(
                    key,
                    n,
                    where,
                    p,
                    high=50,
                    what="percent of the image; the "
                    "radius of a centred ellipse that fills the image is 50",
                )
        if len(vals) < 4:
            return
        x, y, rx, ry = vals["x"], vals["y"], vals["radiusX"], vals["radiusY"]
        if rx == 0 or ry == 0:
            p.add("geometry.empty", (i, "value"), "the ellipse has a zero radius", ck=self)
        elif (
            not rot
            and 0 <= x <= 100
            and 0 <= y <= 100
            and rx > 0
            and ry > 0
            and (x - rx < -_EPS or x + rx > 100 + _EPS or y - ry < -_EPS or y + ry > 100 + _EPS)
        ):
            p.add(
                "geometry.partly_outside",
                (i, "value"),
                f"the ellipse centred at ({num(x)}, {num(y)}) with radii ({num(rx)}, {num(ry)}) "
                "reaches past the image edge",
                hint="x and y are the centre, not the top-left corner",
                ck=self,
            )


class KeyPointChecker(ImageChecker):
    """``keypointlabels`` / ``keypoint``: x, y and width (the editor needs width)."""

    def check(self, v: dict[str, Any], r: dict[str, Any], i: int, p: PredCtx) -> None:
        self.sized(r, i, p)
        size = self.size_of(r)
        self.check_point(v, i, p, size)
        if self.key is not None:
            self.check_labels(v, i, p)

    def check_point(
        self, v: dict[str, Any], i: int, p: PredCtx, size: tuple[float, float] | None
    ) -> None:
        x = v.get("x", MISSING)
        y = v.get("y", MISSING)
        w = v.get("width", MISSING)
        if (
            type(x) in _NT
            and type(y) in _NT
            and type(w) in _NT
            and 0 <= x <= 100
            and 0 <= y <= 100
            and 0 < w <= 100
            and "height" not in v
        ):
            return
        vals = self.numbers(v, ("x", "y"), i, p)
        if "width" not in v:
            p.add(
                "keypoint.width_missing",
                (i, "value"),
                "a keypoint needs value.width (its radius in percent of the image width); "
                "without it the editor turns the point into an invisible classification",
                hint='add "width": 0.5 (any small positive number)',
                ck=self,
                expected="x, y, width",
            )
        else:
            w_val = self.number(v, "width", i, p)
            if w_val is not None and w_val <= 0:
                p.add(
                    "geometry.negative" if w_val < 0 else "geometry.empty",
                    (i, "value", "width"),
                    f"width={num(w_val)}: the point is drawn with no radius",
                    hint="use a small positive width such as 0.5",
                    ck=self,
                )
        if "height" in v:
            p.add(
                "keypoint.height_present",
                (i, "value", "height"),
                "a keypoint value with height is read by the editor as a rectangle",
                hint="remove value.height",
                ck=self,
            )
        big = [k for k in vals if vals[k] > 100]
        if (
            big
            and not any(n < 0 for n in vals.values())
            and self.pixels(big, vals, size, (i, "value"), p)
        ):
            return
        for key, n in vals.items():
            if n < 0 or n > 100:
                self.out_of_range(key, n, (i, "value", key), p)


class PolygonChecker(ImageChecker):
    """``polygonlabels`` / ``polygon``: points as [x, y] pairs in percent, at least 3."""

    def check(self, v: dict[str, Any], r: dict[str, Any], i: int, p: PredCtx) -> None:
        self.sized(r, i, p)
        size = self.size_of(r)
        self.check_points(v, i, p, size)
        if self.key is not None:
            self.check_labels(v, i, p)

    def check_points(
        self, v: dict[str, Any], i: int, p: PredCtx, size: tuple[float, float] | None
    ) -> None:
        points = v.get("points", MISSING)
        if type(points) is list:
            for pt in points:
                if type(pt) is list and len(pt) == 2:
                    a, b = pt
                    if type(a) in _NT and type(b) in _NT and 0 <= a <= 100 and 0 <= b <= 100:
                        continue
                break
            else:
                if len(points) >= 3:
                    closed = v.get("closed", True)
                    if closed is not True:
                        self.closed(closed, i, p)
                    return
        self.points_slow(points, v, i, p, size)

    def closed(self, closed: Any, i: int, p: PredCtx) -> None:
        if closed is False:
            p.add(
                "polygon.open",
                (i, "value", "closed"),
                "closed: false makes the polygon an unfinished region, which blocks submitting "
                "in recent Label Studio versions",
                hint='remove "closed" or set it to true',
                ck=self,
            )
        elif closed is not True:
            p.add(
                "value.type",
                (i, "value", "closed"),
                f"value.closed must be true or false, got {a_type(closed)}",
                ck=self,
                found=show(closed),
            )

    def points_slow(
        self,
        points: Any,
        v: dict[str, Any],
        i: int,
        p: PredCtx,
        size: tuple[float, float] | None,
    ) -> None:
        where = (i, "value", "points")
        if points is MISSING:
            p.add(
                "value.key_missing",
                (i, "value"),
                f"{self.what} results need value.points, a list of [x, y] pairs",
                ck=self,
                expected="points",
            )
            return
        if not isinstance(points, (list, tuple)):
            p.add(
                "value.type",
                where,
                f"value.points must be a list of [x, y] pairs, got {a_type(points)}",
                ck=self,
                expected="a list of [x, y] pairs",
                found=show(points),
            )
            return
        reported = 0
        good: list[tuple[int, float, float]] = []
        for j, pt in enumerate(points):
            if not isinstance(pt, (list, tuple)) or len(pt) != 2:
                if reported < _MAX_POINT_RECORDS:
                    hint = None
                    if isinstance(pt, dict) and "x" in pt and "y" in pt:
                        hint = "write each point as [x, y], not {x, y}"
                    elif isinstance(pt, (int, float)):
                        hint = "points is a flat list; group it into [x, y] pairs"
                    p.add(
                        "value.type",
                        (*where, j),
                        f"value.points[{j}] must be an [x, y] pair",
                        hint=hint,
                        ck=self,
                        expected="[x, y]",
                        found=show(pt),
                    )
                reported += 1
                continue
            a = self.number_at(pt[0], (*where, j, 0), p) if reported < _MAX_POINT_RECORDS else None
            b = self.number_at(pt[1], (*where, j, 1), p) if reported < _MAX_POINT_RECORDS else None
            if a is None or b is None:
                reported += 1
                continue
            good.append((j, a, b))
        if reported > _MAX_POINT_RECORDS:
            p.add(
                "value.type",
                where,
                f"{reported - _MAX_POINT_RECORDS} more points are broken (not shown)",
                ck=self,
            )
        if len(points) < 3:
            p.add(
                "polygon.too_few_points",
                where,
                f"a polygon needs at least 3 points, got {len(points)}; the editor draws "
                "it as a line or drops it when the annotation is saved",
                hint="drop the region or use a rectangle/keypoint for it",
                ck=self,
                expected=">= 3 points",
                found=str(len(points)),
            )
        if "closed" in v:
            self.closed(v["closed"], i, p)
        outside = [(j, a, b) for j, a, b in good if not (0 <= a <= 100 and 0 <= b <= 100)]
        if not outside:
            return
        if size is not None or not any(a < 0 or b < 0 for _j, a, b in outside):
            big = [(j, a, b) for j, a, b in outside if a > 100 or b > 100]
            if big and all(a >= 0 and b >= 0 for _j, a, b in good):
                width, height = size if size is not None else (math.inf, math.inf)
                if all(a <= width + 0.5 and b <= height + 0.5 for _j, a, b in good):
                    hint = "divide x by the image width and y by its height (pixels), then x 100"
                    if size is not None:
                        hint = (
                            f"looks like pixels: divide x by original_width ({num(width)}) and y "
                            f"by original_height ({num(height)}), then multiply by 100"
                        )
                    p.add(
                        "geometry.pixels_suspected",
                        where,
                        f"{len(big)} of {len(points)} points are above 100: they look like "
                        "pixels, Label Studio wants percent of the image (0-100)",
                        hint=hint,
                        ck=self,
                        expected="0-100 (percent)",
                        found=show([[a, b] for _j, a, b in big[:3]]),
                    )
                    return
        for n, (j, a, b) in enumerate(outside):
            if n == _MAX_POINT_RECORDS:
                p.add(
                    "geometry.out_of_range",
                    where,
                    f"{len(outside) - n} more points are outside 0-100 (not shown)",
                    ck=self,
                )
                break
            p.add(
                "geometry.out_of_range",
                (*where, j),
                f"point {j} = [{num(a)}, {num(b)}] is outside 0-100 (percent of the image)",
                hint="clip the point to the image" if min(a, b) < 0 else None,
                ck=self,
                expected="0-100",
                found=f"[{num(a)}, {num(b)}]",
            )


class VectorChecker(ImageChecker):
    """``vectorlabels`` / ``vector``: vertices with ids; percent coordinates."""

    def check(self, v: dict[str, Any], r: dict[str, Any], i: int, p: PredCtx) -> None:
        self.sized(r, i, p)
        self.check_vertices(v, i, p)
        if self.key is not None:
            self.check_labels(v, i, p)

    def check_vertices(self, v: dict[str, Any], i: int, p: PredCtx) -> None:
        vertices = v.get("vertices", MISSING)
        where = (i, "value", "vertices")
        if vertices is MISSING:
            p.add(
                "value.key_missing",
                (i, "value"),
                f"{self.what} results need value.vertices",
                ck=self,
                expected="vertices",
            )
            return
        if not isinstance(vertices, (list, tuple)):
            p.add(
                "value.type",
                where,
                f"value.vertices must be a list of vertex objects, got {a_type(vertices)}",
                ck=self,
                found=show(vertices),
            )
            return
        ids = {vx.get("id") for vx in vertices if isinstance(vx, dict)}
        reported = 0
        for j, vx in enumerate(vertices):
            if reported >= _MAX_POINT_RECORDS:
                break
            if not isinstance(vx, dict):
                p.add(
                    "value.type",
                    (*where, j),
                    f"value.vertices[{j}] must be an object with x and y",
                    ck=self,
                    found=show(vx),
                )
                reported += 1
                continue
            for key in ("x", "y"):
                n = self.number(vx, key, i, p, tail=(*where, j))
                if n is None:
                    reported += 1
                elif not 0 <= n <= 100:
                    reported += 1
                    p.add(
                        "geometry.partly_outside",
                        (*where, j, key),
                        f"vertex {j} has {key}={num(n)}, outside 0-100 (percent of the image)",
                        ck=self,
                    )
            prev = vx.get("prevPointId")
            if prev is not None and prev not in ids:
                reported += 1
                p.add(
                    "vector.vertex_invalid",
                    (*where, j, "prevPointId"),
                    f"vertex {j} links to prevPointId {show(prev)}, which no vertex has",
                    ck=self,
                )
            if vx.get("isBezier") is True and not ("controlPoint1" in vx and "controlPoint2" in vx):
                reported += 1
                p.add(
                    "vector.vertex_invalid",
                    (*where, j),
                    f"vertex {j} is a Bezier vertex without controlPoint1 and controlPoint2",
                    ck=self,
                )
        low = getattr(self.control, "min_points", None)
        high = getattr(self.control, "max_points", None)
        if (low is not None and len(vertices) < low) or (high is not None and len(vertices) > high):
            p.add(
                "vector.vertex_invalid",
                where,
                f"{len(vertices)} vertices; the config allows {low or 0}..{high or 'any'}",
                ck=self,
            )
        self.boolean(v, "closed", i, p)


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
            p.add(
                "value.key_missing",
                (i, "value"),
                "a videorectangle needs value.sequence (its keyframes)",
                ck=self,
                expected="framesCount, duration, sequence",
            )
        elif not isinstance(seq, (list, tuple)):
            p.add(
                "value.type",
                where,
                f"value.sequence must be a list of keyframes, got {a_type(seq)}",
                ck=self,
                found=show(seq),
            )
        else:
            last = -math.inf
            for j, frame in enumerate(seq):
                tail = (*where, j)
                if not isinstance(frame, dict):
                    p.add(
                        "value.type",
                        tail,
                        f"keyframe {j} must be an object",
                        ck=self,
                        found=show(frame),
                    )
                    continue
                self.box_slow_if_needed(frame, i, p, tail)
                self.number(frame, "time", i, p, tail=tail)
                n = self.number(frame, "frame", i, p, integer=True, tail=tail)
                if "enabled" in frame and frame["enabled"] not in (True, False):
                    p.add(
                        "value.type",
                        (*tail, "enabled"),
                        "enabled must be true or false",
                        ck=self,
                        found=show(frame["enabled"]),
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
            type(x) in _NT
            and type(y) in _NT
            and type(w) in _NT
            and type(h) in _NT
            and x >= 0
            and y >= 0
            and w > 0
            and h > 0
            and x + w <= 100
            and y + h <= 100
            and _no_rotation(frame)
        ):
            return
        self.box_slow(frame, i, p, None, tail)

    def _diagnose_or_pass(self, labels: Any, i: int, p: PredCtx) -> None:
        if type(labels) is list and all(
            type(x) is str and (self.allowed is None or x in self.allowed) for x in labels
        ):
            return
        self._diagnose_labels(labels, "labels", (i, "value", "labels"), p, required=False)
