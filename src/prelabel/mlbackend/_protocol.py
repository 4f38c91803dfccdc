"""What Label Studio sends to an ML backend's ``/predict``, and what it takes back.

Label Studio 1.23.2 (``ml/api_connector.py`` ``MLApi._prep_prediction_req``) posts::

    {"tasks": [task, ...], "project": "<id>.<created-at timestamp>", "label_config": "<View>...",
     "params": {"login": ..., "password": ..., "context": null | {"result": [...]}}}

Each task is the server's serialization of one task (``id``, ``data``, ``meta``, ``project``,
and for interactive requests its ``annotations``, ``predictions`` and ``drafts``). ``context``
is null when the server asks for whole-task predictions (opening a task, the "Retrieve
predictions" action) and holds ``{"result": [...]}`` when the editor asks interactively: the
results of the region the annotator just drew or clicked, as the editor serializes them.

The answer is ``{"results": [prediction, ...]}``, one prediction per task in task order, each
``{"result": [...], "score": float, "model_version": str}``. The server stores a prediction's
own ``model_version`` when it has one, else the backend's (``ml/models.py``
``_get_predictions_from_ml_backend``); the editor draws ``results[0]["result"]`` of an
interactive answer as suggestions.

These are boundary models: untrusted input is parsed once here, with located errors; results
inside stay plain dicts, checked by :class:`prelabel.validate.Validator`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pydantic
from pydantic import BaseModel, ConfigDict, Field, SecretStr

from ..errors import PrelabelError, format_loc

__all__ = [
    "ContextResult",
    "InteractiveContext",
    "PredictParams",
    "PredictRequest",
    "PredictResponse",
    "PredictionOut",
    "RequestError",
    "RequestTask",
]

_MAX_ERRORS = 10
_MAX_INPUT = 60
_SECRET = frozenset({"login", "password"})  # never echoed, even when malformed


class RequestError(PrelabelError, ValueError):
    """A ``/predict`` request that is not what Label Studio sends: the message lists each
    problem as a JSON path into the request body (``$.tasks[0].data``) and what was wrong.

    Attributes:
        problems: one line per problem, in the order found.
    """

    def __init__(self, problems: list[str]) -> None:
        self.problems = tuple(problems)
        shown = "\n".join(f"  {line}" for line in self.problems[:_MAX_ERRORS])
        more = len(self.problems) - _MAX_ERRORS
        tail = f"\n  ... and {more} more" if more > 0 else ""
        super().__init__(
            f"malformed /predict request, {len(self.problems)} problem(s):\n{shown}{tail}"
        )


class _Open(BaseModel):
    """Keys Label Studio adds in later versions are kept, never refused."""

    model_config = ConfigDict(extra="allow")


class RequestTask(_Open):
    """One task as the server serializes it for the backend."""

    id: int = Field(strict=True)
    data: dict[str, Any]
    meta: dict[str, Any] | list[Any] | None = None
    project: int | None = None
    annotations: list[dict[str, Any]] = Field(default_factory=list)
    predictions: list[dict[str, Any]] = Field(default_factory=list)
    drafts: list[dict[str, Any]] = Field(default_factory=list)


class ContextResult(_Open):
    """One result of the region the annotator drew or clicked, as the editor serializes it."""

    from_name: str
    to_name: str
    type: str
    value: dict[str, Any]
    id: str | None = None


class InteractiveContext(_Open):
    """``params.context`` of an interactive request: the region the annotator just made."""

    result: list[ContextResult]

    def of(self, from_name: str) -> list[ContextResult]:
        """The context's results made with the control ``from_name``, in order."""
        return [item for item in self.result if item.from_name == from_name]


class PredictParams(_Open):
    """``params``: the project's task-data credentials (kept secret) and the context."""

    login: str | None = None
    password: SecretStr | None = None
    context: InteractiveContext | None = None

    @pydantic.field_validator("context", mode="before")
    @classmethod
    def _empty_context_is_none(cls, value: Any) -> Any:
        # The interactive endpoint turns a missing context into {}: nothing was drawn.
        return None if value == {} else value


class PredictRequest(_Open):
    """The body of ``POST /predict``.

    >>> request = PredictRequest.parse(
    ...     b'{"tasks": [{"id": 7, "data": {"text": "Ada"}}], "label_config": "<View/>"}'
    ... )
    >>> request.tasks[0].id, request.interactive
    (7, False)
    """

    tasks: list[RequestTask]
    project: str | None = None
    label_config: str | None = None
    params: PredictParams = Field(default_factory=PredictParams)

    @property
    def context(self) -> InteractiveContext | None:
        """The interactive context, or None for whole-task predictions."""
        return self.params.context

    @property
    def interactive(self) -> bool:
        """True when the editor asks about a region the annotator just drew or clicked."""
        return self.params.context is not None

    @classmethod
    def parse(cls, body: bytes | str | Mapping[str, Any]) -> PredictRequest:
        """Parse a request body (raw JSON or an already decoded object).

        Raises:
            RequestError: not JSON, or not the shape Label Studio sends; every problem is
                listed with its JSON path, never the whole input.
        """
        if isinstance(body, (bytes, str)):
            try:
                body = json.loads(body)
            except ValueError as exc:
                raise RequestError([f"$: the body is not JSON ({exc})"]) from None
        if not isinstance(body, Mapping):
            raise RequestError([f"$: the body must be a JSON object, got {_kind(body)}"])
        try:
            return cls.model_validate(body)
        except pydantic.ValidationError as exc:
            raise RequestError(_problems(exc)) from None

    @classmethod
    def from_call(
        cls, tasks: Any, *, label_config: str | None, params: Mapping[str, Any]
    ) -> PredictRequest:
        """The request rebuilt from a ``predict(tasks, **params)`` call, as ``label-studio-ml``
        makes it (the framework has already split the body)."""
        return cls.parse({"tasks": tasks, "label_config": label_config, "params": dict(params)})


class PredictionOut(BaseModel):
    """One task's prediction in the answer."""

    model_config = ConfigDict(extra="forbid")

    result: list[dict[str, Any]]
    score: float | None = Field(default=None, ge=0.0, le=1.0, allow_inf_nan=False)
    model_version: str | None = None


class PredictResponse(BaseModel):
    """The body of the answer: one prediction per task, in task order."""

    model_config = ConfigDict(extra="forbid")

    results: list[PredictionOut]
    model_version: str | None = None


def _kind(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "a string", type(None): "null"}
    return names.get(type(value), type(value).__name__)


def _problems(exc: pydantic.ValidationError) -> list[str]:
    """pydantic's records as ``$.path: message (got ...)`` lines, inputs cut short."""
    lines = []
    for error in exc.errors(include_url=False):
        where = format_loc(tuple(error["loc"]))
        line = f"{where}: {error['msg']}"
        if error["type"] != "missing" and not _SECRET.intersection(map(str, error["loc"])):
            shown = repr(error.get("input"))
            if len(shown) > _MAX_INPUT:
                shown = shown[: _MAX_INPUT - 3] + "..."
            line += f" (got {shown})"
        lines.append(line)
    return lines
