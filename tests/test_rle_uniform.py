"""The decoder's fill for streams of one value (empty and full masks), pinned to its general path.

``_uniform.uniform_value`` recognises the stream of a mask of one value from its length and
bits and the decoder fills the image instead of walking the tokens. These tests draw such
streams as ``mask2rle``/prelabel and the editor write them, the same with one pixel changed,
and the same with bits flipped, bytes cut off or added, and check that every decoding
function gives what the general path gives: the same array, or the same error.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from unittest import mock

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from label_studio_sdk.converter import brush

from prelabel import rle
from prelabel.rle import RLEError, _decode
from prelabel.rle._uniform import Uniform

EXAMPLES = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

DECODERS: list[Callable[[Any, int, int], Any]] = [
    rle.decode,
    rle.decode_bool,
    rle.decode_rgba,
    rle.check,
]


@st.composite
def shapes(draw: st.DrawFn) -> tuple[int, int]:
    """(height, width), around the token boundaries: 65536 words are 16384 pixels."""
    return draw(
        st.tuples(st.integers(1, 200), st.integers(1, 200))
        | st.tuples(st.just(1), st.integers(1, 70_000))
        | st.tuples(st.integers(1, 70_000), st.just(1))
        | st.sampled_from([(1, 1), (1, 2), (1, 16_384), (1, 16_385), (128, 128), (1080, 1920)])
    )


def editor_stream(words: int, value: int) -> list[int]:
    """The editor's stream of ``words`` words of ``value``: 65536-word tokens, then the rest
    in the smallest class that fits, padded to the next byte (``mask2rle`` writes the rest in
    class 3, and always adds padding)."""
    bits = [f"{words:032b}", "00111", "0010", "0011", "0111", "1111"]
    while words:
        count = min(words, 65_536)
        cls, width = next((c, w) for c, w in enumerate((3, 4, 8, 16)) if count <= 2**w)
        bits.append(f"1{cls:02b}{count - 1:0{width}b}{value:08b}")
        words -= count
    text = "".join(bits)
    text += "0" * (-len(text) % 8)
    return [int(text[i : i + 8], 2) for i in range(0, len(text), 8)]


def general(fn: Callable[[Any, int, int], Any], stream: Any, h: int, w: int) -> Any:
    """``fn`` with the fill turned off: every stream takes the token walk."""
    with mock.patch.object(_decode, "uniform_value", return_value=None):
        return fn(stream, h, w)


def outcome(fn: Callable[[Any, int, int], Any], stream: Any, h: int, w: int) -> tuple[str, Any]:
    try:
        return "ok", fn(stream, h, w)
    except RLEError as e:
        return "error", str(e)


def assert_same(got: Any, want: Any) -> None:
    if isinstance(want, np.ndarray):
        assert isinstance(got, np.ndarray)
        assert got.dtype == want.dtype
        assert got.shape == want.shape
        assert got.flags.c_contiguous
        assert got.flags.writeable
        assert np.array_equal(got, want)
    else:
        assert got == want


def assert_as_general(stream: Any, h: int, w: int) -> None:
    for fn in DECODERS:
        kind, got = outcome(fn, stream, h, w)
        want_kind, want = outcome(lambda s, hh, ww, fn=fn: general(fn, s, hh, ww), stream, h, w)
        assert kind == want_kind, (fn.__name__, got, want)
        assert_same(got, want)


@EXAMPLES
@given(shapes(), st.integers(0, 255), st.booleans())
def test_one_value_streams_take_the_fill(shape: tuple[int, int], value: int, editor: bool) -> None:
    h, w = shape
    mask = np.full(shape, value, np.uint8)
    stream = editor_stream(4 * h * w, value) if editor else rle.encode(mask, values="alpha")
    assert isinstance(_decode.read(stream, h, w), Uniform)
    assert np.array_equal(rle.decode(stream, h, w), mask)
    assert_as_general(stream, h, w)


def test_the_fill_reads_label_studios_own_streams() -> None:
    """mask2rle's empty and full masks, and the editor's form, decode as the SDK does."""
    for value in (0, 1, 128, 255):
        mask = np.full((270, 480), value, np.uint8)
        for stream in (brush.mask2rle(mask), editor_stream(mask.size * 4, value)):
            assert isinstance(_decode.read(stream, 270, 480), Uniform)
            rgba = brush.decode_rle(stream).reshape(270, 480, 4)
            assert np.array_equal(rle.decode_rgba(stream, 270, 480), rgba)


@EXAMPLES
@given(shapes(), st.integers(0, 255), st.integers(0, 255), st.integers(0, 2**32))
def test_one_pixel_changed_takes_the_walk(
    shape: tuple[int, int], value: int, other: int, seed: int
) -> None:
    h, w = shape
    mask = np.full(shape, value, np.uint8)
    mask.flat[seed % mask.size] = other
    stream = rle.encode(mask, values="alpha")
    if other != value and mask.size > 1:
        assert not isinstance(_decode.read(stream, h, w), Uniform)
    assert np.array_equal(rle.decode(stream, h, w), mask)
    assert_as_general(stream, h, w)


@st.composite
def broken(draw: st.DrawFn) -> tuple[list[int], int, int]:
    """A one-value stream with bits flipped, bytes cut off, bytes added or set."""
    h, w = draw(shapes())
    value = draw(st.integers(0, 255))
    stream = (
        editor_stream(4 * h * w, value)
        if draw(st.booleans())
        else rle.encode(np.full((h, w), value, np.uint8), values="alpha")
    )
    for _ in range(draw(st.integers(1, 3))):
        how = draw(st.sampled_from(["flip", "cut", "add", "set"]))
        at = draw(st.integers(0, len(stream) - 1)) if stream else 0
        if how == "flip" and stream:
            stream[at] ^= 1 << draw(st.integers(0, 7))
        elif how == "cut":
            stream = stream[: draw(st.integers(0, len(stream)))]
        elif how == "add":
            stream += draw(st.lists(st.integers(0, 255), min_size=1, max_size=4))
        elif stream:
            stream[at] = draw(st.integers(0, 255))
    return stream, h, w


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(broken())
def test_broken_one_value_streams_decode_or_fail_as_the_walk(
    case: tuple[list[int], int, int],
) -> None:
    stream, h, w = case
    assert_as_general(stream, h, w)


def test_a_cut_off_last_token_is_reported_as_truncated() -> None:
    stream = rle.encode(np.zeros((1080, 1920), np.uint8))  # the last byte: 2 token bits
    for cut in (1, 2, 3):
        assert_as_general(stream[:-cut], 1080, 1920)
        with pytest.raises(RLEError, match="truncated"):
            rle.decode(stream[:-cut], 1080, 1920)


def test_other_count_widths_take_the_walk() -> None:
    stream = editor_stream(64, 255)
    stream[6] ^= 0x10  # class 3's count width 16 -> 14 bits; the one class-2 token reads the same
    assert not isinstance(_decode.read(stream, 4, 4), Uniform)
    assert_as_general(stream, 4, 4)


@pytest.mark.parametrize(
    "shape", [(1, 1), (2, 3), (1, 16_384), (1, 16_385), (128, 128), (1, 70_000)]
)
@pytest.mark.parametrize("editor", [False, True], ids=["mask2rle", "editor"])
def test_every_bit_flipped_and_every_cut(shape: tuple[int, int], editor: bool) -> None:
    """Each field of each token matters: one bit changed anywhere, or the stream cut anywhere,
    gives what the walk gives (a fill only where the bit is padding)."""
    h, w = shape
    stream = editor_stream(4 * h * w, 77) if editor else rle.encode(np.full(shape, 77, np.uint8))
    for at in range(8 * len(stream)):
        flipped = list(stream)
        flipped[at >> 3] ^= 0x80 >> (at & 7)
        assert_as_general(flipped, h, w)
    for cut in range(len(stream)):
        assert_as_general(stream[:cut], h, w)
    for tail in ([0], [255], [0, 0], [170, 85]):
        assert_as_general(stream + tail, h, w)
