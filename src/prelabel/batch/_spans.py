"""Labeled spans on ``<Text>`` for a whole dataset: offsets checked as arrays, each span's
``text`` cut from its task's text when read.

The results are the ones :meth:`Labels.spans` gives for the same task: the text comes from the
task's data through the ``<Text>`` tag's ``$key`` (decoded when it has ``encoding``), offsets
in UTF-16 units or UTF-8 bytes are converted to the code points Label Studio stores, and
``labels`` are model class names or labels mapped as that builder maps them. A task with a
span that is not ordinary (empty or inverted, outside the text, not a whole number, inside a
character) is handed to that builder as it is, which explains what is wrong.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .._lazy import lazy_module
from ..builders._classes import one_way_to_label
from ..builders._common import pick_target
from ..builders.text._spans import label_mapper
from ..builders.text._taskdata import task_text
from ..errors import BuildError, LabelError
from ..labelmap import LabelMap
from ..offsets import OffsetMap, OffsetUnit
from ..tags.controls import Labels
from ._labels import ClassNames, RowLabels, row_labels
from ._part import RowOptions, RowPart

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import ArrayLike, NDArray
else:
    np = lazy_module("numpy")

__all__ = ["SpanPart"]

SpanLabel = str | Sequence[str]
_UNITS = ("codepoint", "utf16", "utf8")


class SpanPart(RowPart):
    """One ``<Labels>`` control's spans for every task of a batch, kept as columns."""

    control: Labels

    def __init__(
        self,
        control: Labels,
        tasks: int,
        data_of: Callable[[int], Mapping[str, Any]],
        *,
        start: ArrayLike,
        end: ArrayLike,
        label: SpanLabel | None,
        labels: Sequence[SpanLabel] | None,
        class_ids: ArrayLike | None,
        class_names: ClassNames | None,
        label_map: Mapping[str, str] | LabelMap | None,
        unit: OffsetUnit,
        options: RowOptions,
        to_name: str | None,
    ) -> None:
        self.control = control
        self.label_key = control.value_key or "labels"
        self.unit = unit
        self.to_name = to_name
        if unit not in _UNITS:
            raise BuildError(f"unit must be one of {', '.join(map(repr, _UNITS))}, got {unit!r}")
        first, last = _offsets(start, "start"), _offsets(end, "end")
        if first.shape != last.shape:
            raise BuildError(
                f"start and end must have one offset per span: start has {first.shape[0]}, "
                f"end has {last.shape[0]}"
            )
        pairs = np.stack([first, last], axis=1)
        count = pairs.shape[0]
        found = _span_labels(control, count, label, labels, class_ids, class_names, label_map)
        rows = self._arrange(tasks, count, found, options, what="span", plural="spans")
        pairs = rows.take(pairs)
        self.template = self._first_template()
        target = pick_target(control, to_name)
        self.texts: list[str] = [""] * tasks
        for task in np.flatnonzero(self.offsets[:-1] < self.offsets[1:]).tolist():
            try:
                self.texts[task] = task_text(target, data_of(task))
            except BuildError as error:
                raise type(error)(f"task {task}: {error}") from None
        task_of_row = rows.group.task_of_row
        self.points, unusual = self._fast(pairs, task_of_row)
        # Tasks with an unusual span: built by the per-image builder, which refuses them.
        self._by_builder(
            np.unique(task_of_row[unusual]).tolist(),
            rows.group,
            lambda task, start, stop: self._per_image(task, start, stop, pairs),
            lambda start, first: f"spans from {first} on",
        )

    def _fast(
        self, pairs: NDArray[Any], task_of_row: NDArray[np.int64]
    ) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
        """Code-point ``[start, end)`` of every span, and which spans are not ordinary."""
        texts, unit = self.texts, self.unit
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        maps: dict[int, OffsetMap] = {}
        if unit != "codepoint":
            for task, text in enumerate(texts):
                if not text.isascii():  # else all three units agree
                    maps[task] = OffsetMap(text)
                    lengths[task] = maps[task].unit_length(unit)
        with np.errstate(invalid="ignore"):
            good = (pairs[:, 0] < pairs[:, 1]) & (pairs[:, 0] >= 0)
            good &= pairs[:, 1] <= lengths[task_of_row]
            if pairs.dtype.kind == "f":
                good &= (np.isfinite(pairs) & (pairs == np.round(pairs))).all(axis=1)
        points = np.where(good[:, np.newaxis], pairs, 0).astype(np.int64)
        unusual = ~good
        for task, mapping in maps.items():
            a, b = int(self.offsets[task]), int(self.offsets[task + 1])
            if unusual[a:b].any():
                continue
            try:
                points[a:b] = mapping.to_codepoints(points[a:b], unit)
            except BuildError:
                unusual[a:b] = True  # inside a character: the builder says which
        return points, unusual

    def _per_image(
        self, task: int, start: int, stop: int, pairs: NDArray[Any]
    ) -> list[dict[str, Any]]:
        """Task ``task``'s result values from the per-text builder."""
        regions = self.control.spans(
            self.texts[task],
            pairs[start:stop],
            self._labels_of(start, stop) or [],
            scores=None if self.scores is None else self.scores[start:stop],
            unit=self.unit,
            to_name=self.to_name,
        )
        return [region.result["value"] for region in regions]

    def _first_template(self) -> dict[str, Any]:
        """A span of this control made by its own builder: the keys, their order, the target;
        made now, so a control the builder refuses (not on a ``<Text>``) fails here."""
        table = self.label_table
        labels = list(table[0]) if table else self.control.label_values[:1]
        regions = self.control.spans(
            "ab",
            [[0, 1]],
            [labels],
            scores=None if self.scores is None else [0.5],
            to_name=self.to_name,
            readonly=self.readonly,
            hidden=self.hidden,
        )
        return dict(regions[0].result)

    def _templates(self, start: int, stop: int) -> list[dict[str, Any]]:
        return [self.template] * (stop - start)

    def _values(
        self, start: int, stop: int, first: int, last: int, labels: list[list[str]] | None
    ) -> list[dict[str, Any]]:
        assert labels is not None  # a span always has labels
        begins, ends = self.points[first:last].T.tolist()
        texts, key = self.texts, self.label_key
        bounds = self.offsets[start : stop + 1].tolist()
        out: list[dict[str, Any]] = []
        for task, (a, b) in zip(range(start, stop), itertools.pairwise(bounds), strict=True):
            text = texts[task]
            for row in range(a - first, b - first):
                s, e = begins[row], ends[row]
                out.append({"start": s, "end": e, "text": text[s:e], key: labels[row]})
        return out


