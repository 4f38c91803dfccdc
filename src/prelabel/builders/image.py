"""Image region builders: rectangles, polygons, ellipses, keypoints, vectors, bitmasks, and
labels on image regions.

Every builder takes its geometry under a name that carries the format and the units
(``xyxy_px``, ``cxcywh_norm``, ``points_pct``, ...) plus ``image_wh=(width, height)`` in
pixels, and writes Label Studio percent with ``original_width``, ``original_height`` and
``image_rotation`` on the result. Input that would be drawn somewhere else than meant (a box
outside the image, inverted, in the wrong units, NaN) raises :class:`~prelabel.BuildError`
at once. Each builder has a batch twin (``box`` / ``boxes``, ``polygon`` / ``polygons``, ...)
that does the arithmetic once over numpy arrays and only loops to assemble dicts.

>>> from prelabel import LabelConfig, RectangleLabels
>>> config = LabelConfig.parse('<View><Image name="image" value="$image"/>'
...     '<RectangleLabels name="label" toName="image"><Label value="Airplane"/>'
...     '</RectangleLabels></View>')
>>> boxes = config.control("label", RectangleLabels)
>>> region = boxes.box(xyxy_px=(30, 120, 330, 220), image_wh=(600, 400), label="Airplane",
...                    score=0.91, id="r1")
>>> region.result["value"]  # doctest: +NORMALIZE_WHITESPACE
{'x': 5.0, 'y': 30.0, 'width': 50.0, 'height': 25.0, 'rotation': 0.0,
 'rectanglelabels': ['Airplane']}
"""

from __future__ import annotations

import functools
import itertools
import struct
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ParamSpec, TypeAlias, TypeVar, cast

from .. import ids as _ids
from .. import units as _u
from .._lazy import lazy_module
from ..errors import BuildError, LabelError
from ..results import Region, Result
from ..tags.base import ControlTag
from ._common import check_id, check_score, make_result, pick_target

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    ArrayLike: TypeAlias = npt.ArrayLike
    FloatArray: TypeAlias = npt.NDArray[np.float64]
else:
    np = lazy_module("numpy")


if TYPE_CHECKING:
    from ..tags.controls import LabelingControl

__all__ = [
    "EDGE_TOLERANCE_PCT",
    "KEYPOINT_WIDTH_PCT",
    "ROTATED_TOLERANCE_PX",
    "BitmaskBuilder",
    "EllipseBuilder",
    "ImageLabelsBuilder",
    "KeyPointBuilder",
    "PolygonBuilder",
    "RectangleBuilder",
    "VectorBuilder",
    "mask_to_data_url",
]

KEYPOINT_WIDTH_PCT = 0.5
"""Default keypoint ``width`` (the drawn radius), in percent of the image width."""

EDGE_TOLERANCE_PCT = 1e-6
"""Float round-off allowed past an image edge (percent); such values are snapped to the edge."""

ROTATED_TOLERANCE_PX = 1.0
"""How far a rotated box's corner may stick out of the image, and how far four given corners
may be from a true rectangle, in pixels (detectors and DOTA-style labels round corners)."""

Label: TypeAlias = "str | Sequence[str]"
ImageWH: TypeAlias = "tuple[int, int]"
P = ParamSpec("P")
T = TypeVar("T")

_UNIT_WORD = {"px": " px", "norm": "", "pct": "%"}
_UNIT_LIMIT = {"norm": 1.0, "pct": 100.0}
_BOX_FORMATS = {
    "xyxy": "(x1, y1, x2, y2), top-left corner first",
    "xywh": "(x, y, width, height) with x, y the top-left corner",
    "cxcywh": "(centre x, centre y, width, height)",
}
# Result types of tools without labels of their own: a <Labels> result can label their regions.
_UNLABELED_TOOLS = frozenset(
    {"rectangle", "polygon", "ellipse", "keypoint", "vector", "bitmask", "brush", "magicwand"}
)


# --- ids -----------------------------------------------------------------------------------

_fresh_ids = _ids.new_ids
_fresh_id = _ids.new_id
_new_region = object.__new__


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
        w, h = float(width), float(height)
    except (TypeError, ValueError):
        raise BuildError(
            f"image_wh must be (width, height) of the image in pixels, got {image_wh!r}"
        ) from None
    if not (w > 0 and h > 0 and w.is_integer() and h.is_integer()):
        raise BuildError(
            f"image_wh must be (width, height) in pixels as two positive whole numbers, "
            f"got {tuple(image_wh)}"
        )
    return int(w), int(h)


def _image_keys(
    control: ControlTag, image_wh: Any, to_name: str | None, item_index: int | None
) -> tuple[str, tuple[int, int], dict[str, Any]]:
    """Target name, checked image size and the result-level keys of an image result."""
    target = pick_target(control, to_name)
    wh = _check_image_wh(image_wh)
    keys: dict[str, Any] = {"original_width": wh[0], "original_height": wh[1], "image_rotation": 0}
    if getattr(target, "value_list", False):
        if item_index is None:
            raise BuildError(
                f"<{target.tag} name={target.name!r}> shows a list of images (valueList); "
                "pass item_index= (0-based) to say which image the region is on"
            )
        if isinstance(item_index, bool) or not isinstance(item_index, (int, np.integer)):
            raise BuildError(f"item_index must be an integer, got {type(item_index).__name__}")
        if item_index < 0:
            raise BuildError(f"item_index must be 0 or more, got {item_index}")
        keys["item_index"] = int(item_index)
    elif item_index is not None:
        raise BuildError(
            f"<{target.tag} name={target.name!r}> shows one image; item_index= is only for "
            "images with valueList"
        )
    return target.name, wh, keys


Start: TypeAlias = "tuple[tuple[int, int], dict[str, Any]]"


class _Memo:
    """What builders keep per control: resolved labels, ``predicted_values``, templates."""

    __slots__ = ("classes", "control", "labels", "predicted", "simple", "starts")

    def __init__(self, control: ControlTag) -> None:
        self.control = control  # held, so its id() cannot be reused while memoized
        self.labels: dict[str, tuple[str, ...]] = {}
        self.predicted: dict[str, str] | None = None
        self.starts: dict[Any, Start] = {}
        # The usual call (no to_name, item_index, readonly, hidden), by image size: unscored
        # calls in [False], scored ones in [True].
        self.simple: tuple[dict[Any, Start], dict[Any, Start]] = ({}, {})
        # class_names (as a hashable key) -> {class id: its labels}, for class ids seen so far
        self.classes: dict[Any, dict[int, tuple[str, ...]]] = {}


# Keyed by the control itself: tags compare and hash by identity (dataclass eq=False), so
# this is a cheap lookup that allocates nothing (id() would create an int each time).
_memos: dict[ControlTag, _Memo] = {}


def _memo(control: ControlTag) -> _Memo:
    memo = _memos.get(control)
    if memo is None or memo.control is not control:
        if len(_memos) > 1024:
            _memos.clear()
        memo = _memos[control] = _Memo(control)
    return memo


def _start(
    control: ControlTag,
    image_wh: Any,
    to_name: str | None,
    item_index: int | None,
    scored: bool,
    readonly: bool | None,
    hidden: bool | None,
    memo: _Memo | None = None,
) -> Start:
    """The checked image size and the result template of a builder call.

    The template comes from :func:`make_result` (key order, target, image keys, flags, a
    score placeholder when ``scored``) and is kept per control and arguments, since a
    pipeline calls with the same ones over and over.
    """
    memo = memo or _memo(control)
    if to_name is None and item_index is None and readonly is None and hidden is None:
        key: Any = image_wh  # the usual call: kept by image size alone
        starts = memo.simple[scored]
    else:
        key = (image_wh, to_name, item_index, type(item_index), scored, readonly, hidden)
        starts = memo.starts
    try:
        found = starts.get(key) if type(image_wh) is tuple else None
    except TypeError:  # something unhashable: checked (and refused) below
        found, key = None, None
    if found is not None:
        return found
    target, wh, keys = _image_keys(control, image_wh, to_name, item_index)
    template = make_result(
        control,
        {},
        to_name=target,
        id="template",
        score=0.0 if scored else None,
        readonly=readonly,
        hidden=hidden,
        **keys,
    )
    start = (wh, cast("dict[str, Any]", template))
    if key is not None and type(image_wh) is tuple:
        if len(starts) > 256:
            starts.clear()
        starts[key] = start
    return start


def _resolve(control: ControlTag, label: Label | None) -> list[str] | None:
    """The labels a result carries, or None for a tool without labels."""
    return _resolve_memo(control, label, None)


def _resolve_memo(control: ControlTag, label: Label | None, memo: _Memo | None) -> list[str] | None:
    """:func:`_resolve` with the control's memo at hand."""
    if not control.has_labels:
        if label is not None:
            raise BuildError(
                f"<{control.tag} name={control.name!r}> draws regions without labels and takes "
                f"no label; label its regions with a <Labels> control: "
                f"labels.for_region(region, {label!r})"
            )
        return None
    if label is None:
        labeling = cast("LabelingControl", control)
        raise LabelError(
            f"<{control.tag} name={control.name!r}> needs a label: pass label=... "
            f"(labels: {', '.join(repr(v) for v in labeling.label_values[:10])})"
        )
    return _labels_of(cast("LabelingControl", control), label, memo)


