"""Offset converters: code points <-> UTF-16 units <-> UTF-8 bytes."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from prelabel.errors import BuildError
from prelabel.offsets import (
    OffsetMap,
    codepoints_to_utf8,
    codepoints_to_utf16,
    convert_offsets,
    utf8_to_codepoints,
    utf16_to_codepoints,
)
from strategies_text import any_text, text_and_offsets

SETTINGS = settings(max_examples=200, deadline=None)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


@pytest.mark.parametrize(
    ("text", "substring", "cp", "utf16", "utf8"),
    [
        ("plain ascii", "ascii", 6, 6, 6),
        ("🐱 New York", "New", 2, 3, 5),
        ("👨🏻‍🚒 firemen drive firetrucks", "firetrucks", 19, 22, 30),
        ("cafe\u0301 au lait", "au", 6, 6, 7),
        ("東京 Tokyo", "Tokyo", 3, 3, 7),
        ("a\r\nb\tc", "c", 5, 5, 5),
        ("🇫🇷 Paris", "Paris", 3, 5, 9),
    ],
    ids=["ascii", "emoji", "zwj-sequence", "combining-mark", "cjk", "crlf-tab", "flag"],
)
def test_known_offsets(text: str, substring: str, cp: int, utf16: int, utf8: int) -> None:
    assert text.index(substring) == cp
    assert codepoints_to_utf16(text, cp) == utf16
    assert codepoints_to_utf8(text, cp) == utf8
    assert utf16_to_codepoints(text, utf16) == cp
    assert utf8_to_codepoints(text, utf8) == cp


@SETTINGS
@given(text_and_offsets())
def test_codepoints_to_units_match_encoders(case: tuple[str, list[int]]) -> None:
    text, offsets = case
    assert codepoints_to_utf16(text, offsets).tolist() == [utf16_len(text[:i]) for i in offsets]
    assert codepoints_to_utf8(text, offsets).tolist() == [utf8_len(text[:i]) for i in offsets]


@SETTINGS
@given(text_and_offsets())
def test_round_trip_through_every_unit(case: tuple[str, list[int]]) -> None:
    text, offsets = case
    mapping = OffsetMap(text)
    for unit in ("codepoint", "utf16", "utf8"):
        there = mapping.from_codepoints(offsets, unit)
        assert mapping.to_codepoints(there, unit).tolist() == offsets
        for other in ("codepoint", "utf16", "utf8"):
            moved = convert_offsets(text, there, from_unit=unit, to_unit=other)
            assert moved.tolist() == mapping.from_codepoints(offsets, other).tolist()


@SETTINGS
@given(any_text)
def test_lengths(text: str) -> None:
    mapping = OffsetMap(text)
    assert (mapping.length, mapping.utf16_length, mapping.utf8_length) == (
        len(text),
        utf16_len(text),
        utf8_len(text),
    )


@SETTINGS
@given(any_text, st.data())
def test_unit_offsets_inside_a_character_are_refused(text: str, data: st.DataObject) -> None:
    mapping = OffsetMap(text)
    for unit, length in (("utf16", mapping.utf16_length), ("utf8", mapping.utf8_length)):
        offset = data.draw(st.integers(0, length), label=unit)
        boundaries = set(mapping.from_codepoints(list(range(len(text) + 1)), unit).tolist())
        if offset in boundaries:
            back = mapping.to_codepoints(offset, unit)
            assert mapping.from_codepoints(back, unit) == offset
        else:
            with pytest.raises(BuildError, match="falls inside the character"):
                mapping.to_codepoints(offset, unit)


def test_scalar_in_scalar_out_and_shapes_kept() -> None:
    text = "🐱 ab"
    assert isinstance(codepoints_to_utf16(text, 1), int)
    assert isinstance(codepoints_to_utf16(text, np.int64(1)), int)
    pairs = codepoints_to_utf16(text, np.array([[0, 1], [2, 4]]))
    assert pairs.shape == (2, 2)
    assert pairs.tolist() == [[0, 2], [3, 5]]
    assert codepoints_to_utf16(text, []).tolist() == []
    assert utf16_to_codepoints(text, [2.0, 3.0]).tolist() == [1, 2]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: utf16_to_codepoints("🐱 cat", 1),
            "UTF-16 offset 1 falls inside the character '🐱' (code point 0, UTF-16 units 0-2); "
            "an offset must fall between characters: check the offsets' unit",
        ),
        (
            lambda: utf8_to_codepoints("é", 1),
            "UTF-8 byte offset 1 falls inside the character 'é' (code point 0, UTF-8 bytes 0-2); "
            "an offset must fall between characters: check the offsets' unit",
        ),
        (
            lambda: utf16_to_codepoints("🐱", 3),
            "UTF-16 offset 3 is past the end of the text (2 UTF-16 units)",
        ),
        (
            lambda: codepoints_to_utf8("abc", [1, 4]),
            "code point offset 4 is past the end of the text (3 code points)",
        ),
        (lambda: codepoints_to_utf16("abc", -1), "code point offsets must be >= 0, got -1"),
        (lambda: codepoints_to_utf16("abc", 1.5), "code point offsets must be integers, got 1.5"),
        (
            lambda: codepoints_to_utf16("abc", True),
            "code point offsets must be integers, got a bool",
        ),
        (lambda: codepoints_to_utf16("abc", "1"), "code point offsets must be integers, got str"),
        (lambda: OffsetMap(b"abc"), "offsets index a str, got bytes"),  # type: ignore[arg-type]
    ],
    ids=[
        "inside-surrogate-pair",
        "inside-utf8-sequence",
        "past-end-utf16",
        "past-end-codepoint",
        "negative",
        "fraction",
        "bool",
        "string",
        "bytes-text",
    ],
)
def test_misuse_messages(call: object, message: str) -> None:
    with pytest.raises(BuildError, match=f"^{re.escape(message)}$"):
        call()  # type: ignore[operator]


def test_large_batch_is_vectorized() -> None:
    text = "🐱 word " * 20_000
    offsets = np.arange(0, len(text) + 1, 7)
    units = codepoints_to_utf16(text, offsets)
    assert units[-1] == utf16_len(text[: int(offsets[-1])])
    assert utf16_to_codepoints(text, units).tolist() == offsets.tolist()
