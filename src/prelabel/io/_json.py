"""One JSON file: a list of tasks (or one task object), read element by element.

Label Studio's import reads a whole file at once, which is why big single files fail. Here the
reader never holds more than the task being decoded (plus one read chunk), so a 500 MB list
streams; the writer emits one task at a time from any iterable.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Iterator
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
    dumps_task,
    encode_runs,
)

if TYPE_CHECKING:
    import json
else:
    json = lazy_module("json")  # imported on first read: not needed by ``import prelabel``

__all__ = ["iter_json", "write_json", "write_json_stream"]

CHUNK_BYTES = 1 << 20
MAX_TASK_CHARS = 256 * 2**20
"""The largest task read (characters of JSON). Label Studio refuses a request over 250 MB, so
a bigger task could never be imported; the bound keeps a runaway file from filling memory."""
_WS = re.compile(r"[ \t\n\r]*")
# A decode error this close to the end of the buffer may only mean "read more" (a literal,
# a number or an escape cut by the chunk boundary).
_TAIL = 16


class _NonFiniteError(ValueError):
    """Raised from ``parse_constant``: NaN and Infinity are not JSON."""


class _ValueError(TaskFileError):
    """A value that parsed but cannot be a task's: the reader can go on after it."""


def _reject_constant(name: str) -> Any:
    raise _NonFiniteError(name)


_decoder: json.JSONDecoder | None = None


def decoder() -> json.JSONDecoder:
    """The JSON decoder the readers share: NaN and Infinity raise :class:`_NonFiniteError`."""
    global _decoder
    if _decoder is None:
        _decoder = json.JSONDecoder(parse_constant=_reject_constant)
    return _decoder


# A number that may overflow a float to infinity: 309+ digits, or a 3+ digit exponent. The
# text is mapped byte by byte (digits to "0", e/E to "e", "+" kept, the rest to " ") and the
# marks searched as substrings: two C passes, where a regex over the text cost 10x the parse.
# Only a task that has such a mark is walked to find the number.
NUMBER_MARKS = bytes(
    0x30 if 0x30 <= byte <= 0x39 else 0x65 if byte in b"eE" else 0x2B if byte == 0x2B else 0x20
    for byte in range(256)
)
_HUGE_MARKS = (b"0" * 309, b"0e000", b"0e+000")


def decode_failure(exc: RecursionError | ValueError) -> str:
    """What the JSON module raises untyped, said plainly: nesting deeper than Python reads,
    or an integer of more than 4,300 digits."""
    if isinstance(exc, RecursionError):
        return "nests deeper than the JSON reader allows (about 1,000 levels)"
    detail = str(exc).split("; use sys.set_int_max_str_digits()")[0]
    return f"holds a number too large to read ({detail})"


def overflow(value: Any, text: str, start: int = 0, end: int = 2**62) -> str | None:
    """Where a decoded task holds a number beyond the float range (it reads as infinity,
    which Label Studio rejects and ``convert`` cannot write); None when it holds none.

    ``text[start:end]`` is the task's JSON: only a task whose text has a huge number in it is
    walked, so the check costs one regex scan.
    """
    marks = text[start:end].encode("utf-8", "surrogatepass").translate(NUMBER_MARKS)
    if not any(mark in marks for mark in _HUGE_MARKS):
        return None
    where = _non_finite(value)
    if where is None:
        return None
    return (
        f"{where} is a number beyond the float range: it reads as infinity, which Label "
        "Studio rejects (write a finite number)"
    )


def _non_finite(value: Any) -> str | None:
    stack: list[tuple[tuple[str | int, ...], Any]] = [((), value)]
    while stack:
        loc, item = stack.pop()
        if isinstance(item, float) and item in (float("inf"), float("-inf")):
            return "$" + "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in loc)
        if isinstance(item, dict):
            stack.extend(((*loc, k), v) for k, v in item.items())
        elif isinstance(item, list):
            stack.extend(((*loc, i), v) for i, v in enumerate(item))
    return None


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return "null" if value is None else type(value).__name__