def _labels_of(control: LabelingControl, label: Label, memo: _Memo | None = None) -> list[str]:
    """``control.resolve_labels(label)`` as plain strings, kept for single labels (it walks
    the whole label tree on every call)."""
    if not isinstance(label, str):
        return [str(v) for v in control.resolve_labels(label)]
    cache = (memo or _memo(control)).labels
    found = cache.get(label)
    if found is None:
        found = tuple(str(v) for v in control.resolve_labels(label))
        cache[label] = found
    return list(found)


def _batch_labels(
    control: ControlTag,
    count: int,
    what: str,
    *,
    label: Label | None,
    labels: Sequence[Label] | None,
    class_ids: ArrayLike | None,
    class_names: Sequence[str] | Mapping[int, str] | None,
) -> list[list[str]] | None:
    """One label list per region from ``label``, ``labels`` or ``class_ids`` + ``class_names``."""
    given = [
        n
        for n, v in (("label", label), ("labels", labels), ("class_ids", class_ids))
        if v is not None
    ]
    if not control.has_labels:
        if given or class_names is not None:
            raise BuildError(
                f"<{control.tag} name={control.name!r}> draws regions without labels and takes "
                f"no {given[0] if given else 'class_names'}; label its regions with a <Labels> "
                "control: labels.for_regions(regions, ...)"
            )
        return None
    if len(given) != 1:
        raise LabelError(
            f"<{control.tag} name={control.name!r}> needs labels: pass one of label= (the same "
            f"for every region), labels= (one per region) or class_ids= with class_names="
            + (f"; got {', '.join(given)}" if given else "")
        )
    labeling = cast("LabelingControl", control)
    if label is not None:
        resolved = _labels_of(labeling, label)
        return [list(resolved) for _ in range(count)]
    if labels is not None:
        if isinstance(labels, str):
            raise LabelError(
                f"labels= takes one label per region (a list); for the same label on every "
                f"region pass label={labels!r}"
            )
        items = list(labels)
        if len(items) != count:
            raise LabelError(f"labels has {len(items)} items; expected {count}, one per {what}")
        cache: dict[Any, list[str]] = {}
        out = []
        for index, item in enumerate(items):
            key = item if isinstance(item, str) else tuple(item) if isinstance(item, list) else None
            found = None if key is None else cache.get(key)
            if found is None:
                try:
                    found = _labels_of(labeling, item)
                except LabelError as error:
                    raise LabelError(f"labels[{index}]: {error}") from None
                if key is not None:
                    cache[key] = found
            out.append(list(found))
        return out
    return _class_labels(labeling, count, what, cast("ArrayLike", class_ids), class_names)


def _class_labels(
    control: LabelingControl,
    count: int,
    what: str,
    class_ids: ArrayLike,
    class_names: Sequence[str] | Mapping[int, str] | None,
) -> list[list[str]]:
    if class_names is None:
        raise LabelError(
            "class_ids needs class_names= (the model's class names: a list, or a dict "
            "{class_id: name})"
        )
    ids = np.asarray(class_ids)
    if ids.size == 0:
        ids = ids.reshape(0)
    if ids.shape != (count,):
        raise BuildError(f"class_ids must have shape ({count},), one per {what}, got {ids.shape}")
    if ids.dtype.kind == "f":
        whole = np.isfinite(ids) & (ids == np.round(ids))
        if not whole.all():
            bad = int(np.flatnonzero(~whole)[0])
            raise BuildError(f"class_ids[{bad}] = {ids[bad]} is not a whole number")
        ids = ids.astype(np.int64)
    elif ids.dtype.kind not in "iu":
        raise BuildError(f"class_ids must be integers, got dtype {ids.dtype}")
    names = class_names
    mapping = isinstance(names, Mapping)
    id_list: list[int] = ids.tolist()
    tables = _memo(control).classes
    try:
        table_key: Any = tuple(names.items()) if mapping else tuple(names)  # type: ignore[union-attr]
        table = tables.get(table_key)
    except TypeError:  # unhashable names: nothing is kept
        table_key = table = None
    if table is not None:
        try:
            return list(map(list, map(table.__getitem__, id_list)))  # a fresh list each
        except KeyError:  # a class id not seen yet with these names: resolved below
            pass
    resolved: dict[int, list[str]] = {}
    for class_id in set(id_list):
        if (class_id not in names) if mapping else not (0 <= class_id < len(names)):
            raise LabelError(
                f"class_ids[{id_list.index(class_id)}] = {class_id} has no name in class_names "
                f"(it has {len(names)})"
            )
        name = str(names[class_id])
        predicted = _predicted_values(control).get(name)
        if predicted is not None:
            resolved[class_id] = [predicted]
            continue
        try:
            resolved[class_id] = _labels_of(control, name)
        except LabelError as error:
            raise LabelError(
                f"class_ids[{id_list.index(class_id)}] = {class_id}: {error}; keep only "
                "detections of classes the config labels, or map class names to labels"
            ) from None
    if table_key is not None:
        if table is None:
            if len(tables) > 64:
                tables.clear()
            table = tables[table_key] = {}
        table.update((i, tuple(found)) for i, found in resolved.items())
    return [list(resolved[i]) for i in id_list]


def _predicted_values(control: LabelingControl) -> dict[str, str]:
    """Model class names mapped to labels by the config's ``predicted_values="a,b"``."""
    memo = _memo(control)
    if memo.predicted is None:
        memo.predicted = {
            alias: node.result_value
            for node in control.iter_labels()
            for alias in node.predicted_values
        }
    return memo.predicted


def _batch_scores(scores: ArrayLike | None, count: int, what: str) -> list[float] | None:
    if scores is None:
        return None
    array = np.asarray(scores, dtype=np.float64)
    if array.size == 0:
        array = array.reshape(0)
    if array.shape != (count,):
        raise BuildError(f"scores must have shape ({count},), one per {what}, got {array.shape}")
    out: list[float] = array.tolist()
    if count == 0:
        return out
    # min() and max() skip a NaN that is not first, the sum does not: all three, or numpy.
    low, high, total = min(out), max(out), sum(out)
    if low >= 0.0 and high <= 1.0 and total == total:
        return out
    bad = ~((array >= 0.0) & (array <= 1.0))
    if bad.any():
        index = int(np.flatnonzero(bad)[0])
        value = float(array[index])
        hint = " (looks like a percentage: divide by 100)" if 1.0 < value <= 100.0 else ""
        raise BuildError(f"scores[{index}] must be between 0 and 1, got {value}{hint}")
    return cast("list[float]", array.tolist())


def _batch_ids(ids: Sequence[str] | None, count: int, what: str) -> list[str]:
    if ids is None:
        return _fresh_ids(count)
    if isinstance(ids, str):
        raise BuildError("ids= takes one id per region (a list of strings), not one string")
    out = [check_id(i) for i in ids]
    if len(out) != count:
        raise BuildError(f"ids has {len(out)} items; expected {count}, one per {what}")
    seen: set[str] = set()
    for region_id in out:
        if region_id in seen:
            raise BuildError(
                f"ids repeats {region_id!r}; every region needs its own id (Label Studio "
                "merges regions that share one)"
            )
        seen.add(region_id)
    return out


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
    if isinstance(values, (str, bytes)):
        raise BuildError(f"{name} must be numbers, got {type(values).__name__}")
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise BuildError(f"{name} must be numbers, got {type(values).__name__}") from None
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


# --- boxes ---------------------------------------------------------------------------------

_BOX_ARGS: dict[str, tuple[str, _u.Units]] = {
    f"{fmt}_{units}": (fmt, units) for fmt in _BOX_FORMATS for units in _u.UNITS
}
_CORNER_ARGS: dict[str, _u.Units] = {f"corners_{units}": units for units in _u.UNITS}
_BOX_KEYWORDS = (*_BOX_ARGS, *_CORNER_ARGS)
_AXIS_ARGS = len(_BOX_ARGS)  # the keywords before this index are axis-aligned boxes
_BOX_GEOMETRY = ("x", "y", "width", "height", "rotation")


