"""``supervision.Detections`` to regions, duck-typed: supervision is never imported.

A ``Detections`` holds ``xyxy`` ``(N, 4)`` pixel boxes, ``class_id`` ``(N,)``, ``confidence``
``(N,)``, ``mask`` ``(N, H, W)`` booleans (each may be None) and ``data`` (with
``"class_name"`` when it came from a model that names its classes). Any object with those
attributes works, so results from ``sv.Detections.from_ultralytics(...)``,
``from_transformers(...)`` and others go straight to Label Studio.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ..errors import BuildError
from ..results import Region
from ..tags.base import ControlTag
from ..tags.controls import Labels
from ._labeling import ClassMap, ClassNames, Unmapped
from .arrays import box_regions, mask_regions

__all__ = ["detections_regions"]


def _attr(detections: Any, name: str) -> Any:
    value = getattr(detections, name, None)
    return None if value is None else np.asarray(value)


def detections_regions(
    detections: Any,
    *,
    boxes: ControlTag | None = None,
    masks: ControlTag | None = None,
    image_wh: tuple[int, int] | None = None,
    class_names: ClassNames | None = None,
    label_map: ClassMap | None = None,
    unmapped: Unmapped = "error",
    min_score: float | None = None,
    labels_control: Labels | None = None,
    clip: bool = False,
    to_name: str | None = None,
    item_index: int | None = None,
) -> list[Region]:
    """Regions of one image's ``Detections``: boxes, then masks.

    Class names come from ``class_names`` with ``class_id``, else from
    ``detections.data["class_name"]``.

    Args:
        detections: a ``supervision.Detections`` (or an object with its attributes).
        boxes: the box control for ``xyxy``.
        masks: a brush or bitmask control for ``mask``.
        image_wh: the image's ``(width, height)``; taken from the masks when omitted.
        class_names: the model's class names (list by id, or ``{id: name}``).
        label_map, unmapped, min_score, labels_control, clip, to_name, item_index: as in
            :func:`prelabel.adapters.box_regions`.

    Raises:
        BuildError: no control given, masks asked for but absent, no way to name classes.
    """
    if boxes is None and masks is None:
        raise BuildError("give boxes= and/or masks= (controls of the config)")
    xyxy = _attr(detections, "xyxy")
    if xyxy is None:
        raise BuildError(
            f"detections must have .xyxy (a supervision.Detections), got {type(detections)}"
        )
    count = int(xyxy.shape[0]) if xyxy.ndim else 0
    mask = _attr(detections, "mask")
    if image_wh is None:
        if mask is None or mask.ndim != 3:
            raise BuildError("pass image_wh=(width, height): the detections have no masks")
        image_wh = (int(mask.shape[2]), int(mask.shape[1]))
    labels: list[str] | None = None
    class_id = _attr(detections, "class_id")
    data = getattr(detections, "data", None)
    names_in_data = data.get("class_name") if isinstance(data, Mapping) else None
    if class_names is None and names_in_data is not None:
        labels = [str(n) for n in np.asarray(names_in_data).tolist()]
        class_id = None
    common: dict[str, Any] = {
        "labels": labels,
        "class_ids": class_id,
        "class_names": class_names,
        "label_map": label_map,
        "unmapped": unmapped,
        "scores": _attr(detections, "confidence"),
        "min_score": min_score,
        "labels_control": labels_control,
        "to_name": to_name,
        "item_index": item_index,
    }
    has_labels = any(
        c is not None and (c.has_labels or labels_control is not None) for c in (boxes, masks)
    )
    if not has_labels:
        common["labels"] = common["class_ids"] = common["class_names"] = None
    elif common["labels"] is None and common["class_ids"] is None:
        raise BuildError(
            "the detections have neither class_id nor data['class_name']; nothing to label with"
        )
    out: list[Region] = []
    if boxes is not None:
        out += box_regions(boxes, xyxy.reshape(count, 4), image_wh=image_wh, clip=clip, **common)
    if masks is not None:
        if mask is None:
            raise BuildError("masks= was given but the detections have no .mask")
        out += mask_regions(masks, mask, image_wh=image_wh, **common)
    return out
