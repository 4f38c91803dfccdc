"""Where shards go: a local directory or an object store URL, written one whole file at a time.

A local root is written with the standard library; any other URL (``s3://bucket/prefix``,
``gs://...``, ``az://...``) through fsspec, imported only then (``pip install
'prelabel[s3]'`` brings fsspec and s3fs). Every file appears whole or not at all:

* locally, bytes go to a hidden temporary file in the *root* (not in the directory a storage
  sync scans) and are renamed into place;
* in an object store, one PUT of the whole file: S3, GCS and Azure show an object only when
  its upload completed, so a killed job leaves nothing a sync would read.
"""

from __future__ import annotations

import contextlib
import importlib
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ._common import PathLike, atomic_bytes

__all__ = ["Store"]


class Store:
    """A root (local path or fsspec URL) that files are written under, by relative name.

    Args:
        root: a local directory, or a URL such as ``s3://bucket/run-7``.
        storage_options: passed to fsspec for a URL (credentials, ``endpoint_url``...); never
            shown in a message or written to a manifest.

    The store pickles without its filesystem object (it is made again where it is used), so
    it can be sent to the workers of a distributed job.
    """

    def __init__(self, root: PathLike, *, storage_options: Mapping[str, Any] | None = None):
        text = os.fspath(root)
        self.local = "://" not in text or text.startswith("file://")
        if text.startswith("file://"):
            text = text[len("file://") :]
        self.root = text.rstrip("/") or "/"
        self.storage_options = dict(storage_options or {})
        self._fs: Any = None

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_fs"] = None
        return state

    def __repr__(self) -> str:
        return f"Store({self.root!r})"

    def url(self, relative: str) -> str:
        """The full path or URL of ``relative`` under the root."""
        return f"{self.root}/{relative}"

    def put(self, relative: str, data: bytes) -> None:
        """Write ``data`` to ``relative`` (parents made as needed): whole, or not at all."""
        if self.local:
            target = Path(self.root, relative)
            target.parent.mkdir(parents=True, exist_ok=True)
            with atomic_bytes(target, staging=Path(self.root)) as handle:
                handle.write(data)
            return
        self._filesystem().pipe_file(self.url(relative), data)

    def get(self, relative: str) -> bytes:
        """The bytes of ``relative``.

        Raises:
            FileNotFoundError: there is no such file.
        """
        if self.local:
            return Path(self.root, relative).read_bytes()
        data: bytes = self._filesystem().cat_file(self.url(relative))
        return data

    def list(self, relative: str) -> list[str]:
        """Names of the files directly in directory ``relative`` (none when it is missing)."""
        if self.local:
            folder = Path(self.root, relative)
            if not folder.is_dir():
                return []
            return sorted(entry.name for entry in folder.iterdir() if entry.is_file())
        fs = self._filesystem()
        try:
            found = fs.ls(self.url(relative), detail=True, refresh=True)
        except FileNotFoundError:
            return []
        return sorted(
            str(item["name"]).rstrip("/").rsplit("/", 1)[-1]
            for item in found
            if item.get("type") == "file"
        )

    def remove(self, relative: str) -> None:
        """Delete the file ``relative``; a missing file is no error."""
        if self.local:
            Path(self.root, relative).unlink(missing_ok=True)
            return
        fs = self._filesystem()
        with contextlib.suppress(FileNotFoundError):
            fs.rm_file(self.url(relative))

    def _filesystem(self) -> Any:
        if self._fs is None:
            try:
                fsspec = importlib.import_module("fsspec")  # optional: prelabel[s3]
            except ImportError:
                raise ImportError(
                    f"writing to {self.root.split('://', 1)[0]}:// needs fsspec and the "
                    "store's driver: pip install 'prelabel[s3]' (or gcsfs, adlfs)"
                ) from None
            self._fs = fsspec.filesystem(self.root.split("://", 1)[0], **self.storage_options)
        return self._fs
