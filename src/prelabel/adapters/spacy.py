"""spaCy-style entity spans to Label Studio text spans (no spaCy import).

Accepted spans, duck-typed: spaCy ``Span`` objects (``doc.ents``, ``doc.spans["sc"]``: their
``start_char``, ``end_char``, ``label_``), tuples ``(start_char, end_char, label[, score])``
as in spaCy's training data, or dicts ``{start, end, label[, score]}`` as in displaCy's
manual format and ``doc.to_json()["ents"]``. Character offsets are Python string indices,
what Label Studio stores for ``<Text>``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from ..builders.text import TextSpanBuilder
from ..errors import BuildError
from ..results import Region
from ..tags.base import ControlTag
from ..tags.controls import Labels
from ._controls import describe
from ._labeling import ClassMap, Unmapped, label_mapper

__all__ = ["spacy_entity_regions"]


def _span(item: Any, index: int) -> tuple[int, int, str, float | None]:
    if hasattr(item, "start_char") and hasattr(item, "end_char"):
        label = getattr(item, "label_", None)
        if not isinstance(label, str):
            raise BuildError(f"ents[{index}] has no string label_ (got {label!r})")
        return int(item.start_char), int(item.end_char), label, None
    if isinstance(item, Mapping):
        try:
            start, end, label = item["start"], item["end"], item["label"]
        except KeyError as exc:
            raise BuildError(f"ents[{index}] has no {exc.args[0]!r}") from None
        score = item.get("score")
        return (*_ints(start, end, index), str(label), None if score is None else float(score))
    if isinstance(item, (tuple, list)) and len(item) in (3, 4):
        score = float(item[3]) if len(item) == 4 and item[3] is not None else None
        return (*_ints(item[0], item[1], index), str(item[2]), score)
    raise BuildError(
        f"ents[{index}] must be a spaCy Span, a (start_char, end_char, label[, score]) tuple or "
        f"a {{start, end, label}} dict, got {type(item).__name__}"
    )


def _ints(start: Any, end: Any, index: int) -> tuple[int, int]:
    for name, value in (("start", start), ("end", end)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise BuildError(f"ents[{index}] {name} must be an int, got {type(value).__name__}")
    return int(start), int(end)


def spacy_entity_regions(
    control: ControlTag,
    doc: Any,
    ents: Iterable[Any] | None = None,
    *,
    label_map: ClassMap | None = None,
    unmapped: Unmapped = "error",
    to_name: str | None = None,
) -> list[Region]:
    """Labeled spans from spaCy entities (or anything shaped like them).

    Args:
        control: the ``<Labels>`` control on the ``<Text>``.
        doc: a spaCy ``Doc`` (its ``.text``, and ``.ents`` when ``ents`` is None), or the
            text itself (then ``ents`` is required).
        ents: the spans: ``Span`` objects, ``(start_char, end_char, label[, score])``
            tuples, or ``{start, end, label[, score]}`` dicts.
        label_map: spaCy label (``"PERSON"``) -> config label, or a ``LabelMap``; labels also
            match by ``predicted_values``, exact and case-insensitive name.
        unmapped: ``"error"`` (default) or ``"drop"`` for labels without a config label.
        to_name: the ``<Text>``, when the control points at several.

    Raises:
        BuildError: malformed spans, offsets outside the text, scores on some spans only.

    >>> from prelabel import LabelConfig
    >>> cfg = LabelConfig.parse('<View><Text name="text" value="$text"/>'
    ...     '<Labels name="ner" toName="text"><Label value="Person" predicted_values="PERSON"/>'
    ...     '<Label value="Org" predicted_values="ORG"/></Labels></View>')
    >>> regions = spacy_entity_regions(cfg.control("ner"), "Ann works at Acme",
    ...     [(0, 3, "PERSON"), (13, 17, "ORG")])
    >>> [(r.result["value"]["text"], r.result["value"]["labels"]) for r in regions]
    [('Ann', ['Person']), ('Acme', ['Org'])]
    """
    if not isinstance(control, TextSpanBuilder) or not isinstance(control, Labels):
        raise BuildError(f"{describe(control)} cannot take entity spans; use <Labels> on <Text>")
    text: str | Mapping[str, Any]
    if isinstance(doc, (str, Mapping)):
        text = doc
        if ents is None:
            raise BuildError("pass ents= with a plain text (a spaCy Doc carries its own .ents)")
    else:
        found = getattr(doc, "text", None)
        if not isinstance(found, str):
            raise BuildError(f"doc must be a spaCy Doc (with .text) or a str, got {type(doc)}")
        text = found
        if ents is None:
            ents = getattr(doc, "ents", None)
            if ents is None:
                raise BuildError("doc has no .ents; pass ents= (e.g. doc.spans['sc'])")
    spans = [_span(item, index) for index, item in enumerate(ents)]
    scored = [s[3] is not None for s in spans]
    if any(scored) and not all(scored):
        raise BuildError("some spans have a score and some do not; give all or none")
    mapper = label_mapper(control, class_names=None, label_map=label_map, unmapped=unmapped)
    return control.spans(
        text,
        np.asarray([(s[0], s[1]) for s in spans], dtype=np.int64).reshape(-1, 2),
        [s[2] for s in spans],
        scores=[float(s[3]) for s in spans if s[3] is not None] if all(scored) and spans else None,
        label_map=mapper,
        to_name=to_name,
    )
