"""A directory of task files: the layout Label Studio syncs from cloud or local storage.

Each ``.json`` file holds one task object (what every Label Studio version reads from
storage) or a list of tasks (newer versions only); ``.jsonl`` files hold a task per line.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ..errors import TaskFileError
from ._atomic import sweep_stale_temps
from ._common import (
    ByteCounter,
    ErrorSink,
    PathLike,
    TaskLike,
    TaskLocation,
    as_task_file_error,
    atomic_bytes,
    chunked,
    dumps_task,
    natural_key,
)
from ._json import iter_json, write_json_stream
from ._jsonl import LineDecoder, iter_jsonl
from ._run import check_complete, output_run

__all__ = ["iter_dir", "task_files", "write_dir"]

_SUFFIXES = (".json", ".jsonl", ".ndjson")


def task_files(path: PathLike, *, on_error: ErrorSink | None = None) -> list[Path]:
    """The task files of a directory (not its subdirectories), in natural name order.

    Hidden files (``.name``) are skipped, as are files with other suffixes. A task file name
    that is not a regular file (a FIFO, a device, a broken or looping symlink) is skipped
    too, and reported to ``on_error`` when given.

    Raises:
        OSError: the directory cannot be listed.
    """
    folder = Path(path)
    names = []
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name.startswith(".") or not entry.name.lower().endswith(_SUFFIXES):
                continue
            try:
                regular = entry.is_file()
                problem = None if regular else _not_regular(entry)
            except OSError as exc:
                regular, problem = False, exc.strerror or str(exc)
            if regular:
                names.append(entry.name)
            elif problem is not None and on_error is not None:
                on_error(TaskFileError(f"{folder / entry.name}: {problem}; skipped"))
    names.sort(key=natural_key)
    return [folder / name for name in names]


def _not_regular(entry: os.DirEntry[str]) -> str | None:
    """Why a task file name is not a regular file; None for a directory (not a task file)."""
    if entry.is_dir():
        return None
    try:
        mode = os.stat(entry.path).st_mode
    except OSError as exc:  # a broken or looping symlink
        return f"cannot be read ({exc.strerror or exc})"
    if stat.S_ISFIFO(mode):
        return "a FIFO, not a file (reading it could wait forever)"
    return "not a regular file"


def iter_dir(
    path: PathLike,
    *,
    on_bytes: ByteCounter | None = None,
    on_error: ErrorSink | None = None,
    line_decoder: LineDecoder | None = None,
) -> Iterator[tuple[TaskLocation, Any]]:
    """Yield each task of every task file in a directory, file by file in name order.

    Locations name the file the task came from (index and line within that file).

    Args:
        on_error: given, a file or line that cannot be read is reported to it and reading
            goes on with the next one; without it, the first such problem is raised.
        line_decoder: tried first on each line of the ``.jsonl`` files (see
            :func:`~prelabel.io.iter_jsonl`).

    Raises:
        OSError: the directory or a file cannot be read.
        TaskFileError: a file that cannot be parsed (the message names it).
    """
    files = task_files(path, on_error=on_error)
    check_complete(Path(path), directory=True)
    for file in files:
        try:
            check_complete(file)
            if file.suffix.lower() == ".json":
                yield from iter_json(file, on_bytes=on_bytes, on_error=on_error)
            else:
                yield from iter_jsonl(
                    file, on_bytes=on_bytes, on_error=on_error, line_decoder=line_decoder
                )
        except (OSError, TaskFileError) as exc:
            if on_error is None:
                raise
            on_error(as_task_file_error(exc, file))


def write_dir(
    path: PathLike,
    tasks: Iterable[TaskLike],
    *,
    max_tasks_per_file: int = 1,
    prefix: str = "task-",
    indent: int | None = None,
    overwrite: bool = False,
) -> list[Path]:
    """Write one file per task (``task-00000001.json``, ...) into a directory.

    This is the layout to upload to a bucket that Label Studio syncs. With
    ``max_tasks_per_file`` above 1 each file holds a list of up to that many tasks, which
    only newer Label Studio versions read from storage.

    Args:
        path: the directory; created if missing, and it must hold no task files yet.
        tasks: :class:`~prelabel.Task` objects or task dicts (any iterable, consumed once).
        max_tasks_per_file: tasks per file; 1 writes each task as a bare object.
        prefix: file name prefix; the number after it has 8 digits.
        indent: pretty-print with this many spaces.
        overwrite: replace the task files already in the directory (those this run does not
            write again are removed at the end) instead of refusing.

    The run is marked beside the directory (``.NAME.prelabel-run``) as writing until the last
    file is written, so :func:`read_tasks` refuses a directory a failed run left half-written.

    Raises:
        FileExistsError: the directory already holds ``.json``/``.jsonl`` files (and
            ``overwrite`` is False).
        BuildError: a task holds NaN, infinity or a non-JSON value (the message locates it).
        ValueError: ``max_tasks_per_file`` is below 1.

    Returns:
        The files written, in order.
    """
    if max_tasks_per_file < 1:
        raise ValueError(f"max_tasks_per_file must be at least 1, got {max_tasks_per_file}")
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    existing = task_files(folder)
    if existing and not overwrite:
        raise FileExistsError(
            f"{folder} already holds task files ({existing[0].name}, ...); "
            "write to a new or empty directory, or pass --overwrite (overwrite=True)"
        )
    sweep_stale_temps(folder)
    written: list[Path] = []
    index = 0
    with output_run(folder, replacing=existing) as run:
        for number, batch in enumerate(chunked(tasks, max_tasks_per_file), start=1):
            target = folder / f"{prefix}{number:08d}.json"
            start = index
            with atomic_bytes(target, overwrite=overwrite) as handle:
                if max_tasks_per_file == 1:
                    text = dumps_task(next(batch), index=index, indent=indent) + "\n"
                    handle.write(text.encode("utf-8"))
                    index += 1
                else:
                    index += write_json_stream(handle, batch, indent=indent, start=index)
            run.add(target, index - start)
            written.append(target)
    return written
