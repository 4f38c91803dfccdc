"""Task and Prediction: the envelope Label Studio imports around results.

``Task(data, predictions=[...])`` becomes ``{"data": ..., "predictions": [...]}``; a
``Prediction`` carries ``model_version``, ``score`` and a flat ``result`` list. Both convert
to and from plain dicts; :meth:`Task.from_dict` checks the envelope's types (not the results:
that is the validator's job) and keeps keys it does not know, so a task read from a file
writes back unchanged.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any, cast

from .builders._common import check_score
from .errors import BuildError
from .results import Region, RelationResult, Result, flatten_results

__all__ = ["Prediction", "Task"]

ResultLike = Result | RelationResult | Region | Iterable[Result | RelationResult | Region]

_PREDICTION_KEYS = ("model_version", "score", "result")
_TASK_KEYS = ("id", "data", "predictions", "annotations", "meta")


def _kind(value: Any) -> str:
    """The JSON name of a Python value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, (list, tuple)):
        return "a list"
    return type(value).__name__


def _list_of_objects(value: Any, where: str, what: str) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        raise BuildError(f"{where} must be a list of {what} objects, got {_kind(value)}")
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            raise BuildError(f"{where}[{i}] must be an object, got {_kind(item)}")
    return value


def _optional_list(raw: Mapping[str, Any], key: str, what: str) -> list[dict[str, Any]]:
    value = raw.get(key)
    return [] if value is None else _list_of_objects(value, f"'{key}'", what)


