"""COCO to Label Studio: detection results files and ground-truth datasets.

Two inputs, one drawing path:

* a **results file** (``[{image_id, category_id, bbox, score, segmentation?, keypoints?}]``,
  what ``COCOeval`` reads and detectors write) plus the images' sizes:
  :func:`coco_results_to_tasks`;
* a **dataset** (``{images, annotations, categories}``, e.g. ``instances_val2017.json``):
  :func:`coco_to_tasks`, into predictions or annotations.

Boxes (``bbox``: pixel ``[x, y, width, height]``) go to a ``<RectangleLabels>``;
segmentations (polygons, or COCO RLE with list or string counts) to a ``<BrushLabels>`` (RLE
decoded and re-encoded as Label Studio RLE), a ``<BitmaskLabels>`` or a ``<PolygonLabels>``
(polygon parts only); keypoints (``[x, y, v] * K`` named by the category's ``keypoints``) to a
``<KeyPointLabels>``. Category names map to labels through a :class:`~prelabel.LabelMap`.

Files are read whole (JSON has no streaming form in the standard library), results are grouped
by image in one pass, and tasks are made one image at a time.
"""

from ._draw import coco_regions
from ._records import CocoSource, coco_categories, group_by_image
from ._tasks import coco_results_to_tasks, coco_to_tasks

__all__ = [
    "CocoSource",
    "coco_categories",
    "coco_regions",
    "coco_results_to_tasks",
    "coco_to_tasks",
    "group_by_image",
]
