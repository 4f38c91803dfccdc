"""Per-region classification: which results a region may take, and attaching them.

``for_region(region, ...)`` builds the result of a ``perRegion="true"`` control for a region
made earlier; the result itself is built by :func:`prelabel.builders._per_region.attach_to_region`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..._suggest import quote_list
from ...errors import BuildError
from ...results import Region, Result
from ...tags.base import ControlTag
from .._per_region import attach_to_region
from ._base import name_of

__all__ = ["attach", "region_labels"]


def region_labels(region: Region) -> list[str]:
    """The labels a region carries (from its ``*labels`` results), as the editor reads them.

    >>> from prelabel.results import Region
    >>> region_labels(Region([{"id": "a", "type": "labels", "from_name": "l", "to_name": "t",
    ...                        "value": {"start": 0, "end": 2, "labels": ["PER"]}}],
    ...                      geometry={"start": 0, "end": 2}))
    ['PER']
    """
    found: list[str] = []
    for result in region.results:
        kind = result.get("type", "")
        if kind.endswith("labels"):
            values = result.get("value", {}).get(kind)
            if isinstance(values, list):
                found.extend(v for v in values if isinstance(v, str))
    return list(dict.fromkeys(found))


def attach(
    control: ControlTag,
    region: Region,
    payload: dict[str, Any],
    score: float | None,
    readonly: bool | None,
    hidden: bool | None,
) -> Result:
    """The per-region result of ``control`` for ``region``, appended to the region.

    Raises:
        BuildError: not a Region, a control without ``perRegion``, a region on another object,
            a second result of this control for the region, or a result Label Studio would drop
            (its ``whenLabelValue``/``visibleWhen`` condition is not met).
    """
    if not isinstance(region, Region):
        raise BuildError(
            "for_region() needs the Region a region builder returned (a box, span, segment...), "
            f"got {type(region).__name__}"
        )
    if not control.per_region:
        raise BuildError(
            f'{name_of(control)} is not perRegion="true": Label Studio shows its result for the '
            f"whole object, not for region {region.id!r}; use the global builder, or set "
            'perRegion="true" in the config'
        )
    if region.to_name not in control.to_name:
        raise BuildError(
            f"region {region.id!r} is on {region.to_name!r}, but {name_of(control)} points at "
            f"{','.join(control.to_name)!r}"
        )
    if any(result["from_name"] == control.name for result in region.results):
        raise BuildError(
            f"region {region.id!r} already has a result from {name_of(control)}; Label Studio "
            "keeps only the first: put every value in one call"
        )
    _check_region_conditions(control, region)
    return attach_to_region(control, region, payload, score=score, readonly=readonly, hidden=hidden)


def _check_region_conditions(control: ControlTag, region: Region) -> None:
    """Refuse a per-region result that Label Studio would drop on submit (reference §5)."""
    conditions = control.conditions
    if conditions.when_label_value:
        labels = region_labels(region)
        if not set(conditions.when_label_value) & set(labels):
            raise BuildError(
                f"{name_of(control)} applies only to regions labeled "
                f"{quote_list(conditions.when_label_value)} (whenLabelValue); region "
                f"{region.id!r} has {quote_list(labels) if labels else 'no label'}, so Label "
                "Studio would drop this result on submit"
            )
    parent = conditions.when_tag_name
    if parent and conditions.visible_when in ("choice-selected", "choice-unselected"):
        for result in region.results:
            if result["from_name"] != parent:
                continue
            selected = _condition_met(result, conditions.when_choice_value)
            wanted = conditions.visible_when == "choice-selected"
            if selected != wanted:
                state = "is not" if wanted else "is"
                raise BuildError(
                    f"{name_of(control)} is kept only when {parent!r} "
                    f"{'has' if wanted else 'does not have'} "
                    f"{quote_list(conditions.when_choice_value) or 'a choice'} selected "
                    f'(visibleWhen="{conditions.visible_when}"); on region {region.id!r} it '
                    f"{state}, so Label Studio would drop this result on submit"
                )


def _condition_met(result: Mapping[str, Any], values: Sequence[str]) -> bool:
    """Whether a choices/taxonomy result selects one of ``values`` (any, when empty)."""
    picked = _selected_values(result)
    if not values:
        return bool(picked)
    return any(value in picked for value in values)


def _selected_values(result: Mapping[str, Any]) -> list[str]:
    """Selected choices; for Taxonomy paths (and nested choices), the last node of each."""
    kind = result.get("type")
    raw = result.get("value", {}).get(kind) if kind in ("choices", "taxonomy") else None
    if not isinstance(raw, list):
        return []
    return [item[-1] if isinstance(item, list) and item else item for item in raw]
