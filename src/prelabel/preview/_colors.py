"""Region colours as Label Studio picks them: the label's ``background`` from the config.

The editor strokes and fills a region in its first label's ``background``; a label without one
gets a colour seeded by its value (pleasejs in the editor). That generator is not reproduced
here: such labels get a colour from a fixed palette, seeded by the value too, so one label
keeps one colour across a report.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..tags.base import LabelDef
from ..tags.controls import LabelingControl

if TYPE_CHECKING:
    from ..config import LabelConfig

__all__ = ["NO_LABEL", "Palette", "first_label", "labels_of", "rgb"]

# Readable on light and dark pages alike (mid lightness, saturated).
_PALETTE = (
    "#e6194b",
    "#3cb44b",
    "#4363d8",
    "#f58231",
    "#911eb4",
    "#42d4f4",
    "#f032e6",
    "#9a6324",
    "#469990",
    "#d4a017",
    "#800000",
    "#808000",
)
NO_LABEL = "#f5a623"  # a region with no label (a bare Rectangle, a per-region result)
_HEX = re.compile(r"#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
_NAMED = re.compile(r"[a-zA-Z]{3,20}")


def _seeded(value: str) -> str:
    return _PALETTE[zlib.crc32(value.encode("utf-8")) % len(_PALETTE)]


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
        return found or _seeded(label)

    def result_colour(self, result: Mapping[str, Any]) -> str:
        """The colour of a result's first label (``value[<type>]`` or ``value.labels``)."""
        label = first_label(result)
        return self.colour(str(result.get("from_name", "")), label)


def _colour_of(node: LabelDef) -> str:
    return _safe(node.background) or _seeded(node.result_value)


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
