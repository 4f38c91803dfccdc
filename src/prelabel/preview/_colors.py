"""Region colours as Label Studio picks them: the label's ``background`` from the config.

The editor strokes and fills a region in its first label's ``background``. A label without
one (or with the default, ``#DA935D``) gets a colour seeded by its value: the editor asks
pleasejs for one colour with the value as seed (an RC4 key schedule over the value's UTF-16
code units draws a hue; saturation 0.4 and value 0.75 are fixed). :func:`editor_colour` draws
the same colour, so a preview shows each label as the editor does
(``integration/test_preview.py`` reads the editor's colours back).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..tags.base import LabelDef
from ..tags.controls import LabelingControl

if TYPE_CHECKING:
    from ..config import LabelConfig

__all__ = ["NO_LABEL", "Palette", "editor_colour", "first_label", "labels_of", "rgb"]

EDITOR_DEFAULT = "#DA935D"
"""The editor's default ``background``; a label that has it gets a seeded colour instead."""
_GOLDEN = 0.618033988749895
NO_LABEL = "#f5a623"  # a region with no label (a bare Rectangle, a per-region result)
_HEX = re.compile(r"#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
_NAMED = re.compile(r"[a-zA-Z]{3,20}")


def editor_colour(value: str) -> str:
    """The colour the editor gives a label without ``background``, seeded by its value.

    >>> editor_colour("Car") == editor_colour("Car")
    True
    """
    units = list(memoryview(value.encode("utf-16-le")).cast("H")) or [0]
    state = list(range(256))
    j = 0
    for i in range(256):  # the key schedule
        j = (j + state[i] + units[i % len(units)]) % 256
        state[i], state[j] = state[j], state[i]
    i = j = 0
    drawn = 0.0
    weight = 1.0
    for _ in range(8):  # one random number in [0, 1): 8 output bytes, in double arithmetic
        i = (i + 1) % 256
        j = (j + state[i]) % 256
        state[i], state[j] = state[j], state[i]
        drawn += state[(state[i] + state[j]) % 256] * weight
        weight *= 256.0
    start = math.floor(drawn / 2.0**64 * 361)
    return _hsv_hex(math.fmod(start + start / _GOLDEN, 360.0), 0.4, 0.75)


def _hsv_hex(hue: float, saturation: float, value: float) -> str:
    sector = hue / 60.0
    whole = math.floor(sector)
    part = sector - whole
    low = value * (1 - saturation)
    falling = value * (1 - saturation * part)
    rising = value * (1 - saturation * (1 - part))
    red, green, blue = {
        0: (value, rising, low),
        1: (falling, value, low),
        2: (low, value, rising),
        3: (low, falling, value),
        4: (rising, low, value),
        5: (value, low, falling),
    }[whole]
    return "#" + "".join(f"{math.floor(255 * c):02x}" for c in (red, green, blue))


def _safe(colour: str | None) -> str | None:
    """A colour string that is safe in an SVG attribute and CSS (hex or a plain name)."""
    if colour is None:
        return None
    colour = colour.strip()
    if _HEX.fullmatch(colour) or _NAMED.fullmatch(colour):
        return colour
    return None


class Palette:
    """Colours of every label of a config, by ``(control name, label)``.

    >>> Palette().colour("box", "Car") == Palette().colour("other", "Car")
    True
    """

    def __init__(self, config: LabelConfig | None = None) -> None:
        self._by_control: dict[str, dict[str, str]] = {}
        self._any: dict[str, str] = {}
        if config is None:
            return
        for control in config.controls.values():
            if not isinstance(control, LabelingControl):
                continue
            colours = self._by_control.setdefault(control.name, {})
            for node in control.iter_labels():
                colour = _colour_of(node)
                colours[node.result_value] = colour
                colours.setdefault(node.value, colour)
                self._any.setdefault(node.result_value, colour)

    def colour(self, control: str, label: str | None) -> str:
        """The colour of ``label`` on ``control`` (any control's, else seeded by the label)."""
        if label is None:
            return NO_LABEL
        found = self._by_control.get(control, {}).get(label) or self._any.get(label)
        return found or editor_colour(label)

    def result_colour(self, result: Mapping[str, Any]) -> str:
        """The colour of a result's first label (``value[<type>]`` or ``value.labels``)."""
        label = first_label(result)
        return self.colour(str(result.get("from_name", "")), label)


def _colour_of(node: LabelDef) -> str:
    if node.background is None or node.background == EDITOR_DEFAULT:
        return editor_colour(node.value)  # the editor seeds with the value, not the alias
    return _safe(node.background) or editor_colour(node.value)


def first_label(result: Mapping[str, Any]) -> str | None:
    """The first label a result carries, from ``value[<type>]`` or ``value.labels``."""
    value = result.get("value")
    if not isinstance(value, Mapping):
        return None
    for key in (str(result.get("type", "")), "labels"):
        labels = value.get(key)
        if isinstance(labels, list) and labels and isinstance(labels[0], str):
            return labels[0]
    return None


def labels_of(result: Mapping[str, Any]) -> list[str]:
    """Every label a result carries (``value[<type>]``, ``value.labels``), as strings."""
    value = result.get("value")
    if not isinstance(value, Mapping):
        return []
    for key in (str(result.get("type", "")), "labels"):
        labels = value.get(key)
        if isinstance(labels, list) and labels:
            return [label if isinstance(label, str) else str(label) for label in labels]
    return []


def rgb(colour: str) -> tuple[int, int, int]:
    """``#rgb``/``#rrggbb`` as a triple; a named colour falls back to the no-label colour.

    >>> rgb("#0f8")
    (0, 255, 136)
    """
    text = colour if _HEX.fullmatch(colour) else NO_LABEL
    digits = text[1:]
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return (int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16))
