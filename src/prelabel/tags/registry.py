"""Which Label Studio tag names are objects, controls, layout or children.

Tag names are matched case-insensitively, as Label Studio's editor does.
"""

from __future__ import annotations

from typing import Final

from . import controls as c
from . import objects as o
from .base import ChoiceMode, Conditions, ControlTag, LabelDef, ObjectTag, Tag
from .controls import LabelingControl

__all__ = [
    "CHILD_TAGS",
    "CONTROL_TAGS",
    "HTML_TAGS",
    "LAYOUT_TAGS",
    "OBJECT_TAGS",
    "ChoiceMode",
    "Conditions",
    "ControlTag",
    "LabelDef",
    "LabelingControl",
    "ObjectTag",
    "Tag",
]

OBJECT_TAGS: Final[dict[str, type[ObjectTag]]] = {
    "image": o.Image,
    "text": o.Text,
    "hypertext": o.HyperText,
    "audio": o.Audio,
    "audioplus": o.Audio,
    "audionext": o.Audio,
    "audioultra": o.Audio,
    "video": o.Video,
    "timeseries": o.TimeSeries,
    "paragraphs": o.Paragraphs,
    "table": o.Table,
    "pdf": o.Pdf,
    "markdown": o.Markdown,
    "list": o.List,
    "chat": o.Chat,
    "object3d": o.GenericObject,
    "gpsmap": o.GenericObject,
    "pagedview": o.GenericObject,
    "pdfocr": o.GenericObject,
    "dicom": o.GenericObject,
}

CONTROL_TAGS: Final[dict[str, type[ControlTag]]] = {
    cls.tag.lower(): cls
    for cls in (
        c.Choices,
        c.Labels,
        c.RectangleLabels,
        c.Rectangle,
        c.PolygonLabels,
        c.Polygon,
        c.EllipseLabels,
        c.Ellipse,
        c.KeyPointLabels,
        c.KeyPoint,
        c.BrushLabels,
        c.Brush,
        c.BitmaskLabels,
        c.Bitmask,
        c.MagicWand,
        c.VectorLabels,
        c.Vector,
        c.TextArea,
        c.Number,
        c.Rating,
        c.DateTime,
        c.Taxonomy,
        c.Pairwise,
        c.Ranker,
        c.HyperTextLabels,
        c.ParagraphLabels,
        c.TimeSeriesLabels,
        c.VideoRectangle,
        c.VideoVector,
        c.VideoVectorLabels,
        c.TimelineLabels,
    )
}
CONTROL_TAGS["htmllabels"] = c.HyperTextLabels  # legacy name, still loaded by the editor

LAYOUT_TAGS: Final = frozenset(
    {"view", "header", "style", "collapse", "panel", "filter", "shortcut", "hotkey", "char"}
)
"""Walked through, never registered. ``Style`` content is CSS and is skipped."""

CHILD_TAGS: Final = frozenset({"label", "choice", "relation", "bucket", "channel", "multichannel"})
"""Only meaningful inside their parent control/object; parsed by the parent."""

_HTML = "a abbr b blockquote br code dd div dl dt em h1 h2 h3 h4 h5 h6 hr i img li ol p pre q s"
HTML_TAGS: Final = frozenset([*_HTML.split(), "small", "span", "strong", "sub", "sup", "u", "ul"])
"""HTML elements Label Studio renders inside a View: layout, not unknown tags."""
