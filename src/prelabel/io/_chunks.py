"""Chunked output: many files of at most N tasks, for imports too big for one request.

Label Studio reads an imported file whole, in one request; reports of 200,000-task
(500 MB) files failing where 10,000-task chunks work are common. ``name.json`` with chunks of
N becomes ``name-00001.json``, ``name-00002.json``, ... (``.jsonl`` alike).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ._common import Layout, PathLike, TaskLike, atomic_bytes, chunked, detect_layout
from ._dir import write_dir
from ._json import write_json, write_json_stream
from ._jsonl import write_jsonl, write_jsonl_stream

__all__ = ["chunk_path", "write_chunks", "write_tasks"]


def chunk_path(path: PathLike, number: int) -> Path:
    """The name of chunk ``number`` (1-based) of ``path``.

    >>> chunk_path("out/preds.json", 3).as_posix()
    'out/preds-00003.json'
    """
    path = Path(path)
    return path.with_name(f"{path.stem}-{number:05d}{path.suffix}")


def write_chunks(
    path: PathLike,
    tasks: Iterable[TaskLike],
    *,
    max_tasks_per_file: int,
    layout: Layout | None = None,
    indent: int | None = None,
) -> list[Path]:
    """Write ``tasks`` into ``name-00001.json``, ``name-00002.json``, ... of at most N tasks.

    Args:
        path: the name the chunk names derive from (``preds.json`` or ``preds.jsonl``).
        tasks: :class:`~prelabel.Task` objects or task dicts (any iterable, consumed once).
        max_tasks_per_file: tasks per chunk.
        layout: ``"json"`` or ``"jsonl"``; default from the suffix.
        indent: pretty-print JSON chunks with this many spaces.

    Raises:
        FileExistsError: a chunk of that name already exists (stale chunks would mix in).
        BuildError: a task holds NaN, infinity or a non-JSON value (the message locates it).
        ValueError: ``max_tasks_per_file`` below 1, or a layout other than json/jsonl.

    Returns:
        The chunk files written, in order (none for no tasks).
    """
    if max_tasks_per_file < 1:
        raise ValueError(f"max_tasks_per_file must be at least 1, got {max_tasks_per_file}")
    path = Path(path)
    layout = layout or detect_layout(path)
    if layout not in ("json", "jsonl"):
        raise ValueError(f"chunks are .json or .jsonl files, not {layout!r}")
    first = chunk_path(path, 1)
    if first.exists():
        raise FileExistsError(f"{first} already exists; remove the old chunks first")
    written: list[Path] = []
    index = 0
    for number, run in enumerate(chunked(tasks, max_tasks_per_file), start=1):
        target = chunk_path(path, number)
        with atomic_bytes(target) as handle:
            if layout == "json":
                index += write_json_stream(handle, run, indent=indent, start=index)
            else:
                index += write_jsonl_stream(handle, run, start=index)
        written.append(target)
    return written


def write_tasks(
    path: PathLike,
    tasks: Iterable[TaskLike],
    *,
    layout: Layout | None = None,
    max_tasks_per_file: int | None = None,
    indent: int | None = None,
) -> list[Path]:
    """Write tasks in any layout, optionally in chunks; the one call behind ``prelabel convert``.

    Args:
        path: ``.json`` file, ``.jsonl`` file, or a directory (``layout="dir"``).
        tasks: :class:`~prelabel.Task` objects or task dicts (any iterable, consumed once;
            a generator of a million tasks is never held in memory).
        layout: ``"json"``, ``"jsonl"`` or ``"dir"``; default from ``path`` (see
            :func:`detect_layout`).
        max_tasks_per_file: split into chunk files of at most this many tasks (for ``dir``:
            tasks per file, as a list when above 1).
        indent: pretty-print JSON with this many spaces (not for JSON Lines).

    Raises:
        FileExistsError: chunks or task files already exist where they would be written.
        BuildError: a task holds NaN, infinity or a non-JSON value (the message locates it).

    Returns:
        The files written, in order.

    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "preds.jsonl"
    >>> [p.name for p in write_tasks(out, [{"data": {"t": str(i)}} for i in range(5)],
    ...                              max_tasks_per_file=2)]
    ['preds-00001.jsonl', 'preds-00002.jsonl', 'preds-00003.jsonl']
    """
    layout = layout or detect_layout(path)
    if layout == "dir":
        return write_dir(path, tasks, max_tasks_per_file=max_tasks_per_file or 1, indent=indent)
    if max_tasks_per_file is not None:
        return write_chunks(
            path, tasks, max_tasks_per_file=max_tasks_per_file, layout=layout, indent=indent
        )
    if layout == "json":
        return [write_json(path, tasks, indent=indent)]
    return [write_jsonl(path, tasks)]
