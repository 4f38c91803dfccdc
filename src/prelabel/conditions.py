"""Conditional controls: find results that Label Studio would drop because a condition fails.

A control may apply only under a condition (reference §5, FE ``regions/Result.js``
``canBeSubmitted``). The editor shows the prediction, but when the annotator submits, it drops
every result whose condition the annotation does not meet:

* ``perRegion`` + ``whenLabelValue="X"``: the result's region must carry label ``X``;
* ``visibleWhen="choice-selected"``: a ``choices``/``taxonomy`` result of ``whenTagName`` (of any
  Choices, without it) must select one of ``whenChoiceValue`` (any choice, without it); for a
  per-region parent, on the same region. ``"choice-unselected"`` is the opposite.

``visibleWhen="region-selected"``/``"no-region-selected"`` only change what is shown, so they
are not checked. A per-region builder refuses a result whose region fails its condition at once;
a global conditional control depends on the other results of the prediction, which only this
prediction-level check sees.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ._suggest import quote_list
from .config import LabelConfig
from .errors import BuildError, ErrorRecord
from .results import Region, RelationResult, Result, flatten_results

__all__ = ["check_conditions", "enforce_conditions"]

ResultsLike = Iterable[
    Result | RelationResult | Region | Iterable[Result | RelationResult | Region]
]


def check_conditions(config: LabelConfig, results: ResultsLike) -> list[ErrorRecord]:
    """Every result of one prediction that Label Studio would drop on submit, as records.

    Args:
        config: the labeling config.
        results: the prediction's results (dicts, regions, or lists of them).

    Returns:
        One :class:`~prelabel.errors.ErrorRecord` per dropped result, located as
        ``("result", index)`` in the flattened list; empty when every condition holds.

    >>> from prelabel import LabelConfig
    >>> cfg = LabelConfig.parse('<View><Text name="t" value="$t"/>'
    ...     '<Choices name="topic" toName="t"><Choice value="Sport"/><Choice value="News"/>'
    ...     '</Choices><Choices name="sport" toName="t" visibleWhen="choice-selected" '
    ...     'whenTagName="topic" whenChoiceValue="Sport"><Choice value="Tennis"/></Choices>'
    ...     '</View>')
    >>> results = [cfg.control("topic").choose("News"), cfg.control("sport").choose("Tennis")]
    >>> [record.code for record in check_conditions(cfg, results)]
    ['condition.choice']
    """
    flat = flatten_results(results)
    labels_by_id: dict[str, list[str]] = {}
    for result in flat:
        kind = result.get("type", "")
        if isinstance(kind, str) and kind.endswith("labels") and "id" in result:
            values = result.get("value", {}).get(kind)
            if isinstance(values, list):
                labels_by_id.setdefault(result["id"], []).extend(values)
    records: list[ErrorRecord] = []
    for index, result in enumerate(flat):
        if result.get("type") == "relation":
            continue
        control = config.find_control(str(result.get("from_name", "")))
        if control is None:
            continue
        conditions = control.conditions
        message: str | None = None
        code = ""
        if control.per_region and conditions.when_label_value:
            labels = labels_by_id.get(str(result.get("id")), [])
            if not set(conditions.when_label_value) & set(labels):
                code = "condition.label"
                message = (
                    f"{control.name!r} applies only to regions labeled "
                    f"{quote_list(conditions.when_label_value)} (whenLabelValue); region "
                    f"{result.get('id')!r} has {quote_list(labels) if labels else 'no label'}"
                )
        if message is None and conditions.visible_when in ("choice-selected", "choice-unselected"):
            selected = _choice_selected(config, control.conditions, result, flat)
            wanted = conditions.visible_when == "choice-selected"
            if selected != wanted:
                parent = conditions.when_tag_name or "any Choices"
                values = quote_list(conditions.when_choice_value) or "a choice"
                code = "condition.choice"
                message = (
                    f"{control.name!r} is kept only when {parent!r} "
                    f"{'selects' if wanted else 'does not select'} {values} "
                    f'(visibleWhen="{conditions.visible_when}"), and this prediction '
                    f"{'does not' if wanted else 'does'}"
                )
        if message is not None:
            records.append(
                ErrorRecord(
                    code=code,
                    severity="error",
                    loc=("result", index),
                    message=message + ": Label Studio drops the result when the annotation is "
                    "submitted",
                    hint="predict the parent label or choice too, or drop this result",
                    control=control.name,
                    control_kind=control.tag,
                )
            )
    return records


def enforce_conditions(config: LabelConfig, results: ResultsLike) -> None:
    """Raise when :func:`check_conditions` finds a result Label Studio would drop.

    Raises:
        BuildError: lists every such result.
    """
    records = check_conditions(config, results)
    if records:
        raise BuildError(
            f"{len(records)} result(s) would be dropped on submit: "
            + "; ".join(f"{record.path}: {record.message}" for record in records)
        )


def _choice_selected(
    config: LabelConfig,
    conditions: Any,
    result: Mapping[str, Any],
    flat: list[dict[str, Any]],
) -> bool:
    """The editor's ``isChoiceSelected`` for ``result`` among the other results."""
    values = tuple(conditions.when_choice_value)
    others = [r for r in flat if r is not result and r.get("type") in ("choices", "taxonomy")]
    parent_name = conditions.when_tag_name
    if parent_name:
        parent = config.find_control(parent_name)
        per_region = parent is not None and parent.per_region
        found = next(
            (
                r
                for r in others
                if r.get("from_name") == parent_name
                and (not per_region or r.get("id") == result.get("id"))
            ),
            None,
        )
        if found is None:
            return False
        return not values or any(v in _picked(config, found) for v in values)
    if not others:
        return False
    return not values or any(v in _picked(config, r) for r in others for v in values)


def _picked(config: LabelConfig, result: Mapping[str, Any]) -> set[str]:
    """Selected values of a choices/taxonomy result (last node of a path), with their aliases.

    A condition may name a Choice by ``value`` while the result holds its ``alias``.
    """
    kind = result.get("type")
    raw = result.get("value", {}).get(kind)
    if not isinstance(raw, list):
        return set()
    picked = {item[-1] if isinstance(item, list) and item else item for item in raw}
    picked = {p for p in picked if isinstance(p, str)}
    control = config.find_control(str(result.get("from_name", "")))
    iter_labels = getattr(control, "iter_labels", None)
    if iter_labels is not None:
        for node in iter_labels():
            if node.result_value in picked:
                picked.add(node.value)
    return picked
