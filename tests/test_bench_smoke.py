"""The benchmarks still run, on tiny data: their own checks (both sides build the same boxes,
the output validates with both validators) pass. Nothing here is timed or compared; ``make
bench`` does that. A bench that stopped running went unnoticed once (the validator's setup
warning for s3:// images failed its "do not validate" check): this catches that."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import bench_predictions
import pytest


# The SDK (the peer) calls a pydantic method pydantic deprecates; not ours to fix.
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_the_predictions_bench_runs_and_its_checks_pass() -> None:
    rows = bench_predictions.run(quick=True, count=20)
    cases = {row["case"] for row in rows}
    assert {"build, typed, xyxy_px, float lists", "build, numpy batch", "validate"} <= cases
    assert all(row["prelabel_s"] is None or row["prelabel_s"] > 0 for row in rows)
