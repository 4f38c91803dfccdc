"""Rows of a whole dataset (boxes, classes, scores) grouped by the task they belong to.

A detector run over N images gives M boxes in all; each row says which task it is for, by a
``task_index`` per row or by ``counts`` per task. The batch keeps the rows in task order and
the ``offsets`` where each task's rows start, so one task's rows are one slice.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any, cast

from .._lazy import lazy_module
from ..errors import BuildError

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import ArrayLike, NDArray
else:
    np = lazy_module("numpy")

__all__ = ["Grouping", "group_rows", "whole_numbers"]


@dataclasses.dataclass(frozen=True, slots=True)
class Grouping:
    """Where each task's rows are once sorted by task.

    Attributes:
        order: the permutation that sorts the rows by task (stable), or None when they are
            already in task order.
        offsets: ``(tasks + 1,)``: task ``k`` owns sorted rows ``offsets[k]:offsets[k + 1]``.
        task_of_row: ``(rows,)`` the task of each sorted row.
        source: the caller's row number of each row grouped, when some rows were dropped
            before grouping (a ``LabelMap`` with ``unmapped="drop"``); None when none were.
    """

    order: NDArray[np.intp] | None
    offsets: NDArray[np.int64]
    task_of_row: NDArray[np.int64]
    source: NDArray[np.intp] | None = None

    def take(self, values: NDArray[Any]) -> NDArray[Any]:
        """Rows of ``values`` (given in the caller's order) in task order."""
        return values if self.order is None else values[self.order]

    def original_row(self, sorted_row: int) -> int:
        """The caller's row number of a sorted row (for error messages)."""
        row = sorted_row if self.order is None else int(self.order[sorted_row])
        return row if self.source is None else int(self.source[row])


def whole_numbers(values: ArrayLike, name: str, shape: tuple[int, ...]) -> NDArray[np.int64]:
    """``values`` as int64 of ``shape``; floats must be whole.

    Raises:
        BuildError: another shape, a fraction, NaN, or something that is not a number.
    """
    try:
        array = np.asarray(values)
    except (TypeError, ValueError):
        raise BuildError(f"{name} must be whole numbers") from None
    if array.size == 0:
        array = array.reshape(shape)
    if array.shape != shape:
        raise BuildError(f"{name} must have shape {shape}, got {array.shape}")
    if array.dtype.kind == "f":
        whole = np.isfinite(array) & (array == np.round(array))
        if not whole.all():
            bad = int(np.flatnonzero(~whole.reshape(-1))[0])
            raise BuildError(f"{name}[{bad}] = {array.reshape(-1)[bad]} is not a whole number")
    elif array.dtype.kind == "b":
        raise BuildError(
            f"{name} must be whole numbers, got booleans (a mask?); for the positions of True "
            "values use np.flatnonzero(mask)"
        )
    elif array.dtype.kind not in "iu":
        raise BuildError(f"{name} must be whole numbers, got dtype {array.dtype}")
    return array.astype(np.int64, copy=False)


def _plural(what: str) -> str:
    return what + ("es" if what.endswith(("x", "s")) else "s")


def group_rows(
    tasks: int,
    rows: int,
    *,
    task_index: ArrayLike | None,
    counts: ArrayLike | None,
    what: str,
    source: NDArray[np.intp] | None = None,
) -> Grouping:
    """Group ``rows`` rows over ``tasks`` tasks by a task per row or a count per task.

    Args:
        tasks: how many tasks the batch has.
        rows: how many rows (boxes, ...) were given.
        task_index: ``(rows,)`` the task of each row, in any order; or
        counts: ``(tasks,)`` how many rows each task has, the rows given task by task.
        what: the rows' name in messages (``"box"``).
        source: the caller's row number of each row, when rows were dropped before.

    Raises:
        BuildError: neither or both given, a task out of range, counts that do not add up.
    """
    if (task_index is None) == (counts is None):
        raise BuildError(
            f"say which task each {what} is for: task_index= (one task number per {what}) or "
            f"counts= (how many {_plural(what)} each task has, given task by task), not "
            + ("both" if task_index is not None else "neither")
        )
    if counts is not None:
        per_task = whole_numbers(counts, "counts", (tasks,))
        if tasks and per_task.min() < 0:
            bad = int(np.flatnonzero(per_task < 0)[0])
            raise BuildError(f"counts[{bad}] = {per_task[bad]} is negative")
        total = int(per_task.sum())
        if total != rows:
            raise BuildError(f"counts add up to {total}, but {rows} {_plural(what)} were given")
        offsets = np.zeros(tasks + 1, dtype=np.int64)
        np.cumsum(per_task, out=offsets[1:])
        owner = np.repeat(np.arange(tasks, dtype=np.int64), per_task)
        return Grouping(None, offsets, owner, source)
    index = whole_numbers(cast("ArrayLike", task_index), "task_index", (rows,))
    if rows:
        low, high = int(index.min()), int(index.max())
        if low < 0 or high >= tasks:
            bad = int(np.flatnonzero((index < 0) | (index >= tasks))[0])
            given = bad if source is None else int(source[bad])
            raise BuildError(
                f"task_index[{given}] = {index[bad]} names no task: the batch has {tasks} "
                f"(0 to {tasks - 1})"
            )
    order: NDArray[np.intp] | None = None
    if rows > 1 and (np.diff(index) < 0).any():
        order = np.argsort(index, kind="stable")
        index = index[order]
    offsets = np.zeros(tasks + 1, dtype=np.int64)
    np.cumsum(np.bincount(index, minlength=tasks), out=offsets[1:])
    return Grouping(order, offsets, index, source)
