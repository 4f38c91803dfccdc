"""Image region builders: rectangles, polygons, ellipses, keypoints, vectors, bitmasks, and
labels on image regions.

Every builder takes its geometry under a name that carries the format and the units
(``xyxy_px``, ``cxcywh_norm``, ``points_pct``, ...) plus ``image_wh=(width, height)`` in
pixels, and writes Label Studio percent with ``original_width``, ``original_height`` and
``image_rotation`` on the result. Input that would be drawn somewhere else than meant (a box
outside the image, inverted, in the wrong units, NaN) raises :class:`~prelabel.BuildError`
at once. Each builder has a batch twin (``box`` / ``boxes``, ``polygon`` / ``polygons``, ...)
that does the arithmetic once over numpy arrays and only loops to assemble dicts.

>>> from prelabel import LabelConfig, RectangleLabels
>>> config = LabelConfig.parse('<View><Image name="image" value="$image"/>'
...     '<RectangleLabels name="label" toName="image"><Label value="Airplane"/>'
...     '</RectangleLabels></View>')
>>> boxes = config.control("label", RectangleLabels)
>>> region = boxes.box(xyxy_px=(30, 120, 330, 220), image_wh=(600, 400), label="Airplane",
...                    score=0.91, id="r1")
>>> region.result["value"]  # doctest: +NORMALIZE_WHITESPACE
{'x': 5.0, 'y': 30.0, 'width': 50.0, 'height': 25.0, 'rotation': 0.0,
 'rectanglelabels': ['Airplane']}
"""

from __future__ import annotations

from ._boxmath import ROTATED_TOLERANCE_PX
from ._inputs import EDGE_TOLERANCE_PCT
from .bitmasks import BitmaskBuilder, mask_to_data_url
from .boxes import RectangleBuilder
from .ellipses import EllipseBuilder
from .keypoints import KEYPOINT_WIDTH_PCT, KeyPointBuilder
from .polygons import PolygonBuilder
from .region_labels import ImageLabelsBuilder
from .vectors import VectorBuilder

__all__ = [
    "EDGE_TOLERANCE_PCT",
    "KEYPOINT_WIDTH_PCT",
    "ROTATED_TOLERANCE_PX",
    "BitmaskBuilder",
    "EllipseBuilder",
    "ImageLabelsBuilder",
    "KeyPointBuilder",
    "PolygonBuilder",
    "RectangleBuilder",
    "VectorBuilder",
    "mask_to_data_url",
]
