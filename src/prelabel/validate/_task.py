"""Tasks and predictions: the envelope around results, and the data object tags read.

The data checks mirror Label Studio's server (``tasks/validation.py`` ``TaskValidator``):
every tag with ``name`` and ``value="$key"`` needs ``key`` in ``task.data`` with a type the
tag accepts. A few more shape checks follow what the editor reads (Paragraphs phrases,
TimeSeries columns, multi-image lists); those are warnings.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Mapping
from typing import Any

from .._suggest import close_matches
from .._xml import parse_xml
from ..config import LabelConfig
from ..tags import objects as o
from ._context import PredCtx, TaskCtx
from ._data import Path, parse_path, resolve, whole_path
from ._show import MISSING, a_type, num, show

__all__ = ["DataSpec", "compile_data_specs", "compile_shape_specs"]

# Label Studio's server (1.23.2, tasks/validation.py): allowed types of task.data values by
# the tag that reads them; any other tag (Audio, Video, ...) takes a string only.
_SERVER_TYPES: dict[str, tuple[type, ...]] = {
    "Text": (str, int, float, list),
    "Header": (str, int, float),
    "HyperText": (str,),
    "Image": (str, list),
    "Paragraphs": (list, str),
    "Chat": (list, str),
    "Table": (dict, list, str),
    "TimeSeries": (dict, list, str),
    "TimeSeriesChannel": (dict, list, str),
    "List": (list, str),
    "Choices": (str, list),
    "PolygonLabels": (str, list),
    "Labels": (str, list),
    "BrushLabels": (str, list),
    "EllipseLabels": (str, list),
    "HyperTextLabels": (str, list),
    "KeyPointLabels": (str, list),
    "ParagraphLabels": (str, list),
    "RectangleLabels": (str, list),
    "TimeSeriesLabels": (str, list),
    "Taxonomy": (str, list, type(None)),
    "Ranker": (list, str),
}
# The key a plain-text import puts its text under; the server renames it to the first data key.
_UNDEFINED = "$undefined$"

TASK_KEYS = frozenset(
    {
        "id", "data", "predictions", "annotations", "meta", "created_at", "updated_at",
        "inner_id", "total_annotations", "cancelled_annotations", "total_predictions",
        "comment_count", "unresolved_comment_count", "last_comment_updated_at", "project",
        "updated_by", "file_upload", "comment_authors", "is_labeled", "overlap", "drafts",
        "allow_skip", "precomputed_agreement", "annotators", "completed_at",
    }
)  # fmt: skip
PREDICTION_KEYS = frozenset(
    {
        "id", "result", "score", "model_version", "task", "project", "created_at",
        "updated_at", "created_ago", "model", "model_run", "cluster", "neighbors",
        "mislabeling", "was_cancelled", "completed_by", "ground_truth", "lead_time",
        "draft_created_at", "result_count", "unique_id", "import_id", "last_action",
        "updated_by", "parent_prediction", "parent_annotation", "last_created_by",
        "bulk_created", "created_username", "prediction",
    }
)  # fmt: skip


@dataclasses.dataclass(frozen=True)
class DataSpec:
    """One ``$key`` the server checks: its path, the tag reading it, the types allowed."""

    key: str
    parts: Path | None
    tag: str
    types: tuple[type, ...]


def compile_data_specs(config: LabelConfig) -> tuple[DataSpec, ...]:
    """What the server checks in ``task.data``, read from the config XML as it reads it."""
    root = parse_xml(config.xml)
    found: dict[str, str] = {}
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        value = element.get("value")
        if value is None or not element.get("name"):
            continue
        if len(value) > 1 and value[0] == "$":
            key = value[1:]
        else:
            key = _first_variable(value)
            if not key:
                continue
        if found.get(key) != "Video":
            found[key] = element.tag
    specs = []
    for key, tag in found.items():
        is_array = "[" in key
        base = key.split("[")[0]
        types = (list,) if is_array else _SERVER_TYPES.get(tag, (str,))
        parts = tuple(base.split(".")) if base else None
        specs.append(DataSpec(key=base, parts=parts, tag=tag, types=types))
    return tuple(specs)


def _first_variable(value: str) -> str:
    at = value.find("$")
    while at >= 0:
        end = at + 1
        while end < len(value) and (value[end].isalnum() or value[end] == "_"):
            end += 1
        if end > at + 1:
            return value[at + 1 : end]
        at = value.find("$", at + 1)
    return ""


@dataclasses.dataclass(frozen=True)
class ShapeSpec:
    """An editor-side expectation about one object's data (checked as a warning)."""

    obj: str
    kind: str
    parts: Path
    detail: tuple[str, ...] = ()