class _Buffer:
    """Decoded text read from a binary file in chunks, with line/column bookkeeping."""

    def __init__(self, handle: IO[bytes], name: Path, on_bytes: ByteCounter | None) -> None:
        self.handle = handle
        self.name = name
        self.on_bytes = on_bytes
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self.text = ""
        self.pos = 0
        self.eof = False
        self.bytes_read = 0
        self.line = 1  # line number at ``mark``
        self.mark = 0  # newlines before this index of ``text`` are counted in ``line``
        self.line_start = 0  # index in ``text`` where the current line starts (may be < 0)

    def fill(self, at_least: int = 0) -> None:
        """Read at least one more chunk (more if ``at_least`` asks); set ``eof`` at the end."""
        if self.eof:
            return
        if self.pos > CHUNK_BYTES and self.pos * 2 > len(self.text):
            self._drop_consumed()
        raw = self.handle.read(max(CHUNK_BYTES, at_least))
        try:
            chunk = self.decoder.decode(raw, final=not raw)
        except UnicodeDecodeError as exc:
            offset = self.bytes_read + exc.start
            raise TaskFileError(f"{self.name}: not UTF-8 text (byte {offset})") from None
        self.bytes_read += len(raw)
        if self.on_bytes is not None and raw:
            self.on_bytes(len(raw))
        if not raw:
            self.eof = True
        self.text += chunk

    def _drop_consumed(self) -> None:
        self.where(self.pos)
        self.text = self.text[self.pos :]
        self.mark -= self.pos
        self.line_start -= self.pos
        self.pos = 0

    def where(self, index: int) -> tuple[int, int]:
        """Line and column (1-based) of ``text[index]``; ``index`` must not go backwards."""
        text = self.text
        newlines = text.count("\n", self.mark, index)
        if newlines:
            self.line += newlines
            self.line_start = text.rfind("\n", self.mark, index) + 1
        self.mark = index
        return self.line, index - self.line_start + 1

    def peek(self) -> str:
        """Skip whitespace; the next character, or ``""`` at the end of the file."""
        while True:
            self.pos = _WS.match(self.text, self.pos).end()  # type: ignore[union-attr]
            if self.pos < len(self.text):
                return self.text[self.pos]
            if self.eof:
                return ""
            self.fill()

    def decode(self, label: str) -> tuple[Any, int]:
        """Decode the JSON value at ``pos``; returns it and its starting line."""
        raw_decode = decoder().raw_decode
        while True:
            try:
                value, end = raw_decode(self.text, self.pos)
            except json.JSONDecodeError as exc:
                if not self.eof and (
                    exc.pos >= len(self.text) - _TAIL or exc.msg.startswith("Unterminated string")
                ):
                    if len(self.text) - self.pos > MAX_TASK_CHARS:
                        line, _ = self.where(self.pos)
                        raise TaskFileError(
                            f"{self.name}:{line}: {label}larger than {MAX_TASK_CHARS:,} "
                            "characters (Label Studio refuses requests over 250 MB)"
                        ) from None
                    self.fill(len(self.text) - self.pos)
                    continue
                line, col = self.where(exc.pos)
                raise TaskFileError(
                    f"{self.name}:{line}:{col}: {label}invalid JSON: {exc.msg}"
                ) from None
            except _NonFiniteError as exc:
                line, _ = self.where(self.pos)
                raise TaskFileError(
                    f"{self.name}:{line}: {label}{exc} is not valid JSON "
                    "(Label Studio rejects NaN and Infinity)"
                ) from None
            except (RecursionError, ValueError) as exc:
                line, _ = self.where(self.pos)
                raise TaskFileError(f"{self.name}:{line}: {label}{decode_failure(exc)}") from None
            if end == len(self.text) and not self.eof:
                self.fill()  # a number at the very end may continue in the next chunk
                continue
            line, _ = self.where(self.pos)
            why = overflow(value, self.text, self.pos, end)
            self.pos = end
            if why is not None:
                raise _ValueError(f"{self.name}:{line}: {label}{why}")
            return value, line

    def fail(self, message: str) -> TaskFileError:
        line, col = self.where(min(self.pos, len(self.text)))
        return TaskFileError(f"{self.name}:{line}:{col}: {message}")


def iter_json(
    path: PathLike, *, on_bytes: ByteCounter | None = None, on_error: ErrorSink | None = None
) -> Iterator[tuple[TaskLocation, dict[str, Any]]]:
    """Yield each task of a ``.json`` file with its location, one at a time.

    The file holds a list of task objects, or one task object (one task). NaN and Infinity are
    refused, as Label Studio's import refuses them.

    Args:
        on_error: given, an element that is not a task (not an object, a number beyond the
            float range) is reported to it and reading goes on; a syntax error ends the file
            (nothing after it can be trusted) and is reported too. Without it, the first
            problem is raised.

    Raises:
        OSError: the file cannot be opened.
        TaskFileError: not UTF-8, not JSON, empty, or an element that is not an object; the
            message starts with ``file:line:column``.
    """
    try:
        yield from _iter_json(Path(path), on_bytes, on_error)
    except TaskFileError as exc:
        if on_error is None:
            raise
        on_error(exc)


