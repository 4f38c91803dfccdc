"""Span builders: labels on Text, HyperTextLabels, ParagraphLabels.

Each builder returns a :class:`~prelabel.results.Region` (one span, its labels, its id) that
per-region controls and relations attach to. Offsets are checked against the task text and
converted to what Label Studio stores (reference §3):

* ``<Text>``: code points (Python ``str`` indices) into the exact task string.
* ``<HyperText>``: xpath of a DOM text node + code-point offset inside it (see :func:`html_text`).
* ``<Paragraphs>``: phrase index (as a string) + UTF-16 offset inside the phrase.

Offsets from tokenizers that count UTF-16 units (JavaScript) or UTF-8 bytes (Rust
``tokenizers``) are accepted with ``unit="utf16"`` / ``unit="utf8"``.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from .._lazy import lazy_module
from ..errors import BuildError
from ..offsets import OffsetMap, OffsetUnit
from ..results import Region
from ..tags.base import ControlTag, ObjectTag
from ._common import make_result, pick_target
from ._htmltext import HtmlText, html_text_map

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
else:
    np = lazy_module("numpy")


if TYPE_CHECKING:
    from ..labelmap import LabelMap
    from ..tags.controls import LabelingControl

__all__ = [
    "HyperTextBuilder",
    "ParagraphBuilder",
    "TextSpanBuilder",
    "html_text",
    "read_task_value",
]

LabelsArg = str | Sequence[str]
ScoreAgg = Literal["mean", "min", "max", "first"]

_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


# --- reading task data -----------------------------------------------------------------------


def read_task_value(target: ObjectTag, data: Mapping[str, Any]) -> Any:
    """The value an object tag shows, read from task ``data`` through its ``$`` path.

    Paths work as in Label Studio (lodash ``get``): ``$text``, ``$meta.body``, ``$items[0].text``.

    Raises:
        BuildError: the tag reads no data key, or ``data`` lacks the path.

    >>> from prelabel import LabelConfig
    >>> cfg = LabelConfig.parse('<View><Text name="t" value="$doc.body"/></View>')
    >>> read_task_value(cfg.object("t"), {"doc": {"body": "Hi"}})
    'Hi'
    """
    if not target.data_keys:
        raise BuildError(f"<{target.tag} name={target.name!r}> reads no task data ($key)")
    path = target.data_keys[0]
    current: Any = data
    for match in _PATH_PART.finditer(path):
        key, index = match.group(1), match.group(2)
        if index is not None and isinstance(current, Sequence) and not isinstance(current, str):
            position = int(index)
            if position >= len(current):
                current = _MISSING
                break
            current = current[position]
        elif key is not None and isinstance(current, Mapping) and key in current:
            current = current[key]
        else:
            current = _MISSING
            break
    if current is _MISSING:
        raise BuildError(
            f"task data has no {path!r} for <{target.tag} name={target.name!r}> "
            f"(value={target.value!r}); data keys: {', '.join(map(repr, data)) or 'none'}"
        )
    return current


_MISSING = object()


def _task_text(target: ObjectTag, text: str | Mapping[str, Any]) -> str:
    """The string a span indexes: given as is, or read (and decoded) from task data."""
    if isinstance(text, str):
        return text
    if not isinstance(text, Mapping):
        raise BuildError(
            f"pass the text of <{target.tag} name={target.name!r}> as a str, or the task data "
            f"dict, got {type(text).__name__}"
        )
    if target.value_type == "url":
        raise BuildError(
            f'<{target.tag} name={target.name!r}> loads its text from a URL (valueType="url"); '
            "pass the text itself, exactly as Label Studio will fetch it"
        )
    value = read_task_value(target, text)
    if not isinstance(value, str):
        raise BuildError(
            f"task data {target.data_keys[0]!r} for <{target.tag} name={target.name!r}> is a "
            f"{type(value).__name__}, not a str"
        )
    encoding = target.attr("encoding")
    if encoding in ("base64", "base64unicode"):
        try:
            raw = base64.b64decode(value, validate=True)
            # `atob` gives one character per byte; base64unicode decodes those bytes as UTF-8.
            return raw.decode("utf-8" if encoding == "base64unicode" else "latin-1")
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise BuildError(
                f"task data for <{target.tag} name={target.name!r}> is not valid {encoding} ({exc})"
            ) from None
    return value


# --- shared pieces ---------------------------------------------------------------------------


def _labeling(control: ControlTag) -> LabelingControl:
    return control  # type: ignore[return-value]  # only LabelingControl subclasses mix these in


def _label_mapper(control: ControlTag, label_map: Mapping[str, str] | LabelMap | None) -> LabelMap:
    """A :class:`~prelabel.labelmap.LabelMap` for model class names (mapping, predicted_values,
    exact value or alias, then any case)."""
    from ..labelmap import LabelMap  # imports the tag classes, which import this module

    if isinstance(label_map, LabelMap):
        if label_map.control is not control:
            raise BuildError(
                f"label_map was made for <{label_map.control.tag} "
                f"name={label_map.control.name!r}>, not for <{control.tag} name={control.name!r}>"
            )
        return label_map
    return LabelMap(_labeling(control), mapping=_widen(label_map))


def _widen(label_map: Mapping[str, str] | None) -> dict[str | int, str] | None:
    return dict(label_map.items()) if label_map else None


def _map_labels(mapper: LabelMap, labels: LabelsArg) -> list[str] | None:
    """Model class name(s) as config labels; None when the mapper drops one."""
    given = [labels] if isinstance(labels, str) else list(labels)
    mapped = [mapper(item) for item in given]
    if any(label is None for label in mapped):
        return None
    return [label for label in mapped if label is not None]


def _resolve(control: ControlTag, labels: LabelsArg) -> list[str]:
    return _labeling(control).resolve_labels(labels)


def _target(
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


def _region(
    control: ControlTag,
    target: ObjectTag,
    geometry: dict[str, Any],
    text: str | None,
    labels: list[str],
    *,
    score: float | None,
    id: str | None,
    readonly: bool | None,
    hidden: bool | None,
) -> Region:
    value = dict(geometry)
    if text is not None:
        value["text"] = text
    value[control.value_key or "labels"] = labels
    result = make_result(
        control,
        value,
        to_name=target.name,
        id=id,
        score=score,
        readonly=readonly,
        hidden=hidden,
    )
    return Region([result], geometry=geometry)


def _int(value: Any, what: str) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise BuildError(f"{what} must be an int, got {type(value).__name__}")
    return int(value)


def _span_in(
    mapping: OffsetMap, start: Any, end: Any, unit: OffsetUnit, where: str
) -> tuple[int, int]:
    """``(start, end)`` in code points, checked to be a non-empty span inside the text."""
    first, last = _int(start, "start"), _int(end, "end")
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


def _find(text: str, substring: str, occurrence: int, where: str) -> tuple[int, int]:
    """Code-point span of the ``occurrence``-th (0-based, overlapping) match of ``substring``."""
    if not isinstance(substring, str) or not substring:
        raise BuildError("substring must be a non-empty str")
    occurrence = _int(occurrence, "occurrence")
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


def _pairs(offsets: Any, what: str) -> npt.NDArray[Any]:
    array = np.asarray(offsets)
    if array.size == 0:
        return np.zeros((0, 2), dtype=np.int64)  # no spans: a model that found nothing
    if array.ndim != 2 or array.shape[1] != 2:
        raise BuildError(f"{what} must have shape (N, 2), got {array.shape}")
    return array


def _scores(scores: Any, count: int, what: str) -> list[float | None]:
    if scores is None:
        return [None] * count
    array = np.asarray(scores, dtype=float)
    if array.shape != (count,):
        raise BuildError(f"{what} must have shape ({count},), got {array.shape}")
    return [float(x) for x in array]


def _where(target: ObjectTag) -> str:
    return f"<{target.tag} name={target.name!r}>"


# --- Labels on Text --------------------------------------------------------------------------


class TextSpanBuilder(ControlTag):
    """Builders of ``<Labels>`` on ``<Text>``: spans by offsets, substring or tokens.

    Every method takes the task text first: the string itself, or the task ``data`` dict (the
    text is then read through the ``<Text>`` tag's ``$key``, decoded if ``encoding`` is set).

    >>> from prelabel import LabelConfig, reproducible_ids
    >>> cfg = LabelConfig.parse('<View><Text name="text" value="$text"/>'
    ...     '<Labels name="ner" toName="text"><Label value="PER"/><Label value="LOC"/></Labels>'
    ...     '</View>')
    >>> ner = cfg.control("ner")
    >>> with reproducible_ids(0):
    ...     region = ner.span_of("🐱 Mary met Ann", "Mary", "PER", score=0.9)
    >>> region.result["value"]
    {'start': 2, 'end': 6, 'text': 'Mary', 'labels': ['PER']}
    """

    def _text_target(self, to_name: str | None) -> ObjectTag:
        hints = {
            "hypertext": "use html_span() for HTML",
            "paragraphs": "use a <ParagraphLabels> control for Paragraphs",
        }
        target = pick_target(self, to_name)
        hint = hints.get(target.kind, "text spans need a <Text> object")
        return _target(self, to_name, ("text",), hint)

    def span(
        self,
        text: str | Mapping[str, Any],
        start: int,
        end: int,
        labels: LabelsArg,
        *,
        unit: OffsetUnit = "codepoint",
        score: float | None = None,
        id: str | None = None,
        to_name: str | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
    ) -> Region:
        """A labeled span ``[start, end)`` of the task text.

        Args:
            text: the task text (exact string), or the task ``data`` dict.
            start: first character of the span, in ``unit``.
            end: one past the last character, in ``unit``.
            labels: one label, or several when the control has ``choice="multiple"``; a
                label's ``value`` or ``alias`` (the result carries the alias).
            unit: what the offsets count: ``"codepoint"`` (Python ``str`` indices, what Label
                Studio stores), ``"utf16"`` (JavaScript) or ``"utf8"`` (bytes).
            score: the span's confidence in [0, 1], shown in the region list.
            id: the region id; a fresh one when None.
            to_name: the ``<Text>`` to annotate when the control points at several.
            readonly: make the span read-only in the editor.
            hidden: start the span hidden.

        Raises:
            BuildError: the control does not point at a ``<Text>``, the span is empty, outside
                the text, or (``utf16``/``utf8``) falls inside a character.
            LabelError: a label the control does not define.
        """
        target = self._text_target(to_name)
        source = _task_text(target, text)
        first, last = _span_in(OffsetMap(source), start, end, unit, _where(target))
        return _region(
            self,
            target,
            {"start": first, "end": last},
            source[first:last],
            _resolve(self, labels),
            score=score,
            id=id,
            readonly=readonly,
            hidden=hidden,
        )

    def span_of(
        self,
        text: str | Mapping[str, Any],
        substring: str,
        labels: LabelsArg,
        *,
        occurrence: int = 0,
        score: float | None = None,
        id: str | None = None,
        to_name: str | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
    ) -> Region:
        """A labeled span over an occurrence of ``substring`` in the task text.

        Args:
            text: the task text, or the task ``data`` dict.
            substring: the exact characters to find (case-sensitive, no normalization).
            labels: the span's label(s).
            occurrence: which match, counting from 0 (matches may overlap).
            score: the span's confidence in [0, 1].
            id: the region id; a fresh one when None.
            to_name: the ``<Text>`` to annotate when the control points at several.
            readonly: make the span read-only.
            hidden: start the span hidden.

        Raises:
            BuildError: ``substring`` does not occur ``occurrence + 1`` times.
        """
        target = self._text_target(to_name)
        source = _task_text(target, text)
        first, last = _find(source, substring, occurrence, _where(target))
        return _region(
            self,
            target,
            {"start": first, "end": last},
            source[first:last],
            _resolve(self, labels),
            score=score,
            id=id,
            readonly=readonly,
            hidden=hidden,
        )

    def spans(
        self,
        text: str | Mapping[str, Any],
        offsets: npt.ArrayLike,
        labels: Sequence[LabelsArg],
        *,
        scores: npt.ArrayLike | None = None,
        unit: OffsetUnit = "codepoint",
        label_map: Mapping[str, str] | LabelMap | None = None,
        to_name: str | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
    ) -> list[Region]:
        """Many labeled spans at once (one offset conversion for the whole batch).

        Args:
            text: the task text, or the task ``data`` dict.
            offsets: shape (N, 2), ``[start, end)`` of each span in ``unit``.
            labels: N labels (or label lists): config labels or model class names, mapped
                by a :class:`~prelabel.labelmap.LabelMap` (``label_map``, then the config's
                ``predicted_values``, then the exact name, then the name in any case).
            scores: shape (N,), each span's confidence in [0, 1].
            unit: what the offsets count (see :meth:`span`).
            label_map: model class name -> config label (``{"PERSON": "Person"}``), or a
                ``LabelMap`` (``unmapped="drop"`` skips spans of unmapped classes).
            to_name: the ``<Text>`` to annotate when the control points at several.
            readonly: make the spans read-only.
            hidden: start the spans hidden.

        >>> from prelabel import LabelConfig
        >>> cfg = LabelConfig.parse('<View><Text name="t" value="$t"/><Labels name="ner" '
        ...     'toName="t"><Label value="Person" predicted_values="PER"/></Labels></View>')
        >>> regions = cfg.control("ner").spans("😀 Ann and Bob", [[3, 6], [11, 14]],
        ...                                     ["PER", "PER"], unit="utf16")
        >>> [(r.result["value"]["text"], r.result["value"]["labels"]) for r in regions]
        [('Ann', ['Person']), ('Bob', ['Person'])]
        """
        target = self._text_target(to_name)
        source = _task_text(target, text)
        pairs = _pairs(offsets, "offsets")
        if len(labels) != len(pairs):
            raise BuildError(f"got {len(pairs)} spans but {len(labels)} labels")
        confidences = _scores(scores, len(pairs), "scores")
        mapping = OffsetMap(source)
        where = _where(target)
        # Validate every pair first, then convert the whole array in one step.
        for first, last in pairs.tolist():
            if not first < last:
                raise BuildError(f"a span needs start < end, got ({first}, {last}) on {where}")
        try:
            points = mapping.to_codepoints(pairs, unit)
        except BuildError as exc:
            raise BuildError(f"spans on {where}: {exc}") from None
        mapper = _label_mapper(self, label_map)
        regions = []
        for (first, last), label, confidence in zip(
            points.tolist(), labels, confidences, strict=True
        ):
            mapped = _map_labels(mapper, label)
            if mapped is None:
                continue  # a class the LabelMap drops (unmapped="drop"), counted there
            regions.append(
                _region(
                    self,
                    target,
                    {"start": first, "end": last},
                    source[first:last],
                    _resolve(self, mapped),
                    score=confidence,
                    id=None,
                    readonly=readonly,
                    hidden=hidden,
                )
            )
        return regions

    def spans_from_tokens(
        self,
        text: str | Mapping[str, Any],
        token_offsets: npt.ArrayLike,
        token_spans: npt.ArrayLike,
        labels: Sequence[LabelsArg],
        *,
        scores: npt.ArrayLike | None = None,
        unit: OffsetUnit = "codepoint",
        label_map: Mapping[str, str] | LabelMap | None = None,
        to_name: str | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
    ) -> list[Region]:
        """Spans given as token ranges, placed with each token's character offsets.

        Args:
            text: the task text, or the task ``data`` dict.
            token_offsets: shape (T, 2), ``[start, end)`` of each token in ``unit`` (a
                tokenizer's ``offset_mapping``).
            token_spans: shape (N, 2), ``[first_token, stop_token)`` of each span.
            labels: N labels (see :meth:`spans`).
            scores: shape (N,), each span's confidence.
            unit: what ``token_offsets`` count.
            label_map: model class name -> config label, or a ``LabelMap``.
            to_name: the ``<Text>`` to annotate when the control points at several.
            readonly: make the spans read-only.
            hidden: start the spans hidden.

        >>> from prelabel import LabelConfig
        >>> cfg = LabelConfig.parse('<View><Text name="t" value="$t"/><Labels name="ner" '
        ...     'toName="t"><Label value="LOC"/></Labels></View>')
        >>> tokens = [[0, 2], [3, 6], [7, 11]]          # "in New York"
        >>> [r.result["value"]["text"] for r in cfg.control("ner").spans_from_tokens(
        ...     "in New York", tokens, [[1, 3]], ["LOC"])]
        ['New York']
        """
        tokens = _pairs(token_offsets, "token_offsets")
        ranges = _pairs(token_spans, "token_spans")
        count = len(tokens)
        for first, stop in ranges.tolist():
            if not 0 <= first < stop <= count:
                raise BuildError(
                    f"token span [{first}, {stop}) is not a non-empty range of the {count} tokens"
                )
        offsets = (
            np.stack([tokens[ranges[:, 0], 0], tokens[ranges[:, 1] - 1, 1]], axis=1)
            if len(ranges)
            else np.zeros((0, 2), dtype=np.int64)
        )
        return self.spans(
            text,
            offsets,
            labels,
            scores=scores,
            unit=unit,
            label_map=label_map,
            to_name=to_name,
            readonly=readonly,
            hidden=hidden,
        )

    def spans_from_bio(
        self,
        text: str | Mapping[str, Any],
        token_offsets: npt.ArrayLike,
        tags: Sequence[str],
        *,
        token_scores: npt.ArrayLike | None = None,
        score_agg: ScoreAgg = "mean",
        unit: OffsetUnit = "codepoint",
        label_map: Mapping[str, str] | LabelMap | None = None,
        to_name: str | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
    ) -> list[Region]:
        """Spans decoded from per-token BIO tags (also IOB, BIOES/BILOU), as NER models emit.

        A span starts at ``B-X`` (or ``S-``/``U-``, or an ``I-X``/``E-X``/``L-X`` that does not
        continue an ``X``), continues over ``I-X`` tokens and stops after ``E-X``/``L-X``,
        at ``O``, or at another label. Tokens tagged ``O`` (special tokens included) are skipped.

        Args:
            text: the task text, or the task ``data`` dict.
            token_offsets: shape (T, 2), each token's ``[start, end)`` in ``unit``.
            tags: T tags such as ``"B-PER"``, ``"I-PER"``, ``"O"``.
            token_scores: shape (T,), each token's confidence; a span's score aggregates its
                tokens' with ``score_agg``.
            score_agg: ``"mean"``, ``"min"``, ``"max"`` or ``"first"``.
            unit: what ``token_offsets`` count.
            label_map: model class name -> config label (``{"PER": "Person"}``), or a
                ``LabelMap``.
            to_name: the ``<Text>`` to annotate when the control points at several.
            readonly: make the spans read-only.
            hidden: start the spans hidden.

        >>> from prelabel import LabelConfig
        >>> cfg = LabelConfig.parse('<View><Text name="t" value="$t"/><Labels name="ner" '
        ...     'toName="t"><Label value="PER"/><Label value="LOC"/></Labels></View>')
        >>> text = "Ann went to New York"
        >>> offs = [[0, 3], [4, 8], [9, 11], [12, 15], [16, 20]]
        >>> tags = ["B-PER", "O", "O", "B-LOC", "I-LOC"]
        >>> [(r.result["value"]["text"], r.result["score"]) for r in cfg.control("ner")
        ...  .spans_from_bio(text, offs, tags, token_scores=[0.9, 1, 1, 0.8, 0.6])]
        [('Ann', 0.9), ('New York', 0.7)]
        """
        tokens = _pairs(token_offsets, "token_offsets")
        if len(tags) != len(tokens):
            raise BuildError(f"got {len(tokens)} tokens but {len(tags)} tags")
        token_conf = (
            None if token_scores is None else _scores(token_scores, len(tokens), "token_scores")
        )
        spans = _decode_bio(tags)
        labels = [label for label, _, _ in spans]
        ranges = [[first, stop] for _, first, stop in spans]
        scores: list[float] | None = None
        if token_conf is not None:
            scores = [_aggregate(token_conf[first:stop], score_agg) for first, stop in ranges]
        return self.spans_from_tokens(
            text,
            tokens,
            np.asarray(ranges, dtype=np.int64).reshape(-1, 2),
            labels,
            scores=scores,
            unit=unit,
            label_map=label_map,
            to_name=to_name,
            readonly=readonly,
            hidden=hidden,
        )

    def html_span(
        self,
        html: str | Mapping[str, Any],
        start: int,
        end: int,
        labels: LabelsArg,
        *,
        unit: OffsetUnit = "codepoint",
        score: float | None = None,
        id: str | None = None,
        to_name: str | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
    ) -> Region:
        """A labeled span of a ``<HyperText>``, offsets into :func:`html_text` of the HTML.

        Same as :meth:`HyperTextBuilder.span`, for a ``<Labels>`` control on a HyperText.
        """
        target = _target(
            self, to_name, ("hypertext",), "use span() for <Text>, html_span() for <HyperText>"
        )
        return _html_region(
            self, target, html, start, end, labels, unit, score, id, readonly, hidden
        )


def _aggregate(values: Sequence[float | None], how: ScoreAgg) -> float:
    array = np.asarray(values, dtype=float)
    if how == "mean":
        return float(array.mean())
    if how == "min":
        return float(array.min())
    if how == "max":
        return float(array.max())
    if how == "first":
        return float(array[0])
    raise BuildError(f"score_agg must be 'mean', 'min', 'max' or 'first', got {how!r}")


def _decode_bio(tags: Sequence[str]) -> list[tuple[str, int, int]]:
    """``(label, first_token, stop_token)`` for each span in a BIO/IOB/BIOES tag sequence."""
    spans: list[tuple[str, int, int]] = []
    current: str | None = None
    begin = 0
    for index, raw in enumerate([*tags, "O"]):
        if not isinstance(raw, str):
            raise BuildError(f"tag {index} must be a str, got {type(raw).__name__}")
        prefix, _, label = raw.partition("-")
        prefix = prefix.upper()
        if raw == "O" or prefix == "O":
            prefix, label = "O", ""
        elif not label or prefix not in ("B", "I", "E", "L", "S", "U"):
            raise BuildError(
                f"tag {index} is {raw!r}; expected O or B-/I-/E-/L-/S-/U- followed by a label"
            )
        continues = prefix in ("I", "E", "L") and current == label
        if current is not None and not continues:
            spans.append((current, begin, index))
            current = None
        if prefix == "O":
            continue
        if not continues:
            current, begin = label, index
        if prefix in ("E", "L", "S", "U"):
            spans.append((label, begin, index + 1))
            current = None
    return spans


# --- HyperText -------------------------------------------------------------------------------


def html_text(html: str, *, inline: bool = False) -> str:
    """The text Label Studio counts HyperText offsets in: text nodes in order, ``<br>`` = ``\\n``.

    Run your model on this string; character offsets into it are what
    :meth:`HyperTextBuilder.span` takes. Whitespace is kept as written (the browser collapses
    it on screen, but offsets still count it); entities are decoded; ``\\r\\n`` becomes ``\\n``.

    Args:
        html: the HTML exactly as in the task data.
        inline: the ``<HyperText inline="true">`` attribute (content in a ``<div>``, not an
            iframe ``<body>``).

    >>> html_text("<h1>Title</h1>\\n<p>A &amp; B<br/>C</p>")
    'Title\\nA & B\\nC'
    """
    return html_text_map(html, inline=inline).text


def _html_region(
    control: ControlTag,
    target: ObjectTag,
    html: str | Mapping[str, Any],
    start: int,
    end: int,
    labels: LabelsArg,
    unit: OffsetUnit,
    score: float | None,
    id: str | None,
    readonly: bool | None,
    hidden: bool | None,
) -> Region:
    source = _task_text(target, html)
    dom = html_text_map(source, inline=bool(getattr(target, "inline", False)))
    first, last = _span_in(OffsetMap(dom.text), start, end, unit, _where(target))
    return _region(
        control,
        target,
        _html_geometry(dom, first, last, target),
        dom.text[first:last],
        _resolve(control, labels),
        score=score,
        id=id,
        readonly=readonly,
        hidden=hidden,
    )


def _html_geometry(dom: HtmlText, first: int, last: int, target: ObjectTag) -> dict[str, Any]:
    try:
        start_path, start_offset, end_path, end_offset = dom.locate(first, last)
    except BuildError as exc:
        raise BuildError(f"span ({first}, {last}) on {_where(target)}: {exc}") from None
    return {
        "start": start_path,
        "startOffset": start_offset,
        "end": end_path,
        "endOffset": end_offset,
        "globalOffsets": {"start": first, "end": last},
    }


class HyperTextBuilder(ControlTag):
    """Builders of ``<HyperTextLabels>``: spans in HTML, by offsets into :func:`html_text`.

    On a ``<HyperText>`` the result carries the xpaths and in-node offsets Label Studio
    needs, plus ``globalOffsets``; on a ``<Text>`` it carries plain code-point offsets.

    >>> from prelabel import LabelConfig
    >>> cfg = LabelConfig.parse('<View><HyperText name="html" value="$html"/>'
    ...     '<HyperTextLabels name="ner" toName="html"><Label value="Greeting"/>'
    ...     '</HyperTextLabels></View>')
    >>> region = cfg.control("ner").span_of("<p>Hello <b>world</b></p>", "world", "Greeting")
    >>> region.result["value"]  # doctest: +NORMALIZE_WHITESPACE
    {'start': '/p[1]/b[1]/text()[1]', 'startOffset': 0, 'end': '/p[1]/b[1]/text()[1]',
     'endOffset': 5, 'globalOffsets': {'start': 6, 'end': 11}, 'text': 'world',
     'hypertextlabels': ['Greeting']}
    """

    def span(
        self,
        html: str | Mapping[str, Any],
        start: int,
        end: int,
        labels: LabelsArg,
        *,
        unit: OffsetUnit = "codepoint",
        score: float | None = None,
        id: str | None = None,
        to_name: str | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
    ) -> Region:
        """A labeled span ``[start, end)`` of :func:`html_text` of the HTML.

        Args:
            html: the HTML (or the text, on a ``<Text>``), or the task ``data`` dict.
            start: first character of the span in the HTML's text, in ``unit``.
            end: one past the last character.
            labels: the span's label(s).
            unit: what the offsets count (``"codepoint"``, ``"utf16"``, ``"utf8"``).
            score: the span's confidence in [0, 1].
            id: the region id; a fresh one when None.
            to_name: the object to annotate when the control points at several.
            readonly: make the span read-only.
            hidden: start the span hidden.

        Raises:
            BuildError: the span is empty, outside the text, or starts/ends on a ``<br>``.
        """
        target = _target(self, to_name, ("hypertext", "text"), "HTML spans need a <HyperText>")
        if target.kind == "text":
            source = _task_text(target, html)
            first, last = _span_in(OffsetMap(source), start, end, unit, _where(target))
            return _region(
                self,
                target,
                {"start": first, "end": last},
                source[first:last],
                _resolve(self, labels),
                score=score,
                id=id,
                readonly=readonly,
                hidden=hidden,
            )
        return _html_region(
            self, target, html, start, end, labels, unit, score, id, readonly, hidden
        )

    def span_of(
        self,
        html: str | Mapping[str, Any],
        substring: str,
        labels: LabelsArg,
        *,
        occurrence: int = 0,
        score: float | None = None,
        id: str | None = None,
        to_name: str | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
    ) -> Region:
        """A labeled span over an occurrence of ``substring`` in the HTML's text.

        The search runs on :func:`html_text` (entities decoded, tags removed, ``<br>`` as
        ``\\n``), so ``"A & B"`` finds ``A &amp; B``.
        """
        target = _target(self, to_name, ("hypertext", "text"), "HTML spans need a <HyperText>")
        source = _task_text(target, html)
        if target.kind == "text":
            content = source
        else:
            content = html_text(source, inline=bool(getattr(target, "inline", False)))
        first, last = _find(content, substring, occurrence, _where(target))
        return self.span(
            source,
            first,
            last,
            labels,
            score=score,
            id=id,
            to_name=target.name,
            readonly=readonly,
            hidden=hidden,
        )


# --- Paragraphs ------------------------------------------------------------------------------


def _phrases(
    target: ObjectTag, phrases: Sequence[Mapping[str, Any]] | Mapping[str, Any]
) -> list[str]:
    """Each phrase's text (the ``textKey`` field), from the phrase list or the task data."""
    if isinstance(phrases, Mapping):
        if target.value_type == "url":
            raise BuildError(
                f'<Paragraphs name={target.name!r}> loads its phrases from a URL (valueType="url");'
                " pass the phrase list itself"
            )
        phrases = read_task_value(target, phrases)
    if isinstance(phrases, (str, bytes)) or not isinstance(phrases, Sequence):
        raise BuildError(
            f"<Paragraphs name={target.name!r}> needs a list of phrase dicts, "
            f"got {type(phrases).__name__}"
        )
    key = str(getattr(target, "text_key", "text"))
    texts = []
    for index, phrase in enumerate(phrases):
        value = phrase.get(key) if isinstance(phrase, Mapping) else None
        if not isinstance(value, str):
            raise BuildError(
                f"phrase {index} of <Paragraphs name={target.name!r}> has no {key!r} string "
                f'(textKey="{key}")'
            )
        texts.append(value)
    return texts


class ParagraphBuilder(ControlTag):
    """Builders of ``<ParagraphLabels>``: spans inside or across phrases of ``<Paragraphs>``.

    Phrases are given as the phrase list (``[{"author": ..., "text": ...}, ...]``) or the task
    ``data`` dict. Offsets inside a phrase are taken in code points by default and written as
    UTF-16 units, which is what Label Studio stores for Paragraphs.

    >>> from prelabel import LabelConfig
    >>> cfg = LabelConfig.parse('<View><Paragraphs name="dialogue" value="$dialogue"/>'
    ...     '<ParagraphLabels name="intent" toName="dialogue"><Label value="Emotion"/>'
    ...     '</ParagraphLabels></View>')
    >>> talk = [{"author": "A", "text": "Hi 👋"}, {"author": "B", "text": "I am sad."}]
    >>> cfg.control("intent").span_of(talk, "sad", "Emotion").result["value"]
    ... # doctest: +NORMALIZE_WHITESPACE
    {'start': '1', 'end': '1', 'startOffset': 5, 'endOffset': 8, 'text': 'sad',
     'paragraphlabels': ['Emotion']}
    """

    def _paragraphs(self, to_name: str | None) -> ObjectTag:
        return _target(self, to_name, ("paragraphs",), "ParagraphLabels need a <Paragraphs>")

    def span(
        self,
        phrases: Sequence[Mapping[str, Any]] | Mapping[str, Any],
        phrase: int,
        start: int,
        end: int,
        labels: LabelsArg,
        *,
        unit: OffsetUnit = "codepoint",
        score: float | None = None,
        id: str | None = None,
        to_name: str | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
    ) -> Region:
        """A labeled span ``[start, end)`` inside phrase number ``phrase`` (0-based).

        Args:
            phrases: the phrase list, or the task ``data`` dict.
            phrase: index of the phrase.
            start: first character inside the phrase text, in ``unit``.
            end: one past the last character.
            labels: the span's label(s).
            unit: what the offsets count (``"codepoint"`` by default; ``"utf16"`` passes
                JavaScript offsets through).
            score: the span's confidence in [0, 1].
            id: the region id; a fresh one when None.
            to_name: the ``<Paragraphs>`` when the control points at several.
            readonly: make the span read-only.
            hidden: start the span hidden.
        """
        return self.span_across(
            phrases,
            (phrase, start),
            (phrase, end),
            labels,
            unit=unit,
            score=score,
            id=id,
            to_name=to_name,
            readonly=readonly,
            hidden=hidden,
        )

    def span_across(
        self,
        phrases: Sequence[Mapping[str, Any]] | Mapping[str, Any],
        start: tuple[int, int],
        end: tuple[int, int],
        labels: LabelsArg,
        *,
        unit: OffsetUnit = "codepoint",
        score: float | None = None,
        id: str | None = None,
        to_name: str | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
    ) -> Region:
        """A labeled span from ``(phrase, offset)`` to ``(phrase, offset)``, end exclusive.

        ``value.text`` is written only for a span inside one phrase.
        """
        target = self._paragraphs(to_name)
        texts = _phrases(target, phrases)
        (first_phrase, first), (last_phrase, last) = start, end
        first_phrase = self._phrase_index(first_phrase, len(texts), target)
        last_phrase = self._phrase_index(last_phrase, len(texts), target)
        if last_phrase < first_phrase:
            raise BuildError(
                f"the span ends in phrase {last_phrase}, before it starts (phrase {first_phrase})"
            )
        first_map, last_map = OffsetMap(texts[first_phrase]), OffsetMap(texts[last_phrase])
        if first_phrase == last_phrase:
            where = f"phrase {first_phrase} of {_where(target)}"
            cp_first, cp_last = _span_in(first_map, first, last, unit, where)
            text: str | None = texts[first_phrase][cp_first:cp_last]
        else:
            cp_first = self._offset_in(first_map, first, unit, first_phrase, target)
            cp_last = self._offset_in(last_map, last, unit, last_phrase, target)
            text = None
        geometry = {
            "start": str(first_phrase),
            "end": str(last_phrase),
            "startOffset": first_map.from_codepoints(cp_first, "utf16"),
            "endOffset": last_map.from_codepoints(cp_last, "utf16"),
        }
        return _region(
            self,
            target,
            geometry,
            text,
            _resolve(self, labels),
            score=score,
            id=id,
            readonly=readonly,
            hidden=hidden,
        )

    def whole_phrase(
        self,
        phrases: Sequence[Mapping[str, Any]] | Mapping[str, Any],
        phrase: int,
        labels: LabelsArg,
        *,
        score: float | None = None,
        id: str | None = None,
        to_name: str | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
    ) -> Region:
        """A labeled span covering all of phrase number ``phrase`` (utterance classification)."""
        target = self._paragraphs(to_name)
        texts = _phrases(target, phrases)
        index = self._phrase_index(phrase, len(texts), target)
        return self.span(
            _texts_as_phrases(texts, target),
            index,
            0,
            len(texts[index]),
            labels,
            score=score,
            id=id,
            to_name=target.name,
            readonly=readonly,
            hidden=hidden,
        )

    def span_of(
        self,
        phrases: Sequence[Mapping[str, Any]] | Mapping[str, Any],
        substring: str,
        labels: LabelsArg,
        *,
        in_phrase: int | None = None,
        occurrence: int = 0,
        score: float | None = None,
        id: str | None = None,
        to_name: str | None = None,
        readonly: bool | None = None,
        hidden: bool | None = None,
    ) -> Region:
        """A labeled span over an occurrence of ``substring`` inside one phrase.

        Args:
            phrases: the phrase list, or the task ``data`` dict.
            substring: the characters to find; a match never crosses phrases.
            labels: the span's label(s).
            in_phrase: search only this phrase; by default every phrase, in order.
            occurrence: which match, counting from 0 over the phrases searched.
            score: the span's confidence in [0, 1].
            id: the region id; a fresh one when None.
            to_name: the ``<Paragraphs>`` when the control points at several.
            readonly: make the span read-only.
            hidden: start the span hidden.
        """
        target = self._paragraphs(to_name)
        texts = _phrases(target, phrases)
        indexes = (
            range(len(texts))
            if in_phrase is None
            else [self._phrase_index(in_phrase, len(texts), target)]
        )
        occurrence = _int(occurrence, "occurrence")
        skipped = 0
        for index in indexes:
            count = _count_overlapping(texts[index], substring)
            if skipped + count > occurrence:
                first, last = _find(
                    texts[index], substring, occurrence - skipped, f"phrase {index}"
                )
                return self.span(
                    _texts_as_phrases(texts, target),
                    index,
                    first,
                    last,
                    labels,
                    score=score,
                    id=id,
                    to_name=target.name,
                    readonly=readonly,
                    hidden=hidden,
                )
            skipped += count
        scope = "the phrases" if in_phrase is None else f"phrase {in_phrase}"
        if skipped == 0:
            raise BuildError(f"{substring!r} does not occur in {scope} of {_where(target)}")
        raise BuildError(
            f"{substring!r} occurs {skipped} time(s) in {scope} of {_where(target)}; "
            f"occurrence={occurrence} asks for match number {occurrence + 1}"
        )

    @staticmethod
    def _phrase_index(index: Any, count: int, target: ObjectTag) -> int:
        value = _int(index, "phrase index")
        if not 0 <= value < count:
            raise BuildError(
                f"phrase {value} does not exist: <Paragraphs name={target.name!r}> has "
                f"{count} phrase(s)"
            )
        return value

    @staticmethod
    def _offset_in(
        mapping: OffsetMap, offset: Any, unit: OffsetUnit, phrase: int, target: ObjectTag
    ) -> int:
        value = _int(offset, "offset")
        try:
            return mapping.to_codepoints(value, unit)
        except BuildError as exc:
            raise BuildError(f"phrase {phrase} of {_where(target)}: {exc}") from None


def _texts_as_phrases(texts: Sequence[str], target: ObjectTag) -> list[dict[str, str]]:
    """Phrase dicts holding only the text, for re-entering the builders with known texts."""
    key = str(getattr(target, "text_key", "text"))
    return [{key: text} for text in texts]


def _count_overlapping(text: str, substring: str) -> int:
    if not isinstance(substring, str) or not substring:
        raise BuildError("substring must be a non-empty str")
    count, position = 0, text.find(substring)
    while position != -1:
        count += 1
        position = text.find(substring, position + 1)
    return count