def compile_shape_specs(config: LabelConfig) -> tuple[ShapeSpec, ...]:
    """Data shapes the editor needs beyond the server's type check."""
    out = []
    for obj in config.objects.values():
        if obj.value_type == "url":
            continue
        if isinstance(obj, o.Image) and obj.value_list:
            key = obj.data_keys[0] if obj.data_keys else None
            parts = parse_path(key) if key else None
            if parts is not None:
                out.append(ShapeSpec(obj.name, "image_list", parts))
            continue
        parts = whole_path(obj)
        if parts is None:
            continue
        if isinstance(obj, o.Paragraphs):
            out.append(ShapeSpec(obj.name, "paragraphs", parts, (obj.text_key,)))
        elif isinstance(obj, o.TimeSeries):
            cols = tuple(c for c in (*obj.channels, obj.time_column or "") if c)
            out.append(ShapeSpec(obj.name, "timeseries", parts, cols))
        elif isinstance(obj, o.List):
            out.append(ShapeSpec(obj.name, "list", parts))
    return tuple(out)


def check_data(
    data: Mapping[str, Any],
    specs: tuple[DataSpec, ...],
    shapes: tuple[ShapeSpec, ...],
    t: TaskCtx,
    base: tuple[Any, ...],
) -> None:
    """Check ``data`` (at location ``base``) against the compiled specs."""
    sink = t.sink
    if _UNDEFINED in data and specs:
        data = {**data, specs[0].key: data[_UNDEFINED]}
    for spec in specs:
        node: Any = data
        ok = True
        for part in spec.parts or (spec.key,):
            if isinstance(node, dict) and part in node:
                node = node[part]
            else:
                ok = False
                break
        if not ok:
            near = difflib.get_close_matches(
                spec.key, [k for k in data if isinstance(k, str)], n=1, cutoff=0.8
            )
            sink.add(
                "task.data_key_missing",
                (*base, spec.key),
                f"task data has no {spec.key!r}, which <{spec.tag}> reads (${spec.key}); "
                "Label Studio's server rejects the task",
                hint=f"did you mean {near[0]!r}?" if near else f"add data[{spec.key!r}]",
                control_kind=spec.tag,
                expected=spec.key,
                found=show(sorted(str(k) for k in data)),
            )
            continue
        if not isinstance(node, spec.types) or (isinstance(node, bool) and bool not in spec.types):
            names = " or ".join(_TYPE_NAMES.get(tp, tp.__name__) for tp in spec.types)
            sink.add(
                "task.data_type",
                (*base, *(spec.parts or (spec.key,))),
                f"data.{spec.key} is {a_type(node)}, but <{spec.tag}> accepts {names}",
                control_kind=spec.tag,
                expected=names,
                found=show(node),
            )
    for shape in shapes:
        _check_shape(data, shape, t, base)


_TYPE_NAMES = {str: "a string", int: "an integer", float: "a number", list: "a list",
               dict: "an object"}  # fmt: skip


