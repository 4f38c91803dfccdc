"""The shape every region part of a batch shares: rows grouped by task, read as result dicts.

A part (boxes, keypoints, polygons, ellipses, masks, spans, segments) checks and converts its
own columns and says how one row's ``value`` reads. :class:`RowPart` does the rest the same
way for all of them: scores, the rows a ``LabelMap`` drops, grouping by task, ids, the tasks
handed to the per-image builder (whose values, or errors, win), and the loop that makes each
task's result dicts from a template the control's own builder made.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from .._lazy import lazy_module
from ..builders.image._calls import _batch_ids
from ..errors import BuildError
from ..ids import new_ids
from ..tags.base import ControlTag
from ..tags.labeling import LabelingControl
from ._labels import RowLabels
from ._ragged import Grouping, group_rows
from ._rows import at_task, drop_unmapped, dropped_source, label_lists, row_scores

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import ArrayLike, NDArray
else:
    np = lazy_module("numpy")

__all__ = ["Arranged", "ImagePart", "ImageTemplates", "RowOptions", "RowPart"]


class RowOptions(NamedTuple):
    """What every part takes for its rows besides their geometry and labels."""

    task_index: ArrayLike | None
    """``(M,)`` the task of each row, in any order; or"""
    counts: ArrayLike | None
    """``(tasks,)`` rows per task, the rows given task by task."""
    scores: ArrayLike | None
    ids: Sequence[str] | None
    readonly: bool | None
    hidden: bool | None


@dataclasses.dataclass(frozen=True, slots=True)
class Arranged:
    """The rows a ``LabelMap`` kept (``keep``, None: all) and their grouping by task."""

    keep: NDArray[np.bool_] | None
    group: Grouping

    def take(self, column: NDArray[Any]) -> NDArray[Any]:
        """The kept rows of ``column`` (given in the caller's order), in task order."""
        return self.group.take(column if self.keep is None else column[self.keep])


class RowPart:
    """One control's regions for every task of a batch, kept as columns.

    A subclass sets ``control`` and ``to_name``, calls :meth:`_arrange` once its rows are
    checked, and implements :meth:`_values` and :meth:`_templates`.
    """

    control: ControlTag
    to_name: str | None
    label_key: str
    """The ``value`` key of the labels (``"rectanglelabels"``)."""
    offsets: NDArray[np.int64]
    ids: list[str]
    scores: NDArray[np.float64] | None
    label_table: list[tuple[str, ...]] | None
    label_index: NDArray[np.int64] | None
    overrides: dict[int, list[dict[str, Any]]]
    """Per task the per-image builder had to build: its result values, in row order."""
    readonly: bool | None
    hidden: bool | None

    @property
    def count(self) -> int:
        """How many regions the part holds."""
        return len(self.ids)

    # --- building ------------------------------------------------------------------------------

    def _arrange(
        self,
        tasks: int,
        rows: int,
        found: RowLabels | None,
        options: RowOptions,
        *,
        what: str,
        plural: str,
    ) -> Arranged:
        """Check the scores (and ``ids``), drop the rows a ``LabelMap`` drops, group the rest
        by task and give them ids; the caller puts its own columns in task order with the
        result."""
        score_rows = row_scores(options.scores, rows, what)
        given_ids = None if options.ids is None else _batch_ids(options.ids, rows, what)
        keep, score_rows, task_index, counts = drop_unmapped(
            found, tasks, score_rows, options.task_index, options.counts, what=what, plural=plural
        )
        if keep is not None:
            rows = int(keep.sum())
        group = group_rows(
            tasks,
            rows,
            task_index=task_index,
            counts=counts,
            what=what,
            source=dropped_source(found),
        )
        self.offsets = group.offsets
        self.label_table = None if found is None else found.table
        self.label_index = None if found is None else group.take(found.index)
        self.scores = None if score_rows is None else group.take(score_rows)
        if given_ids is None:
            self.ids = new_ids(rows)
        else:
            if keep is not None:
                given_ids = [i for i, kept in zip(given_ids, keep.tolist(), strict=True) if kept]
            order = group.order
            self.ids = given_ids if order is None else [given_ids[i] for i in order.tolist()]
        self.overrides = {}
        self.readonly, self.hidden = options.readonly, options.hidden
        return Arranged(keep, group)

    def _labels_of(self, start: int, stop: int) -> list[list[str]] | None:
        """Rows ``start`` to ``stop``'s labels as the per-image builders take them."""
        return label_lists(self.label_table, self.label_index, start, stop)

    def _template_options(self) -> dict[str, Any]:
        """The labels, score and target of a one-region call that makes the template: the
        first row's labels, or any label of the control when a ``LabelMap`` dropped every
        row, or none for a tool without labels."""
        table = self.label_table
        options: dict[str, Any] = {}
        if table:
            options["labels"] = [list(table[0])]
        elif table is not None and isinstance(self.control, LabelingControl):
            options["label"] = self.control.label_values[0]
        options["scores"] = None if self.scores is None else [0.5]
        options["to_name"] = self.to_name
        options["readonly"], options["hidden"] = self.readonly, self.hidden
        return options

    def _by_builder(
        self,
        tasks: Iterable[int],
        group: Grouping,
        build: Callable[[int, int, int], list[dict[str, Any]] | None],
        rows: Callable[[int, int], str],
    ) -> None:
        """Hand each of ``tasks`` to the per-image builder: ``build(task, start, stop)``
        returns the values it made (kept as the task's overrides) or None, or raises, and the
        error then names the task (and, given in task order, ``rows(start, first row)``)."""
        for task in tasks:
            start, stop = int(self.offsets[task]), int(self.offsets[task + 1])
            try:
                values = build(task, start, stop)
            except BuildError as error:
                where = rows(start, group.original_row(start)) if group.order is None else None
                raise at_task(error, task, where) from None
            if values is not None:
                self.overrides[task] = values

    # --- reading -------------------------------------------------------------------------------

    def _values(
        self, start: int, stop: int, first: int, last: int, labels: list[list[str]] | None
    ) -> list[dict[str, Any]]:
        """A fresh ``value`` dict for each of rows ``first`` to ``last`` (the rows of tasks
        ``start`` to ``stop``), with ``labels[i]`` under :attr:`label_key` when given."""
        raise NotImplementedError

    def _templates(self, start: int, stop: int) -> list[dict[str, Any]]:
        """The result every region of each of tasks ``start`` to ``stop`` copies: the keys
        in the builder's order, the target, the image's size."""
        raise NotImplementedError

    def results(self, start: int, stop: int) -> list[list[dict[str, Any]]]:
        """The result dicts of tasks ``start`` to ``stop``, a fresh list per task."""
        offsets = self.offsets
        first, last = int(offsets[start]), int(offsets[stop])
        labels = None
        if self.label_index is not None:
            table = self.label_table
            assert table is not None
            labels = [list(table[i]) for i in self.label_index[first:last].tolist()]
        values = self._values(start, stop, first, last, labels)
        ids = self.ids[first:last]
        scores = None if self.scores is None else self.scores[first:last].tolist()
        bounds = offsets[start : stop + 1].tolist()
        templates = self._templates(start, stop)
        overrides = self.overrides
        out: list[list[dict[str, Any]]] = []
        for offset, (a, b) in enumerate(itertools.pairwise(bounds)):
            if a == b:
                out.append([])
                continue
            a, b = a - first, b - first
            if overrides and start + offset in overrides:
                values[a:b] = [_fresh(value) for value in overrides[start + offset]]
            copy = templates[offset].copy
            result_list: list[dict[str, Any]] = []
            append = result_list.append
            for row in range(a, b):
                result = copy()
                result["id"] = ids[row]
                result["value"] = values[row]
                if scores is not None:
                    result["score"] = scores[row]
                append(result)
            out.append(result_list)
        return out


class ImagePart(RowPart):
    """A part on images: every task has an image size (``sizes``), and the results of one
    size share a template."""

    sizes: NDArray[np.int64]
    templates: ImageTemplates

    def _builder_options(self, task: int, start: int, stop: int) -> dict[str, Any]:
        """The per-image builder's keywords for task ``task`` (rows ``start`` to ``stop``)
        other than its geometry: the image size, labels, scores, ids and target."""
        return {
            "image_wh": (int(self.sizes[task, 0]), int(self.sizes[task, 1])),
            "labels": self._labels_of(start, stop),
            "scores": None if self.scores is None else self.scores[start:stop],
            "ids": self.ids[start:stop],
            "to_name": self.to_name,
        }

    def _templates(self, start: int, stop: int) -> list[dict[str, Any]]:
        get = self.templates.get
        return [get(width, height) for width, height in self.sizes[start:stop].tolist()]


class ImageTemplates:
    """The result keys every region of an image shares, per image size.

    ``base`` is a result the control's own builder made (its keys, their order, the target),
    so the batch writes exactly the keys the builder writes.
    """

    __slots__ = ("_base", "_by_size")

    def __init__(self, base: dict[str, Any]) -> None:
        self._base = base
        self._by_size: dict[tuple[int, int], dict[str, Any]] = {}

    def get(self, width: int, height: int) -> dict[str, Any]:
        """The template of a ``width`` x ``height`` image."""
        found = self._by_size.get((width, height))
        if found is None:
            found = self._base.copy()
            found["original_width"], found["original_height"] = width, height
            if len(self._by_size) > 4096:
                self._by_size.clear()
            self._by_size[width, height] = found
        return found


def _fresh(value: Any) -> Any:
    """``value`` with every list copied (a builder's value may be shared by tasks read twice)."""
    if isinstance(value, dict):
        return {key: _fresh(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_fresh(item) for item in value]
    return value
