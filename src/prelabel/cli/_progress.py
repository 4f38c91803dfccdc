"""A one-line progress bar on stderr, drawn only when stderr is a terminal.

Long runs (a million results) should show they are alive; pipes and log files should not get
carriage returns, so anything that is not a terminal gets nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TextIO

from ..io import task_files

__all__ = ["Progress", "isatty", "total_size"]

_WIDTH = 24


class Progress:
    """Bytes read out of a known total, plus task and problem counts, redrawn at most 10x/s.

    Args:
        stream: where to draw (normally ``sys.stderr``).
        total_bytes: the size of everything that will be read (0 when unknown).
        label: a word before the bar (``"validate"``).
        enabled: False turns every method into a no-op; so does a stream that is not a tty.
        clock: seconds, monotonic (tests pass a fake).
    """

    def __init__(
        self,
        stream: TextIO,
        total_bytes: int,
        *,
        label: str,
        enabled: bool = True,
        clock: Callable[[], float] = time.monotonic,
        interval_s: float = 0.1,
    ) -> None:
        self.stream = stream
        self.total = total_bytes
        self.label = label
        self.active = enabled and isatty(stream)
        self.clock = clock
        self.interval_s = interval_s
        self.done = 0
        self.tasks = 0
        self.problems = 0
        self._next_draw = 0.0
        self._drawn = False

    def advance(self, nbytes: int) -> None:
        """Count ``nbytes`` more as read (the readers' ``on_bytes`` callback)."""
        self.done += nbytes

    def update(self, *, tasks: int, problems: int) -> None:
        """Record the counts so far and redraw if enough time has passed."""
        if not self.active:
            return
        self.tasks = tasks
        self.problems = problems
        now = self.clock()
        if now >= self._next_draw:
            self._next_draw = now + self.interval_s
            self.draw()

    def render(self) -> str:
        """The bar's text (without the carriage return)."""
        counts = f"{_plural(self.tasks, 'task')}, {_plural(self.problems, 'problem')}"
        if self.total <= 0:
            return f"{self.label} {counts}"
        fraction = min(self.done / self.total, 1.0)
        filled = int(fraction * _WIDTH)
        bar = "#" * filled + "-" * (_WIDTH - filled)
        return f"{self.label} [{bar}] {fraction:4.0%} {counts}"

    def draw(self) -> None:
        """Draw the bar over the current line."""
        if self.active:
            self.stream.write("\r" + self.render() + "\x1b[K")
            self.stream.flush()
            self._drawn = True

    def clear(self) -> None:
        """Erase the bar (before other output, and at the end)."""
        if self._drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._drawn = False


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}" + ("" if count == 1 else "s")


def isatty(stream: TextIO) -> bool:
    """Whether ``stream`` is a terminal (False for closed or fake streams)."""
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def total_size(paths: Iterable[Path]) -> int:
    """Bytes in all these task files and directories (what the bar counts up to)."""
    total = 0
    for path in paths:
        try:
            if path.is_dir():
                total += sum(f.stat().st_size for f in task_files(path))
            else:
                total += path.stat().st_size
        except OSError:
            pass  # reported when the file is read
    return total
