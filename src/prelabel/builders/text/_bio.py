"""Per-token tags to spans: BIO/IOB/BIOES decoding and a span's score from its tokens'."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

from ..._lazy import lazy_module
from ...errors import BuildError

if TYPE_CHECKING:
    import numpy as np
else:
    np = lazy_module("numpy")

__all__ = ["ScoreAgg", "aggregate_scores", "decode_bio"]

ScoreAgg = Literal["mean", "min", "max", "first"]


def aggregate_scores(values: Sequence[float | None], how: ScoreAgg) -> float:
    array = np.asarray(values, dtype=float)
    if how == "mean":
        return float(array.mean())
    if how == "min":
        return float(array.min())
    if how == "max":
        return float(array.max())
    if how == "first":
        return float(array[0])
    raise BuildError(f"score_agg must be 'mean', 'min', 'max' or 'first', got {how!r}")


def decode_bio(tags: Sequence[str]) -> list[tuple[str, int, int]]:
    """``(label, first_token, stop_token)`` for each span in a BIO/IOB/BIOES tag sequence."""
    spans: list[tuple[str, int, int]] = []
    current: str | None = None
    begin = 0
    for index, raw in enumerate([*tags, "O"]):
        if not isinstance(raw, str):
            raise BuildError(f"tag {index} must be a str, got {type(raw).__name__}")
        prefix, _, label = raw.partition("-")
        prefix = prefix.upper()
        if raw == "O" or prefix == "O":
            prefix, label = "O", ""
        elif not label or prefix not in ("B", "I", "E", "L", "S", "U"):
            raise BuildError(
                f"tag {index} is {raw!r}; expected O or B-/I-/E-/L-/S-/U- followed by a label"
            )
        continues = prefix in ("I", "E", "L") and current == label
        if current is not None and not continues:
            spans.append((current, begin, index))
            current = None
        if prefix == "O":
            continue
        if not continues:
            current, begin = label, index
        if prefix in ("E", "L", "S", "U"):
            spans.append((label, begin, index + 1))
            current = None
    return spans
