"""Validate a 1,000,000-result JSON Lines file with ``prelabel validate`` in bounded memory.

Run: ``.venv/bin/python benchmarks/bench_stream_validate.py`` (``--quick`` for a 100,000-result
file, ``--check`` to exit 1 when a bound is broken).

The file is generated here into a temporary directory: 50,000 image tasks of 20 rectangles
each (1,000,000 results, about 250 MB), then a file twice that size (2,000,000 results). Each is
validated by the real command line in a fresh subprocess, whose peak resident memory is read
with ``resource.getrusage(RUSAGE_CHILDREN)`` (Linux reports ``ru_maxrss`` in KiB). A second,
tiny file gives the baseline: the interpreter, lxml, numpy and prelabel imported.

What must hold: peak memory stays under ``BOUND_MB`` (150 MB) and the 2x file costs about the
same as the 1x file (under ``GROWTH_MB`` more), i.e. memory does not depend on the file size.
Each run also checks the verdict: the generated tasks hold one deliberate label error every
1,000 tasks, and the command must report exactly those.

Another script can call :func:`run`, which returns one dict per file.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

BOUND_MB = 150.0
GROWTH_MB = 10.0
RESULTS_PER_TASK = 20
BAD_EVERY = 1_000

CONFIG = """<View>
  <Image name="image" value="$image"/>
  <RectangleLabels name="label" toName="image">
    <Label value="Car"/><Label value="Person"/><Label value="Bicycle"/>
  </RectangleLabels>
</View>
"""


def tasks(count: int) -> Iterator[dict[str, Any]]:
    """``count`` tasks of 20 boxes; every 1,000th task has one unknown label."""
    labels = ("Car", "Person", "Bicycle")
    for i in range(count):
        result = []
        for j in range(RESULTS_PER_TASK):
            label = "Truck" if (i % BAD_EVERY == 0 and j == 0) else labels[(i + j) % 3]
            result.append(
                {
                    "id": f"t{i}r{j}",
                    "type": "rectanglelabels",
                    "from_name": "label",
                    "to_name": "image",
                    "original_width": 1280,
                    "original_height": 720,
                    "image_rotation": 0,
                    "value": {
                        "x": (j * 4.5) % 80,
                        "y": (i % 50) + 1.25,
                        "width": 12.5,
                        "height": 20.0,
                        "rotation": 0,
                        "rectanglelabels": [label],
                    },
                    "score": 0.5 + (j % 5) / 10,
                }
            )
        yield {
            "data": {"image": f"s3://bucket/images/{i:08d}.jpg"},
            "predictions": [{"model_version": "detector-v3", "score": 0.9, "result": result}],
        }


def _child_peak_mb(argv: list[str]) -> tuple[float, float, subprocess.CompletedProcess[str]]:
    """Run ``argv`` in a fresh interpreter; (peak RSS MB of that child, seconds, process)."""
    # RUSAGE_CHILDREN is the max over all waited-for children, so measure each in its own
    # intermediate process that waits for exactly one child.
    probe = (
        "import resource, subprocess, sys, json, time\n"
        "t = time.perf_counter()\n"
        "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "t = time.perf_counter() - t\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "print(json.dumps({'peak_kb': peak, 'seconds': t, 'status': p.returncode,"
        " 'out': p.stdout[-2000:], 'err': p.stderr[-2000:]}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, *argv], capture_output=True, text=True, check=True
    )
    info = json.loads(done.stdout)
    process = subprocess.CompletedProcess(argv, info["status"], info["out"], info["err"])
    scale = 1024 if sys.platform != "darwin" else 1024 * 1024  # macOS reports bytes
    return info["peak_kb"] / scale, info["seconds"], process


def _validate_argv(config: Path, path: Path) -> list[str]:
    return [sys.executable, "-m", "prelabel.cli", "validate", "--no-progress",
            "--config", str(config), str(path)]  # fmt: skip


def run(*, quick: bool = False, base_tasks: int | None = None) -> list[dict[str, Any]]:
    """Generate the files, validate each in a subprocess; one dict per file.

    ``base_tasks`` (default 50,000, or 5,000 with ``quick``) sets the size of the 1x file.

    Keys: ``case``, ``tasks``, ``results``, ``file_mb``, ``write_s`` (generating and writing
    with :func:`prelabel.io.write_jsonl`), ``validate_s``, ``results_per_s``, ``peak_mb``,
    ``errors`` (records reported; must equal ``expected_errors``), ``status`` (exit code).
    """
    from prelabel.io import write_jsonl

    base = base_tasks or (5_000 if quick else 50_000)
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="prelabel-bench-") as tmp:
        folder = Path(tmp)
        config = folder / "config.xml"
        config.write_text(CONFIG, encoding="utf-8")
        for case, count in (("baseline", 1), ("1x", base), ("2x", 2 * base)):
            path = folder / f"{case}.jsonl"
            started = time.perf_counter()
            write_jsonl(path, tasks(count))
            write_s = time.perf_counter() - started
            peak_mb, seconds, process = _child_peak_mb(_validate_argv(config, path))
            expected = (count + BAD_EVERY - 1) // BAD_EVERY
            rows.append(
                {
                    "case": case,
                    "tasks": count,
                    "results": count * RESULTS_PER_TASK,
                    "file_mb": round(path.stat().st_size / 1e6, 1),
                    "write_s": round(write_s, 2),
                    "validate_s": round(seconds, 2),
                    "results_per_s": round(count * RESULTS_PER_TASK / seconds),
                    "peak_mb": round(peak_mb, 1),
                    "errors": _errors(process.stdout),
                    "expected_errors": expected,
                    "status": process.returncode,
                }
            )
            path.unlink()
    return rows


def _errors(summary: str) -> int:
    for line in summary.splitlines():
        if line.startswith("found "):
            return int(line.split()[1].replace(",", ""))
    return 0


def problems(rows: list[dict[str, Any]]) -> list[str]:
    """What is wrong with a run: bounds broken, wrong verdicts."""
    out = []
    by_case = {row["case"]: row for row in rows}
    for row in rows:
        if row["peak_mb"] > BOUND_MB:
            out.append(f"{row['case']}: peak {row['peak_mb']} MB > {BOUND_MB} MB")
        if row["errors"] != row["expected_errors"] or row["status"] != 1:
            out.append(
                f"{row['case']}: {row['errors']} errors, exit {row['status']} "
                f"(expected {row['expected_errors']} errors, exit 1)"
            )
    growth = by_case["2x"]["peak_mb"] - by_case["1x"]["peak_mb"]
    if growth > GROWTH_MB:
        out.append(f"2x file used {growth:.1f} MB more than 1x (> {GROWTH_MB} MB)")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100,000 results instead of 1M")
    parser.add_argument("--check", action="store_true", help="exit 1 if a bound is broken")
    args = parser.parse_args(argv)
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cpus")
    rows = run(quick=args.quick)
    header = ("case", "tasks", "results", "file_mb", "write_s", "validate_s", "results_per_s",
              "peak_mb", "errors")  # fmt: skip
    print("  ".join(f"{h:>13}" for h in header))
    for row in rows:
        print("  ".join(f"{row[h]:>13,}" if isinstance(row[h], int) else f"{row[h]:>13}"
                        for h in header))  # fmt: skip
    found = problems(rows)
    for line in found:
        print(f"FAIL: {line}")
    if not found:
        print(f"ok: peak memory under {BOUND_MB:.0f} MB and independent of the file size")
    return 1 if (found and args.check) else 0


if __name__ == "__main__":
    sys.exit(main())
