"""Reading a tag's attributes: lower-cased names, booleans, comma lists, bounded numbers.

Label Studio reads most attributes case-insensitively, so they are looked up lower-cased;
messages spell them as the config wrote them, and every error names the tag and its line.
"""

from __future__ import annotations

from collections.abc import Mapping

from lxml import etree

from ..errors import ConfigError
from ._records import ServerAcceptedError

__all__ = [
    "attr_error",
    "attrs_of",
    "flag",
    "float_attr",
    "int_attr",
    "line_of",
    "lower_tag",
    "split_list",
    "written",
]

_TRUE = {"true", "1", "yes"}


def attrs_of(element: etree._Element) -> dict[str, str]:
    return {str(k).lower(): str(v) for k, v in element.attrib.items()}


def flag(attrs: Mapping[str, str], key: str, default: bool = False) -> bool:
    raw = attrs.get(key)
    return default if raw is None else raw.strip().lower() in _TRUE


def split_list(raw: str | None) -> tuple[str, ...]:
    if not raw:
        return ()
    return tuple(part.strip() for part in raw.split(",") if part.strip())


def line_of(element: etree._Element) -> int | None:
    """The element's 1-based source line (lxml-stubs type it loosely)."""
    line = getattr(element, "sourceline", None)
    return line if isinstance(line, int) else None


def lower_tag(element: etree._Element) -> str | None:
    return element.tag.lower() if isinstance(element.tag, str) else None


def written(element: etree._Element, key: str) -> str:
    """The attribute name as the config spells it (``maxRating``), for messages."""
    return next((str(k) for k in element.attrib if str(k).lower() == key), key)


def attr_error(
    element: etree._Element, message: str, *, server_accepts: bool = False
) -> ConfigError:
    """The error for a bad attribute of ``element``: its line, tag and ``name``.

    ``server_accepts``: Label Studio's server does not check it (a :class:`ServerAcceptedError`).
    """
    kind = ServerAcceptedError if server_accepts else ConfigError
    return kind(message, line=line_of(element), tag=str(element.tag), name=element.get("name"))


def int_attr(
    attrs: Mapping[str, str], key: str, element: etree._Element, *, minimum: int = 0
) -> int | None:
    """``attrs[key]`` as an integer >= ``minimum``, or None when absent or blank."""
    raw = attrs.get(key)
    if raw is None or raw.strip() == "":
        return None
    try:
        value = int(raw)
    except ValueError:
        value = minimum - 1
    if value < minimum:
        raise attr_error(
            element,
            f'{written(element, key)}="{raw}" must be an integer >= {minimum}',
            server_accepts=True,
        )
    return value


def float_attr(attrs: Mapping[str, str], key: str, element: etree._Element) -> float | None:
    """``attrs[key]`` as a finite number, or None when absent or blank."""
    raw = attrs.get(key)
    if raw is None or raw.strip() == "":
        return None
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if value != value or value in (float("inf"), float("-inf")):
        raise attr_error(
            element, f'{written(element, key)}="{raw}" must be a finite number', server_accepts=True
        )
    return value
