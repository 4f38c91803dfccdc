"""The one hardened XML parser of the package.

Labeling configs are pasted by users and fetched from servers, so parsing must never expand
an entity, read a DTD, touch the network or the file system, or run away on a huge tree.
Anything that declares a DOCTYPE or entities is refused before lxml sees it.
"""

from __future__ import annotations

import re
from typing import Final

from lxml import etree

from .errors import ConfigError

MAX_CONFIG_BYTES: Final = 4 * 1024 * 1024
"""Largest config accepted. Real configs with thousands of labels stay well below 1 MB."""

MAX_DEPTH: Final = 64
"""Deepest element nesting accepted. Label Studio templates nest fewer than 10 levels."""

MAX_ELEMENTS: Final = 200_000
"""Most elements accepted (a taxonomy with a hundred thousand nodes still fits)."""

MAX_ATTRIBUTES: Final = 1_000
"""Most attributes on one tag (Label Studio's tags have a few dozen at most). lxml reads an
attribute's value by scanning the tag's attributes, so reading them all is quadratic: 100,000
attributes took over a minute."""

# A text encoding with NUL bytes (UTF-16, UTF-32) hides "<!DOCTYPE" from a byte search: such
# input is decoded first (from its byte order mark, or the NULs around the first "<").
_WIDE = (
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\xfe\xff", "utf-16"),
    (b"\xff\xfe", "utf-16"),
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00<", "utf-16-be"),
    (b"<\x00", "utf-16-le"),
)

_ENCODING_DECLARATION = re.compile(rb"\s*(\xef\xbb\xbf)?<\?xml[^>]*\bencoding\s*=", re.IGNORECASE)
_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)", re.IGNORECASE)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        dtd_validation=False,
        no_network=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        remove_blank_text=False,
    )


def parse_xml(source: str | bytes) -> etree._Element:
    """Parse a labeling config into an element tree, refusing hostile or broken input.

    Args:
        source: the XML text (``str``) or its encoded bytes.

    Returns:
        The root element; elements keep ``sourceline`` for error messages.

    Raises:
        ConfigError: empty input, too large, DOCTYPE/entity declarations, not well-formed XML,
            entity references, nesting deeper than ``MAX_DEPTH`` or more than ``MAX_ELEMENTS``.

    >>> parse_xml("<View><Image name='img' value='$image'/></View>").tag
    'View'
    """
    data = source.encode("utf-8", "surrogatepass") if isinstance(source, str) else bytes(source)
    data = _as_utf8(data)
    if not data.strip():
        raise ConfigError("the labeling config is empty; it must be XML with a <View> root")
    if len(data) > MAX_CONFIG_BYTES:
        raise ConfigError(
            f"the labeling config is {len(data):,} bytes, over the {MAX_CONFIG_BYTES:,}-byte limit"
        )
    declaration = _DOCTYPE.search(data)
    if declaration is not None:
        line = data.count(b"\n", 0, declaration.start()) + 1
        raise ConfigError(
            "DOCTYPE and entity declarations are not allowed in a labeling config "
            "(they can expand without bound or read local files); remove the <!DOCTYPE ...> block",
            line=line,
        )
    if _ENCODING_DECLARATION.match(data):
        raise ConfigError(
            "remove the <?xml ... encoding=...?> declaration: Label Studio's server fails "
            "(HTTP 500) on a labeling config that starts with one",
            line=1,
        )
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        syntax_line: int | None = exc.lineno if exc.lineno else None
        detail = re.sub(r", line \d+, column \d+$", "", str(exc.msg))
        raise ConfigError(
            f"the labeling config is not well-formed XML: {detail}", line=syntax_line
        ) from None
    if root is None:  # pragma: no cover - lxml raises on empty documents; kept for safety
        raise ConfigError("the labeling config has no root element")
    if root.getroottree().docinfo.internalDTD is not None:  # the byte check missed a spelling
        raise ConfigError(
            "DOCTYPE and entity declarations are not allowed in a labeling config "
            "(they can expand without bound or read local files); remove the <!DOCTYPE ...> block"
        )
    _check_tree(root)
    return root


def _as_utf8(data: bytes) -> bytes:
    """``data`` re-encoded as UTF-8 when it is in a wide encoding (UTF-16 or UTF-32)."""
    start = data.lstrip(b" \t\r\n") if not data.startswith((b"\x00", b"\xff", b"\xfe")) else data
    for mark, codec in _WIDE:
        if start.startswith(mark):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as exc:
                raise ConfigError(
                    f"the labeling config is not valid {codec.upper()}: {exc}"
                ) from None
            return text.lstrip("\ufeff").encode("utf-8", "surrogatepass")
    return data


def _line(element: etree._Element) -> int | None:
    line = getattr(element, "sourceline", None)
    return line if isinstance(line, int) else None


def _check_tree(root: etree._Element) -> None:
    """Refuse entity references, and trees too deep or too large, after parsing."""
    count = 0
    stack: list[tuple[etree._Element, int]] = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        count += 1
        if count > MAX_ELEMENTS:
            raise ConfigError(f"the labeling config has more than {MAX_ELEMENTS:,} elements")
        if depth > MAX_DEPTH:
            raise ConfigError(
                f"the labeling config nests deeper than {MAX_DEPTH} levels",
                line=_line(element),
            )
        if len(element.keys()) > MAX_ATTRIBUTES:
            raise ConfigError(
                f"a <{element.tag}> tag has {len(element.keys()):,} attributes, over the "
                f"{MAX_ATTRIBUTES:,} accepted",
                line=_line(element),
            )
        if isinstance(element, etree._Entity):
            raise ConfigError(
                f"entity reference &{element.name}; is not allowed in a labeling config",
                line=_line(element),
            )
        stack.extend((child, depth + 1) for child in element)
