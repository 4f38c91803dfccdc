"""OCR lines to regions: a box, rotated box or polygon per line, its label, and its text."""

from __future__ import annotations

import collections
from collections.abc import Mapping, Sequence
from typing import Any, Literal, TypeAlias, cast

import numpy as np

from ... import units
from ..._suggest import quote_list
from ...builders.image import PolygonBuilder, RectangleBuilder
from ...builders.image._boxmath import ROTATED_TOLERANCE_PX
from ...config import LabelConfig
from ...errors import BuildError
from ...results import Region
from ...tags.base import ControlTag
from ...tags.controls import Labels, Polygon, PolygonLabels, TextArea
from .._controls import BOX_CONTROLS, describe, labeling_control, pick_control, split_labels_control
from .._labeling import ClassMap, Unmapped
from ..arrays._select import Counts, Select
from ._read import Level, OcrLine, ocr_lines
from ._shapes import Kind, clip_polygon, measure, outside_px

__all__ = ["Shape", "ocr_regions"]

Shape: TypeAlias = Literal["auto", "rectangle", "box", "polygon"]
_SHAPES = ("auto", "rectangle", "box", "polygon")
POLYGON_CONTROLS: tuple[type[ControlTag], ...] = (PolygonLabels, Polygon)


def ocr_regions(
    config: LabelConfig,
    result: Any,
    *,
    image_wh: tuple[int, int] | None = None,
    shape: Shape = "auto",
    clip: bool = False,
    label: str | None = None,
    labels: Sequence[str] | None = None,
    label_map: ClassMap | None = None,
    unmapped: Unmapped = "error",
    min_score: float | None = None,
    level: Level = "line",
    page: int = 0,
    rectangle: str | None = None,
    polygon: str | None = None,
    transcription: str | Literal[False] | None = None,
    labels_control: str | None = None,
    tolerance_px: float = ROTATED_TOLERANCE_PX,
    to_name: str | None = None,
    counts: Counts = None,
) -> list[Region]:
    """An OCR engine's output as regions, each with its label and its transcription.

    Per line: a rectangle when the outline is one within ``tolerance_px`` (rotated when it is
    turned), else a polygon; each shape goes to the tool the config offers for it. The text
    goes to the ``perRegion`` ``<TextArea>`` (same id as the region: the editor shows it in
    the region), the label to the tool (``<RectangleLabels>``) or to the ``<Labels>`` that
    labels an unlabeled ``<Rectangle>``/``<Polygon>`` (the split format).

    Args:
        config: the labeling config.
        result: the engine's output: ``[points, text, score]`` lines (RapidOCR, EasyOCR),
            PaddleOCR's, docTR's ``export()``, Tesseract's ``image_to_data`` (see
            :func:`ocr_lines`), or a list of :class:`OcrLine`.
        image_wh: ``(width, height)`` of the image in pixels (docTR's export carries it).
        shape: ``"auto"`` (above); ``"rectangle"``: always a rectangle, rotated to fit a
            quadrilateral; ``"box"``: the axis-aligned box around each line; ``"polygon"``.
        clip: keep the part of a line inside the image when it reaches outside (a rotated box
            then becomes a polygon, or with no polygon tool the box around that part);
            by default such a line raises.
        label: the label of every line (a line's own :attr:`OcrLine.label` wins); or
        labels: a model class per line (mapped by ``label_map`` like the other adapters).
            Without either, a labeling control with a single label gives that label.
        label_map, unmapped: as in :func:`prelabel.adapters.box_regions`.
        min_score: leave out lines scoring below this (counted in ``counts``).
        level, page: for docTR and Tesseract: one region per line or word; which page.
        rectangle, polygon: names of the tools (default: the config's only one of each).
        transcription: name of the ``perRegion`` ``<TextArea>`` (default: the only one on
            the image); ``False`` to write no text.
        labels_control: name of the ``<Labels>`` for unlabeled tools (default: the only one).
        tolerance_px: how far a vertex may be from a rectangle for the line to count as one.
        to_name: the image, when the tools point at several.
        counts: a Counter to add the lines left out (by reason) to.

    Raises:
        BuildError: an output shape no engine returns, a line outside the image (without
            ``clip``), a line a tool of the config cannot draw, empty text, no tool at all.
        LabelError: a label the labeling control does not define.

    >>> cfg = LabelConfig.parse('<View><Image name="image" value="$image"/>'
    ...     '<Labels name="label" toName="image"><Label value="Text"/></Labels>'
    ...     '<Rectangle name="bbox" toName="image"/><Polygon name="poly" toName="image"/>'
    ...     '<TextArea name="transcription" toName="image" perRegion="true"/></View>')
    >>> regions = ocr_regions(cfg, [
    ...     [[[10, 10], [90, 10], [90, 30], [10, 30]], "Total", 0.98],
    ...     [[[10, 50], [90, 40], [95, 60], [12, 66]], "12.50", 0.91],
    ... ], image_wh=(100, 100))
    >>> [[r["type"] for r in region] for region in regions]
    [['rectangle', 'labels', 'textarea'], ['polygon', 'labels', 'textarea']]
    >>> regions[0].results[2]["value"]["text"]
    ['Total']
    """
    if shape not in _SHAPES:
        raise BuildError(f"shape must be one of {', '.join(_SHAPES)}; got {shape!r}")
    if image_wh is None:
        image_wh = _doctr_wh(result, page)
    wh = (int(image_wh[0]), int(image_wh[1]))
    lines = ocr_lines(result, level=level, page=page)
    auto = rectangle is None and polygon is None
    rect_tool = (
        pick_control(config, rectangle, BOX_CONTROLS, "rectangle") if auto or rectangle else None
    )
    poly_tool = (
        pick_control(config, polygon, POLYGON_CONTROLS, "polygon") if auto or polygon else None
    )
    if rect_tool is None and poly_tool is None:
        raise BuildError(
            "the config has no tool for text regions: add a <Rectangle>/<RectangleLabels> or a "
            "<Polygon>/<PolygonLabels> on the image"
        )
    tools = [t for t in (rect_tool, poly_tool) if t is not None]
    split = {id(t): _split_labels(config, t, labels_control) for t in tools}
    text_control = _transcription(config, transcription, tools[0])

    lines, per_line_labels = _filter(lines, labels, min_score, counts)
    plans = [
        _plan(i, line, wh, shape, clip, tolerance_px, rect_tool, poly_tool)
        for i, line in enumerate(lines)
    ]
    if text_control is not None:
        for i, line in enumerate(lines):
            if not line.text.strip():
                raise BuildError(
                    f"lines[{i}] has no text; {describe(text_control)} refuses an empty "
                    "transcription: leave the line out, or pass transcription=False"
                )
    regions: list[Region | None] = [None] * len(lines)
    groups: dict[tuple[int, Kind], list[int]] = collections.defaultdict(list)
    for i, (tool, kind, _points) in enumerate(plans):
        groups[(id(tool), kind)].append(i)
    for (_tool_id, kind), rows in groups.items():
        tool = plans[rows[0]][0]
        labeling = labeling_control(tool, split[id(tool)])
        names = _labels_for(labeling, rows, lines, per_line_labels, label)
        scores = _scores(rows, lines)
        kept = Select(names, None, None, label_map, unmapped, scores, None).apply(
            tool, split[id(tool)], len(rows), "line", counts
        )
        rows = [r for r, keep in zip(rows, kept.keep.tolist(), strict=True) if keep]
        drawn = _draw(tool, kind, [plans[r][2] for r in rows], wh, kept, to_name)
        for row, region in zip(rows, kept.label_split(drawn, tool), strict=True):
            regions[row] = region
    out = [r for r in regions if r is not None]
    if text_control is not None and out:
        kept_rows = [i for i, r in enumerate(regions) if r is not None]
        text_control.for_regions(
            out, [lines[i].text for i in kept_rows], scores=_scores(kept_rows, lines)
        )
    return out


