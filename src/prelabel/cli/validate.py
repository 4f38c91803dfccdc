"""``prelabel validate --config CONFIG.xml TASKS...``: check task files before Label Studio does.

Streams every task through the library's :class:`~prelabel.validate.Validator` and prints each
problem as it is found, so memory stays flat however big the files are: only counters grow.

Exit status: 0 no errors (warnings allowed unless ``--strict``), 1 errors found, 2 wrong usage,
or a config or task file that cannot be read or parsed (an invalid labeling config counts as
unreadable: nothing can be checked against it).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from .._redact import redact
from ..config import LabelConfig
from ..errors import ErrorRecord, TaskFileError
from ..io import TaskLocation, check_complete, read_tasks_located, task_files
from ..validate import ValidationStats, Validator
from ._common import plural, positive, read_config, streaming_gc
from ._jobs import UnitResult, default_jobs, run_units
from ._progress import Progress, isatty, total_size

NAME = "validate"


def add_parser(sub: Any) -> None:
    """Register the command on the ``prelabel`` subparsers."""
    parser = sub.add_parser(
        NAME,
        help="check task files against a labeling config",
        description="Check tasks and their predictions against a labeling config, as Label "
        "Studio's import and editor would. TASKS are .json files (a list of tasks or one "
        "task), .jsonl files (a task per line) or directories of task files. Exit status: "
        "0 no errors, 1 errors found, 2 wrong usage or an unreadable config or file.",
    )
    parser.add_argument("--config", required=True, help="labeling config XML file")
    parser.add_argument("tasks", nargs="+", metavar="TASKS", help=".json, .jsonl or directory")
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text: one block per problem and a summary; json: a JSON array of the problems",
    )
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    parser.add_argument(
        "--no-progress", action="store_true", help="no progress bar (shown only on a terminal)"
    )
    parser.add_argument(
        "--jobs",
        type=positive,
        default=None,
        metavar="N",
        help="check files (a directory's shards too) in N processes; default: the machine's "
        "cores; the report is the same as with one",
    )
    parser.add_argument(
        "--local-files-root",
        metavar="DIR",
        help="the server's LABEL_STUDIO_LOCAL_FILES_DOCUMENT_ROOT: each /data/local-files/ "
        "image must be a file under DIR, and each result's original_width/original_height "
        "is compared with its size",
    )


def format_text(where: TaskLocation, record: ErrorRecord) -> str:
    """A record as the text output prints it (with its hint line, if any)."""
    text = f"{where}: {record.path}: {record.severity} [{record.code}] {record.message}\n"
    return text + f"    hint: {record.hint}\n" if record.hint else text


def format_json(where: TaskLocation, record: ErrorRecord) -> str:
    """A record as one item of the JSON output, on one line."""
    return json.dumps({"file": str(where.file), "line": where.line, **record.to_dict()}) + "\n"


class _TextPrinter:
    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.count = 0

    def record(self, where: TaskLocation, record: ErrorRecord) -> None:
        self.count += 1
        self.out.write(format_text(where, record))

    def spooled(self, lines: Iterable[str]) -> None:
        """Records another process formatted (``format_text``), copied as they are."""
        for line in lines:
            self.count += not line.startswith("    hint: ")
            self.out.write(line)

    def finish(self, stats: ValidationStats, files: int, unreadable: int) -> None:
        if self.count:
            self.out.write("\n")
        self.out.write(render_summary(stats, files, unreadable))


class _JsonPrinter:
    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.count = 0

    def record(self, where: TaskLocation, record: ErrorRecord) -> None:
        self._item(format_json(where, record))

    def spooled(self, lines: Iterable[str]) -> None:
        """Records another process formatted (``format_json``), one per line."""
        for line in lines:
            self._item(line)

    def _item(self, line: str) -> None:
        self.out.write(("[\n  " if self.count == 0 else ",\n  ") + line.rstrip("\n"))
        self.count += 1

    def finish(self, stats: ValidationStats, files: int, unreadable: int) -> None:
        self.out.write("\n]\n" if self.count else "[]\n")


def render_summary(stats: ValidationStats, files: int, unreadable: int = 0) -> str:
    """The summary block that ends the text output."""
    where = plural(files, "file")
    if unreadable:
        where += f" ({unreadable:,} could not be read)"
    counted = [plural(stats.tasks, "task"), plural(stats.predictions, "prediction")]
    if stats.annotations:
        counted.append(plural(stats.annotations, "annotation"))
    counted.append(plural(stats.results, "result"))
    lines = [f"checked {', '.join(counted)} in {where}"]
    if not (stats.errors or stats.warnings):
        lines.append("no problems found")
    else:
        lines.append(
            f"found {plural(stats.error_count, 'error')}, {plural(stats.warning_count, 'warning')}"
        )
        rows = [("error", code, n) for code, n in sorted(stats.errors.items())]
        rows += [("warning", code, n) for code, n in sorted(stats.warnings.items())]
        width = max(len(code) for _, code, _ in rows)
        for severity, code, count in rows:
            lines.append(f"  {severity:<7}  {code:<{width}}  {count:,}")
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    """Validate every task of every TASKS path; print problems and a summary."""
    config = read_config(args.config, invalid=2)
    if isinstance(config, int):
        return config

    out = sys.stdout
    printer: _TextPrinter | _JsonPrinter = (
        _JsonPrinter(out) if args.format == "json" else _TextPrinter(out)
    )
    sources = [Path(p) for p in args.tasks]
    jobs = default_jobs() if args.jobs is None else args.jobs
    if jobs > 1:
        units = _units(sources)
        if sum(len(found) for found in units.values() if isinstance(found, list)) > 1:
            return _run_parallel(args, config, printer, sources, units, jobs)
    progress = Progress(
        sys.stderr, total_size(sources), label="validate", enabled=not args.no_progress
    )
    # The bar is erased before a problem is printed only when both go to the same terminal.
    shared_screen = progress.active and isatty(out)
    # One validator for every file: it keeps counters only, so memory stays flat.
    validator = Validator(config, strict=args.strict, local_files_root=args.local_files_root)
    stats = validator.stats
    unreadable: set[int] = set()  # the sources with a problem reading them
    debug = bool(getattr(args, "debug", False))
    completed = False
    try:
        with streaming_gc():
            for number, source in enumerate(sources):
                before = stats.tasks

                def report(exc: Exception, number: int = number, source: Path = source) -> None:
                    progress.clear()
                    out.flush()
                    print(f"prelabel: {_describe(source, exc)}", file=sys.stderr)
                    unreadable.add(number)

                try:
                    tasks = read_tasks_located(
                        source,
                        on_bytes=progress.advance,
                        on_error=report,
                        line_decoder=validator.decode_line,
                    )
                    for where, task in tasks:
                        try:
                            records = validator.check_task(task, where.index)
                        except Exception as exc:  # a bug in prelabel: say where, check the rest
                            report(located_crash(f"{where}: task {where.index}", exc, debug))
                            continue
                        if records:
                            if shared_screen:
                                progress.clear()
                            for record in records:
                                printer.record(where, record)
                        if progress.active:
                            problems = stats.error_count + stats.warning_count
                            progress.update(tasks=stats.tasks, problems=problems)
                    if stats.tasks == before and number not in unreadable:
                        raise TaskFileError(f"{source}: no tasks found (Label Studio imports none)")
                except BrokenPipeError:
                    raise  # stdout went away: not a problem with this file
                except (OSError, TaskFileError) as exc:
                    report(exc)
                except Exception as exc:  # a bug in prelabel: say where, go on with the next
                    report(located_crash(str(source), exc, debug))
        completed = True
    finally:  # interrupted, the JSON array is still closed (the exit status says why)
        progress.clear()
        if completed or isinstance(printer, _JsonPrinter):
            printer.finish(stats, len(sources), len(unreadable))
    if unreadable:
        return 2
    return 1 if stats.error_count else 0


def located_crash(where: str, exc: Exception, debug: bool = False) -> TaskFileError:
    """An error prelabel did not expect while checking ``where``, as a located problem (the
    traceback too with ``--debug`` or ``PRELABEL_DEBUG=1``)."""
    if debug or os.environ.get("PRELABEL_DEBUG", "") not in ("", "0"):
        import traceback  # only with --debug

        traceback.print_exception(exc, file=sys.stderr)
    detail = redact(str(exc))[:300]
    return TaskFileError(
        f"{where}: could not be checked: unexpected {type(exc).__name__}"
        + (f": {detail}" if detail else "")
        + " (a bug in prelabel: please report it)"
    )


def _units(sources: list[Path]) -> dict[int, list[Path] | Exception]:
    """Each source's files: itself, or a directory's task files (an error when unlistable)."""
    units: dict[int, list[Path] | Exception] = {}
    for number, source in enumerate(sources):
        if source.is_dir():
            try:
                check_complete(source, directory=True)
                units[number] = task_files(source)
            except (OSError, TaskFileError) as exc:
                units[number] = exc
        else:
            units[number] = [source]
    return units


def _run_parallel(
    args: argparse.Namespace,
    config: LabelConfig,
    printer: _TextPrinter | _JsonPrinter,
    sources: list[Path],
    units: dict[int, list[Path] | Exception],
    jobs: int,
) -> int:
    """:func:`run` with files checked by ``jobs`` processes; the same output, in the same order.

    As in one process, a source stops at its first unreadable file: what its later files
    hold is neither printed nor counted.
    """
    out = sys.stdout
    progress = Progress(
        sys.stderr, total_size(sources), label="validate", enabled=not args.no_progress
    )
    files = [path for found in units.values() if isinstance(found, list) for path in found]
    owner = {
        id(path): number
        for number, found in units.items()
        if isinstance(found, list)
        for path in found
    }
    stats = ValidationStats()
    per_source = [0] * len(sources)
    failed: set[int] = set()

    def fail(number: int, exc: Exception) -> None:
        progress.clear()
        out.flush()
        print(f"prelabel: {_describe(sources[number], exc)}", file=sys.stderr)
        failed.add(number)

    def finish_sources(upto: int) -> None:
        """Report the sources before ``upto`` that are done: unlistable, or with no tasks."""
        while finished[0] < upto:
            number = finished[0]
            found = units[number]
            if isinstance(found, Exception):
                fail(number, found)
            elif number not in failed and per_source[number] == 0:
                fail(
                    number,
                    TaskFileError(f"{sources[number]}: no tasks found (Label Studio imports none)"),
                )
            finished[0] += 1

    finished = [0]
    reported: set[tuple[str, str | None]] = set()  # ONCE_PER_VALIDATOR records printed
    results = run_units(
        files,
        config=config,
        strict=args.strict,
        json_lines=args.format == "json",
        jobs=jobs,
        local_files_root=args.local_files_root,
    )
    for path, result in results:
        number = owner[id(path)]
        finish_sources(number)
        progress.advance(_size(path))
        if result.spool is not None:
            with open(result.spool, encoding="utf-8") as spooled:
                if progress.active and isatty(out):
                    progress.clear()
                repeats = _drop_repeats(result, reported)
                printer.spooled(_without_lines(spooled, repeats))
        _add(stats, result.stats)
        per_source[number] += result.stats.tasks
        for failure in result.failures:
            fail(number, failure)
        if progress.active:
            progress.update(tasks=stats.tasks, problems=stats.error_count + stats.warning_count)
    finish_sources(len(sources))
    progress.clear()
    printer.finish(stats, len(sources), len(failed))
    if failed:
        return 2
    return 1 if stats.error_count else 0


def _drop_repeats(
    result: UnitResult, reported: set[tuple[str, str | None]]
) -> list[tuple[int, int]]:
    """The spool line ranges of the once-per-validator records an earlier file reported (one
    process reports them once per run), taken out of the file's counts too; the others are
    added to ``reported``."""
    repeats: list[tuple[int, int]] = []
    for once in result.once:
        if once.key not in reported:
            reported.add(once.key)
            continue
        repeats.append((once.start, once.end))
        counts = result.stats.errors if once.severity == "error" else result.stats.warnings
        counts[once.key[0]] -= 1
        if counts[once.key[0]] <= 0:
            del counts[once.key[0]]
    return repeats


def _without_lines(lines: Iterable[str], skip: list[tuple[int, int]]) -> Iterator[str]:
    """``lines`` without those in the sorted, disjoint ranges ``[start, end)`` of ``skip``."""
    ranges = iter(skip)
    start, end = next(ranges, (-1, -1))
    for number, line in enumerate(lines):
        while number >= end > -1:
            start, end = next(ranges, (-1, -1))
        if not start <= number < end:
            yield line


def _add(total: ValidationStats, part: ValidationStats) -> None:
    total.tasks += part.tasks
    total.predictions += part.predictions
    total.annotations += part.annotations
    total.results += part.results
    total.errors.update(part.errors)
    total.warnings.update(part.warnings)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _describe(source: Path, exc: Exception) -> str:
    if isinstance(exc, OSError):
        name = exc.filename if exc.filename is not None else source
        return f"cannot read {os.fsdecode(name)}: {exc.strerror or exc}"
    return str(exc)
