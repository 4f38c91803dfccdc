"""Task data that object tags load as media: is it something Label Studio can load?

The annotator's browser loads an ``<Image>``'s (``<Audio>``'s, ``<Video>``'s, a
``valueType="url"`` tag's) value as a URL relative to the Label Studio page; the forms and what
1.23.2 does with each are in :mod:`prelabel.media._refs`, pinned against the real server and
editor in ``integration/test_media.py``:

* loads as is: ``http(s)://``, ``/data/upload/...``, a ``data:`` URI of the tag's media type
  (except base64 audio: the audio loader appends ``?lsref=1`` and breaks it);
* loads with setup: ``/data/local-files/?d=...`` (serving on, a storage covering the file),
  ``s3://``/``gs://``/``azure-blob://`` (a cloud storage on the project): a warning, reported
  once per object tag per :class:`~prelabel.validate.Validator`, since it is about the server,
  not about one task;
* never loads: file-system paths, ``file://``, empty strings, unknown schemes: an error.

Where the image is at hand, its size is read from its header and remembered for the task: a
base64 ``data:`` image, and a ``/data/local-files/`` image when the validator is given the
server's document root (``local_files_root``; a file missing under it is an error, the server
answers 404). The results' ``original_width``/``original_height`` are compared with it in
:meth:`prelabel.validate._image.ImageChecker.image_size`.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import os
from collections.abc import Mapping
from pathlib import Path as FilePath
from typing import Any

from ..config import LabelConfig
from ..errors import BuildError
from ..media._imagesize import image_size, image_size_of_bytes
from ..media._refs import CLOUD_SCHEMES, local_files_param, reference_kind
from ..tags.base import ObjectTag
from ._context import TaskCtx, media_size_key
from ._data import Path, parse_path, resolve, whole_path
from ._show import MISSING, show

__all__ = ["MediaChecker", "compile_media"]

# A data: image is decoded up to this many base64 characters for its header (a JPEG's frame
# header may follow up to 64 KB of EXIF; anything past it is not needed).
_HEADER_CHARS = 96_000


# Tags whose value is always a URL; any other tag only with valueType="url".
_URL_TAGS = frozenset({"Image", "Audio", "Video", "Pdf"})
# Tags whose valueType="url" loader accepts only http(s) URLs and server paths (the editor's
# isValidObjectURL): a data: URI shows "URL (data:...) is not valid" (pinned for both).
_URL_ONLY = frozenset({"Text", "HyperText"})
# The media type family a data: URI must have to play in the tag.
_FAMILY = {"Image": ("image",), "Audio": ("audio", "video"), "Video": ("video",)}
LARGE_DATA_URI = 1_000_000  # characters: task files holding many of these get unwieldy

_FIX = (
    "serve the file: prelabel.media.local_files_url(path, root) with local-files serving "
    "(docs/media.md), a data: URI (prelabel.media.data_url(path)), an uploaded file "
    "(/data/upload/...), an http(s) URL or a cloud storage URI"
)
_NEVER = {
    "file_path": ("media.local_path", "a file-system path: the browser asks the Label Studio "
                  "server for it and gets nothing"),
    "relative_path": ("media.local_path", "a relative file path: the browser resolves it "
                      "against the Label Studio page and gets nothing"),
    "windows_path": ("media.local_path", "a Windows file path, which no browser loads"),
    "file_url": ("media.file_url", "a file:// URL, which a web page may not load"),
    "empty": ("media.empty", "an empty string: there is nothing to load"),
    "unknown_scheme": ("media.scheme_unknown", "a URL whose scheme neither the browser nor "
                       "Label Studio's storages load"),
}  # fmt: skip


def _reads(obj: ObjectTag, value: str) -> str:
    """The head of a media record. Made only when a record is added: most values of a
    dataset add none (a setup warning is told once), and show() of each would cost more
    than the check."""
    return f"<{obj.tag}> {obj.name!r} reads {show(value)}"


@dataclasses.dataclass(frozen=True)
class _Source:
    obj: ObjectTag
    parts: Path
    is_list: bool


class MediaChecker:
    """The media references of one config's object tags, checked task after task."""

    def __init__(
        self, sources: tuple[_Source, ...], local_files_root: FilePath | None = None
    ) -> None:
        self.sources = sources
        self.local_files_root = local_files_root
        # (object, code) of setup warnings already reported: bounded by the config's size.
        self.noted: set[tuple[str, str]] = set()

    def check(self, data: Mapping[str, Any], t: TaskCtx, base: tuple[Any, ...]) -> None:
        """Report each media value of ``data`` (at ``base``) that Label Studio cannot load."""
        for source in self.sources:
            node = resolve(data, source.parts)
            if node is MISSING:
                continue
            where = (*base, *source.parts)
            if source.is_list:
                if isinstance(node, list):
                    for j, item in enumerate(node):
                        if isinstance(item, str):
                            self._check_one(item, source.obj, t, (*where, j), j)
            elif isinstance(node, str):
                self._check_one(node, source.obj, t, where, None)

    def _check_one(
        self, value: str, obj: ObjectTag, t: TaskCtx, where: tuple[Any, ...], item: int | None
    ) -> None:
        kind = reference_kind(value)
        if kind in ("url", "server"):
            return
        sink = t.sink
        if kind == "data":
            self._check_data_uri(value, obj, t, where)
            if obj.tag == "Image":
                self._data_image_size(value, obj, t, item)
        elif kind == "local_files":
            relative = local_files_param(value)
            if relative is not None and self.local_files_root is not None and obj.tag == "Image":
                self._local_image_size(relative, value, obj, t, where, item)
            if relative is None:
                sink.add(
                    "media.local_files_no_path",
                    where,
                    f"{_reads(obj, value)}, which names no file (no ?d=...); the server "
                    "answers 403",
                    hint="prelabel.media.local_files_url(path, root) writes the URL",
                    control=obj.name,
                    control_kind=obj.tag,
                    found=show(value),
                )
            elif self._first(obj, "media.local_files"):
                sink.add(
                    "media.local_files",
                    where,
                    f"{_reads(obj, value)}: Label Studio serves it only when started with "
                    "LABEL_STUDIO_LOCAL_FILES_SERVING_ENABLED=true and "
                    "LABEL_STUDIO_LOCAL_FILES_DOCUMENT_ROOT above the file, and when the "
                    "project has a local-files storage whose path contains it (reported once "
                    "per object tag)",
                    hint="prelabel upload --local-files-root DIR connects the storage and "
                    "checks the server serves every file (docs/media.md)",
                    control=obj.name,
                    control_kind=obj.tag,
                    found=show(value),
                )
        elif kind == "cloud":
            if self._first(obj, "media.cloud_storage"):
                scheme = value.strip().split(":", 1)[0].lower()
                sink.add(
                    "media.cloud_storage",
                    where,
                    f"{_reads(obj, value)}: Label Studio loads it only through a {scheme}:// "
                    "cloud storage connected to the project (reported once per object tag)",
                    hint="add the bucket under Settings > Cloud Storage (source storage; "
                    "sync is not needed for tasks you import)",
                    control=obj.name,
                    control_kind=obj.tag,
                    expected=", ".join(f"{s}://" for s in sorted(CLOUD_SCHEMES)),
                    found=show(value),
                )
        else:
            code, reason = _NEVER[kind]
            sink.add(
                code,
                where,
                f"{_reads(obj, value)}: {reason}; the editor cannot load it (an <Image> shows "
                "'There was an issue loading URL')",
                hint=_FIX,
                control=obj.name,
                control_kind=obj.tag,
                found=show(value),
            )

    def _data_image_size(self, value: str, obj: ObjectTag, t: TaskCtx, item: int | None) -> None:
        """Remember the size of a base64 data: image (nothing when it cannot be read: the
        other media checks say what is wrong with the URI)."""
        head, _, data = value.strip()[5:].partition(",")
        if "base64" not in head.lower().split(";")[1:]:
            return
        chunk = "".join(data[:_HEADER_CHARS].split())
        try:
            raw = base64.b64decode(chunk[: len(chunk) // 4 * 4], validate=True)
            width, height = image_size_of_bytes(raw)
        except (binascii.Error, ValueError, BuildError):
            return
        t.cache[media_size_key(obj.name, item)] = (width, height, "the data: image")

    def _local_image_size(
        self,
        relative: str,
        value: str,
        obj: ObjectTag,
        t: TaskCtx,
        where: tuple[Any, ...],
        item: int | None,
    ) -> None:
        """The local file ``relative`` (``value``'s ``?d=``) under the document root: missing
        is an error (the server answers 404); its size is remembered for the results."""
        root = self.local_files_root
        assert root is not None
        path = FilePath(os.path.normpath(root / relative.lstrip("/")))
        inside = path == root or root in path.parents
        if not inside or not path.is_file():
            t.sink.add(
                "media.file_missing",
                where,
                f"<{obj.tag}> {obj.name!r} reads {show(value)}, but "
                + (
                    f"{relative!r} is outside the document root {os.fspath(root)!r}"
                    if not inside
                    else f"there is no file {os.fspath(path)!r}"
                )
                + ": Label Studio answers 404 and the editor shows 'There was an issue "
                "loading URL'",
                hint="write the URL with prelabel.media.local_files_url(path, root) from the "
                "file's real path",
                control=obj.name,
                control_kind=obj.tag,
                found=show(value),
            )
            return
        try:
            width, height = image_size(path)
        except (OSError, BuildError):
            return  # a format without a header we read (SVG, AVIF...): no size to compare
        t.cache[media_size_key(obj.name, item)] = (width, height, os.fspath(path))

    def _first(self, obj: ObjectTag, code: str) -> bool:
        key = (obj.name, code)  # code is one of _codes.ONCE_PER_VALIDATOR
        if key in self.noted:
            return False
        self.noted.add(key)
        return True

    def _check_data_uri(
        self, value: str, obj: ObjectTag, t: TaskCtx, where: tuple[Any, ...]
    ) -> None:
        sink = t.sink
        if obj.tag in _URL_ONLY:
            sink.add(
                "media.data_uri_refused",
                where,
                f'<{obj.tag} valueType="url"> {obj.name!r} reads a data: URI; its loader '
                "takes only http(s) URLs and server paths: the editor shows 'URL (data:...) is "
                "not valid'",
                hint='put the text itself in the task without valueType="url", or serve it',
                control=obj.name,
                control_kind=obj.tag,
                found=show(value),
            )
            return
        head, comma, _ = value.strip()[5:].partition(",")
        if not comma:
            sink.add(
                "media.data_uri_invalid",
                where,
                f"<{obj.tag}> {obj.name!r} reads a data: URI without the ',' before its data",
                hint="prelabel.media.data_url(path) writes one",
                control=obj.name,
                control_kind=obj.tag,
                found=show(value),
            )
            return
        params = [p.strip().lower() for p in head.split(";")]
        mime = params[0]
        family = mime.split("/")[0]
        if "base64" in params[1:] and obj.tag == "Audio":
            sink.add(
                "media.audio_base64",
                where,
                f"<Audio> {obj.name!r} reads a base64 data: URI; the editor's audio loader "
                "appends ?lsref=1 to it, which breaks the base64 ('There was an issue loading "
                "URL')",
                hint="percent-encode it: prelabel.media.data_url(path_or_bytes) does",
                control=obj.name,
                control_kind=obj.tag,
                found=show(value),
            )
        allowed = _FAMILY.get(obj.tag)
        if allowed is not None and family not in allowed:
            sink.add(
                "media.data_uri_type",
                where,
                f"<{obj.tag}> {obj.name!r} reads a data: URI of type {mime or 'text/plain'!r}, "
                f"not {' or '.join(f'{a}/*' for a in allowed)}",
                hint="give the media type of the data: data_url(..., mime='...')",
                control=obj.name,
                control_kind=obj.tag,
                expected=" or ".join(f"{a}/*" for a in allowed),
                found=mime or "text/plain",
            )
        if len(value) > LARGE_DATA_URI:
            sink.add(
                "media.data_uri_large",
                where,
                f"<{obj.tag}> {obj.name!r} reads a data: URI of {len(value) / 1e6:.1f} MB; it "
                "is stored in the task, so task files, imports and exports grow by that much "
                "per task",
                hint="serve large media instead: local files, upload or cloud storage "
                "(docs/media.md)",
                control=obj.name,
                control_kind=obj.tag,
                found=f"{len(value)} characters",
            )


def compile_media(
    config: LabelConfig, local_files_root: str | os.PathLike[str] | None = None
) -> MediaChecker:
    """The object tags of ``config`` whose data is a URL, and where that data is;
    ``local_files_root``: the server's document root, where ``/data/local-files/`` images are
    looked up."""
    sources = []
    for obj in config.objects.values():
        if obj.tag not in _URL_TAGS and obj.value_type != "url":
            continue
        if getattr(obj, "value_list", False):
            parts = parse_path(obj.data_keys[0]) if obj.data_keys else None
            if parts is not None:
                sources.append(_Source(obj, parts, is_list=True))
            continue
        path = whole_path(obj)
        if path is not None:
            sources.append(_Source(obj, path, is_list=False))
    root = None if local_files_root is None else FilePath(os.path.abspath(local_files_root))
    return MediaChecker(tuple(sources), root)
