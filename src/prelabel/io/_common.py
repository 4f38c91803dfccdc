"""What the readers and writers share: layouts, task locations, canonical JSON text."""

from __future__ import annotations

import dataclasses
import functools
import itertools
import math
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from .._lazy import lazy_module
from ..errors import BuildError, TaskFileError, format_loc
from ..tasks import Task
from ._atomic import atomic_bytes, atomic_text

if TYPE_CHECKING:
    import json
else:
    json = lazy_module("json")  # imported on first use: not needed by ``import prelabel``

__all__ = [
    "ByteCounter",
    "ErrorSink",
    "Layout",
    "PathLike",
    "TaskLike",
    "TaskLocation",
    "as_task_file_error",
    "atomic_bytes",
    "atomic_text",
    "canonical_task",
    "chunked",
    "detect_layout",
    "dumps_task",
    "encode_runs",
    "encode_tasks",
    "natural_key",
]

Layout = Literal["json", "jsonl", "dir"]
"""``json``: one list (or one task); ``jsonl``: a task per line; ``dir``: a file per task."""

PathLike = str | os.PathLike[str]
TaskLike = Task | Mapping[str, Any]
ByteCounter = Callable[[int], None]
"""Called with the number of bytes just read (drives a progress bar)."""
ErrorSink = Callable[[TaskFileError], None]
"""Called with each file or line that cannot be read, when reading is to go on after it."""

T = TypeVar("T")

_TASK_ORDER = ("id", "data", "predictions", "annotations", "meta")
_PREDICTION_ORDER = ("model_version", "score", "result")


@dataclasses.dataclass(frozen=True, slots=True)
class TaskLocation:
    """Where a task was read: its file, the line it starts on (1-based), its index in the file."""

    file: Path
    line: int
    index: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


def as_task_file_error(exc: OSError | TaskFileError, path: PathLike) -> TaskFileError:
    """``exc`` as a :class:`TaskFileError` naming the file (``cannot read NAME: reason``)."""
    if isinstance(exc, TaskFileError):
        return exc
    name = os.fsdecode(exc.filename) if exc.filename is not None else os.fspath(path)
    return TaskFileError(f"cannot read {name}: {exc.strerror or exc}")


def detect_layout(path: PathLike) -> Layout:
    """The layout a path names: a directory (or a name without suffix), ``.json`` or ``.jsonl``.

    Raises:
        TaskFileError: a suffix that is none of ``.json``, ``.jsonl``, ``.ndjson``.

    >>> detect_layout("preds.jsonl"), detect_layout("preds.json"), detect_layout("out/preds")
    ('jsonl', 'json', 'dir')
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if path.is_dir() or not suffix:
        return "dir"
    if suffix == ".json":
        return "json"
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    raise TaskFileError(
        f"{path}: cannot tell the layout from the name; use .json, .jsonl or a directory"
    )


def natural_key(name: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that puts ``task-2.json`` before ``task-10.json``.

    >>> sorted(["t-10.json", "t-2.json", "t-1.json"], key=natural_key)
    ['t-1.json', 't-2.json', 't-10.json']
    """
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", name) if part
    )


def canonical_task(task: TaskLike) -> dict[str, Any]:
    """The task as a dict with its keys in the written order.

    Task keys: ``id``, ``data``, ``predictions``, ``annotations``, ``meta``, then the others in
    their own order; prediction keys: ``model_version``, ``score``, ``result``, then others.
    Results keep the order their builder gave them.

    Raises:
        BuildError: ``task`` is neither a :class:`~prelabel.Task` nor a mapping.
    """
    if isinstance(task, Task):
        return task.to_dict()
    if not isinstance(task, Mapping):
        raise BuildError(f"a task must be a Task or a dict, got {type(task).__name__}")
    out = _ordered(task, _TASK_ORDER)
    predictions = out.get("predictions")
    if isinstance(predictions, list):
        out["predictions"] = [
            _ordered(p, _PREDICTION_ORDER) if isinstance(p, Mapping) else p for p in predictions
        ]
    return out


