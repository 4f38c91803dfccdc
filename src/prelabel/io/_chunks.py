"""Chunked output: many files of at most N tasks, for imports too big for one request.

Label Studio reads an imported file whole, in one request; reports of 200,000-task
(500 MB) files failing where 10,000-task chunks work are common. ``name.json`` with chunks of
N becomes ``name-00001.json``, ``name-00002.json``, ... (``.jsonl`` alike).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from ._atomic import sweep_stale_temps
from ._common import Layout, PathLike, TaskLike, atomic_bytes, chunked, detect_layout
from ._dir import write_dir
from ._json import write_json, write_json_stream
from ._jsonl import write_jsonl, write_jsonl_stream
from ._run import chunk_base, output_run

__all__ = ["chunk_path", "existing_chunks", "write_chunks", "write_tasks"]


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
    overwrite: bool = False,
) -> list[Path]:
    """Write ``tasks`` into ``name-00001.json``, ``name-00002.json``, ... of at most N tasks.

    Args:
        path: the name the chunk names derive from (``preds.json`` or ``preds.jsonl``).
        tasks: :class:`~prelabel.Task` objects or task dicts (any iterable, consumed once).
        max_tasks_per_file: tasks per chunk.
        layout: ``"json"`` or ``"jsonl"``; default from the suffix.
        indent: pretty-print JSON chunks with this many spaces.
        overwrite: replace existing chunks of that name (those this run does not write again
            are removed at the end) instead of refusing.

    The run is marked in a hidden folder beside the chunks (``.prelabel/NAME.prelabel-run``,
    out of sight of a Label Studio storage sync of the folder) as writing until the last
    chunk is written, so the readers refuse chunks of a run that did not finish, and chunks
    an older run left behind.

    Raises:
        FileExistsError: chunks of that name already exist (stale chunks would mix in) and
            ``overwrite`` is False.
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
    existing = existing_chunks(path)
    if existing and not overwrite:
        raise FileExistsError(
            f"{existing[0]} already exists; remove the old chunks first or pass --overwrite "
            "(overwrite=True)"
        )
    sweep_stale_temps(path.parent)
    written: list[Path] = []
    index = 0
    with output_run(path, replacing=existing, chunks=True) as marker:
        for number, run in enumerate(chunked(tasks, max_tasks_per_file), start=1):
            target = chunk_path(path, number)
            start = index
            with atomic_bytes(target, overwrite=overwrite) as handle:
                if layout == "json":
                    index += write_json_stream(handle, run, indent=indent, start=index)
                else:
                    index += write_jsonl_stream(handle, run, start=index)
            marker.add(target, index - start)
            written.append(target)
    return written


def existing_chunks(path: PathLike) -> list[Path]:
    """The chunk files of ``path`` already on disk (``name-00001.json``, ...), in order."""
    path = Path(path)
    try:
        names = os.listdir(path.parent)
    except FileNotFoundError:
        return []
    found = [path.parent / name for name in names if name.startswith(path.stem + "-")]
    return sorted(f for f in found if chunk_base(f) == path)


def write_tasks(
    path: PathLike,
    tasks: Iterable[TaskLike],
    *,
    layout: Layout | None = None,
    max_tasks_per_file: int | None = None,
    indent: int | None = None,
    overwrite: bool | None = None,
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
        overwrite: replace what is already there. Default: a single file is replaced, chunks
            and a directory of task files are refused (``FileExistsError``).

    Every file appears whole or not at all; chunks and directories carry a run marker (see
    :func:`write_chunks`), so an interrupted run is never read as a complete output.

    Raises:
        FileExistsError: the output already exists and ``overwrite`` does not allow it.
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
        return write_dir(
            path,
            tasks,
            max_tasks_per_file=max_tasks_per_file or 1,
            indent=indent,
            overwrite=bool(overwrite),
        )
    if max_tasks_per_file is not None:
        return write_chunks(
            path,
            tasks,
            max_tasks_per_file=max_tasks_per_file,
            layout=layout,
            indent=indent,
            overwrite=bool(overwrite),
        )
    single = overwrite is not False
    if layout == "json":
        return [write_json(path, tasks, indent=indent, overwrite=single)]
    return [write_jsonl(path, tasks, overwrite=single)]
