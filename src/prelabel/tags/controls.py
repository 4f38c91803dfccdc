"""Control tags: every Label Studio control, typed, with the facts that decide a valid result.

Each class names its result ``type``, the ``value`` key of its labels and the object kinds it
can annotate (``../shared/reference/result-formats.md`` §4). Builders are mixed in from
``prelabel.builders`` so that a handle offers exactly the builders its control can make.
"""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar

from ..builders.av import (
    AudioSegmentBuilder,
    TimelineBuilder,
    TimeSeriesBuilder,
    VideoRectangleBuilder,
)
from ..builders.brush import BrushBuilder
from ..builders.classification import (
    ChoicesBuilder,
    DateTimeBuilder,
    NumberBuilder,
    PairwiseBuilder,
    RankerBuilder,
    RatingBuilder,
    TaxonomyBuilder,
    TextAreaBuilder,
)
from ..builders.image import (
    BitmaskBuilder,
    EllipseBuilder,
    ImageLabelsBuilder,
    KeyPointBuilder,
    PolygonBuilder,
    RectangleBuilder,
    VectorBuilder,
)
from ..builders.relations import RelationsBuilder
from ..builders.text import HyperTextBuilder, ParagraphBuilder, TextSpanBuilder
from .base import ControlTag
from .labeling import LabelingControl

__all__ = [
    "Bitmask",
    "BitmaskLabels",
    "Brush",
    "BrushLabels",
    "Choices",
    "DateTime",
    "Ellipse",
    "EllipseLabels",
    "HyperTextLabels",
    "KeyPoint",
    "KeyPointLabels",
    "LabelingControl",
    "Labels",
    "MagicWand",
    "Number",
    "Pairwise",
    "ParagraphLabels",
    "Polygon",
    "PolygonLabels",
    "Ranker",
    "Rating",
    "Rectangle",
    "RectangleLabels",
    "Relations",
    "Taxonomy",
    "TextArea",
    "TimeSeriesLabels",
    "TimelineLabels",
    "Vector",
    "VectorLabels",
    "VideoRectangle",
    "VideoVector",
    "VideoVectorLabels",
]

_IMAGE = frozenset({"image"})
_dc = dataclasses.dataclass(frozen=True, eq=False, kw_only=True, repr=False)


# --- image tools ---------------------------------------------------------------------------


@_dc
class RectangleLabels(RectangleBuilder, LabelingControl):
    """``<RectangleLabels>``: labeled boxes in percent of the image."""

    tag: ClassVar[str] = "RectangleLabels"
    result_type: ClassVar[str] = "rectanglelabels"
    value_key: ClassVar[str | None] = "rectanglelabels"
    target_kinds: ClassVar[frozenset[str]] = _IMAGE
    makes_regions: ClassVar[bool] = True


@_dc
class Rectangle(RectangleBuilder, ControlTag):
    """``<Rectangle>``: unlabeled boxes (label them with a ``<Labels>`` on the same image)."""

    tag: ClassVar[str] = "Rectangle"
    result_type: ClassVar[str] = "rectangle"
    target_kinds: ClassVar[frozenset[str]] = _IMAGE
    makes_regions: ClassVar[bool] = True


@_dc
class PolygonLabels(PolygonBuilder, LabelingControl):
    """``<PolygonLabels>``: labeled polygons, points in percent."""

    tag: ClassVar[str] = "PolygonLabels"
    result_type: ClassVar[str] = "polygonlabels"
    value_key: ClassVar[str | None] = "polygonlabels"
    target_kinds: ClassVar[frozenset[str]] = _IMAGE
    makes_regions: ClassVar[bool] = True


@_dc
class Polygon(PolygonBuilder, ControlTag):
    """``<Polygon>``: unlabeled polygons."""

    tag: ClassVar[str] = "Polygon"
    result_type: ClassVar[str] = "polygon"
    target_kinds: ClassVar[frozenset[str]] = _IMAGE
    makes_regions: ClassVar[bool] = True


@_dc
class EllipseLabels(EllipseBuilder, LabelingControl):
    """``<EllipseLabels>``: labeled ellipses (centre + radii in percent)."""

    tag: ClassVar[str] = "EllipseLabels"
    result_type: ClassVar[str] = "ellipselabels"
    value_key: ClassVar[str | None] = "ellipselabels"
    target_kinds: ClassVar[frozenset[str]] = _IMAGE
    makes_regions: ClassVar[bool] = True


