"""Spans on ``<Paragraphs>``: ``<ParagraphLabels>`` inside or across phrases.

A span is a phrase index (as a string) and a UTF-16 offset inside the phrase at each end.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ...errors import BuildError
from ...offsets import OffsetMap, OffsetUnit
from ...results import Region
from ...tags.base import ControlTag, ObjectTag
from .._labeled_region import Options
from ._spans import (
    LabelsArg,
    find_span,
    integer,
    resolve,
    span_in,
    span_region,
    tag_repr,
    target_of,
)
from ._taskdata import read_task_value

__all__ = ["ParagraphBuilder"]


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
        return target_of(self, to_name, ("paragraphs",), "ParagraphLabels need a <Paragraphs>")

    def span(
        self,
        phrases: Sequence[Mapping[str, Any]] | Mapping[str, Any],
        phrase: int,
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
        """A labeled span ``[start, end)`` inside phrase number ``phrase`` (0-based).

        Args:
            phrases: the phrase list, or the task ``data`` dict.
            phrase: index of the phrase.
            start: first character inside the phrase text, in ``unit``.
            end: one past the last character.
            label: the span's label(s).
            unit: what the offsets count (``"codepoint"`` by default; ``"utf16"`` passes
                JavaScript offsets through).
            score: the span's confidence in [0, 1].
            id: the region id; a fresh one when None.
            to_name: the ``<Paragraphs>`` when the control points at several.
            readonly: make the span read-only.
            hidden: start the span hidden.
        """
        target = self._paragraphs(to_name)
        texts = _phrases(target, phrases)
        options = Options(id, score, readonly, hidden)
        return self._paragraph_span(
            target, texts, (phrase, start), (phrase, end), label, unit, options
        )

    def span_across(
        self,
        phrases: Sequence[Mapping[str, Any]] | Mapping[str, Any],
        start: tuple[int, int],
        end: tuple[int, int],
        label: LabelsArg,
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
        options = Options(id, score, readonly, hidden)
        return self._paragraph_span(target, texts, start, end, label, unit, options)

    def _paragraph_span(
        self,
        target: ObjectTag,
        texts: list[str],
        start: tuple[int, int],
        end: tuple[int, int],
        labels: LabelsArg,
        unit: OffsetUnit,
        options: Options,
    ) -> Region:
        (first_phrase, first), (last_phrase, last) = start, end
        first_phrase = self._phrase_index(first_phrase, len(texts), target)
        last_phrase = self._phrase_index(last_phrase, len(texts), target)
        if last_phrase < first_phrase:
            raise BuildError(
                f"the span ends in phrase {last_phrase}, before it starts (phrase {first_phrase})"
            )
        first_map, last_map = OffsetMap(texts[first_phrase]), OffsetMap(texts[last_phrase])
        if first_phrase == last_phrase:
            where = f"phrase {first_phrase} of {tag_repr(target)}"
            cp_first, cp_last = span_in(first_map, first, last, unit, where)
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
        return span_region(self, target, geometry, text, resolve(self, labels), options)

    def whole_phrase(
        self,
        phrases: Sequence[Mapping[str, Any]] | Mapping[str, Any],
        phrase: int,
        label: LabelsArg,
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
        whole = ((index, 0), (index, len(texts[index])))
        options = Options(id, score, readonly, hidden)
        return self._paragraph_span(target, texts, *whole, label, "codepoint", options)

    def span_of(
        self,
        phrases: Sequence[Mapping[str, Any]] | Mapping[str, Any],
        substring: str,
        label: LabelsArg,
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
            label: the span's label(s).
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
        occurrence = integer(occurrence, "occurrence")
        skipped = 0
        for index in indexes:
            count = _count_overlapping(texts[index], substring)
            if skipped + count > occurrence:
                first, last = find_span(
                    texts[index], substring, occurrence - skipped, f"phrase {index}"
                )
                options = Options(id, score, readonly, hidden)
                return self._paragraph_span(
                    target, texts, (index, first), (index, last), label, "codepoint", options
                )
            skipped += count
        scope = "the phrases" if in_phrase is None else f"phrase {in_phrase}"
        if skipped == 0:
            raise BuildError(f"{substring!r} does not occur in {scope} of {tag_repr(target)}")
        raise BuildError(
            f"{substring!r} occurs {skipped} time(s) in {scope} of {tag_repr(target)}; "
            f"occurrence={occurrence} asks for match number {occurrence + 1}"
        )

    @staticmethod
    def _phrase_index(index: Any, count: int, target: ObjectTag) -> int:
        value = integer(index, "phrase index")
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
        value = integer(offset, "offset")
        try:
            return mapping.to_codepoints(value, unit)
        except BuildError as exc:
            raise BuildError(f"phrase {phrase} of {tag_repr(target)}: {exc}") from None


def _count_overlapping(text: str, substring: str) -> int:
    if not isinstance(substring, str) or not substring:
        raise BuildError("substring must be a non-empty str")
    count, position = 0, text.find(substring)
    while position != -1:
        count += 1
        position = text.find(substring, position + 1)
    return count
