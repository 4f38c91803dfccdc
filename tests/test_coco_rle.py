"""COCO RLE: decode/encode both count forms, round trips, and bad input named."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from prelabel import BuildError
from prelabel.adapters.coco_rle import (
    counts_from_string,
    counts_to_string,
    decode_coco_rle,
    encode_coco_rle,
)


def test_column_major_order() -> None:
    mask = np.array([[1, 0, 0], [1, 1, 0]], dtype=bool)
    # columns first: (1, 1), (0, 1), (0, 0); runs start with background, here empty
    assert encode_coco_rle(mask, compressed=False) == {"size": [2, 3], "counts": [0, 2, 1, 1, 2]}
    assert np.array_equal(decode_coco_rle({"size": [2, 3], "counts": [0, 2, 1, 1, 2]}), mask)


def test_known_compressed_string_with_deltas() -> None:
    # runs 5, 7, 6, 4: from the fourth on, stored as differences from two places before
    counts = [5, 7, 6, 4]
    text = counts_to_string(counts)
    assert text == "576" + chr(48 + (-3 & 0x1F))
    assert counts_from_string(text) == counts


@settings(max_examples=60, deadline=None)
@given(arrays(np.bool_, st.tuples(st.integers(1, 30), st.integers(1, 30))))
def test_roundtrip_both_forms(mask: np.ndarray) -> None:
    for compressed in (True, False):
        assert np.array_equal(decode_coco_rle(encode_coco_rle(mask, compressed=compressed)), mask)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 10**6), min_size=1, max_size=40))
def test_counts_string_roundtrip(counts: list[int]) -> None:
    assert counts_from_string(counts_to_string(counts)) == counts


@pytest.mark.parametrize(
    ("segmentation", "message"),
    [
        pytest.param(
            {"counts": [1]},
            "a COCO RLE needs size [height, width] of positive ints, got None",
            id="no-size",
        ),
        pytest.param(
            {"size": [2, 2], "counts": [1, 2]},
            "COCO RLE counts cover 3 pixels but size 2x2 has 4",
            id="short",
        ),
        pytest.param(
            {"size": [2, 2], "counts": 5},
            "COCO RLE counts must be a list or a string, got int",
            id="type",
        ),
        pytest.param(
            {"size": [2, 2], "counts": "1\x7f"},
            "COCO RLE counts string has an invalid character '\\x7f' at 1",
            id="char",
        ),
        pytest.param(
            {"size": [2, 2], "counts": "Q"},
            "COCO RLE counts string ends in the middle of a number",
            id="truncated",
        ),
    ],
)
def test_bad_input_is_named(segmentation: dict[str, object], message: str) -> None:
    with pytest.raises(BuildError, match=f"^{re.escape(message)}$"):
        decode_coco_rle(segmentation)


GOLDEN = json.loads((Path(__file__).parent / "data" / "coco-rle-golden.json").read_text())


@pytest.mark.parametrize("case", GOLDEN["cases"], ids=lambda c: f"{c['size'][0]}x{c['size'][1]}")
def test_agrees_with_pycocotools(case: dict[str, Any]) -> None:
    mask = np.array([[int(c) for c in row] for row in case["mask_rows"]], dtype=bool)
    assert encode_coco_rle(mask)["counts"] == case["counts"]
    decoded = decode_coco_rle({"size": case["size"], "counts": case["counts"]})
    assert np.array_equal(decoded, mask)
    assert int(decoded.sum()) == case["area"]
