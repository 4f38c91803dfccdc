"""Atomic file writes: a file appears whole under its name, or not at all.

Every writer of the package goes through :func:`atomic_bytes`: the bytes go to a hidden
temporary file beside the target (``.name.PID.N.tmp``, which the readers skip), renamed over the
target only when complete. A failure part-way (a full disk, an exception, SIGTERM turned into
an exception by the command line) removes the temporary file and leaves an older file untouched.
A SIGKILL cannot be caught: its temporary file is removed by the next write into that directory
once its process is gone (:func:`sweep_stale_temps`).

An existing file is replaced only when asked (``overwrite=True``); the replacement keeps the old
file's permission bits, and a symlink is written through (the link stays, its target changes).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import IO

__all__ = ["atomic_bytes", "atomic_text", "sweep_stale_temps", "temp_path"]

_TEMP = re.compile(r"^\..+\.(\d+)\.\d+\.tmp$")
_serial = itertools.count()  # threads of one process never share a temporary name


def temp_path(path: Path, staging: Path | None = None) -> Path:
    """The temporary name ``path`` is written under before the rename (in ``staging``, a
    directory on the same filesystem, when given)."""
    return (staging or path.parent) / f".{path.name}.{os.getpid()}.{next(_serial)}.tmp"


def _target(path: Path, overwrite: bool) -> tuple[Path, int | None]:
    """Where to write (a symlink's target when overwriting) and the mode to keep, if any."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):  # a dangling link: writing through it would create its target
            raise FileExistsError(
                f"{path} is a symlink to a missing file; remove it or choose another name"
            ) from None
        return path, None
    if not overwrite:
        raise FileExistsError(f"{path} already exists; pass --overwrite (overwrite=True)")
    if stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(f"{path} is a directory, not a file")
    real = Path(os.path.realpath(path)) if os.path.islink(path) else path
    return real, stat.S_IMODE(info.st_mode)


@contextlib.contextmanager
def _replacing(
    path: Path, overwrite: bool, mode: str, staging: Path | None = None
) -> Iterator[IO[bytes] | IO[str]]:
    target, keep = _target(Path(path), overwrite)
    tmp = temp_path(target, staging)
    try:
        # "x": created here, never opened through a link planted under the temporary name
        if mode == "b":
            handle: IO[bytes] | IO[str] = open(tmp, "xb", buffering=1 << 20)  # noqa: SIM115
        else:
            handle = open(tmp, "x", encoding="utf-8", newline="\n", buffering=1 << 20)  # noqa: SIM115
        with handle:
            if keep is not None:
                os.chmod(handle.fileno(), keep)
            yield handle
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


@contextlib.contextmanager
def atomic_bytes(
    path: Path, *, overwrite: bool = True, staging: Path | None = None
) -> Iterator[IO[bytes]]:
    """Open ``path`` for writing bytes through a temporary file renamed on success.

    Args:
        path: the file to write.
        overwrite: replace an existing file (keeping its permission bits; a symlink is
            written through). False raises :class:`FileExistsError` instead.
        staging: the directory of the temporary file (on ``path``'s filesystem); default
            ``path``'s own, where a storage sync scanning that directory could see it.

    Raises:
        FileExistsError: ``path`` exists and ``overwrite`` is False.
    """
    with _replacing(path, overwrite, "b", staging) as handle:
        yield handle  # type: ignore[misc]


@contextlib.contextmanager
def atomic_text(path: Path, *, overwrite: bool = True) -> Iterator[IO[str]]:
    """:func:`atomic_bytes` for UTF-8 text with ``\\n`` line ends."""
    with _replacing(path, overwrite, "t") as handle:
        yield handle  # type: ignore[misc]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True


def sweep_stale_temps(folder: Path) -> list[Path]:
    """Remove the temporary files a killed writer left in ``folder``; return them.

    Only names of the form ``.name.PID.N.tmp`` whose process no longer runs are removed.
    """
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = _TEMP.match(entry.name)
        if match is None or int(match.group(1)) == os.getpid() or _alive(int(match.group(1))):
            continue
        with contextlib.suppress(OSError):
            if entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
    return removed
