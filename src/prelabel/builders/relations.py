"""Relation builders: links between two regions.

A relation is a result of its own, ``{"type": "relation", "from_id", "to_id", "direction",
"labels"}``, placed in the same flat ``result`` list as the regions it links (reference §4.18).
The builders take the regions themselves, never ids copied by hand.

* ``config.relations.link(a, b, labels=[...])``: a labeled relation, labels checked against the
  config's ``<Relations>`` (``config.relations`` is None when the config has none).
* :func:`relation` ``(a, b)``: an unlabeled relation, which needs no ``<Relations>`` tag.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from .._suggest import did_you_mean, quote_list
from ..errors import BuildError, LabelError
from ..results import Region, RelationResult
from ..tags.base import ControlTag

if TYPE_CHECKING:
    from ..tags.labeling import LabelingControl

__all__ = ["Direction", "RelationsBuilder", "relation"]

Direction = Literal["right", "left", "bi"]
"""``right``: from -> to; ``left``: to -> from; ``bi``: both ways."""

RegionLike = Region | Mapping[str, Any]

_DIRECTIONS = ("right", "left", "bi")


def _region_id(region: RegionLike, which: str) -> str:
    if isinstance(region, Region):
        return region.id
    if isinstance(region, Mapping) and region.get("type") == "relation":
        raise BuildError(f"the {which} end of a relation must be a region, not a relation")
    if isinstance(region, Mapping) and isinstance(region.get("id"), str) and region["id"]:
        return str(region["id"])
    raise BuildError(
        f"the {which} end of a relation must be a Region (or its result dict), "
        f"got {type(region).__name__}"
    )


def _build(
    from_region: RegionLike,
    to_region: RegionLike,
    direction: str,
    labels: list[str] | None,
) -> RelationResult:
    from_id = _region_id(from_region, "from")
    to_id = _region_id(to_region, "to")
    if from_id == to_id:
        raise BuildError(f"a relation links two different regions; both ends are {from_id!r}")
    if direction not in _DIRECTIONS:
        raise BuildError(f"direction must be 'right', 'left' or 'bi', got {direction!r}")
    out: RelationResult = {
        "type": "relation",
        "from_id": from_id,
        "to_id": to_id,
        "direction": direction,
    }
    if labels is not None:
        out["labels"] = labels
    return out


def relation(
    from_region: RegionLike,
    to_region: RegionLike,
    *,
    direction: Direction = "right",
) -> RelationResult:
    """An unlabeled relation between two regions (no ``<Relations>`` tag needed).

    Args:
        from_region: the region the arrow starts from (a :class:`~prelabel.results.Region`,
            or its result dict).
        to_region: the region it points at.
        direction: ``"right"`` (from -> to, the default), ``"left"`` or ``"bi"``.

    Raises:
        BuildError: an end that is not a region, both ends the same region, a bad direction.

    >>> from prelabel.results import Region
    >>> a = Region([{"id": "a", "type": "labels", "from_name": "l", "to_name": "t",
    ...              "value": {"start": 0, "end": 1, "labels": ["X"]}}], geometry={})
    >>> b = Region([{"id": "b", "type": "labels", "from_name": "l", "to_name": "t",
    ...              "value": {"start": 2, "end": 3, "labels": ["X"]}}], geometry={})
    >>> relation(a, b)
    {'type': 'relation', 'from_id': 'a', 'to_id': 'b', 'direction': 'right'}
    """
    return _build(from_region, to_region, direction, None)


class RelationsBuilder(ControlTag):
    """Builders of relations between regions, with labels from the config's ``<Relations>``.

    >>> from prelabel import LabelConfig
    >>> cfg = LabelConfig.parse('<View><Text name="t" value="$t"/><Labels name="ner" '
    ...     'toName="t"><Label value="ORG"/><Label value="PER"/></Labels>'
    ...     '<Relations><Relation value="founded_by"/></Relations></View>')
    >>> ner = cfg.control("ner")
    >>> org = ner.span_of("Acme was founded by Ann", "Acme", "ORG", id="org")
    >>> per = ner.span_of("Acme was founded by Ann", "Ann", "PER", id="per")
    >>> cfg.relations.link(org, per, labels="founded_by")
    ... # doctest: +NORMALIZE_WHITESPACE
    {'type': 'relation', 'from_id': 'org', 'to_id': 'per', 'direction': 'right',
     'labels': ['founded_by']}
    """

    def link(
        self,
        from_region: RegionLike,
        to_region: RegionLike,
        *,
        labels: str | Sequence[str] | None = None,
        direction: Direction = "right",
    ) -> RelationResult:
        """A relation from one region to another, optionally labeled.

        Args:
            from_region: the region the arrow starts from (a Region or its result dict).
            to_region: the region it points at.
            labels: ``<Relation>`` value(s) (or alias); several only with ``choice="multiple"``
                on ``<Relations>``; None for an unlabeled relation.
            direction: ``"right"`` (from -> to), ``"left"`` or ``"bi"``.

        Raises:
            LabelError: a label not among the ``<Relation>`` values, or several labels on a
                single-choice ``<Relations>``.
            BuildError: an end that is not a region, both ends the same, a bad direction.
        """
        resolved = None if labels is None else self._labels(labels)
        return _build(from_region, to_region, direction, resolved)

    def _labels(self, labels: str | Sequence[str]) -> list[str]:
        control: LabelingControl = self  # type: ignore[assignment]
        given = [labels] if isinstance(labels, str) else list(labels)
        if len(given) > 1 and not control.multiple:
            raise LabelError(
                f"<Relations> is single-choice but got {len(given)} labels: {quote_list(given)}; "
                'pass one, or set choice="multiple" on <Relations>'
            )
        if control.dynamic_labels is None:
            known = [
                name for node in control.iter_labels() for name in (node.value, node.alias) if name
            ]
            for item in given:
                if isinstance(item, str) and item not in known:
                    raise LabelError(
                        f"{item!r} is not a <Relation> value of <Relations>"
                        f"{did_you_mean(item, known)} "
                        f"(relations: {quote_list(control.label_values) or 'none'})"
                    )
        return control.resolve_labels(given)
