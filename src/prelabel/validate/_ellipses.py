"""Shapes placed by their centre: ellipses and keypoints (and their ``*labels`` forms)."""

from __future__ import annotations

from typing import Any

from ._context import PredCtx
from ._image import EPS, NT, ImageChecker, no_rotation
from ._show import MISSING, num

__all__ = ["EllipseChecker", "KeyPointChecker"]


class EllipseChecker(ImageChecker):
    """``ellipselabels`` / ``ellipse``: centre x, y; radiusX, radiusY (<= 50); rotation."""

    def check_geometry(
        self, v: dict[str, Any], i: int, p: PredCtx, size: tuple[float, float] | None
    ) -> None:
        x = v.get("x", MISSING)
        y = v.get("y", MISSING)
        rx = v.get("radiusX", MISSING)
        ry = v.get("radiusY", MISSING)
        if (
            type(x) in NT
            and type(y) in NT
            and type(rx) in NT
            and type(ry) in NT
            and 0 < rx <= x
            and 0 < ry <= y
            and x + rx <= 100
            and y + ry <= 100
            and no_rotation(v)
        ):
            return
        vals = self.numbers(v, ("x", "y", "radiusX", "radiusY"), i, p)
        rot = self.rotation_at(v, (i, "value"), p)
        if self.pixels_first(vals, size, (i, "value"), p):
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
            and (x - rx < -EPS or x + rx > 100 + EPS or y - ry < -EPS or y + ry > 100 + EPS)
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

    def check_geometry(
        self, v: dict[str, Any], i: int, p: PredCtx, size: tuple[float, float] | None
    ) -> None:
        x = v.get("x", MISSING)
        y = v.get("y", MISSING)
        w = v.get("width", MISSING)
        if (
            type(x) in NT
            and type(y) in NT
            and type(w) in NT
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
        if self.pixels_first(vals, size, (i, "value"), p):
            return
        for key, n in vals.items():
            if n < 0 or n > 100:
                self.out_of_range(key, n, (i, "value", key), p)
