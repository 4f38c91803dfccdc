"""What one builder call needs before its geometry: the image keys, a result template kept
per control, and the labels, scores and ids of each region."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias, cast

from ... import ids as _ids
from ..._lazy import lazy_module
from ...errors import BuildError, LabelError
from ...tags.base import ControlTag
from .._classes import class_labels
from .._common import (
    check_id,
    make_result,
    pick_target,
    real_array,
    score_hint,
    vector_shape_hint,
)
from ._inputs import Label, _check_image_wh

if TYPE_CHECKING:
    import numpy as np

    from ._inputs import ArrayLike
else:
    np = lazy_module("numpy")

if TYPE_CHECKING:
    from ...tags.labeling import LabelingControl

_fresh_ids = _ids.new_ids


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
    """What builders keep per control: resolved labels and result templates."""

    __slots__ = ("control", "labels", "lanes", "simple", "starts")

    def __init__(self, control: ControlTag) -> None:
        self.control = control  # held, so its id() cannot be reused while memoized
        self.labels: dict[str, tuple[str, ...]] = {}
        self.starts: dict[Any, Start] = {}
        # The usual call (no to_name, item_index, readonly, hidden), by image size: unscored
        # calls in [False], scored ones in [True].
        self.simple: tuple[dict[Any, Start], dict[Any, Start]] = ({}, {})
        # box()'s usual call, by image size: what _lane gives, scored calls in [False] and
        # unscored ones in [True] (box() looks them up by ``score is None``).
        self.lanes: tuple[dict[Any, Lane], dict[Any, Lane]] = ({}, {})


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


Lane: TypeAlias = "tuple[tuple[int, int], dict[str, Any], float, float, str]"


def _lane(
    control: ControlTag,
    image_wh: Any,
    to_name: str | None,
    item_index: int | None,
    scored: bool,
    readonly: bool | None,
    hidden: bool | None,
    memo: _Memo,
    usual: bool,
) -> Lane:
    """:func:`_start`, the pixel-to-percent factors ``100 / width``, ``100 / height`` (as
    ``_margins`` has them) and the labels' value key; kept for the ``usual`` call (image size
    as a tuple, no to_name, item_index, readonly or hidden) by image size
    (:attr:`_Memo.lanes`)."""
    wh, template = _start(control, image_wh, to_name, item_index, scored, readonly, hidden, memo)
    lane = (wh, template, 100.0 / wh[0], 100.0 / wh[1], cast(str, control.value_key))
    if usual:
        lanes = memo.lanes[not scored]
        if len(lanes) > 256:
            lanes.clear()
        lanes[image_wh] = lane
    return lane


def _image_call(
    control: ControlTag,
    image_wh: Any,
    label: Label | None,
    scored: bool,
    to_name: str | None,
    item_index: int | None,
    readonly: bool | None,
    hidden: bool | None,
) -> tuple[tuple[int, int], dict[str, Any], list[str] | None]:
    """The checked image size, result template and labels of one region-making call, in
    that order of checks; the usual call (image size, label, score) is two lookups. box()
    has this inlined."""
    memo = _memos.get(control)
    if memo is None:
        memo = _memo(control)
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
            lane = memo.lanes[not scored].get(image_wh)
        except TypeError:  # unhashable: _start refuses it
            lane = None
    if lane is None:
        lane = _lane(control, image_wh, to_name, item_index, scored, readonly, hidden, memo, usual)
    found = memo.labels.get(label) if type(label) is str else None
    labels = [*found] if found is not None else _resolve_memo(control, label, memo)
    return lane[0], lane[1], labels


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
    return class_labels(labeling, cast("ArrayLike", class_ids), class_names, count=count, what=what)


def _batch_scores(scores: ArrayLike | None, count: int, what: str) -> list[float] | None:
    if scores is None:
        return None
    array = real_array(scores, "scores")
    if array.size == 0:
        array = array.reshape(0)
    if array.shape != (count,):
        raise BuildError(
            f"scores must have shape ({count},), one per {what}, got {array.shape}"
            + vector_shape_hint(array.shape, count)
        )
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
        hint = score_hint(array.tolist())
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
