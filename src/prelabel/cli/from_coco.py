"""``prelabel from-coco COCO_JSON OUTPUT --config CONFIG``: COCO to Label Studio task files.

Without ``--results``: the dataset's annotations become each image's annotation (or, with
``--as predictions``, a prediction). With ``--results``: a detection results file becomes each
image's prediction, the dataset giving sizes, file names and categories (``--with-ground-truth``
adds its annotations too). Every task is validated against the config on the way out; the
first invalid one stops the run (a JSON or JSONL output is then not written at all).

Exit status: 0 written, 1 input that cannot be converted or fails validation, 2 wrong usage
or an unreadable file.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from ..config import LabelConfig
from . import _from_dataset as shared
from ._common import usage

if TYPE_CHECKING:
    from ..adapters import TaskStream

NAME = "from-coco"


def add_parser(sub: Any) -> None:
    """Register the command on the ``prelabel`` subparsers."""
    parser = shared.add_command(
        sub,
        NAME,
        help="write Label Studio tasks from a COCO dataset or a COCO results file",
        description="Turn a COCO dataset (images, annotations, categories) and optionally a "
        "detection results file into Label Studio tasks for CONFIG, one per image, validated "
        "on the way out.",
        source=("coco", "COCO_JSON", "the COCO dataset (instances_*.json)"),
    )
    parser.add_argument(
        "--results",
        metavar="RESULTS_JSON",
        help="a COCO results file: its detections become the predictions",
    )
    parser.add_argument(
        "--as",
        dest="into",
        choices=("annotations", "predictions"),
        help="without --results: import the dataset's annotations as annotations (default) or "
        "as predictions",
    )
    parser.add_argument(
        "--with-ground-truth",
        action="store_true",
        help="with --results: add the dataset's annotations as each task's annotation",
    )
    parser.add_argument("--skip-crowd", action="store_true", help="leave out iscrowd annotations")
    shared.add_drawing_options(parser, default_version="coco")
    shared.add_output_options(parser)


def run(args: argparse.Namespace) -> int:
    """Convert; print what was written."""
    if args.results is None and args.with_ground_truth:
        return usage("--with-ground-truth needs --results")
    if args.results is not None and args.into is not None:
        return usage("--as is for the dataset's annotations; with --results they are predictions")
    if args.results is None and args.min_score is not None:
        return usage("--min-score filters detections: it needs --results")

    def make(config: LabelConfig) -> TaskStream:
        from ..adapters import coco_results_to_tasks, coco_to_tasks  # only when it runs

        kwargs = shared.common_kwargs(args)
        if args.results is not None:
            if args.skip_crowd and not args.with_ground_truth:
                raise shared.UsageError("--skip-crowd applies to the dataset's annotations")
            return coco_results_to_tasks(
                args.results,
                args.coco,
                config,
                min_score=args.min_score,
                with_ground_truth=args.with_ground_truth,
                skip_crowd=args.skip_crowd,
                **kwargs,
            )
        return coco_to_tasks(
            args.coco,
            config,
            into=args.into or "annotations",
            skip_crowd=args.skip_crowd,
            **kwargs,
        )

    return shared.convert(args, make)