def _doctr_wh(result: Any, page: int) -> tuple[int, int]:
    export = (
        result.export() if hasattr(result, "export") and not isinstance(result, Mapping) else result
    )
    if isinstance(export, Mapping) and "pages" in export:
        pages = export["pages"]
        if 0 <= page < len(pages):
            height, width = pages[page]["dimensions"]
            return int(width), int(height)
    raise BuildError("pass image_wh=(width, height): the OCR output does not carry the image size")


def _split_labels(config: LabelConfig, tool: ControlTag, name: str | None) -> Labels | None:
    if tool.has_labels:
        return None
    return split_labels_control(config, tool, name)


def _transcription(
    config: LabelConfig, name: str | Literal[False] | None, tool: ControlTag
) -> TextArea | None:
    if name is False:
        return None
    if name is not None:
        control = config.control(name, TextArea)
    else:
        found = [
            c
            for c in config.controls.values()
            if isinstance(c, TextArea) and c.per_region and set(c.to_name) & set(tool.to_name)
        ]
        if len(found) > 1:
            raise BuildError(
                "several perRegion <TextArea>s point at the image "
                f"({quote_list(c.name for c in found)}); say which one holds the text: "
                "transcription=NAME"
            )
        if not found:
            raise BuildError(
                'the config has no <TextArea perRegion="true"> on the image for the recognized '
                "text; add one, or pass transcription=False to write the regions without text"
            )
        control = found[0]
    if not control.per_region:
        raise BuildError(
            f'{describe(control)} is not perRegion="true": its text would belong to the whole '
            'image, not to a line; set perRegion="true"'
        )
    return control


def _filter(
    lines: list[OcrLine],
    labels: Sequence[str] | None,
    min_score: float | None,
    counts: Counts,
) -> tuple[list[OcrLine], list[str] | None]:
    if labels is not None:
        if isinstance(labels, str):
            raise BuildError("labels= takes one model class per line (a list), not a string")
        if len(labels) != len(lines):
            raise BuildError(f"labels has {len(labels)} items; expected {len(lines)}, one per line")
    if min_score is None:
        return lines, None if labels is None else list(labels)
    kept = []
    for i, line in enumerate(lines):
        if line.score is None:
            raise BuildError(f"min_score= needs scores, and lines[{i}] has none")
        kept.append(line.score >= min_score)
    if counts is not None and not all(kept):
        counts["score below min_score"] += kept.count(False)
    chosen = [line for line, keep in zip(lines, kept, strict=True) if keep]
    if labels is None:
        return chosen, None
    return chosen, [name for name, keep in zip(labels, kept, strict=True) if keep]


