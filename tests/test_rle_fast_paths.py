"""prelabel.rle's fast paths, pinned to Label Studio's own codec on masks of every shape.

The encoder finds run boundaries 8 pixels at a time in passes of ``_SCAN_PX`` pixels on
masks of ``_SPARSE_MIN_PX`` pixels or more, and falls back to a byte-wise scan for small
masks and noisy stretches; these tests draw masks that hit
every branch (1xN, Nx1, odd sizes, all-zero, all-one, alternating, isolated changes next to
8-pixel word edges and pass edges) and compare with ``mask2rle`` and ``decode_rle``.
"""

from __future__ import annotations

from unittest import mock

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from label_studio_sdk.converter import brush
from numpy.typing import NDArray

from prelabel import rle
from prelabel.rle import _encode

EXAMPLES = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

KINDS = ["zeros", "ones", "alternating", "isolated", "rects", "noise", "stripes"]


@st.composite
def shapes(draw: st.DrawFn) -> tuple[int, int]:
    """(height, width): square and not, 1xN and Nx1, odd sizes, below and above 4096 pixels."""
    return draw(
        st.tuples(st.integers(1, 300), st.integers(1, 300))
        | st.tuples(st.just(1), st.integers(1, 40_000))
        | st.tuples(st.integers(1, 40_000), st.just(1))
        | st.sampled_from([(64, 64), (63, 65), (65, 63), (480, 640), (7, 4099)])
    )


@st.composite
def masks(draw: st.DrawFn) -> NDArray[np.uint8]:
    """A 0/255 mask of a drawn shape and kind."""
    h, w = draw(shapes())
    n = h * w
    kind = draw(st.sampled_from(KINDS))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    flat = np.zeros(n, np.uint8)
    if kind == "ones":
        flat[:] = 255
    elif kind == "alternating":
        flat[draw(st.integers(0, 1)) :: 2] = 255
    elif kind == "isolated":
        # single pixels and short runs on and around 8-pixel word edges
        for _ in range(draw(st.integers(1, 12))):
            at = 8 * int(rng.integers(0, max(1, n // 8))) + draw(st.integers(-2, 2))
            flat[max(0, min(n - 1, at)) : max(0, min(n, at + draw(st.integers(1, 9))))] = 255
    elif kind == "rects":
        mask = flat.reshape(h, w)
        for _ in range(draw(st.integers(1, 5))):
            y0, y1 = sorted(rng.integers(0, h + 1, 2))
            x0, x1 = sorted(rng.integers(0, w + 1, 2))
            mask[y0:y1, x0:x1] ^= 255
    elif kind == "noise":
        flat[rng.random(n) < draw(st.sampled_from([0.001, 0.05, 0.5]))] = 255
    elif kind == "stripes":
        period = draw(st.integers(1, 17))
        flat[(np.arange(n) // period) % 2 == 1] = 255
    return flat.reshape(h, w)


def _same_as_official(mask: NDArray[np.uint8]) -> None:
    stream = rle.encode(mask)
    assert stream == brush.mask2rle(mask)
    assert rle.encode(mask.astype(bool)) == stream
    h, w = mask.shape
    assert np.array_equal(rle.decode(stream, h, w), mask)
    official = brush.decode_rle(stream).reshape(h, w, 4)
    assert np.array_equal(rle.decode_rgba(stream, h, w), official)


@EXAMPLES
@given(masks())
def test_encode_and_decode_equal_the_official_codec(mask: NDArray[np.uint8]) -> None:
    _same_as_official(mask)


@EXAMPLES
@given(masks())
def test_the_word_scan_on_masks_of_any_size(mask: NDArray[np.uint8]) -> None:
    """The 8-pixel word scan (used from ``_SPARSE_MIN_PX`` pixels) on every drawn mask."""
    with mock.patch.object(_encode, "_SPARSE_MIN_PX", 0):
        _same_as_official(mask)


@EXAMPLES
@given(masks(), st.integers(64, 9000))
def test_passes_of_any_length_give_the_same_stream(mask: NDArray[np.uint8], scan: int) -> None:
    """Run boundaries found in several passes, cut anywhere, equal those of one pass."""
    with (
        mock.patch.object(_encode, "_SPARSE_MIN_PX", 0),
        mock.patch.object(_encode, "_SCAN_PX", scan),
    ):
        _same_as_official(mask)


@EXAMPLES
@given(masks(), st.sampled_from([np.int16, np.uint16, np.int32, np.int64, np.uint64]))
def test_wide_integer_masks(mask: NDArray[np.uint8], dtype: type[np.integer]) -> None:
    assert rle.encode(mask.astype(dtype)) == brush.mask2rle(mask)


def test_a_mask_over_one_pass_of_pixels() -> None:
    h, w = 1500, 1500  # 2,250,000 pixels: two passes
    mask = np.zeros((h, w), np.uint8)
    mask[500:600, 900:1000] = 255
    mask[(_encode._SCAN_PX - 3) // w, (_encode._SCAN_PX - 3) % w :] = 255  # across a pass edge
    mask[-1, -1] = 255
    _same_as_official(mask)


@EXAMPLES
@given(masks(), st.sampled_from([0, 10**9]), st.sampled_from([0, 10**9]))
def test_both_token_packers_equal_the_official_encoder(
    mask: NDArray[np.uint8], few: int, rows: int
) -> None:
    """Tokens OR-ed per 64-bit word (few tokens) or added per 32-bit word (many), their
    heads from the class edges (few) or from the 65-row tables (many)."""
    with (
        mock.patch.object(_encode, "_FEW_TOKENS", few),
        mock.patch.object(_encode, "_ROW_TOKENS_FROM", rows),
    ):
        assert rle.encode(mask) == brush.mask2rle(mask)
        assert rle.encode(mask.astype(bool)) == brush.mask2rle(mask)


def test_long_runs_among_many_tokens() -> None:
    """Runs over 65536 words, split the official way, in a stream packed by np.bincount."""
    mask = np.zeros((40, 4000), np.uint8)
    mask[::9, ::3] = 255  # short runs on every ninth row, long empty runs between them
    mask[20:, :] = 255 - mask[20:, :]
    assert rle.encode(mask) == brush.mask2rle(mask)
