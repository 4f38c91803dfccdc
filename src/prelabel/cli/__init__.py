"""The ``prelabel`` command line: a thin shell over the library.

Each command lives in its own module with ``add_parser(subparsers)`` and ``run(args) -> int``.
Exit status: 0 ok, 1 the input is invalid, 2 wrong usage or an unreadable file. What counts as
"the input" depends on the command: ``inspect`` checks the config (an invalid one is 1);
``validate`` checks tasks against a config, so an invalid config is unreadable there (2).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from types import ModuleType

from . import convert as convert_cmd
from . import from_coco as from_coco_cmd
from . import from_yolo as from_yolo_cmd
from . import inspect as inspect_cmd
from . import schema as schema_cmd
from . import upload as upload_cmd
from . import validate as validate_cmd

__all__ = ["COMMANDS", "main"]

_MODULES: tuple[ModuleType, ...] = (
    inspect_cmd,
    validate_cmd,
    convert_cmd,
    from_coco_cmd,
    from_yolo_cmd,
    upload_cmd,
    schema_cmd,
)
COMMANDS: dict[str, ModuleType] = {module.NAME: module for module in _MODULES}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="prelabel",
        description="Check and write Label Studio pre-annotations.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in _MODULES:
        module.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``prelabel`` with ``argv`` (default: ``sys.argv[1:]``); return the exit status."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code) if isinstance(exc.code, int) else 2
    try:
        status: int = COMMANDS[args.command].run(args)
        sys.stdout.flush()
    except BrokenPipeError:  # `prelabel validate ... | head`: the reader left; stop quietly
        _silence_stdout()
        return 1
    except KeyboardInterrupt:
        print("\nprelabel: interrupted", file=sys.stderr)
        return 130
    return status


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # a stdout without a file descriptor
        pass