def _axis_boxes_pct(
    raw: FloatArray,
    *,
    name: str,
    fmt: str,
    units: _u.Units,
    wh: tuple[int, int],
    clip: bool,
    single: bool,
) -> FloatArray:
    """Checked ``(N, 4)`` Label Studio percent ``x, y, width, height`` of axis-aligned boxes."""
    xywh = raw.copy()
    if fmt == "xyxy":
        xywh[:, 2:] -= raw[:, :2]
    elif fmt == "cxcywh":
        xywh[:, :2] -= raw[:, 2:] / 2.0
    margins, offsets, scale = _margins(units, wh)
    pct = xywh * scale
    # The common case in three array operations: every margin of every box is >= 0 (NaN
    # fails too). Anything else takes the slow path, which explains what is wrong.
    if raw.shape[0] == 0 or (pct @ margins + offsets).min() >= 0.0:
        return pct
    _check_finite(raw, name, single=single)
    for axis, (size_name, first, second) in enumerate(
        (("width", "x1", "x2"), ("height", "y1", "y2"))
    ):
        size = xywh[:, 2 + axis]
        bad = ~(size > 0)
        if bad.any():
            index = int(np.flatnonzero(bad)[0])
            where = f"{_loc(name, None if single else index)}={_fmt(raw[index])}"
            if size[index] == 0:
                raise BuildError(f"{where} is empty: its {size_name} is 0")
            if fmt == "xyxy":
                start, end = raw[index, axis], raw[index, 2 + axis]
                raise BuildError(
                    f"{where} is inverted: {second} ({end:g}) < {first} ({start:g}); "
                    f"xyxy is {_BOX_FORMATS['xyxy']}"
                )
            raise BuildError(
                f"{where} has a negative {size_name} ({size[index]:g}); "
                f"{fmt} is {_BOX_FORMATS[fmt]}"
            )
    left, top = pct[:, 0], pct[:, 1]
    right, bottom = left + pct[:, 2], top + pct[:, 3]
    low, high = -EDGE_TOLERANCE_PCT, 100.0 + EDGE_TOLERANCE_PCT
    outside = (left < low) | (top < low) | (right > high) | (bottom > high)
    if outside.any() and not clip:
        index = int(np.flatnonzero(outside)[0])
        edges = (
            ("left", left[index], 0, wh[0]),
            ("top", top[index], 0, wh[1]),
            ("right", right[index], 1, wh[0]),
            ("bottom", bottom[index], 1, wh[1]),
        )
        side, edge_pct, past, size_px = next(
            e for e in edges if (e[1] < low if e[2] == 0 else e[1] > high)
        )
        limit = 0.0 if past == 0 else _limit(units, size_px)
        edge = _from_pct(edge_pct, units, size_px)
        unit = _UNIT_WORD[units]
        op = "<" if past == 0 else ">"
        hint = _unit_hint(name, units, raw[index]) or "; pass clip=True to clip it to the image"
        raise BuildError(
            f"{_loc(name, None if single else index)}={_fmt(raw[index])} reaches outside the "
            f"{wh[0]}x{wh[1]} image: {side} edge at {edge:g}{unit} {op} {limit:g}{unit}{hint}"
        )
    if units == "px":
        corners = np.concatenate([xywh[:, :2], xywh[:, :2] + xywh[:, 2:]], axis=1)
        tiny = np.all(np.abs(corners) <= 1.0, axis=1)
        if tiny.any():
            index = int(np.flatnonzero(tiny)[0])
            raise BuildError(
                f"{_loc(name, None if single else index)}={_fmt(raw[index])} lies within 1 px "
                f"of the image corner: the values look like 0-1 fractions; pass {fmt}_norm= "
                "instead"
            )
    if not ((left < 0.0) | (top < 0.0) | (right > 100.0) | (bottom > 100.0)).any():
        return pct  # the same numbers the fast paths give
    x1, y1 = np.clip(left, 0.0, 100.0), np.clip(top, 0.0, 100.0)
    x2, y2 = np.clip(right, 0.0, 100.0), np.clip(bottom, 0.0, 100.0)
    if outside.any():
        empty = ~((x2 > x1) & (y2 > y1))
        if empty.any():
            index = int(np.flatnonzero(empty)[0])
            raise BuildError(
                f"{_loc(name, None if single else index)}={_fmt(raw[index])} lies entirely "
                f"outside the {wh[0]}x{wh[1]} image; nothing is left after clipping"
            )
    return np.stack([x1, y1, x2 - x1, y2 - y1], axis=1)


Margins: TypeAlias = "tuple[FloatArray, FloatArray, FloatArray]"
_margins_cache: dict[tuple[str, tuple[int, int]], Margins] = {}


def _margins(units: str, wh: tuple[int, int]) -> Margins:
    """``(M, b, scale)`` for the fast check of boxes ``P`` (``x, y, w, h`` percent rows).

    ``P * scale`` turns ``units`` into percent, and ``P @ M + b`` gives each box's margins:
    ``x``, ``y``, ``w``, ``h``, ``100 - x - w``, ``100 - y - h`` and, for pixels, how far
    the far corner's ``x2 + y2`` exceeds 2 px (if all corners were within 1 px of the
    origin, it could not). The margins are a little stricter than the rules, so a box on an
    edge or a tiny one takes the slow path, which decides exactly.
    """
    key = (units, wh)
    found = _margins_cache.get(key)
    if found is None:
        width, height = wh
        # x / W * 100 is x * (100 / W): the scalar path in _fast_box uses the same factor.
        fx, fy = {"px": (100.0 / width, 100.0 / height), "norm": (100.0, 100.0)}.get(
            units, (1.0, 1.0)
        )
        columns: list[tuple[list[float], float]] = [
            ([1, 0, 0, 0], 0.0),
            ([0, 1, 0, 0], 0.0),
            ([0, 0, 1, 0], -1e-12),
            ([0, 0, 0, 1], -1e-12),
            ([-1, 0, -1, 0], 100.0 - 1e-9),
            ([0, -1, 0, -1], 100.0 - 1e-9),
        ]
        if units == "px":
            sx, sy = width / 100.0, height / 100.0
            columns.append(([sx, sy, sx, sy], -2.0 - 1e-9))
        margins = np.array([c for c, _ in columns], dtype=np.float64).T
        offsets = np.array([b for _, b in columns], dtype=np.float64)
        if len(_margins_cache) > 256:
            _margins_cache.clear()
        found = _margins_cache[key] = (margins, offsets, np.array([fx, fy, fx, fy]))
    return found


def _limit(units: str, size_px: int) -> float:
    return float(size_px) if units == "px" else _UNIT_LIMIT[units]


def _from_pct(value: float, units: str, size_px: int) -> float:
    if units == "px":
        return float(value) / 100.0 * size_px
    return float(value) / (100.0 if units == "norm" else 1.0)


def _rotated_pct(
    box_px: FloatArray,
    raw: FloatArray,
    *,
    name: str,
    units: _u.Units,
    wh: tuple[int, int],
    single: bool,
) -> FloatArray:
    """Checked ``(N, 5)`` percent ``x, y, width, height, rotation`` of canonical rotated boxes.

    ``box_px`` is ``(N, 5)`` centre, size and angle in pixels, already closest to upright.
    """
    corners = _u._centre_corners_px(box_px)
    # How far each corner sticks out of the image, in pixels (<= 0 inside).
    over = np.maximum(
        np.maximum(-corners[..., 0], corners[..., 0] - wh[0]),
        np.maximum(-corners[..., 1], corners[..., 1] - wh[1]),
    )
    outside = over.max(axis=1) > ROTATED_TOLERANCE_PX
    if outside.any():
        index = int(np.flatnonzero(outside)[0])
        worst = corners[index, int(np.argmax(over[index]))]
        hint = _unit_hint(name, units, raw[index]) or (
            "; a rotated box cannot be clipped and stay a rectangle: shrink it or drop it"
        )
        raise BuildError(
            f"{_loc(name, None if single else index)}={_fmt(raw[index])} reaches outside the "
            f"{wh[0]}x{wh[1]} image: a corner is at {_fmt(worst)} px{hint}"
        )
    pct = _u.rotated_px_to_percent(box_px, image_wh=wh, upright=False)
    too_big = (pct[:, 2] > 100.0) | (pct[:, 3] > 100.0)
    if too_big.any():
        # Near 45 degrees the other description of the same box (sides swapped, turned a
        # quarter) may fit Label Studio's width and height <= 100 percent where this one does not.
        first = pct.copy()
        other = box_px[too_big][:, [0, 1, 3, 2, 4]]
        other[:, 4] += np.where(other[:, 4] < 0.0, 90.0, -90.0)
        pct[too_big] = _u.rotated_px_to_percent(other, image_wh=wh, upright=False)
        too_big = (pct[:, 2] > 100.0) | (pct[:, 3] > 100.0)
    if too_big.any():
        index = int(np.flatnonzero(too_big)[0])
        (w1, h1), (w2, h2) = first[index, 2:4].tolist(), pct[index, 2:4].tolist()
        raise BuildError(
            f"{_loc(name, None if single else index)}={_fmt(raw[index])} does not fit Label "
            f"Studio's percent bounds either way: its width and height are {w1:.4g}% and "
            f"{h1:.4g}% of the image's, or {w2:.4g}% and {h2:.4g}% with the sides swapped; "
            "its validator rejects either above 100"
        )
    # A corner may overshoot by rounding; keep the stored corner inside what the SDK accepts.
    pct[:, 0] = np.clip(pct[:, 0], 0.0, 100.0)
    pct[:, 1] = np.clip(pct[:, 1], 0.0, 100.0)
    return pct


