"""Rules Label Studio's server applies to the whole config text before it accepts a project.

They are stricter than the editor's reading (exact attribute spelling, names unique across every
tag), and a config the server refuses cannot be used at all, so they are errors here.
"""

from __future__ import annotations

from lxml import etree

from ..errors import ConfigError
from ._attrs import attr_error, line_of

__all__ = ["check_server_rules"]

_EXACT_ATTRIBUTES = {"name": "name", "toname": "toName", "value": "value", "valuelist": "valueList"}
_MIN_SPEED, _MAX_SPEED = 0.05, 10.0  # Label Studio's bounds on <Video> playback speeds


def check_server_rules(root: etree._Element) -> None:
    """Rules Label Studio's server applies to the whole config before it creates a project.

    The server finds names with a case-sensitive ``name="..."`` search over the whole config
    (any tag, Labels and HTML included) and requires them unique, and its schema reads
    ``name``, ``toName``, ``value`` only in that spelling; the editor is laxer, but a config
    the server refuses cannot be used at all.
    """
    first_line: dict[str, int | None] = {}
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for key in element.attrib:
            written = str(key)
            expected = _EXACT_ATTRIBUTES.get(written.lower())
            if expected is not None and written != expected:
                raise attr_error(
                    element,
                    f"attribute {written}= must be spelled {expected}= (Label Studio's server "
                    "reads it only in that case)",
                )
        name = element.get("name")
        if name is None:
            continue
        if name in first_line:
            raise ConfigError(
                f'duplicate name "{name}" (first used on line {first_line[name]}); Label '
                "Studio's server requires every name= in the config to be unique, on any tag",
                line=line_of(element),
                tag=str(element.tag),
                name=name,
            )
        first_line[name] = line_of(element)
        if str(element.tag).lower() == "video":
            _check_playback_speeds(element)


def _check_playback_speeds(element: etree._Element) -> None:
    speeds: dict[str, float] = {}
    for key in ("defaultPlaybackSpeed", "minPlaybackSpeed"):
        raw = element.get(key)
        if raw is None:
            continue
        try:
            speed = float(raw)
        except ValueError:
            speed = float("nan")
        if not _MIN_SPEED <= speed <= _MAX_SPEED:
            raise attr_error(
                element, f'{key}="{raw}" must be a number from {_MIN_SPEED} to {_MAX_SPEED:g}'
            )
        speeds[key] = speed
    if speeds.get("minPlaybackSpeed", 0.0) > speeds.get("defaultPlaybackSpeed", _MAX_SPEED):
        raise attr_error(
            element,
            f'minPlaybackSpeed="{element.get("minPlaybackSpeed")}" is above '
            f'defaultPlaybackSpeed="{element.get("defaultPlaybackSpeed")}"',
        )
