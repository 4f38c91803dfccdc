"""``prelabel schema CONFIG.xml``: the JSON Schema of a task file for a labeling config.

For teams whose model servers are not in Python: validate what they write against the schema
in their own language, then ``prelabel validate`` before import (the schema checks names,
types and labels; the validator also checks geometry, offsets, masks and links).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ._common import os_error, read_config, usage

NAME = "schema"


def add_parser(sub: Any) -> None:
    """Register the command on the ``prelabel`` subparsers."""
    parser = sub.add_parser(
        NAME,
        help="write the JSON Schema of a task file for a labeling config",
        description="Write the JSON Schema (draft 2020-12) of a task file for a labeling "
        "config: the task data keys, and each control's result shape with its labels as "
        "enums. Exit status: 0 written, 1 invalid config, 2 wrong usage or unreadable file.",
    )
    parser.add_argument("config", help="labeling config XML file")
    parser.add_argument(
        "-o", "--output", metavar="FILE", help="write the schema here (default: stdout)"
    )


def run(args: argparse.Namespace) -> int:
    """Write the schema; 1 when the config is invalid, 2 when a file cannot be read/written."""
    config = read_config(args.config, invalid=1)
    if isinstance(config, int):
        return config
    from ..schema import task_schema  # imports pydantic: only when this command runs

    text = json.dumps(task_schema(config), indent=2, ensure_ascii=False) + "\n"
    if args.output is None:
        sys.stdout.write(text)
        return 0
    try:
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        return usage(f"cannot write {os_error(exc, args.output)}")
    return 0
