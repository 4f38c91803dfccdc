"""Checks every part of a batch shares: the rows' numbers, scores and labels, the images' sizes,
and the rows a ``LabelMap`` keeps.

Each part names its rows (``"box"``, ``"point"``, ``"polygon"``, ``"span"``) in messages.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .._lazy import lazy_module
from ..builders._common import real_array, rows_shape_hint, score_hint, vector_shape_hint
from ..errors import BuildError
from ..tags.base import ControlTag
from ..tags.controls import LabelingControl
from ._labels import ClassNames, RowLabels, row_labels

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import ArrayLike, NDArray
else:
    np = lazy_module("numpy")

__all__ = [
    "at_task",
    "drop_unmapped",
    "dropped_source",
    "float_rows",
    "image_sizes",
    "kept",
    "kept_counts",
    "label_lists",
    "one_or_per_row",
    "part_labels",
    "per_task_scores",
    "row_scores",
]


def float_rows(
    values: ArrayLike, arg: str, width: int, what: str, *, rows: str = "M"
) -> NDArray[np.float64]:
    """``values`` as ``(M, width)`` float64: every ``what`` of the batch in one array.

    Raises:
        BuildError: not numbers, or another shape.
    """
    raw = real_array(values, arg)
    if raw.size == 0 and raw.ndim < 2:
        raw = raw.reshape(0, width)
    if raw.ndim != 2 or raw.shape[1] != width:
        raise BuildError(
            f"{arg} must have shape ({rows}, {width}), every {what} of the batch in one array, "
            f"got {raw.shape}{rows_shape_hint(raw.shape, width)}"
        )
    return raw


def part_labels(
    control: ControlTag,
    rows: int,
    *,
    label: str | Sequence[str] | None,
    labels: Sequence[str | Sequence[str]] | None,
    class_ids: ArrayLike | None,
    class_names: ClassNames | None,
    shapes: str,
    labeled_tag: str,
) -> RowLabels | None:
    """The rows' labels for a labeling control; None (and no label given) for a tool without.

    Raises:
        BuildError: labels given to a tool that draws ``shapes`` without labels.
        LabelError: as :func:`row_labels`.
    """
    if isinstance(control, LabelingControl):
        return row_labels(
            control, rows, label=label, labels=labels, class_ids=class_ids, class_names=class_names
        )
    if label is not None or labels is not None or class_ids is not None or class_names is not None:
        raise BuildError(
            f"<{control.tag} name={control.name!r}> draws {shapes} without labels and takes "
            f"none; label them with a <Labels> control, or use <{labeled_tag}>"
        )
    return None


def at_task(error: BuildError, task: int, rows: str | None) -> BuildError:
    """``error`` from a per-image builder, with the task (and rows) it came from first:
    ``task 3 (xyxy_px rows from 12 on): xyxy_px[0]=... is inverted ...``."""
    where = f"task {task}" if rows is None else f"task {task} ({rows})"
    return type(error)(f"{where}: {error}")


def drop_unmapped(
    found: RowLabels | None,
    tasks: int,
    scores: NDArray[np.float64] | None,
    task_index: ArrayLike | None,
    counts: ArrayLike | None,
    *,
    what: str,
    plural: str,
) -> tuple[NDArray[np.bool_] | None, NDArray[np.float64] | None, Any, Any]:
    """``(keep, scores, task_index, counts)`` for the rows a ``LabelMap`` kept: ``keep`` is
    None (and the rest as given) when it kept them all; the caller filters its own columns."""
    keep = None if found is None else found.keep
    if keep is None:
        return None, scores, task_index, counts
    return (
        keep,
        None if scores is None else scores[keep],
        None if task_index is None else kept(task_index, keep, what),
        None if counts is None else kept_counts(counts, keep, tasks, plural),
    )


def label_lists(
    table: list[tuple[str, ...]] | None,
    index: NDArray[np.int64] | None,
    start: int,
    stop: int,
) -> list[list[str]] | None:
    """Rows ``start`` to ``stop`` as the per-image builders take labels: a fresh list each."""
    if table is None or index is None:
        return None
    return [list(table[i]) for i in index[start:stop].tolist()]


def dropped_source(found: RowLabels | None) -> NDArray[np.intp] | None:
    """The caller's row numbers of the rows a ``LabelMap`` kept, for messages; None when it
    kept them all (or there are no labels)."""
    if found is None or found.keep is None:
        return None
    return np.flatnonzero(found.keep)


def row_scores(scores: ArrayLike | None, rows: int, what: str) -> NDArray[np.float64] | None:
    """``(rows,)`` confidences in [0, 1], or None.

    Raises:
        BuildError: another shape, or a score outside [0, 1] (NaN included).
    """
    if scores is None:
        return None
    array = real_array(scores, "scores")
    if array.size == 0:
        array = array.reshape(0)
    if array.shape != (rows,):
        raise BuildError(
            f"scores must have shape ({rows},), one per {what}, got {array.shape}"
            + vector_shape_hint(array.shape, rows)
        )
    bad = ~((array >= 0.0) & (array <= 1.0))
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        value = float(array[row])
        hint = score_hint(array.tolist())
        raise BuildError(f"scores[{row}] must be between 0 and 1, got {value}{hint}")
    return array


def kept(task_index: ArrayLike, keep: NDArray[np.bool_], what: str) -> NDArray[Any]:
    """The ``task_index`` of the rows a ``LabelMap`` kept."""
    index = np.asarray(task_index)
    if index.shape != keep.shape:
        raise BuildError(
            f"task_index must have shape {keep.shape}, one per {what}, got {index.shape}"
        )
    return index[keep]


def kept_counts(
    counts: ArrayLike, keep: NDArray[np.bool_], tasks: int, whats: str
) -> NDArray[np.int64]:
    """The ``counts`` per task of the rows a ``LabelMap`` kept."""
    per_task = np.asarray(counts, dtype=np.int64)
    if per_task.shape != (tasks,) or int(per_task.sum()) != keep.shape[0]:
        raise BuildError(
            f"counts must have shape ({tasks},) and add up to the {keep.shape[0]} {whats} given"
        )
    owner = np.repeat(np.arange(tasks), per_task)
    return np.bincount(owner[keep], minlength=tasks).astype(np.int64)


def image_sizes(image_wh: ArrayLike, tasks: int) -> NDArray[np.int64]:
    """``(tasks, 2)`` image sizes from one ``(width, height)`` or one per task.

    Raises:
        BuildError: another shape, or a size that is not two positive whole numbers.
    """
    try:
        sizes = np.asarray(image_wh, dtype=np.float64)
    except (TypeError, ValueError):
        raise BuildError(
            "image_wh must be (width, height) in pixels, or one such pair per task"
        ) from None
    if sizes.shape == (2,):
        sizes = np.broadcast_to(sizes, (tasks, 2))
    if sizes.shape != (tasks, 2):
        raise BuildError(
            f"image_wh must be (width, height) or have shape ({tasks}, 2), one per task, "
            f"got {sizes.shape}"
        )
    good = np.isfinite(sizes) & (sizes > 0) & (sizes == np.round(sizes))
    if not good.all():
        task = int(np.flatnonzero(~good.all(axis=1))[0])
        raise BuildError(
            f"image_wh[{task}] = {sizes[task].tolist()} must be two positive whole numbers "
            "of pixels"
        )
    return sizes.astype(np.int64)


def one_or_per_row(values: ArrayLike, name: str, rows: int, what: str) -> NDArray[np.float64]:
    """``values`` as ``(rows,)`` floats: one number for every ``what``, or one each.

    Raises:
        BuildError: not numbers, or another shape.
    """
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise BuildError(f"{name} must be numbers, got {type(values).__name__}") from None
    if array.ndim == 0:
        return np.full(rows, float(array))
    if array.size == 0:
        array = array.reshape(0)
    if array.shape != (rows,):
        raise BuildError(
            f"{name} must be one number or have shape ({rows},), one per {what}, got shape "
            f"{array.shape}"
        )
    return array


def per_task_scores(
    values: float | ArrayLike | None, tasks: int, name: str
) -> NDArray[np.float64] | None:
    """``(tasks,)`` confidences in [0, 1] from one number or one per task, or None.

    Raises:
        BuildError: another shape, or a score outside [0, 1] (NaN included).
    """
    if values is None:
        return None
    array = np.asarray(values, dtype=np.float64)
    if array.shape == ():
        array = np.broadcast_to(array, (tasks,))
    if array.shape != (tasks,):
        raise BuildError(
            f"{name} must be one number or have shape ({tasks},), one per task, got {array.shape}"
        )
    bad = ~((array >= 0.0) & (array <= 1.0))
    if bad.any():
        task = int(np.flatnonzero(bad)[0])
        raise BuildError(f"{name}[{task}] must be between 0 and 1, got {float(array[task])}")
    return array
