"""prelabel.rle: golden vectors, round trips, agreement with Label Studio's codec, errors."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from label_studio_sdk.converter import brush
from numpy.typing import NDArray

from prelabel import rle
from prelabel.rle import RLEError, RLEHeader, RLEStats
from prelabel.rle._tokens import STRETCH_BYTES

GOLDEN = sorted((Path(__file__).parent / "data" / "rle-golden" / "cases").glob("*.json"))
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --------------------------------------------------------------------------------------------
# helpers: golden records, and an independent (slow, string-based) stream writer


def load(path: Path) -> dict[str, Any]:
    rec: dict[str, Any] = json.loads(path.read_text())
    h, w = rec["height"], rec["width"]
    bits = np.unpackbits(np.frombuffer(base64.b64decode(rec["mask"]), np.uint8))[: h * w]
    rec["bool_mask"] = bits.reshape(h, w).astype(bool)
    if "rgba" in rec:
        rgba = np.frombuffer(base64.b64decode(rec["rgba"]), np.uint8).reshape(h, w, 4)
        rec["rgba_array"] = rgba
    return rec


def sha(stream: list[int]) -> str:
    return hashlib.sha256(bytes(stream)).hexdigest()


BYTE_BITS = [f"{v:08b}" for v in range(256)]
Token = tuple[str, int, list[int]]  # ("rep", class, [value] * count) or ("lit", class, values)


def write_stream(
    tokens: list[Token],
    *,
    widths: tuple[int, int, int, int] = (3, 4, 8, 16),
    words: int | None = None,
    word_size: int = 8,
    tail: bytes = b"",
) -> list[int]:
    """Build a stream token by token, padded to whole bytes (as the editor does)."""
    n = sum(len(v) for _, _, v in tokens) if words is None else words
    parts = [f"{n:032b}{word_size - 1:05b}", *(f"{w - 1:04b}" for w in widths)]
    for kind, cls, values in tokens:
        w = widths[cls]
        assert 1 <= len(values) <= 2**w
        parts.append(("1" if kind == "rep" else "0") + f"{cls:02b}" + f"{len(values) - 1:0{w}b}")
        parts.extend(BYTE_BITS[v] for v in (values[:1] if kind == "rep" else values))
    bits = "".join(parts)
    bits += "0" * (-len(bits) % 8)
    return [int(bits[i : i + 8], 2) for i in range(0, len(bits), 8)] + list(tail)


def smallest_class(count: int, widths: tuple[int, int, int, int] = (3, 4, 8, 16)) -> int:
    return next(c for c, w in enumerate(widths) if count <= 2**w)


WORKED = [0, 0, 0, 24, 57, 27, 252, 96, 17, 255, 223, 0, 0]  # reference doc, 2x3, (0, 1) set


# --------------------------------------------------------------------------------------------
# golden vectors


@pytest.mark.parametrize("path", GOLDEN, ids=[p.stem for p in GOLDEN])
def test_golden(path: Path) -> None:
    rec = load(path)
    h, w, mask = rec["height"], rec["width"], rec["bool_mask"]
    streams = []
    if not rec.get("decode_only"):
        for given_mask in (mask.astype(np.uint8) * 255, mask):
            got = rle.encode(given_mask)
            assert len(got) == rec["rle_len"]
            if rec["rle"] is not None:
                assert got == rec["rle"]
            else:
                assert sha(got) == rec["rle_sha256"]
        streams.append(got)
    if rec["rle_frontend"] is not None:
        assert sha(rec["rle_frontend"]) == rec["rle_frontend_sha256"]
        streams.append(rec["rle_frontend"])
    for stream in streams:
        if "rgba_array" in rec:
            assert np.array_equal(rle.decode_rgba(stream, h, w), rec["rgba_array"])
            expected = rec["rgba_array"][..., 3]
        else:
            expected = mask.astype(np.uint8) * 255
        assert np.array_equal(rle.decode(stream, h, w), expected)
        assert np.array_equal(rle.decode_bool(stream, h, w), expected != 0)
        stats = rle.check(stream, h, w)
        assert stats == RLEStats(
            h, w, int(np.count_nonzero(expected)), int(expected.max(initial=0))
        )


def test_golden_cases_are_all_there() -> None:
    assert len(GOLDEN) == 26


def test_worked_example_from_the_reference() -> None:
    mask = np.zeros((2, 3), np.uint8)
    mask[0, 1] = 255
    assert rle.encode(mask) == WORKED
    assert rle.encode(np.zeros((1, 1), bool)) == [0, 0, 0, 4, 57, 27, 252, 96, 0]
    # the editor's padding (ceil bytes) decodes the same
    assert np.array_equal(rle.decode(WORKED[:-1], 2, 3), mask)


# --------------------------------------------------------------------------------------------
# round trips and agreement with the official encoder

shapes = st.tuples(st.integers(1, 40), st.integers(1, 40)) | st.sampled_from(
    [(1, 1), (1, 97), (97, 1), (1, 4096), (3, 1)]
)


@st.composite
def rect_masks(draw: st.DrawFn) -> NDArray[np.bool_]:
    h, w = draw(shapes)
    mask = np.zeros((h, w), bool)
    for _ in range(draw(st.integers(0, 4))):
        y0, y1 = sorted(draw(st.lists(st.integers(0, h), min_size=2, max_size=2)))
        x0, x1 = sorted(draw(st.lists(st.integers(0, w), min_size=2, max_size=2)))
        mask[y0:y1, x0:x1] ^= True
    return mask


@st.composite
def noise_masks(draw: st.DrawFn, high: int = 2) -> NDArray[np.int64]:
    h, w = draw(shapes)
    seed = draw(st.integers(0, 2**32 - 1))
    p = draw(st.sampled_from([0.02, 0.5, 0.98]))
    rng = np.random.default_rng(seed)
    if high == 2:
        return (rng.random((h, w)) < p).astype(np.int64)
    return rng.integers(0, high, (h, w))


@st.composite
def long_run_masks(draw: st.DrawFn) -> NDArray[np.bool_]:
    """One row of a few runs, some longer than 65536 words (16384 pixels)."""
    runs = draw(st.lists(st.integers(1, 50_000), min_size=1, max_size=4))
    runs.append(draw(st.sampled_from([16_384, 16_385, 16_384 * 2 + 1, 16_384 + 16, 16_384 + 64])))
    values = np.arange(len(runs)) % 2 == draw(st.integers(0, 1))
    return np.repeat(values, runs)[None, :]


@FAST
@given(rect_masks() | noise_masks().map(lambda m: m.astype(bool)) | long_run_masks())
def test_round_trip_bool(mask: NDArray[np.bool_]) -> None:
    h, w = mask.shape
    stream = rle.encode(mask)
    assert np.array_equal(rle.decode_bool(stream, h, w), mask)
    assert np.array_equal(rle.decode(stream, h, w), mask * np.uint8(255))
    rgba = rle.decode_rgba(stream, h, w)
    assert np.array_equal(rgba, np.repeat(mask[..., None] * np.uint8(255), 4, axis=2))


@FAST
@given(noise_masks(high=256))
def test_round_trip_alpha_values(mask: NDArray[np.int64]) -> None:
    h, w = mask.shape
    assert np.array_equal(rle.decode(rle.encode(mask, values="alpha"), h, w), mask)


@FAST
@given(rect_masks() | noise_masks().map(lambda m: m.astype(bool)) | long_run_masks())
def test_bit_exact_with_official_mask2rle(mask: NDArray[np.bool_]) -> None:
    u8 = mask.astype(np.uint8) * 255
    assert rle.encode(u8) == brush.mask2rle(u8)
    assert rle.encode(mask) == brush.mask2rle(u8)


@FAST
@given(noise_masks(high=256))
def test_bit_exact_with_official_on_any_byte_values(mask: NDArray[np.int64]) -> None:
    assert rle.encode(mask.astype(np.uint8), values="alpha") == brush.mask2rle(
        mask.astype(np.uint8)
    )


@FAST
@given(noise_masks(high=256))
def test_official_decoder_agrees(mask: NDArray[np.int64]) -> None:
    u8 = mask.astype(np.uint8)
    words = brush.decode_rle(rle.encode(u8, values="alpha"))
    assert np.array_equal(words.reshape(*u8.shape, 4)[..., 3], u8)


def test_long_runs_split_like_the_official_encoder() -> None:
    # 16385 px = 65540 words: one full 65536-word token, then 4 words still in class 3
    for px in (16_384, 16_385, 16_400, 16_384 * 3 + 1, 16_384 * 2):
        mask = np.full((1, px), 255, np.uint8)
        mask[0, -1] = 0
        assert rle.encode(mask) == brush.mask2rle(mask), px
        assert np.array_equal(rle.decode(rle.encode(mask), 1, px), mask)


def test_4096_square_mask_round_trips() -> None:
    mask = np.zeros((4096, 4096), bool)
    mask[1000:3000, 500:3500] = True
    mask[::7, ::5] ^= True
    assert np.array_equal(rle.decode_bool(rle.encode(mask), 4096, 4096), mask)


# --------------------------------------------------------------------------------------------
# dtypes, layouts and value modes


@pytest.mark.parametrize(
    "dtype",
    ["bool", "uint8", "int8", "int16", "uint16", "int32", "uint32", "int64", "uint64", ">i4"],
)
def test_dtypes(dtype: str) -> None:
    base = np.zeros((5, 7), np.uint8)
    base[1:3, 2:6] = 1
    mask = base.astype(dtype) if dtype == "bool" else (base * 255).astype(dtype)
    if dtype == "int8":
        mask = base.astype(dtype) * 100  # int8 cannot hold 255
        assert rle.encode(mask) == brush.mask2rle(mask.astype(np.uint8))
    else:
        assert rle.encode(mask) == brush.mask2rle(base * np.uint8(255))


def test_non_contiguous_masks_are_read_row_major() -> None:
    rng = np.random.default_rng(3)
    mask = (rng.random((30, 50)) < 0.3).astype(np.uint8) * 255
    expected = brush.mask2rle(mask)
    assert rle.encode(np.asfortranarray(mask)) == expected
    big = np.zeros((60, 100), np.uint8)
    big[::2, ::2] = mask
    assert rle.encode(big[::2, ::2]) == expected
    assert rle.encode(mask.T.T) == expected
    assert rle.encode(mask.tolist()) == expected


def test_binary_values_draw_every_nonzero_pixel_at_255() -> None:
    labels = np.array([[0, 1, 2, 2], [3, 0, 0, 7]])
    expected = brush.mask2rle((labels != 0).astype(np.uint8) * 255)
    assert rle.encode(labels, values="binary") == expected
    assert rle.encode(labels.astype(np.uint8), values="binary") == expected
    assert rle.encode(labels != 0, values="binary") == expected
    assert rle.encode(labels == 2) == brush.mask2rle((labels == 2).astype(np.uint8) * 255)


def test_alpha_values_keep_a_01_mask_as_is() -> None:
    mask = np.array([[0, 1], [1, 0]], np.uint8)
    stream = rle.encode(mask, values="alpha")
    assert stream == brush.mask2rle(mask)
    assert rle.check(stream, 2, 2).max_alpha == 1


def test_soft_alpha_is_kept() -> None:
    mask = np.array([[0, 60, 128, 255]], np.uint8)
    assert np.array_equal(rle.decode(rle.encode(mask), 1, 4), mask)


def test_output_is_plain_json() -> None:
    stream = rle.encode(np.eye(3, dtype=bool))
    assert type(stream) is list
    assert all(type(v) is int for v in stream)
    assert json.loads(json.dumps(stream)) == stream


@pytest.mark.parametrize(
    "kind",
    ["list", "tuple", "bytes", "bytearray", "memoryview", "uint8", "int64", "numpy-ints"],
)
def test_decode_accepts_byte_containers(kind: str) -> None:
    given_rle: Any = {
        "list": WORKED,
        "tuple": tuple(WORKED),
        "bytes": bytes(WORKED),
        "bytearray": bytearray(WORKED),
        "memoryview": memoryview(bytes(WORKED)),
        "uint8": np.array(WORKED, np.uint8),
        "int64": np.array(WORKED, np.int64),
        "numpy-ints": [np.int64(v) for v in WORKED],
    }[kind]
    assert rle.decode(given_rle, 2, 3).tolist() == [[0, 255, 0], [0, 0, 0]]


# --------------------------------------------------------------------------------------------
# streams other encoders write: literal chunks, other widths, padding, trailing bytes


@st.composite
def token_streams(draw: st.DrawFn) -> tuple[list[int], NDArray[np.uint8], int]:
    """Random repeat/literal tokens with a random header; returns (stream, words, pixels)."""
    widths = draw(st.sampled_from([(3, 4, 8, 16), (1, 2, 3, 4), (16, 16, 16, 16), (5, 9, 12, 2)]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    tokens: list[Token] = []
    words: list[int] = []
    for _ in range(draw(st.integers(1, 40))):
        cls = draw(st.integers(0, 3))
        count = draw(st.integers(1, min(2 ** widths[cls], 300)))
        if draw(st.booleans()):
            tokens.append(("rep", cls, [int(rng.integers(0, 256))] * count))
        else:
            tokens.append(("lit", cls, rng.integers(0, 256, count).tolist()))
        words += tokens[-1][2]
    fill = -len(words) % 4 or 4  # whole pixels, and at least one more token
    tokens.append(("rep", smallest_class(fill, widths), [9] * fill))
    words += [9] * fill
    tail = bytes(draw(st.lists(st.integers(0, 255), max_size=3)))
    stream = write_stream(tokens, widths=widths, tail=tail)
    return stream, np.array(words, np.uint8), len(words) // 4


@settings(max_examples=80, deadline=None)
@given(token_streams())
def test_decode_any_valid_stream(case: tuple[list[int], NDArray[np.uint8], int]) -> None:
    stream, words, n_px = case
    assert np.array_equal(rle.decode_rgba(stream, 1, n_px).ravel(), words)
    assert np.array_equal(rle.decode(stream, 1, n_px).ravel(), words[3::4])


@settings(max_examples=15, deadline=None)
@given(token_streams())
def test_official_decoder_reads_the_test_streams_the_same(
    case: tuple[list[int], NDArray[np.uint8], int],
) -> None:
    """The test's stream writer is right: Label Studio's decoder agrees with it."""
    stream, words, _ = case
    assert np.array_equal(brush.decode_rle(stream), words)


@pytest.mark.parametrize("n_tokens", [1_500, 8_000], ids=["one-stretch", "stretches"])
def test_literal_chunks_in_long_streams(n_tokens: int) -> None:
    """Literal chunks anywhere in the token walk, also across the stretches it reads at once."""
    rng = np.random.default_rng(n_tokens)
    tokens: list[Token] = []
    words: list[int] = []
    for i in range(n_tokens):
        if i % 23 == 5:
            count = int(rng.integers(1, 200 if n_tokens < 5_000 else 1_000))
            tokens.append(("lit", smallest_class(count), rng.integers(0, 256, count).tolist()))
        else:
            count = int(rng.integers(1, 20))
            tokens.append(("rep", smallest_class(count), [int(rng.integers(0, 256))] * count))
        words += tokens[-1][2]
    fill = -len(words) % 4 or 4
    tokens.append(("rep", 0, [0] * fill))
    words += [0] * fill
    stream = write_stream(tokens)
    body = len(stream) - 6
    assert (body > STRETCH_BYTES) == (n_tokens > 5_000)
    got = rle.decode_rgba(stream, 1, len(words) // 4)
    assert np.array_equal(got.ravel(), np.array(words, np.uint8))


def test_a_literal_chunk_longer_than_a_stretch() -> None:
    """The walk jumps over whole stretches inside one literal chunk and resumes after it."""
    rng = np.random.default_rng(3)
    literal = rng.integers(0, 256, 65_532).tolist()  # 64 KiB of stream: several stretches
    tokens: list[Token] = [
        ("rep", 1, [7] * 12),
        ("lit", 3, literal),
        *[("rep", 0, [int(v)] * 4) for v in rng.integers(0, 256, 5_000)],
    ]
    words = [w for token in tokens for w in token[2]]
    stream = write_stream(tokens)
    assert len(stream) > 3 * STRETCH_BYTES
    got = rle.decode_rgba(stream, 1, len(words) // 4)
    assert np.array_equal(got.ravel(), np.array(words, np.uint8))
    assert np.array_equal(brush.decode_rle(stream), np.array(words, np.uint8))


def test_stream_that_overshoots_the_word_count_is_clipped_as_label_studio_does() -> None:
    stream = write_stream([("rep", 1, [255] * 12)], words=8)  # 12 words for a 1x2 image
    assert rle.decode(stream, 1, 2).tolist() == [[255, 255]]


def test_trailing_bytes_are_ignored() -> None:
    assert np.array_equal(rle.decode(WORKED + [255] * 50, 2, 3), rle.decode(WORKED, 2, 3))


# --------------------------------------------------------------------------------------------
# header, check


def test_header() -> None:
    head = rle.header(WORKED)
    assert head == RLEHeader(words=24, word_size=8, count_widths=(3, 4, 8, 16))
    assert head.pixels == 6
    custom = rle.header(write_stream([("rep", 0, [1] * 3)], widths=(2, 5, 9, 13)))
    assert custom.count_widths == (2, 5, 9, 13)
    assert custom.pixels is None


def test_check_reports_empty_and_invisible_masks() -> None:
    assert rle.check(rle.encode(np.zeros((3, 3), bool)), 3, 3) == RLEStats(3, 3, 0, 0)
    faint = rle.encode(np.eye(3, dtype=np.uint8), values="alpha")
    assert rle.check(faint, 3, 3) == RLEStats(3, 3, 3, 1)
    # RGB may differ from alpha: only alpha counts
    stream = write_stream([("lit", 0, [200, 200, 200, 0, 0, 0, 0, 7])])
    assert rle.check(stream, 1, 2) == RLEStats(1, 2, 1, 7)


# --------------------------------------------------------------------------------------------
# errors: encode


def raises(message: str) -> Any:
    return pytest.raises(RLEError, match=f"^{re.escape(message)}$")


@pytest.mark.parametrize(
    ("mask", "message"),
    [
        (np.zeros(5, bool), "mask must be 2-D (height, width), got shape (5,)"),
        (
            np.zeros((4, 5, 3), np.uint8),
            "mask must be 2-D (height, width), got shape (4, 5, 3); pass one channel, "
            "e.g. mask[..., 0], or one mask of a stack, e.g. mask[0]",
        ),
        (np.zeros((0, 5), bool), "mask is empty, got shape (0, 5)"),
        (
            np.zeros((2, 2), np.float32),
            "mask has dtype float32; threshold it first, e.g. encode(mask > 0.5)",
        ),
        (
            np.zeros((2, 2), np.complex64),
            "mask has dtype complex64; expected bool or an integer dtype",
        ),
        (np.full((2, 2), "a"), "mask has dtype <U1; expected bool or an integer dtype"),
        (np.array([[0, 300]]), "mask values must be in 0..255, got min 0 and max 300"),
        (np.array([[-1, 255]]), "mask values must be in 0..255, got min -1 and max 255"),
        (
            np.array([[0, 1]], np.uint8),
            "mask holds only 0 and 1, which Label Studio draws at alpha 1/255 (invisible); "
            "use encode(mask, values='binary') to draw nonzero pixels at 255, "
            "or values='alpha' to keep alpha 1",
        ),
        (
            np.ones((3, 3), np.int64),
            "mask holds only 0 and 1, which Label Studio draws at alpha 1/255 (invisible); "
            "use encode(mask, values='binary') to draw nonzero pixels at 255, "
            "or values='alpha' to keep alpha 1",
        ),
        (
            np.broadcast_to(np.zeros((1, 1), bool), (32_768, 32_768)),
            "mask of shape (32768, 32768) is too large: the RLE header counts at most "
            "4294967295 words, i.e. 1073741823 pixels",
        ),
    ],
    ids=[
        "1-d",
        "3-d",
        "empty",
        "float",
        "complex",
        "str",
        "above-255",
        "negative",
        "zero-one",
        "all-ones",
        "too-large",
    ],
)
def test_encode_errors(mask: Any, message: str) -> None:
    with raises(message):
        rle.encode(mask)


def test_encode_rejects_an_unknown_values_mode() -> None:
    with pytest.raises(ValueError, match=re.escape("values must be 'auto', 'binary' or 'alpha'")):
        rle.encode(np.zeros((2, 2), bool), values="soft")  # type: ignore[arg-type]


def test_rle_error_is_a_value_error_and_the_public_one() -> None:
    import prelabel

    assert issubclass(RLEError, ValueError)
    assert RLEError is prelabel.RLEError


# --------------------------------------------------------------------------------------------
# errors: decode

TRUNCATED = rle.encode(np.eye(40, dtype=bool))


@pytest.mark.parametrize(
    ("stream", "height", "width", "message"),
    [
        (
            "eNoLz...",
            2,
            3,
            "rle must be a list of ints 0..255 (Label Studio brush RLE), got a str; "
            "a string is likely a COCO compressed RLE, which is another format",
        ),
        (
            {"counts": [1, 2], "size": [2, 3]},
            2,
            3,
            "rle must be a list of ints 0..255 (Label Studio brush RLE), got a dict; "
            "{'counts': ..., 'size': ...} is a COCO RLE, which is another format",
        ),
        (None, 2, 3, "rle must be a list of ints 0..255 (Label Studio brush RLE), got NoneType"),
        (
            [*WORKED[:5], 300, *WORKED[6:]],
            2,
            3,
            "rle[5] is 300 (int); a Label Studio brush RLE is a list of ints 0..255; run "
            "lengths above 255 suggest a COCO RLE 'counts' list, which is another format",
        ),
        (
            [*WORKED[:2], -1, *WORKED[3:]],
            2,
            3,
            "rle[2] is -1 (int); a Label Studio brush RLE is a list of ints 0..255",
        ),
        (
            [*WORKED[:4], 57.0, *WORKED[5:]],
            2,
            3,
            "rle[4] is 57.0 (float); a Label Studio brush RLE is a list of ints 0..255",
        ),
        (
            np.array([0, 1, 256]),
            2,
            3,
            "rle[2] is 256 (int64); a Label Studio brush RLE is a list of ints 0..255; run "
            "lengths above 255 suggest a COCO RLE 'counts' list, which is another format",
        ),
        (
            np.zeros((2, 7), np.uint8),
            2,
            3,
            "rle must be a 1-D array of ints 0..255, got shape (2, 7) dtype uint8",
        ),
        (
            [0, 0, 0, 24, 57],
            2,
            3,
            "rle has 5 bytes, but a Label Studio brush RLE starts with a 7-byte header",
        ),
        (
            write_stream([("rep", 0, [0] * 8)], word_size=16),
            1,
            2,
            "rle header declares 16-bit words, but Label Studio brush masks use 8-bit words "
            "(header bytes 4-5 are 57, 27; got 121, 27); this is not a Label Studio brush RLE",
        ),
        (
            WORKED,
            2,
            2,
            "rle header declares 24 words (6 pixels x 4 channels), but a mask of height 2 and "
            "width 2 needs 16 words (4 pixels); pass the original_height and original_width of "
            "the image the mask was made for (the stream does not store them)",
        ),
        (
            write_stream([("rep", 0, [0] * 6)]),
            2,
            3,
            "rle header declares 6 words (not a whole number of 4-channel RGBA pixels), but a "
            "mask of height 2 and width 3 needs 24 words (6 pixels); the stream has one word "
            "per pixel, Label Studio needs 4 (RGBA); pass the original_height and "
            "original_width of the image the mask was made for (the stream does not store "
            "them)",
        ),
        (
            [255, 255, 255, 252, 57, 27, 252, 96, 0],
            2,
            3,
            "rle header declares 4294967292 words (1073741823 pixels x 4 channels), but a mask "
            "of height 2 and width 3 needs 24 words (6 pixels); pass the original_height and "
            "original_width of the image the mask was made for (the stream does not store "
            "them)",
        ),
        (
            TRUNCATED[:-3],
            40,
            40,
            f"rle is truncated: its {len(TRUNCATED) - 3} bytes hold 6236 of the 6400 words "
            "its header declares",
        ),
        (
            WORKED[:8],
            2,
            3,
            "rle is truncated: its 8 bytes hold 0 of the 24 words its header declares",
        ),
        (
            write_stream([("lit", 0, [1] * 8)])[:-1],
            1,
            2,
            "rle is truncated: its 15 bytes hold 0 of the 8 words its header declares",
        ),
        (WORKED, 0, 3, "height must be a positive integer (pixels), got 0"),
        (WORKED, 2, -3, "width must be a positive integer (pixels), got -3"),
        (WORKED, 2.0, 3, "height must be a positive integer (pixels), got 2.0"),
        (WORKED, True, 3, "height must be a positive integer (pixels), got True"),
    ],
    ids=[
        "str",
        "coco-dict",
        "none",
        "byte-300",
        "byte-negative",
        "byte-float",
        "array-256",
        "array-2d",
        "short-header",
        "word-size",
        "size-mismatch",
        "one-word-per-pixel",
        "hostile-word-count",
        "truncated",
        "truncated-in-first-tokens",
        "truncated-literal",
        "height-zero",
        "width-negative",
        "height-float",
        "height-bool",
    ],
)
def test_decode_errors(stream: Any, height: Any, width: Any, message: str) -> None:
    for fn in (rle.decode, rle.decode_bool, rle.decode_rgba, rle.check):
        with raises(message):
            fn(stream, height, width)


def test_header_errors_never_echo_the_stream() -> None:
    stream = [*range(200)] * 5000
    stream[0:7] = [0, 0, 0, 4, 9, 9, 9]
    with pytest.raises(RLEError) as info:
        rle.decode(stream, 1, 1)
    assert len(str(info.value)) < 300


def test_hostile_header_allocates_nothing_of_the_claimed_size() -> None:
    """A header that claims 4 * 32767 * 32767 words, with the matching size, and no tokens."""
    n = 4 * 32_767 * 32_767
    stream = [*n.to_bytes(4, "big"), 57, 27, 255, 255, 255]
    tracemalloc.start()
    try:
        with raises(f"rle is truncated: its 9 bytes hold 0 of the {n} words its header declares"):
            rle.decode(stream, 32_767, 32_767)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 10_000_000


def test_check_allocates_nothing_of_the_image_size() -> None:
    stream = rle.encode(np.zeros((4096, 4096), bool))
    rle.check(stream, 4096, 4096)  # build the lookup tables outside the measurement
    tracemalloc.start()
    try:
        assert rle.check(stream, 4096, 4096) == RLEStats(4096, 4096, 0, 0)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000  # the mask alone would be 16 MiB


def test_module_all_is_sorted_and_importable() -> None:
    assert rle.__all__ == sorted(rle.__all__)
    for name in rle.__all__:
        assert hasattr(rle, name), name


def test_encode_memory_is_bounded_on_noise() -> None:
    """A coin-flip mask (a run every other pixel) is packed in bounded chunks: the peak is
    about the output list's own size, not a dozen 8-byte arrays per run (was ~47 B/pixel)."""
    import tracemalloc

    mask = np.random.default_rng(0).random((1000, 1000)) < 0.5
    tracemalloc.start()
    try:
        out = rle.encode(mask)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (rle.decode_bool(out, 1000, 1000) == mask).all()
    assert peak / mask.size < 20, f"{peak / mask.size:.1f} bytes per pixel"
