"""Where a preview's picture comes from: only what is already here, never the network.

One function, :func:`load_image`, turns a task's image value (or an array given by the caller)
into a ``data:`` URL the page can show offline and, when it can tell, the natural size. It
reads references the way :mod:`prelabel.media` classifies them: ``data:`` URIs, local files,
Label Studio local-files URLs (``/data/local-files/?d=...``) and server paths looked up under
a base directory. Remote URLs and cloud URIs are not fetched: the preview draws a neutral
placeholder of the natural size the results declare.
"""

from __future__ import annotations

import base64
import dataclasses
import os
import tempfile
import urllib.parse
from pathlib import Path
from typing import Any

from ..errors import BuildError
from ..media import data_url, image_size
from ..media._imagesize import IMAGE_SUFFIXES
from ..media._refs import local_files_param, reference_kind

__all__ = ["MAX_EMBED_BYTES", "Picture", "load_image"]

# A picture bigger than this is not embedded (the page would be too heavy to open).
MAX_EMBED_BYTES = 20 * 1024 * 1024


@dataclasses.dataclass(frozen=True)
class Picture:
    """A picture for a preview: a ``data:`` URL or None, its natural size when known, and why
    there is no picture when there is none."""

    href: str | None
    size: tuple[int, int] | None
    note: str = ""


def load_image(value: Any, *, base_dir: Path | None = None) -> Picture:
    """A picture from an array, a ``data:`` URL, a local file or a local-files URL.

    Args:
        value: an ``(H, W[, C])`` uint8 array, or the task's image value (a string).
        base_dir: where relative paths, server paths and local-files paths are looked up.
    """
    if hasattr(value, "shape") and hasattr(value, "dtype"):
        try:
            href = data_url(value)
        except BuildError as error:
            return Picture(None, None, str(error))
        return Picture(href, (int(value.shape[1]), int(value.shape[0])))
    if not isinstance(value, str) or not value:
        return Picture(None, None, "no image in the task")
    kind = reference_kind(value)
    if kind == "data":
        return _from_data_url(value)
    if kind in ("url", "cloud", "unknown_scheme"):
        return Picture(None, None, "not fetched (remote URL)")
    path = _local_path(value, kind, base_dir)
    if path is None:
        return Picture(None, None, "image file not found")
    return _from_file(path)


def _local_path(value: str, kind: str, base: Path | None) -> Path | None:
    candidates: list[Path] = []
    if kind == "file_url":
        candidates.append(Path(urllib.parse.unquote(urllib.parse.urlsplit(value).path)))
    elif kind == "local_files":
        served = local_files_param(value) or ""
        root = os.environ.get("LABEL_STUDIO_LOCAL_FILES_DOCUMENT_ROOT")
        candidates += [Path(root) / served] if root else []
        candidates += [Path("/") / served] + ([base / served] if base else [])
    else:  # a path on this disk, or a server path (/static/...) looked up under base
        path = Path(value)
        if path.is_absolute():
            candidates.append(path)
        if base is not None:
            candidates.append(base / Path(*path.parts[1:]) if path.is_absolute() else base / path)
        if not path.is_absolute():
            candidates.append(path)
    for candidate in candidates:
        if candidate.suffix.lower() in IMAGE_SUFFIXES and candidate.is_file():
            return candidate
    return None


def _from_file(path: Path) -> Picture:
    try:
        size = image_size(path)
        if path.stat().st_size > MAX_EMBED_BYTES:
            return Picture(None, size, "image too large to embed")
        return Picture(data_url(path), size)
    except (OSError, BuildError) as error:
        return Picture(None, None, f"image not readable ({type(error).__name__})")


def _from_data_url(value: str) -> Picture:
    head, _, payload = value.partition(",")
    if not head.startswith("data:image/") or not head.endswith(";base64"):
        return Picture(None, None, "data URL is not a base64 image")
    if len(payload) > MAX_EMBED_BYTES * 4 // 3:
        return Picture(None, None, "image too large to embed")
    try:
        data = base64.b64decode(payload, validate=True)
    except ValueError:
        return Picture(None, None, "data URL is not valid base64")
    # image_size reads a file's header: a data URL's bytes go through a temporary file.
    with tempfile.NamedTemporaryFile(suffix=".img") as handle:
        handle.write(data)
        handle.flush()
        try:
            size: tuple[int, int] | None = image_size(handle.name)
        except BuildError:
            size = None
    return Picture(value, size)
