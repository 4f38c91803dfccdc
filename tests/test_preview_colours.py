"""A label without ``background`` is drawn in the colour the editor gives it (seeded by its
value); the colours below were read back from Label Studio 1.23.2's editor
(``integration/test_preview.py::test_labels_without_background_get_the_editors_colours``)."""

from __future__ import annotations

import pytest

from prelabel import LabelConfig
from prelabel.preview._colors import Palette, editor_colour

EDITOR = {
    "Car": "#72bfb9",
    "Person": "#72bf7d",
    "PER": "#bf9472",
    "traffic light": "#acbf72",
    "Ünïcode": "#7284bf",
    "猫": "#72bf91",
    "😀 emoji": "#72bfbc",
    "a": "#a272bf",
    "Default": "#a2bf72",
}


@pytest.mark.parametrize(("value", "colour"), sorted(EDITOR.items()))
def test_the_editors_colour_for_a_label_without_background(value: str, colour: str) -> None:
    assert editor_colour(value) == colour


def test_the_palette_follows_the_config() -> None:
    config = LabelConfig.parse(
        '<View><Image name="i" value="$i"/><RectangleLabels name="b" toName="i">'
        '<Label value="Car"/><Label value="Default" background="#DA935D"/>'
        '<Label value="Own" background="#123456"/><Label value="Aliased" alias="A"/>'
        "</RectangleLabels></View>"
    )
    palette = Palette(config)
    assert palette.colour("b", "Car") == EDITOR["Car"]
    assert palette.colour("b", "Default") == EDITOR["Default"]  # the default is replaced
    assert palette.colour("b", "Own") == "#123456"
    assert palette.colour("b", "A") == editor_colour("Aliased")  # seeded by value, not alias
