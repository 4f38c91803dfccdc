"""Plain arrays to regions: boxes, instance masks, polygons and keypoints, with class mapping.

The shape most inference code ends with: ``(N, 4)`` boxes, ``(N,)`` class ids and ``(N,)``
scores (or ``(N, H, W)`` masks, polygons, keypoints). Each function here filters by score,
maps model classes to config labels with a :class:`~prelabel.LabelMap` (by ``class_names``,
an explicit ``label_map``, the config's ``predicted_values``, the exact or case-insensitive
name) and hands the rest to the control's own builder, which does the unit maths and checks.
A class that maps to no label raises, naming every such class, unless ``unmapped="drop"``:
then its regions are left out and counted in the LabelMap's ``dropped``.

Unlabeled tools (``<Rectangle>``, ``<Polygon>``, ``<Brush>``, ...) get their labels from a
``<Labels>`` on the same image: pass it as ``labels_control=`` (Label Studio's split format).

>>> from prelabel import LabelConfig, RectangleLabels
>>> cfg = LabelConfig.parse('<View><Image name="image" value="$image"/>'
...     '<RectangleLabels name="label" toName="image"><Label value="Person"/>'
...     '<Label value="Car" predicted_values="car,truck"/></RectangleLabels></View>')
>>> regions = box_regions(cfg.control("label", RectangleLabels),
...     [[0, 0, 320, 240], [320, 240, 640, 480], [10, 10, 20, 20]], image_wh=(640, 480),
...     class_ids=[0, 7, 16], class_names={0: "person", 7: "truck", 16: "dog"},
...     scores=[0.9, 0.8, 0.3], min_score=0.5)
>>> [(r.result["value"]["x"], r.result["value"]["rectanglelabels"]) for r in regions]
[(0.0, ['Person']), (50.0, ['Car'])]
"""

from ._boxes import box_regions
from ._keypoints import keypoint_regions, pose_regions
from ._masks import mask_regions
from ._polygons import polygon_regions, polygon_to_mask

__all__ = [
    "box_regions",
    "keypoint_regions",
    "mask_regions",
    "polygon_regions",
    "polygon_to_mask",
    "pose_regions",
]
