"""The ``prelabel`` command line: a thin shell over the library.

Each command lives in its own module with ``add_parser(subparsers)`` and ``run(args) -> int``.
Exit status: 0 ok, 1 the input is invalid, 2 wrong usage or an unreadable file. What counts as
"the input" depends on the command: ``inspect`` checks the config (an invalid one is 1);
``validate`` checks tasks against a config, so an invalid config is unreadable there (2).

Every command runs inside one exception boundary (:func:`main`): whatever a command did not
expect becomes one line naming the command and the error, exit status 2, never a traceback
(``--debug`` or ``PRELABEL_DEBUG=1`` shows it); a command run with ``--format json`` that
printed nothing yet prints ``{"ok": false, "error": ...}``, so machine output is always JSON.
SIGTERM is raised as an exception, so temporary files are removed and run markers say the run
stopped (exit status 143).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
from collections.abc import Iterator, Sequence
from types import FrameType, ModuleType
from typing import Any, TextIO

from .._redact import redact
from . import convert as convert_cmd
from . import from_coco as from_coco_cmd
from . import from_yolo as from_yolo_cmd
from . import inspect as inspect_cmd
from . import preview as preview_cmd
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
    preview_cmd,
)
COMMANDS: dict[str, ModuleType] = {module.NAME: module for module in _MODULES}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="prelabel",
        description="Check and write Label Studio pre-annotations.",
    )
    parser.add_argument("--debug", action="store_true", help=_DEBUG_HELP)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in _MODULES:
        module.add_parser(sub)
    for command in sub.choices.values():  # also after the command: `prelabel validate --debug`
        command.add_argument(
            "--debug", action="store_true", default=argparse.SUPPRESS, help=_DEBUG_HELP
        )
    return parser


_DEBUG_HELP = "show the traceback of an unexpected error (also PRELABEL_DEBUG=1)"


class Terminated(SystemExit):
    """SIGTERM, raised where the program is so that cleanup runs (exit status 143)."""

    def __init__(self) -> None:
        super().__init__(128 + signal.SIGTERM)


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise Terminated


@contextlib.contextmanager
def _sigterm_raises() -> Iterator[None]:
    """Turn SIGTERM into :class:`Terminated` for the block (main thread only)."""
    try:
        previous = signal.signal(signal.SIGTERM, _raise_terminated)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class _Watched:
    """stdout, noting whether anything was written (so the boundary keeps JSON output whole)."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self.written = False

    def write(self, text: str) -> int:
        self.written = self.written or bool(text)
        return self._stream.write(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``prelabel`` with ``argv`` (default: ``sys.argv[1:]``); return the exit status."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code) if isinstance(exc.code, int) else 2
    stdout = sys.stdout
    watched = _Watched(stdout)
    sys.stdout = watched
    try:
        with _sigterm_raises():
            status: int = COMMANDS[args.command].run(args)
            sys.stdout.flush()
    except BrokenPipeError:  # `prelabel validate ... | head`: the reader left; stop quietly
        _silence_stdout()
        return 1
    except KeyboardInterrupt:
        print("\nprelabel: interrupted", file=sys.stderr)
        return 130
    except Terminated as exc:
        print("prelabel: terminated (SIGTERM); no partial file was left", file=sys.stderr)
        return int(exc.code) if isinstance(exc.code, int) else 143
    except Exception as exc:  # the boundary: never a traceback unless asked for
        return _unexpected(args, exc, json_out=not watched.written)
    finally:
        sys.stdout = stdout
    return status


def _unexpected(args: argparse.Namespace, exc: Exception, *, json_out: bool) -> int:
    """Report an error no command expected: one line (a traceback with --debug); status 2."""
    debug = getattr(args, "debug", False) or os.environ.get("PRELABEL_DEBUG", "") not in ("", "0")
    if debug:
        import traceback  # only with --debug

        traceback.print_exception(exc, file=sys.stderr)
    detail = redact(str(exc))
    if len(detail) > 300:
        detail = detail[:297] + "..."
    message = f"unexpected {type(exc).__name__}" + (f": {detail}" if detail else "")
    if getattr(args, "format", None) == "json" and json_out:
        print(json.dumps({"ok": False, "error": message}))
    hint = "" if debug else " (--debug shows where; please report it)"
    print(f"prelabel {args.command}: {message}{hint}", file=sys.stderr)
    return 2


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # a stdout without a file descriptor
        pass