def _check_shape(
    data: Mapping[str, Any], shape: ShapeSpec, t: TaskCtx, base: tuple[Any, ...]
) -> None:
    node = resolve(data, shape.parts)
    if node is MISSING:
        return
    where = (*base, *shape.parts)
    if shape.kind == "image_list":
        if not isinstance(node, list) or not all(isinstance(x, str) for x in node):
            t.sink.add(
                "task.data_type",
                where,
                f"<Image valueList> {shape.obj!r} needs a list of URLs, got {show(node)}",
                control=shape.obj,
                control_kind="Image",
                expected="a list of strings",
                found=show(node),
            )
    elif shape.kind == "paragraphs" and isinstance(node, list):
        key = shape.detail[0]
        for j, phrase in enumerate(node):
            if not isinstance(phrase, dict) or not isinstance(phrase.get(key), str):
                t.sink.add(
                    "task.data_shape",
                    (*where, j),
                    f"phrase {j} of {shape.obj!r} needs a string under {key!r} (textKey)",
                    control=shape.obj,
                    control_kind="Paragraphs",
                    found=show(phrase),
                )
                break
    elif shape.kind == "timeseries" and isinstance(node, dict):
        missing = [col for col in shape.detail if col not in node]
        if missing:
            t.sink.add(
                "task.data_shape",
                where,
                f"the time series {shape.obj!r} has no column {missing[0]!r}",
                control=shape.obj,
                control_kind="TimeSeries",
                expected=", ".join(shape.detail),
                found=show(sorted(str(k) for k in node)),
            )
    elif shape.kind == "list" and isinstance(node, list):
        for j, item in enumerate(node):
            if not isinstance(item, dict) or "id" not in item:
                t.sink.add(
                    "task.data_shape",
                    (*where, j),
                    f"item {j} of the list {shape.obj!r} needs an 'id' (the Ranker orders ids)",
                    control=shape.obj,
                    control_kind="List",
                    found=show(item),
                )
                break


def check_envelope(pred: Mapping[str, Any], p: PredCtx, container: str) -> None:
    """Prediction-level keys: score, model_version, unknown keys."""
    base = p.base[:-1]
    sink = p.sink
    if "score" in pred:
        score = pred["score"]
        if score is not None and not (type(score) is float and 0.0 <= score <= 1.0):
            if isinstance(score, bool) or not isinstance(score, (int, float)):
                number = _float_or_none(score) if isinstance(score, str) else None
                if number is None:
                    sink.add(
                        "prediction.score_type",
                        (*base, "score"),
                        f"score must be a number in [0, 1], got {show(score)}",
                        found=show(score),
                    )
                    score = None
                else:
                    sink.add(
                        "prediction.score_string",
                        (*base, "score"),
                        f"score is the string {show(score)}; the server converts it",
                        hint=f"write the number {num(number)}",
                    )
                    score = number
            if score is not None and not 0.0 <= score <= 1.0:
                sink.add(
                    "prediction.score_range",
                    (*base, "score"),
                    f"score {show(score)} is outside [0, 1]; Label Studio's server rejects it",
                    hint="divide by 100" if 1 < score <= 100 else None,
                    expected="0..1",
                    found=show(score),
                )
    if container == "predictions":
        mv = pred.get("model_version", MISSING)
        if type(mv) is str:
            pass
        elif mv is MISSING or mv is None:
            sink.add(
                "prediction.model_version_missing",
                (*base,),
                "the prediction has no model_version; Label Studio stores it as 'undefined' and "
                "shows only predictions of the project's model version in the label stream",
                hint='add "model_version": "<your model name and version>"',
            )
        elif not isinstance(mv, str):
            if isinstance(mv, (int, float)) and not isinstance(mv, bool):
                sink.add(
                    "prediction.model_version_number",
                    (*base, "model_version"),
                    f"model_version is the number {show(mv)}; it is stored as a string",
                    hint=f'write "{mv}"',
                )
            else:
                sink.add(
                    "prediction.model_version_type",
                    (*base, "model_version"),
                    f"model_version must be a string, got {a_type(mv)}",
                    found=show(mv),
                )
    if not pred.keys() <= PREDICTION_KEYS:
        for key in pred:
            if key not in PREDICTION_KEYS:
                near = close_matches(str(key), ("result", "score", "model_version"))
                sink.add(
                    "prediction.key_unknown",
                    (*base, str(key)),
                    f"{container[:-1]} key {show(key)} is not read by Label Studio",
                    hint=f"did you mean {near[0]!r}?" if near else None,
                )


def _float_or_none(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None
