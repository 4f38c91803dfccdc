"""Compiling a config into checkers: one per (control, target object), chosen by kind."""

from __future__ import annotations

from ..config import LabelConfig
from ..tags import controls as c
from ..tags.base import ControlTag, ObjectTag
from ._boxes import RectangleChecker, VideoRectangleChecker
from ._classify import (
    ChoicesChecker,
    DateTimeChecker,
    GenericChecker,
    NumberChecker,
    PairwiseChecker,
    RankerChecker,
    RatingChecker,
    TaxonomyChecker,
    TextAreaChecker,
)
from ._ellipses import EllipseChecker, KeyPointChecker
from ._links import PartnerLabelsChecker
from ._masks import BitmaskChecker, BrushChecker
from ._points import PolygonChecker, VectorChecker
from ._spans import (
    AudioSpanChecker,
    HyperTextSpanChecker,
    ParagraphSpanChecker,
    TextSpanChecker,
    TimelineChecker,
    TimeSeriesSpanChecker,
)
from ._values import ControlChecker

__all__ = ["compile_checkers", "compile_control"]

_BY_CLASS: dict[type[ControlTag], type[ControlChecker]] = {
    c.RectangleLabels: RectangleChecker,
    c.Rectangle: RectangleChecker,
    c.PolygonLabels: PolygonChecker,
    c.Polygon: PolygonChecker,
    c.EllipseLabels: EllipseChecker,
    c.Ellipse: EllipseChecker,
    c.KeyPointLabels: KeyPointChecker,
    c.KeyPoint: KeyPointChecker,
    c.BrushLabels: BrushChecker,
    c.Brush: BrushChecker,
    c.MagicWand: BrushChecker,
    c.BitmaskLabels: BitmaskChecker,
    c.Bitmask: BitmaskChecker,
    c.VectorLabels: VectorChecker,
    c.Vector: VectorChecker,
    c.TimelineLabels: TimelineChecker,
    c.Choices: ChoicesChecker,
    c.TextArea: TextAreaChecker,
    c.Number: NumberChecker,
    c.Rating: RatingChecker,
    c.DateTime: DateTimeChecker,
    c.Taxonomy: TaxonomyChecker,
    c.Pairwise: PairwiseChecker,
    c.Ranker: RankerChecker,
}

# Span tools by the kind of object they are on.
_SPANS: dict[str, type[ControlChecker]] = {
    "text": TextSpanChecker,
    "hypertext": HyperTextSpanChecker,
    "paragraphs": ParagraphSpanChecker,
    "timeseries": TimeSeriesSpanChecker,
    "audio": AudioSpanChecker,
    "image": PartnerLabelsChecker,
    "video": PartnerLabelsChecker,
}


def _video_labels(config: LabelConfig, obj: ObjectTag) -> frozenset[str] | None:
    """Labels a video track may carry: those of every ``<Labels>`` on the video."""
    out: set[str] = set()
    found = False
    for ctl in config.controls_for(obj.name):
        if isinstance(ctl, c.Labels):
            if ctl.dynamic_labels is not None:
                return None
            out.update(ctl.label_values)
            found = True
    return frozenset(out) if found else None


def _checker(control: ControlTag, obj: ObjectTag, config: LabelConfig) -> ControlChecker:
    if isinstance(control, c.VideoRectangle):
        return VideoRectangleChecker(control, obj, _video_labels(config, obj))
    if isinstance(control, (c.Labels, c.HyperTextLabels, c.ParagraphLabels, c.TimeSeriesLabels)):
        if isinstance(control, c.Labels) or obj.kind in ("text", "hypertext"):
            cls = _SPANS.get(obj.kind, GenericChecker)
        else:
            cls = _SPANS.get(obj.kind, GenericChecker)
        return cls(control, obj)
    if isinstance(control, c.Taxonomy) and control.labeling:
        return GenericChecker(control, obj)
    cls = _BY_CLASS.get(type(control), GenericChecker)
    return cls(control, obj)


def compile_control(control: ControlTag, config: LabelConfig) -> dict[str, ControlChecker]:
    """The checkers of one control, by target object name."""
    return {obj.name: _checker(control, obj, config) for obj in control.targets}


def compile_checkers(config: LabelConfig) -> dict[str, dict[str, ControlChecker]]:
    """Checkers of every usable control of ``config``: ``{from_name: {to_name: checker}}``.

    A control with a ``problem`` has none: its results are reported as
    ``result.control_unusable`` with that reason.
    """
    return {
        name: compile_control(ctl, config)
        for name, ctl in config.controls.items()
        if ctl.problem is None
    }
