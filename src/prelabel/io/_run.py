"""Run markers: many files written by one run read as complete only when the run finished.

Each file is atomic (:mod:`._atomic`), but a directory of task files or a set of chunks is not:
a run stopped by a full disk or a signal leaves some files, each complete, that look like a
whole output. So a run that writes several files keeps a small JSON marker where a Label Studio
storage sync of the output does not see it: ``.out.prelabel-run`` beside directory ``out``, and
``.prelabel/preds.json.prelabel-run`` in a hidden folder beside chunks ``preds-00001.json``
(a local-files sync reads every *file* of its folder, and fails on one that is not JSON; it
skips folders). The marker says
"writing" from the first file on and lists every file with its task count and size once the
run is done. The readers (:func:`check_complete`) refuse an output whose marker is not complete,
a listed file that is missing or changed, and a chunk the run did not write (a stale chunk of
an older run). Outputs without a marker (written by anything else) read as before.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from ..errors import TaskFileError
from ._atomic import atomic_bytes

__all__ = ["OutputRun", "check_complete", "chunk_base", "marker_path", "output_run"]

_FORMAT = "prelabel-run"
_CHUNK = re.compile(r"^(?P<stem>.+)-\d{5,}(?P<suffix>\.[A-Za-z]+)$")
_MAX_MARKER_BYTES = 64 * 2**20


MARKER_FOLDER = ".prelabel"
"""Where the markers of chunks are kept, beside the chunks."""


def marker_path(output: Path, *, chunks: bool = False) -> Path:
    """The marker of an output directory, or (``chunks``) of the chunks named after
    ``output``."""
    output = Path(output)
    if chunks:
        return output.parent / MARKER_FOLDER / f"{output.name}.prelabel-run"
    return output.parent / f".{output.name}.prelabel-run"


def chunk_base(file: Path) -> Path | None:
    """``preds.json`` for ``preds-00003.json``; None for a name that is not a chunk's."""
    match = _CHUNK.match(file.name)
    return None if match is None else file.with_name(match["stem"] + match["suffix"])


class OutputRun:
    """The files one run has written so far; the marker is rewritten at the start and end."""

    def __init__(self, marker: Path, folder: Path) -> None:
        self.marker = marker
        self.folder = folder  # file names are recorded relative to it
        self.files: list[dict[str, Any]] = []

    def add(self, path: Path, tasks: int) -> None:
        """Record a finished file (its name relative to the output's folder)."""
        name = os.path.relpath(path, self.folder)
        self.files.append({"name": name, "tasks": tasks, "bytes": os.stat(path).st_size})

    def _write(self, complete: bool, error: str | None = None) -> None:
        state: dict[str, Any] = {"format": _FORMAT, "version": 1, "complete": complete}
        if error is not None:
            state["error"] = error
        state["tasks"] = sum(f["tasks"] for f in self.files)
        state["files"] = self.files
        with atomic_bytes(self.marker, overwrite=True) as handle:
            handle.write(json.dumps(state, ensure_ascii=False, indent=1).encode("utf-8") + b"\n")


@contextlib.contextmanager
def output_run(
    output: Path, *, replacing: Sequence[Path] = (), chunks: bool = False
) -> Iterator[OutputRun]:
    """Mark ``output`` (a directory, or with ``chunks`` the name chunks derive from) as being
    written for the duration of the block, complete after it.

    ``replacing`` are the files of an earlier run: those this run did not write again are
    removed before the marker says complete. On an exception (or SIGTERM raised as one) the
    marker stays incomplete and names the cause, and nothing is removed.
    """
    output = Path(output)
    run = OutputRun(marker_path(output, chunks=chunks), output.parent)
    if chunks:
        run.marker.parent.mkdir(exist_ok=True)
        _remove_old_marker(output.parent / f".{output.name}.prelabel-run")
    run._write(False)
    try:
        yield run
        written = {f["name"] for f in run.files}
        for old in replacing:
            if os.path.relpath(old, run.folder) not in written:
                old.unlink()
    except BaseException as exc:
        with contextlib.suppress(OSError):
            run._write(False, f"{type(exc).__name__}: {exc}"[:500])
        raise
    run._write(True)


def _remove_old_marker(path: Path) -> None:
    """Remove the marker earlier versions kept beside the chunks, where a local-files sync of
    the folder fails on it (only a prelabel marker: anything else is left alone)."""
    try:
        _load(path, path)
    except TaskFileError:
        return
    with contextlib.suppress(OSError):
        path.unlink()


def _load(marker: Path, shown: Path) -> dict[str, Any]:
    try:
        with open(marker, "rb") as handle:
            raw = handle.read(_MAX_MARKER_BYTES + 1)
        state = json.loads(raw)
    except (OSError, ValueError, RecursionError) as exc:
        raise TaskFileError(f"{shown}: its run marker {marker} cannot be read ({exc})") from None
    if not (isinstance(state, dict) and state.get("format") == _FORMAT):
        raise TaskFileError(f"{shown}: {marker} is not a prelabel run marker; remove it")
    files = state.get("files")
    if not isinstance(files, list) or not all(
        isinstance(f, dict) and isinstance(f.get("name"), str) for f in files
    ):
        raise TaskFileError(f"{shown}: the run marker {marker} is damaged; remove it")
    return state


def check_complete(path: Path, *, directory: bool = False) -> None:
    """Refuse a directory or chunk that a run marker says is not a complete output.

    Args:
        path: a directory of task files (``directory=True``), or one task file (checked
            when its name is a chunk's).

    Files added to a directory after its run are read as any other file; a chunk the run did
    not write is refused (chunks of two runs would mix).

    Raises:
        TaskFileError: the run did not finish, a file it wrote is missing or changed, or a
            chunk is not one it wrote; the message says which and what to do.
    """
    path = Path(path)
    base = path if directory else chunk_base(path)
    if base is None:
        return
    marker = marker_path(base, chunks=not directory)
    if not os.path.isfile(marker):
        return
    state = _load(marker, path)
    if state.get("complete") is not True:
        cause = f" (it stopped on {state['error']})" if isinstance(state.get("error"), str) else ""
        raise TaskFileError(
            f"{path}: partial output: the run that wrote it did not finish{cause}; "
            f"{marker.name} marks it incomplete. Rerun that command with --overwrite"
        )
    listed = {f["name"]: f for f in state["files"]}
    folder = base.parent
    wanted = list(listed) if directory else [os.path.relpath(path, folder)]
    for name in wanted:
        entry = listed.get(name)
        if entry is None:
            raise TaskFileError(
                f"{path}: not written by the run that wrote {base.name} ({marker.name} does "
                "not list it): a leftover of an older run? Remove it"
            )
        try:
            size = os.stat(folder / name).st_size
        except FileNotFoundError:
            raise TaskFileError(
                f"{folder / name}: missing: the run that wrote {base.name} wrote it "
                f"({marker.name}); the output is incomplete"
            ) from None
        if isinstance(entry.get("bytes"), int) and size != entry["bytes"]:
            raise TaskFileError(
                f"{folder / name}: changed since the run that wrote {base.name} finished "
                f"({size:,} bytes, {entry['bytes']:,} written)"
            )
