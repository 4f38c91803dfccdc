"""What each detection framework returns for one image, read into :class:`Found` (duck-typed:
no framework is imported; tensors on any device are read through ``.cpu().numpy()``).

* Ultralytics ``Results`` (``model(img)[0]``): ``boxes`` (``xyxy``, ``cls``, ``conf``), ``obb``
  (``xyxyxyxy`` corners), ``masks`` (``data`` at the model's input size, ``xy`` outlines in
  original pixels), ``keypoints`` (``xy``, ``conf``), ``names``, ``orig_shape`` ``(h, w)``;
* torchvision detection models (``model([img])[0]``): a dict of ``boxes`` ``(N, 4)`` xyxy,
  ``labels``, ``scores``, ``masks`` ``(N, 1, H, W)`` probabilities, ``keypoints`` ``(N, K, 3)``;
* Detectron2 (``predictor(img)``): ``{"instances": Instances}`` with ``pred_boxes.tensor``,
  ``pred_classes``, ``scores``, ``pred_masks``, ``pred_keypoints`` ``(N, K, 3)``, ``image_size``;
* MMDetection 3 (``inference_detector(model, img)``): a ``DetDataSample`` whose
  ``pred_instances`` has ``bboxes``, ``labels``, ``scores``, ``masks``, and whose
  ``metainfo["ori_shape"]`` is ``(h, w)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ...errors import BuildError
from .._labeling import ClassNames
from ._found import Found, numpy_of

__all__ = ["detectron2_found", "mmdet_found", "torchvision_found", "ultralytics_found"]


def _one_image(output: Any, what: str, call: str) -> None:
    if isinstance(output, (list, tuple)):
        raise BuildError(
            f"{what} returns one result per image in a list; pass one of them ({call}[0]), "
            "and make one task per image"
        )


def _field(obj: Any, name: str) -> Any:
    """``obj.name`` or ``obj[name]``, None when absent (Detectron2's Instances raise on a
    missing field)."""
    if isinstance(obj, Mapping):
        return obj.get(name)
    try:
        return getattr(obj, name, None)
    except (AttributeError, KeyError):
        return None


def _ints(value: Any) -> Any:
    array = numpy_of(value)
    return None if array is None else array.reshape(-1).astype(np.int64)


def _floats(value: Any) -> Any:
    array = numpy_of(value)
    return None if array is None else array.astype(np.float64)


def ultralytics_found(result: Any) -> Found:
    """Read one Ultralytics ``Results``.

    Masks are taken at the original size when ``masks.data`` has it (``retina_masks=True``),
    else as the outlines ``masks.xy`` (in original pixels), filled for a brush control.
    """
    _one_image(result, "an Ultralytics model", "results")
    shape = _field(result, "orig_shape")
    if shape is None:
        raise BuildError(
            f"expected an Ultralytics Results (with orig_shape, boxes, ...), got "
            f"{type(result).__name__}"
        )
    height, width = (int(v) for v in shape[:2])
    found = Found((width, height), class_names=_field(result, "names"))
    obb, boxes = _field(result, "obb"), _field(result, "boxes")
    source = obb if obb is not None else boxes
    if source is not None:
        if obb is not None:
            found.corners = _floats(obb.xyxyxyxy).reshape(-1, 4, 2)
        else:
            found.xyxy = _floats(boxes.xyxy).reshape(-1, 4)
        found.class_ids = _ints(source.cls)
        found.scores = _floats(source.conf).reshape(-1)
    masks = _field(result, "masks")
    if masks is not None:
        data = numpy_of(masks.data)
        if data.ndim == 3 and data.shape[1:] == (height, width):
            found.masks = data > 0.5
        found.polygons = [numpy_of(p) for p in masks.xy]
    keypoints = _field(result, "keypoints")
    if keypoints is not None:
        found.keypoints = _floats(keypoints.xy)
        found.keypoint_scores = _floats(_field(keypoints, "conf"))
    return found


def ultralytics_probs(result: Any) -> list[dict[str, Any]]:
    """A classification ``Results``' ``probs`` as ``[{label, score}]``, best first."""
    _one_image(result, "an Ultralytics model", "results")
    probs = _field(result, "probs")
    if probs is None:
        raise BuildError("the Ultralytics Results has no probs (not a classification model)")
    scores = _floats(probs.data).reshape(-1)
    names = _field(result, "names") or {}
    order = np.argsort(-scores, kind="stable")
    return [{"label": str(names.get(int(i), i)), "score": float(scores[i])} for i in order]


