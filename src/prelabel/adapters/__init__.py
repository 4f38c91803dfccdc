"""Adapters from common model outputs and dataset formats to Label Studio tasks.

Each adapter is a pure function from the shape a model or dataset hands over (arrays, dicts,
files' text) to regions or results, built by the config's own control handles (so units,
labels and bounds are checked the same way everywhere); the dataset formats also have a
convenience function that streams :class:`~prelabel.Task` objects, validated on the way out.

* plain arrays: :func:`box_regions`, :func:`mask_regions`, :func:`polygon_regions`,
  :func:`keypoint_regions`, :func:`pose_regions` (and :func:`polygon_to_mask`);
* COCO: :func:`coco_regions`, :func:`coco_results_to_tasks`, :func:`coco_to_tasks`
  (COCO RLE: :func:`decode_coco_rle`, :func:`encode_coco_rle`);
* YOLO txt: :func:`parse_yolo`, :func:`yolo_regions`, :func:`yolo_to_tasks`,
  :func:`read_class_names`;
* Hugging Face pipeline outputs: :func:`hf_entity_regions`, :func:`hf_detection_regions`,
  :func:`hf_choices`;
* spaCy-style spans: :func:`spacy_entity_regions`;
* ``supervision.Detections`` (duck-typed): :func:`detections_regions`;
* detection frameworks (Ultralytics, torchvision, Detectron2, MMDetection; duck-typed):
  :func:`detection_regions` (boxes, oriented boxes, masks, keypoints),
  :func:`classification_choices` (Ultralytics ``probs``);
* OCR engines (RapidOCR, PaddleOCR, EasyOCR, docTR, Tesseract; duck-typed): :func:`ocr_regions`
  (regions with their labels and per-region transcriptions), :func:`ocr_lines`;
* :func:`make_task` wraps any of these results into a task.

Model classes become config labels through :class:`~prelabel.LabelMap`: an explicit
``label_map``, the config's ``predicted_values``, the exact or the case-insensitive name. A
class with no label raises, naming all of them, unless ``unmapped="drop"``; dropped regions
are counted (``LabelMap.dropped``, ``TaskStream.dropped``), never lost silently.
"""

from ..media import image_size
from ._tasks import TaskStream, make_task
from .arrays import (
    box_regions,
    keypoint_regions,
    mask_regions,
    polygon_regions,
    polygon_to_mask,
    pose_regions,
)
from .coco import coco_categories, coco_regions, coco_results_to_tasks, coco_to_tasks
from .coco_rle import decode_coco_rle, encode_coco_rle
from .detection import classification_choices, detection_regions
from .hf import hf_choices, hf_detection_regions, hf_entity_regions
from .ocr import OcrLine, ocr_lines, ocr_regions
from .spacy import spacy_entity_regions
from .supervision import detections_regions
from .yolo import YoloLabels, parse_yolo, read_class_names, yolo_regions, yolo_to_tasks

__all__ = [
    "OcrLine",
    "TaskStream",
    "YoloLabels",
    "box_regions",
    "classification_choices",
    "coco_categories",
    "coco_regions",
    "coco_results_to_tasks",
    "coco_to_tasks",
    "decode_coco_rle",
    "detection_regions",
    "detections_regions",
    "encode_coco_rle",
    "hf_choices",
    "hf_detection_regions",
    "hf_entity_regions",
    "image_size",
    "keypoint_regions",
    "make_task",
    "mask_regions",
    "ocr_lines",
    "ocr_regions",
    "parse_yolo",
    "polygon_regions",
    "polygon_to_mask",
    "pose_regions",
    "read_class_names",
    "spacy_entity_regions",
    "yolo_regions",
    "yolo_to_tasks",
]
