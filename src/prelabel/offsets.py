"""Character offsets into a string: code points, UTF-16 code units and UTF-8 bytes.

Label Studio counts ``<Text>`` and ``<HyperText>`` offsets in Unicode code points (what Python
``str`` indexing counts), but ``<Paragraphs>`` offsets in UTF-16 code units (JavaScript string
length), and tokenizers report offsets in any of the three: JavaScript tokenizers in UTF-16
units, Rust ``tokenizers`` offsets over bytes in UTF-8. After an emoji the three disagree:

>>> text = "I 🐱 New York"
>>> text.index("New")
4
>>> codepoints_to_utf16(text, 4), codepoints_to_utf8(text, 4)
(5, 7)
>>> utf16_to_codepoints(text, [5, 13]).tolist()
[4, 12]

Every converter takes one offset (returns an ``int``) or an array-like of offsets of any
shape (returns an ``int64`` array of the same shape), and refuses an offset that is past the
end of the text or that falls inside a character (inside a surrogate pair, or between the bytes
of one UTF-8 sequence), since such an offset names no position Label Studio can highlight.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal, overload

from ._lazy import lazy_module
from .errors import BuildError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    IntArray = npt.NDArray[np.int64]
    OffsetArray = Sequence[int] | Sequence[Sequence[int]] | npt.NDArray[Any]
    # Offsets of any shape: a list, nested lists, or a numpy integer array.
    Offsets = int | np.integer[Any] | OffsetArray
else:
    np = lazy_module("numpy")


__all__ = [
    "OffsetMap",
    "OffsetUnit",
    "codepoints_to_utf8",
    "codepoints_to_utf16",
    "convert_offsets",
    "utf8_to_codepoints",
    "utf16_to_codepoints",
]

OffsetUnit = Literal["codepoint", "utf16", "utf8"]
"""What an offset counts: code points (Python ``str``), UTF-16 code units (JavaScript), bytes."""

_UNIT_NAMES: dict[str, str] = {
    "codepoint": "code point",
    "utf16": "UTF-16",
    "utf8": "UTF-8 byte",
}
_UNIT_PLURALS: dict[str, str] = {
    "codepoint": "code points",
    "utf16": "UTF-16 units",
    "utf8": "UTF-8 bytes",
}


class OffsetMap:
    """Offsets into one string, converted between code points, UTF-16 units and UTF-8 bytes.

    Build it once per text and convert many offsets: the tables are computed on first use,
    with numpy, so a batch of token offsets converts in one vectorized step. ASCII text takes
    a shortcut (all three units agree).

    Args:
        text: the exact string the offsets index (no normalization, no newline conversion).

    >>> m = OffsetMap("né 👨🏻‍🚒 x")
    >>> m.length, m.utf16_length, m.utf8_length
    (9, 12, 21)
    >>> m.to_codepoints(11, "utf16")
    8
    >>> m.from_codepoints([0, 3, 7], "utf8").tolist()
    [0, 4, 19]
    """

    __slots__ = ("_ascii", "_tables", "text")

    def __init__(self, text: str) -> None:
        if not isinstance(text, str):
            raise BuildError(f"offsets index a str, got {type(text).__name__}")
        self.text = text
        self._ascii = text.isascii()
        self._tables: dict[str, IntArray] = {}

    @property
    def length(self) -> int:
        """Length in code points (``len(text)``)."""
        return len(self.text)

    @property
    def utf16_length(self) -> int:
        """Length in UTF-16 code units (JavaScript ``text.length``)."""
        return self.length if self._ascii else int(self._table("utf16")[-1])

    @property
    def utf8_length(self) -> int:
        """Length in UTF-8 bytes."""
        return self.length if self._ascii else int(self._table("utf8")[-1])

    def unit_length(self, unit: OffsetUnit) -> int:
        """Length of the text counted in ``unit``."""
        if unit == "codepoint":
            return self.length
        return self.utf16_length if unit == "utf16" else self.utf8_length

    def _table(self, unit: str) -> IntArray:
        """``table[i]`` = offset in ``unit`` of code point ``i``; ``len(text) + 1`` entries."""
        table = self._tables.get(unit)
        if table is None:
            points = np.frombuffer(self.text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
            if unit == "utf16":
                widths = 1 + (points > 0xFFFF)
            else:
                widths = 1 + (points >= 0x80) + (points >= 0x800) + (points >= 0x10000)
            table = np.zeros(len(points) + 1, dtype=np.int64)
            np.cumsum(widths, out=table[1:])
            self._tables[unit] = table
        return table

    @overload
    def to_codepoints(self, offsets: int | np.integer[Any], unit: OffsetUnit) -> int: ...

    @overload
    def to_codepoints(self, offsets: OffsetArray, unit: OffsetUnit) -> IntArray: ...

    def to_codepoints(self, offsets: Offsets, unit: OffsetUnit) -> int | IntArray:
        """Offsets counted in ``unit`` as code-point offsets (Python ``str`` indices).

        Raises:
            BuildError: an offset that is negative, not an integer, past the end of the text,
                or inside a character.
        """
        scalar, values = _as_offsets(offsets, unit)
        _check_range(values, self.unit_length(unit), unit)
        if unit == "codepoint" or self._ascii:
            out = values
        else:
            table = self._table(unit)
            out = np.searchsorted(table, values).astype(np.int64)
            inside = table[out] != values
            if inside.any():
                bad = int(values[inside].flat[0])
                index = int(out[inside].flat[0]) - 1
                raise BuildError(
                    f"{_UNIT_NAMES[unit]} offset {bad} falls inside the character "
                    f"{self.text[index]!r} (code point {index}, {_UNIT_PLURALS[unit]} "
                    f"{int(table[index])}-{int(table[index + 1])}); an offset must fall between "
                    "characters: check the offsets' unit"
                )
        return int(out) if scalar else out

    @overload
    def from_codepoints(self, offsets: int | np.integer[Any], unit: OffsetUnit) -> int: ...

    @overload
    def from_codepoints(self, offsets: OffsetArray, unit: OffsetUnit) -> IntArray: ...

    def from_codepoints(self, offsets: Offsets, unit: OffsetUnit) -> int | IntArray:
        """Code-point offsets as offsets counted in ``unit``.

        Raises:
            BuildError: an offset that is negative, not an integer or past the end of the text.
        """
        scalar, values = _as_offsets(offsets, "codepoint")
        _check_range(values, self.length, "codepoint")
        out = values if unit == "codepoint" or self._ascii else self._table(unit)[values]
        return int(out) if scalar else out


def _as_offsets(offsets: Offsets, unit: str) -> tuple[bool, IntArray]:
    """``(is_scalar, int64 array)``, refusing bools, non-integers and negatives."""
    if isinstance(offsets, (bool, np.bool_)):
        raise BuildError(f"{_UNIT_NAMES[unit]} offsets must be integers, got a bool")
    array = np.asarray(offsets)
    if array.dtype == object or not (
        np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating)
    ):
        raise BuildError(
            f"{_UNIT_NAMES[unit]} offsets must be integers, got {_describe(offsets, array)}"
        )
    if np.issubdtype(array.dtype, np.floating):
        whole = np.isfinite(array) & (array == np.round(array))
        if not whole.all():
            bad = array[~whole].flat[0]
            raise BuildError(f"{_UNIT_NAMES[unit]} offsets must be integers, got {float(bad)}")
    values = array.astype(np.int64)
    if (values < 0).any():
        raise BuildError(f"{_UNIT_NAMES[unit]} offsets must be >= 0, got {int(values.min())}")
    return array.ndim == 0, values


def _describe(offsets: object, array: np.ndarray[Any, Any]) -> str:
    if array.ndim == 0:
        return type(offsets).__name__
    return f"an array of {array.dtype}"


def _check_range(values: IntArray, length: int, unit: str) -> None:
    if values.size and int(values.max()) > length:
        raise BuildError(
            f"{_UNIT_NAMES[unit]} offset {int(values.max())} is past the end of the text "
            f"({length} {_UNIT_PLURALS[unit]})"
        )


@overload
def convert_offsets(
    text: str, offsets: int | np.integer[Any], *, from_unit: OffsetUnit, to_unit: OffsetUnit
) -> int: ...


@overload
def convert_offsets(
    text: str, offsets: OffsetArray, *, from_unit: OffsetUnit, to_unit: OffsetUnit
) -> IntArray: ...


def convert_offsets(
    text: str, offsets: Offsets, *, from_unit: OffsetUnit, to_unit: OffsetUnit
) -> int | IntArray:
    """Convert offsets into ``text`` from one unit to another.

    >>> convert_offsets("😀ab", 3, from_unit="utf16", to_unit="utf8")
    5
    """
    mapping = OffsetMap(text)
    points = mapping.to_codepoints(offsets, from_unit)
    return mapping.from_codepoints(points, to_unit)


@overload
def utf16_to_codepoints(text: str, offsets: int | np.integer[Any]) -> int: ...


@overload
def utf16_to_codepoints(text: str, offsets: OffsetArray) -> IntArray: ...


def utf16_to_codepoints(text: str, offsets: Offsets) -> int | IntArray:
    """UTF-16 code-unit offsets (JavaScript string indices) as code-point offsets.

    >>> utf16_to_codepoints("🐱 cat", 3)
    2
    """
    return OffsetMap(text).to_codepoints(offsets, "utf16")


@overload
def codepoints_to_utf16(text: str, offsets: int | np.integer[Any]) -> int: ...


@overload
def codepoints_to_utf16(text: str, offsets: OffsetArray) -> IntArray: ...


def codepoints_to_utf16(text: str, offsets: Offsets) -> int | IntArray:
    """Code-point offsets as UTF-16 code-unit offsets (what ``<Paragraphs>`` stores).

    >>> codepoints_to_utf16("🐱 cat", 2)
    3
    """
    return OffsetMap(text).from_codepoints(offsets, "utf16")


@overload
def utf8_to_codepoints(text: str, offsets: int | np.integer[Any]) -> int: ...


@overload
def utf8_to_codepoints(text: str, offsets: OffsetArray) -> IntArray: ...


def utf8_to_codepoints(text: str, offsets: Offsets) -> int | IntArray:
    """UTF-8 byte offsets (Rust ``tokenizers``, byte-level BPE) as code-point offsets.

    >>> utf8_to_codepoints("café au lait", [6, 8]).tolist()
    [5, 7]
    """
    return OffsetMap(text).to_codepoints(offsets, "utf8")


@overload
def codepoints_to_utf8(text: str, offsets: int | np.integer[Any]) -> int: ...


@overload
def codepoints_to_utf8(text: str, offsets: OffsetArray) -> IntArray: ...


def codepoints_to_utf8(text: str, offsets: Offsets) -> int | IntArray:
    """Code-point offsets as UTF-8 byte offsets.

    >>> codepoints_to_utf8("café", 4)
    5
    """
    return OffsetMap(text).from_codepoints(offsets, "utf8")
