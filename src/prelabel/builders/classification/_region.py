"""Per-region classification: which results a region may take, and attaching them.

``for_region(region, ...)`` builds the result of a ``perRegion="true"`` control for a region
made earlier; the result itself is built by :func:`prelabel.builders._per_region.attach_to_region`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..._suggest import quote_list
from ...errors import BuildError
from ...results import Region, Result
from ...tags.base import ControlTag
from .._common import check_score
from .._per_region import attach_to_region
from ._base import name_of

__all__ = [
    "PerRegionBuilder",
    "attach",
    "attach_each",
    "attach_values",
    "per_region_scores",
    "per_region_values",
    "region_labels",
]


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
    _check_attach(control, region, "region")
    return attach_to_region(control, region, payload, score=score, readonly=readonly, hidden=hidden)


def attach_each(
    control: ControlTag,
    regions: Sequence[Region],
    payloads: Sequence[dict[str, Any]],
    scores: Sequence[float] | None,
    readonly: bool | None,
    hidden: bool | None,
) -> list[Result]:
    """:func:`attach` over N regions, all checked before any is touched (all or nothing).

    Raises:
        BuildError: as :func:`attach`, naming the region (``regions[3]``).
    """
    items = list(regions)
    for index, region in enumerate(items):
        _check_attach(control, region, f"regions[{index}]")
    if len({id(region) for region in items}) < len(items):
        raise BuildError(f"a region is given twice; {name_of(control)} takes one result per region")
    return [
        attach_to_region(
            control,
            region,
            payload,
            score=None if scores is None else scores[index],
            readonly=readonly,
            hidden=hidden,
        )
        for index, (region, payload) in enumerate(zip(items, payloads, strict=True))
    ]


def attach_values(
    control: ControlTag,
    regions: Sequence[Region],
    values: Any,
    payload: Callable[[Any], dict[str, Any]],
    scores: Any,
    readonly: bool | None,
    hidden: bool | None,
) -> list[Result]:
    """One per-region result for each region: ``payload(values[i])`` for ``regions[i]``.

    Every value, score and region is checked before any region is touched (all or nothing).

    Raises:
        BuildError: as :func:`attach` or the payload, naming the index (``values[3]: ...``).
    """
    items = list(regions)
    given = per_region_values(values, len(items))
    payloads = []
    for index, value in enumerate(given):
        try:
            payloads.append(payload(value))
        except BuildError as exc:
            raise type(exc)(f"values[{index}]: {exc}") from None
    confidences = per_region_scores(scores, len(items))
    return attach_each(control, items, payloads, confidences, readonly, hidden)


def per_region_values(values: Any, count: int, name: str = "values") -> list[Any]:
    """``values`` (a list, tuple or 1-d array) as a list of one item per region.

    Raises:
        BuildError: a string or a non-sequence, or a length other than ``count``.
    """
    if hasattr(values, "tolist") and not isinstance(values, (str, bytes)):
        values = values.tolist()
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
        raise BuildError(
            f"{name} must be a list with one item per region ({count}), got {type(values).__name__}"
        )
    if len(values) != count:
        raise BuildError(f"{name} has {len(values)} items; expected {count}, one per region")
    return list(values)


def per_region_scores(scores: Any, count: int) -> list[float] | None:
    """Checked ``scores``, one in [0, 1] per region (None stays None)."""
    if scores is None:
        return None
    out = []
    for index, score in enumerate(per_region_values(scores, count, "scores")):
        try:
            out.append(check_score(score))
        except BuildError as exc:
            raise BuildError(f"scores[{index}]: {exc}") from None
    return out


class PerRegionBuilder(ControlTag):
    """The N-at-once form of ``for_region()`` for controls whose per-region result is one value
    (TextArea, Choices, Rating, Number, DateTime, Taxonomy)."""

    def _region_payload(self, value: Any) -> dict[str, Any]:
        """The control's own value keys for one ``for_region()`` value (checked)."""
        raise NotImplementedError  # each builder defines it

    def for_regions(
        self,
        regions: Sequence[Region],
        values: Sequence[Any],
        *,
        scores: Any = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
    ) -> list[Result]:
        """``for_region(regions[i], values[i], score=scores[i])`` for N regions at once.

        Every value, score and region is checked before any region changes (all or nothing).

        Args:
            regions: N regions from a region builder.
            values: N values, each what :meth:`for_region` takes.
            scores: N confidences in [0, 1], or None.
            readonly, hidden: as in :meth:`for_region`, for every result.

        Raises:
            BuildError: as :meth:`for_region`, naming the index (``values[3]: ...``).
        """
        return attach_values(self, regions, values, self._region_payload, scores, readonly, hidden)


def _check_attach(control: ControlTag, region: Region, where: str) -> None:
    if not isinstance(region, Region):
        raise BuildError(
            f"for_region() needs the Region a region builder returned (a box, span, segment...), "
            f"got {type(region).__name__}" + ("" if where == "region" else f" as {where}")
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