@dataclasses.dataclass
class Prediction:
    """One model's predictions for one task.

    Args:
        result: results, regions, or lists of them (flattened in order).
        model_version: shown as the prediction's author; Label Studio stores "undefined" when
            it is missing, so set it.
        score: prediction-level confidence in [0, 1].
        extra: other prediction-level keys, kept as they are (Label Studio drops the ones it
            does not know).

    >>> Prediction([{"id": "a", "type": "choices", "from_name": "c", "to_name": "t",
    ...              "value": {"choices": ["A"]}}], model_version="v1", score=0.5).to_dict()
    ... # doctest: +NORMALIZE_WHITESPACE
    {'model_version': 'v1', 'score': 0.5, 'result': [{'id': 'a', 'type': 'choices',
     'from_name': 'c', 'to_name': 't', 'value': {'choices': ['A']}}]}
    """

    result: list[dict[str, Any]]
    model_version: str | None = None
    score: float | None = None
    extra: dict[str, Any] = dataclasses.field(default_factory=dict)

    def __init__(
        self,
        result: Iterable[ResultLike] = (),
        *,
        model_version: str | None = None,
        score: float | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        if model_version is not None and not isinstance(model_version, str):
            raise BuildError(f"model_version must be a string, got {type(model_version).__name__}")
        self.result = flatten_results(result)
        self.model_version = model_version
        if score is None or (type(score) is float and 0.0 <= score <= 1.0):
            self.score = score
        else:
            self.score = check_score(score)
        self.extra = {k: v for k, v in extra.items() if k not in _PREDICTION_KEYS} if extra else {}

    def to_dict(self) -> dict[str, Any]:
        """The prediction as Label Studio imports it (keys in a fixed order)."""
        out: dict[str, Any] = {}
        if self.model_version is not None:
            out["model_version"] = self.model_version
        if self.score is not None:
            out["score"] = self.score
        out["result"] = self.result
        out.update(self.extra)
        return out

    def to_annotation(self, *, ground_truth: bool = False) -> dict[str, Any]:
        """The prediction's results as an annotation dict, for importing pre-labeled tasks.

        Label Studio imports ``{"result": [...]}`` under a task's ``annotations`` and credits
        the importing user, so no ``completed_by`` is set. The results are copied, so editing
        one side leaves the other alone.

        Args:
            ground_truth: mark the annotation as ground truth.

        >>> Prediction([{"id": "a", "type": "choices", "from_name": "c", "to_name": "t",
        ...              "value": {"choices": ["A"]}}], model_version="v1").to_annotation(
        ...     ground_truth=True)  # doctest: +NORMALIZE_WHITESPACE
        {'result': [{'id': 'a', 'type': 'choices', 'from_name': 'c', 'to_name': 't',
         'value': {'choices': ['A']}}], 'ground_truth': True}
        """
        out: dict[str, Any] = {"result": copy.deepcopy(self.result)}
        if ground_truth:
            out["ground_truth"] = True
        return out

    def __repr__(self) -> str:
        from .preview._reprs import prediction_repr

        return prediction_repr(self)

    def _repr_html_(self) -> str:
        from .preview._reprs import prediction_html

        return prediction_html(self)

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Prediction:
        """Read a prediction dict (as found in a task file), checking the envelope's types.

        The results themselves are not checked (the validator does that); unknown keys are
        kept in :attr:`extra`.

        Raises:
            BuildError: ``raw`` is not an object, ``result`` is not a list of objects,
                ``model_version`` is not a string, or ``score`` is not a number in [0, 1].
        """
        if not isinstance(raw, Mapping):
            raise BuildError(f"a prediction must be an object, got {_kind(raw)}")
        result = _list_of_objects(raw.get("result", []), "'result'", "result")
        score = raw.get("score")
        if score is not None and (isinstance(score, bool) or not isinstance(score, (int, float))):
            raise BuildError(f"'score' must be a number, got {_kind(score)}")
        return cls(
            cast("list[Result]", result),
            model_version=raw.get("model_version"),
            score=score,
            extra=raw,
        )


@dataclasses.dataclass
class Task:
    """A task: its ``data`` and, optionally, predictions, annotations, meta and id.

    Attributes:
        data: the values the config's ``$variables`` read.
        predictions: model output shown as pre-annotations.
        annotations: annotation dicts (``{"result": [...]}``), e.g. from
            :meth:`Prediction.to_annotation`.
        meta: free task metadata.
        id: the task id (Label Studio assigns its own on import).
        extra: other top-level keys, kept as they are and written after the known ones.

    >>> Task({"text": "hi"}).to_dict()
    {'data': {'text': 'hi'}}
    """

    data: dict[str, Any]
    predictions: list[Prediction] = dataclasses.field(default_factory=list)
    annotations: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    meta: dict[str, Any] | None = None
    id: int | None = None
    extra: dict[str, Any] = dataclasses.field(default_factory=dict)

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
        for key, value in self.extra.items():
            if key not in _TASK_KEYS:
                out[key] = value
        return out

    def with_predictions_as_annotations(
        self, *, ground_truth: bool = False, keep_predictions: bool = True
    ) -> Task:
        """A copy whose annotations also hold every prediction (:meth:`Prediction.to_annotation`).

        Args:
            ground_truth: mark the new annotations as ground truth.
            keep_predictions: keep the predictions too (False drops them).

        >>> task = Task({"t": "x"}, predictions=[Prediction([], model_version="v1")])
        >>> task.with_predictions_as_annotations(keep_predictions=False).to_dict()
        {'data': {'t': 'x'}, 'annotations': [{'result': []}]}
        """
        made = [p.to_annotation(ground_truth=ground_truth) for p in self.predictions]
        return dataclasses.replace(
            self,
            predictions=list(self.predictions) if keep_predictions else [],
            annotations=[*self.annotations, *made],
        )

    def __repr__(self) -> str:
        from .preview._reprs import task_repr

        return task_repr(self)

    def _repr_html_(self) -> str:
        from .preview._reprs import task_html

        return task_html(self)

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Task:
        """Read a task dict; predictions become :class:`Prediction` objects.

        Checks the envelope: ``data`` an object, ``predictions`` and ``annotations`` lists of
        objects or null (each annotation's ``result`` a list), ``meta`` an object, ``id`` an
        integer.
        Results are not checked (the validator does that). Unknown keys are kept in
        :attr:`extra`.

        Raises:
            BuildError: the message names the key and what was found.

        >>> Task.from_dict({"data": {"t": "x"}, "predictions": {}})  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        prelabel.errors.BuildError: 'predictions' must be a list of prediction objects, got an...
        """
        if not isinstance(raw, Mapping):
            raise BuildError(f"a task must be an object, got {_kind(raw)}")
        if "data" not in raw:
            raise BuildError("a task needs a 'data' object")
        data = raw["data"]
        if not isinstance(data, dict):
            raise BuildError(f"a task's 'data' must be an object, got {_kind(data)}")
        predictions = []
        for i, item in enumerate(_optional_list(raw, "predictions", "prediction")):
            try:
                predictions.append(Prediction.from_dict(item))
            except BuildError as exc:
                raise BuildError(f"predictions[{i}]: {exc}") from None
        annotations = _optional_list(raw, "annotations", "annotation")
        for i, annotation in enumerate(annotations):
            if "result" in annotation:
                _list_of_objects(annotation["result"], f"'annotations[{i}].result'", "result")
        meta = raw.get("meta")
        if meta is not None and not isinstance(meta, dict):
            raise BuildError(f"'meta' must be an object, got {_kind(meta)}")
        task_id = raw.get("id")
        if task_id is not None and (isinstance(task_id, bool) or not isinstance(task_id, int)):
            raise BuildError(f"'id' must be an integer, got {_kind(task_id)}")
        return cls(
            data=data,
            predictions=predictions,
            annotations=list(annotations),
            meta=meta,
            id=task_id,
            extra={k: v for k, v in raw.items() if k not in _TASK_KEYS},
        )
