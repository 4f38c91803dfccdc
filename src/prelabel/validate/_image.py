"""The base of the image tools: the result's image size, percent coordinates, pixel hints.

Coordinates are percent of the image (0-100). Label Studio's server checker bounds them only
from above (x <= 100, radius <= 50, rotation <= 360); the editor also clips negative
coordinates and boxes that run past the edge, so those are errors here too.
"""

from __future__ import annotations

from typing import Any

from ._context import PredCtx, media_size_key
from ._show import MISSING, num, show
from ._values import ControlChecker

__all__ = [
    "EPS",
    "MAX_POINT_RECORDS",
    "NO_ROTATION",
    "NT",
    "ImageChecker",
    "no_rotation",
    "size_key",
]

NT = frozenset({int, float})
"""The exact types of a JSON number (``type(x) in NT`` is the fast test; bool is left out)."""
EPS = 1e-6
"""Float noise of pixel -> percent conversions, forgiven at the image edge."""
MAX_POINT_RECORDS = 3
"""How many broken points of one result are reported one by one."""
_INF = float("inf")


class ImageChecker(ControlChecker):
    """A tool that draws a region on an ``<Image>``; knows the result's image size."""

    REGION = True

    def check(self, v: dict[str, Any], r: dict[str, Any], i: int, p: PredCtx) -> None:
        """The image size, the shape (:meth:`check_geometry`), then the labels."""
        self.sized(r, i, p)
        self.check_geometry(v, i, p, self.size_of(r))
        if self.key is not None:
            self.check_labels(v, i, p)

    def check_geometry(
        self, v: dict[str, Any], i: int, p: PredCtx, size: tuple[float, float] | None
    ) -> None:
        """Check the keys of ``v`` that place the region; ``size`` is the image's, in pixels."""

    def sized(self, r: dict[str, Any], i: int, p: PredCtx) -> None:
        """Check the result's image size, cheaply when it repeats the previous result's."""
        seen = p.image_sizes.get(size_key(self.obj.name, r))
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
        if type(ow) in NT and type(oh) in NT and 0 < ow < _INF and 0 < oh < _INF:
            return float(ow), float(oh)
        return None

    def image_size(self, r: dict[str, Any], i: int, p: PredCtx) -> None:
        """Report a missing, invalid or inconsistent image size (once per prediction for the
        same values)."""
        ow = r.get("original_width")
        oh = r.get("original_height")
        remembered = size_key(self.obj.name, r)
        seen = p.image_sizes.get(remembered)
        if seen is None:
            p.image_sizes[remembered] = (ow, oh, i)
            shown = p.task.cache.get(media_size_key(*remembered))
            if shown is not None and _valid_size(ow, oh) and (ow, oh) != shown[:2]:
                self.size_mismatch(ow, oh, shown, r, i, p)
        elif _valid_size(ow, oh) and _valid_size(seen[0], seen[1]):
            p.add(
                "result.image_size_inconsistent",
                (i, "original_width"),
                f"this result gives image {self.obj.name!r}{_item(r)} the size "
                f"{show(ow)}x{show(oh)}, result [{seen[2]}] gives {show(seen[0])}x{show(seen[1])}",
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

    def size_mismatch(
        self, ow: Any, oh: Any, shown: tuple[int, int, str], r: dict[str, Any], i: int, p: PredCtx
    ) -> None:
        """The result's image size is not the size of the image the task shows."""
        width, height, what = shown
        if (ow, oh) == (height, width):
            why = (
                "width and height are swapped: was the size taken from img.shape[:2], which is "
                "(height, width), or from the stored pixels of a photo the browser rotates "
                "(EXIF orientation)?"
            )
        elif abs(ow * height - oh * width) <= 0.01 * ow * height:
            why = (
                "the same shape at another scale: percent coordinates land where they should, "
                "but exports that convert back to pixels (COCO, YOLO, ...) use "
                f"{show(ow)}x{show(oh)}"
            )
        else:
            why = (
                "another shape: percent coordinates computed for that size are drawn "
                "stretched on this image"
            )
        p.add(
            "media.size_mismatch",
            (i, "original_width"),
            f"this result gives image {self.obj.name!r}{_item(r)} the size {show(ow)}x{show(oh)}"
            f", but {what} is {width}x{height}: {why}",
            hint=f"compute the result with image_wh=({width}, {height}) "
            "(prelabel.media.image_size(path) reads it)",
            ck=self,
            expected=f"{width}x{height}",
            found=f"{show(ow)}x{show(oh)}",
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

    def pixels_first(
        self,
        values: dict[str, float],
        size: tuple[float, float] | None,
        tail: tuple[Any, ...],
        p: PredCtx,
    ) -> bool:
        """True after reporting ``values`` as pixels (some above 100, none negative)."""
        big = [k for k in values if values[k] > 100]
        return (
            bool(big)
            and not any(n < 0 for n in values.values())
            and self.pixels(big, values, size, tail, p)
        )

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

    def rotation_at(self, v: dict[str, Any], tail: tuple[Any, ...], p: PredCtx) -> float:
        """The rotation in degrees of the shape ``v`` found at ``tail`` (0 if absent or broken)."""
        raw = v.get("rotation")
        if raw is None or (raw == 0 and type(raw) in NT):
            return 0.0
        rot = self.number_at(raw, (*tail, "rotation"), p)
        if rot is None:
            return 0.0
        if rot > 360:
            self.out_of_range("rotation", rot, (*tail, "rotation"), p, high=360, what="degrees")
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


NO_ROTATION = frozenset({int, float, type(None)})


def no_rotation(v: dict[str, Any]) -> bool:
    """True when ``rotation`` is absent, null or a numeric zero (the fast path's case)."""
    rot = v.get("rotation")
    return type(rot) in NO_ROTATION and not rot


def size_key(name: str, r: dict[str, Any]) -> tuple[str, Any]:
    """Where an image size is remembered: the object and the result's ``item_index``.

    The items of an ``<Image valueList>`` are different images with sizes of their own, told
    apart by ``item_index`` (an unhashable one, reported elsewhere, counts as none).
    """
    item = r.get("item_index")
    return name, item if type(item) is int else None


def _item(r: dict[str, Any]) -> str:
    item = r.get("item_index")
    return f" (item_index {item})" if type(item) is int else ""


def _valid_size(w: Any, h: Any) -> bool:
    return _pixels_count(w) and _pixels_count(h)


def _pixels_count(x: Any) -> bool:
    if type(x) is int or (isinstance(x, int) and not isinstance(x, bool)):  # an IntEnum too
        return x > 0
    return type(x) is float and x.is_integer() and 0 < x < _INF


def _horizontal(key: str) -> bool:
    return key in ("x", "width", "radiusX")