@_dc
class Ellipse(EllipseBuilder, ControlTag):
    """``<Ellipse>``: unlabeled ellipses."""

    tag: ClassVar[str] = "Ellipse"
    result_type: ClassVar[str] = "ellipse"
    target_kinds: ClassVar[frozenset[str]] = _IMAGE
    makes_regions: ClassVar[bool] = True


@_dc
class KeyPointLabels(KeyPointBuilder, LabelingControl):
    """``<KeyPointLabels>``: labeled points; ``value.width`` is required by the editor."""

    tag: ClassVar[str] = "KeyPointLabels"
    result_type: ClassVar[str] = "keypointlabels"
    value_key: ClassVar[str | None] = "keypointlabels"
    target_kinds: ClassVar[frozenset[str]] = _IMAGE
    makes_regions: ClassVar[bool] = True


@_dc
class KeyPoint(KeyPointBuilder, ControlTag):
    """``<KeyPoint>``: unlabeled points."""

    tag: ClassVar[str] = "KeyPoint"
    result_type: ClassVar[str] = "keypoint"
    target_kinds: ClassVar[frozenset[str]] = _IMAGE
    makes_regions: ClassVar[bool] = True


@_dc
class BrushLabels(BrushBuilder, LabelingControl):
    """``<BrushLabels>``: labeled masks as Label Studio RLE."""

    tag: ClassVar[str] = "BrushLabels"
    result_type: ClassVar[str] = "brushlabels"
    value_key: ClassVar[str | None] = "brushlabels"
    target_kinds: ClassVar[frozenset[str]] = _IMAGE
    makes_regions: ClassVar[bool] = True


@_dc
class Brush(BrushBuilder, ControlTag):
    """``<Brush>``: unlabeled masks."""

    tag: ClassVar[str] = "Brush"
    result_type: ClassVar[str] = "brush"
    target_kinds: ClassVar[frozenset[str]] = _IMAGE
    makes_regions: ClassVar[bool] = True


@_dc
class MagicWand(BrushBuilder, ControlTag):
    """``<MagicWand>``: masks like Brush, used with ``<Labels>`` (feature-flagged in LS)."""

    tag: ClassVar[str] = "MagicWand"
    result_type: ClassVar[str] = "magicwand"
    target_kinds: ClassVar[frozenset[str]] = _IMAGE
    makes_regions: ClassVar[bool] = True


@_dc
class BitmaskLabels(BitmaskBuilder, LabelingControl):
    """``<BitmaskLabels>``: labeled masks as a PNG data URL (newer Label Studio)."""

    tag: ClassVar[str] = "BitmaskLabels"
    result_type: ClassVar[str] = "bitmasklabels"
    value_key: ClassVar[str | None] = "bitmasklabels"
    target_kinds: ClassVar[frozenset[str]] = _IMAGE
    makes_regions: ClassVar[bool] = True


@_dc
class Bitmask(BitmaskBuilder, ControlTag):
    """``<Bitmask>``: unlabeled PNG masks."""

    tag: ClassVar[str] = "Bitmask"
    result_type: ClassVar[str] = "bitmask"
    target_kinds: ClassVar[frozenset[str]] = _IMAGE
    makes_regions: ClassVar[bool] = True


@_dc
class VectorLabels(VectorBuilder, LabelingControl):
    """``<VectorLabels>``: labeled polylines/paths of vertices (newer Label Studio)."""

    tag: ClassVar[str] = "VectorLabels"
    result_type: ClassVar[str] = "vectorlabels"
    value_key: ClassVar[str | None] = "vectorlabels"
    target_kinds: ClassVar[frozenset[str]] = _IMAGE
    makes_regions: ClassVar[bool] = True
    closable: bool = False
    min_points: int | None = None
    max_points: int | None = None


