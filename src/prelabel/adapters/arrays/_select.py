"""What every array adapter does before drawing: check the control and the options, filter by
score, map model classes to labels, and attach split-format ``<Labels>`` results afterwards.
"""

from __future__ import annotations

import collections
import dataclasses
from collections.abc import Sequence
from typing import Any, Literal, TypeAlias

import numpy as np
import numpy.typing as npt

from ...errors import BuildError
from ...results import Region
from ...tags.base import ControlTag
from ...tags.controls import LabelingControl, Labels
from .._controls import describe, labeling_control
from .._labeling import (
    ClassMap,
    ClassNames,
    Unmapped,
    class_id_array,
    filter_rows,
    keep_scores,
    resolve_classes,
    score_array,
)

BoxFormat: TypeAlias = Literal["xyxy", "xywh", "cxcywh", "corners"]
Units: TypeAlias = Literal["px", "norm", "pct"]
ImageWH: TypeAlias = "tuple[int, int]"
Counts: TypeAlias = "collections.Counter[str] | None"

BOX_FORMATS = ("xyxy", "xywh", "cxcywh", "corners")
UNITS = ("px", "norm", "pct")


@dataclasses.dataclass
class Kept:
    """The regions that survive score filtering and label mapping."""

    keep: npt.NDArray[np.bool_]
    labels: list[str] | None
    scores: list[float] | None
    labeling: LabelingControl | None

    @property
    def count(self) -> int:
        return int(self.keep.sum())

    def own_labels(self, tool: ControlTag) -> list[str] | None:
        """The labels ``tool``'s own builder writes (None when a ``<Labels>`` carries them)."""
        return self.labels if self.labeling is tool else None

    def label_split(self, regions: list[Region], tool: ControlTag) -> list[Region]:
        """Attach ``<Labels>`` results to the regions of an unlabeled tool (split format)."""
        if (
            isinstance(self.labeling, Labels)
            and self.labeling is not tool
            and self.labels is not None
        ):
            self.labeling.for_regions(regions, labels=self.labels)
        return regions


@dataclasses.dataclass(frozen=True)
class Select:
    """The class and score options every array adapter takes, in its signature's order:
    which regions to keep and which labels they carry."""

    labels: Sequence[str] | None
    class_ids: npt.ArrayLike | None
    class_names: ClassNames | None
    label_map: ClassMap | None
    unmapped: Unmapped
    scores: npt.ArrayLike | None
    min_score: float | None

    def apply(
        self,
        tool: ControlTag,
        labels_control: Labels | None,
        count: int,
        what: str,
        counts: Counts,
    ) -> Kept:
        """Score filter first (so dropped-class counts only count regions that would be
        drawn), then the label mapping."""
        labeling = labeling_control(tool, labels_control)
        confidences = score_array(self.scores, count)
        keep = keep_scores(confidences, self.min_score, count)
        if counts is not None and not keep.all():
            counts["score below min_score"] += int((~keep).sum())
        labels = self.labels
        ids = None if self.class_ids is None else class_id_array(self.class_ids, count)
        if labels is not None and not isinstance(labels, str) and len(labels) != count:
            raise BuildError(f"labels has {len(labels)} items; expected {count}, one per {what}")
        kept_labels, kept_ids = filter_rows(keep, labels, ids)
        mapped, mapped_keep = resolve_classes(
            labeling,
            tool,
            int(keep.sum()),
            what,
            labels=kept_labels,
            class_ids=kept_ids,
            class_names=self.class_names,
            label_map=self.label_map,
            unmapped=self.unmapped,
        )
        final = keep.copy()
        final[keep] = mapped_keep
        kept_scores = None if confidences is None else confidences[final].tolist()
        return Kept(final, mapped, kept_scores, labeling)


def check_kind(control: Any, kinds: tuple[type, ...], what: str, tags: str) -> None:
    if not isinstance(control, ControlTag):
        raise BuildError(f"control must be a control from config.control(...), got {control!r}")
    if not isinstance(control, kinds):
        raise BuildError(f"{describe(control)} cannot draw {what}; {what} go to {tags}")


def choice(value: str, allowed: Sequence[str], what: str) -> str:
    if value not in allowed:
        raise BuildError(f"{what} must be one of {', '.join(allowed)}; got {value!r}")
    return value