def _plan(
    index: int,
    line: OcrLine,
    wh: tuple[int, int],
    shape: Shape,
    clip: bool,
    tolerance_px: float,
    rect_tool: ControlTag | None,
    poly_tool: ControlTag | None,
) -> tuple[ControlTag, Kind, Any]:
    """The tool, the kind of shape and its geometry (pixels) for one line."""
    where = f"lines[{index}] ({line.text[:30]!r})"
    points = np.array(line.points_px, dtype=np.float64)
    outline = measure(points, wh)
    if shape == "polygon":
        kind: Kind = "polygon"
    elif shape == "box":
        kind = "box"
    elif shape == "rectangle":
        kind = "box" if outline.axis_residual_px <= tolerance_px else "rotated"
        if kind == "rotated" and points.shape[0] != 4:
            kind = "box"
    else:
        kind = outline.kind(tolerance_px)
    if kind == "polygon" and poly_tool is None:
        if shape == "polygon":
            raise BuildError("shape='polygon' but the config has no <Polygon>/<PolygonLabels>")
        raise BuildError(
            f"{where} is not a rectangle (a vertex is {outline.rotated_residual_px:.3g} px from "
            f"the best fit, tolerance {tolerance_px:g} px) and the config has no polygon tool; "
            "pass shape='rectangle' to draw the best-fitting rectangle, or add a <Polygon>"
        )
    if kind != "polygon" and rect_tool is None:
        kind = "polygon" if shape == "auto" else kind
        if kind != "polygon":
            raise BuildError(f"shape={shape!r} but the config has no <Rectangle>/<RectangleLabels>")
    over = outside_px(points, wh)
    limit = tolerance_px if kind == "rotated" else 0.0
    if over > limit:
        if over > tolerance_px and not clip:
            raise BuildError(
                f"{where} reaches {over:.3g} px outside the {wh[0]}x{wh[1]} image; pass "
                "clip=True to keep its part inside the image, or leave the line out"
            )
        inside = clip_polygon(points, wh)
        if inside.shape[0] < 3:
            raise BuildError(
                f"{where} lies entirely outside the {wh[0]}x{wh[1]} image; nothing is left "
                "after clipping"
            )
        if kind == "rotated":
            kind = "polygon" if poly_tool is not None else "box"
        points = inside
    if kind == "polygon":
        return cast(ControlTag, poly_tool), kind, points
    tool = cast(ControlTag, rect_tool)
    if kind == "box":
        low, high = points.min(axis=0), points.max(axis=0)
        return tool, kind, [float(low[0]), float(low[1]), float(high[0]), float(high[1])]
    return tool, kind, points


def _labels_for(
    labeling: Any,
    rows: list[int],
    lines: list[OcrLine],
    per_line: list[str] | None,
    label: str | None,
) -> list[str] | None:
    if per_line is not None and label is not None:
        raise BuildError("give label= (one for every line) or labels= (one per line), not both")
    if per_line is not None:
        return [per_line[r] for r in rows]
    own = [lines[r].label for r in rows]
    if label is None and all(name is not None for name in own) and own:
        return cast("list[str]", own)
    if label is None and labeling is not None and len(labeling.label_values) == 1:
        label = labeling.label_values[0]
    if label is None:
        if labeling is None and not any(own):
            return None
        values = quote_list(labeling.label_values) if labeling is not None else "none"
        raise BuildError(
            f"{describe(labeling) if labeling is not None else 'the tool'} needs a label for "
            f"each line: pass label= (one of {values}) or labels= (one per line)"
        )
    return [name if name is not None else label for name in own]


def _scores(rows: list[int], lines: list[OcrLine]) -> list[float] | None:
    scores = [lines[r].score for r in rows]
    if all(s is None for s in scores):
        return None
    if any(s is None for s in scores):
        raise BuildError("some OCR lines have a score and some do not; give all or none")
    return cast("list[float]", scores)


def _draw(
    tool: ControlTag,
    kind: Kind,
    geometry: list[Any],
    wh: tuple[int, int],
    kept: Any,
    to_name: str | None,
) -> list[Region]:
    common: dict[str, Any] = {
        "image_wh": wh,
        "labels": kept.own_labels(tool),
        "scores": kept.scores,
        "to_name": to_name,
    }
    if not geometry:
        return []
    if kind == "polygon":
        return cast(PolygonBuilder, tool).polygons(points_px=geometry, **common)
    boxes = cast(RectangleBuilder, tool)
    if kind == "box":
        return boxes.boxes(xyxy_px=np.array(geometry, dtype=np.float64), clip=True, **common)
    fitted = units.corners_to_rotated(np.stack(geometry), units="px", image_wh=wh)
    return boxes.boxes(cxcywh_px=fitted[:, :4], angle_deg=fitted[:, 4], **common)
