"""Run every benchmark and print one table: each case, the peer, both medians, the ratio, the
target and PASS/FAIL.

Run: ``make bench`` (installs the ``bench`` extra first), or ``.venv/bin/python
benchmarks/run_all.py [--quick] [--check] [--only NAME ...] [--out FILE]``.

* ``bench_predictions``: build (typed and numpy batch), validate and write 10,000 predictions of
  20 boxes and a choice, against Label Studio's SDK and ``json.dumps``;
* ``bench_stream_validate``: ``prelabel validate`` on a 1,000,000-result JSON Lines file, in a
  subprocess, peak memory;
* ``bench_import``: ``import prelabel`` in fresh interpreters;
* ``bench_rle``: the brush RLE codec against the SDK's and the Rust crate;
* ``bench_validate_floor``: ``prelabel validate`` of a 60 MB JSON Lines file against parsing
  its lines with ``orjson.loads`` alone;
* ``bench_scale``: the distributed batch functions in 1 and 2 worker processes against the
  single-process path, and ``validate --jobs 2`` against one process (wall clock).

``--repeat 3`` (what ``make bench`` runs) runs everything three times: a target is met only when
its worst run meets it, and the ratio column shows the worst run and the median.

Each script also runs on its own and documents what it times. ``--check`` exits 1 when a target
is missed; ``--out`` also writes the table (Markdown) to a file.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
import bench_import
import bench_predictions
import bench_rle
import bench_scale
import bench_stream_validate
import bench_validate_floor
from _timing import Row, machine

Unified = dict[str, Any]


def _seconds(value: float | None) -> str:
    if value is None:
        return "-"
    if value < 1.0:
        return f"{value * 1000:.3g} ms"
    return f"{value:.3g} s"


def _load() -> str:
    try:
        return "{:.1f} {:.1f} {:.1f}".format(*os.getloadavg())
    except OSError:
        return "-"


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}x"


def _timed(r: Row, note: str) -> Unified:
    """A row of a suite that times the peer and prelabel on the same work (peer_s, prelabel_s)."""
    return {
        "case": r["case"],
        "peer": r["peer"],
        "peer_median": _seconds(r["peer_s"]),
        "prelabel_median": _seconds(r["prelabel_s"]),
        "ratio": _ratio(r["ratio"]),
        "ratio_x": r["ratio"],
        "target": r["target"],
        "ok": r["ok"],
        "note": note,
    }


def from_predictions(rows: list[Row]) -> list[Unified]:
    out = []
    for r in rows:
        per = (
            f"{r['peer_s'] / r['items'] * 1e6:.2f} / {r['prelabel_s'] / r['items'] * 1e6:.2f} "
            f"us per result"
        )
        out.append(_timed(r, ", ".join(x for x in (per, r["note"]) if x)))
    return out


def from_stream(rows: list[Row]) -> list[Unified]:
    found = bench_stream_validate.problems(rows)
    by_case = {r["case"]: r for r in rows}
    out = []
    for r in rows:
        if r["case"] == "baseline":
            continue
        mine = [p for p in found if p.startswith(r["case"])]
        target = f"peak < {bench_stream_validate.BOUND_MB:.0f} MB"
        if r["case"] == "2x":
            target += f", <= 1x + {bench_stream_validate.GROWTH_MB:.0f} MB"
            growth = r["peak_mb"] - by_case["1x"]["peak_mb"]
            if growth > bench_stream_validate.GROWTH_MB:
                mine.append("grew")
        out.append(
            {
                "case": f"stream-validate {r['results']:,} results (JSONL, CLI)",
                "peer": "- (the SDK has no file validator)",
                "peer_median": "-",
                "prelabel_median": _seconds(r["validate_s"]),
                "ratio": "-",
                "target": target,
                "ok": not mine,
                "note": (
                    f"peak {r['peak_mb']} MB ({by_case['baseline']['peak_mb']} MB to start "
                    f"python and import), {r['file_mb']} MB file, {r['results_per_s']:,} "
                    f"results/s, {r['errors']} errors found of {r['expected_errors']} planted"
                ),
            }
        )
    return out


def from_import(rows: list[Row]) -> list[Unified]:
    peer = next((r for r in rows if r["module"] != "prelabel"), None)
    out = []
    for r in rows:
        if r is peer:
            continue
        ratio = peer["cpu_s"] / r["cpu_s"] if peer is not None else None
        out.append(
            {
                "case": r["case"],
                "peer": "import label_studio_sdk.label_interface" if peer else "-",
                "peer_median": _seconds(peer["cpu_s"]) if peer else "-",
                "prelabel_median": _seconds(r["cpu_s"]),
                "ratio": _ratio(ratio),
                "ratio_x": ratio,
                "target": None if r["target"] is None else f"< {r['target']} s",
                "ok": r["ok"],
                "note": (
                    f"CPU time; wall {_seconds(r['wall_s'])} (peer {_seconds(peer['wall_s'])}), "
                    f"fastest wall {_seconds(r['min_wall_s'])}"
                    if peer
                    else ""
                ),
            }
        )
    return out


def from_rle(rows: list[Row]) -> list[Unified]:
    out = []
    for r in rows:
        ours, theirs, rust = r["prelabel_ms"], r["official_ms"], r["rust_ms"]
        floor = (
            bench_rle.MIN_ENCODE_VS_OFFICIAL
            if r["op"] == "encode"
            else bench_rle.MIN_DECODE_VS_OFFICIAL
        )
        ratio = theirs / ours if theirs is not None else None
        ok = ratio is None or ratio >= floor
        target = f">= {floor:g}x"
        if r["op"] == "encode" and rust is not None:
            ok = ok and rust > ours
            target += ", faster than rust"
        note = "" if rust is None else f"rust {rust:.3g} ms ({rust / ours:.1f}x ours)"
        out.append(
            {
                "case": f"brush {r['op']} {r['case']}",
                "peer": "label_studio_sdk.converter.brush",
                "peer_median": "-" if theirs is None else _seconds(theirs / 1000),
                "prelabel_median": _seconds(ours / 1000),
                "ratio": _ratio(ratio),
                "ratio_x": ratio,
                "target": target,
                "ok": ok if theirs is not None else None,
                "note": note,
            }
        )
    return out


def from_floor(rows: list[Row]) -> list[Unified]:
    return [_timed(r, r["note"]) for r in rows]


def from_scale(rows: list[Row]) -> list[Unified]:
    out = []
    for r in rows:
        if r["kind"] == "build":
            checked = ", validated on the worker" if r["validate"] else ""
            out.append(
                {
                    "case": f"shards, {r['workers']} worker{'s' if r['workers'] > 1 else ''}"
                    f"{checked} (wall)",
                    "peer": "one process: PredictionBatch + write_jsonl",
                    "peer_median": _seconds(r["peer_seconds"]),
                    "prelabel_median": _seconds(r["seconds"]),
                    "ratio": _ratio(r["peer_seconds"] / r["seconds"]),
                    "ratio_x": r["peer_seconds"] / r["seconds"],
                    "target": None,
                    "ok": None,
                    "note": f"{r['results_per_s']:,.0f} results/s; per worker "
                    f"{r['per_worker_vs_peer']:.2f}x the one-process rate; CPU "
                    f"{r['cpu_us_per_result']:.2f} us per result in all processes (one "
                    f"process: {r['peer_cpu_us_per_result']:.2f}); {r['results']:,} results",
                }
            )
        else:
            out.append(
                {
                    "case": f"validate --jobs {r['jobs']}, {r['files']} shards (CLI, wall)",
                    "peer": "validate --jobs 1",
                    "peer_median": _seconds(r["one_seconds"]),
                    "prelabel_median": _seconds(r["seconds"]),
                    "ratio": _ratio(r["one_seconds"] / r["seconds"]),
                    "ratio_x": r["one_seconds"] / r["seconds"],
                    "target": None,
                    "ok": None,
                    "note": f"{r['results_per_s']:,.0f} results/s; {r['results']:,} results",
                }
            )
    return out


SUITES: dict[str, tuple[Callable[..., list[Row]], Callable[[list[Row]], list[Unified]]]] = {
    "predictions": (bench_predictions.run, from_predictions),
    "stream": (bench_stream_validate.run, from_stream),
    "import": (bench_import.run, from_import),
    "rle": (bench_rle.run, from_rle),
    "floor": (bench_validate_floor.run, from_floor),
    "scale": (bench_scale.run, from_scale),
}


def merge_runs(runs: list[list[Unified]]) -> list[Unified]:
    """One row per case from several runs of the suites: a target counts as met only when
    every run met it; the ratio column shows the worst run and the median."""
    if len(runs) == 1:
        return runs[0]
    out = []
    for index, first in enumerate(runs[0]):
        same = [
            run[index] for run in runs if index < len(run) and run[index]["case"] == first["case"]
        ]
        ratios = [r["ratio_x"] for r in same if r.get("ratio_x") is not None]
        oks = [r["ok"] for r in same]
        row = dict(first)
        if ratios:
            row["ratio"] = f"{min(ratios):.1f}x / {statistics.median(ratios):.1f}x"
        row["ok"] = None if any(ok is None for ok in oks) else all(oks)
        row["prelabel_median"] = " / ".join(r["prelabel_median"] for r in same)
        row["note"] = f"{len(same)} runs; " + first["note"]
        out.append(row)
    return out


def table(rows: list[Unified]) -> str:
    lines = [
        "| case | peer | peer median | prelabel median | ratio | target | result | notes |",
        "|---|---|---:|---:|---:|---|---|---|",
    ]
    for r in rows:
        result = "-" if r["ok"] is None else "PASS" if r["ok"] else "**FAIL**"
        lines.append(
            f"| {r['case']} | {r['peer']} | {r['peer_median']} | {r['prelabel_median']} "
            f"| {r['ratio']} | {r['target'] or '-'} | {result} | {r['note']} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller data, fewer rounds")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    parser.add_argument("--only", nargs="+", choices=sorted(SUITES), help="run these suites")
    parser.add_argument("--out", type=Path, help="also write the table to this file")
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="run the suites this many times; a target is met "
        "only if every run meets it (the ratio column: worst / median)",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    header = f"Machine: {machine()}"
    print(header, flush=True)
    runs: list[list[Unified]] = []
    for attempt in range(args.repeat):
        rows: list[Unified] = []
        for name, (run, convert) in SUITES.items():
            if args.only and name not in args.only:
                continue
            print(f"run {attempt + 1}: {name}... ({machine()})", file=sys.stderr, flush=True)
            rows.extend(convert(run(quick=args.quick)))
        runs.append(rows)
        if args.repeat > 1:
            print(table(rows), file=sys.stderr, flush=True)
    rows = merge_runs(runs)
    header += f"; {args.repeat} run(s), load average at the end {_load()}"
    text = table(rows)
    print(text)
    failed = [r for r in rows if r["ok"] is False]
    for r in failed:
        print(f"FAIL: {r['case']}: {r['ratio']} against {r['target']}")
    targeted = [r for r in rows if r["ok"] is not None]
    summary = (
        f"{len(targeted) - len(failed)} of {len(targeted)} targets met "
        f"({len(rows) - len(targeted)} rows are for information); "
        f"{time.perf_counter() - started:.0f} s in all"
    )
    print(summary)
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(f"{header}\n\n{text}\n\n{summary}\n", encoding="utf-8")
    return 1 if (failed and args.check) else 0


if __name__ == "__main__":
    sys.exit(main())