def _ordered(raw: Mapping[str, Any], first: tuple[str, ...]) -> dict[str, Any]:
    out = {key: raw[key] for key in first if key in raw}
    out.update((key, value) for key, value in raw.items() if key not in out)
    return out


# Key tuples already in canonical order (True) or not (False), for tasks and predictions.
_in_order: dict[tuple[tuple[Any, ...], tuple[str, ...]], bool] = {}


def _is_ordered(raw: dict[str, Any], first: tuple[str, ...]) -> bool:
    keys = tuple(raw)
    found = _in_order.get((keys, first))
    if found is None:
        found = tuple(_ordered(raw, first)) == keys
        if len(_in_order) > 1024:
            _in_order.clear()
        _in_order[keys, first] = found
    return found


def _canonical(task: TaskLike) -> dict[str, Any]:
    """:func:`canonical_task` for writing: the task itself when it is already in order."""
    if type(task) is dict and _is_ordered(task, _TASK_ORDER):
        predictions = task.get("predictions")
        if type(predictions) is not list or all(
            type(p) is dict and _is_ordered(p, _PREDICTION_ORDER) for p in predictions
        ):
            return task
    return canonical_task(task)


def dumps_task(task: TaskLike, *, index: int = 0, indent: int | None = None) -> str:
    """One task as JSON text: canonical key order, UTF-8 characters kept, no NaN.

    Without ``indent`` the text is compact (no spaces), one line: the line the writers write.

    Args:
        task: a :class:`~prelabel.Task` or a task dict.
        index: the task's position, named in error messages.
        indent: pretty-print with this many spaces per level.

    Raises:
        BuildError: a NaN or infinite number, or a value JSON cannot hold (a numpy scalar, a
            set, ...); the message gives its path, e.g. ``$[3].predictions[0].result[1].value.x``.

    >>> dumps_task({"data": {"text": "café"}, "id": 7})
    '{"id":7,"data":{"text":"café"}}'
    """
    if indent is None:
        return next(encode_tasks([task], start=index)).decode("utf-8")
    return _dumps_text(canonical_task(task), index, indent)


def _dumps_text(obj: dict[str, Any], index: int, indent: int | None) -> str:
    """``obj`` as JSON text with the standard library: the reference the fast path matches."""
    separators = (",", ":") if indent is None else (",", ": ")
    try:
        text = json.dumps(
            obj, ensure_ascii=False, allow_nan=False, indent=indent, separators=separators
        )
    except (TypeError, ValueError) as exc:
        raise BuildError(_explain_unwritable(obj, index) or f"task {index}: {exc}") from None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate (from a "\ud800" escape) has no UTF-8 form: keep it escaped.
        text = json.dumps(obj, ensure_ascii=True, indent=indent, separators=separators)
    return text


# --- the fast compact encoder --------------------------------------------------------------
#
# orjson writes plain dicts and lists about 8x faster than ``json.dumps`` (pydantic-core's
# ``to_json``, already installed, only about 5x, and it quietly writes sets, bytes, datetimes
# and Decimals, which would need a walk over every value to refuse: in all, under 3x). Its
# bytes are used where they mean the same JSON as ``json.dumps(..., ensure_ascii=False,
# allow_nan=False, separators=(",", ":"))``; everything else is redone with ``json.dumps``,
# the reference, which also writes the located error messages:
#
# * orjson refuses what json.dumps refuses: sets, bytes, Decimals, numpy scalars, datetimes
#   and dataclasses (passed through to a missing ``default``), subclasses of str/int/dict/list
#   (likewise: json.dumps writes IntEnums, OrderedDicts... its own way), non-string keys,
#   lone surrogates, integers beyond 64 bits, nesting deeper than 255;
# * orjson writes NaN and infinity as ``null``: output holding ``null`` (a real None, or a
#   string containing the word) is redone with json.dumps, which refuses NaN or agrees.
#
# Two differences remain: orjson writes a ``uuid.UUID`` as its string and an ``Enum`` member
# as its value, where json.dumps refuses both; and it spells some floats differently
# (``1e-7`` where json.dumps writes ``1e-07``): the same numbers.

