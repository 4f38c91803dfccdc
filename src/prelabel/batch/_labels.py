"""Labels of a batch's rows, resolved once per distinct label and kept as small integers.

A dataset of 10^6 boxes names a handful of classes; each distinct label (or model class) is
checked against the config once, and every row keeps the index of its label in a table.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

from .._lazy import lazy_module
from ..builders._classes import one_way_to_label
from ..errors import BuildError, LabelError
from ..labelmap import LabelMap
from ..tags.controls import LabelingControl
from ._ragged import whole_numbers

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import ArrayLike, NDArray
else:
    np = lazy_module("numpy")

__all__ = ["ClassNames", "RowLabels", "row_labels"]

ClassNames = Sequence[str] | Mapping[int, str] | LabelMap
"""The model's class names by class id (a list or a dict), or a ready :class:`LabelMap`."""


@dataclasses.dataclass(frozen=True, slots=True)
class RowLabels:
    """Row ``i`` carries ``table[index[i]]``; ``keep`` marks the rows a ``LabelMap`` kept
    (None: all of them)."""

    table: list[tuple[str, ...]]
    index: NDArray[np.int64]
    keep: NDArray[np.bool_] | None


def row_labels(
    control: LabelingControl,
    rows: int,
    *,
    label: str | Sequence[str] | None,
    labels: Sequence[str | Sequence[str]] | None,
    class_ids: ArrayLike | None,
    class_names: ClassNames | None,
) -> RowLabels:
    """Resolve the labels of ``rows`` rows given as one of ``label``, ``labels`` or
    ``class_ids`` with ``class_names``.

    ``label`` and ``labels`` must name labels of the control (value or alias), as its
    builders require; model class names go through :class:`LabelMap` (``predicted_values``,
    other case, an explicit mapping).

    Raises:
        LabelError: none or several of the three given, an unknown label or class.
        BuildError: ``labels`` or ``class_ids`` of the wrong length or type.
    """
    one_way_to_label(control, "row", label=label, labels=labels, class_ids=class_ids)
    if label is not None:
        found = tuple(str(v) for v in control.resolve_labels(label))
        return RowLabels([found], np.zeros(rows, dtype=np.int64), None)
    if labels is not None:
        return _named(control, rows, labels)
    if class_names is None:
        raise LabelError(
            "class_ids needs class_names= (the model's class names: a list, a dict "
            "{class_id: name}, or a LabelMap)"
        )
    return _classes(control, rows, cast("ArrayLike", class_ids), class_names)


def _named(control: LabelingControl, rows: int, labels: Sequence[str | Sequence[str]]) -> RowLabels:
    if isinstance(labels, str):
        raise LabelError(
            f"labels= takes one label per row (a list); for the same label on every row pass "
            f"label={labels!r}"
        )
    items = list(labels)
    if len(items) != rows:
        raise BuildError(f"labels has {len(items)} items; expected {rows}, one per row")
    keys: list[Any] = [item if isinstance(item, str) else tuple(item) for item in items]
    slots: dict[Any, int] = {}
    table: list[tuple[str, ...]] = []
    for row, key in enumerate(keys):
        if key in slots:
            continue
        try:
            resolved = control.resolve_labels(key if isinstance(key, str) else list(key))
        except LabelError as error:
            raise LabelError(f"labels[{row}]: {error}") from None
        slots[key] = len(table)
        table.append(tuple(str(v) for v in resolved))
    index = np.fromiter(map(slots.__getitem__, keys), dtype=np.int64, count=rows)
    return RowLabels(table, index, None)


def _classes(
    control: LabelingControl, rows: int, class_ids: ArrayLike, class_names: ClassNames
) -> RowLabels:
    ids = whole_numbers(class_ids, "class_ids", (rows,))
    names = (
        class_names if isinstance(class_names, LabelMap) else LabelMap(control, classes=class_names)
    )
    if names.control is not control:
        raise LabelError(
            f"the LabelMap is for <{names.control.tag} name={names.control.name!r}>, not "
            f"<{control.tag} name={control.name!r}>"
        )
    distinct, inverse, per_class = np.unique(ids, return_inverse=True, return_counts=True)
    if not isinstance(class_names, LabelMap):
        named = class_names.keys() if isinstance(class_names, Mapping) else range(len(class_names))
        missing = [c for c in distinct.tolist() if c not in named]
        if missing:
            row = int(np.flatnonzero(ids == missing[0])[0])
            raise LabelError(
                f"class_ids[{row}] = {missing[0]} has no name in class_names (it has "
                f"{len(class_names)}); pass the model's full list of class names"
            )
    # raises naming every unmapped class, or counts each box of a dropped one
    mapped = names.map(distinct.tolist(), counts=per_class.tolist())
    table: list[tuple[str, ...]] = [(label,) for label in mapped if label is not None]
    slot = np.full(len(mapped), -1, dtype=np.int64)
    slot[[i for i, label in enumerate(mapped) if label is not None]] = np.arange(len(table))
    index = slot[inverse.reshape(-1)]
    if len(table) == len(mapped):
        return RowLabels(table, index, None)
    keep = index >= 0
    return RowLabels(table, index[keep], keep)