@_quiet
def _boxes_pct(
    arg: str,
    value: ArrayLike,
    angle_deg: ArrayLike | None,
    *,
    wh: tuple[int, int],
    clip: bool,
    single: bool,
) -> FloatArray:
    """Any box argument to percent: ``(N, 4)`` ``x, y, width, height`` for axis-aligned boxes,
    ``(N, 5)`` with ``rotation`` for rotated ones."""
    if arg in _CORNER_ARGS:
        units = _CORNER_ARGS[arg]
        if angle_deg is not None:
            raise BuildError(f"{arg} already fixes the angle; drop angle_deg")
        if clip:
            raise BuildError(_NO_CLIP_ROTATED)
        raw = _floats(value, arg, (4, 2), single=single)
        return _corner_boxes_pct(raw, name=arg, units=units, wh=wh, single=single)
    fmt, units = _BOX_ARGS[arg]
    if angle_deg is None:
        try:
            raw = _floats(value, arg, (4,), single=single, finite=False)
        except BuildError:  # again, with the hint that the message may carry
            raw = _floats(
                value, arg, (4,), single=single, hint=_box_shape_hint(value, single), finite=False
            )
        return _axis_boxes_pct(raw, name=arg, fmt=fmt, units=units, wh=wh, clip=clip, single=single)
    raw = _floats(value, arg, (4,), single=single, hint=_box_shape_hint(value, single))
    if fmt != "cxcywh":
        raise BuildError(
            f"angle_deg turns a box about its centre; give the box as cxcywh_{units}= "
            f"(centre x, centre y, width, height), not {arg}="
        )
    if clip:
        raise BuildError(_NO_CLIP_ROTATED)
    angles = np.asarray(angle_deg, dtype=np.float64)
    if single and angles.shape != ():
        raise BuildError(f"angle_deg must be one number, got shape {angles.shape}")
    if not single:
        angles = np.broadcast_to(angles, (raw.shape[0],)) if angles.ndim == 0 else angles
        if angles.size == 0:
            angles = angles.reshape(0)
        if angles.shape != (raw.shape[0],):
            raise BuildError(
                f"angle_deg must be one number or have shape ({raw.shape[0]},), got {angles.shape}"
            )
    angles = np.atleast_1d(angles)
    finite = np.isfinite(angles)
    if not finite.all():
        index = int(np.flatnonzero(~finite)[0])
        raise BuildError(
            f"{_loc('angle_deg', None if single else index)} must be finite, got {angles[index]}"
        )
    sizes = raw[:, 2:]
    bad = ~(sizes > 0).all(axis=1)
    if bad.any():
        index = int(np.flatnonzero(bad)[0])
        which = "width" if not sizes[index, 0] > 0 else "height"
        raise BuildError(
            f"{_loc(arg, None if single else index)}={_fmt(raw[index])} has a "
            f"{'zero' if sizes[index].min() == 0 else 'negative'} {which}"
        )
    fx, fy = _u._px_scale(units, wh)
    box_px = np.empty((raw.shape[0], 5))
    box_px[:, :4] = raw * np.array([fx, fy, fx, fy])
    box_px[:, :4], box_px[:, 4] = _u.canonical_rotated(box_px[:, :4], angles)
    return _rotated_pct(box_px, raw, name=arg, units=units, wh=wh, single=single)


_NO_CLIP_ROTATED = (
    "clip=True works on axis-aligned boxes only: a rotated box cannot be clipped and stay a "
    f"rectangle (its corners may stick out by up to {ROTATED_TOLERANCE_PX:g} px)"
)


def _box_shape_hint(value: Any, single: bool) -> str:
    shape: tuple[int, ...] = np.shape(value) if not isinstance(value, (str, bytes)) else ()
    if single and len(shape) == 2 and shape[0] == 1:
        return "; for one box pass a flat (4,) row, for many use boxes()"
    if single and len(shape) == 2 and shape[1] == 4:
        return "; for many boxes use boxes()"
    if (single and shape == (4, 2)) or (not single and shape[1:] == (4, 2)):
        return "; for four corner points use corners_px= / corners_norm= / corners_pct="
    if shape[-1:] == (5,):
        return "; for a rotated box pass cxcywh_* with angle_deg="
    return ""


def _corner_boxes_pct(
    raw: FloatArray, *, name: str, units: _u.Units, wh: tuple[int, int], single: bool
) -> FloatArray:
    fx, fy = _u._px_scale(units, wh)
    pts_px = raw * np.array([fx, fy])
    nxt = np.roll(pts_px, -1, axis=1)
    area = np.abs(np.sum(pts_px[..., 0] * nxt[..., 1] - nxt[..., 0] * pts_px[..., 1], axis=1))
    flat = ~(area > 1e-9)
    if flat.any():
        index = int(np.flatnonzero(flat)[0])
        raise BuildError(
            f"{_loc(name, None if single else index)}={_fmt(raw[index])} has zero area "
            "(the corners are on one line)"
        )
    fitted = _u.corners_to_rotated(pts_px, units="px", image_wh=wh)
    residual = _u.corner_residual_px(pts_px, fitted)
    skew = residual > ROTATED_TOLERANCE_PX
    if skew.any():
        index = int(np.flatnonzero(skew)[0])
        raise BuildError(
            f"{_loc(name, None if single else index)}={_fmt(raw[index])} is not a rectangle: "
            f"a corner is {residual[index]:.3g} px from the best-fitting rectangle "
            f"(tolerance {ROTATED_TOLERANCE_PX:g} px); the corners must go around the box in "
            "order, and a quadrilateral belongs to a polygon tool"
        )
    return _rotated_pct(fitted, raw, name=name, units=units, wh=wh, single=single)


def _fast_box(
    value: Any, fmt: str, units: str, wh: tuple[int, int]
) -> tuple[float, float, float, float] | None:
    """Percent ``x, y, w, h`` of one ordinary box in plain Python, or None to take the
    checked numpy path (which also writes every error message)."""
    kind = type(value)
    if kind is not list and kind is not tuple and isinstance(value, (str, bytes)):
        return None
    try:
        a, b, c, d = value
        if not type(a) is type(b) is type(c) is type(d) is float:
            a, b, c, d = float(a), float(b), float(c), float(d)
    except (TypeError, ValueError):
        return None
    if fmt == "xyxy":
        c, d = c - a, d - b
    elif fmt == "cxcywh":
        a, b = a - c / 2.0, b - d / 2.0
    if not (c > 0 and d > 0):  # also false for NaN
        return None
    if units == "px":
        # With a, b >= 0 (checked below through x, y), "every corner within 1 px of the
        # origin" is this: such a box looks like 0-1 fractions and takes the slow path.
        if a + c <= 1.0 and b + d <= 1.0:
            return None
        fx, fy = 100.0 / wh[0], 100.0 / wh[1]  # as in _margins, so both paths agree exactly
        x, y, w, h = a * fx, b * fy, c * fx, d * fy
    elif units == "norm":
        x, y, w, h = a * 100.0, b * 100.0, c * 100.0, d * 100.0
    else:
        x, y, w, h = a, b, c, d
    # True only for finite numbers: NaN fails every comparison and infinity the sums.
    if x >= 0.0 and y >= 0.0 and x + w <= 100.0 and y + h <= 100.0:
        return x, y, w, h
    return None


_PY_BOXES = 64  # up to this many boxes, plain Python beats numpy's per-call costs


def _small_float_boxes(value: Any) -> bool:
    """A float array of shape ``(N, 4)``, 0 < N <= ``_PY_BOXES``."""
    return (
        type(value) is np.ndarray
        and value.ndim == 2
        and value.shape[1] == 4
        and 0 < value.shape[0] <= _PY_BOXES
        and value.dtype.kind == "f"
    )


def _fast_box_values(
    value: FloatArray,
    fmt: str,
    units: str,
    wh: tuple[int, int],
    key: str,
    labels: list[list[str]] | None,
) -> list[dict[str, Any]] | None:
    """:func:`_fast_box` over the rows of a small float array (:func:`_small_float_boxes`),
    straight into result values: one per box when every box is ordinary, else None (the
    numpy path then decides and explains).

    The arithmetic is the numpy path's, in the same order, so both give the same numbers.
    """
    if units == "px":
        fx, fy = 100.0 / wh[0], 100.0 / wh[1]  # as in _margins
    elif units == "norm":
        fx = fy = 100.0
    else:
        fx = fy = 1.0
    tiny = units == "px"
    xyxy, centred = fmt == "xyxy", fmt == "cxcywh"
    out: list[dict[str, Any]] = []
    append = out.append
    for index, (a, b, c, d) in enumerate(value.tolist()):
        if xyxy:
            c, d = c - a, d - b
        elif centred:
            a, b = a - c / 2.0, b - d / 2.0
        x, y, w, h = a * fx, b * fy, c * fx, d * fy
        # False for NaN and infinity too (see _fast_box).
        if not (c > 0 and d > 0 and x >= 0.0 and y >= 0.0 and x + w <= 100.0 and y + h <= 100.0):
            return None
        if tiny and a + c <= 1.0 and b + d <= 1.0:
            return None
        if labels is None:
            append({"x": x, "y": y, "width": w, "height": h, "rotation": 0.0})
        else:
            append({"x": x, "y": y, "width": w, "height": h, "rotation": 0.0, key: labels[index]})
    return out


class _ImageTool(ControlTag):
    """Shared by the image builder mixins: a clear message when a builder is not there."""

    if not TYPE_CHECKING:  # hidden from mypy, which would otherwise accept any attribute

        def __getattr__(self, name: str) -> Any:
            owner = _BUILDER_OWNERS.get(name)
            if owner is None:
                raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
            raise AttributeError(_missing_builder(self, name, owner))


def _missing_builder(control: ControlTag, name: str, owner: tuple[str, tuple[str, ...]]) -> str:
    shape, tags = owner
    mine = [m for m, (_, t) in _BUILDER_OWNERS.items() if control.tag in t]
    if control.tag == "Labels":
        tail = (
            "; <Labels> labels the regions of an unlabeled tool on the same image: "
            "labels.for_region(region, ...)"
        )
    elif mine:
        tail = f"; this control makes {_BUILDER_OWNERS[mine[0]][0]} with {'() / '.join(mine)}()"
    else:
        tail = ""
    return (
        f"<{control.tag} name={control.name!r}> cannot make {shape}: {name}() belongs to "
        + " and ".join(f"<{t}>" for t in tags)
        + tail
    )


