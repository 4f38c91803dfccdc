"""prelabel inside a Label Studio ML backend: the ``/predict`` protocol, typed, and a responder
that validates every prediction before Label Studio sees it (docs/ml-backend.md).

Imports pydantic; ``import prelabel`` does not import this package.
"""

from ._protocol import (
    ContextResult,
    InteractiveContext,
    PredictionOut,
    PredictParams,
    PredictRequest,
    PredictResponse,
    RequestError,
    RequestTask,
)
from ._respond import Made, PredictFn, Responder

__all__ = [
    "ContextResult",
    "InteractiveContext",
    "Made",
    "PredictFn",
    "PredictParams",
    "PredictRequest",
    "PredictResponse",
    "PredictionOut",
    "RequestError",
    "RequestTask",
    "Responder",
]
