"""One classification per task (an image's scene, a document's topic), for a whole dataset.

Each distinct choice is built once by :meth:`Choices.choose`, which checks it against the
config; every task then gets a copy with its own id and score.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .._lazy import lazy_module
from ..builders.image._calls import _batch_ids
from ..errors import BuildError, LabelError
from ..ids import new_ids
from ..tags.controls import Choices
from ._labels import ClassNames, row_labels
from ._rows import per_task_scores

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import ArrayLike, NDArray
else:
    np = lazy_module("numpy")

__all__ = ["ChoicePart"]

Choice = str | Sequence[str]


class ChoicePart:
    """One choices control's result for each task of a batch (or none, where ``None``)."""

    def __init__(
        self,
        control: Choices,
        tasks: int,
        *,
        choices: Sequence[Choice | None] | None,
        class_ids: ArrayLike | None,
        class_names: ClassNames | None,
        scores: ArrayLike | None,
        ids: Sequence[str] | None,
        readonly: bool | None,
        hidden: bool | None,
        to_name: str | None,
    ) -> None:
        self.control = control
        self.readonly, self.hidden = readonly, hidden
        if (choices is None) == (class_ids is None):
            raise LabelError(
                f"<{control.tag} name={control.name!r}> needs one choice per task: pass "
                "choices= (a choice, a list of choices, or None for no result) or class_ids= "
                "with class_names="
            )
        self.scores = per_task_scores(scores, tasks, "scores")
        self.templates: list[dict[str, Any]] = []
        if choices is not None:
            self.slot = self._from_choices(choices, tasks, to_name)
        else:
            found = row_labels(
                control,
                tasks,
                label=None,
                labels=None,
                class_ids=class_ids,
                class_names=class_names,
            )
            self.slot = np.full(tasks, -1, dtype=np.int64)
            kept = np.arange(tasks) if found.keep is None else np.flatnonzero(found.keep)
            self.slot[kept] = found.index
            self.templates = [self._build(list(labels), to_name) for labels in found.table]
        if ids is None:
            self.ids = new_ids(int((self.slot >= 0).sum()))
        else:
            given = _batch_ids(ids, tasks, "task")
            self.ids = [given[task] for task in np.flatnonzero(self.slot >= 0).tolist()]
        # id of task k: ids[rank[k]] where the task has a result
        self.rank = np.cumsum(self.slot >= 0) - 1

    @property
    def count(self) -> int:
        """How many results the part holds."""
        return len(self.ids)

    def _build(self, choice: Choice, to_name: str | None) -> dict[str, Any]:
        scored = None if self.scores is None else 0.5
        return dict(
            self.control.choose(
                choice,
                score=scored,
                to_name=to_name,
                readonly=self.readonly,
                hidden=self.hidden,
            )
        )

    def _from_choices(
        self, choices: Sequence[Choice | None], tasks: int, to_name: str | None
    ) -> NDArray[np.int64]:
        if isinstance(choices, str):
            raise BuildError(
                f"choices= takes one choice per task (a list of {tasks}), not one string"
            )
        items = list(choices)
        if len(items) != tasks:
            raise BuildError(f"choices has {len(items)} items; expected {tasks}, one per task")
        slots: dict[Any, int] = {}
        out = np.empty(tasks, dtype=np.int64)
        for task, item in enumerate(items):
            key: Any = item if item is None or isinstance(item, str) else tuple(item)
            slot = slots.get(key)
            if slot is None:
                if key is None:
                    slot = -1
                else:
                    try:
                        built = self._build(item if isinstance(item, str) else list(key), to_name)
                    except BuildError as error:
                        raise type(error)(f"choices[{task}]: {error}") from None
                    slot = len(self.templates)
                    self.templates.append(built)
                slots[key] = slot
            out[task] = slot
        return out

    def results(self, start: int, stop: int) -> list[list[dict[str, Any]]]:
        """The results of tasks ``start`` to ``stop``: a list of zero or one result each."""
        slots = self.slot[start:stop].tolist()
        ranks = self.rank[start:stop].tolist()
        scores = None if self.scores is None else self.scores[start:stop].tolist()
        templates, ids = self.templates, self.ids
        out: list[list[dict[str, Any]]] = []
        for offset, slot in enumerate(slots):
            if slot < 0:
                out.append([])
                continue
            template = templates[slot]
            result = template.copy()
            result["id"] = ids[ranks[offset]]
            result["value"] = {"choices": list(template["value"]["choices"])}
            if scores is not None:
                result["score"] = scores[offset]
            out.append([result])
        return out
