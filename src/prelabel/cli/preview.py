"""``prelabel preview CONFIG TASKS... --out DIR``: a page to review predictions before import.

Reads every task (streaming), validates each with the library's validator, and writes
``DIR/index.html``: a thumbnail of each task drawn (the first ``--limit``, or ``--sample``
of them at random), filters by label and by problem, problems drawn in place. The page is
self-contained (pictures embedded, no network).

Exit status: 0 the page was written, 2 wrong usage or an unreadable config or file. Problems
in the tasks do not change the status (``prelabel validate`` is the gate).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..errors import TaskFileError
from ..io import read_tasks_located
from ..validate import Validator
from ._common import os_error, plural, positive, read_config, usage
from ._progress import Progress, total_size

NAME = "preview"


def add_parser(sub: Any) -> None:
    """Register the command on the ``prelabel`` subparsers."""
    parser = sub.add_parser(
        NAME,
        help="write an HTML page that draws the predictions, to review before import",
        description="Draw tasks and their predictions as Label Studio will show them, in one "
        "self-contained HTML page (DIR/index.html) with filters by label and by problem. "
        "TASKS are .json, .jsonl or directories of task files.",
    )
    parser.add_argument("config", metavar="CONFIG", help="labeling config XML file")
    parser.add_argument("tasks", nargs="+", metavar="TASKS", help=".json, .jsonl or directory")
    parser.add_argument("--out", required=True, type=Path, help="directory to write into")
    parser.add_argument(
        "--limit", type=positive, default=200, help="draw at most this many tasks (200)"
    )
    parser.add_argument(
        "--sample",
        action="store_true",
        help="draw a random sample of --limit tasks instead of the first ones",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of --sample (0)")
    parser.add_argument(
        "--width", type=positive, default=320, help="thumbnail width in pixels (320)"
    )
    parser.add_argument(
        "--base-dir",
        type=Path,
        default=None,
        help="where relative image paths are found (default: each task file's directory)",
    )
    parser.add_argument(
        "--no-progress", action="store_true", help="no progress bar (shown only on a terminal)"
    )


def run(args: argparse.Namespace) -> int:
    """Read, validate and draw the tasks; write DIR/index.html."""
    config = read_config(args.config, invalid=2)
    if isinstance(config, int):
        return config
    sources = [Path(p) for p in args.tasks]
    base = args.base_dir or (sources[0] if sources[0].is_dir() else sources[0].parent)
    from ..preview import Report  # the renderer is imported when a preview is made

    report = Report(
        config, limit=args.limit, sample=args.sample, seed=args.seed, width=args.width,
        base_dir=base,
    )  # fmt: skip
    validator = Validator(config)
    stats = validator.stats
    progress = Progress(
        sys.stderr, total_size(sources), label="preview", enabled=not args.no_progress
    )
    for source in sources:
        try:
            for where, task in read_tasks_located(source, on_bytes=progress.advance):
                records = validator.check_task(task, where.index)
                report.add(task, records, str(where))
                problems = stats.error_count + stats.warning_count
                progress.update(tasks=stats.tasks, problems=problems)
        except OSError as exc:
            progress.clear()
            return usage(f"cannot read {os_error(exc, str(source))}")
        except TaskFileError as exc:
            progress.clear()
            return usage(str(exc))
    progress.clear()
    if report.read == 0:
        return usage("no tasks found in " + ", ".join(map(str, sources)))
    try:
        path = report.write(args.out / "index.html", title=f"prelabel preview: {args.config}")
    except OSError as exc:
        return usage(f"cannot write {os_error(exc, str(args.out))}")
    print(
        f"wrote {path}: {plural(report.drawn, 'task')} drawn of {plural(report.read, 'task')} "
        f"read; {plural(stats.error_count, 'error')}, {plural(stats.warning_count, 'warning')}"
    )
    return 0
