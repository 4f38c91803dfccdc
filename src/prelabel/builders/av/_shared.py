"""Argument checks the audio, video and time-series builders share: targets, labels, arrays."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeVar, cast

from ..._lazy import lazy_module
from ...errors import BuildError
from ...tags.base import ControlTag, ObjectTag
from ...tags.labeling import LabelingControl
from .._classes import ClassNames, class_labels, item_list, one_way_to_label
from .._common import finite, pick_target

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import ArrayLike, NDArray
else:
    np = lazy_module("numpy")

LabelArg = str | Sequence[str]
Obj = TypeVar("Obj", bound=ObjectTag)


def target_of(control: ControlTag, to_name: str | None, kind: type[Obj], method: str) -> Obj:
    """The object ``method`` builds on: ``to_name``, else the control's first target of ``kind``."""
    if to_name is None:
        for target in control.targets:
            if isinstance(target, kind):
                return target
        found = control.targets[0]
    else:
        found = pick_target(control, to_name)
    if not isinstance(found, kind):
        raise BuildError(
            f"{method}() builds on <{kind.tag}>, but <{control.tag} name={control.name!r}> "
            f"points at <{found.tag} name={found.name!r}>"
        )
    return found


def labels_of(control: ControlTag, label: LabelArg) -> list[str]:
    if not isinstance(control, LabelingControl):
        raise BuildError(f"<{control.tag} name={control.name!r}> has no labels")
    return control.resolve_labels(label)


def integer(number: Any, what: str) -> int:
    """A whole number as a plain int (``3.0`` is accepted, ``3.5`` and ``True`` are not)."""
    if isinstance(number, (bool, np.bool_)):
        raise BuildError(f"{what} must be an integer, got a bool ({number})")
    if isinstance(number, (int, np.integer)):
        return int(number)
    value = finite(number, what)
    if not value.is_integer():
        raise BuildError(f"{what} must be an integer, got {value}")
    return int(value)


def vector(values: ArrayLike, what: str, n: int | None = None) -> NDArray[Any]:
    array = np.asarray(values)
    if array.ndim != 1 or (n is not None and array.shape[0] != n):
        want = "(N,)" if n is None else f"({n},)"
        raise BuildError(f"{what} must have shape {want}, got {array.shape}")
    return array


def float_vector(values: ArrayLike, what: str, n: int | None = None) -> NDArray[np.float64]:
    array = vector(values, what, n)
    if array.dtype.kind not in "iuf":
        raise BuildError(f"{what} must hold numbers, got dtype {array.dtype}")
    out = array.astype(np.float64)
    bad = np.flatnonzero(~np.isfinite(out))
    if bad.size:
        raise BuildError(f"{what}[{bad[0]}] must be finite, got {out[bad[0]]}")
    return out


def int_vector(values: ArrayLike, what: str, n: int | None = None) -> NDArray[np.int64]:
    array = vector(values, what, n)
    if array.dtype.kind in "iu":
        return array.astype(np.int64)
    floats = float_vector(array, what)
    bad = np.flatnonzero(floats != np.round(floats))
    if bad.size:
        raise BuildError(f"{what}[{bad[0]}] must be an integer, got {floats[bad[0]]}")
    return floats.astype(np.int64)


def labels_per_item(
    control: ControlTag, labels: LabelArg | Sequence[LabelArg], n: int, what: str
) -> list[list[str]]:
    """One resolved label list per item: a single label for all, or one entry per item."""
    if isinstance(labels, str):
        one = labels_of(control, labels)
        return [one] * n
    items = item_list(labels, what)
    if len(items) != n:
        raise BuildError(f"{what} has {len(items)} items but there are {n} segments")
    cache: dict[Any, list[str]] = {}
    out = []
    for index, item in enumerate(items):
        if item is None:
            raise BuildError(f"{what}[{index}] is None: give every segment a label, or drop it")
        if isinstance(item, str):
            key: Any = item
        elif isinstance(item, (list, tuple)) and all(isinstance(x, str) for x in item):
            key = tuple(item)
        else:
            out.append(labels_of(control, item))  # it says what a label must be
            continue
        if key not in cache:
            cache[key] = labels_of(control, item)
        out.append(cache[key])
    return out


def labels_given(
    control: ControlTag,
    n: int,
    what: str,
    *,
    label: LabelArg | None,
    labels: LabelArg | Sequence[LabelArg] | None,
    class_ids: ArrayLike | None,
    class_names: ClassNames | None,
) -> list[list[str]]:
    """One resolved label list per item from exactly one of ``label`` (every item),
    ``labels`` (one per item, or one string for all) or ``class_ids`` with ``class_names``."""
    one_way_to_label(control, what, label=label, labels=labels, class_ids=class_ids)
    if label is not None:
        return [labels_of(control, label)] * n
    if labels is not None:
        return labels_per_item(control, labels, n, "labels")
    if not isinstance(control, LabelingControl):
        raise BuildError(f"<{control.tag} name={control.name!r}> has no labels")
    return class_labels(control, cast("ArrayLike", class_ids), class_names, count=n, what=what)


def true_runs(mask: NDArray[np.bool_]) -> list[tuple[int, int]]:
    """Inclusive ``(first, last)`` index pairs of the runs of True in ``mask``."""
    padded = np.concatenate(([False], mask, [False])).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return [(int(a), int(b) - 1) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def bool_mask(mask: ArrayLike, what: str) -> NDArray[np.bool_]:
    array = vector(mask, what)
    if array.dtype.kind == "b":
        return array
    if array.dtype.kind in "iuf" and np.isin(array, (0, 1)).all():
        return array.astype(bool)
    raise BuildError(f"{what} must hold booleans (or 0/1), got dtype {array.dtype}")


def interval_s(start_s: Any, end_s: Any, where: str = "") -> tuple[float, float]:
    start = finite(start_s, f"{where}start_s")
    end = finite(end_s, f"{where}end_s")
    if start < 0:
        raise BuildError(f"{where}start_s must be >= 0, got {start}")
    if end <= start:
        raise BuildError(f"{where}end_s ({end}) must be after start_s ({start})")
    return start, end
