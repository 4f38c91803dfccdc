"""Map a model's class names or indices to the labels of one control.

Models name their classes their own way (``"person"``, ``3``, ``"B-PER"``); the config has its
own labels (``"Person"``). A :class:`LabelMap` resolves each model class once, by an explicit
mapping, the label's ``predicted_values`` attribute, the exact value or alias, or the same name
in another case, and reports every class it cannot map instead of losing it silently.
"""

from __future__ import annotations

import collections
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Literal

from ._lazy import lazy_module
from ._suggest import did_you_mean, quote_list
from .errors import LabelError
from .tags.labeling import LabelingControl

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import ArrayLike, NDArray
else:
    np = lazy_module("numpy")


__all__ = ["LabelMap"]

Unmapped = Literal["error", "drop"]


class LabelMap:
    """Model classes -> labels of one labels/choices control.

    Args:
        control: the control whose labels the model predicts.
        classes: the model's class names, indexed by class id (a list, or a dict id -> name),
            so integer class ids can be mapped; omit when the model gives names.
        mapping: explicit model class (name or id) -> label; wins over every other rule.
        unmapped: ``"error"`` (default) raises on a class with no label, naming all of them;
            ``"drop"`` skips them and counts each in :attr:`dropped`.

    Resolution order for a class name: ``mapping``, then a label whose
    ``predicted_values="a,b"`` lists it, then a label whose value or alias equals it, then one
    that equals it case-insensitively.

    >>> from prelabel import LabelConfig
    >>> cfg = LabelConfig.parse('<View><Image name="i" value="$i"/>'
    ...     '<RectangleLabels name="b" toName="i"><Label value="Person"/>'
    ...     '<Label value="Car" predicted_values="truck,bus"/></RectangleLabels></View>')
    >>> labels = LabelMap(cfg.control("b", LabelingControl), classes=["person", "bus", "dog"],
    ...                   unmapped="drop")
    >>> labels(0), labels("bus"), labels(2)
    ('Person', 'Car', None)
    >>> dict(labels.dropped)
    {'dog': 1}
    """

    def __init__(
        self,
        control: LabelingControl,
        *,
        classes: Sequence[str] | Mapping[int, str] | None = None,
        mapping: Mapping[str | int, str] | None = None,
        unmapped: Unmapped = "error",
    ) -> None:
        if unmapped not in ("error", "drop"):
            raise ValueError(f"unmapped must be 'error' or 'drop', got {unmapped!r}")
        self.control = control
        self.unmapped = unmapped
        self.dropped: collections.Counter[str] = collections.Counter()
        if classes is None:
            self._names: dict[int, str] = {}
        elif isinstance(classes, Mapping):
            self._names = {int(k): str(v) for k, v in classes.items()}
        else:
            self._names = dict(enumerate(str(c) for c in classes))
        self._explicit: dict[str | int, str] = {}
        for key, label in (mapping or {}).items():
            self._explicit[key] = control.resolve_labels(label)[0]
        self._by_name = self._index(control)
        self._cache: dict[str | int, str | None] = {}

    @staticmethod
    def _index(control: LabelingControl) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
        predicted: dict[str, str] = {}
        exact: dict[str, str] = {}
        folded: dict[str, str] = {}
        for node in control.iter_labels():
            for predicted_name in node.predicted_values:
                predicted.setdefault(predicted_name, node.result_value)
            for name in (node.value, node.alias):
                if name is not None:
                    exact.setdefault(name, node.result_value)
                    folded.setdefault(name.casefold(), node.result_value)
        return predicted, exact, folded

    def _resolve(self, cls: str | int) -> str | None:
        if cls in self._explicit:
            return self._explicit[cls]
        name: str | None = self._names.get(cls) if isinstance(cls, int) else cls
        if name is None:
            return None
        if name in self._explicit:
            return self._explicit[name]
        if self.control.dynamic_labels is not None:
            return name
        predicted, exact, folded = self._by_name
        return predicted.get(name) or exact.get(name) or folded.get(name.casefold())

    def _name(self, cls: str | int) -> str:
        if isinstance(cls, int):
            return self._names.get(cls, f"class {cls}")
        return cls

    def __call__(self, cls: str | int) -> str | None:
        """The label for one model class; None when dropped (``unmapped="drop"``).

        Raises:
            LabelError: the class maps to no label and ``unmapped="error"``.
        """
        key: str | int = int(cls) if isinstance(cls, (int, np.integer)) else str(cls)
        if key not in self._cache:
            self._cache[key] = self._resolve(key)
        label = self._cache[key]
        if label is None:
            self._unmapped([key])
        return label

    def map(
        self, classes: Iterable[str | int], *, counts: Sequence[int] | None = None
    ) -> list[str | None]:
        """Labels for many classes (None where dropped); all unmapped classes named at once.

        ``counts`` says how many detections each class stands for, when the caller maps each
        distinct class once: :attr:`dropped` then counts the detections.
        """
        keys = [int(c) if isinstance(c, (int, np.integer)) else str(c) for c in classes]
        weights = [1] * len(keys) if counts is None else list(counts)
        if len(weights) != len(keys):
            raise ValueError(f"counts has {len(weights)} items for {len(keys)} classes")
        for key in set(keys) - self._cache.keys():
            self._cache[key] = self._resolve(key)
        missing = [k for k in dict.fromkeys(keys) if self._cache[k] is None]
        if missing:
            if self.unmapped == "error":
                self._unmapped(missing)
            for key, weight in zip(keys, weights, strict=True):
                if self._cache[key] is None:
                    self.dropped[self._name(key)] += weight
        return [self._cache[k] for k in keys]

    def map_ids(self, class_ids: ArrayLike) -> tuple[list[str], NDArray[np.bool_]]:
        """Labels for an array of integer class ids, and a mask of the ids that were kept.

        Returns:
            ``(labels, keep)``: ``labels`` holds one label per kept id; ``keep`` is a boolean
            array of the input's shape, so the caller can filter boxes and scores with it.
        """
        ids = np.asarray(class_ids)
        if ids.ndim != 1 or (ids.size and ids.dtype.kind not in "iu"):
            raise LabelError(
                f"class_ids must be a 1-D array of integers, got shape {tuple(ids.shape)} "
                f"of dtype {ids.dtype}"
            )
        mapped = self.map(ids.tolist())
        keep = np.array([m is not None for m in mapped], dtype=bool)
        return [m for m in mapped if m is not None], keep

    def _unmapped(self, keys: Sequence[str | int]) -> None:
        if self.unmapped == "drop":
            if len(keys) == 1:
                self.dropped[self._name(keys[0])] += 1
            return
        names = [self._name(k) for k in keys]
        hint = did_you_mean(names[0], self.control.label_values) if len(names) == 1 else ""
        raise LabelError(
            f"model class(es) {quote_list(names)} map to no label of "
            f"<{self.control.tag} name={self.control.name!r}>{hint} "
            f"(labels: {quote_list(self.control.label_values)}); pass mapping={{...}}, add "
            'predicted_values="..." to a <Label>, or unmapped="drop"'
        )
