"""Task files: read and write the three layouts Label Studio imports, streaming.

* ``json``: one file holding a list of tasks (or one task object);
* ``jsonl``: JSON Lines, one task object per line;
* ``dir``: a directory of task files, one task per file, as a synced storage bucket holds them.

A distributed job writes *shards* instead (:class:`ShardWriter`, one per worker) under a root
that may be an object store URL, and the driver writes the run's :func:`write_manifest` last.

Readers yield one task at a time and writers consume any iterable once, so a million tasks
never sit in memory. Output is deterministic (fixed key order, compact separators, UTF-8,
a newline at the end) and refuses NaN and infinity, which Label Studio rejects.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = write_tasks(folder / "tasks.jsonl", [{"data": {"text": "hi"}}])
>>> list(read_tasks(folder / "tasks.jsonl"))
[{'data': {'text': 'hi'}}]
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ._chunks import chunk_path, write_chunks, write_tasks
from ._common import (
    ByteCounter,
    ErrorSink,
    Layout,
    PathLike,
    TaskLike,
    TaskLocation,
    canonical_task,
    detect_layout,
    dumps_task,
)
from ._dir import iter_dir, task_files, write_dir
from ._json import iter_json, write_json
from ._jsonl import LineDecoder, iter_jsonl, write_jsonl
from ._manifest import MANIFEST, Manifest, build_manifest, read_manifest, write_manifest
from ._run import check_complete
from ._shards import TASKS_DIR, ShardInfo, ShardLayout, ShardWriter, task_key
from ._store import Store

__all__ = [
    "MANIFEST",
    "TASKS_DIR",
    "Layout",
    "Manifest",
    "ShardInfo",
    "ShardLayout",
    "ShardWriter",
    "Store",
    "TaskLike",
    "TaskLocation",
    "build_manifest",
    "canonical_task",
    "check_complete",
    "chunk_path",
    "detect_layout",
    "dumps_task",
    "read_manifest",
    "read_tasks",
    "read_tasks_located",
    "task_files",
    "task_key",
    "write_chunks",
    "write_dir",
    "write_json",
    "write_jsonl",
    "write_manifest",
    "write_tasks",
]


def read_tasks_located(
    path: PathLike,
    *,
    layout: Layout | None = None,
    on_bytes: ByteCounter | None = None,
    on_error: ErrorSink | None = None,
    line_decoder: LineDecoder | None = None,
) -> Iterator[tuple[TaskLocation, Any]]:
    """Yield ``(location, task)`` for every task under ``path``, one at a time.

    Args:
        path: a ``.json`` file, a ``.jsonl`` file or a directory of task files.
        layout: force a layout instead of guessing it from ``path``.
        on_bytes: called with the number of bytes read as reading goes (for progress bars).
        on_error: called with each line, task or file that cannot be read (a located
            :class:`~prelabel.errors.TaskFileError`), after which reading goes on with the
            next one; without it the first such problem is raised. ``path`` itself that
            cannot be opened is always raised.
        line_decoder: tried first on each line of a ``.jsonl`` file (a validator's
            :meth:`~prelabel.validate.Validator.decode_line`); what it returns, unless None,
            is yielded as the task instead of the dict.

    Raises:
        OSError: a file cannot be opened (``FileNotFoundError`` for a missing path).
        TaskFileError: a file cannot be parsed; the message starts with ``file:line``.
    """
    layout = layout or detect_layout(path)
    if layout == "dir":
        return iter_dir(path, on_bytes=on_bytes, on_error=on_error, line_decoder=line_decoder)
    check_complete(Path(path))
    if layout == "jsonl":
        return iter_jsonl(path, on_bytes=on_bytes, on_error=on_error, line_decoder=line_decoder)
    return iter_json(path, on_bytes=on_bytes, on_error=on_error)


def read_tasks(path: PathLike, *, layout: Layout | None = None) -> Iterator[dict[str, Any]]:
    """Yield every task dict under ``path`` (a ``.json``, a ``.jsonl`` or a directory).

    A ``.json`` file holds a list of tasks or one task; a directory holds ``.json`` and
    ``.jsonl`` task files, read in natural name order. Nothing is checked beyond "each task is
    a JSON object": pass the tasks to :func:`prelabel.validate.check` for that.

    Raises:
        OSError: a file cannot be opened.
        TaskFileError: a file cannot be parsed; the message names the file, the line and,
            in a list, the task index.
    """
    for _, task in read_tasks_located(path, layout=layout):
        yield task
