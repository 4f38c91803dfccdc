"""What a preview draws, read from result dicts: regions (results joined by id) and the rest.

Label Studio joins results that share an ``id`` into one region: the geometry, its labels (in
the split format, a ``labels`` result beside a ``rectangle``), per-region text areas and
choices. Results of a region-less control (choices, rating, ...) are classifications, shown
beside the object.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ._colors import NO_LABEL, Palette, labels_of
from ._geometry import IMAGE_TYPES

if TYPE_CHECKING:
    from ..config import LabelConfig

__all__ = ["REGION_TYPES", "RegionView", "split_results"]

# Result types that make regions, for results read without a config.
REGION_TYPES = IMAGE_TYPES | {
    "labels",
    "hypertextlabels",
    "paragraphlabels",
    "timeserieslabels",
    "timelinelabels",
    "videorectangle",
    "vectorlabels",
    "vector",
    "bitmasklabels",
    "bitmask",
}


@dataclasses.dataclass
class RegionView:
    """One region: its results (own first), their positions in the result list, and what to
    show with it."""

    id: str
    to_name: str
    results: list[Mapping[str, Any]]
    positions: list[int]
    labels: list[str] = dataclasses.field(default_factory=list)
    colour: str = NO_LABEL
    score: float | None = None
    texts: list[str] = dataclasses.field(default_factory=list)
    problem: str | None = None

    @property
    def main(self) -> Mapping[str, Any]:
        """The result that locates the region (its geometry or offsets)."""
        return self.results[0]

    @property
    def caption(self) -> str:
        """Labels, score and per-region text, as one short line."""
        parts = [", ".join(self.labels)] if self.labels else []
        if self.score is not None:
            parts.append(f"{self.score:.2f}")
        parts += [f"“{text}”" for text in self.texts]
        return " ".join(parts)


def _is_region(result: Mapping[str, Any], config: LabelConfig | None) -> bool:
    if config is not None:
        control = config.find_control(str(result.get("from_name")))
        if control is not None:
            return bool(control.makes_regions)
    return str(result.get("type")) in REGION_TYPES


def split_results(
    results: Sequence[Any], config: LabelConfig | None, palette: Palette
) -> tuple[list[RegionView], list[tuple[int, Mapping[str, Any]]]]:
    """Regions (results joined by id) and the other results with their positions.

    Relations and results that are not dicts are left out of both (the report lists
    problems with them separately).
    """
    regions: dict[tuple[str, str], RegionView] = {}
    others: list[tuple[int, Mapping[str, Any]]] = []
    pending: list[tuple[int, Mapping[str, Any]]] = []
    for position, result in enumerate(results):
        if not isinstance(result, Mapping) or result.get("type") == "relation":
            continue
        key = (str(result.get("id")), str(result.get("to_name")))
        if _is_region(result, config) and key not in regions:
            regions[key] = RegionView(key[0], key[1], [result], [position])
        else:
            pending.append((position, result))
    for position, result in pending:
        key = (str(result.get("id")), str(result.get("to_name")))
        region = regions.get(key)
        if region is None:
            others.append((position, result))
        else:
            region.results.append(result)
            region.positions.append(position)
    for region in regions.values():
        _describe(region, palette)
    return list(regions.values()), others


def _describe(region: RegionView, palette: Palette) -> None:
    colour = None
    for result in region.results:
        labels = labels_of(result)
        if labels and result.get("type") not in ("textarea",):
            region.labels += [label for label in labels if label not in region.labels]
            if colour is None:
                colour = palette.colour(str(result.get("from_name", "")), labels[0])
        score = result.get("score")
        if region.score is None and isinstance(score, (int, float)) and not isinstance(score, bool):
            region.score = float(score)
        value = result.get("value")
        if result.get("type") == "textarea" and isinstance(value, Mapping):
            texts = value.get("text")
            texts = [texts] if isinstance(texts, str) else texts
            if isinstance(texts, list):
                region.texts += [str(text) for text in texts]
    region.colour = colour or NO_LABEL
