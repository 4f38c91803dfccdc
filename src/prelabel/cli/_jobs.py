"""``prelabel validate --jobs N``: task files checked by N worker processes, reported in order.

Each worker streams one file at a time (memory per worker as in one process: counters and
the task being read) and writes the file's problems, already formatted, to a spool file on
disk; the main process copies the spools to stdout in the order of the files and adds up the
counts, so the report is the one a single process prints.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .._lazy import lazy_module
from ..config import LabelConfig
from ..errors import ErrorRecord, TaskFileError
from ..io import TaskLocation, read_tasks_located
from ..validate import ONCE_PER_VALIDATOR, ValidationStats, Validator

if TYPE_CHECKING:
    import multiprocessing
else:  # imported when --jobs runs workers, not for one process
    multiprocessing = lazy_module("multiprocessing")

__all__ = ["Unit", "UnitResult", "check_unit", "default_jobs", "run_units"]

Formatter = Callable[[TaskLocation, ErrorRecord], str]


def default_jobs() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@dataclasses.dataclass(frozen=True)
class Unit:
    """One task file to check, and what each worker needs to check it."""

    path: Path
    xml: str
    strict: bool
    local_files_root: str | None  # Validator(local_files_root=)
    json_lines: bool  # format records as JSON (one per line) instead of text
    spool_dir: str


@dataclasses.dataclass(frozen=True)
class Once:
    """A record reported once per validator (``ONCE_PER_VALIDATOR``), as spooled: the spool's
    lines ``[start, end)`` hold it. Another worker may have reported it for an earlier file."""

    key: tuple[str, str | None]  # (code, control)
    severity: str
    start: int
    end: int


@dataclasses.dataclass
class UnitResult:
    """What a worker found in one file: counts, the spooled records, what could not be read."""

    stats: ValidationStats
    spool: str | None
    failures: list[Exception]
    once: list[Once] = dataclasses.field(default_factory=list)


_validators: dict[tuple[str, bool, str | None], Validator] = {}


def _validator(xml: str, strict: bool, local_files_root: str | None) -> Validator:
    """One compiled validator per worker process and config (fresh counters per file)."""
    key = (xml, strict, local_files_root)
    found = _validators.get(key)
    if found is None:
        config = LabelConfig.parse(xml)
        found = _validators[key] = Validator(
            config, strict=strict, local_files_root=local_files_root
        )
    found.stats = ValidationStats()
    return found


def _threads() -> int:
    """Threads of this process, counting those the threading module does not know about (an
    extension's or a test runner's ``_thread`` threads), where the OS tells."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return threading.active_count()


def _start_method() -> str:
    """fork where it is safe (a process with one thread, as the command is: workers start in
    milliseconds); spawn otherwise (forking a process with threads can deadlock it)."""
    if "fork" in multiprocessing.get_all_start_methods() and _threads() == 1:
        return "fork"
    return "spawn"


def _worker_signals() -> None:
    """A worker dies on SIGTERM and leaves Ctrl-C to the main process.

    A forked worker inherits the command's SIGTERM handler (which raises for cleanup in the
    main process); the pool stops workers with SIGTERM, so they get the default back.
    """
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def check_unit(unit: Unit) -> UnitResult:
    """Check every task of one file; runs in a worker process."""
    from .validate import (  # the formats the single process prints
        format_json,
        format_text,
        located_crash,
    )

    formatter: Formatter = format_json if unit.json_lines else format_text
    validator = _validator(unit.xml, unit.strict, unit.local_files_root)
    failures: list[Exception] = []
    once: list[Once] = []
    lines = 0  # lines spooled so far
    handle, spool = tempfile.mkstemp(suffix=".txt", dir=unit.spool_dir)
    with open(handle, "w", encoding="utf-8") as out:
        try:
            tasks = read_tasks_located(
                unit.path, on_error=failures.append, line_decoder=validator.decode_line
            )
            for where, task in tasks:
                try:
                    records = validator.check_task(task, where.index)
                except Exception as exc:  # a bug in prelabel: say where, check the rest
                    failures.append(located_crash(f"{where}: task {where.index}", exc))
                    continue
                for record in records:
                    text = formatter(where, record)
                    out.write(text)
                    start, lines = lines, lines + text.count("\n")
                    if record.code in ONCE_PER_VALIDATOR:
                        key = (record.code, record.control)
                        once.append(Once(key, record.severity, start, lines))
        except (OSError, TaskFileError) as exc:
            failures.append(exc)
        except Exception as exc:  # a bug in prelabel: say where
            failures.append(located_crash(str(unit.path), exc))
    return UnitResult(validator.stats, spool, failures, once)


def run_units(
    paths: Sequence[Path],
    *,
    config: LabelConfig,
    strict: bool,
    json_lines: bool,
    jobs: int,
    local_files_root: str | None = None,
) -> Iterator[tuple[Path, UnitResult]]:
    """Check ``paths`` with ``jobs`` worker processes; yield results in the order of ``paths``.

    Each spool file is removed once the caller has moved on to the next result.
    """
    with tempfile.TemporaryDirectory(prefix="prelabel-validate-") as spool_dir:
        units = [
            Unit(path, config.xml, strict, local_files_root, json_lines, spool_dir)
            for path in paths
        ]
        context = multiprocessing.get_context(_start_method())
        pool = context.Pool(min(jobs, len(units)), initializer=_worker_signals)
        try:
            for unit, result in zip(units, pool.imap(check_unit, units), strict=True):
                yield unit.path, result
                if result.spool is not None:
                    Path(result.spool).unlink(missing_ok=True)
        except BaseException:
            pool.terminate()  # stopped early (an error, Ctrl-C, the reader left): stop now
            raise
        else:
            pool.close()  # every file done: workers leave on their own (no signal needed)
        finally:
            pool.join()
