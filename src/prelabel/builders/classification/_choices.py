"""``<Choices>``: one choice or several, for the whole object or a region."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ...errors import LabelError
from ...ids import new_id
from ...results import Region, Result
from ...tags.base import ControlTag
from .._classes import item_list
from .._common import check_id, check_score
from ._base import Options, name_of, whole
from ._region import PerRegionBuilder, attach

if TYPE_CHECKING:
    from ...tags.labeling import LabelingControl

__all__ = ["ChoicesBuilder"]

# control -> (control, {choice: the values a result carries}), for single choices given as a
# string (tags hash by identity).
_choice_memo: dict[ControlTag, tuple[ControlTag, dict[str, tuple[str, ...]]]] = {}


def _one_choice(control: ControlTag, choice: str) -> list[str]:
    """``control.resolve_labels([choice])``, remembered per control (it walks the label tree)."""
    entry = _choice_memo.get(control)
    if entry is None or entry[0] is not control:
        if len(_choice_memo) > 1024:
            _choice_memo.clear()
        entry = _choice_memo[control] = (control, {})
    found = entry[1].get(choice)
    if found is None:
        labeling: LabelingControl = control  # type: ignore[assignment]
        found = tuple(labeling.resolve_labels([choice]))
        entry[1][choice] = found
    return list(found)


class ChoicesBuilder(PerRegionBuilder):
    """Builders of ``<Choices>``: one choice (``choice="single"``, the default) or several.

    >>> from prelabel import LabelConfig, reproducible_ids
    >>> cfg = LabelConfig.parse('<View><Text name="text" value="$text"/>'
    ...     '<Choices name="sentiment" toName="text"><Choice value="Positive"/>'
    ...     '<Choice value="Negative"/></Choices></View>')
    >>> with reproducible_ids(1):
    ...     result = cfg.control("sentiment").choose("Positive", score=0.93)
    >>> result["value"], result["score"]
    ({'choices': ['Positive']}, 0.93)
    """

    def _choices(self, choices: str | Sequence[str]) -> list[str]:
        control: LabelingControl = self  # type: ignore[assignment]
        given = item_list(choices, f"the choices for {name_of(self)}")
        duplicates = [c for i, c in enumerate(given) if c in given[:i]]
        if duplicates:
            raise LabelError(f"{duplicates[0]!r} is given twice to {name_of(self)}")
        return control.resolve_labels(given)

    def choose(
        self,
        choices: str | Sequence[str],
        *,
        score: float | None = None,
        id: str | None = None,
        to_name: str | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
    ) -> Result:
        """The choice(s) for the whole object.

        Args:
            choices: one choice, or several on a ``choice="multiple"`` control; a Choice's
                ``value`` or ``alias`` (the result carries the alias).
            score: confidence in [0, 1], kept at result level.
            id: the result id; a fresh one when None.
            to_name: the object, when the control points at several.
            readonly: make the result read-only.
            hidden: start it hidden.

        Raises:
            LabelError: an unknown choice, two choices on a single-choice control, a choice
                given twice.
            BuildError: the control is ``perRegion`` (use :meth:`for_region`).
        """
        if (
            type(choices) is str
            and to_name is None
            and readonly is None
            and hidden is None
            and not self.per_region
        ):
            # The usual call, one choice: what make_result would build, without its detours.
            result: dict[str, Any] = {
                "id": new_id() if id is None else check_id(id),
                "type": self.result_type,
                "from_name": self.name,
                "to_name": self.targets[0].name,
                "value": {"choices": _one_choice(self, choices)},
            }
            if score is not None:
                result["score"] = (
                    score if type(score) is float and 0.0 <= score <= 1.0 else check_score(score)
                )
            return result  # type: ignore[return-value]
        return whole(
            self, {"choices": self._choices(choices)}, to_name, Options(id, score, readonly, hidden)
        )

    def _region_payload(self, value: Any) -> dict[str, Any]:
        return {"choices": self._choices(value)}

    def for_region(
        self,
        region: Region,
        choices: str | Sequence[str],
        *,
        score: float | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
    ) -> Result:
        """The choice(s) of a ``perRegion`` control for ``region``; appended to the region."""
        return attach(self, region, self._region_payload(choices), score, readonly, hidden)
