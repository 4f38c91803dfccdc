"""Regions out of finished values, and the base of the image builder mixins."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

from ... import ids as _ids
from ...results import Region
from ...tags.base import ControlTag
from .._common import check_id, plain_score
from ._calls import _batch_ids, _batch_labels, _batch_scores
from ._inputs import Label

if TYPE_CHECKING:
    from ._inputs import ArrayLike

_fresh_id = _ids.new_id
_new_region = object.__new__
_pool_pop, _id_factory, _secure_id = _ids._pool.pop, _ids._factory.get, _ids._secure_id


class _ImageTool(ControlTag):
    """Shared by the image builder mixins: a clear message when a builder is not there."""

    if not TYPE_CHECKING:  # hidden from mypy, which would otherwise accept any attribute

        def __getattr__(self, name: str) -> Any:
            owner = _BUILDER_OWNERS.get(name)
            if owner is None:
                raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
            raise AttributeError(_missing_builder(self, name, owner))


def _missing_builder(control: ControlTag, name: str, owner: tuple[str, tuple[str, ...]]) -> str:
    shape, tags = owner
    mine = [m for m, (_, t) in _BUILDER_OWNERS.items() if control.tag in t]
    if control.tag == "Labels":
        tail = (
            "; <Labels> labels the regions of an unlabeled tool on the same image: "
            "labels.for_region(region, ...)"
        )
    elif mine:
        tail = f"; this control makes {_BUILDER_OWNERS[mine[0]][0]} with {'() / '.join(mine)}()"
    else:
        tail = ""
    return (
        f"<{control.tag} name={control.name!r}> cannot make {shape}: {name}() belongs to "
        + " and ".join(f"<{t}>" for t in tags)
        + tail
    )


_BUILDER_OWNERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "box": ("boxes", ("RectangleLabels", "Rectangle")),
    "boxes": ("boxes", ("RectangleLabels", "Rectangle")),
    "polygon": ("polygons", ("PolygonLabels", "Polygon")),
    "polygons": ("polygons", ("PolygonLabels", "Polygon")),
    "ellipse": ("ellipses", ("EllipseLabels", "Ellipse")),
    "ellipses": ("ellipses", ("EllipseLabels", "Ellipse")),
    "point": ("keypoints", ("KeyPointLabels", "KeyPoint")),
    "points": ("keypoints", ("KeyPointLabels", "KeyPoint")),
    "vector": ("vectors", ("VectorLabels", "Vector")),
    "vectors": ("vectors", ("VectorLabels", "Vector")),
    "bitmask": ("bitmasks", ("BitmaskLabels", "Bitmask")),
    "bitmasks": ("bitmasks", ("BitmaskLabels", "Bitmask")),
}


def _emit(
    control: ControlTag,
    geometry: dict[str, Any],
    labels: list[str] | None,
    template: dict[str, Any],
    id: str | None,
    score: float | None,
) -> Region:
    """One region from its geometry: a copy of the call's result template, filled in."""
    value = dict(geometry) if labels is None else {**geometry, cast(str, control.value_key): labels}
    return _one_region(template, value, id, score, geometry)


def _one_region(
    template: dict[str, Any],
    value: dict[str, Any],
    id: str | None,
    score: Any,
    geometry: dict[str, Any] | tuple[str, ...],
) -> Region:
    """A one-result region: a copy of the call's result template with its id, ``value`` and
    score (checked here, after the geometry); ``geometry`` is the geometry dict, or the keys
    of ``value`` it is read from when asked for (:meth:`Region._lazy`, inlined)."""
    result = template.copy()
    if id is None:
        try:  # new_id(), inlined
            region_id = _pool_pop() if _id_factory() is _secure_id else _fresh_id()
        except IndexError:
            region_id = _fresh_id()
    else:
        region_id = check_id(id)
    result["id"] = region_id
    result["value"] = value
    if score is not None:
        if type(score) is not float or not 0.0 <= score <= 1.0:
            score = plain_score(score)
        result["score"] = score
    region = _new_region(Region)
    region.results = [result]  # type: ignore[list-item]
    region.id = region_id
    region.to_name = template["to_name"]
    region._geometry = geometry
    return region


class _Batch:
    """The per-call parts of a batch: a result template, ids, labels and scores."""

    __slots__ = ("ids", "key", "labels", "scores", "template")

    def __init__(
        self,
        control: ControlTag,
        count: int,
        what: str,
        template: dict[str, Any],
        label: Label | None,
        labels: Sequence[Label] | None,
        class_ids: ArrayLike | None,
        class_names: Sequence[str] | Mapping[int, str] | None,
        scores: ArrayLike | None,
        ids: Sequence[str] | None,
    ) -> None:
        self.labels = _batch_labels(
            control,
            count,
            what,
            label=label,
            labels=labels,
            class_ids=class_ids,
            class_names=class_names,
        )
        self.scores = _batch_scores(scores, count, what)
        self.ids = _batch_ids(ids, count, what)
        self.key = cast(str, control.value_key)
        self.template = template

    def lazy_regions(
        self, values: list[dict[str, Any]], geometry_keys: tuple[str, ...]
    ) -> list[Region]:
        """One region per finished ``value`` (labels included), in order; the geometry is
        read back from the value when asked for (:meth:`Region._lazy`, inlined)."""
        template, ids, scores = self.template, self.ids, self.scores
        to_name = template["to_name"]
        new, region_class = _new_region, Region
        out: list[Region] = []
        append = out.append
        for index, value in enumerate(values):
            result = template.copy()
            region_id = result["id"] = ids[index]
            result["value"] = value
            if scores is not None:
                result["score"] = scores[index]
            region = new(region_class)
            region.results = [result]  # type: ignore[list-item]
            region.id = region_id
            region.to_name = to_name
            region._geometry = geometry_keys
            append(region)
        return out

    def regions(self, geometries: Iterable[dict[str, Any]]) -> list[Region]:
        """One region per geometry, in order; the only loop of a batch, and a tight one."""
        template, key, ids, labels, scores = (
            self.template,
            self.key,
            self.ids,
            self.labels,
            self.scores,
        )
        out: list[Region] = []
        append = out.append
        for index, geometry in enumerate(geometries):
            value = dict(geometry) if labels is None else {**geometry, key: labels[index]}
            result = template.copy()
            result["id"] = ids[index]
            result["value"] = value
            if scores is not None:
                result["score"] = scores[index]
            append(Region._trusted(result, geometry))  # type: ignore[arg-type]
        return out
