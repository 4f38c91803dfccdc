"""JSON Lines: one task object per line, read and written one line at a time."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from .._lazy import lazy_module
from ..errors import TaskFileError
from ._common import (
    ByteCounter,
    ErrorSink,
    PathLike,
    TaskLike,
    TaskLocation,
    atomic_bytes,
    encode_runs,
)
from ._json import (
    MAX_TASK_CHARS,
    _kind,
    _NonFiniteError,
    decode_failure,
    decoder,
    overflow,
)

if TYPE_CHECKING:
    import json
else:
    json = lazy_module("json")  # imported on first read: not needed by ``import prelabel``

__all__ = ["iter_jsonl", "write_jsonl", "write_jsonl_stream"]


MAX_LINE_BYTES = MAX_TASK_CHARS
"""The longest line read; a longer one (or a file with no newline, like ``/dev/zero``) ends
the file with a located error instead of filling memory."""


def iter_jsonl(
    path: PathLike,
    *,
    on_bytes: ByteCounter | None = None,
    on_error: ErrorSink | None = None,
    line_decoder: LineDecoder | None = None,
) -> Iterator[tuple[TaskLocation, Any]]:
    """Yield each task of a ``.jsonl`` file with its location; blank lines are skipped.

    Args:
        on_error: given, a line that is not a task is reported to it and reading goes on
            with the next line (a line over :data:`MAX_LINE_BYTES` ends the file); without
            it, the first problem is raised.
        line_decoder: tried first on each line (a validator's
            :meth:`~prelabel.validate.Validator.decode_line`); what it returns, unless None,
            is yielded as the task.

    Raises:
        OSError: the file cannot be opened.
        TaskFileError: a line that is not UTF-8, not JSON, holds NaN/Infinity or is not an
            object; the message starts with ``file:line``.
    """
    name = Path(path)
    index = 0
    decode = decoder().decode
    fast = fast_loads()
    with open(name, "rb") as handle:
        number = 0
        while True:
            raw = handle.readline(MAX_LINE_BYTES + 1)
            if not raw:
                return
            number += 1
            if on_bytes is not None:
                on_bytes(len(raw))
            if len(raw) > MAX_LINE_BYTES:
                problem = TaskFileError(
                    f"{name}:{number}: a line longer than {MAX_LINE_BYTES:,} bytes (Label "
                    "Studio refuses requests over 250 MB); the rest of the file is not read"
                )
                if on_error is None:
                    raise problem
                on_error(problem)
                return
            try:
                value = None if line_decoder is None else line_decoder(raw)
                if value is None:
                    value = fast_line(raw, fast)
                if value is None:
                    value = read_line(raw, name, number, decode)
            except TaskFileError as problem:
                if on_error is None:
                    raise
                on_error(problem)
                continue
            if value is None:
                continue
            yield TaskLocation(name, number, index), value
            index += 1


# msgspec parses a line faster than the json module and, where it reads a line at all, reads
# the value json reads (integers of any size exactly, floats correctly rounded, the last of
# repeated keys). It refuses more: NaN, Infinity, a float beyond the float range, a lone
# surrogate, bad UTF-8, a BOM, deep nesting. A line it refuses, or whose value is not an
# object, goes to the json path (:func:`read_line`), which keeps the values and messages the
# reader has always given: it reads the line (a blank line, a BOM, a lone surrogate) or says
# what is wrong with it. ``tests/test_jsonl_fast_path.py`` pins this with hypothesis.
LineDecoder = Callable[[bytes], Any]
"""Reads one line to a task, or returns None to leave it to the reader's own path."""


def fast_loads() -> Any:
    import msgspec  # imported when reading starts, not by ``import prelabel``

    return msgspec.json.Decoder().decode


def fast_line(raw: bytes, loads: Any) -> dict[str, Any] | None:
    """The task on one line read by msgspec, or None when the json path must read it."""
    try:
        value = loads(raw)
    except (ValueError, RecursionError):  # msgspec.DecodeError, ValidationError; deep nesting
        return None
    return value if type(value) is dict else None


def read_line(raw: bytes, name: str | Path, number: int, decode: Any) -> dict[str, Any] | None:
    """The task on one line, read by the json module; None for a blank line."""
    try:
        text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
    except UnicodeDecodeError as exc:
        raise TaskFileError(
            f"{name}:{number}: not UTF-8 text (byte {exc.start + 1} of the line)"
        ) from None
    if not text.strip():
        return None
    try:
        value = decode(text.rstrip("\r\n"))
    except json.JSONDecodeError as exc:
        raise TaskFileError(f"{name}:{number}:{exc.pos + 1}: invalid JSON: {exc.msg}") from None
    except _NonFiniteError as exc:
        raise TaskFileError(
            f"{name}:{number}: {exc} is not valid JSON (Label Studio rejects NaN and Infinity)"
        ) from None
    except (RecursionError, ValueError) as exc:
        raise TaskFileError(f"{name}:{number}: {decode_failure(exc)}") from None
    if not isinstance(value, dict):
        raise TaskFileError(f"{name}:{number}: a task must be a JSON object, got {_kind(value)}")
    why = overflow(value, text)
    if why is not None:
        raise TaskFileError(f"{name}:{number}: {why}")
    return value


def write_jsonl_stream(handle: IO[bytes], tasks: Iterable[TaskLike], *, start: int = 0) -> int:
    """Write ``tasks`` one compact JSON object per line (UTF-8) to an open binary handle;
    return how many were written."""
    count = 0
    write = handle.write
    for run in encode_runs(tasks, start=start):
        write(b"\n".join(run))
        write(b"\n")
        count += len(run)
    return count


def write_jsonl(path: PathLike, tasks: Iterable[TaskLike], *, overwrite: bool = True) -> Path:
    """Write ``tasks`` (any iterable, consumed once) to a ``.jsonl`` file, one per line.

    The file appears only when complete (written to a temporary name, then renamed).

    ``overwrite`` replaces an existing file (its permission bits kept, a symlink written
    through); False refuses with ``FileExistsError``.

    Raises:
        BuildError: a task holds NaN, infinity or a non-JSON value (the message locates it).
        FileExistsError: the file exists and ``overwrite`` is False.

    Returns:
        The path written.
    """
    target = Path(path)
    with atomic_bytes(target, overwrite=overwrite) as handle:
        write_jsonl_stream(handle, tasks)
    return target
