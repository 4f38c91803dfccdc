"""``/data/local-files/?d=...`` URLs: how Label Studio serves files from its own disk.

The server (``io_storages/localfiles``) serves ``?d=REL`` as the file
``LOCAL_FILES_DOCUMENT_ROOT/REL`` when ``LABEL_STUDIO_LOCAL_FILES_SERVING_ENABLED=true`` and a
local-files storage of a project the user may see has a path that contains the file.
Its own storage sync writes ``?d=`` + ``quote(REL)`` (every byte but ``/`` and the unreserved
ones percent-encoded), so a file name with a space, ``+``, ``#``, ``&`` or non-ASCII
characters survives the trip; this module writes the same.
"""

from __future__ import annotations

import os
import urllib.parse
from pathlib import PurePath

from ..errors import BuildError
from ._refs import LOCAL_FILES_PATH

__all__ = ["local_files_url"]


def local_files_url(path: str | os.PathLike[str], root: str | os.PathLike[str]) -> str:
    """The ``/data/local-files/?d=...`` URL under which Label Studio serves ``path``.

    Args:
        path: the media file, absolute or relative to the current directory, as the Label
            Studio server sees it (the same machine, or the same mount point).
        root: the server's ``LABEL_STUDIO_LOCAL_FILES_DOCUMENT_ROOT``.

    The file must also lie inside a local-files storage of the project (``prelabel upload
    --local-files-root DIR`` connects one); docs/media.md has the whole setup.

    Raises:
        BuildError: ``path`` is not inside ``root`` (the server refuses to serve it).

    >>> local_files_url("/srv/data/photos/cat 1.jpg", "/srv/data")
    '/data/local-files/?d=photos/cat%201.jpg'
    """
    file = os.path.abspath(os.fspath(path))
    base = os.path.abspath(os.fspath(root))
    try:
        relative = os.path.relpath(file, base)
    except ValueError:  # another drive on Windows
        relative = os.pardir
    if relative == os.curdir or relative == os.pardir or relative.startswith(os.pardir + os.sep):
        raise BuildError(
            f"{os.fspath(path)} is not inside the document root {os.fspath(root)}: Label Studio "
            "serves local files only below LABEL_STUDIO_LOCAL_FILES_DOCUMENT_ROOT (use the "
            "directory above your media as the root)"
        )
    posix = PurePath(relative).as_posix()
    return f"{LOCAL_FILES_PATH}/?d={urllib.parse.quote(posix, safe='/')}"
