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
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import LabelConfig
from ..errors import (
    BuildError,
    ConfigError,
    KindError,
    LabelError,
    UnknownNameError,
    ValidationError,
)
from ..io import write_tasks

if TYPE_CHECKING:
    from ..adapters import TaskStream

NAME = "from-coco"


def add_parser(sub: Any) -> None:
    """Register the command on the ``prelabel`` subparsers."""
    parser = sub.add_parser(
        NAME,
        help="write Label Studio tasks from a COCO dataset or a COCO results file",
        description="Turn a COCO dataset (images, annotations, categories) and optionally a "
        "detection results file into Label Studio tasks for CONFIG, one per image, validated "
        "on the way out. Exit status: 0 written, 1 input that cannot be converted or fails "
        "validation, 2 wrong usage or an unreadable file.",
    )
    parser.add_argument("coco", metavar="COCO_JSON", help="the COCO dataset (instances_*.json)")
    parser.add_argument("output", metavar="OUTPUT", help=".json, .jsonl or directory")
    parser.add_argument("--config", required=True, help="labeling config XML file")
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
    add_drawing_options(parser, default_version="coco")
    add_output_options(parser)


def add_drawing_options(parser: argparse.ArgumentParser, *, default_version: str) -> None:
    """Options shared with ``from-yolo``: controls, labels, filters, image URLs."""
    group = parser.add_argument_group("drawing")
    group.add_argument("--boxes", metavar="NAME", help="box control (default: the only one)")
    group.add_argument(
        "--masks", metavar="NAME", help="brush, bitmask or polygon control for segmentations"
    )
    group.add_argument("--keypoints", metavar="NAME", help="keypoint control")
    group.add_argument(
        "--labels", metavar="NAME", help="<Labels> control that labels unlabeled tools"
    )
    group.add_argument(
        "--image-url",
        metavar="TEMPLATE",
        help="URL of each image, a Python format template over the image record "
        "(e.g. '/data/local-files/?d=images/{file_name}')",
    )
    group.add_argument(
        "--model-version",
        metavar="V",
        help=f"model_version of the predictions (default {default_version!r})",
    )
    group.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="CLASS=LABEL",
        help="map a model class (name or numeric id) to a config label; repeatable",
    )
    group.add_argument(
        "--keypoint-map",
        action="append",
        default=[],
        metavar="NAME=LABEL",
        help="map a keypoint name to a label of the keypoint control; repeatable",
    )
    group.add_argument(
        "--drop-unmapped",
        action="store_true",
        help="leave out regions whose class maps to no label (counted), instead of failing",
    )
    group.add_argument(
        "--min-score", type=_score, metavar="S", help="leave out detections scoring below S"
    )
    group.add_argument(
        "--clip", action="store_true", help="clip boxes and points that stick out of the image"
    )
    group.add_argument(
        "--skip-empty", action="store_true", help="make no task for an image without objects"
    )


def add_output_options(parser: argparse.ArgumentParser) -> None:
    """Output layout options, as ``prelabel convert`` has them."""
    group = parser.add_argument_group("output")
    group.add_argument(
        "--to",
        choices=("json", "jsonl", "dir"),
        help="output layout (default: from OUTPUT's suffix; no suffix means a directory)",
    )
    group.add_argument(
        "--max-tasks-per-file", type=_positive, metavar="N", help="split the output into files"
    )
    group.add_argument("--indent", type=_positive, metavar="N", help="pretty-print JSON")
    group.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="what to print: a text summary, or a JSON object (files, counts, problems)",
    )


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value}")
    return value


def _score(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1], got {text!r}") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1], got {value}")
    return value


def parse_mapping(pairs: list[str], option: str) -> dict[str | int, str]:
    """``["person=Person", "3=Car"]`` as ``{"person": "Person", 3: "Car"}``.

    Raises:
        ValueError: an item without ``=`` (the message names the option).
    """
    out: dict[str | int, str] = {}
    for pair in pairs:
        key, sep, label = pair.partition("=")
        if not sep or not key or not label:
            raise ValueError(f"{option} takes CLASS=LABEL, got {pair!r}")
        out[int(key) if key.isdigit() else key] = label
    return out


