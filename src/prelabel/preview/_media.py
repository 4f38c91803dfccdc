"""Where a preview's picture comes from: only what is already here, never the network.

One function, :func:`load_image`, turns a task's image value (or an array given by the caller)
into a ``data:`` URL the page can show offline and, when it can tell, the natural size.
Remote URLs are not fetched: the preview draws a neutral placeholder of the natural size the
results declare. (When ``prelabel.media`` lands, this is the one place to switch to it.)
"""

from __future__ import annotations

import base64
import dataclasses
import mimetypes
import os
import tempfile
import urllib.parse
from pathlib import Path
from typing import Any

from ..errors import BuildError
from ..media._imagesize import IMAGE_SUFFIXES, image_size
from ._png import array_png, png_data_url

__all__ = ["MAX_EMBED_BYTES", "Picture", "load_image"]

# A picture bigger than this is not embedded (the page would be too heavy to open).
MAX_EMBED_BYTES = 20 * 1024 * 1024
_LOCAL_FILES = "/data/local-files/"


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
        base_dir: where relative paths (and local-files paths) are looked up.
    """
    if hasattr(value, "shape") and hasattr(value, "dtype"):
        try:
            png = array_png(value)
        except ValueError as error:
            return Picture(None, None, str(error))
        return Picture(png_data_url(png), (int(value.shape[1]), int(value.shape[0])))
    if not isinstance(value, str) or not value:
        return Picture(None, None, "no image in the task")
    if value.startswith("data:"):
        return _from_data_url(value)
    parts = urllib.parse.urlsplit(value)
    if parts.scheme in ("http", "https", "s3", "gs", "azure-blob"):
        return Picture(None, None, "not fetched (remote URL)")
    path = _local_path(value, parts, base_dir)
    if path is None:
        return Picture(None, None, "image file not found")
    return _from_file(path)


def _local_path(value: str, parts: urllib.parse.SplitResult, base: Path | None) -> Path | None:
    if parts.scheme == "file":
        candidates = [Path(urllib.parse.unquote(parts.path))]
    elif value.startswith(_LOCAL_FILES):
        served = dict(urllib.parse.parse_qsl(parts.query)).get("d", "")
        root = os.environ.get("LABEL_STUDIO_LOCAL_FILES_DOCUMENT_ROOT")
        candidates = [Path(root) / served] if root else []
        candidates += [Path("/") / served] + ([base / served] if base else [])
    elif parts.scheme and len(parts.scheme) > 1:
        return None  # another scheme (ftp:, blob:): nothing to read locally
    else:
        path = Path(value)
        relative = Path(*path.parts[1:]) if path.is_absolute() else path
        # An absolute path may be a server path (/static/...): also looked up under base.
        candidates = ([path] if path.is_absolute() else []) + ([base / relative] if base else [])
        candidates += [] if path.is_absolute() else [path]
    for candidate in candidates:
        if candidate.suffix.lower() in IMAGE_SUFFIXES and candidate.is_file():
            return candidate
    return None


def _from_file(path: Path) -> Picture:
    try:
        size = image_size(path)
        if path.stat().st_size > MAX_EMBED_BYTES:
            return Picture(None, size, "image too large to embed")
        data = path.read_bytes()
    except (OSError, BuildError) as error:
        return Picture(None, None, f"image not readable ({type(error).__name__})")
    kind = mimetypes.guess_type(path.name)[0] or "image/png"
    return Picture(f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}", size)


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
    # The header reader takes a path: a data URL's bytes go through a temporary file.
    with tempfile.NamedTemporaryFile(suffix=".img") as handle:
        handle.write(data)
        handle.flush()
        try:
            size: tuple[int, int] | None = image_size(handle.name)
        except BuildError:
            size = None
    return Picture(value, size)
