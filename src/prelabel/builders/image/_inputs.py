"""Checked inputs shared by the image builders: numbers, arrays, image size, and which one of
several geometry arguments was given."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, ParamSpec, TypeAlias, TypeVar, cast

from ... import units as _u
from ..._lazy import lazy_module
from ...errors import BuildError
from .._common import real_array, rows_shape_hint

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    ArrayLike: TypeAlias = npt.ArrayLike
    FloatArray: TypeAlias = npt.NDArray[np.float64]
else:
    np = lazy_module("numpy")

EDGE_TOLERANCE_PCT = 1e-6
"""Float round-off allowed past an image edge (percent); such values are snapped to the edge."""

Label: TypeAlias = "str | Sequence[str]"
ImageWH: TypeAlias = "tuple[int, int]"
P = ParamSpec("P")
T = TypeVar("T")


def _quiet(func: Callable[P, T]) -> Callable[P, T]:
    """Run ``func`` without numpy warnings: builders report bad numbers themselves, and
    ``inf - inf`` or an overflow on the way must not warn (a fresh ``errstate`` per call
    nests and threads safely on every numpy version)."""

    @functools.wraps(func)
    def quiet(*args: P.args, **kwargs: P.kwargs) -> T:
        with np.errstate(all="ignore"):
            return func(*args, **kwargs)

    return quiet


# --- small checks --------------------------------------------------------------------------


def _fmt(values: Any) -> str:
    """Numbers for a message: ``(10, 20, 650, 70)``, or ``((10, 10), (20, 10))`` for points."""
    array = np.asarray(values, dtype=np.float64)
    if array.ndim == 2:
        return "(" + ", ".join(_fmt(row) for row in array) + ")"
    return "(" + ", ".join(f"{v:g}" for v in array.ravel().tolist()) + ")"


def _loc(name: str, index: int | None) -> str:
    return name if index is None else f"{name}[{index}]"


def _check_image_wh(image_wh: Any) -> tuple[int, int]:
    if type(image_wh) is tuple and len(image_wh) == 2:
        width, height = image_wh
        if type(width) is int and type(height) is int and width > 0 and height > 0:
            return image_wh
    try:
        width, height = image_wh
    except (TypeError, ValueError):
        raise BuildError(
            f"image_wh must be (width, height) of the image in pixels, got {image_wh!r}"
        ) from None
    if not (_is_real(width) and _is_real(height)):
        raise BuildError(
            f"image_wh must be (width, height) in pixels as two numbers, got "
            f"({width!r}, {height!r}); pass plain ints, e.g. (int(w), int(h))"
        )
    w, h = float(width), float(height)
    if not (w > 0 and h > 0 and w.is_integer() and h.is_integer()):  # also refuses inf, NaN
        raise BuildError(
            f"image_wh must be (width, height) in pixels as two positive whole numbers, "
            f"got ({width!r}, {height!r})"
        )
    return int(w), int(h)


def _is_real(value: Any) -> bool:
    """A real number of Python or numpy (not a bool, string, array or complex)."""
    kind = type(value)
    if kind is int or kind is float:
        return True
    return kind.__module__ == "numpy" and isinstance(value, (np.integer, np.floating))


def _floats(
    values: ArrayLike,
    name: str,
    last: tuple[int, ...],
    *,
    single: bool,
    rows: str = "N",
    hint: str = "",
    finite: bool = True,
) -> FloatArray:
    """``values`` as float64 of shape ``last`` (one) or ``(N, *last)`` (batch).

    With ``finite`` (the default) NaN and infinity are refused here; callers whose range
    checks already fail on them pass False and call :func:`_check_finite` on their slow path.
    """
    array = real_array(values, name)
    if single:
        if array.shape != last:
            want = "(" + ", ".join(map(str, last)) + ("," if len(last) == 1 else "") + ")"
            raise BuildError(f"{name} must have shape {want}, got {array.shape}{hint}")
        array = array[np.newaxis]
    else:
        if array.size == 0 and array.ndim < len(last) + 1:
            array = array.reshape((0, *last))
        if array.ndim != len(last) + 1 or array.shape[1:] != last:
            want = "(" + ", ".join([rows, *map(str, last)]) + ")"
            if not hint and len(last) == 1:
                hint = rows_shape_hint(array.shape, last[0])
            raise BuildError(f"{name} must have shape {want}, got {array.shape}{hint}")
    if finite:
        _check_finite(array, name, single=single)
    return array


def _check_finite(array: FloatArray, name: str, *, single: bool) -> None:
    if np.isfinite(array).all():
        return
    rows_ok = np.isfinite(array).reshape(array.shape[0], -1).all(axis=1)
    index = int(np.flatnonzero(~rows_ok)[0])
    raise BuildError(
        f"{_loc(name, None if single else index)} must be finite, got {_fmt(array[index])}"
    )


def _unit_hint(name: str, units: str, values: FloatArray) -> str:
    """A hint when numbers outside the image are clearly in other units (not a slight
    overshoot, which a detector may well produce and ``clip=True`` handles)."""
    stem = name.rsplit("_", 1)[0]
    biggest = float(np.max(np.abs(values))) if values.size else 0.0
    if units == "norm" and biggest > 1.5:
        return (
            f"; values above 1 are not 0-1 fractions: for percent pass {stem}_pct=, "
            f"for pixels {stem}_px="
        )
    if units == "pct" and biggest > 150.0:
        return f"; values above 100 are not percent: for pixels pass {stem}_px="
    return ""


def _swapped_hint(units: str, points_px: FloatArray, wh: tuple[int, int]) -> str:
    """A hint when pixel points that do not fit ``wh`` all fit the swapped size.

    numpy's ``img.shape[:2]`` is ``(height, width)``; passing it as ``image_wh`` puts a
    detector's boxes outside the image, and ``clip=True`` would then squash them silently.
    ``points_px`` is every ``(x, y)`` of the call, in pixels.
    """
    width, height = wh
    if units != "px" or width == height or not points_px.size:
        return ""
    xy = points_px.reshape(-1, 2)
    tol = 0.5
    fits = (xy.min() >= -tol) and (xy[:, 0].max() <= height + tol)
    if not fits or xy[:, 1].max() > width + tol:
        return ""
    return (
        f"; every point fits a {height}x{width} image: image_wh is (width, height), did you "
        f"pass img.shape[:2], which is (height, width)? Use image_wh=({height}, {width}); "
        "if not, the shape is outside the image"
    )


def _pick(kind: str, pairs: Sequence[tuple[str, Any]]) -> tuple[str, Any]:
    """The one geometry argument given among ``pairs``."""
    given = [(name, value) for name, value in pairs if value is not None]
    if len(given) == 1:
        return given[0]
    names = ", ".join(f"{name}=" for name, _ in pairs)
    if not given:
        raise BuildError(f"give the {kind} as one of {names}")
    raise BuildError(
        f"give the {kind} once, as one of {names}; got {', '.join(n for n, _ in given)}"
    )


def _one_given(values: tuple[Any, ...]) -> int:
    """The index of the only value that is not None, or -1 (none, or several)."""
    found = -1
    for index, value in enumerate(values):
        if value is not None:
            if found >= 0:
                return -1
            found = index
    return found


def _pick_units(kind: str, stem: str, values: tuple[Any, Any, Any]) -> tuple[str, Any, _u.Units]:
    """The one of ``<stem>_px``, ``<stem>_norm``, ``<stem>_pct`` given, its value and units."""
    arg, value = _pick(kind, tuple(zip(_unit_args(stem), values, strict=True)))
    return arg, value, cast("_u.Units", arg.rsplit("_", 1)[1])


@functools.cache
def _unit_args(stem: str) -> tuple[str, ...]:
    return tuple(f"{stem}_{units}" for units in _u.UNITS)


def _per_row(
    values: ArrayLike, name: str, count: int, *, single: bool, finite: bool = True
) -> FloatArray:
    """``values`` as ``(count,)`` floats: one number for every row, or (batch) one per row.

    With ``finite`` (the default) NaN and infinity are refused, naming the row when one was
    given per row.
    """
    array = real_array(values, name)
    if array.ndim == 0:
        array = np.broadcast_to(array, (count,))
    else:
        if array.size == 0:
            array = array.reshape(0)
        if single or array.shape != (count,):
            want = "one number" if single else f"one number or have shape ({count},)"
            raise BuildError(f"{name} must be {want}, got shape {array.shape}")
    if finite and not np.isfinite(array).all():
        index = int(np.flatnonzero(~np.isfinite(array))[0])
        where = name if np.ndim(values) == 0 else f"{name}[{index}]"
        raise BuildError(f"{where} must be finite, got {array[index]}")
    return array


def _fractions_error(subject: str, name: str) -> BuildError:
    """The error for px numbers that all fit in 1 px: ``subject`` says what lies there."""
    return BuildError(
        f"{subject} within 1 px of the image corner: the values look like 0-1 fractions; "
        f"pass {name.rsplit('_', 1)[0]}_norm= instead"
    )
