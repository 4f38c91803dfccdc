"""Comparisons: ``<Pairwise>`` (which of two wins) and ``<Ranker>`` (items in order or buckets)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from ..._suggest import did_you_mean, quote_list
from ...errors import BuildError
from ...results import Result
from ...tags.base import ControlTag
from ..text import read_task_value
from ._base import Options, name_of, whole

__all__ = ["PairwiseBuilder", "RankerBuilder"]


class Ranker(Protocol):
    """What the builder reads of its control (``tags.controls.Ranker`` mixes it in, so it
    names the field instead of importing the class)."""

    @property
    def buckets(self) -> tuple[str, ...]: ...


class PairwiseBuilder(ControlTag):
    """Builders of ``<Pairwise>``: which of two objects wins (``value.selected``).

    The result's ``to_name`` is the first object of ``toName``: the SDK validator refuses the
    Pairwise tag's own name, which is what the editor itself writes (reference §4.16).

    >>> from prelabel import LabelConfig
    >>> cfg = LabelConfig.parse('<View><Text name="a" value="$a"/><Text name="b" value="$b"/>'
    ...     '<Pairwise name="pw" toName="a,b"/></View>')
    >>> result = cfg.control("pw").select("b")
    >>> result["to_name"], result["value"]
    ('a', {'selected': 'right'})
    """

    def select(
        self,
        winner: str,
        *,
        score: float | None = None,
        id: str | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
    ) -> Result:
        """The preferred side: ``"left"``/``"right"``, or the name of one compared object.

        Raises:
            BuildError: anything else.
        """
        sides = dict(zip(self.to_name, ("left", "right"), strict=False))
        side = winner if winner in ("left", "right") else sides.get(winner)
        if side is None:
            raise BuildError(
                f"{name_of(self)} selects 'left' or 'right' (or {quote_list(self.to_name)}), "
                f"got {winner!r}"
            )
        return whole(
            self, {"selected": side}, self.to_name[0], Options(id, score, readonly, hidden)
        )


# --- Ranker ----------------------------------------------------------------------------------


class RankerBuilder(ControlTag):
    """Builders of ``<Ranker>``: item ids of a ``<List>`` in order, or sorted into buckets.

    >>> from prelabel import LabelConfig
    >>> cfg = LabelConfig.parse('<View><List name="results" value="$items" title="R"/>'
    ...     '<Ranker name="rank" toName="results"/></View>')
    >>> cfg.control("rank").rank(["mdn", "wiki", "blog"])["value"]
    {'ranker': {'rank': ['mdn', 'wiki', 'blog']}}
    """

    def _ranking(
        self,
        order: Sequence[str] | Mapping[str, Sequence[str]],
        items: Sequence[Mapping[str, Any]] | Mapping[str, Any] | None,
    ) -> dict[str, list[str]]:
        control: Ranker = self  # type: ignore[assignment]
        if isinstance(order, Mapping):
            if not control.buckets:
                raise BuildError(
                    f"{name_of(self)} has no <Bucket>s: pass the item ids in order, not a mapping"
                )
            ranking = {}
            for bucket, ids in order.items():
                if bucket not in control.buckets:
                    raise BuildError(
                        f"{bucket!r} is not a bucket of {name_of(self)}"
                        f"{did_you_mean(str(bucket), control.buckets)} "
                        f"(buckets: {quote_list(control.buckets)})"
                    )
                ranking[bucket] = self._ids(ids, f"bucket {bucket!r}")
        else:
            if control.buckets:
                raise BuildError(
                    f"{name_of(self)} sorts items into buckets {quote_list(control.buckets)}: pass "
                    "a mapping {bucket: [ids]}"
                )
            ranking = {self.name: self._ids(order, "the ranking")}
        every = [item for ids in ranking.values() for item in ids]
        repeated = [item for index, item in enumerate(every) if item in every[:index]]
        if repeated:
            raise BuildError(f"item {repeated[0]!r} is ranked twice by {name_of(self)}")
        if items is not None:
            known = self._known_ids(items)
            unknown = [item for item in every if item not in known]
            if unknown:
                raise BuildError(
                    f"{unknown[0]!r} is not an item id of {self.to_name[0]!r}"
                    f"{did_you_mean(unknown[0], known)}"
                )
        return ranking

    def _ids(self, ids: Any, what: str) -> list[str]:
        if isinstance(ids, str) or not isinstance(ids, Sequence):
            raise BuildError(f"{what} must be a list of item ids, got {type(ids).__name__}")
        out = list(ids)
        for item in out:
            if not isinstance(item, str):
                raise BuildError(f"item ids are strings, got {item!r} in {what}")
        return out

    def _known_ids(self, items: Sequence[Mapping[str, Any]] | Mapping[str, Any]) -> list[str]:
        if isinstance(items, Mapping):
            items = read_task_value(self.target, items)
        if isinstance(items, (str, bytes)) or not isinstance(items, Sequence):
            raise BuildError(f"items must be the list of {{id, title, body}} dicts, got {items!r}")
        return [str(item.get("id")) for item in items if isinstance(item, Mapping)]

    def rank(
        self,
        order: Sequence[str] | Mapping[str, Sequence[str]],
        *,
        items: Sequence[Mapping[str, Any]] | Mapping[str, Any] | None = None,
        score: float | None = None,
        id: str | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
    ) -> Result:
        """A ranking of the ``<List>`` items.

        Args:
            order: item ids best first; or, when the Ranker has ``<Bucket>`` children, a
                mapping ``{bucket name: [ids in order]}``.
            items: the List's items (or the task ``data`` dict), to check the ids exist.
            score: confidence in [0, 1].
            id: the result id; a fresh one when None.
            readonly: make the result read-only.
            hidden: start it hidden.

        Raises:
            BuildError: an unknown bucket, an id ranked twice, an id not among ``items``, a
                list where buckets are expected (or the reverse).
        """
        return whole(
            self,
            {"ranker": self._ranking(order, items)},
            None,
            Options(id, score, readonly, hidden),
        )
