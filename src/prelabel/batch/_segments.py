"""Audio segments of a whole dataset: ``<Labels>`` on ``<Audio>``, checked as arrays.

The values are the ones :meth:`Labels.segments` gives for the same audio. A task with a
segment that is not ordinary (a NaN, a negative start, an end not after its start, an end past
``original_length_s``, a channel that is negative or, without ``splitchannels``, not 0) is
handed to that builder as it is, which explains what is wrong, so the batch accepts and
refuses exactly what the per-file builder does.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .._lazy import lazy_module
from ..errors import BuildError
from ..ids import new_ids
from ..tags.controls import Labels
from ..tags.objects import Audio
from ._labels import ClassNames
from ._ragged import Grouping, group_rows, whole_numbers
from ._rows import at_task, drop_unmapped, dropped_source, part_labels, row_scores

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import ArrayLike, NDArray
else:
    np = lazy_module("numpy")

__all__ = ["SegmentPart"]


class SegmentPart:
    """One ``<Labels>`` control's audio segments for every task of a batch, as columns."""

    def __init__(
        self,
        control: Labels,
        tasks: int,
        *,
        starts_s: ArrayLike,
        ends_s: ArrayLike,
        task_index: ArrayLike | None,
        counts: ArrayLike | None,
        label: str | Sequence[str] | None,
        labels: Sequence[str | Sequence[str]] | None,
        class_ids: ArrayLike | None,
        class_names: ClassNames | None,
        channels: ArrayLike | None,
        scores: ArrayLike | None,
        original_length_s: ArrayLike | None,
        to_name: str | None,
    ) -> None:
        self.control = control
        self.to_name = to_name
        starts = _seconds(starts_s, "starts_s", None)
        rows = starts.shape[0]
        ends = _seconds(ends_s, "ends_s", rows)
        chans = (
            np.zeros(rows, dtype=np.int64)
            if channels is None
            else whole_numbers(channels, "channels", (rows,))
        )
        self.lengths = _lengths(original_length_s, tasks)
        found = part_labels(
            control,
            rows,
            label=label,
            labels=labels,
            class_ids=class_ids,
            class_names=class_names,
            shapes="segments",
            labeled_tag="Labels",
        )
        assert found is not None  # <Labels> is a labeling control
        score_rows = row_scores(scores, rows, "segment")
        keep, score_rows, task_index, counts = drop_unmapped(
            found, tasks, score_rows, task_index, counts, what="segment", plural="segments"
        )
        if keep is not None:  # a LabelMap dropped some classes
            starts, ends, chans = starts[keep], ends[keep], chans[keep]
            rows = int(keep.sum())
        group = group_rows(
            tasks,
            rows,
            task_index=task_index,
            counts=counts,
            what="segment",
            source=dropped_source(found),
        )
        self.offsets = group.offsets
        self.starts, self.ends = group.take(starts), group.take(ends)
        self.channels = group.take(chans)
        self.label_table = found.table
        self.label_index = group.take(found.index)
        self.scores = None if score_rows is None else group.take(score_rows)
        self.ids = new_ids(rows)
        self._base = self._first_template()
        self._templates: dict[float, dict[str, Any]] = {}
        audio = _audio_of(control, to_name)
        with np.errstate(invalid="ignore"):
            unusual = ~(np.isfinite(self.starts) & np.isfinite(self.ends))
            unusual |= (self.starts < 0) | ~(self.ends > self.starts)
            unusual |= (self.channels < 0) if audio.split_channels else (self.channels != 0)
            if self.lengths is not None:
                unusual |= self.ends > self.lengths[group.task_of_row]
        # Tasks with an unusual segment: the per-file builder explains what is wrong.
        for task in np.unique(group.task_of_row[unusual]).tolist():
            self._per_file(task, group)

    @property
    def count(self) -> int:
        """How many segments the part holds."""
        return len(self.ids)

    def _per_file(self, task: int, group: Grouping) -> None:
        """Task ``task`` built by :meth:`Labels.segments`, which raises its error, located."""
        start, stop = int(self.offsets[task]), int(self.offsets[task + 1])
        first = group.original_row(start)
        table = self.label_table
        try:
            self.control.segments(
                self.starts[start:stop],
                self.ends[start:stop],
                labels=[list(table[i]) for i in self.label_index[start:stop].tolist()],
                channels=self.channels[start:stop],
                scores=None if self.scores is None else self.scores[start:stop],
                original_length_s=None if self.lengths is None else float(self.lengths[task]),
                to_name=self.to_name,
            )
        except BuildError as error:
            raise at_task(
                error, task, f"segments from {first} on" if group.order is None else None
            ) from None

    def _first_template(self) -> dict[str, Any]:
        """A result of this control made by its own builder: the keys, their order, the
        target; made now, so a call the builder refuses fails here."""
        table = self.label_table
        regions = self.control.segments(
            [0.0],
            [0.5],
            labels=[list(table[0])] if table else self.control.label_values[0],
            scores=None if self.scores is None else [0.5],
            original_length_s=None if self.lengths is None else 1.0,
            to_name=self.to_name,
        )
        return dict(regions[0].result)

    def _template(self, length: float | None) -> dict[str, Any]:
        if length is None:
            return self._base
        found = self._templates.get(length)
        if found is None:
            found = self._base.copy()
            found["original_length"] = length
            if len(self._templates) > 4096:
                self._templates.clear()
            self._templates[length] = found
        return found

    def results(self, start: int, stop: int) -> list[list[dict[str, Any]]]:
        """The result dicts of tasks ``start`` to ``stop``, a fresh list per task."""
        first, last = int(self.offsets[start]), int(self.offsets[stop])
        starts = self.starts[first:last].tolist()
        ends = self.ends[first:last].tolist()
        chans = self.channels[first:last].tolist()
        ids = self.ids[first:last]
        scores = None if self.scores is None else self.scores[first:last].tolist()
        table = self.label_table
        names = self.label_index[first:last].tolist()
        lengths = None if self.lengths is None else self.lengths[start:stop].tolist()
        bounds = self.offsets[start : stop + 1].tolist()
        out: list[list[dict[str, Any]]] = []
        for offset, (a, b) in enumerate(itertools.pairwise(bounds)):
            a, b = a - first, b - first
            copy = self._template(None if lengths is None else lengths[offset]).copy
            result_list: list[dict[str, Any]] = []
            append = result_list.append
            for row in range(a, b):
                result = copy()
                result["id"] = ids[row]
                result["value"] = {
                    "start": starts[row],
                    "end": ends[row],
                    "channel": chans[row],
                    "labels": list(table[names[row]]),
                }
                if scores is not None:
                    result["score"] = scores[row]
                append(result)
            out.append(result_list)
        return out