def torchvision_found(
    output: Mapping[str, Any], image_wh: tuple[int, int] | None, mask_threshold: float
) -> Found:
    """Read one torchvision detection dict (Faster/Mask/Keypoint R-CNN, RetinaNet, SSD, FCOS).

    Mask R-CNN's masks are ``(N, 1, H, W)`` probabilities at the image size: a pixel is in the
    mask from ``mask_threshold``. Keypoint R-CNN's third column is visibility (its
    ``keypoints_scores`` are logits, not used).
    """
    _one_image(output, "a torchvision detection model", "outputs")
    if not isinstance(output, Mapping) or "boxes" not in output:
        raise BuildError(
            "expected a torchvision detection dict with 'boxes', 'labels', 'scores' "
            f"(model([image])[0]), got {type(output).__name__}"
        )
    masks = numpy_of(output.get("masks"))
    if image_wh is None:
        if masks is None or masks.ndim < 3:
            raise BuildError(
                "pass image_wh=(width, height): the output has no masks to read it from"
            )
        image_wh = (int(masks.shape[-1]), int(masks.shape[-2]))
    found = Found(
        (int(image_wh[0]), int(image_wh[1])),
        xyxy=_floats(output["boxes"]).reshape(-1, 4),
        class_ids=_ints(output.get("labels")),
        scores=_floats(output.get("scores")),
    )
    if masks is not None:
        found.masks = masks.reshape(masks.shape[0], *masks.shape[-2:]) >= mask_threshold
    keypoints = _floats(output.get("keypoints"))
    if keypoints is not None:
        found.keypoints = keypoints[..., :2]
        found.keypoint_scores = keypoints[..., 2] if keypoints.shape[-1] == 3 else None
    return found


def detectron2_found(outputs: Any) -> Found:
    """Read Detectron2's ``predictor(image)`` output (or its ``Instances``)."""
    instances = outputs.get("instances") if isinstance(outputs, Mapping) else outputs
    size = _field(instances, "image_size")
    if size is None:
        raise BuildError(
            "expected Detectron2's output ({'instances': Instances}) or an Instances, got "
            f"{type(outputs).__name__}"
        )
    found = Found((int(size[1]), int(size[0])))
    boxes = _field(instances, "pred_boxes")
    if boxes is not None:
        found.xyxy = _floats(_field(boxes, "tensor")).reshape(-1, 4)
    found.class_ids = _ints(_field(instances, "pred_classes"))
    found.scores = _floats(_field(instances, "scores"))
    masks = numpy_of(_field(instances, "pred_masks"))
    if masks is not None:
        found.masks = masks.astype(bool)
    keypoints = _floats(_field(instances, "pred_keypoints"))
    if keypoints is not None:
        found.keypoints = keypoints[..., :2]
        found.keypoint_scores = keypoints[..., 2]
    return found


def mmdet_found(sample: Any, class_names: ClassNames | None) -> Found:
    """Read MMDetection 3's ``DetDataSample`` (``pred_instances`` and ``ori_shape``)."""
    _one_image(sample, "MMDetection's inference_detector on a list", "results")
    instances = _field(sample, "pred_instances")
    meta = _field(sample, "metainfo") or {}
    shape = meta.get("ori_shape") if isinstance(meta, Mapping) else None
    if instances is None or shape is None:
        raise BuildError(
            "expected an MMDetection DetDataSample (pred_instances, metainfo['ori_shape']), got "
            f"{type(sample).__name__}"
        )
    found = Found(
        (int(shape[1]), int(shape[0])),
        xyxy=_floats(_field(instances, "bboxes")).reshape(-1, 4),
        class_ids=_ints(_field(instances, "labels")),
        scores=_floats(_field(instances, "scores")),
        class_names=class_names,
    )
    masks = numpy_of(_field(instances, "masks"))
    if masks is not None:
        found.masks = masks.astype(bool)
    return found
