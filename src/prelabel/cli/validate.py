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
from pathlib import Path
from typing import Any, TextIO

from ..errors import ErrorRecord, TaskFileError
from ..io import TaskLocation, read_tasks_located
from ..validate import ValidationStats, Validator
from ._common import plural, read_config
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


class _TextPrinter:
    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.count = 0

    def record(self, where: TaskLocation, record: ErrorRecord) -> None:
        self.count += 1
        self.out.write(
            f"{where}: {record.path}: {record.severity} [{record.code}] {record.message}\n"
        )
        if record.hint:
            self.out.write(f"    hint: {record.hint}\n")

    def finish(self, stats: ValidationStats, files: int, unreadable: int) -> None:
        if self.count:
            self.out.write("\n")
        self.out.write(render_summary(stats, files, unreadable))


class _JsonPrinter:
    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.count = 0

    def record(self, where: TaskLocation, record: ErrorRecord) -> None:
        item = {"file": str(where.file), "line": where.line, **record.to_dict()}
        self.out.write(("[\n  " if self.count == 0 else ",\n  ") + json.dumps(item))
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
    progress = Progress(
        sys.stderr, total_size(sources), label="validate", enabled=not args.no_progress
    )
    # The bar is erased before a problem is printed only when both go to the same terminal.
    shared_screen = progress.active and isatty(out)
    # One validator for every file: it keeps counters only, so memory stays flat.
    validator = Validator(config, strict=args.strict)
    stats = validator.stats
    unreadable = 0
    for source in sources:
        before = stats.tasks
        try:
            for where, task in read_tasks_located(source, on_bytes=progress.advance):
                records = validator.check_task(task, where.index)
                if records:
                    if shared_screen:
                        progress.clear()
                    for record in records:
                        printer.record(where, record)
                if progress.active:
                    problems = stats.error_count + stats.warning_count
                    progress.update(tasks=stats.tasks, problems=problems)
            if stats.tasks == before:
                raise TaskFileError(f"{source}: no tasks found (Label Studio imports none)")
        except BrokenPipeError:
            raise  # stdout went away: not a problem with this file
        except (OSError, TaskFileError) as exc:
            progress.clear()
            out.flush()
            print(f"prelabel: {_describe(source, exc)}", file=sys.stderr)
            unreadable += 1
    progress.clear()
    printer.finish(stats, len(sources), unreadable)
    if unreadable:
        return 2
    return 1 if stats.error_count else 0


def _describe(source: Path, exc: Exception) -> str:
    if isinstance(exc, OSError):
        name = exc.filename if exc.filename is not None else source
        return f"cannot read {os.fsdecode(name)}: {exc.strerror or exc}"
    return str(exc)
