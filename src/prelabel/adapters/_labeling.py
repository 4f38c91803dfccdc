"""Model classes to config labels for the adapters: one LabelMap per labeling control, class
ids or names resolved to labels, and score filtering with the rows it keeps.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any, Literal, TypeAlias

import numpy as np
import numpy.typing as npt

from ..builders._classes import class_id_array as class_id_array  # re-exported for adapters
from ..errors import BuildError
from ..labelmap import LabelMap
from ..tags.base import ControlTag
from ..tags.controls import LabelingControl
from ._controls import ImageControls, describe, labeling_control

Unmapped: TypeAlias = Literal["error", "drop"]
ClassMap: TypeAlias = "LabelMap | Mapping[str, str] | Mapping[int, str] | Mapping[str | int, str]"
"""An explicit model class (name or id) -> config label mapping, or a ready LabelMap."""
ClassNames: TypeAlias = "Sequence[str] | Mapping[int, str]"


def label_mapper(
    control: LabelingControl,
    *,
    class_names: ClassNames | None,
    label_map: ClassMap | None,
    unmapped: Unmapped,
) -> LabelMap:
    """A :class:`LabelMap` for ``control``: the one given, or one built from the arguments."""
    if isinstance(label_map, LabelMap):
        if label_map.control is not control:
            raise BuildError(
                f"label_map was made for {describe(label_map.control)}, not for {describe(control)}"
            )
        if class_names is not None:
            raise BuildError(
                "class_names= and a LabelMap were both given; give the class names to the "
                "LabelMap (LabelMap(control, classes=...))"
            )
        return label_map
    return LabelMap(
        control,
        classes=class_names,
        mapping=dict(label_map.items()) if label_map else None,
        unmapped=unmapped,
    )


def resolve_classes(
    labeling: LabelingControl | None,
    tool: ControlTag,
    count: int,
    what: str,
    *,
    labels: Sequence[str] | None,
    class_ids: npt.ArrayLike | None,
    class_names: ClassNames | None,
    label_map: ClassMap | None,
    unmapped: Unmapped,
) -> tuple[list[str] | None, npt.NDArray[np.bool_]]:
    """Config labels for ``count`` regions, and which regions keep theirs.

    Returns:
        ``(labels, keep)``: one label per kept region (None for unlabeled regions) and a
        boolean mask of the regions whose class maps to a label.
    """
    everything = np.ones(count, dtype=bool)
    given = [n for n, v in (("labels", labels), ("class_ids", class_ids)) if v is not None]
    if labeling is None:
        if given:
            raise BuildError(
                f"{describe(tool)} draws unlabeled regions and has no <Labels> to carry "
                f"{given[0]}; pass labels_control=<the Labels control on the same image>, or "
                f"drop {given[0]}="
            )
        return None, everything
    if len(given) != 1:
        raise BuildError(
            f"{describe(labeling)} needs a label for each {what}: pass labels= (one model "
            "class name per region) or class_ids= (with class_names=)"
            + (f"; got {' and '.join(given)}" if given else "")
        )
    mapper = label_mapper(labeling, class_names=class_names, label_map=label_map, unmapped=unmapped)
    if class_ids is not None:
        ids = class_id_array(class_ids, count)
        keyed_by_id = isinstance(label_map, Mapping) and any(isinstance(k, int) for k in label_map)
        if class_names is None and not isinstance(label_map, LabelMap) and not keyed_by_id:
            raise BuildError(
                "class_ids need class_names= (the model's class names: a list, or a dict "
                "{class_id: name}) or a label_map keyed by class id"
            )
        return mapper.map_ids(ids)
    if isinstance(labels, str):
        raise BuildError("labels= takes one model class name per region (a list), not a string")
    names = list(labels or ())
    if len(names) != count:
        raise BuildError(f"labels has {len(names)} items; expected {count}, one per region")
    for index, name in enumerate(names):
        if not isinstance(name, str):
            raise BuildError(f"labels[{index}] must be a str, got {type(name).__name__}")
    mapped = mapper.map(names)
    keep = np.array([m is not None for m in mapped], dtype=bool).reshape(count)
    return [m for m in mapped if m is not None], keep


def score_array(scores: npt.ArrayLike | None, count: int) -> npt.NDArray[np.float64] | None:
    if scores is None:
        return None
    array = np.asarray(scores, dtype=np.float64)
    if array.size == 0:
        array = array.reshape(0)
    if array.shape != (count,):
        raise BuildError(f"scores must have shape ({count},), one per region, got {array.shape}")
    return array


def keep_scores(
    scores: npt.NDArray[np.float64] | None, min_score: float | None, count: int
) -> npt.NDArray[np.bool_]:
    """Which regions reach ``min_score`` (all of them without a threshold)."""
    if min_score is None:
        return np.ones(count, dtype=bool)
    if scores is None:
        raise BuildError("min_score= needs scores=")
    return np.asarray(scores >= float(min_score), dtype=bool)


def filter_rows(keep: npt.NDArray[np.bool_], *arrays: Any) -> list[Any]:
    """Each array (or list) with only the rows where ``keep`` is True; None stays None."""
    if keep.all():
        return list(arrays)
    out: list[Any] = []
    index = np.flatnonzero(keep)
    for item in arrays:
        if item is None:
            out.append(None)
        elif isinstance(item, np.ndarray):
            out.append(item[keep])
        else:
            out.append([item[i] for i in index.tolist()])
    return out


@dataclasses.dataclass(frozen=True)
class LabelOptions:
    """How an image adapter maps model classes and keypoint names to labels."""

    label_map: ClassMap | None
    keypoint_label_map: ClassMap | None
    unmapped: Unmapped


class ImageLabelMaps:
    """The LabelMaps of an image adapter's controls, made once and reused for every image.

    Boxes and masks labeled by one control share its LabelMap (from the model's class names);
    the keypoint control has its own, keyed by keypoint name.
    """

    def __init__(
        self, controls: ImageControls, class_names: ClassNames | None, options: LabelOptions
    ) -> None:
        self._controls = controls
        self._by_labeling: dict[int, LabelMap] = {}
        self.keypoints: LabelMap | None = None
        """The keypoint control's LabelMap (None without a labeled keypoint control)."""
        label_map, unmapped = options.label_map, options.unmapped
        for control in (controls.boxes, controls.masks):
            if control is None:
                continue
            labeling = labeling_control(control, controls.split(control))
            if labeling is not None and id(labeling) not in self._by_labeling:
                self._by_labeling[id(labeling)] = label_mapper(
                    labeling,
                    class_names=None if isinstance(label_map, LabelMap) else class_names,
                    label_map=label_map,
                    unmapped=unmapped,
                )
        if controls.keypoints is not None:
            labeling = labeling_control(controls.keypoints, controls.split(controls.keypoints))
            if labeling is not None:
                self.keypoints = label_mapper(
                    labeling,
                    class_names=None,
                    label_map=options.keypoint_label_map,
                    unmapped=unmapped,
                )

    def classes(self, control: ControlTag) -> LabelMap | None:
        """The LabelMap for the model classes of ``control``'s regions (None: unlabeled)."""
        labeling = control if control.has_labels else self._controls.labels
        return None if labeling is None else self._by_labeling.get(id(labeling))

    def all(self) -> list[LabelMap]:
        """Every LabelMap, each once (for :attr:`TaskStream.dropped`)."""
        found = list(self._by_labeling.values())
        if self.keypoints is not None:
            found.append(self.keypoints)
        return list({id(m): m for m in found}.values())
