"""``prelabel convert SOURCE... OUTPUT``: move tasks between the three layouts, in chunks.

A JSON file, a JSON Lines file or a directory of task files in; any of the three out. With
``--max-tasks-per-file`` the output is split into files Label Studio can import one by one.
Tasks stream through: the input is never loaded whole.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import BuildError, TaskFileError
from ..io import read_tasks_located, write_tasks
from ..tasks import Task
from ._common import OVERWRITE_HELP, os_error, plural, positive, print_written
from ._progress import Progress, total_size

NAME = "convert"


def add_parser(sub: Any) -> None:
    """Register the command on the ``prelabel`` subparsers."""
    parser = sub.add_parser(
        NAME,
        help="convert task files between .json, .jsonl and a directory of task files",
        description="Read tasks from SOURCE files (.json, .jsonl or directories) and write them "
        "to OUTPUT: a .json file, a .jsonl file or a directory with one task per file. "
        "Exit status: 0 done, 1 a task that cannot be converted, 2 wrong usage or an "
        "unreadable file.",
    )
    parser.add_argument("sources", nargs="+", metavar="SOURCE", help=".json, .jsonl or directory")
    parser.add_argument("output", metavar="OUTPUT", help=".json, .jsonl or directory")
    parser.add_argument(
        "--to",
        choices=("json", "jsonl", "dir"),
        help="output layout (default: from OUTPUT's suffix; no suffix means a directory)",
    )
    parser.add_argument(
        "--max-tasks-per-file",
        type=positive,
        metavar="N",
        help="split the output into files of at most N tasks (name-00001.json, ...)",
    )
    parser.add_argument(
        "--indent", type=positive, metavar="N", help="pretty-print JSON with N spaces"
    )
    parser.add_argument(
        "--predictions-as-annotations",
        action="store_true",
        help="also copy each prediction into the task's annotations (pre-labeled ground truth)",
    )
    parser.add_argument(
        "--ground-truth",
        action="store_true",
        help="with --predictions-as-annotations: mark those annotations as ground truth",
    )
    parser.add_argument("--drop-predictions", action="store_true", help="remove predictions")
    parser.add_argument("--overwrite", action="store_true", help=OVERWRITE_HELP)
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def run(args: argparse.Namespace) -> int:
    """Convert; print what was written."""
    if args.ground_truth and not args.predictions_as_annotations:
        print("prelabel: --ground-truth needs --predictions-as-annotations", file=sys.stderr)
        return 2
    if args.indent and (args.to == "jsonl" or str(args.output).endswith((".jsonl", ".ndjson"))):
        print("prelabel: --indent does not apply to JSON Lines", file=sys.stderr)
        return 2
    sources = [Path(p) for p in args.sources]
    progress = Progress(
        sys.stderr,
        total_size(sources),
        label="convert",
        enabled=not args.no_progress,
    )
    reshape = args.predictions_as_annotations or args.drop_predictions
    counter = {"tasks": 0}

    def tasks() -> Iterator[dict[str, Any]]:
        for source in sources:
            for where, raw in read_tasks_located(source, on_bytes=progress.advance):
                counter["tasks"] += 1
                progress.update(tasks=counter["tasks"], problems=0)
                if not reshape:
                    yield raw
                    continue
                try:
                    task = Task.from_dict(raw)
                except BuildError as exc:
                    raise _TaskError(f"{where}: task {where.index}: {exc}") from None
                if args.predictions_as_annotations:
                    task = task.with_predictions_as_annotations(
                        ground_truth=args.ground_truth, keep_predictions=not args.drop_predictions
                    )
                elif args.drop_predictions:
                    task.predictions = []
                yield task.to_dict()

    try:
        written = write_tasks(
            args.output,
            tasks(),
            layout=args.to,
            max_tasks_per_file=args.max_tasks_per_file,
            indent=args.indent,
            overwrite=args.overwrite,
        )
    except BrokenPipeError:
        raise
    except (_TaskError, BuildError, OSError, TaskFileError) as exc:
        progress.clear()
        return _failure(exc, args.output)
    progress.clear()
    print(f"wrote {plural(counter['tasks'], 'task')} to {plural(len(written), 'file')}:")
    print_written([str(p) for p in written])
    return 0


class _TaskError(Exception):
    """A task read fine but cannot be reshaped (its envelope is wrong)."""


def _failure(exc: Exception, output: str) -> int:
    """Print why the conversion stopped; 1 for a task or value that cannot be written, 2 for
    a file problem."""
    if isinstance(exc, _TaskError):
        message, status = str(exc), 1
    elif isinstance(exc, BuildError):
        message, status = f"cannot write: {exc}", 1
    elif isinstance(exc, OSError) and not isinstance(exc, FileExistsError):
        message, status = os_error(exc, output), 2
    else:  # FileExistsError, TaskFileError
        message, status = str(exc), 2
    print(f"prelabel: {message}", file=sys.stderr)
    return status
