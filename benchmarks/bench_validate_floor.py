"""One process's ``prelabel validate`` of a 60 MB JSON Lines file against its floor: parsing
each line with ``orjson.loads`` and nothing else.

Run: ``.venv/bin/python benchmarks/bench_validate_floor.py`` (``--quick`` for 1,000 tasks).

The file: the 10,000 detector predictions of ``bench_predictions`` (20 boxes and a choice per
task, 210,000 results, about 60 MB), written with :func:`prelabel.io.write_jsonl`. Each side is
a fresh interpreter, so both pay their start: ``python -m prelabel.cli validate --no-progress``
against ``python -c "for line in file: orjson.loads(line)"``. Both start from bytecode, as after
an install: the package is compiled first (``compileall``; the standard library and orjson
already are), so ``PYTHONDONTWRITEBYTECODE=1`` does not make prelabel compile its source.
Times are CPU seconds of the child (``RUSAGE_CHILDREN``), interleaved rounds, median; the
target is ``prelabel validate`` within ``MAX_OVER_FLOOR`` (2x) of the floor.

Another script can call :func:`run`, which returns one row (``_timing.ratio_row`` keys).
"""

from __future__ import annotations

import argparse
import compileall
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import bench_predictions
from _timing import Row, machine

from prelabel import LabelConfig
from prelabel.io import write_jsonl

MAX_OVER_FLOOR = 2.0
FLOOR = "import sys, orjson\nfor line in open(sys.argv[1], 'rb'):\n    orjson.loads(line)\n"


def _child_cpu(argv: list[str]) -> float:
    """CPU seconds (user + system) of one child process run to its end."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(argv, capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise AssertionError(f"{argv[:4]} failed ({done.returncode}): {done.stdout}{done.stderr}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def run(*, quick: bool = False) -> list[Row]:
    """Time both sides on the same file; one row."""
    compileall.compile_dir(str(Path(__file__).parents[1] / "src" / "prelabel"), quiet=1)
    det = bench_predictions.Detections(1_000 if quick else 10_000)
    config = LabelConfig.parse(bench_predictions.CONFIG)
    rounds = 3 if quick else 5
    with tempfile.TemporaryDirectory(prefix="prelabel-floor-") as tmp:
        folder = Path(tmp)
        path = write_jsonl(folder / "tasks.jsonl", bench_predictions.typed_build(det, config))
        (folder / "config.xml").write_text(bench_predictions.CONFIG, encoding="utf-8")
        validate = [sys.executable, "-m", "prelabel.cli", "validate", "--no-progress",
                    "--config", str(folder / "config.xml"), str(path)]  # fmt: skip
        floor = [sys.executable, "-c", FLOOR, str(path)]
        times: dict[str, list[float]] = {"floor": [], "validate": []}
        for _ in range(rounds):
            times["floor"].append(_child_cpu(floor))
            times["validate"].append(_child_cpu(validate))
        size_mb = path.stat().st_size / 1e6
    ours = sorted(times["validate"])[rounds // 2]
    theirs = sorted(times["floor"])[rounds // 2]
    over = ours / theirs
    return [
        {
            "case": f"validate one {size_mb:.0f} MB JSONL file (CLI), against its parse floor",
            "peer": "orjson.loads() of each line, in a fresh process",
            "peer_s": theirs,
            "prelabel_s": ours,
            "ratio": theirs / ours,
            "target": f"<= {MAX_OVER_FLOOR:g}x the floor",
            "ok": over <= MAX_OVER_FLOOR,
            "items": det.results,
            "rounds": (rounds, rounds),
            "note": f"{over:.2f}x the floor; {det.count:,} tasks, {det.results:,} results",
        }
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="1,000 tasks, fewer rounds")
    args = parser.parse_args(argv)
    print(machine())
    for row in run(quick=args.quick):
        print(row)
    return 0


if __name__ == "__main__":
    sys.exit(main())
