"""Turn a backend's prelabel output into the ``/predict`` answer, checking it on the way out.

A prediction Label Studio would refuse or not draw must not reach it, and one task's bad
prediction must not fail the batch: the server stores nothing for any task of a request
that fails. So each task is predicted and validated on its own; a task whose model raised or
whose prediction has errors gets an empty prediction (``result: []``) and one log line that
says which task and why.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from ..config import LabelConfig
from ..errors import ErrorRecord, PrelabelError
from ..tasks import Prediction, ResultLike
from ..validate import Validator
from ._protocol import InteractiveContext, PredictRequest, PredictResponse, RequestTask

__all__ = ["Made", "PredictFn", "Responder"]

LOG = logging.getLogger("prelabel.mlbackend")

Made = Prediction | Iterable[ResultLike]
"""What a backend's per-task function returns: a Prediction, or its results."""
PredictFn = Callable[[RequestTask, InteractiveContext | None], Made]
_SHOWN_ERRORS = 3


class Responder:
    """Checks and shapes the predictions of one backend for one labeling config.

    Args:
        config: the project's labeling config (the one Label Studio sends with each request).
        model_version: written on every prediction that does not set its own; Label Studio
            compares it with the version ``/setup`` reported to skip tasks already predicted.
        logger: where the reason for each emptied prediction goes.

    Attributes:
        emptied: how many predictions were answered empty because they would not load.

    >>> from prelabel import LabelConfig
    >>> config = LabelConfig.parse(
    ...     '<View><Text name="text" value="$text"/><Choices name="topic" toName="text">'
    ...     '<Choice value="History"/></Choices></View>'
    ... )
    >>> topic = config.control("topic")
    >>> responder = Responder(config, model_version="topics-1")
    >>> request = PredictRequest.parse({"tasks": [{"id": 1, "data": {"text": "In 1843"}}]})
    >>> answer = responder.response(request, lambda task, context: [topic.choose("History")])
    >>> answer["results"][0]["result"][0]["value"], answer["results"][0]["model_version"]
    ({'choices': ['History']}, 'topics-1')
    """

    def __init__(
        self,
        config: LabelConfig,
        *,
        model_version: str,
        logger: logging.Logger = LOG,
    ) -> None:
        self.config = config
        self.model_version = model_version
        self.logger = logger
        self.validator = Validator(config)
        self.emptied = 0

    def prediction(self, task: RequestTask, made: Made, *, index: int = 0) -> dict[str, Any]:
        """``made`` as a prediction dict, or an empty one (logged) when it has errors."""
        prediction = made if isinstance(made, Prediction) else Prediction(made)
        if prediction.model_version is None:
            prediction.model_version = self.model_version
        out = prediction.to_dict()
        records = self.validator.check_task({"data": task.data, "predictions": [out]}, index)
        errors = [r for r in records if r.severity == "error"]
        if errors:
            return self._empty(task, _summary(errors))
        return out

    def predictions(self, request: PredictRequest, predict: PredictFn) -> list[dict[str, Any]]:
        """One checked prediction per task of ``request``, in task order.

        ``predict(task, context)`` is the backend's model for one task. A
        :class:`~prelabel.PrelabelError` it raises (a builder refusing the model's output)
        empties that task's prediction; so does any other exception, logged with its traceback
        (a bug in the model's code must not cost the other tasks their predictions).
        """
        out = []
        for index, task in enumerate(request.tasks):
            try:
                made = predict(task, request.context)
            except PrelabelError as exc:
                out.append(self._empty(task, f"{type(exc).__name__}: {exc}"))
                continue
            except Exception as exc:  # the boundary: one task's crash is logged, not raised
                self.logger.error("task %s: the model raised", task.id, exc_info=True)
                out.append(self._empty(task, f"the model raised {type(exc).__name__}"))
                continue
            out.append(self.prediction(task, made, index=index))
        return out

    def response(self, request: PredictRequest, predict: PredictFn) -> dict[str, Any]:
        """The whole ``/predict`` answer: ``{"results": [...], "model_version": ...}``."""
        answer = PredictResponse.model_validate(
            {"results": self.predictions(request, predict), "model_version": self.model_version}
        )
        return answer.model_dump(exclude_none=True)

    def _empty(self, task: RequestTask, reason: str) -> dict[str, Any]:
        self.emptied += 1
        self.logger.warning("task %s: prediction left empty: %s", task.id, reason)
        return Prediction([], model_version=self.model_version, score=0.0).to_dict()


def _summary(errors: list[ErrorRecord]) -> str:
    shown = "; ".join(str(record) for record in errors[:_SHOWN_ERRORS])
    more = len(errors) - _SHOWN_ERRORS
    return shown + (f"; and {more} more error(s)" if more > 0 else "")
