"""YOLO txt label and prediction files to Label Studio.

One ``.txt`` per image, one object per line, every coordinate normalized to 0-1; an optional
last column is the confidence (``save_conf=True``). The line shapes, by task:

* detect: ``class cx cy w h [conf]``
* segment: ``class x1 y1 x2 y2 ... xn yn [conf]`` (a polygon of 3 points or more)
* obb: ``class x1 y1 x2 y2 x3 y3 x4 y4 [conf]`` (corners of an oriented box)
* pose: ``class cx cy w h`` then K keypoints of 2 or 3 values (``x y [visibility]``)

Detect and segment lines are told apart by their length (``task="auto"``); an oriented box
reads like a 4-point polygon, and a pose line needs its ``kpt_shape``, so name those tasks.
YOLO files do not store image sizes: give them (``image_sizes``) or the images (their
headers are read).
"""

from ._dataset import yolo_to_tasks
from ._draw import yolo_regions
from ._files import YoloLabels, YoloTask, parse_yolo
from ._names import read_class_names

__all__ = [
    "YoloLabels",
    "YoloTask",
    "parse_yolo",
    "read_class_names",
    "yolo_regions",
    "yolo_to_tasks",
]
