"""Spans on ``<Text>``: ``<Labels>`` by offsets, substring, tokens or BIO tags.

Offsets are code points (Python ``str`` indices) into the exact task string; offsets from
tokenizers that count UTF-16 units or UTF-8 bytes are accepted with ``unit=``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

from ..._lazy import lazy_module
from ...errors import BuildError, LabelError
from ...offsets import OffsetMap, OffsetUnit
from ...results import Region
from ...tags.base import ControlTag, ObjectTag
from .._classes import ClassNames, class_labels, item_list, one_way_to_label
from .._common import pick_target
from .._labeled_region import ManyOptions, Options
from ..image._calls import _batch_ids
from ._bio import ScoreAgg, aggregate_scores, decode_bio
from ._hypertext import html_region
from ._spans import (
    LabelsArg,
    find_span,
    label_mapper,
    labeling,
    map_labels,
    offset_pairs,
    resolve,
    score_list,
    span_in,
    tag_repr,
    target_of,
    text_span,
)
from ._taskdata import task_text

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from ...labelmap import LabelMap
else:
    np = lazy_module("numpy")

__all__ = ["TextSpanBuilder"]


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
        return target_of(self, to_name, ("text",), hint)

    def span(
        self,
        text: str | Mapping[str, Any],
        start: int,
        end: int,
        label: LabelsArg,
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
            label: one label, or several when the control has ``choice="multiple"``; a
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
        source = task_text(target, text)
        first, last = span_in(OffsetMap(source), start, end, unit, tag_repr(target))
        options = Options(id, score, readonly, hidden)
        return text_span(self, target, source, first, last, resolve(self, label), options)

    def span_of(
        self,
        text: str | Mapping[str, Any],
        substring: str,
        label: LabelsArg,
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
            label: the span's label(s).
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
        source = task_text(target, text)
        first, last = find_span(source, substring, occurrence, tag_repr(target))
        options = Options(id, score, readonly, hidden)
        return text_span(self, target, source, first, last, resolve(self, label), options)

    def spans(
        self,
        text: str | Mapping[str, Any],
        offsets: npt.ArrayLike,
        labels: Sequence[LabelsArg] | None = None,
        *,
        label: LabelsArg | None = None,
        class_ids: npt.ArrayLike | None = None,
        class_names: ClassNames | None = None,
        scores: npt.ArrayLike | None = None,
        ids: Sequence[str] | None = None,
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
                ``predicted_values``, then the exact name, then the name in any case); or
            label: one label (or model class name) for every span, mapped the same way; or
            class_ids: shape (N,) model class ids, with
            class_names: the model's class names, a list or a ``{class_id: name}`` dict.
            scores: shape (N,), each span's confidence in [0, 1].
            ids: N region ids; fresh ones when None.
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
        pairs = offset_pairs(offsets, "offsets")
        names = self._span_names(len(pairs), label, labels, class_ids, class_names, label_map)
        return self._text_spans(
            text, pairs, names, scores, unit, label_map, to_name, ManyOptions(ids, readonly, hidden)
        )

    def spans_from_tokens(
        self,
        text: str | Mapping[str, Any],
        token_offsets: npt.ArrayLike,
        token_spans: npt.ArrayLike,
        labels: Sequence[LabelsArg] | None = None,
        *,
        label: LabelsArg | None = None,
        class_ids: npt.ArrayLike | None = None,
        class_names: ClassNames | None = None,
        scores: npt.ArrayLike | None = None,
        ids: Sequence[str] | None = None,
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
            labels, label, class_ids, class_names: the spans' labels, as in :meth:`spans`.
            scores: shape (N,), each span's confidence.
            ids: N region ids; fresh ones when None.
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
        tokens = offset_pairs(token_offsets, "token_offsets")
        offsets = _token_span_offsets(tokens, offset_pairs(token_spans, "token_spans"))
        names = self._span_names(len(offsets), label, labels, class_ids, class_names, label_map)
        return self._text_spans(
            text,
            offsets,
            names,
            scores,
            unit,
            label_map,
            to_name,
            ManyOptions(ids, readonly, hidden),
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
        tokens = offset_pairs(token_offsets, "token_offsets")
        if len(tags) != len(tokens):
            raise BuildError(f"got {len(tokens)} tokens but {len(tags)} tags")
        token_conf = (
            None if token_scores is None else score_list(token_scores, len(tokens), "token_scores")
        )
        spans = decode_bio(tags)
        labels = [label for label, _, _ in spans]
        ranges = [[first, stop] for _, first, stop in spans]
        scores: list[float] | None = None
        if token_conf is not None:
            scores = [aggregate_scores(token_conf[first:stop], score_agg) for first, stop in ranges]
        offsets = _token_span_offsets(tokens, np.asarray(ranges, dtype=np.int64).reshape(-1, 2))
        return self._text_spans(
            text,
            offsets,
            labels,
            scores,
            unit,
            label_map,
            to_name,
            ManyOptions(None, readonly, hidden),
        )

    def _span_names(
        self,
        count: int,
        label: LabelsArg | None,
        labels: Sequence[LabelsArg] | None,
        class_ids: npt.ArrayLike | None,
        class_names: ClassNames | None,
        label_map: Mapping[str, str] | LabelMap | None,
    ) -> Sequence[LabelsArg]:
        """Each span's label names from exactly one of ``label``, ``labels`` or
        ``class_ids`` with ``class_names`` (these as config labels)."""
        one_way_to_label(self, "span", label=label, labels=labels, class_ids=class_ids)
        if label is not None:
            return [label] * count
        if labels is not None:
            if isinstance(labels, str):  # one label for every span, as segments read it
                return [labels] * count
            return item_list(labels, "labels")
        if label_map is not None:
            raise LabelError(
                "label_map= maps the names in label= or labels=; with class_ids= the model's "
                "names go in class_names="
            )
        return class_labels(
            labeling(self), cast("npt.ArrayLike", class_ids), class_names, count=count, what="span"
        )

    def _text_spans(
        self,
        text: str | Mapping[str, Any],
        offsets: npt.ArrayLike,
        labels: Sequence[LabelsArg],
        scores: npt.ArrayLike | None,
        unit: OffsetUnit,
        label_map: Mapping[str, str] | LabelMap | None,
        to_name: str | None,
        many: ManyOptions,
    ) -> list[Region]:
        target = self._text_target(to_name)
        source = task_text(target, text)
        pairs = offset_pairs(offsets, "offsets")
        if len(labels) != len(pairs):
            raise BuildError(f"got {len(pairs)} spans but {len(labels)} labels")
        confidences = score_list(scores, len(pairs), "scores")
        region_ids = None if many.ids is None else _batch_ids(many.ids, len(pairs), "span")
        mapping = OffsetMap(source)
        where = tag_repr(target)
        # Validate every pair first, then convert the whole array in one step.
        for first, last in pairs.tolist():
            if not first < last:
                raise BuildError(f"a span needs start < end, got ({first}, {last}) on {where}")
        try:
            points = mapping.to_codepoints(pairs, unit)
        except BuildError as exc:
            raise BuildError(f"spans on {where}: {exc}") from None
        mapper = label_mapper(self, label_map)
        regions = []
        for index, ((first, last), label, confidence) in enumerate(
            zip(points.tolist(), labels, confidences, strict=True)
        ):
            mapped = map_labels(mapper, label)
            if mapped is None:
                continue  # a class the LabelMap drops (unmapped="drop"), counted there
            region_id = None if region_ids is None else region_ids[index]
            options = Options(region_id, confidence, many.readonly, many.hidden)
            regions.append(
                text_span(self, target, source, first, last, resolve(self, mapped), options)
            )
        return regions

    def html_span(
        self,
        html: str | Mapping[str, Any],
        start: int,
        end: int,
        label: LabelsArg,
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
        target = target_of(
            self, to_name, ("hypertext",), "use span() for <Text>, html_span() for <HyperText>"
        )
        options = Options(id, score, readonly, hidden)
        return html_region(self, target, html, start, end, label, unit, options)


def _token_span_offsets(tokens: npt.NDArray[Any], ranges: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """``[start, end)`` of each span from its ``[first_token, stop_token)`` range."""
    count = len(tokens)
    for first, stop in ranges.tolist():
        if not 0 <= first < stop <= count:
            raise BuildError(
                f"token span [{first}, {stop}) is not a non-empty range of the {count} tokens"
            )
    if not len(ranges):
        return np.zeros((0, 2), dtype=np.int64)
    return np.stack([tokens[ranges[:, 0], 0], tokens[ranges[:, 1] - 1, 1]], axis=1)