def _offsets(values: ArrayLike, name: str) -> NDArray[Any]:
    """``(M,)`` offsets as an integer or float array (floats must be whole, checked later)."""
    try:
        array = np.asarray(values)
    except (TypeError, ValueError):
        raise BuildError(f"{name} must be whole numbers, one offset per span") from None
    if array.size == 0:
        array = array.reshape(0).astype(np.int64)
    if array.ndim != 1:
        raise BuildError(f"{name} must have shape (M,), one offset per span, got {array.shape}")
    if array.dtype.kind not in "iuf":
        raise BuildError(f"{name} must be whole numbers, got an array of {array.dtype}")
    return array


def _span_labels(
    control: Labels,
    rows: int,
    label: SpanLabel | None,
    labels: Sequence[SpanLabel] | None,
    class_ids: ArrayLike | None,
    class_names: ClassNames | None,
    label_map: Mapping[str, str] | LabelMap | None,
) -> RowLabels:
    """The rows' labels: ``class_ids`` with ``class_names`` as for boxes; ``label`` (every
    row) or ``labels`` (one per row) mapped as :meth:`Labels.spans` maps them."""
    if class_ids is not None or (label is None and labels is None):
        if label_map is not None:
            raise LabelError(
                "label_map= maps the names in labels=; with class_ids= pass the LabelMap as "
                "class_names="
            )
        return row_labels(
            control, rows, label=label, labels=labels, class_ids=class_ids, class_names=class_names
        )
    one_way_to_label(control, "row", label=label, labels=labels, class_ids=None)
    if class_names is not None:
        raise LabelError("class_names= goes with class_ids=; for labels= pass label_map=")
    if labels is not None:
        if isinstance(labels, str):
            raise LabelError(
                f"labels= takes one label per span (a list); for the same label on every span "
                f"pass label={labels!r}"
            )
        items = list(labels)
        if len(items) != rows:
            raise BuildError(f"labels has {len(items)} items; expected {rows}, one per row")
    else:
        items = [label if isinstance(label, str) else list(label or ())] * rows
    keys: list[Any] = [item if isinstance(item, str) else tuple(item) for item in items]
    per_key = Counter(keys)
    weights: Counter[str] = Counter()
    for key, count in per_key.items():
        for name in [key] if isinstance(key, str) else key:
            weights[name] += count
    mapper = label_mapper(control, label_map)
    mapped = dict(
        zip(weights, mapper.map(list(weights), counts=list(weights.values())), strict=True)
    )
    slots: dict[Any, int] = {}
    table: list[tuple[str, ...]] = []
    for key in per_key:
        names = [mapped[name] for name in ([key] if isinstance(key, str) else key)]
        if any(name is None for name in names):
            slots[key] = -1  # a class the LabelMap drops, counted there
            continue
        try:
            resolved = control.resolve_labels([name for name in names if name is not None])
        except LabelError as error:
            raise LabelError(f"labels[{keys.index(key)}]: {error}") from None
        slots[key] = len(table)
        table.append(tuple(str(v) for v in resolved))
    index = np.fromiter(map(slots.__getitem__, keys), dtype=np.int64, count=rows)
    if not (index < 0).any():
        return RowLabels(table, index, None)
    keep = index >= 0
    return RowLabels(table, index[keep], keep)