def _iter_json(
    name: Path, on_bytes: ByteCounter | None, on_error: ErrorSink | None
) -> Iterator[tuple[TaskLocation, dict[str, Any]]]:
    def skip(problem: TaskFileError) -> None:
        if on_error is None:
            raise problem
        on_error(problem)

    with open(name, "rb") as handle:
        buf = _Buffer(handle, name, on_bytes)
        first = buf.peek()
        if first == "":
            raise TaskFileError(f"{name}: empty file; expected a list of tasks or one task object")
        if first != "[":
            value, line = buf.decode("")
            if not isinstance(value, dict):
                raise TaskFileError(
                    f"{name}:{line}: expected a list of tasks or one task object, "
                    f"got {_kind(value)}"
                )
            _expect_end(buf)
            yield TaskLocation(name, line, 0), value
            return
        buf.pos += 1
        if buf.peek() == "]":
            buf.pos += 1
            _expect_end(buf)
            return
        index = 0
        while True:
            try:
                value, line = buf.decode(f"task {index}: ")
            except _ValueError as problem:
                skip(problem)
            else:
                if isinstance(value, dict):
                    yield TaskLocation(name, line, index), value
                else:
                    skip(
                        TaskFileError(
                            f"{name}:{line}: task {index}: a task must be a JSON object, "
                            f"got {_kind(value)}"
                        )
                    )
            after = buf.peek()
            if after == ",":
                buf.pos += 1
                index += 1
                if buf.peek() == "]":
                    raise buf.fail(f"a ',' after task {index - 1} but no task: remove it")
            elif after == "]":
                buf.pos += 1
                _expect_end(buf)
                return
            elif after == "":
                raise buf.fail("unexpected end of file: the list of tasks is not closed with ']'")
            else:
                raise buf.fail(f"expected ',' or ']' after task {index}, got {after!r}")


def _expect_end(buf: _Buffer) -> None:
    if buf.peek() != "":
        raise buf.fail("extra data after the tasks")


def write_json_stream(
    handle: IO[bytes], tasks: Iterable[TaskLike], *, indent: int | None = None, start: int = 0
) -> int:
    """Write ``tasks`` as one JSON array (UTF-8) to an open binary handle; return the count.

    Compact (``indent=None``): ``[``, one task per line, ``]``. With ``indent`` the text is the
    same as ``json.dumps(list_of_tasks, indent=indent, ensure_ascii=False)``.
    """
    count = 0
    if indent:
        pad = " " * indent
        for task in tasks:
            text = pad + dumps_task(task, index=start + count, indent=indent).replace(
                "\n", "\n" + pad
            )
            handle.write((",\n" + text if count else "[\n" + text).encode("utf-8"))
            count += 1
    else:
        write = handle.write
        for run in encode_runs(tasks, start=start):
            write(b",\n" if count else b"[\n")
            write(b",\n".join(run))
            count += len(run)
    handle.write(b"\n]\n" if count else b"[]\n")
    return count


def write_json(
    path: PathLike,
    tasks: Iterable[TaskLike],
    *,
    indent: int | None = None,
    overwrite: bool = True,
) -> Path:
    """Write ``tasks`` (any iterable, consumed once) to one ``.json`` file as a list.

    The file appears only when complete (written to a temporary name, then renamed).

    Args:
        path: the file to write.
        tasks: :class:`~prelabel.Task` objects or task dicts.
        indent: pretty-print with this many spaces; default one compact task per line.
        overwrite: replace an existing file (its permission bits kept, a symlink written
            through); False refuses with ``FileExistsError``.

    Raises:
        BuildError: a task holds NaN, infinity or a non-JSON value (the message locates it).
        FileExistsError: the file exists and ``overwrite`` is False.

    Returns:
        The path written.
    """
    target = Path(path)
    with atomic_bytes(target, overwrite=overwrite) as handle:
        write_json_stream(handle, tasks, indent=indent)
    return target
