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
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from label_studio_sdk.converter import brush
from numpy.typing import NDArray

from prelabel import RLEError, rle
from prelabel.rle import _encode
from prelabel.rle._header import MAX_RUN_PX

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


@st.composite
def constant_masks(draw: st.DrawFn) -> NDArray[np.generic]:
    """A mask of one value everywhere, of a drawn shape, dtype and value."""
    h, w = draw(shapes() | st.sampled_from([(1080, 1920), (1, 65536 * 3), (4, 16384)]))
    dtype = draw(st.sampled_from([np.uint8, np.bool_, np.int8, np.int32, np.int64, np.uint16]))
    if dtype is np.bool_:
        value: int | bool = draw(st.booleans())
    else:
        value = draw(st.sampled_from([0, 255]) | st.integers(0, 127))
        if dtype is np.int8:
            value = min(value, 127)
    return np.full((h, w), value, dtype)


def _alpha_mask(mask: NDArray[np.generic]) -> NDArray[np.uint8]:
    return mask.astype(np.uint8) * 255 if mask.dtype == np.bool_ else mask.astype(np.uint8)


@settings(max_examples=60, deadline=None)
@given(constant_masks(), st.sampled_from([0, 1 << 19]))
def test_constant_masks_are_written_from_the_one_run_formula(
    mask: NDArray[np.generic], check_from: int
) -> None:
    """A mask of one value (the min/max check, or one run found by the scan) gives the
    stream the run packer writes, and that stream decodes back to the mask."""
    alpha = _alpha_mask(mask)
    if int(alpha.max()) == 1:
        mask, alpha = mask.astype(np.uint8) * 2, alpha * 2  # 1 alone is refused in "auto"
    with mock.patch.object(_encode, "_CONSTANT_CHECK_PX", check_from):
        stream = rle.encode(mask)
    packed = _encode._pack(np.array([alpha.size]), alpha.ravel()[:1], alpha.size)
    assert stream == packed
    h, w = mask.shape
    assert np.array_equal(rle.decode(stream, h, w), alpha)
    if alpha.size <= 70_000:
        assert stream == brush.mask2rle(alpha)


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 3 * 2**20)
    | st.integers(1, 8).map(lambda k: k * MAX_RUN_PX + 1)
    | st.integers(1, 8).map(lambda k: k * MAX_RUN_PX)
    | st.sampled_from([1, 2, 3, 4, 5, 64, 65]),
    st.integers(0, 255),
)
def test_one_run_equals_the_run_packer(n_px: int, alpha: int) -> None:
    """The formula for one run, byte for byte the packer's stream, across every count class
    and the splits of runs over 65536 words (exact multiples and one pixel more)."""
    packed = _encode._pack(np.array([n_px]), np.array([alpha], np.uint8), n_px)
    assert _encode._one_run(n_px, alpha) == packed


@settings(max_examples=60, deadline=None)
@given(constant_masks(), st.data())
def test_one_pixel_off_a_constant_mask_is_not_constant(
    mask: NDArray[np.generic], data: st.DataObject
) -> None:
    """The sample of the constant check can miss the pixel that differs: the pass over all
    pixels must still find it (first, last, sampled and unsampled pixels)."""
    if mask.dtype == np.bool_:
        mask = mask.astype(np.uint8) * 255
    mask = mask.copy()
    flat = mask.reshape(-1)
    at = data.draw(st.sampled_from([0, flat.size - 1]) | st.integers(0, flat.size - 1))
    flat[at] = 100 if int(flat[at]) == 0 else 0
    alpha = _alpha_mask(mask)
    if int(alpha.max()) == 1:
        return
    with mock.patch.object(_encode, "_CONSTANT_CHECK_PX", 0):
        stream = rle.encode(mask)
    h, w = mask.shape
    assert np.array_equal(rle.decode(stream, h, w), alpha)
    if alpha.size <= 70_000:
        assert stream == brush.mask2rle(alpha)


def test_constant_masks_keep_the_value_checks() -> None:
    """A mask of one value goes through the same value checks as any other."""
    big = (1080, 1920)
    with pytest.raises(RLEError, match="only 0 and 1"):
        rle.encode(np.ones(big, np.uint8))
    with pytest.raises(RLEError, match="min 256 and max 256"):
        rle.encode(np.full(big, 256, np.int32))
    with pytest.raises(RLEError, match="min -1 and max -1"):
        rle.encode(np.full(big, -1, np.int8))
    assert rle.encode(np.ones(big, np.uint8), values="binary") == rle.encode(np.ones(big, bool))
    n_px = big[0] * big[1]
    assert rle.encode(np.ones(big, np.uint8), values="alpha") == _encode._one_run(n_px, 1)
    assert rle.encode(np.full(big, 7, np.int64), values="binary") == rle.encode(
        np.full(big, 255, np.uint8)
    )


@EXAMPLES
@given(masks(), st.sampled_from([0, 10**9]))
def test_both_long_run_splits_equal_the_official_encoder(
    mask: NDArray[np.uint8], few_long: int
) -> None:
    """Runs over 65536 words split one by one (a few) or all at once (many)."""
    with mock.patch.object(_encode, "_FEW_LONG_RUNS", few_long):
        assert rle.encode(mask) == brush.mask2rle(mask)
        assert rle.encode(mask.astype(bool)) == brush.mask2rle(mask)


@pytest.mark.parametrize("few_long", [0, 10**9])
def test_many_long_runs_in_one_mask(few_long: int) -> None:
    """Long runs with short remainders (forced to class 3), long runs of exactly 65536 words
    and more, next to short ones and at both ends, both splits."""
    flat = np.zeros(12 * 20_000, np.uint8)
    at = 2 * MAX_RUN_PX + 3  # a long run whose remainder is 3 pixels
    flat[at] = 255
    at += 1 + MAX_RUN_PX  # exactly one full token
    flat[at : at + 1] = 255
    at += 1 + 3 * MAX_RUN_PX + 64  # remainder 64 pixels: 256 words, class 2 unless forced
    flat[at : at + 2] = 7
    at += 2 + MAX_RUN_PX + 1
    flat[at:] = 255  # a long run at the end
    mask = flat.reshape(12, 20_000)
    with mock.patch.object(_encode, "_FEW_LONG_RUNS", few_long):
        assert rle.encode(mask) == brush.mask2rle(mask)