def common_kwargs(args: argparse.Namespace) -> dict[str, Any]:
    """Library keyword arguments from the shared drawing options."""
    kwargs: dict[str, Any] = {
        "boxes": args.boxes,
        "masks": args.masks,
        "keypoints": args.keypoints,
        "labels": args.labels,
        "image_url": args.image_url,
        "label_map": parse_mapping(args.map, "--map") or None,
        "keypoint_label_map": parse_mapping(args.keypoint_map, "--keypoint-map") or None,
        "unmapped": "drop" if args.drop_unmapped else "error",
        "clip": args.clip,
        "skip_empty": args.skip_empty,
    }
    if args.model_version is not None:
        kwargs["model_version"] = args.model_version
    return kwargs


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

        kwargs = common_kwargs(args)
        if args.results is not None:
            if args.skip_crowd and not args.with_ground_truth:
                raise _UsageError("--skip-crowd applies to the dataset's annotations")
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

    return convert(args, make)


class _UsageError(Exception):
    """Options that do not go together (exit status 2)."""


def usage(message: str) -> int:
    print(f"prelabel: {message}", file=sys.stderr)
    return 2


def convert(args: argparse.Namespace, make: Callable[[LabelConfig], TaskStream]) -> int:
    """Read the config, stream the tasks into OUTPUT, print the summary; the exit status."""
    try:
        config = LabelConfig.from_file(args.config)
    except OSError as exc:
        return usage(f"cannot read {args.config}: {exc.strerror or exc}")
    except ConfigError as exc:
        return usage(f"{args.config}: invalid labeling config: {exc}")
    if args.indent and (args.to == "jsonl" or str(args.output).endswith((".jsonl", ".ndjson"))):
        return usage("--indent does not apply to JSON Lines")
    try:
        stream = make(config)
        written = write_tasks(
            args.output,
            stream,
            layout=args.to,
            max_tasks_per_file=args.max_tasks_per_file,
            indent=args.indent,
        )
    except (_UsageError, ValueError) as exc:
        if isinstance(exc, ValidationError):
            return _invalid(args, exc)
        if isinstance(exc, LabelError) and "unmapped=" in str(exc):
            return _failed(args, f"{exc} (here: --map CLASS=LABEL or --drop-unmapped)")
        if isinstance(exc, BuildError):
            return _failed(args, str(exc))
        return usage(str(exc))  # _UsageError, a bad --map, a file that is not JSON (TaskFileError)
    except (UnknownNameError, KindError) as exc:
        return usage(f"{args.config}: {exc}")
    except FileExistsError as exc:
        return usage(str(exc))
    except OSError as exc:
        name = os.fsdecode(exc.filename) if exc.filename is not None else args.output
        return usage(f"{name}: {exc.strerror or exc}")
    _report(args, stream, [str(p) for p in written])
    return 0


def _partial(args: argparse.Namespace) -> str:
    layout = args.to or ("dir" if not Path(args.output).suffix else "")
    if layout == "dir" or args.max_tasks_per_file:
        return f"; files written before the problem are left in {args.output}"
    return f"; nothing was written to {args.output}"


def _failed(args: argparse.Namespace, message: str) -> int:
    if args.format == "json":
        print(json.dumps({"ok": False, "error": message}))
    else:
        print(f"prelabel: {message}{_partial(args)}", file=sys.stderr)
    return 1


def _invalid(args: argparse.Namespace, exc: ValidationError) -> int:
    records = exc.errors()
    if args.format == "json":
        print(json.dumps({"ok": False, "problems": [r.to_dict() for r in records]}))
        return 1
    print(f"prelabel: a task does not fit the config{_partial(args)}:", file=sys.stderr)
    for record in records[:20]:
        print(f"  {record}", file=sys.stderr)
    if len(records) > 20:
        print(f"  ... and {len(records) - 20} more", file=sys.stderr)
    return 1


def _report(args: argparse.Namespace, stream: TaskStream, written: list[str]) -> None:
    if args.format == "json":
        print(
            json.dumps(
                {
                    "ok": True,
                    "tasks": stream.tasks,
                    "files": written,
                    "dropped": dict(stream.dropped),
                    "skipped": dict(stream.skipped),
                }
            )
        )
        return
    files = f"{len(written)} file" + ("" if len(written) == 1 else "s")
    print(f"wrote {stream.tasks:,} task(s) to {files}:")
    for path in written[:5]:
        print(f"  {path}")
    if len(written) > 5:
        print(f"  ... ({len(written) - 5:,} more)")
    dropped = stream.dropped
    if dropped:
        shown = ", ".join(f"{name} x{count}" for name, count in dropped.most_common(10))
        print(f"left out, class without a label: {shown}")
    for reason, count in sorted(stream.skipped.items()):
        print(f"left out, {reason}: {count}")
