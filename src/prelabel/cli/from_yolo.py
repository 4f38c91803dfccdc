"""``prelabel from-yolo LABELS_DIR OUTPUT --config CONFIG --classes FILE``: YOLO to tasks.

Reads a folder of YOLO ``.txt`` files (labels, or predictions saved with ``save_txt``, with an
optional confidence column) and writes one Label Studio task per image, validated on the way
out. YOLO files hold no image sizes: give ``--images DIR`` (sizes read from the image headers;
every image gets a task) or ``--sizes sizes.json`` (``{"name": [width, height]}``).

Options, output and exit status are those of ``from-coco`` (:mod:`._from_dataset`).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import LabelConfig
from . import _from_dataset as shared
from ._common import usage

if TYPE_CHECKING:
    from ..adapters import TaskStream

NAME = "from-yolo"


def add_parser(sub: Any) -> None:
    """Register the command on the ``prelabel`` subparsers."""
    parser = shared.add_command(
        sub,
        NAME,
        help="write Label Studio tasks from YOLO txt label or prediction files",
        description="Turn a folder of YOLO .txt files (one per image, coordinates 0-1, an "
        "optional confidence column) into Label Studio tasks for CONFIG, validated on the way "
        "out.",
        source=("labels_dir", "LABELS_DIR", "folder of YOLO .txt files"),
    )
    parser.add_argument(
        "--classes",
        required=True,
        metavar="FILE|NAMES",
        help="class names: classes.txt (one per line), data.yaml (names:), a JSON list, or "
        "comma-separated names",
    )
    parser.add_argument("--images", metavar="DIR", help="the images (sizes from their headers)")
    parser.add_argument(
        "--sizes", metavar="JSON", help='image sizes: {"name or stem": [width, height]}'
    )
    parser.add_argument(
        "--task",
        choices=("auto", "detect", "segment", "obb", "pose"),
        default="auto",
        help="line shape (default auto: detect or segment, told apart by length)",
    )
    parser.add_argument(
        "--kpt-shape", metavar="K,D", help="with --task pose: keypoints per object and 2 or 3"
    )
    parser.add_argument(
        "--keypoint-names", metavar="A,B,...", help="with --task pose: the keypoint names"
    )
    parser.add_argument(
        "--as",
        dest="into",
        choices=("predictions", "annotations"),
        default="predictions",
        help="import as predictions (default) or annotations",
    )
    shared.add_drawing_options(parser, default_version="yolo")
    shared.add_output_options(parser)


def _classes(text: str) -> Any:
    path = Path(text)
    if path.exists():
        return path
    if path.suffix.lower() in (".txt", ".yaml", ".yml", ".json", ".names"):
        raise FileNotFoundError(2, "No such file or directory", text)
    return [name.strip() for name in text.split(",") if name.strip()]


def _kpt_shape(text: str | None) -> tuple[int, int] | None:
    if text is None:
        return None
    parts = text.replace("x", ",").split(",")
    try:
        count, dims = (int(p) for p in parts)
    except ValueError:
        raise ValueError(f"--kpt-shape takes K,D (e.g. 17,3), got {text!r}") from None
    return count, dims


def run(args: argparse.Namespace) -> int:
    """Convert; print what was written."""
    if args.images is None and args.sizes is None:
        return usage("YOLO files hold no image sizes: give --images DIR or --sizes JSON")
    if args.min_score is not None and args.into == "annotations":
        return usage("--min-score filters predictions; drop it with --as annotations")

    def make(config: LabelConfig) -> TaskStream:
        from ..adapters import yolo_to_tasks  # only when it runs

        names = [n.strip() for n in args.keypoint_names.split(",")] if args.keypoint_names else None
        return yolo_to_tasks(
            args.labels_dir,
            config,
            class_names=_classes(args.classes),
            images_dir=args.images,
            image_sizes=args.sizes,
            task=args.task,
            kpt_shape=_kpt_shape(args.kpt_shape),
            keypoint_names=names,
            into=args.into,
            min_score=args.min_score,
            **shared.common_kwargs(args),
        )

    return shared.convert(args, make)