@_dc
class Vector(VectorBuilder, ControlTag):
    """``<Vector>``: unlabeled vector paths."""

    tag: ClassVar[str] = "Vector"
    result_type: ClassVar[str] = "vector"
    target_kinds: ClassVar[frozenset[str]] = _IMAGE
    makes_regions: ClassVar[bool] = True
    closable: bool = False
    min_points: int | None = None
    max_points: int | None = None


# --- spans and segments --------------------------------------------------------------------


@_dc
class Labels(TextSpanBuilder, AudioSegmentBuilder, ImageLabelsBuilder, LabelingControl):
    """``<Labels>``: spans on Text, segments on Audio, or labels on another tool's region."""

    tag: ClassVar[str] = "Labels"
    result_type: ClassVar[str] = "labels"
    value_key: ClassVar[str | None] = "labels"
    target_kinds: ClassVar[frozenset[str]] = frozenset(
        {"text", "hypertext", "audio", "image", "video", "paragraphs", "timeseries"}
    )
    makes_regions: ClassVar[bool] = True


@_dc
class HyperTextLabels(HyperTextBuilder, LabelingControl):
    """``<HyperTextLabels>``: spans in HTML (xpath + offsets)."""

    tag: ClassVar[str] = "HyperTextLabels"
    result_type: ClassVar[str] = "hypertextlabels"
    value_key: ClassVar[str | None] = "hypertextlabels"
    target_kinds: ClassVar[frozenset[str]] = frozenset({"hypertext", "text"})
    makes_regions: ClassVar[bool] = True


@_dc
class ParagraphLabels(ParagraphBuilder, LabelingControl):
    """``<ParagraphLabels>``: spans across phrases of a ``<Paragraphs>``."""

    tag: ClassVar[str] = "ParagraphLabels"
    result_type: ClassVar[str] = "paragraphlabels"
    value_key: ClassVar[str | None] = "paragraphlabels"
    target_kinds: ClassVar[frozenset[str]] = frozenset({"paragraphs"})
    makes_regions: ClassVar[bool] = True


@_dc
class TimeSeriesLabels(TimeSeriesBuilder, LabelingControl):
    """``<TimeSeriesLabels>``: ranges in time-column units (``instant`` for points)."""

    tag: ClassVar[str] = "TimeSeriesLabels"
    result_type: ClassVar[str] = "timeserieslabels"
    value_key: ClassVar[str | None] = "timeserieslabels"
    target_kinds: ClassVar[frozenset[str]] = frozenset({"timeseries"})
    makes_regions: ClassVar[bool] = True


@_dc
class TimelineLabels(TimelineBuilder, LabelingControl):
    """``<TimelineLabels>``: frame ranges on a video."""

    tag: ClassVar[str] = "TimelineLabels"
    result_type: ClassVar[str] = "timelinelabels"
    value_key: ClassVar[str | None] = "timelinelabels"
    target_kinds: ClassVar[frozenset[str]] = frozenset({"video", "audio"})
    makes_regions: ClassVar[bool] = True


@_dc
class VideoRectangle(VideoRectangleBuilder, ControlTag):
    """``<VideoRectangle>``: box tracks over frames; labels come from ``<Labels>`` on the video."""

    tag: ClassVar[str] = "VideoRectangle"
    result_type: ClassVar[str] = "videorectangle"
    target_kinds: ClassVar[frozenset[str]] = frozenset({"video"})
    makes_regions: ClassVar[bool] = True


@_dc
class VideoVector(ControlTag):
    """``<VideoVector>``: vector tracks on a video (format known only from the SDK)."""

    tag: ClassVar[str] = "VideoVector"
    result_type: ClassVar[str] = "videovector"
    target_kinds: ClassVar[frozenset[str]] = frozenset({"video"})
    makes_regions: ClassVar[bool] = True


@_dc
class VideoVectorLabels(LabelingControl):
    """``<VideoVectorLabels>``: labeled vector tracks on a video (SDK format only)."""

    tag: ClassVar[str] = "VideoVectorLabels"
    result_type: ClassVar[str] = "videovectorlabels"
    value_key: ClassVar[str | None] = "videovectorlabels"
    target_kinds: ClassVar[frozenset[str]] = frozenset({"video"})
    makes_regions: ClassVar[bool] = True


# --- classifications and inputs ------------------------------------------------------------


