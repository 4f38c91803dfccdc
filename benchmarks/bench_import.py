"""How long ``import prelabel`` takes in a fresh interpreter, beside the SDK's label interface.

Run: ``.venv/bin/python benchmarks/bench_import.py`` (``--quick`` for fewer interpreters,
``--check`` to exit 1 when the target is missed).

Each measurement starts a new interpreter that times one import statement, both in wall
seconds (``time.perf_counter``) and in CPU seconds of that process (``time.process_time``);
the interpreter's own start-up (``site``, ``encodings``) is not counted. Two cases:

* **with bytecode**: every module has its ``__pycache__/*.pyc`` (this script runs
  ``compileall`` on ``src/prelabel`` first), as after any earlier run or a wheel install. The
  environment variable ``PYTHONDONTWRITEBYTECODE`` is removed for the child.
* **without bytecode**: a copy of the package with no ``__pycache__`` imported with ``-B``, so
  each of its modules is compiled from source, as in an environment that sets
  ``PYTHONDONTWRITEBYTECODE=1`` and has never compiled the package. The standard library and
  the dependencies keep their bytecode.

The peer is ``import label_studio_sdk.label_interface`` (with its installed bytecode). The
target applies to prelabel with bytecode, on the median CPU time (on a shared machine the wall
time also counts the time other processes hold the CPU); both are printed.

Another script can call :func:`run`, which returns one row per case, and :func:`problems`.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _timing import Row, machine

TARGET_S = 0.15
PACKAGE = Path(__file__).resolve().parent.parent / "src" / "prelabel"

_PROBE = (
    "import time\n"
    "w, c = time.perf_counter(), time.process_time()\n"
    "import {module}\n"
    "print(time.perf_counter() - w, time.process_time() - c)\n"
)


def _env(*, bytecode: bool, path: Path | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    if not bytecode:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    if path is not None:
        env["PYTHONPATH"] = str(path)
    return env


def _once(module: str, env: dict[str, str], flags: tuple[str, ...] = ()) -> tuple[float, float]:
    """(wall, cpu) seconds of ``import module`` in a fresh interpreter."""
    done = subprocess.run(
        [sys.executable, *flags, "-c", _PROBE.format(module=module)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    wall, cpu = done.stdout.split()
    return float(wall), float(cpu)


def measure(module: str, env: dict[str, str], count: int, flags: tuple[str, ...] = ()) -> Row:
    """Medians over ``count`` fresh interpreters (after one that is thrown away)."""
    _once(module, env, flags)  # fills the OS file cache
    walls, cpus = zip(*(_once(module, env, flags) for _ in range(count)), strict=True)
    return {
        "wall_s": statistics.median(walls),
        "cpu_s": statistics.median(cpus),
        "min_wall_s": min(walls),
        "count": count,
    }


def run(*, quick: bool = False) -> list[Row]:
    """Time the imports; one row per case.

    Keys: ``case``, ``module``, ``wall_s``, ``cpu_s`` (medians), ``min_wall_s``, ``count``,
    ``target`` (seconds, or None) and ``ok``.
    """
    count = 5 if quick else 15
    compileall.compile_dir(str(PACKAGE), quiet=1)
    rows: list[Row] = []
    warm = measure("prelabel", _env(bytecode=True), count)
    rows.append({"case": "import prelabel, with bytecode", "module": "prelabel", **warm})
    with tempfile.TemporaryDirectory(prefix="prelabel-import-") as tmp:
        copy = Path(tmp) / "prelabel"
        shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
        cold = measure("prelabel", _env(bytecode=False, path=Path(tmp)), count, ("-B",))
    rows.append({"case": "import prelabel, without bytecode", "module": "prelabel", **cold})
    try:
        peer = measure("label_studio_sdk.label_interface", _env(bytecode=True), count)
    except subprocess.CalledProcessError:
        peer = None
    if peer is not None:
        rows.append(
            {
                "case": "import label_studio_sdk.label_interface",
                "module": "label_studio_sdk.label_interface",
                **peer,
            }
        )
    for row in rows:
        row["target"] = TARGET_S if row["case"] == "import prelabel, with bytecode" else None
        row["ok"] = None if row["target"] is None else row["cpu_s"] < row["target"]
    return rows


def problems(rows: list[Row]) -> list[str]:
    """Targets a run missed."""
    return [
        f"{row['case']}: {row['cpu_s']:.3f} s CPU (target < {row['target']} s)"
        for row in rows
        if row["ok"] is False
    ]


def table(rows: list[Row]) -> str:
    lines = [
        "| case | median wall s | median CPU s | fastest wall s | target |",
        "|---|---:|---:|---:|---|",
    ]
    for r in rows:
        target = (
            "-" if r["target"] is None else f"< {r['target']} s {'PASS' if r['ok'] else 'FAIL'}"
        )
        lines.append(
            f"| {r['case']} | {r['wall_s']:.3f} | {r['cpu_s']:.3f} | {r['min_wall_s']:.3f} "
            f"| {target} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5 interpreters per case, not 15")
    parser.add_argument("--check", action="store_true", help="exit 1 if the target is missed")
    args = parser.parse_args(argv)
    print(machine())
    rows = run(quick=args.quick)
    print(table(rows))
    found = problems(rows)
    for line in found:
        print(f"FAIL: {line}")
    return 1 if (found and args.check) else 0


if __name__ == "__main__":
    sys.exit(main())
