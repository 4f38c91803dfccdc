"""One task (or one list of results) as HTML: every object with what is drawn on it, and the
region-less results beside it.

With a config, objects come from it (an ``<Image>`` is drawn, a ``<Text>`` highlighted, ...)
and colours from its labels' ``background``. Without one, each ``to_name`` is drawn by the
result types it receives, and the picture is ``data[to_name]`` when the task has it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..tags import objects
from ..validate._data import parse_path, resolve
from ._colors import Palette
from ._geometry import IMAGE_TYPES
from ._html import esc, fmt, shorten
from ._image import image_svg
from ._media import Picture, load_image
from ._model import RegionView, split_results
from ._panels import classifications_table, highlight, span_list, text_spans, timeline_svg
from ._spans import hypertext_spans, paragraph_spans

if TYPE_CHECKING:
    from ..config import LabelConfig

__all__ = ["Options", "render_results", "render_task"]

_TIME_KINDS = {"Audio", "Video", "TimeSeries"}
_TIME_TYPES = {"timeserieslabels", "timelinelabels", "videorectangle"}
_DEFAULT_SIZE = (800, 600)


@dataclasses.dataclass
class Options:
    """How to draw: display width of an image (screen px), where relative image paths are,
    pictures given by the caller (an array or a path, for every image or by object name),
    at most how many predictions/annotations of a task to draw, and how much picture data a
    page may still embed."""

    width: int = 480
    base_dir: Path | None = None
    image: Any = None
    max_items: int = 3
    embed_budget: int | None = None
    """Characters of pictures still allowed in the page (None: no limit); spent as drawn."""


def _picture(
    name: str, data: Mapping[str, Any] | None, config: LabelConfig | None, options: Options
) -> Picture:
    given = options.image
    if isinstance(given, Mapping):
        given = given.get(name)
    if given is not None:
        return load_image(given, base_dir=options.base_dir)
    if not isinstance(data, Mapping):
        return Picture(None, None, "no task data")
    value: Any = None
    obj = config.find_object(name) if config is not None else None
    if obj is not None and obj.data_keys:
        path = parse_path(obj.data_keys[0])
        value = resolve(data, path) if path is not None else None
    elif name in data:
        value = data[name]
    elif len(data) == 1:
        value = next(iter(data.values()))
    return load_image(value if isinstance(value, str) else None, base_dir=options.base_dir)


def _declared_size(regions: Sequence[RegionView]) -> tuple[int, int] | None:
    for region in regions:
        for result in region.results:
            w, h = result.get("original_width"), result.get("original_height")
            if isinstance(w, int) and isinstance(h, int) and w > 0 and h > 0:
                return (w, h)
    return None


def _kind(name: str, regions: Sequence[RegionView], config: LabelConfig | None) -> str:
    obj = config.find_object(name) if config is not None else None
    if obj is not None:
        return obj.tag
    types = {str(r.main.get("type")) for r in regions}
    if types & IMAGE_TYPES:
        return "Image"
    if types & _TIME_TYPES:
        return "TimeSeries" if "timeserieslabels" in types else "Video"
    if "hypertextlabels" in types:
        return "HyperText"
    if "paragraphlabels" in types:
        return "Paragraphs"
    return "Text"


def _object_html(
    name: str,
    kind: str,
    regions: Sequence[RegionView],
    data: Mapping[str, Any] | None,
    config: LabelConfig | None,
    options: Options,
) -> tuple[str, list[str]]:
    notes: list[str] = []
    if kind == "Image":
        picture = _picture(name, data, config, options)
        href = picture.href
        if href is not None and options.embed_budget is not None:
            if len(href) > options.embed_budget:
                picture = Picture(None, picture.size, "not embedded: the page is full")
            else:
                options.embed_budget -= len(href)
        size = picture.size or _declared_size(regions)
        if size is None:
            size = _DEFAULT_SIZE
            notes.append(f"{name}: natural size unknown, drawn on {size[0]}×{size[1]}")
        body, drawn_notes = image_svg(
            regions,
            size=size,
            href=picture.href,
            display_width=options.width,
            placeholder=picture.note,
        )
        notes += drawn_notes
    elif kind == "Text":
        text = _text_of(name, data, config)
        body = text_spans(text, regions) if text is not None else span_list(regions)
    elif kind in ("HyperText", "Paragraphs"):
        body = _placed_spans(name, kind, regions, data, config)
    elif kind in _TIME_KINDS:
        length = None
        for region in regions:
            value = region.main.get("value")
            found = region.main.get("original_length")
            if found is None and isinstance(value, Mapping):
                found = value.get("framesCount")
            if isinstance(found, (int, float)) and not isinstance(found, bool):
                length = float(found)
                break
        body = timeline_svg(regions, length=length, width=options.width)
    else:
        body = span_list(regions) if regions else '<span class="pl-muted">no regions</span>'
    head = f'<div class="pl-object-name">{esc(name)} · {esc(kind)}</div>'
    return f'<div class="pl-object" data-object="{esc(name)}">{head}{body}</div>', notes


def _placed_spans(
    name: str,
    kind: str,
    regions: Sequence[RegionView],
    data: Mapping[str, Any] | None,
    config: LabelConfig | None,
) -> str:
    """HyperText and Paragraphs spans highlighted where the editor puts them (``_spans``);
    listed when the object's data is not in the task (a URL, or no config)."""
    obj = config.find_object(name) if config is not None else None
    path = parse_path(obj.data_keys[0]) if obj is not None and obj.data_keys else None
    found = resolve(data, path) if path is not None and isinstance(data, Mapping) else None
    if isinstance(obj, objects.HyperText) and isinstance(found, str) and obj.value_type != "url":
        text, spans, outside = hypertext_spans(found, regions, inline=obj.inline)
    elif isinstance(obj, objects.Paragraphs) and isinstance(found, list):
        text, spans, outside = paragraph_spans(
            found, regions, name_key=obj.name_key, text_key=obj.text_key
        )
    else:
        return span_list(regions) if regions else '<span class="pl-muted">no regions</span>'
    return highlight(text, spans, outside)


