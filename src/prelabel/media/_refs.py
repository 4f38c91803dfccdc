"""What a task's media reference is, read the way Label Studio 1.23.2 reads it.

The editor hands the value of an object tag (``<Image value="$image">``) to the browser as a
URL, relative to the Label Studio page. So ``/data/upload/3/a.png`` is fetched from the server,
``images/a.png`` from ``http://server/projects/1/images/a.png`` (which does not exist), and
``C:\\a.png`` or ``file:///a.png`` never. The server resolves only its own storages' URIs
(``s3://``, ``gs://``, ``azure-blob://``: ``io_storages``) and serves
``/data/local-files/?d=...`` only when local-files serving is on and a local-files storage
covers the file (``io_storages/localfiles/views.py``).
"""

from __future__ import annotations

import re
import urllib.parse
from typing import Literal

__all__ = ["CLOUD_SCHEMES", "LOCAL_FILES_PATH", "RefKind", "local_files_param", "reference_kind"]

RefKind = Literal[
    "url",  # http(s) or protocol-relative: the browser fetches it
    "data",  # a data: URI, inline
    "server",  # a file the Label Studio server serves (/data/upload/..., /static/...)
    "local_files",  # /data/local-files/?d=...: needs serving on and a storage
    "cloud",  # s3://, gs://, azure-blob://: needs a connected cloud storage
    "file_path",  # an absolute file-system path (/home/me/a.png)
    "relative_path",  # images/a.png, ./a.png, ~/a.png, a.png
    "windows_path",  # C:\\a.png, \\\\server\\share\\a.png
    "file_url",  # file:///a.png
    "empty",  # "" or only spaces
    "unknown_scheme",  # ftp://, blob:, ...
]

# The schemes Label Studio Community 1.23.2's import storages resolve (url_scheme of each).
CLOUD_SCHEMES = frozenset({"s3", "gs", "azure-blob"})
_CLOUD_PREFIXES = tuple(f"{scheme}://" for scheme in sorted(CLOUD_SCHEMES))
LOCAL_FILES_PATH = "/data/local-files"
# Server paths that serve media: uploads, its own static files (the samples its templates use),
# cloud-file-storage downloads, storage presign proxies.
_SERVED = re.compile(r"^/(?:data/upload/|static/|storage-data/|(?:tasks|projects)/\d+/presign)")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_WINDOWS = re.compile(r"^(?:[A-Za-z]:[\\/]|\\\\)")


def reference_kind(value: str) -> RefKind:
    """The kind of a media reference string (see :data:`RefKind`).

    >>> [reference_kind(v) for v in ("https://x/a.png", "/data/local-files/?d=a.png",
    ...  "s3://bucket/a.png", "images/a.png", "C:\\\\a.png", "file:///a.png", "")]
    ['url', 'local_files', 'cloud', 'relative_path', 'windows_path', 'file_url', 'empty']
    """
    text = value.strip()
    if not text:
        return "empty"
    if text.startswith(_CLOUD_PREFIXES):  # the common cases, without the patterns below
        return "cloud"
    if _WINDOWS.match(text):
        return "windows_path"
    scheme = _SCHEME.match(text)
    if scheme:
        name = scheme.group(1).lower()
        if name in ("http", "https"):
            if LOCAL_FILES_PATH not in text:  # the common case, without parsing the URL
                return "url"
            return "local_files" if _is_local_files(urllib.parse.urlsplit(text).path) else "url"
        if name == "data":
            return "data"
        if name == "file":
            return "file_url"
        if name in CLOUD_SCHEMES:
            return "cloud"
        return "unknown_scheme"
    if text.startswith("//"):
        return "url"
    if text.startswith("/"):
        path = urllib.parse.urlsplit(text).path
        if _is_local_files(path):
            return "local_files"
        return "server" if _SERVED.match(path) else "file_path"
    return "relative_path"


def _is_local_files(path: str) -> bool:
    return path.rstrip("/") == LOCAL_FILES_PATH


def local_files_param(url: str) -> str | None:
    """The ``d`` parameter of a local-files URL, decoded as the server decodes it.

    None when the URL has no ``d`` (the server answers 403 to it).

    >>> local_files_param("/data/local-files/?d=photos/a%20b.png")
    'photos/a b.png'
    """
    query = urllib.parse.urlsplit(url.strip()).query
    values = urllib.parse.parse_qs(query, keep_blank_values=True).get("d")
    return values[0] if values and values[0] else None
