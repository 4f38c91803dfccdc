"""``LabelingControl``: what every control whose results carry labels or choices shares.

Here, not in ``controls``, so that builders can use it without importing the module that mixes
the builders into the control classes: imports flow one way, controls -> builders -> labeling.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from typing import Any, ClassVar

from .._suggest import did_you_mean, quote_list
from ..errors import LabelError
from .base import ChoiceMode, ControlTag, LabelDef

__all__ = ["LabelingControl"]

_dc = dataclasses.dataclass(frozen=True, eq=False, kw_only=True, repr=False)


@_dc
class LabelingControl(ControlTag):
    """A control whose results carry values from a fixed set (labels, choices, relations).

    Attributes:
        labels: the ``<Label>``/``<Choice>`` definitions, in config order (a tree for Taxonomy).
        dynamic_labels: the data path of ``value="$opts"`` when labels come from the task.
        choice: ``"single"`` (default), ``"single-radio"`` or ``"multiple"``.
        max_usages: ``maxUsages``, when set.
        allow_empty: ``allowEmpty="true"``: an empty label list is allowed.
    """

    has_labels: ClassVar[bool] = True

    labels: tuple[LabelDef, ...] = ()
    dynamic_labels: str | None = None
    choice: ChoiceMode = "single"
    max_usages: int | None = None
    allow_empty: bool = False

    @property
    def multiple(self) -> bool:
        """True when a result may hold several values (``choice="multiple"``)."""
        return self.choice == "multiple"

    def iter_labels(self) -> Iterator[LabelDef]:
        """Every label definition, depth first (nested choices included)."""
        for label in self.labels:
            for _path, node in label.walk():
                yield node

    @property
    def label_values(self) -> tuple[str, ...]:
        """The strings results may carry (alias if set, else value), in config order."""
        return tuple(dict.fromkeys(node.result_value for node in self.iter_labels()))

    def resolve_labels(self, labels: str | Sequence[str]) -> list[str]:
        """Check ``labels`` against the config and return the strings a result must carry.

        A label may be given by its ``value`` or its ``alias``; the result holds the alias when
        the config sets one. Dynamic label sets (``value="$opts"``) accept any string.

        Raises:
            LabelError: an unknown label (with "did you mean"), several labels on a
                single-choice control, or no label where one is required.
        """
        try:
            given = [labels] if isinstance(labels, str) else list(labels)
        except TypeError:  # one number, None, a 0-d array: not a label or a list of them
            raise LabelError(
                f"labels of <{self.tag} name={self.name!r}> must be strings, "
                f"got {type(labels).__name__}"
            ) from None
        for item in given:
            if not isinstance(item, str):
                raise LabelError(
                    f"labels of <{self.tag} name={self.name!r}> must be strings, "
                    f"got {type(item).__name__}"
                )
        if not given and not self.allow_empty:
            raise LabelError(f"<{self.tag} name={self.name!r}> needs at least one label")
        if len(given) > 1 and not self.multiple:
            raise LabelError(
                f'<{self.tag} name={self.name!r}> is single-choice (choice="{self.choice}") '
                f"but got {len(given)} values: {quote_list(given)}; "
                'pass one, or set choice="multiple" in the config'
            )
        if self.dynamic_labels is not None:
            return given
        lookup: dict[str, str] = {}
        for node in self.iter_labels():
            lookup.setdefault(node.value, node.result_value)
            if node.alias is not None:
                lookup.setdefault(node.alias, node.alias)
        out = []
        for item in given:
            if item not in lookup:
                raise LabelError(
                    f"{item!r} is not a label of <{self.tag} name={self.name!r}>"
                    f"{did_you_mean(item, lookup)} (labels: {quote_list(self.label_values)})"
                )
            out.append(lookup[item])
        return out

    def facts(self) -> dict[str, Any]:
        out = super().facts()
        out["choice"] = self.choice
        if self.dynamic_labels is not None:
            out["dynamic_labels"] = self.dynamic_labels
        out["labels"] = list(self.label_values)
        if self.max_usages is not None:
            out["max_usages"] = self.max_usages
        return out
