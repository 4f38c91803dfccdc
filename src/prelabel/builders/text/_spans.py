"""Pieces every span builder shares: targets, labels, offsets, and the span region itself."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..._lazy import lazy_module
from ...errors import BuildError
from ...labelmap import LabelMap
from ...offsets import OffsetMap, OffsetUnit
from ...results import Region
from ...tags.base import ControlTag, ObjectTag
from .._common import pick_target, real_array
from .._labeled_region import Options, labeled_region

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from ...tags.labeling import LabelingControl
else:
    np = lazy_module("numpy")

LabelsArg = str | Sequence[str]


def labeling(control: ControlTag) -> LabelingControl:
    return control  # type: ignore[return-value]  # only LabelingControl subclasses mix these in


def label_mapper(control: ControlTag, label_map: Mapping[str, str] | LabelMap | None) -> LabelMap:
    """A :class:`~prelabel.labelmap.LabelMap` for model class names (mapping, predicted_values,
    exact value or alias, then any case)."""
    if isinstance(label_map, LabelMap):
        if label_map.control is not control:
            raise BuildError(
                f"label_map was made for <{label_map.control.tag} "
                f"name={label_map.control.name!r}>, not for <{control.tag} name={control.name!r}>"
            )
        return label_map
    return LabelMap(labeling(control), mapping=widen(label_map))


def widen(label_map: Mapping[str, str] | None) -> dict[str | int, str] | None:
    return dict(label_map.items()) if label_map else None


def map_labels(mapper: LabelMap, labels: LabelsArg) -> list[str] | None:
    """Model class name(s) as config labels; None when the mapper drops one."""
    given = [labels] if isinstance(labels, str) else list(labels)
    mapped = [mapper(item) for item in given]
    if any(label is None for label in mapped):
        return None
    return [label for label in mapped if label is not None]


def resolve(control: ControlTag, labels: LabelsArg) -> list[str]:
    return labeling(control).resolve_labels(labels)


def target_of(
    control: ControlTag, to_name: str | None, kinds: tuple[str, ...], hint: str
) -> ObjectTag:
    target = pick_target(control, to_name)
    if target.kind not in kinds:
        raise BuildError(
            f"<{control.tag} name={control.name!r}> points at <{target.tag} "
            f"name={target.name!r}>, not at {' or '.join(f'<{k.capitalize()}>' for k in kinds)}; "
            f"{hint}"
        )
    return target


def text_span(
    control: ControlTag,
    target: ObjectTag,
    source: str,
    first: int,
    last: int,
    labels: list[str],
    options: Options,
) -> Region:
    """The labeled span ``[first, last)`` (code points) of ``source``, with its text."""
    geometry = {"start": first, "end": last}
    text = source[first:last]
    return span_region(control, target, geometry, text, labels, options)


def span_region(
    control: ControlTag,
    target: ObjectTag,
    geometry: dict[str, Any],
    text: str | None,
    labels: list[str],
    options: Options,
) -> Region:
    """A labeled span: ``value`` is the geometry, the covered ``text`` (when one), the labels."""
    key = control.value_key or "labels"
    return labeled_region(control, target.name, geometry, key, labels, options, text=text)


def integer(value: Any, what: str) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise BuildError(f"{what} must be an int, got {type(value).__name__}")
    return int(value)


def span_in(
    mapping: OffsetMap, start: Any, end: Any, unit: OffsetUnit, where: str
) -> tuple[int, int]:
    """``(start, end)`` in code points, checked to be a non-empty span inside the text."""
    first, last = integer(start, "start"), integer(end, "end")
    if not first < last:
        raise BuildError(f"a span needs start < end, got ({first}, {last}) on {where}")
    length = mapping.unit_length(unit)
    if first < 0 or last > length:
        units = {"codepoint": "code points", "utf16": "UTF-16 units", "utf8": "UTF-8 bytes"}
        raise BuildError(
            f"span ({first}, {last}) is outside the text of {where} ({length} {units[unit]})"
        )
    try:
        return mapping.to_codepoints(first, unit), mapping.to_codepoints(last, unit)
    except BuildError as exc:
        raise BuildError(f"span ({first}, {last}) on {where}: {exc}") from None


def find_span(text: str, substring: str, occurrence: int, where: str) -> tuple[int, int]:
    """Code-point span of the ``occurrence``-th (0-based, overlapping) match of ``substring``."""
    if not isinstance(substring, str) or not substring:
        raise BuildError("substring must be a non-empty str")
    occurrence = integer(occurrence, "occurrence")
    if occurrence < 0:
        raise BuildError(f"occurrence counts from 0, got {occurrence}")
    found, position = 0, text.find(substring)
    while position != -1 and found < occurrence:
        found += 1
        position = text.find(substring, position + 1)
    if position == -1:
        if found == 0:
            hint = ""
            folded = text.casefold().find(substring.casefold())
            if folded != -1 and len(text.casefold()) == len(text):
                hint = f" (a case-insensitive match starts at {folded})"
            raise BuildError(f"{substring!r} does not occur in the text of {where}{hint}")
        raise BuildError(
            f"{substring!r} occurs {found} time(s) in the text of {where}; "
            f"occurrence={occurrence} asks for match number {occurrence + 1}"
        )
    return position, position + len(substring)


def offset_pairs(offsets: Any, what: str) -> npt.NDArray[Any]:
    array = np.asarray(offsets)
    if array.size == 0:
        return np.zeros((0, 2), dtype=np.int64)  # no spans: a model that found nothing
    if array.ndim != 2 or array.shape[1] != 2:
        raise BuildError(f"{what} must have shape (N, 2), got {array.shape}")
    return array


def score_list(scores: Any, count: int, what: str) -> list[float | None]:
    if scores is None:
        return [None] * count
    array = real_array(scores, what)
    if array.shape != (count,):
        raise BuildError(f"{what} must have shape ({count},), got {array.shape}")
    return [float(x) for x in array]


def tag_repr(target: ObjectTag) -> str:
    return f"<{target.tag} name={target.name!r}>"
