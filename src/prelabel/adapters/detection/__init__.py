"""Detection and segmentation frameworks' outputs to regions, in one call, duck-typed.

:func:`detection_regions` reads what Ultralytics, torchvision, Detectron2 and MMDetection
return for one image (see :mod:`._frameworks` for each shape), and draws boxes (oriented ones
too), instance masks (as brush RLE, bitmasks or polygons) and pose keypoints through the array
adapters, so class names map to config labels through :class:`~prelabel.LabelMap` exactly as
everywhere else. :func:`classification_choices` does the same for Ultralytics'
classification ``probs``. No framework is imported; tensors may live on any device.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal, TypeAlias

from ...errors import BuildError
from ...results import Region, Result
from ...tags.base import ControlTag
from ...tags.controls import Labels
from .._labeling import ClassMap, ClassNames, Unmapped
from ..arrays._select import Counts
from ..hf import hf_choices
from ._found import Found, draw
from ._frameworks import (
    detectron2_found,
    mmdet_found,
    torchvision_found,
    ultralytics_found,
    ultralytics_probs,
)

__all__ = ["Framework", "classification_choices", "detection_regions", "framework_of"]

Framework: TypeAlias = Literal["ultralytics", "torchvision", "detectron2", "mmdet"]


def framework_of(output: Any) -> Framework:
    """Which framework's output ``output`` looks like.

    Raises:
        BuildError: none of them (the message lists what each looks like).
    """
    if isinstance(output, (list, tuple)) and output:
        kind = framework_of(output[0])
        raise BuildError(
            f"the {kind} output is a list with one result per image; pass one of them "
            "(output[0]) and make one task per image"
        )
    if hasattr(output, "orig_shape") and hasattr(output, "boxes"):
        return "ultralytics"
    if isinstance(output, dict) and "boxes" in output:
        return "torchvision"
    if (isinstance(output, dict) and "instances" in output) or hasattr(output, "pred_classes"):
        return "detectron2"
    if hasattr(output, "pred_instances"):
        return "mmdet"
    raise BuildError(
        "not a detection output prelabel reads: an Ultralytics Results (model(img)[0]), a "
        "torchvision dict with 'boxes' (model([img])[0]), Detectron2's {'instances': ...} or "
        f"an MMDetection DetDataSample; got {type(output).__name__}"
    )


def _found(
    output: Any,
    framework: Framework,
    image_wh: tuple[int, int] | None,
    class_names: ClassNames | None,
    mask_threshold: float,
) -> Found:
    if framework == "ultralytics":
        return ultralytics_found(output)
    if framework == "torchvision":
        return torchvision_found(output, image_wh, mask_threshold)
    if framework == "detectron2":
        return detectron2_found(output)
    if framework == "mmdet":
        return mmdet_found(output, class_names)
    raise BuildError(
        f"framework must be ultralytics, torchvision, detectron2 or mmdet; got {framework!r}"
    )


def detection_regions(
    output: Any,
    *,
    boxes: ControlTag | None = None,
    masks: ControlTag | None = None,
    keypoints: ControlTag | None = None,
    framework: Framework | None = None,
    class_names: ClassNames | None = None,
    label_map: ClassMap | None = None,
    keypoint_names: Sequence[str] | None = None,
    keypoint_label_map: ClassMap | None = None,
    unmapped: Unmapped = "error",
    min_score: float | None = None,
    keypoint_min_score: float | None = 0.5,
    mask_threshold: float = 0.5,
    image_wh: tuple[int, int] | None = None,
    labels_control: Labels | None = None,
    clip: bool = False,
    to_name: str | None = None,
    item_index: int | None = None,
    counts: Counts = None,
) -> list[Region]:
    """One image's detections as regions: boxes, then masks, then keypoints.

    Args:
        output: one image's output (see the module); the framework is recognized from it.
        boxes: the box control (``xyxy`` boxes, or an Ultralytics OBB model's corners).
        masks: a brush or bitmask control (masks as RLE / PNG), or a polygon control
            (Ultralytics' outlines ``masks.xy``).
        keypoints: the keypoint control; one region per keypoint, labeled by its name.
        framework: say which framework made ``output`` instead of recognizing it.
        class_names: the model's class names (list by id, or ``{id: name}``); Ultralytics
            carries its own ``names``; torchvision's are its weights' ``meta["categories"]``,
            MMDetection's ``model.dataset_meta["classes"]``.
        label_map, unmapped, min_score, labels_control, clip, to_name, item_index, counts:
            as in :func:`prelabel.adapters.box_regions`.
        keypoint_names: ``K`` keypoint names in the model's order (COCO: nose, left_eye, ...).
        keypoint_label_map: keypoint name -> label, when the names are not the labels.
        keypoint_min_score: leave out keypoints whose confidence is below this (Ultralytics'
            ``keypoints.conf``, Detectron2's third column, torchvision's visibility).
        mask_threshold: torchvision's masks are probabilities: a pixel from this is inside.
        image_wh: ``(width, height)``; needed only for torchvision boxes without masks.

    Raises:
        BuildError: an output no framework returns, a list of images, a control of the
            wrong kind, classes without names, anything the array adapters refuse.
        LabelError: a class that maps to no label (``unmapped="error"``).
    """
    kind = framework if framework is not None else framework_of(output)
    found = _found(output, kind, image_wh, class_names, mask_threshold)
    return draw(
        found,
        boxes=boxes,
        masks=masks,
        keypoints=keypoints,
        keypoint_names=keypoint_names,
        keypoint_label_map=keypoint_label_map,
        keypoint_min_score=keypoint_min_score,
        class_names=class_names,
        label_map=label_map,
        unmapped=unmapped,
        min_score=min_score,
        labels_control=labels_control,
        clip=clip,
        to_name=to_name,
        item_index=item_index,
        counts=counts,
        source=kind,
    )


def classification_choices(
    result: Any,
    control: ControlTag,
    *,
    label_map: ClassMap | None = None,
    unmapped: Unmapped = "error",
    top_k: int | None = 1,
    min_score: float | None = None,
    to_name: str | None = None,
) -> Result | None:
    """An Ultralytics classification ``Results``' ``probs`` as a ``<Choices>`` result.

    The best classes that map to a choice are picked, as
    :func:`prelabel.adapters.hf_choices` does (``top_k`` on ``choice="multiple"``).
    """
    return hf_choices(
        control,
        ultralytics_probs(result),
        label_map=label_map,
        unmapped=unmapped,
        top_k=top_k,
        min_score=min_score,
        to_name=to_name,
    )
