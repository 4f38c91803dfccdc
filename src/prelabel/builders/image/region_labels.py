"""``ImageLabelsBuilder``: a ``<Labels>`` result on a region of an unlabeled image tool."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, cast

from ...errors import BuildError
from ...results import Region, Result
from .._common import pick_target
from .._per_region import attach_to_region
from ._calls import _batch_labels, _batch_scores, _resolve
from ._inputs import Label
from ._regions import _ImageTool

if TYPE_CHECKING:
    from ._inputs import ArrayLike

__all__ = ["ImageLabelsBuilder"]

# Result types of tools without labels of their own: a <Labels> result can label their regions.
_UNLABELED_TOOLS = frozenset(
    {"rectangle", "polygon", "ellipse", "keypoint", "vector", "bitmask", "brush", "magicwand"}
)


class ImageLabelsBuilder(_ImageTool):
    """Builders of ``<Labels>`` attached to an image region (the split format).

    With an unlabeled tool (``<Rectangle>``, ``<Polygon>``, ``<Ellipse>``, ``<KeyPoint>``,
    ...) and a ``<Labels>`` on the same image, a labeled region is two results sharing one
    ``id``: the tool's geometry, and a ``labels`` result whose value repeats the geometry and
    adds ``labels`` (the editor writes both that way).
    """

    def for_region(
        self,
        region: Region,
        label: Label,
        *,
        score: float | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
    ) -> Result:
        """Label ``region``: attach a ``labels`` result with its id and geometry; return it.

        Args:
            region: a region from an unlabeled image tool (``rect.box(...)``).
            label: the label, or labels with ``choice="multiple"``.
            score, readonly, hidden: as on any result.

        Raises:
            BuildError: the region is not on an image this control labels, it already has
                labels of its own (a ``*Labels`` tool), or this control already labeled it.
            LabelError: a label the control does not define.

        >>> from prelabel import LabelConfig, Labels, Rectangle
        >>> config = LabelConfig.parse('<View><Image name="im" value="$im"/>'
        ...     '<Rectangle name="r" toName="im"/><Labels name="l" toName="im">'
        ...     '<Label value="Car"/></Labels></View>')
        >>> box = config.control("r", Rectangle).box(xywh_pct=(5, 5, 10, 10),
        ...     image_wh=(100, 100), id="b2")
        >>> config.control("l", Labels).for_region(box, "Car")["value"]
        {'x': 5.0, 'y': 5.0, 'width': 10.0, 'height': 10.0, 'rotation': 0.0, 'labels': ['Car']}
        >>> [r["type"] for r in box]
        ['rectangle', 'labels']
        """
        self._check_region(region, None)
        labels = _resolve(self, label)
        return self._attach(region, cast("list[str]", labels), score, readonly, hidden)

    def for_regions(
        self,
        regions: Sequence[Region],
        *,
        label: Label | None = None,
        labels: Sequence[Label] | None = None,
        class_ids: ArrayLike | None = None,
        class_names: Sequence[str] | Mapping[int, str] | None = None,
        scores: ArrayLike | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
    ) -> list[Result]:
        """Label N regions at once: ``label`` for all, ``labels`` (N) or class ids + names."""
        items = list(regions)
        for index, region in enumerate(items):
            self._check_region(region, index)
        per = _batch_labels(
            self,
            len(items),
            "region",
            label=label,
            labels=labels,
            class_ids=class_ids,
            class_names=class_names,
        )
        chosen = cast("list[list[str]]", per)
        confidences = _batch_scores(scores, len(items), "region")
        return [
            self._attach(
                region,
                chosen[i],
                None if confidences is None else confidences[i],
                readonly,
                hidden,
            )
            for i, region in enumerate(items)
        ]

    def _check_region(self, region: Region, index: int | None) -> None:
        where = "region" if index is None else f"regions[{index}]"
        if not isinstance(region, Region):
            raise BuildError(
                f"{where} must be a Region from an image tool's builder, got "
                f"{type(region).__name__}"
            )
        own = region.result["type"]
        if own not in _UNLABELED_TOOLS:
            raise BuildError(
                f"{where} ({own!r} from {region.from_name!r}) already carries its own labels; "
                f"<Labels> labels regions of unlabeled tools (Rectangle, Polygon, Ellipse, "
                "KeyPoint, Vector, Bitmask, Brush)"
            )
        if any(r["from_name"] == self.name for r in region.results):
            raise BuildError(
                f"{where} {region.id!r} is already labeled by <Labels name={self.name!r}>; "
                'pass several labels in one call (choice="multiple") instead'
            )
        pick_target(self, region.to_name)

    def _attach(
        self,
        region: Region,
        labels: list[str],
        score: float | None,
        readonly: bool | None,
        hidden: bool | None,
    ) -> Result:
        return attach_to_region(
            self, region, {"labels": labels}, score=score, readonly=readonly, hidden=hidden
        )