@_dc
class Choices(ChoicesBuilder, LabelingControl):
    """``<Choices>``: one or several choices, global or per region."""

    tag: ClassVar[str] = "Choices"
    result_type: ClassVar[str] = "choices"
    value_key: ClassVar[str | None] = "choices"
    allow_nested: bool = False


@_dc
class Taxonomy(TaxonomyBuilder, LabelingControl):
    """``<Taxonomy>``: paths through a tree of choices (``value.taxonomy`` is a list of lists)."""

    tag: ClassVar[str] = "Taxonomy"
    result_type: ClassVar[str] = "taxonomy"
    value_key: ClassVar[str | None] = "taxonomy"
    leafs_only: bool = False
    api_url: str | None = None
    labeling: bool = False

    @property
    def multiple(self) -> bool:
        """Taxonomy selects several paths unless ``maxUsages="1"``."""
        return self.max_usages != 1

    def paths(self) -> list[tuple[str, ...]]:
        """Every node's path of result values, root first, in config order."""
        return [path for label in self.labels for path, _node in label.walk()]

    def leaf_paths(self) -> list[tuple[str, ...]]:
        """Paths that end at a leaf."""
        return [path for label in self.labels for path, node in label.walk() if not node.children]


@_dc
class TextArea(TextAreaBuilder, ControlTag):
    """``<TextArea>``: free text; ``value.text`` is a list of strings."""

    tag: ClassVar[str] = "TextArea"
    result_type: ClassVar[str] = "textarea"
    value_key: ClassVar[str | None] = "text"
    max_submissions: int | None = None
    editable: bool = False
    skip_duplicates: bool = False


@_dc
class Number(NumberBuilder, ControlTag):
    """``<Number>``: a number, within ``min``/``max`` when set."""

    tag: ClassVar[str] = "Number"
    result_type: ClassVar[str] = "number"
    value_key: ClassVar[str | None] = "number"
    min: float | None = None
    max: float | None = None
    step: float | None = None

    def facts(self) -> dict[str, Any]:
        out = super().facts()
        out.update({k: v for k, v in (("min", self.min), ("max", self.max)) if v is not None})
        return out


@_dc
class Rating(RatingBuilder, ControlTag):
    """``<Rating>``: an integer from 1 to ``maxRating`` (default 5)."""

    tag: ClassVar[str] = "Rating"
    result_type: ClassVar[str] = "rating"
    value_key: ClassVar[str | None] = "rating"
    max_rating: int = 5

    def facts(self) -> dict[str, Any]:
        out = super().facts()
        out["max_rating"] = self.max_rating
        return out


@_dc
class DateTime(DateTimeBuilder, ControlTag):
    """``<DateTime>``: a date/time string in the control's output format."""

    tag: ClassVar[str] = "DateTime"
    result_type: ClassVar[str] = "datetime"
    value_key: ClassVar[str | None] = "datetime"
    only: tuple[str, ...] = ()
    """Parts shown (``only="date"``, ``"time"``, ``"month,year"``); empty means date and time."""
    format: str | None = None
    min: str | None = None
    max: str | None = None


@_dc
class Pairwise(PairwiseBuilder, ControlTag):
    """``<Pairwise>``: pick left or right of two objects (``value.selected``)."""

    tag: ClassVar[str] = "Pairwise"
    result_type: ClassVar[str] = "pairwise"
    value_key: ClassVar[str | None] = "selected"


@_dc
class Ranker(RankerBuilder, ControlTag):
    """``<Ranker>``: orders the items of a ``<List>``, optionally into ``<Bucket>``s."""

    tag: ClassVar[str] = "Ranker"
    result_type: ClassVar[str] = "ranker"
    value_key: ClassVar[str | None] = "ranker"
    target_kinds: ClassVar[frozenset[str]] = frozenset({"list"})
    buckets: tuple[str, ...] = ()


@_dc
class Relations(RelationsBuilder, LabelingControl):
    """``<Relations>``: the labels that relations between regions may carry.

    Relations are not addressed by name: their results are ``{"type": "relation", ...}``.
    A config without ``<Relations>`` still allows relations, without labels.
    """

    tag: ClassVar[str] = "Relations"
    result_type: ClassVar[str] = "relation"
    value_key: ClassVar[str | None] = "labels"
