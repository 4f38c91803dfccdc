"""Audio segments of a whole dataset: ``<Labels>`` on ``<Audio>``, checked as arrays.

The values are the ones :meth:`Labels.segments` gives for the same audio. A task with a
segment that is not ordinary (a NaN, a negative start, an end not after its start, an end past
``original_length_s``, a channel that is negative or, without ``splitchannels``, not 0) is
handed to that builder as it is, which explains what is wrong, so the batch accepts and
refuses exactly what the per-file builder does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .._lazy import lazy_module
from ..errors import BuildError
from ..tags.controls import Labels
from ..tags.objects import Audio
from ._labels import ClassNames
from ._part import RowOptions, RowPart
from ._ragged import whole_numbers
from ._rows import part_labels

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import ArrayLike, NDArray
else:
    np = lazy_module("numpy")

__all__ = ["SegmentPart"]


class SegmentPart(RowPart):
    """One ``<Labels>`` control's audio segments for every task of a batch, as columns."""

    control: Labels

    def __init__(
        self,
        control: Labels,
        tasks: int,
        *,
        starts_s: ArrayLike,
        ends_s: ArrayLike,
        label: str | Sequence[str] | None,
        labels: Sequence[str | Sequence[str]] | None,
        class_ids: ArrayLike | None,
        class_names: ClassNames | None,
        channels: ArrayLike | None,
        original_length_s: ArrayLike | None,
        options: RowOptions,
        to_name: str | None,
    ) -> None:
        self.control = control
        self.label_key = "labels"
        self.to_name = to_name
        starts = _seconds(starts_s, "starts_s", None)
        count = starts.shape[0]
        ends = _seconds(ends_s, "ends_s", count)
        chans = (
            np.zeros(count, dtype=np.int64)
            if channels is None
            else whole_numbers(channels, "channels", (count,))
        )
        self.lengths = _lengths(original_length_s, tasks)
        found = part_labels(
            control,
            count,
            label=label,
            labels=labels,
            class_ids=class_ids,
            class_names=class_names,
            shapes="segments",
            labeled_tag="Labels",
        )
        rows = self._arrange(tasks, count, found, options, what="segment", plural="segments")
        self.starts, self.ends = rows.take(starts), rows.take(ends)
        self.channels = rows.take(chans)
        self._base = self._first_template()
        self._by_length: dict[float, dict[str, Any]] = {}
        audio = _audio_of(control, to_name)
        task_of_row = rows.group.task_of_row
        with np.errstate(invalid="ignore"):
            unusual = ~(np.isfinite(self.starts) & np.isfinite(self.ends))
            unusual |= (self.starts < 0) | ~(self.ends > self.starts)
            unusual |= (self.channels < 0) if audio.split_channels else (self.channels != 0)
            if self.lengths is not None:
                unusual |= self.ends > self.lengths[task_of_row]
        # Tasks with an unusual segment: the per-file builder explains what is wrong.
        self._by_builder(
            np.unique(task_of_row[unusual]).tolist(),
            rows.group,
            self._per_file,
            lambda start, first: f"segments from {first} on",
        )

    def _per_file(self, task: int, start: int, stop: int) -> None:
        """Task ``task`` built by :meth:`Labels.segments`, which raises its error."""
        self.control.segments(
            self.starts[start:stop],
            self.ends[start:stop],
            labels=self._labels_of(start, stop) or [],
            channels=self.channels[start:stop],
            scores=None if self.scores is None else self.scores[start:stop],
            original_length_s=None if self.lengths is None else float(self.lengths[task]),
            to_name=self.to_name,
        )

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
            readonly=self.readonly,
            hidden=self.hidden,
        )
        return dict(regions[0].result)

    def _templates(self, start: int, stop: int) -> list[dict[str, Any]]:
        if self.lengths is None:
            return [self._base] * (stop - start)
        return [self._of_length(length) for length in self.lengths[start:stop].tolist()]

    def _of_length(self, length: float) -> dict[str, Any]:
        found = self._by_length.get(length)
        if found is None:
            found = self._base.copy()
            found["original_length"] = length
            if len(self._by_length) > 4096:
                self._by_length.clear()
            self._by_length[length] = found
        return found

    def _values(
        self, start: int, stop: int, first: int, last: int, labels: list[list[str]] | None
    ) -> list[dict[str, Any]]:
        assert labels is not None  # <Labels> always has labels
        starts = self.starts[first:last].tolist()
        ends = self.ends[first:last].tolist()
        chans = self.channels[first:last].tolist()
        return [
            {"start": s, "end": e, "channel": channel, "labels": names}
            for s, e, channel, names in zip(starts, ends, chans, labels, strict=True)
        ]


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