_BUILDER_OWNERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "box": ("boxes", ("RectangleLabels", "Rectangle")),
    "boxes": ("boxes", ("RectangleLabels", "Rectangle")),
    "polygon": ("polygons", ("PolygonLabels", "Polygon")),
    "polygons": ("polygons", ("PolygonLabels", "Polygon")),
    "ellipse": ("ellipses", ("EllipseLabels", "Ellipse")),
    "ellipses": ("ellipses", ("EllipseLabels", "Ellipse")),
    "point": ("keypoints", ("KeyPointLabels", "KeyPoint")),
    "points": ("keypoints", ("KeyPointLabels", "KeyPoint")),
    "vector": ("vectors", ("VectorLabels", "Vector")),
    "vectors": ("vectors", ("VectorLabels", "Vector")),
    "bitmask": ("bitmasks", ("BitmaskLabels", "Bitmask")),
    "bitmasks": ("bitmasks", ("BitmaskLabels", "Bitmask")),
}


def _emit(
    control: ControlTag,
    geometry: dict[str, Any],
    labels: list[str] | None,
    template: dict[str, Any],
    id: str | None,
    score: float | None,
) -> Region:
    """One region from its geometry: a copy of the call's result template, filled in."""
    value = dict(geometry) if labels is None else {**geometry, cast(str, control.value_key): labels}
    result = template.copy()
    result["id"] = _fresh_id() if id is None else check_id(id)
    result["value"] = value
    if score is not None:
        result["score"] = check_score(score)
    return Region._trusted(result, geometry)  # type: ignore[arg-type]


class _Batch:
    """The per-call parts of a batch: a result template, ids, labels and scores."""

    __slots__ = ("ids", "key", "labels", "scores", "template")

    def __init__(
        self,
        control: ControlTag,
        count: int,
        what: str,
        template: dict[str, Any],
        label: Label | None,
        labels: Sequence[Label] | None,
        class_ids: ArrayLike | None,
        class_names: Sequence[str] | Mapping[int, str] | None,
        scores: ArrayLike | None,
        ids: Sequence[str] | None,
    ) -> None:
        self.labels = _batch_labels(
            control,
            count,
            what,
            label=label,
            labels=labels,
            class_ids=class_ids,
            class_names=class_names,
        )
        self.scores = _batch_scores(scores, count, what)
        self.ids = _batch_ids(ids, count, what)
        self.key = cast(str, control.value_key)
        self.template = template

    def lazy_regions(
        self, values: list[dict[str, Any]], geometry_keys: tuple[str, ...]
    ) -> list[Region]:
        """One region per finished ``value`` (labels included), in order; the geometry is
        read back from the value when asked for (:meth:`Region._lazy`, inlined)."""
        template, ids, scores = self.template, self.ids, self.scores
        to_name = template["to_name"]
        new, region_class = _new_region, Region
        out: list[Region] = []
        append = out.append
        for index, value in enumerate(values):
            result = template.copy()
            region_id = result["id"] = ids[index]
            result["value"] = value
            if scores is not None:
                result["score"] = scores[index]
            region = new(region_class)
            region.results = [result]  # type: ignore[list-item]
            region.id = region_id
            region.to_name = to_name
            region._geometry = geometry_keys
            append(region)
        return out

    def regions(self, geometries: Iterable[dict[str, Any]]) -> list[Region]:
        """One region per geometry, in order; the only loop of a batch, and a tight one."""
        template, key, ids, labels, scores = (
            self.template,
            self.key,
            self.ids,
            self.labels,
            self.scores,
        )
        out: list[Region] = []
        append = out.append
        for index, geometry in enumerate(geometries):
            value = dict(geometry) if labels is None else {**geometry, key: labels[index]}
            result = template.copy()
            result["id"] = ids[index]
            result["value"] = value
            if scores is not None:
                result["score"] = scores[index]
            append(Region._trusted(result, geometry))  # type: ignore[arg-type]
        return out


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
        memo = _memos.get(self)
        if memo is None or memo.control is not self:
            memo = _memo(self)
        start = None
        if (
            type(image_wh) is tuple
            and to_name is None
            and item_index is None
            and readonly is None
            and hidden is None
        ):
            start = memo.simple[score is not None].get(image_wh)  # as _start keeps them
        if start is None:
            start = _start(
                self, image_wh, to_name, item_index, score is not None, readonly, hidden, memo
            )
        wh, template = start
        found = memo.labels.get(label) if type(label) is str else None
        labels = list(found) if found is not None else _resolve_memo(self, label, memo)
        fast = None
        if angle_deg is None:
            if index == 0 and type(value) is list and len(value) == 4:
                # _fast_box for the usual call, four floats in xyxy_px, written out (the same
                # arithmetic and checks, in the same order)
                a, b, c, d = value
                if type(a) is type(b) is type(c) is type(d) is float:
                    c, d = c - a, d - b
                    fx, fy = 100.0 / wh[0], 100.0 / wh[1]
                    x, y, w, h = a * fx, b * fy, c * fx, d * fy
                    if (
                        c > 0.0
                        and d > 0.0
                        and (a + c > 1.0 or b + d > 1.0)
                        and x >= 0.0
                        and y >= 0.0
                        and x + w <= 100.0
                        and y + h <= 100.0
                    ):
                        fast = True
            elif index < _AXIS_ARGS:
                found_box = _fast_box(value, *_BOX_ARGS[arg], wh)
                if found_box is not None:
                    x, y, w, h = found_box
                    fast = True
        if fast:
            rotation = 0.0
        else:
            row = _boxes_pct(arg, value, angle_deg, wh=wh, clip=clip, single=True)[0].tolist()
            x, y, w, h = row[:4]
            rotation = row[4] if len(row) == 5 else 0.0
        if labels is None:
            box = {"x": x, "y": y, "width": w, "height": h, "rotation": rotation}
        else:
            box = {
                "x": x,
                "y": y,
                "width": w,
                "height": h,
                "rotation": rotation,
                self.value_key: labels,  # type: ignore[dict-item]
            }
        result = template.copy()
        region_id = result["id"] = _fresh_id() if id is None else check_id(id)
        result["value"] = box
        if score is not None:
            result["score"] = (
                score if type(score) is float and 0.0 <= score <= 1.0 else check_score(score)
            )
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


# --- points: polygons, keypoints, vectors -------------------------------------------------


def _points_hint(value: Any) -> str:
    shape = np.shape(value) if not isinstance(value, (str, bytes)) else ()
    if len(shape) == 3 and shape[1:] == (1, 2):
        return "; an OpenCV contour is (K, 1, 2): pass contour.reshape(-1, 2)"
    return ""


@_quiet
def _points_pct(
    parts: list[FloatArray],
    *,
    name: str,
    units: _u.Units,
    wh: tuple[int, int],
    clip: bool,
    single: bool,
    close_duplicate: bool,
    min_points: int,
    kind: str,
    max_points: int | None = None,
) -> list[list[list[float]]]:
    """Checked percent points of several point sets (polygons, vectors), in one pass."""
    if close_duplicate:
        trimmed = []
        for part in parts:
            if part.shape[0] > 3 and np.array_equal(part[0], part[-1]):
                part = part[:-1]  # Label Studio closes the ring itself
            trimmed.append(part)
        parts = trimmed
    counts = np.array([p.shape[0] for p in parts], dtype=np.int64)
    short = counts < min_points
    if short.any():
        index = int(np.flatnonzero(short)[0])
        raise BuildError(
            f"{_loc(name, None if single else index)} has {counts[index]} point(s); "
            f"{kind} needs at least {min_points}"
        )
    if max_points is not None and (counts > max_points).any():
        index = int(np.flatnonzero(counts > max_points)[0])
        raise BuildError(
            f"{_loc(name, None if single else index)} has {counts[index]} points; the control "
            f"allows at most {max_points} (maxPoints)"
        )
    if not parts:
        return []
    raw = np.concatenate(parts, axis=0)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    owner = np.repeat(np.arange(len(parts)), counts)
    if units == "px":
        pct = raw / np.array([wh[0], wh[1]], dtype=np.float64) * 100.0
    else:
        pct = raw * (100.0 if units == "norm" else 1.0)
    low, high = -EDGE_TOLERANCE_PCT, 100.0 + EDGE_TOLERANCE_PCT
    outside = ((pct < low) | (pct > high)).any(axis=1)
    if outside.any() and not clip:
        flat = int(np.flatnonzero(outside)[0])
        which = int(owner[flat])
        point = flat - int(starts[which])
        where = f"{name}[{point}]" if single else f"{name}[{which}][{point}]"
        hint = _unit_hint(name, units, parts[which]) or (
            "; pass clip=True to move points onto the image edge"
        )
        raise BuildError(f"{where}={_fmt(raw[flat])} lies outside the {wh[0]}x{wh[1]} image{hint}")
    pct = np.clip(pct, 0.0, 100.0)
    if units == "px":
        big = np.maximum.reduceat(np.abs(raw).max(axis=1), starts)
        tiny = big <= 1.0
        if tiny.any():
            index = int(np.flatnonzero(tiny)[0])
            raise BuildError(
                f"{_loc(name, None if single else index)} lies within 1 px of the image corner: "
                f"the values look like 0-1 fractions; pass {name.rsplit('_', 1)[0]}_norm= "
                "instead"
            )
    if min_points >= 3:
        # Twice the signed area of each ring (shoelace), summed per part in one pass.
        following = np.arange(raw.shape[0]) + 1
        following[np.cumsum(counts) - 1] = starts
        px = pct * np.array([wh[0], wh[1]]) / 100.0
        cross = px[:, 0] * px[following, 1] - px[following, 0] * px[:, 1]
        area = np.abs(np.add.reduceat(cross, starts)) / 2.0
        flat_parts = ~(area > 1e-9)
        if flat_parts.any():
            index = int(np.flatnonzero(flat_parts)[0])
            raise BuildError(
                f"{_loc(name, None if single else index)} has zero area (its points are on "
                "one line)"
            )
    rows = pct.tolist()
    ends = np.cumsum(counts).tolist()
    return [rows[s:e] for s, e in zip(starts.tolist(), ends, strict=True)]