def _text_of(name: str, data: Mapping[str, Any] | None, config: LabelConfig | None) -> str | None:
    if not isinstance(data, Mapping):
        return None
    obj = config.find_object(name) if config is not None else None
    if obj is not None:
        if obj.value_type == "url" or not obj.data_keys:
            return None
        path = parse_path(obj.data_keys[0])
        found = resolve(data, path) if path is not None else None
    else:
        found = data.get(name)
    return found if isinstance(found, str) else None


def render_results(
    results: Sequence[Any],
    *,
    data: Mapping[str, Any] | None,
    config: LabelConfig | None,
    options: Options,
    palette: Palette | None = None,
    problems: Mapping[int, str] | None = None,
) -> str:
    """The objects of one prediction or annotation with its results drawn, and the rest beside.

    ``problems``: a message per result position, drawn in place (dashed outline) and listed.
    """
    palette = palette or Palette(config)
    problems = problems or {}
    regions, others = split_results(results, config, palette)
    by_object: dict[str, list[RegionView]] = {}
    for region in regions:
        for position in region.positions:
            if position in problems:
                region.problem = problems[position]
        by_object.setdefault(region.to_name, []).append(region)
    names: list[str] = []
    if config is not None:
        for obj in config.objects.values():
            if obj.name in by_object or obj.tag in ("Image", "Text"):
                names.append(obj.name)
    names += [name for name in by_object if name not in names]
    panels, notes = [], []
    for name in names:
        kind = _kind(name, by_object.get(name, []), config)
        html, found = _object_html(name, kind, by_object.get(name, []), data, config, options)
        panels.append(html)
        notes += found
    side = classifications_table([(r, p in problems) for p, r in others])
    relations = sum(1 for r in results if isinstance(r, Mapping) and r.get("type") == "relation")
    if relations:
        side += f'<div class="pl-muted">{relations} relation(s)</div>'
    listed = [f"result[{p}]: {m}" for p, m in sorted(problems.items())]
    if listed or notes:
        items = "".join(f'<li class="pl-err">{esc(shorten(m, 300))}</li>' for m in listed[:50])
        items += "".join(f'<li class="pl-muted">{esc(shorten(n, 300))}</li>' for n in notes[:50])
        side += f"<ul>{items}</ul>"
    if side:
        panels.append(f'<div class="pl-side">{side}</div>')
    return '<div class="pl-task">' + "".join(panels) + "</div>"


def _heading(kind: str, index: int, item: Mapping[str, Any]) -> str:
    parts = [f"{kind} {index}"]
    if isinstance(item.get("model_version"), str):
        parts.append(shorten(item["model_version"], 60))
    score = item.get("score")
    if isinstance(score, (int, float)) and not isinstance(score, bool):
        parts.append(f"score {fmt(float(score))}")
    result = item.get("result")
    count = len(result) if isinstance(result, list) else 0
    parts.append(f"{count} result(s)")
    return f'<div class="pl-muted">{esc(" · ".join(parts))}</div>'


def render_task(
    task: Mapping[str, Any],
    *,
    config: LabelConfig | None,
    options: Options,
    palette: Palette | None = None,
    problems: Mapping[tuple[str, int], Mapping[int, str]] | None = None,
) -> str:
    """A task: each prediction and annotation (up to ``options.max_items``) drawn on the data.

    ``problems``: by ``("predictions" | "annotations", index)``, a message per result position.
    """
    palette = palette or Palette(config)
    data = task.get("data") if isinstance(task.get("data"), Mapping) else None
    blocks = []
    shown = 0
    total = 0
    for kind in ("predictions", "annotations"):
        items = task.get(kind)
        if not isinstance(items, list):
            continue
        for index, item in enumerate(items):
            total += 1
            if shown >= options.max_items or not isinstance(item, Mapping):
                continue
            shown += 1
            result = item.get("result")
            blocks.append(
                _heading(kind[:-1], index, item)
                + render_results(
                    result if isinstance(result, list) else [],
                    data=data,
                    config=config,
                    options=options,
                    palette=palette,
                    problems=(problems or {}).get((kind, index)),
                )
            )
    if total == 0:
        blocks.append(
            '<div class="pl-muted">no predictions</div>'
            + render_results([], data=data, config=config, options=options, palette=palette)
        )
    if total > shown and shown:
        blocks.append(
            f'<div class="pl-more">… {total - shown} more prediction(s)/annotation(s) '
            "not drawn</div>"
        )
    return "".join(blocks)