def _audio_of(control: Labels, to_name: str | None) -> Audio:
    """The ``<Audio>`` the segments are on (the template call checked there is one)."""
    if to_name is not None:
        found = next(t for t in control.targets if t.name == to_name)
    else:
        found = next(t for t in control.targets if isinstance(t, Audio))
    assert isinstance(found, Audio)
    return found


def _seconds(values: ArrayLike, name: str, rows: int | None) -> NDArray[np.float64]:
    """``(M,)`` times in seconds as float64 (NaN is left for the builder to name)."""
    array = np.asarray(values)
    if array.size == 0:
        array = array.reshape(0)
    if array.ndim != 1 or (rows is not None and array.shape[0] != rows):
        want = "(M,)" if rows is None else f"({rows},)"
        raise BuildError(
            f"{name} must have shape {want}, every segment of the batch in one array, got "
            f"{array.shape}"
        )
    if array.dtype.kind not in "iuf":
        raise BuildError(f"{name} must hold numbers, got dtype {array.dtype}")
    return array.astype(np.float64)


def _lengths(original_length_s: ArrayLike | None, tasks: int) -> NDArray[np.float64] | None:
    """Each task's audio length in seconds, or None.

    Raises:
        BuildError: another shape, or a length that is not a positive number.
    """
    if original_length_s is None:
        return None
    array = np.asarray(original_length_s, dtype=np.float64)
    if array.ndim == 0:
        array = np.full(tasks, float(array))
    if array.shape != (tasks,):
        raise BuildError(
            f"original_length_s must be one number or have shape ({tasks},), one per task, got "
            f"{array.shape}"
        )
    bad = ~(np.isfinite(array) & (array > 0))
    if bad.any():
        task = int(np.flatnonzero(bad)[0])
        raise BuildError(
            f"original_length_s[{task}] must be a positive number of seconds, got "
            f"{float(array[task])}"
        )
    return array