def _point_parts(value: Any, name: str, *, single: bool, what: str) -> list[FloatArray]:
    """Each point set of ``value`` as a checked ``(K, 2)`` float array."""
    if single:
        return [_floats(value, name, (2,), single=False, rows="K", hint=_points_hint(value))]
    if isinstance(value, np.ndarray) and value.ndim == 3 and value.shape[2] == 2:
        items: Sequence[Any] = list(value)
    elif isinstance(value, (str, bytes, np.ndarray)) or not isinstance(value, Sequence):
        raise BuildError(
            f"{name} must be a list of (K, 2) arrays, one per {what}, got "
            f"{np.shape(value) if isinstance(value, np.ndarray) else type(value).__name__}"
        )
    else:
        items = value
    return [
        _floats(item, f"{name}[{i}]", (2,), single=False, rows="K", hint=_points_hint(item))
        for i, item in enumerate(items)
    ]


class PolygonBuilder(_ImageTool):
    """Builders of ``<PolygonLabels>`` and ``<Polygon>``: closed polygons of K >= 3 points.

    Points are ``(K, 2)`` ``x, y`` rows in ``points_px``, ``points_norm`` or ``points_pct``.
    A last point equal to the first is dropped (Label Studio closes the ring itself).
    """

    def polygon(
        self,
        *,
        points_px: ArrayLike | None = None,
        points_norm: ArrayLike | None = None,
        points_pct: ArrayLike | None = None,
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
        """One polygon as a region.

        Args:
            points_px, points_norm, points_pct: ``(K, 2)`` vertices, in exactly one unit.
            image_wh: ``(width, height)`` of the natural image in pixels.
            label: required by ``<PolygonLabels>``, refused by ``<Polygon>``.
            clip: move vertices outside the image onto its edge instead of refusing them.
            score, id, readonly, hidden, to_name, item_index: as in ``box()``.

        Raises:
            BuildError: wrong shape, fewer than 3 points, NaN, a point outside the image,
                zero area, or px points that all fit in 1 px (0-1 fractions).

        >>> from prelabel import LabelConfig, Polygon
        >>> config = LabelConfig.parse('<View><Image name="im" value="$im"/>'
        ...                            '<Polygon name="p" toName="im"/></View>')
        >>> poly = config.control("p", Polygon).polygon(
        ...     points_px=[[0, 0], [100, 0], [100, 50]], image_wh=(200, 100), id="p1")
        >>> poly.result["value"]
        {'points': [[0.0, 0.0], [50.0, 0.0], [50.0, 50.0]], 'closed': True}
        """
        arg, value = _pick(
            "polygon",
            (("points_px", points_px), ("points_norm", points_norm), ("points_pct", points_pct)),
        )
        units = cast("_u.Units", arg.rsplit("_", 1)[1])
        wh, template = _start(
            self, image_wh, to_name, item_index, score is not None, readonly, hidden
        )
        labels = _resolve(self, label)
        parts = _point_parts(value, arg, single=True, what="polygon")
        points = _points_pct(
            parts,
            name=arg,
            units=units,
            wh=wh,
            clip=clip,
            single=True,
            close_duplicate=True,
            min_points=3,
            kind="a polygon",
        )[0]
        return _emit(self, {"points": points, "closed": True}, labels, template, id, score)

    def polygons(
        self,
        *,
        points_px: Sequence[ArrayLike] | None = None,
        points_norm: Sequence[ArrayLike] | None = None,
        points_pct: Sequence[ArrayLike] | None = None,
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
        """N polygons as N regions; all points are converted and checked in one pass.

        Args:
            points_px, points_norm, points_pct: a list of ``N`` ``(K_i, 2)`` arrays (or one
                ``(N, K, 2)`` array), in exactly one unit.
            label / labels / class_ids + class_names, scores, ids: as in ``boxes()``.

        Raises:
            BuildError: as :meth:`polygon`, naming the polygon and point (``points_px[2][5]``).
        """
        arg, value = _pick(
            "polygons",
            (("points_px", points_px), ("points_norm", points_norm), ("points_pct", points_pct)),
        )
        units = cast("_u.Units", arg.rsplit("_", 1)[1])
        wh, template = _start(
            self, image_wh, to_name, item_index, scores is not None, readonly, hidden
        )
        parts = _point_parts(value, arg, single=False, what="polygon")
        rings = _points_pct(
            parts,
            name=arg,
            units=units,
            wh=wh,
            clip=clip,
            single=False,
            close_duplicate=True,
            min_points=3,
            kind="a polygon",
        )
        batch = _Batch(
            self,
            len(rings),
            "polygon",
            template,
            label,
            labels,
            class_ids,
            class_names,
            scores,
            ids,
        )
        return batch.regions({"points": ring, "closed": True} for ring in rings)


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
    array = np.asarray(given, dtype=np.float64)
    if array.ndim == 0:
        array = np.broadcast_to(array, (count,))
    elif single or array.shape != (count,):
        want = "one number" if single else f"one number or shape ({count},)"
        raise BuildError(f"{name} must be {want}, got shape {array.shape}")
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
        arg, value = _pick("point", (("xy_px", xy_px), ("xy_norm", xy_norm), ("xy_pct", xy_pct)))
        wh, template = _start(
            self, image_wh, to_name, item_index, score is not None, readonly, hidden
        )
        labels = _resolve(self, label)
        raw = _floats(value, arg, (2,), single=True)
        units = cast("_u.Units", arg.rsplit("_", 1)[1])
        pct = _keypoints_pct(raw, name=arg, units=units, wh=wh, clip=clip, single=True)
        width = _keypoint_widths(width_px, width_pct, 1, wh, single=True)[0]
        x, y = pct[0].tolist()
        return _emit(self, {"x": x, "y": y, "width": width}, labels, template, id, score)

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
        arg, value = _pick("points", (("xy_px", xy_px), ("xy_norm", xy_norm), ("xy_pct", xy_pct)))
        wh, template = _start(
            self, image_wh, to_name, item_index, scores is not None, readonly, hidden
        )
        raw = _floats(value, arg, (2,), single=False)
        units = cast("_u.Units", arg.rsplit("_", 1)[1])
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


@_quiet
def _keypoints_pct(
    raw: FloatArray,
    *,
    name: str,
    units: _u.Units,
    wh: tuple[int, int],
    clip: bool | None,
    single: bool,
) -> FloatArray:
    """Checked percent ``(N, 2)`` points; ``clip=None`` for callers that cannot clip."""
    if units == "px":
        pct = raw / np.array([wh[0], wh[1]], dtype=np.float64) * 100.0
    else:
        pct = raw * (100.0 if units == "norm" else 1.0)
    low, high = -EDGE_TOLERANCE_PCT, 100.0 + EDGE_TOLERANCE_PCT
    outside = ((pct < low) | (pct > high)).any(axis=1)
    if outside.any() and not clip:
        index = int(np.flatnonzero(outside)[0])
        hint = _unit_hint(name, units, raw[index])
        if not hint and clip is not None:
            hint = "; pass clip=True to move points onto the image edge"
        raise BuildError(
            f"{_loc(name, None if single else index)}={_fmt(raw[index])} lies outside the "
            f"{wh[0]}x{wh[1]} image{hint}"
        )
    if units == "px" and raw.size and float(np.abs(raw).max()) <= 1.0:
        what = f"{name}={_fmt(raw[0])} lies" if single else f"all {raw.shape[0]} {name} lie"
        raise BuildError(
            f"{what} within 1 px of the image corner: the values look like 0-1 fractions; "
            f"pass {name.rsplit('_', 1)[0]}_norm= instead"
        )
    return np.clip(pct, 0.0, 100.0)


class VectorBuilder(_ImageTool):
    """Builders of ``<VectorLabels>`` and ``<Vector>``: paths of K >= 2 vertices.

    Each vertex gets an ``id`` (``<region id>_<index>``) and points back to the previous one
    with ``prevPointId``. The path is closed exactly when the control has ``closable="true"``
    (Label Studio counts an open path on a closable control as unfinished and blocks
    submission); ``minPoints`` and ``maxPoints`` are enforced. Bezier handles are not written.
    """

    def vector(
        self,
        *,
        points_px: ArrayLike | None = None,
        points_norm: ArrayLike | None = None,
        points_pct: ArrayLike | None = None,
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
        """One vector path as a region.

        Args:
            points_px, points_norm, points_pct: ``(K, 2)`` vertices in path order.
            image_wh, label, score, id, readonly, hidden, to_name, item_index, clip: as in
                ``polygon()``.

        >>> from prelabel import LabelConfig, Vector
        >>> config = LabelConfig.parse('<View><Image name="im" value="$im"/>'
        ...                            '<Vector name="v" toName="im"/></View>')
        >>> config.control("v", Vector).vector(points_pct=[[10, 10], [40, 12]],
        ...     image_wh=(100, 100), id="v1").result["value"]  # doctest: +NORMALIZE_WHITESPACE
        {'vertices': [{'id': 'v1_0', 'x': 10.0, 'y': 10.0},
                      {'id': 'v1_1', 'x': 40.0, 'y': 12.0, 'prevPointId': 'v1_0'}],
         'closed': False}
        """
        arg, value = _pick(
            "vector",
            (("points_px", points_px), ("points_norm", points_norm), ("points_pct", points_pct)),
        )
        units = cast("_u.Units", arg.rsplit("_", 1)[1])
        wh, template = _start(
            self, image_wh, to_name, item_index, score is not None, readonly, hidden
        )
        labels = _resolve(self, label)
        parts = _point_parts(value, arg, single=True, what="vector")
        path = self._paths(parts, arg, units, wh, clip, single=True)[0]
        region_id = _fresh_id() if id is None else check_id(id)
        return _emit(
            self,
            {"vertices": _vertices(region_id, path), "closed": self._closed},
            labels,
            template,
            region_id,
            score,
        )

    def vectors(
        self,
        *,
        points_px: Sequence[ArrayLike] | None = None,
        points_norm: Sequence[ArrayLike] | None = None,
        points_pct: Sequence[ArrayLike] | None = None,
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
        """N vector paths as N regions (e.g. lane lines), converted in one pass."""
        arg, value = _pick(
            "vectors",
            (("points_px", points_px), ("points_norm", points_norm), ("points_pct", points_pct)),
        )
        units = cast("_u.Units", arg.rsplit("_", 1)[1])
        wh, template = _start(
            self, image_wh, to_name, item_index, scores is not None, readonly, hidden
        )
        parts = _point_parts(value, arg, single=False, what="vector")
        paths = self._paths(parts, arg, units, wh, clip, single=False)
        batch = _Batch(
            self, len(paths), "vector", template, label, labels, class_ids, class_names, scores, ids
        )
        closed = self._closed
        return batch.regions(
            {"vertices": _vertices(region_id, path), "closed": closed}
            for region_id, path in zip(batch.ids, paths, strict=True)
        )

    @property
    def _closed(self) -> bool:
        return bool(getattr(self, "closable", False))

    def _paths(
        self,
        parts: list[FloatArray],
        name: str,
        units: _u.Units,
        wh: tuple[int, int],
        clip: bool,
        *,
        single: bool,
    ) -> list[list[list[float]]]:
        min_points = max(2, getattr(self, "min_points", None) or 0)
        return _points_pct(
            parts,
            name=name,
            units=units,
            wh=wh,
            clip=clip,
            single=single,
            close_duplicate=self._closed,
            min_points=min_points,
            kind=f"a path of <{self.tag} name={self.name!r}>",
            max_points=getattr(self, "max_points", None),
        )


def _vertices(region_id: str, path: list[list[float]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    previous = None
    for index, (x, y) in enumerate(path):
        vertex_id = f"{region_id}_{index}"
        vertex: dict[str, Any] = {"id": vertex_id, "x": x, "y": y}
        if previous is not None:
            vertex["prevPointId"] = previous
        out.append(vertex)
        previous = vertex_id
    return out


# --- ellipses ------------------------------------------------------------------------------


class EllipseBuilder(_ImageTool):
    """Builders of ``<EllipseLabels>`` and ``<Ellipse>``: centre, radii and rotation.

    Label Studio stores the **centre** (``x``, ``y``), ``radiusX`` in percent of the image
    width and ``radiusY`` in percent of its height, and ``rotation`` in degrees clockwise
    about the centre. The centre must be inside the image; the ellipse may reach past the
    edges (the editor clips the drawing), but its validator refuses radii above 50 percent.
    """

    def ellipse(
        self,
        *,
        center_px: ArrayLike | None = None,
        center_norm: ArrayLike | None = None,
        center_pct: ArrayLike | None = None,
        radii_px: ArrayLike | None = None,
        radii_norm: ArrayLike | None = None,
        radii_pct: ArrayLike | None = None,
        angle_deg: float = 0.0,
        image_wh: ImageWH,
        label: Label | None = None,
        score: float | None = None,
        id: str | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
        to_name: str | None = None,
        item_index: int | None = None,
    ) -> Region:
        """One ellipse as a region.

        Args:
            center_px, center_norm, center_pct: ``(x, y)`` of the centre, in one unit.
            radii_px, radii_norm, radii_pct: ``(rx, ry)``, in one unit (``rx`` scaled by the
                image width, ``ry`` by its height).
            angle_deg: degrees clockwise on screen about the centre.

        >>> from prelabel import LabelConfig, Ellipse
        >>> config = LabelConfig.parse('<View><Image name="im" value="$im"/>'
        ...                            '<Ellipse name="e" toName="im"/></View>')
        >>> config.control("e", Ellipse).ellipse(center_px=(300, 200), radii_px=(60, 20),
        ...     image_wh=(600, 400)).result["value"]
        {'x': 50.0, 'y': 50.0, 'radiusX': 10.0, 'radiusY': 5.0, 'rotation': 0.0}
        """
        wh, template = _start(
            self, image_wh, to_name, item_index, score is not None, readonly, hidden
        )
        labels = _resolve(self, label)
        rows = _ellipses_pct(
            (center_px, center_norm, center_pct),
            (radii_px, radii_norm, radii_pct),
            angle_deg,
            wh=wh,
            single=True,
        )
        return _emit(self, rows[0], labels, template, id, score)

    def ellipses(
        self,
        *,
        center_px: ArrayLike | None = None,
        center_norm: ArrayLike | None = None,
        center_pct: ArrayLike | None = None,
        radii_px: ArrayLike | None = None,
        radii_norm: ArrayLike | None = None,
        radii_pct: ArrayLike | None = None,
        angle_deg: ArrayLike = 0.0,
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
    ) -> list[Region]:
        """N ellipses as N regions: centres and radii ``(N, 2)``, angles ``(N,)`` or one."""
        wh, template = _start(
            self, image_wh, to_name, item_index, scores is not None, readonly, hidden
        )
        rows = _ellipses_pct(
            (center_px, center_norm, center_pct),
            (radii_px, radii_norm, radii_pct),
            angle_deg,
            wh=wh,
            single=False,
        )
        batch = _Batch(
            self, len(rows), "ellipse", template, label, labels, class_ids, class_names, scores, ids
        )
        return batch.regions(rows)


@_quiet
def _ellipses_pct(
    centers: tuple[Any, Any, Any],
    radii: tuple[Any, Any, Any],
    angle_deg: ArrayLike,
    *,
    wh: tuple[int, int],
    single: bool,
) -> list[dict[str, Any]]:
    c_arg, c_value = _pick(
        "centre", tuple(zip(("center_px", "center_norm", "center_pct"), centers, strict=True))
    )
    r_arg, r_value = _pick(
        "radii", tuple(zip(("radii_px", "radii_norm", "radii_pct"), radii, strict=True))
    )
    center = _floats(c_value, c_arg, (2,), single=single)
    radius = _floats(r_value, r_arg, (2,), single=single)
    if center.shape[0] != radius.shape[0]:
        raise BuildError(f"{c_arg} has {center.shape[0]} rows but {r_arg} has {radius.shape[0]}")
    count = center.shape[0]
    angles = np.asarray(angle_deg, dtype=np.float64)
    if angles.ndim == 0:
        angles = np.broadcast_to(angles, (count,))
    elif single or angles.shape != (count,):
        raise BuildError(
            f"angle_deg must be one number{'' if single else f' or have shape ({count},)'}, "
            f"got shape {angles.shape}"
        )
    if not np.isfinite(angles).all():
        index = int(np.flatnonzero(~np.isfinite(angles))[0])
        raise BuildError(f"angle_deg must be finite, got {angles[index]}")
    c_units = cast("_u.Units", c_arg.rsplit("_", 1)[1])
    r_units = cast("_u.Units", r_arg.rsplit("_", 1)[1])
    centre_pct = _keypoints_pct(center, name=c_arg, units=c_units, wh=wh, clip=None, single=single)
    bad = ~(radius > 0).all(axis=1)
    if bad.any():
        index = int(np.flatnonzero(bad)[0])
        raise BuildError(
            f"{_loc(r_arg, None if single else index)}={_fmt(radius[index])} must be positive"
        )
    radius_pct = _u.points_to_percent(radius, units=r_units, image_wh=wh)
    too_big = (radius_pct > 50.0 + EDGE_TOLERANCE_PCT).any(axis=1)
    if too_big.any():
        index = int(np.flatnonzero(too_big)[0])
        hint = _unit_hint(r_arg, r_units, radius[index])
        raise BuildError(
            f"{_loc(r_arg, None if single else index)}={_fmt(radius[index])} is "
            f"{radius_pct[index].max():.4g}% of the image; Label Studio's validator accepts "
            f"radii up to 50%{hint}"
        )
    radius_pct = np.minimum(radius_pct, 50.0)
    rotation = _u._ls_rotation(np.array(angles, dtype=np.float64))
    return [
        {"x": x, "y": y, "radiusX": rx, "radiusY": ry, "rotation": rot}
        for (x, y), (rx, ry), rot in zip(
            centre_pct.tolist(), radius_pct.tolist(), rotation.tolist(), strict=True
        )
    ]


# --- bitmasks ------------------------------------------------------------------------------


def mask_to_data_url(mask: ArrayLike) -> str:
    """A boolean ``(height, width)`` mask as Label Studio's bitmask PNG data URL.

    The PNG is 8-bit RGBA, as the editor itself writes it: opaque black where the mask is
    set, transparent elsewhere. Written with zlib and struct only.

    >>> mask_to_data_url([[True, False]])[:22]
    'data:image/png;base64,'
    """
    array = np.asarray(mask, dtype=bool)
    if array.ndim != 2 or 0 in array.shape:
        raise BuildError(f"mask must have shape (height, width), got {array.shape}")
    height, width = array.shape
    rows = np.zeros((height, 1 + 4 * width), dtype=np.uint8)  # filter byte 0, then RGBA
    rows[:, 4::4] = array * np.uint8(255)
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    png = b"".join(
        [
            b"\x89PNG\r\n\x1a\n",
            _png_chunk(b"IHDR", header),
            _png_chunk(b"IDAT", zlib.compress(rows.tobytes(), 6)),
            _png_chunk(b"IEND", b""),
        ]
    )
    import base64  # 3 ms to import, for bitmasks only

    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _check_mask(mask: ArrayLike, name: str, wh: tuple[int, int]) -> npt.NDArray[np.bool_]:
    array = np.asarray(mask)
    width, height = wh
    if array.ndim != 2 or array.shape != (height, width):
        hint = ""
        if array.shape == (width, height):
            hint = "; it looks transposed (width, height): pass mask.T"
        elif array.ndim == 3 and array.shape[:2] == (height, width):
            hint = "; pass one channel (a 2-D mask), e.g. mask[..., 0] > 0"
        raise BuildError(
            f"{name} must have shape (height, width) = ({height}, {width}) for the "
            f"{width}x{height} image, got {array.shape}{hint}"
        )
    if array.dtype == bool:
        out = array
    elif array.dtype.kind in "iu":
        odd = (array != 0) & (array != 1) & (array != 255)
        if odd.any():
            value = array[odd].flat[0]
            raise BuildError(
                f"{name} holds {value}: a mask is boolean, or 0/1, or 0/255; for a class-id "
                "mask pass (mask == k) per class"
            )
        if (array == 1).any() and (array == 255).any():
            raise BuildError(f"{name} mixes 1 and 255; pass a boolean mask")
        out = array != 0
    else:
        raise BuildError(
            f"{name} has dtype {array.dtype}; pass a boolean mask, e.g. probabilities > 0.5"
        )
    if not out.any():
        raise BuildError(f"{name} is empty (no pixel set); skip it instead of sending a region")
    return out


class BitmaskBuilder(_ImageTool):
    """Builders of ``<BitmaskLabels>`` and ``<Bitmask>``: masks as a PNG data URL.

    The mask is ``(height, width)`` at the natural image size (boolean, or integers 0/1 or
    0/255); it is stored as ``value.imageDataURL``, an RGBA PNG with opaque pixels where set.
    Bitmask tags exist in newer Label Studio versions only; give the Image
    ``smoothing="false"`` to see crisp pixels.
    """

    def bitmask(
        self,
        mask: ArrayLike,
        *,
        image_wh: ImageWH,
        label: Label | None = None,
        score: float | None = None,
        id: str | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
        to_name: str | None = None,
        item_index: int | None = None,
    ) -> Region:
        """One mask as a region.

        Raises:
            BuildError: a mask not of shape ``(height, width)`` (a transposed one is named),
                a float mask, values other than 0/1 or 0/255, or an empty mask.
        """
        wh, template = _start(
            self, image_wh, to_name, item_index, score is not None, readonly, hidden
        )
        labels = _resolve(self, label)
        geometry = {"imageDataURL": mask_to_data_url(_check_mask(mask, "mask", wh))}
        return _emit(self, geometry, labels, template, id, score)

    def bitmasks(
        self,
        masks: Sequence[ArrayLike] | ArrayLike,
        *,
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
    ) -> list[Region]:
        """N masks (``(N, height, width)`` or a list) as N regions, e.g. instance masks."""
        wh, template = _start(
            self, image_wh, to_name, item_index, scores is not None, readonly, hidden
        )
        items = list(masks)  # type: ignore[arg-type]
        urls = [mask_to_data_url(_check_mask(m, f"masks[{i}]", wh)) for i, m in enumerate(items)]
        batch = _Batch(
            self, len(urls), "mask", template, label, labels, class_ids, class_names, scores, ids
        )
        return batch.regions({"imageDataURL": url} for url in urls)


# --- labels on regions of unlabeled tools --------------------------------------------------


class ImageLabelsBuilder(_ImageTool):
    """Builders of ``<Labels>`` attached to an image region (the split format).

    With an unlabeled tool (``<Rectangle>``, ``<Polygon>``, ``<Ellipse>``, ``<KeyPoint>``,
    ...) and a ``<Labels>`` on the same image, a labeled region is two results sharing one
    ``id``: the tool's geometry, and a ``labels`` result whose value repeats the geometry and
    adds ``labels`` (the editor writes both that way).
    """

    def for_region(
        self,
        region: Region,
        label: Label,
        *,
        score: float | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
    ) -> Result:
        """Label ``region``: attach a ``labels`` result with its id and geometry; return it.

        Args:
            region: a region from an unlabeled image tool (``rect.box(...)``).
            label: the label, or labels with ``choice="multiple"``.
            score, readonly, hidden: as on any result.

        Raises:
            BuildError: the region is not on an image this control labels, it already has
                labels of its own (a ``*Labels`` tool), or this control already labeled it.
            LabelError: a label the control does not define.

        >>> from prelabel import LabelConfig, Labels, Rectangle
        >>> config = LabelConfig.parse('<View><Image name="im" value="$im"/>'
        ...     '<Rectangle name="r" toName="im"/><Labels name="l" toName="im">'
        ...     '<Label value="Car"/></Labels></View>')
        >>> box = config.control("r", Rectangle).box(xywh_pct=(5, 5, 10, 10),
        ...     image_wh=(100, 100), id="b2")
        >>> config.control("l", Labels).for_region(box, "Car")["value"]
        {'x': 5.0, 'y': 5.0, 'width': 10.0, 'height': 10.0, 'rotation': 0.0, 'labels': ['Car']}
        >>> [r["type"] for r in box]
        ['rectangle', 'labels']
        """
        self._check_region(region, None)
        labels = _resolve(self, label)
        return self._attach(region, cast("list[str]", labels), score, readonly, hidden)

    def for_regions(
        self,
        regions: Sequence[Region],
        *,
        label: Label | None = None,
        labels: Sequence[Label] | None = None,
        class_ids: ArrayLike | None = None,
        class_names: Sequence[str] | Mapping[int, str] | None = None,
        scores: ArrayLike | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
    ) -> list[Result]:
        """Label N regions at once: ``label`` for all, ``labels`` (N) or class ids + names."""
        items = list(regions)
        for index, region in enumerate(items):
            self._check_region(region, index)
        per = _batch_labels(
            self,
            len(items),
            "region",
            label=label,
            labels=labels,
            class_ids=class_ids,
            class_names=class_names,
        )
        chosen = cast("list[list[str]]", per)
        confidences = _batch_scores(scores, len(items), "region")
        return [
            self._attach(
                region,
                chosen[i],
                None if confidences is None else confidences[i],
                readonly,
                hidden,
            )
            for i, region in enumerate(items)
        ]

    def _check_region(self, region: Region, index: int | None) -> None:
        where = "region" if index is None else f"regions[{index}]"
        if not isinstance(region, Region):
            raise BuildError(
                f"{where} must be a Region from an image tool's builder, got "
                f"{type(region).__name__}"
            )
        own = region.result["type"]
        if own not in _UNLABELED_TOOLS:
            raise BuildError(
                f"{where} ({own!r} from {region.from_name!r}) already carries its own labels; "
                f"<Labels> labels regions of unlabeled tools (Rectangle, Polygon, Ellipse, "
                "KeyPoint, Vector, Bitmask, Brush)"
            )
        if any(r["from_name"] == self.name for r in region.results):
            raise BuildError(
                f"{where} {region.id!r} is already labeled by <Labels name={self.name!r}>; "
                'pass several labels in one call (choice="multiple") instead'
            )
        pick_target(self, region.to_name)

    def _attach(
        self,
        region: Region,
        labels: list[str],
        score: float | None,
        readonly: bool | None,
        hidden: bool | None,
    ) -> Result:
        value = {key: _copy_json(item) for key, item in region.geometry.items()}
        value["labels"] = labels
        result = make_result(
            self,
            value,
            to_name=region.to_name,
            id=region.id,
            score=score,
            readonly=readonly,
            hidden=hidden,
            **region.shared_keys,
        )
        region.attach(result)
        return result


def _copy_json(item: Any) -> Any:
    """A copy of nested lists and dicts, so two results never share a mutable value."""
    if isinstance(item, list):
        return [_copy_json(x) for x in item]
    if isinstance(item, dict):
        return {k: _copy_json(v) for k, v in item.items()}
    return item
