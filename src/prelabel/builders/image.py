"""Image region builders: rectangles, polygons, ellipses, keypoints, vectors, bitmasks, and
labels on image regions."""

from __future__ import annotations

from ..tags.base import ControlTag


class RectangleBuilder(ControlTag):
    """Builders of ``<RectangleLabels>`` and ``<Rectangle>``."""


class PolygonBuilder(ControlTag):
    """Builders of ``<PolygonLabels>`` and ``<Polygon>``."""


class EllipseBuilder(ControlTag):
    """Builders of ``<EllipseLabels>`` and ``<Ellipse>``."""


class KeyPointBuilder(ControlTag):
    """Builders of ``<KeyPointLabels>`` and ``<KeyPoint>``."""


class VectorBuilder(ControlTag):
    """Builders of ``<VectorLabels>`` and ``<Vector>``."""


class BitmaskBuilder(ControlTag):
    """Builders of ``<BitmaskLabels>`` and ``<Bitmask>``."""


class ImageLabelsBuilder(ControlTag):
    """Builders of ``<Labels>`` attached to an image region (the split format)."""