_RUN = 32  # tasks encoded, joined and written together
_orjson_dumps: Callable[[Any], bytes] | None = None


def _fast_dumps() -> Callable[[Any], bytes]:
    global _orjson_dumps
    if _orjson_dumps is None:
        import orjson  # imported when writing starts, not by ``import prelabel``

        _orjson_dumps = functools.partial(
            orjson.dumps,
            option=orjson.OPT_PASSTHROUGH_DATETIME
            | orjson.OPT_PASSTHROUGH_DATACLASS
            | orjson.OPT_PASSTHROUGH_SUBCLASS,
        )
    return _orjson_dumps


def encode_tasks(tasks: Iterable[TaskLike], *, start: int = 0) -> Iterator[bytes]:
    """Each task as compact JSON bytes (UTF-8, canonical key order), one at a time.

    The bytes are what :func:`dumps_task` gives, encoded; see the note above on the fast path.

    Raises:
        BuildError: as :func:`dumps_task`; ``start`` is the first task's index in messages.
    """
    for run in encode_runs(tasks, start=start):
        yield from run


def encode_runs(tasks: Iterable[TaskLike], *, start: int = 0) -> Iterator[list[bytes]]:
    """:func:`encode_tasks` a run of tasks at a time (what the writers join and write)."""
    dumps = _fast_dumps()
    index = start
    for run in chunked(tasks, _RUN):
        out = []
        for task in run:
            obj = _canonical(task)
            try:
                data = dumps(obj)
            except TypeError:  # orjson.JSONEncodeError: not plain JSON (see the note above)
                data = b"null"
            if b"null" in data:
                data = _dumps_text(obj, index, None).encode("utf-8")
            out.append(data)
            index += 1
        yield out


def _explain_unwritable(obj: Any, index: int) -> str | None:
    """Find the first value ``json.dumps`` refuses and say where it is."""
    stack: list[tuple[tuple[str | int, ...], Any]] = [((index,), obj)]
    while stack:
        loc, value = stack.pop()
        where = format_loc(loc)
        if isinstance(value, float):
            if not math.isfinite(value):
                return (
                    f"task {index}: {where} is {value}; JSON has no NaN or infinity and "
                    "Label Studio rejects them"
                )
        elif value is None or isinstance(value, (str, int)):
            continue
        elif isinstance(value, Mapping):
            for key in value:
                if not isinstance(key, (str, int, float, bool)) and key is not None:
                    return (
                        f"task {index}: {where} has a key of type {type(key).__name__}; "
                        "JSON object keys must be strings"
                    )
            stack.extend(((*loc, str(k)), v) for k, v in reversed(list(value.items())))
        elif isinstance(value, (list, tuple)):
            stack.extend(((*loc, i), v) for i, v in reversed(list(enumerate(value))))
        else:
            kind = f"{type(value).__module__}.{type(value).__qualname__}"
            return (
                f"task {index}: {where} is a {kind}, which JSON cannot hold; "
                "convert it to a plain value (float(), int(), .tolist())"
            )
    return None


def chunked(items: Iterable[T], size: int) -> Iterator[Iterator[T]]:
    """Split ``items`` into consecutive runs of at most ``size``, without materializing them.

    Each run must be consumed before the next is asked for.

    >>> [list(run) for run in chunked(range(5), 2)]
    [[0, 1], [2, 3], [4]]
    """
    iterator = iter(items)
    for first in iterator:
        run = itertools.chain((first,), itertools.islice(iterator, size - 1))
        yield run
        for _ in run:  # drain what the caller left, so the next run starts in the right place
            pass
