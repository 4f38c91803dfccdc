"""Object tags: the tags that show task data and that controls point at with ``toName``."""

from __future__ import annotations

import dataclasses
from typing import ClassVar

from .base import ObjectTag

__all__ = [
    "Audio",
    "Chat",
    "GenericObject",
    "HyperText",
    "Image",
    "List",
    "Markdown",
    "Paragraphs",
    "Pdf",
    "Table",
    "Text",
    "TimeSeries",
    "Video",
]


@dataclasses.dataclass(frozen=True, eq=False, kw_only=True, repr=False)
class Image(ObjectTag):
    """``<Image>``: a URL (``value``) or URLs (``valueList``; results then get ``item_index``)."""

    tag: ClassVar[str] = "Image"
    kind: ClassVar[str] = "image"
    value_list: bool = False


@dataclasses.dataclass(frozen=True, eq=False, kw_only=True, repr=False)
class Text(ObjectTag):
    """``<Text>``: a string; span offsets are Unicode code points into it."""

    tag: ClassVar[str] = "Text"
    kind: ClassVar[str] = "text"
    default_value_type: ClassVar[str | None] = "text"
    encoding: str | None = None


@dataclasses.dataclass(frozen=True, eq=False, kw_only=True, repr=False)
class HyperText(ObjectTag):
    """``<HyperText>``: HTML; spans are xpath + code-point offsets inside text nodes."""

    tag: ClassVar[str] = "HyperText"
    kind: ClassVar[str] = "hypertext"
    default_value_type: ClassVar[str | None] = "text"
    inline: bool = False


@dataclasses.dataclass(frozen=True, eq=False, kw_only=True, repr=False)
class Audio(ObjectTag):
    """``<Audio>`` (``AudioPlus`` is an alias): a URL; segments are in seconds."""

    tag: ClassVar[str] = "Audio"
    kind: ClassVar[str] = "audio"
    split_channels: bool = False


@dataclasses.dataclass(frozen=True, eq=False, kw_only=True, repr=False)
class Video(ObjectTag):
    """``<Video>``: a URL; frames are 1-based, ``frameRate`` defaults to 24."""

    tag: ClassVar[str] = "Video"
    kind: ClassVar[str] = "video"
    frame_rate: float | None = 24.0
    """Frames per second, or None when it comes from task data (``frameRate="$fps"``)."""
    frame_rate_key: str | None = None


@dataclasses.dataclass(frozen=True, eq=False, kw_only=True, repr=False)
class TimeSeries(ObjectTag):
    """``<TimeSeries>`` with ``<Channel column=...>`` children; default ``valueType`` is url."""

    tag: ClassVar[str] = "TimeSeries"
    kind: ClassVar[str] = "timeseries"
    default_value_type: ClassVar[str | None] = "url"
    channels: tuple[str, ...] = ()
    time_column: str | None = None
    time_format: str | None = None
    sep: str = ","


@dataclasses.dataclass(frozen=True, eq=False, kw_only=True, repr=False)
class Paragraphs(ObjectTag):
    """``<Paragraphs>``: a list of phrase dicts; span offsets are UTF-16 units in a phrase."""

    tag: ClassVar[str] = "Paragraphs"
    kind: ClassVar[str] = "paragraphs"
    default_value_type: ClassVar[str | None] = "json"
    name_key: str = "author"
    text_key: str = "text"


@dataclasses.dataclass(frozen=True, eq=False, kw_only=True, repr=False)
class Table(ObjectTag):
    """``<Table>``: a dict or list of rows, shown for reference."""

    tag: ClassVar[str] = "Table"
    kind: ClassVar[str] = "table"


@dataclasses.dataclass(frozen=True, eq=False, kw_only=True, repr=False)
class Pdf(ObjectTag):
    """``<Pdf>``: a URL; document-level controls only in the community edition."""

    tag: ClassVar[str] = "Pdf"
    kind: ClassVar[str] = "pdf"


@dataclasses.dataclass(frozen=True, eq=False, kw_only=True, repr=False)
class Markdown(ObjectTag):
    """``<Markdown>``: a markdown string, display only."""

    tag: ClassVar[str] = "Markdown"
    kind: ClassVar[str] = "markdown"


@dataclasses.dataclass(frozen=True, eq=False, kw_only=True, repr=False)
class List(ObjectTag):
    """``<List>``: items ``{id, title, body}`` that a Ranker orders."""

    tag: ClassVar[str] = "List"
    kind: ClassVar[str] = "list"


@dataclasses.dataclass(frozen=True, eq=False, kw_only=True, repr=False)
class Chat(ObjectTag):
    """``<Chat>``: a list of ``{role, content}`` messages."""

    tag: ClassVar[str] = "Chat"
    kind: ClassVar[str] = "chat"


@dataclasses.dataclass(frozen=True, eq=False, kw_only=True, repr=False)
class GenericObject(ObjectTag):
    """Other object tags of current Label Studio (Object3D, GPSMap, PagedView, PdfOcr, ...).

    Their result formats are not pinned, so only their data keys are known.
    """

    tag: ClassVar[str] = "Object"
    kind: ClassVar[str] = "other"
    needs_value: ClassVar[bool] = False
    tag_name: str = ""
