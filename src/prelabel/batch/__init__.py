"""Predictions for a whole dataset from arrays: :class:`PredictionBatch`.

>>> from prelabel.batch import PredictionBatch
"""

from ._tasks import PredictionBatch

__all__ = ["PredictionBatch"]
