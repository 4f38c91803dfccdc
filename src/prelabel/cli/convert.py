"""``prelabel convert SOURCE... OUTPUT``: move tasks between the three layouts, in chunks.

A JSON file, a JSON Lines file or a directory of task files in; any of the three out. With
``--max-tasks-per-file`` the output is split into files Label Studio can import one by one.
Tasks stream through: the input is never loaded whole.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import BuildError, TaskFileError
from ..io import read_tasks_located, write_tasks
from ..tasks import Task
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
        type=_positive,
        metavar="N",
        help="split the output into files of at most N tasks (name-00001.json, ...)",
    )
    parser.add_argument(
        "--indent", type=_positive, metavar="N", help="pretty-print JSON with N spaces"
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
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value}")
    return value


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
        )
    except _TaskError as exc:
        progress.clear()
        print(f"prelabel: {exc}", file=sys.stderr)
        return 1
    except BuildError as exc:
        progress.clear()
        print(f"prelabel: cannot write: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        raise
    except FileExistsError as exc:
        progress.clear()
        print(f"prelabel: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        progress.clear()
        name = os.fsdecode(exc.filename) if exc.filename is not None else args.output
        print(f"prelabel: {name}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    except TaskFileError as exc:
        progress.clear()
        print(f"prelabel: {exc}", file=sys.stderr)
        return 2
    progress.clear()
    print(f"wrote {_plural(counter['tasks'], 'task')} to {_plural(len(written), 'file')}:")
    for path in written[:5]:
        print(f"  {path}")
    if len(written) > 5:
        print(f"  ... ({len(written) - 5:,} more)")
    return 0


class _TaskError(Exception):
    """A task read fine but cannot be reshaped (its envelope is wrong)."""


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}" + ("" if count == 1 else "s")
