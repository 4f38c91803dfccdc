"""Result dicts and region handles.

Results are plain JSON dicts, exactly what Label Studio reads; the ``TypedDict``s here only
tell readers and mypy their shape. A :class:`Region` is what a region-making builder returns:
it knows its ``id`` and every result that describes it, so per-region controls and relations
attach to it by construction instead of by copied ids.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, TypedDict

if sys.version_info >= (3, 11):
    from typing import NotRequired
else:  # typing_extensions costs 8 ms to import: only where typing lacks it
    from typing_extensions import NotRequired

__all__ = ["Region", "RelationResult", "Result", "flatten_results"]


class Result(TypedDict):
    """One item of ``predictions[].result`` (see the reference, §1.2)."""

    id: str
    type: str
    from_name: str
    to_name: str
    value: dict[str, Any]
    original_width: NotRequired[int]
    original_height: NotRequired[int]
    image_rotation: NotRequired[float]
    original_length: NotRequired[float]
    item_index: NotRequired[int]
    score: NotRequired[float]
    readonly: NotRequired[bool]
    hidden: NotRequired[bool]
    parentID: NotRequired[str]
    meta: NotRequired[dict[str, Any]]
    origin: NotRequired[str]


class RelationResult(TypedDict):
    """A relation between two regions: ``{"type": "relation", "from_id", "to_id", ...}``."""

    type: str
    from_id: str
    to_id: str
    direction: str
    labels: NotRequired[list[str]]


# Result-level keys that describe the object, copied onto every result of a region.
_SHARED_KEYS = (
    "original_width",
    "original_height",
    "image_rotation",
    "original_length",
    "item_index",
)


class Region:
    """A region (box, span, segment, mask, ...) and every result that describes it.

    The first result is the region's own (geometry and, for ``*labels`` tools, its labels).
    Per-region controls add results with the same ``id``; Label Studio joins them by that id.

    Attributes:
        id: the region id shared by all its results.
        to_name: the object tag the region is on.
        geometry: the value keys that locate the region (``x``, ``y``, ``width``, ...,
            ``start``/``end`` for spans); Label Studio repeats them in per-region results.
        results: the results, region's own first.
    """

    # _geometry: the geometry dict, or (made lazily) the tuple of value keys it is read from
    __slots__ = ("_geometry", "id", "results", "to_name")

    def __init__(
        self,
        results: Iterable[Result],
        *,
        geometry: Mapping[str, Any],
    ) -> None:
        self.results: list[Result] = list(results)
        if not self.results:
            raise ValueError("a Region needs at least its own result")
        first = self.results[0]
        self.id: str = first["id"]
        self.to_name: str = first["to_name"]
        self._geometry: dict[str, Any] | tuple[str, ...] = dict(geometry)

    @property
    def geometry(self) -> dict[str, Any]:
        """The value keys that locate the region, as a dict (see the class docstring)."""
        geometry = self._geometry
        if type(geometry) is tuple:
            value = self.results[0]["value"]
            geometry = self._geometry = {k: value[k] for k in geometry if k in value}
        return geometry  # type: ignore[return-value]

    @classmethod
    def _trusted(cls, result: Result, geometry: dict[str, Any]) -> Region:
        """A one-result region from a builder that made ``result`` itself (no copies, no checks).

        Batch builders create hundreds of thousands of regions; this skips ``__init__``'s
        list and dict copies.
        """
        region = _new_region(cls)
        region.results = [result]
        region.id = result["id"]
        region.to_name = result["to_name"]
        region._geometry = geometry
        return region

    @classmethod
    def _lazy(cls, result: Result, geometry_keys: tuple[str, ...]) -> Region:
        """Like :meth:`_trusted`, with the geometry read from the result's own ``value``
        (``geometry_keys`` of it) the first time it is asked for."""
        region = _new_region(cls)
        region.results = [result]
        region.id = result["id"]
        region.to_name = result["to_name"]
        region._geometry = geometry_keys
        return region

    @property
    def result(self) -> Result:
        """The region's own result (geometry, and labels for ``*labels`` tools)."""
        return self.results[0]

    @property
    def from_name(self) -> str:
        """The control that drew the region."""
        return self.results[0]["from_name"]

    @property
    def shared_keys(self) -> dict[str, Any]:
        """Result-level keys (image size, rotation, audio length) to repeat on attached results."""
        first = self.results[0]
        return {key: first[key] for key in _SHARED_KEYS if key in first}  # type: ignore[literal-required]

    def attach(self, result: Result) -> Region:
        """Add a result that belongs to this region (same id, same object); returns self."""
        if result["id"] != self.id or result["to_name"] != self.to_name:
            raise ValueError(
                f"result for {result['from_name']!r} has id {result['id']!r} on "
                f"{result['to_name']!r}; this region is {self.id!r} on {self.to_name!r}"
            )
        self.results.append(result)
        return self

    def __iter__(self) -> Iterator[Result]:
        return iter(self.results)

    def __len__(self) -> int:
        return len(self.results)

    def __repr__(self) -> str:
        from .preview._summary import region_repr

        return region_repr(self.results, self.id, self.to_name)

    def _repr_html_(self) -> str:
        from .preview._reprs import region_html

        return region_html(self)


_new_region = object.__new__


def flatten_results(
    items: Iterable[Result | RelationResult | Region | Iterable[Result | RelationResult | Region]],
) -> list[dict[str, Any]]:
    """Flatten results, regions and lists of them into one flat ``result`` list.

    Label Studio wants a flat list (nesting breaks the import), with each region's own result
    before the results attached to it.

    >>> flatten_results([{"id": "a", "type": "choices"}, [{"id": "b", "type": "choices"}]])
    [{'id': 'a', 'type': 'choices'}, {'id': 'b', 'type': 'choices'}]
    """
    # The common case, a flat list of regions and result dicts (what builders return), in
    # one pass; anything else (nesting, other mappings, a result given twice) takes the walk.
    if type(items) is list:
        flat: list[Any] = []
        add, extend = flat.append, flat.extend
        for item in items:
            kind = type(item)
            if kind is Region:
                extend(item.results)
            elif kind is dict:
                add(item)
            else:
                break
        else:
            if len(set(map(id, flat))) == len(flat):
                return flat
    out: list[dict[str, Any]] = []
    seen: set[int] = set()  # a result given twice (in its region and on its own) is kept once
    stack: list[Any] = [iter(items)]
    while stack:
        try:
            item = next(stack[-1])
        except StopIteration:
            stack.pop()
            continue
        if isinstance(item, Region):
            for result in item.results:
                if id(result) not in seen:
                    seen.add(id(result))
                    out.append(result)  # type: ignore[arg-type]
        elif isinstance(item, Mapping):
            if id(item) not in seen:
                seen.add(id(item))
                out.append(item)  # type: ignore[arg-type]
        elif isinstance(item, Iterable) and not isinstance(item, (str, bytes)):
            stack.append(iter(item))
        else:
            raise TypeError(
                f"a result must be a dict, a Region or a list of them, got {type(item).__name__}"
            )
    return out
