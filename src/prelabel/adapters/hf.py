"""Hugging Face ``transformers`` pipeline outputs (plain dicts) to regions and results.

No ``transformers`` import: the functions read the dicts the pipelines return.

* ``token-classification`` (NER): with ``aggregation_strategy`` set, entities
  ``{entity_group, score, word, start, end}``; without it, one dict per token
  ``{entity: "B-PER", score, index, word, start, end}`` (tokens tagged ``O`` left out), decoded
  here into spans (B-/I-/E-/S- prefixes, or bare labels read as I-). Offsets are Python string
  indices into the input text, which is what Label Studio stores.
* ``object-detection``: ``{score, label, box: {xmin, ymin, xmax, ymax}}`` in pixels.
* ``image-classification``, ``text-classification``, ``zero-shot-image-classification``:
  ``[{label, score}, ...]``; ``zero-shot-classification``: ``{sequence, labels, scores}``.

Scores arrive as numpy floats; the results hold plain floats.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np

from ..builders._common import pick_target
from ..builders.classification import ChoicesBuilder
from ..builders.image import RectangleBuilder
from ..builders.text import TextSpanBuilder, read_task_value
from ..errors import BuildError
from ..results import Region, Result
from ..tags.base import ControlTag
from ..tags.controls import LabelingControl, Labels
from ._controls import describe
from ._labeling import ClassMap, Unmapped, label_mapper
from .arrays import box_regions

__all__ = ["hf_choices", "hf_detection_regions", "hf_entity_regions"]

ScoreAgg = Literal["mean", "min", "max", "first"]
_PREFIXES = ("B", "I", "E", "L", "S", "U")


def _field(item: Any, key: str, index: int, what: str) -> Any:
    if not isinstance(item, Mapping):
        raise BuildError(f"{what}[{index}] must be a dict, got {type(item).__name__}")
    if key not in item:
        raise BuildError(f"{what}[{index}] has no {key!r} (keys: {', '.join(map(str, item))})")
    return item[key]


def _offset(item: Mapping[str, Any], key: str, index: int) -> int:
    value = _field(item, key, index, "entities")
    if value is None:
        raise BuildError(
            f"entities[{index}] has {key}=None: the pipeline gives character offsets only with "
            "a fast tokenizer (use_fast=True)"
        )
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise BuildError(f"entities[{index}].{key} must be an int, got {type(value).__name__}")
    return int(value)


def hf_entity_regions(
    control: ControlTag,
    text: str | Mapping[str, Any],
    entities: Sequence[Mapping[str, Any]],
    *,
    label_map: ClassMap | None = None,
    unmapped: Unmapped = "error",
    min_score: float | None = None,
    score_agg: ScoreAgg = "mean",
    to_name: str | None = None,
) -> list[Region]:
    """Spans of a ``token-classification`` pipeline's output for one text.

    Args:
        control: the ``<Labels>`` control on the ``<Text>``.
        text: the exact text the pipeline read (or the task ``data`` dict).
        entities: the pipeline's list for that text: grouped entities (``entity_group``) or
            raw tokens (``entity`` with ``index``).
        label_map: model label (``"PER"``) -> config label, or a ``LabelMap``; labels also
            match by ``predicted_values``, exact and case-insensitive name.
        unmapped: ``"error"`` (default) or ``"drop"`` for labels that map to no config label.
        min_score: leave out spans scoring below this.
        score_agg: how raw tokens' scores make a span's score.
        to_name: the ``<Text>``, when the control points at several.

    Raises:
        BuildError: an entity without offsets (slow tokenizer), offsets outside the text, a
            control that is not ``<Labels>`` on a ``<Text>``.

    >>> from prelabel import LabelConfig
    >>> cfg = LabelConfig.parse('<View><Text name="text" value="$text"/>'
    ...     '<Labels name="ner" toName="text"><Label value="Person" predicted_values="PER"/>'
    ...     '<Label value="Location" predicted_values="LOC"/></Labels></View>')
    >>> text = "My name is Wolfgang and I live in Berlin"
    >>> raw = [{"entity": "B-PER", "score": 0.99, "index": 4, "word": "Wolfgang",
    ...         "start": 11, "end": 19},
    ...        {"entity": "B-LOC", "score": 0.98, "index": 9, "word": "Berlin",
    ...         "start": 34, "end": 40}]
    >>> [(r.result["value"]["text"], r.result["value"]["labels"])
    ...  for r in hf_entity_regions(cfg.control("ner"), text, raw)]
    [('Wolfgang', ['Person']), ('Berlin', ['Location'])]
    """
    if not isinstance(control, TextSpanBuilder) or not isinstance(control, Labels):
        raise BuildError(f"{describe(control)} cannot take NER spans; use a <Labels> on a <Text>")
    mapper = label_mapper(control, class_names=None, label_map=label_map, unmapped=unmapped)
    items = list(entities)
    if items and isinstance(items[0], Sequence) and not isinstance(items[0], Mapping):
        raise BuildError(
            "entities is a list of lists (the pipeline's output for a batch); pass the list "
            "of one text"
        )
    grouped = [isinstance(e, Mapping) and "entity_group" in e for e in items]
    if any(grouped) and not all(grouped):
        raise BuildError("entities mixes grouped (entity_group) and per-token (entity) items")
    if all(grouped):
        offsets = [(_offset(e, "start", i), _offset(e, "end", i)) for i, e in enumerate(items)]
        labels = [str(_field(e, "entity_group", i, "entities")) for i, e in enumerate(items)]
        scores = [float(_field(e, "score", i, "entities")) for i, e in enumerate(items)]
        regions = control.spans(
            text,
            np.asarray(offsets, dtype=np.int64).reshape(-1, 2),
            labels,
            scores=scores,
            label_map=mapper,
            to_name=to_name,
        )
    else:
        regions = _token_spans(control, text, items, mapper, score_agg, to_name)
    if min_score is not None:
        regions = [r for r in regions if r.result.get("score", 1.0) >= min_score]
    return regions


def _token_spans(
    control: Labels,
    text: str | Mapping[str, Any],
    items: list[Mapping[str, Any]],
    mapper: Any,
    score_agg: ScoreAgg,
    to_name: str | None,
) -> list[Region]:
    """Spans from per-token outputs; gaps in ``index`` are tokens the pipeline left out (O)."""
    source = text if isinstance(text, str) else None
    if source is None and isinstance(text, Mapping):
        found = read_task_value(pick_target(control, to_name), text)
        source = found if isinstance(found, str) else None
    tags: list[str] = []
    offsets: list[tuple[int, int]] = []
    scores: list[float] = []
    previous: tuple[int | None, int] | None = None
    for index, item in enumerate(items):
        start, end = _offset(item, "start", index), _offset(item, "end", index)
        tag = str(_field(item, "entity", index, "entities"))
        token = item.get("index")
        if previous is not None and _gap(previous, token, start, source):
            # an O token sat here; its offsets are never read (spans end on labeled tokens)
            tags.append("O")
            offsets.append((previous[1], previous[1]))
            scores.append(0.0)
        prefix, dash, rest = tag.partition("-")
        if tag != "O" and not (dash and prefix.upper() in _PREFIXES and rest):
            tag = f"I-{tag}"  # bare labels: adjacent tokens of one label make one span
        tags.append(tag)
        offsets.append((start, end))
        scores.append(float(_field(item, "score", index, "entities")))
        previous = (None if token is None else int(token), end)
    return control.spans_from_bio(
        text,
        np.asarray(offsets, dtype=np.int64).reshape(-1, 2),
        tags,
        token_scores=scores,
        score_agg=score_agg,
        label_map=mapper,
        to_name=to_name,
    )


def _gap(previous: tuple[int | None, int], token: Any, start: int, text: str | None) -> bool:
    """Whether a left-out token lies between the previous token and this one."""
    last_index, last_end = previous
    if last_index is not None and token is not None:
        return int(token) > last_index + 1
    if text is not None:
        return bool(text[last_end:start].strip())
    return False


def hf_detection_regions(
    control: ControlTag,
    detections: Sequence[Mapping[str, Any]],
    *,
    image_wh: tuple[int, int],
    label_map: ClassMap | None = None,
    unmapped: Unmapped = "error",
    min_score: float | None = None,
    labels_control: Labels | None = None,
    clip: bool = False,
    to_name: str | None = None,
    item_index: int | None = None,
) -> list[Region]:
    """Boxes of an ``object-detection`` pipeline's output for one image.

    Args:
        control: the ``<RectangleLabels>`` (or ``<Rectangle>`` with ``labels_control``).
        detections: ``[{"score", "label", "box": {"xmin", "ymin", "xmax", "ymax"}}]``, pixels.
        image_wh: the image's ``(width, height)`` (the pipeline does not return it).
        label_map, unmapped, min_score, labels_control, clip, to_name, item_index: as in
            :func:`prelabel.adapters.box_regions`.

    >>> from prelabel import LabelConfig
    >>> cfg = LabelConfig.parse('<View><Image name="image" value="$image"/>'
    ...     '<RectangleLabels name="label" toName="image"><Label value="Cat"/>'
    ...     '</RectangleLabels></View>')
    >>> out = [{"score": np.float32(0.5), "label": "cat",
    ...         "box": {"xmin": 16, "ymin": 12, "xmax": 48, "ymax": 36}}]
    >>> hf_detection_regions(cfg.control("label"), out, image_wh=(64, 48))[0].result["value"]
    ... # doctest: +NORMALIZE_WHITESPACE
    {'x': 25.0, 'y': 25.0, 'width': 50.0, 'height': 50.0, 'rotation': 0.0,
     'rectanglelabels': ['Cat']}
    """
    if not isinstance(control, RectangleBuilder):
        raise BuildError(f"{describe(control)} cannot take boxes; use a <RectangleLabels>")
    boxes, labels, scores = [], [], []
    for index, item in enumerate(detections):
        box = _field(item, "box", index, "detections")
        try:
            boxes.append([float(box[k]) for k in ("xmin", "ymin", "xmax", "ymax")])
        except (KeyError, TypeError):
            raise BuildError(
                f"detections[{index}].box must be {{xmin, ymin, xmax, ymax}} in pixels"
            ) from None
        labels.append(str(_field(item, "label", index, "detections")))
        scores.append(float(_field(item, "score", index, "detections")))
    return box_regions(
        control,
        np.asarray(boxes, dtype=np.float64).reshape(-1, 4),
        image_wh=image_wh,
        fmt="xyxy",
        units="px",
        labels=labels,
        label_map=label_map,
        unmapped=unmapped,
        scores=scores,
        min_score=min_score,
        labels_control=labels_control,
        clip=clip,
        to_name=to_name,
        item_index=item_index,
    )


def _ranked(output: Any) -> list[tuple[str, float]]:
    """``(label, score)`` pairs from either classification shape, best first."""
    if isinstance(output, Mapping):
        if "labels" not in output or "scores" not in output:
            raise BuildError(
                "a zero-shot output must have 'labels' and 'scores'; got keys "
                f"{', '.join(map(str, output))}"
            )
        labels, scores = list(output["labels"]), list(output["scores"])
        if len(labels) != len(scores):
            raise BuildError(f"zero-shot output has {len(labels)} labels, {len(scores)} scores")
        pairs = [(str(label), float(score)) for label, score in zip(labels, scores, strict=True)]
    elif isinstance(output, Sequence) and not isinstance(output, (str, bytes)):
        items = list(output)
        if items and isinstance(items[0], Sequence) and not isinstance(items[0], Mapping):
            raise BuildError("output is a list of lists (a batch); pass the output of one input")
        pairs = [
            (
                str(_field(item, "label", i, "output")),
                float(_field(item, "score", i, "output")),
            )
            for i, item in enumerate(items)
        ]
    else:
        raise BuildError(
            "output must be a list of {label, score} or a zero-shot {labels, scores} dict, got "
            f"{type(output).__name__}"
        )
    return sorted(pairs, key=lambda pair: -pair[1])


def hf_choices(
    control: ControlTag,
    output: Sequence[Mapping[str, Any]] | Mapping[str, Any],
    *,
    label_map: ClassMap | None = None,
    unmapped: Unmapped = "error",
    top_k: int | None = 1,
    min_score: float | None = None,
    to_name: str | None = None,
) -> Result | None:
    """A ``<Choices>`` result from a classification pipeline's output for one input.

    The best-scoring labels that map to a choice are picked: the top one on a single-choice
    control; on ``choice="multiple"`` the ``top_k`` best (all of them with ``top_k=None``),
    each at least ``min_score``. The result's score is the best picked label's.

    Args:
        control: the ``<Choices>`` control.
        output: ``[{label, score}, ...]`` (image/text classification) or
            ``{sequence, labels, scores}`` (zero-shot classification).
        label_map: model label -> choice, or a ``LabelMap``.
        unmapped: ``"error"`` (default) or ``"drop"``: a dropped label is passed over and the
            next best one picked.
        top_k: how many labels to pick on a multiple-choice control.
        min_score: pick no label scoring below this.
        to_name: the object, when the control points at several.

    Returns:
        The result, or None when no label is left to pick.

    >>> from prelabel import LabelConfig
    >>> cfg = LabelConfig.parse('<View><Image name="image" value="$image"/>'
    ...     '<Choices name="kind" toName="image"><Choice value="Cat"/><Choice value="Dog"/>'
    ...     '</Choices></View>')
    >>> result = hf_choices(cfg.control("kind"), [{"label": "tabby cat", "score": 0.7},
    ...     {"label": "dog", "score": 0.2}], label_map={"tabby cat": "Cat"})
    >>> result["value"], result["score"]
    ({'choices': ['Cat']}, 0.7)
    """
    if not isinstance(control, ChoicesBuilder):
        raise BuildError(f"{describe(control)} cannot take a classification; use <Choices>")
    labeling: LabelingControl = control  # type: ignore[assignment]
    if top_k is not None and (isinstance(top_k, bool) or not isinstance(top_k, int) or top_k < 1):
        raise BuildError(f"top_k must be a positive int or None, got {top_k!r}")
    mapper = label_mapper(labeling, class_names=None, label_map=label_map, unmapped=unmapped)
    limit = top_k if labeling.multiple else 1
    picked: dict[str, float] = {}
    for label, score in _ranked(output):
        if min_score is not None and score < min_score:
            break
        choice = mapper(label)
        if choice is None or choice in picked:
            continue
        picked[choice] = score
        if limit is not None and len(picked) >= limit:
            break
    if not picked:
        return None
    best = max(picked.values())
    return control.choose(list(picked), score=best, to_name=to_name)
