"""Task and Prediction: the envelope Label Studio imports around results.

``Task(data, predictions=[...])`` becomes ``{"data": ..., "predictions": [...]}``; a
``Prediction`` carries ``model_version``, ``score`` and a flat ``result`` list.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

from .builders._common import check_score
from .errors import BuildError
from .results import Region, RelationResult, Result, flatten_results

__all__ = ["Prediction", "Task"]

ResultLike = Result | RelationResult | Region | Iterable[Result | RelationResult | Region]


@dataclasses.dataclass
class Prediction:
    """One model's predictions for one task.

    Args:
        result: results, regions, or lists of them (flattened in order).
        model_version: shown as the prediction's author; Label Studio stores "undefined" when
            it is missing, so set it.
        score: prediction-level confidence in [0, 1].

    >>> Prediction([{"id": "a", "type": "choices", "from_name": "c", "to_name": "t",
    ...              "value": {"choices": ["A"]}}], model_version="v1", score=0.5).to_dict()
    ... # doctest: +NORMALIZE_WHITESPACE
    {'model_version': 'v1', 'score': 0.5, 'result': [{'id': 'a', 'type': 'choices',
     'from_name': 'c', 'to_name': 't', 'value': {'choices': ['A']}}]}
    """

    result: list[dict[str, Any]]
    model_version: str | None = None
    score: float | None = None

    def __init__(
        self,
        result: Iterable[ResultLike] = (),
        *,
        model_version: str | None = None,
        score: float | None = None,
    ) -> None:
        if model_version is not None and not isinstance(model_version, str):
            raise BuildError(f"model_version must be a string, got {type(model_version).__name__}")
        self.result = flatten_results(result)
        self.model_version = model_version
        self.score = None if score is None else check_score(score)

    def to_dict(self) -> dict[str, Any]:
        """The prediction as Label Studio imports it (keys in a fixed order)."""
        out: dict[str, Any] = {}
        if self.model_version is not None:
            out["model_version"] = self.model_version
        if self.score is not None:
            out["score"] = self.score
        out["result"] = self.result
        return out

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Prediction:
        """Read a prediction dict (as found in a task file) without checking its results."""
        return cls(
            raw.get("result", ()),
            model_version=raw.get("model_version"),
            score=raw.get("score"),
        )


@dataclasses.dataclass
class Task:
    """A task: its ``data`` and, optionally, predictions, annotations, meta and id.

    >>> Task({"text": "hi"}).to_dict()
    {'data': {'text': 'hi'}}
    """

    data: dict[str, Any]
    predictions: list[Prediction] = dataclasses.field(default_factory=list)
    annotations: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    meta: dict[str, Any] | None = None
    id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """The task as Label Studio imports it (keys in a fixed order)."""
        out: dict[str, Any] = {}
        if self.id is not None:
            out["id"] = self.id
        out["data"] = self.data
        if self.predictions:
            out["predictions"] = [p.to_dict() for p in self.predictions]
        if self.annotations:
            out["annotations"] = self.annotations
        if self.meta is not None:
            out["meta"] = self.meta
        return out

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Task:
        """Read a task dict; predictions become :class:`Prediction` objects."""
        data = raw.get("data")
        if not isinstance(data, dict):
            raise BuildError("a task needs a 'data' object")
        return cls(
            data=data,
            predictions=[Prediction.from_dict(p) for p in raw.get("predictions") or ()],
            annotations=list(raw.get("annotations") or ()),
            meta=raw.get("meta"),
            id=raw.get("id"),
        )
