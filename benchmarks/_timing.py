"""Timing helpers the benchmark scripts share: interleaved rounds, CPU time, medians.

The machines this runs on are shared and often loaded, so every comparison is made in one
process, in the same run, round by round (peer, prelabel, peer, prelabel, ...), and each
side is timed in CPU seconds of this process (``time.process_time``). CPU time leaves out the
stretches when other processes hold the CPU, which wall time would charge to whichever side
happened to be running; on an idle machine the two agree for this single-threaded code.

The cyclic garbage collector is emptied before each timing and off during it, as ``timeit``
does by default. With it on, a build that keeps 210,000 results in memory spends a large,
equal share on both sides in full collections walking that heap (about 0.4 s per 100,000
results on the machine of docs/performance.md), which measures the heap, not the builder;
:func:`cpu_seconds` takes ``collect=True`` to time that too.
"""

from __future__ import annotations

import gc
import os
import platform
import statistics
import time
from collections.abc import Callable
from typing import Any

__all__ = ["Row", "Timed", "cpu_seconds", "interleaved", "machine", "ratio_row"]

Row = dict[str, Any]


Timed = Callable[[], object] | tuple[Callable[[], object], Callable[[], object]]
"""What to time: a function, or ``(setup, function)`` with ``setup`` run before the clock."""


def cpu_seconds(fn: Timed, *, collect: bool = False) -> float:
    """CPU seconds of one call of ``fn``; its result is dropped after the clock stops.

    Args:
        fn: what to time, or ``(setup, what to time)``.
        collect: leave the garbage collector on during the call.
    """
    if isinstance(fn, tuple):
        setup, fn = fn
        setup()
    gc.collect()
    enabled = gc.isenabled()
    if not collect:
        gc.disable()
    try:
        start = time.process_time()
        out = fn()
        seconds = time.process_time() - start
    finally:
        if enabled:
            gc.enable()
    del out
    return seconds


def interleaved(
    fns: dict[str, Timed],
    rounds: int,
    *,
    only: dict[str, int] | None = None,
    collect: bool = False,
) -> dict[str, list[float]]:
    """CPU seconds of every function, ``rounds`` times, one of each per round.

    ``only`` caps the rounds of slow functions (``{"peer": 3}``): they run in the first rounds.
    ``collect`` leaves the garbage collector on (see the module docstring).
    """
    times: dict[str, list[float]] = {name: [] for name in fns}
    caps = only or {}
    for index in range(rounds):
        for name, fn in fns.items():
            if index < caps.get(name, rounds):
                times[name].append(cpu_seconds(fn, collect=collect))
    return times


def ratio_row(
    case: str,
    peer: str,
    peer_times: list[float] | None,
    prelabel_times: list[float],
    *,
    target: float | None,
    items: int | None = None,
    note: str = "",
) -> Row:
    """One row of the combined table: medians, their ratio, and whether it meets ``target``."""
    ours = statistics.median(prelabel_times)
    theirs = statistics.median(peer_times) if peer_times else None
    ratio = theirs / ours if theirs is not None else None
    return {
        "case": case,
        "peer": peer,
        "peer_s": theirs,
        "prelabel_s": ours,
        "ratio": ratio,
        "target": None if target is None else f">= {target:g}x",
        "ok": None if target is None or ratio is None else ratio >= target,
        "items": items,
        "rounds": (len(peer_times or []), len(prelabel_times)),
        "note": note,
    }


def machine() -> str:
    """One line naming the machine and the interpreter."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        load = ", load average {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())
    except OSError:
        load = ""
    return (
        f"{cpu}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}{load}"
    )
