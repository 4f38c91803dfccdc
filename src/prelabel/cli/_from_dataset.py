"""What ``from-coco`` and ``from-yolo`` share: the command's positional arguments, the drawing
and output options, and the run that streams an adapter's tasks into OUTPUT and reports.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import LabelConfig
from ..errors import BuildError, KindError, LabelError, UnknownNameError, ValidationError
from ..io import write_tasks
from ._common import OVERWRITE_HELP, os_error, positive, print_written, read_config, usage

if TYPE_CHECKING:
    from ..adapters import TaskStream

__all__ = [
    "UsageError",
    "add_command",
    "add_drawing_options",
    "add_output_options",
    "common_kwargs",
    "convert",
    "parse_mapping",
]


_EXIT_STATUS = (
    "Exit status: 0 written, 1 input that cannot be converted or fails validation, 2 wrong "
    "usage or an unreadable file."
)


def add_command(
    sub: Any, name: str, *, help: str, description: str, source: tuple[str, str, str]
) -> argparse.ArgumentParser:
    """The command's parser with ``SOURCE OUTPUT --config CONFIG``; ``source`` is the first
    argument's ``(dest, metavar, help)``. The description gets the exit statuses appended."""
    parser: argparse.ArgumentParser = sub.add_parser(
        name, help=help, description=f"{description} {_EXIT_STATUS}"
    )
    dest, metavar, source_help = source
    parser.add_argument(dest, metavar=metavar, help=source_help)
    parser.add_argument("output", metavar="OUTPUT", help=".json, .jsonl or directory")
    parser.add_argument("--config", required=True, help="labeling config XML file")
    return parser


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
        "--max-tasks-per-file", type=positive, metavar="N", help="split the output into files"
    )
    group.add_argument("--indent", type=positive, metavar="N", help="pretty-print JSON")
    group.add_argument("--overwrite", action="store_true", help=OVERWRITE_HELP)
    group.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="what to print: a text summary, or a JSON object (files, counts, problems)",
    )


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


class UsageError(Exception):
    """Options that do not go together (exit status 2)."""


def convert(args: argparse.Namespace, make: Callable[[LabelConfig], TaskStream]) -> int:
    """Read the config, stream the tasks into OUTPUT, print the summary; the exit status."""
    config = read_config(args.config, invalid=2)
    if isinstance(config, int):
        return config
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
            overwrite=args.overwrite,
        )
    except (UsageError, ValueError) as exc:
        if isinstance(exc, ValidationError):
            return _invalid(args, exc)
        if isinstance(exc, LabelError) and "unmapped=" in str(exc):
            return _failed(args, f"{exc} (here: --map CLASS=LABEL or --drop-unmapped)")
        if isinstance(exc, BuildError):
            return _failed(args, str(exc))
        return usage(str(exc))  # UsageError, a bad --map, a file that is not JSON (TaskFileError)
    except (UnknownNameError, KindError) as exc:
        return usage(f"{args.config}: {exc}")
    except FileExistsError as exc:
        return usage(str(exc))
    except OSError as exc:
        return usage(os_error(exc, args.output))
    _report(args, stream, [str(p) for p in written])
    return 0


def _partial(args: argparse.Namespace) -> str:
    layout = args.to or ("dir" if not Path(args.output).suffix else "")
    if layout == "dir" or args.max_tasks_per_file:
        return (
            f"; files written before the problem are left in {args.output}, marked "
            "incomplete (validate and convert refuse them; rerun with --overwrite)"
        )
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
    print_written(written)
    dropped = stream.dropped
    if dropped:
        shown = ", ".join(f"{name} x{count}" for name, count in dropped.most_common(10))
        print(f"left out, class without a label: {shown}")
    for reason, count in sorted(stream.skipped.items()):
        print(f"left out, {reason}: {count}")
