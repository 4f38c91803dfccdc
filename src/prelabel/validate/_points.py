"""Point lists: ``polygonlabels`` / ``polygon`` ([x, y] pairs) and ``vectorlabels`` / ``vector``."""

from __future__ import annotations

import math
from typing import Any

from ._context import PredCtx
from ._image import MAX_POINT_RECORDS, NT, ImageChecker
from ._show import MISSING, a_type, num, show

__all__ = ["PolygonChecker", "VectorChecker"]


class PolygonChecker(ImageChecker):
    """``polygonlabels`` / ``polygon``: points as [x, y] pairs in percent, at least 3."""

    def check_geometry(
        self, v: dict[str, Any], i: int, p: PredCtx, size: tuple[float, float] | None
    ) -> None:
        points = v.get("points", MISSING)
        if type(points) is list:
            for pt in points:
                if type(pt) is list and len(pt) == 2:
                    a, b = pt
                    if type(a) in NT and type(b) in NT and 0 <= a <= 100 and 0 <= b <= 100:
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
            self.wrong_type(
                (i, "value", "closed"),
                p,
                f"value.closed must be true or false, got {a_type(closed)}",
                closed,
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
            self.key_missing(
                i, p, f"{self.what} results need value.points, a list of [x, y] pairs", "points"
            )
            return
        if not isinstance(points, (list, tuple)):
            self.wrong_type(
                where,
                p,
                f"value.points must be a list of [x, y] pairs, got {a_type(points)}",
                points,
                expected="a list of [x, y] pairs",
            )
            return
        reported = 0
        good: list[tuple[int, float, float]] = []
        for j, pt in enumerate(points):
            if not isinstance(pt, (list, tuple)) or len(pt) != 2:
                if reported < MAX_POINT_RECORDS:
                    hint = None
                    if isinstance(pt, dict) and "x" in pt and "y" in pt:
                        hint = "write each point as [x, y], not {x, y}"
                    elif isinstance(pt, (int, float)):
                        hint = "points is a flat list; group it into [x, y] pairs"
                    self.wrong_type(
                        (*where, j),
                        p,
                        f"value.points[{j}] must be an [x, y] pair",
                        pt,
                        hint=hint,
                        expected="[x, y]",
                    )
                reported += 1
                continue
            a = self.number_at(pt[0], (*where, j, 0), p) if reported < MAX_POINT_RECORDS else None
            b = self.number_at(pt[1], (*where, j, 1), p) if reported < MAX_POINT_RECORDS else None
            if a is None or b is None:
                reported += 1
                continue
            good.append((j, a, b))
        if reported > MAX_POINT_RECORDS:
            p.add(
                "value.type",
                where,
                f"{reported - MAX_POINT_RECORDS} more points are broken (not shown)",
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
            if n == MAX_POINT_RECORDS:
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

    def check_geometry(
        self, v: dict[str, Any], i: int, p: PredCtx, size: tuple[float, float] | None
    ) -> None:
        vertices = v.get("vertices", MISSING)
        where = (i, "value", "vertices")
        if vertices is MISSING:
            self.key_missing(i, p, f"{self.what} results need value.vertices", "vertices")
            return
        if not isinstance(vertices, (list, tuple)):
            self.wrong_type(
                where,
                p,
                f"value.vertices must be a list of vertex objects, got {a_type(vertices)}",
                vertices,
            )
            return
        ids = {vx.get("id") for vx in vertices if isinstance(vx, dict) and _is_text(vx.get("id"))}
        reported = 0
        for j, vx in enumerate(vertices):
            if reported >= MAX_POINT_RECORDS:
                break
            if not isinstance(vx, dict):
                self.wrong_type(
                    (*where, j), p, f"value.vertices[{j}] must be an object with x and y", vx
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
            bad_links = [k for k in ("id", "prevPointId") if not _is_text(vx.get(k))]
            for key in bad_links:
                reported += 1
                self.wrong_type(
                    (*where, j, key),
                    p,
                    f"vertex {j} has {key} {show(vx[key])}; vertex ids are strings",
                    vx[key],
                    hint=f'give every vertex a string {key} (e.g. "v{j}")',
                )
            prev = vx.get("prevPointId")
            if "prevPointId" not in bad_links and prev is not None and prev not in ids:
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


def _is_text(value: Any) -> bool:
    """A vertex id or link as Label Studio reads it: absent (None) or a string."""
    return value is None or type(value) is str
