"""Benchmark prelabel.rle against Label Studio's codec and the Rust port, on the same masks.

Run: ``.venv/bin/python benchmarks/bench_rle.py`` (``--quick`` for fewer repeats, ``--check`` to
exit 1 when a target is missed).

The masks are made here, deterministically, with numpy, one row per mask and operation so a
slow shape cannot hide behind a fast one. Sizes are named as images are, width x height (the
mask's numpy shape is ``(height, width)``):

* blobs: eight filled ellipses (a typical segmentation mask), square and not (1024x1024,
  4096x4096, 1920x1080, 1080x1920, 640x480);
* thin: one-pixel-wide outlines of ellipses and straight lines (many short runs per row);
* noise: coin-flip pixels, the worst case (a run every other pixel);
* empty and full: a single run, split into 65536-word tokens.

Each codec is timed on the same mask or stream in the same process, interleaved round by
round, in CPU seconds with the garbage collector off; the table gives medians. Each codec
gets as many rounds as fit about a second of CPU per row (3 to 200; prelabel at least 15,
and as many as the codec with the most): small masks take well under a millisecond, where a
few rounds would only measure noise.

What each column times:

* official: ``label_studio_sdk.converter.brush``: ``mask2rle(mask)``, and
  ``decode_rle(rle)`` reshaped to ``(H, W, 4)`` with the alpha channel taken.
* rust: ``label_studio_brush_rle_rs`` (skipped if not installed):
  ``encode_rle(np.repeat(mask.ravel(), 4), 8, [3, 4, 8, 16])`` (it takes the 4x expanded
  words and returns ``bytes``, not yet the JSON list), and ``decode_rle(rle, False)``
  reshaped to alpha like the official one.
* prelabel: ``rle.encode(mask)`` (returns the JSON list) and ``rle.decode(rle, H, W)``.

Another script can call :func:`run`, which returns one dict per (case, op), and
:func:`problems`, which lists the targets a run missed.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np
from numpy.typing import NDArray

from prelabel import rle

try:
    from label_studio_sdk.converter import brush as official
except ImportError:  # pragma: no cover - the SDK is a dev dependency
    official = None

try:
    import label_studio_brush_rle_rs as rust
except ImportError:
    rust = None


def _ellipses(height: int, width: int, seed: int) -> NDArray[np.bool_]:
    rng = np.random.default_rng(seed)
    yy, xx = np.ogrid[:height, :width]
    mask = np.zeros((height, width), bool)
    for _ in range(8):
        cy, cx = rng.uniform(0, height), rng.uniform(0, width)
        ry, rx = rng.uniform(height / 20, height / 5), rng.uniform(width / 20, width / 5)
        mask |= ((yy - cy) / ry) ** 2 + ((xx - cx) / rx) ** 2 < 1
    return mask


def blobs(height: int, width: int, seed: int = 7) -> NDArray[np.uint8]:
    """Eight filled ellipses, 0/255."""
    return _ellipses(height, width, seed).astype(np.uint8) * 255


def thin(height: int, width: int, seed: int = 7) -> NDArray[np.uint8]:
    """One-pixel-wide outlines of eight ellipses, plus a row, a column and a diagonal, 0/255."""
    filled = _ellipses(height, width, seed)
    inner = filled.copy()
    inner[1:, :] &= filled[:-1, :]
    inner[:-1, :] &= filled[1:, :]
    inner[:, 1:] &= filled[:, :-1]
    inner[:, :-1] &= filled[:, 1:]
    mask = filled & ~inner
    mask[height // 3, :] = True
    mask[:, width // 3] = True
    n = min(height, width)
    mask[np.arange(n), np.arange(n)] = True
    return mask.astype(np.uint8) * 255


def noise(height: int, width: int, seed: int = 7) -> NDArray[np.uint8]:
    """Each pixel foreground with probability 1/2, 0/255."""
    rng = np.random.default_rng(seed)
    return (rng.random((height, width)) < 0.5).astype(np.uint8) * 255


def _filled(height: int, width: int, value: int) -> NDArray[np.uint8]:
    return np.full((height, width), value, np.uint8)


CASES: list[tuple[str, Callable[[], NDArray[np.uint8]]]] = [
    ("blobs 1024x1024", lambda: blobs(1024, 1024)),
    ("blobs 4096x4096", lambda: blobs(4096, 4096)),
    ("blobs 1920x1080", lambda: blobs(1080, 1920)),
    ("blobs 1080x1920", lambda: blobs(1920, 1080)),
    ("blobs 640x480", lambda: blobs(480, 640)),
    ("thin 1024x1024", lambda: thin(1024, 1024)),
    ("thin 1920x1080", lambda: thin(1080, 1920)),
    ("noise 1024x1024", lambda: noise(1024, 1024)),
    ("noise 640x480", lambda: noise(480, 640)),
    ("empty 1920x1080", lambda: _filled(1080, 1920, 0)),
    ("full 1920x1080", lambda: _filled(1080, 1920, 255)),
]


def _rust_encode(mask: NDArray[np.uint8]) -> bytes:
    words = np.repeat(mask.ravel(), 4)  # the crate takes the RGBA words
    out: bytes = rust.encode_rle(words, 8, [3, 4, 8, 16])
    return out


def _rust_decode(stream: list[int], height: int, width: int) -> NDArray[np.uint8]:
    words = np.asarray(rust.decode_rle(stream, False), dtype=np.uint8)
    return words.reshape(height, width, 4)[..., 3]


def _official_decode(stream: list[int], height: int, width: int) -> NDArray[np.uint8]:
    words: NDArray[np.uint8] = official.decode_rle(stream)
    return words.reshape(height, width, 4)[..., 3]


def interleaved_ms(
    codecs: dict[str, tuple[Callable[[], object], int]], rounds: int
) -> dict[str, float]:
    """Median CPU ms per codec; each round runs every codec once (while it still has repeats).

    Interleaving keeps the comparison fair when other jobs load the machine unevenly; CPU
    time leaves out the stretches when another process held the core. The garbage collector
    is emptied once and off while timing (a full collection here walks the SDK's modules,
    about 70 ms, and would swamp a sub-millisecond call).
    """
    times: dict[str, list[float]] = {name: [] for name in codecs}
    gc.collect()
    gc.disable()
    try:
        for i in range(rounds):
            for name, (fn, repeats) in codecs.items():
                if i < repeats:
                    start = time.process_time()
                    fn()
                    times[name].append(time.process_time() - start)
    finally:
        gc.enable()
    return {name: 1000 * statistics.median(t) for name, t in times.items()}


ROUND_BUDGET_S = 1.0
"""CPU seconds per codec and row, which set each codec's rounds (3 to 200): small masks take
well under a millisecond, where a few rounds would only measure noise."""


def _rounds(seconds: float, quick: bool) -> int:
    budget = ROUND_BUDGET_S / 5 if quick else ROUND_BUDGET_S
    return max(1 if quick else 3, min(200, int(budget / max(seconds, 1e-6))))


def run(*, quick: bool = False, only: str = "") -> list[dict[str, Any]]:
    """Time every codec on every case; one dict per (case, op), times in milliseconds.

    Keys: ``case``, ``op`` ("encode"/"decode"), ``stream_bytes``, ``official_ms``,
    ``rust_ms``, ``prelabel_ms`` (None when that codec is not installed), ``repeats`` (rounds
    per codec). ``only`` keeps the cases whose name contains it.
    """
    floor = 3 if quick else 15
    rows: list[dict[str, Any]] = []
    rle.decode(rle.encode(noise(64, 64)), 64, 64)  # build the codec's lookup tables first
    for name, make in CASES:
        if only not in name:
            continue
        mask = make()
        h, w = mask.shape
        stream = rle.encode(mask)
        ops: dict[str, dict[str, Callable[[], object]]] = {
            "encode": {"prelabel": partial(rle.encode, mask)},
            "decode": {"prelabel": partial(rle.decode, stream, h, w)},
        }
        if rust is not None:
            ops["encode"]["rust"] = partial(_rust_encode, mask)
            ops["decode"]["rust"] = partial(_rust_decode, stream, h, w)
        if official is not None:
            ops["encode"]["official"] = partial(official.mask2rle, mask)
            ops["decode"]["official"] = partial(_official_decode, stream, h, w)
        for op, fns in ops.items():
            # one timed call per codec, which also checks that all agree
            repeats: dict[str, int] = {}
            for codec, fn in fns.items():
                start = time.process_time()
                out = fn()
                repeats[codec] = _rounds(time.process_time() - start, quick)
                same = list(out) == stream if op == "encode" else np.array_equal(out, mask)
                assert same, f"{codec} {op} of {name} differs"
            repeats["prelabel"] = max(floor, *repeats.values())
            rounds = max(repeats.values())
            times = interleaved_ms({n: (fn, repeats[n]) for n, fn in fns.items()}, rounds)
            rows.append(
                {
                    "case": name,
                    "op": op,
                    "stream_bytes": len(stream),
                    "official_ms": times.get("official"),
                    "rust_ms": times.get("rust"),
                    "prelabel_ms": times["prelabel"],
                    "repeats": repeats,
                }
            )
    return rows


def _fmt(ms: float | None) -> str:
    return "-" if ms is None else f"{ms:.3g}" if ms < 10 else f"{ms:.0f}"


def _ratio(other: float | None, ours: float) -> str:
    return "-" if other is None else f"{other / ours:.1f}x"


def table(rows: list[dict[str, Any]]) -> str:
    """A Markdown table of :func:`run`'s rows."""
    lines = [
        "| case | op | RLE bytes | official ms | rust ms | prelabel ms | vs official | vs rust |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        ours = r["prelabel_ms"]
        lines.append(
            f"| {r['case']} | {r['op']} | {r['stream_bytes']:,} | {_fmt(r['official_ms'])} "
            f"| {_fmt(r['rust_ms'])} | {_fmt(ours)} | {_ratio(r['official_ms'], ours)} "
            f"| {_ratio(r['rust_ms'], ours)} |"
        )
    return "\n".join(lines)


# Targets from the codec's issue: against the official codec, and the Rust crate's encoder.
MIN_ENCODE_VS_OFFICIAL = 20.0
MIN_DECODE_VS_OFFICIAL = 10.0


def problems(rows: list[dict[str, Any]]) -> list[str]:
    """Targets a run missed (timings on a loaded machine can miss by noise alone)."""
    out = []
    for r in rows:
        ours, theirs, rust_ms = r["prelabel_ms"], r["official_ms"], r["rust_ms"]
        floor = MIN_ENCODE_VS_OFFICIAL if r["op"] == "encode" else MIN_DECODE_VS_OFFICIAL
        if theirs is not None and theirs / ours < floor:
            out.append(
                f"{r['case']} {r['op']}: {theirs / ours:.1f}x the official codec (< {floor:g}x)"
            )
        if r["op"] == "encode" and rust_ms is not None and rust_ms <= ours:
            out.append(f"{r['case']} encode: not faster than the Rust crate")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    parser.add_argument("--only", default="", help="only the cases whose name contains this")
    args = parser.parse_args(argv)
    print(
        f"python {platform.python_version()}, numpy {np.__version__}, "
        f"{os.cpu_count()} CPUs, {platform.machine()}"
    )
    if rust is None:
        print("note: label-studio-brush-rle-rs is not installed: the rust column is empty")
    if official is None:
        print("note: label-studio-sdk is not installed: the official column is empty")
    rows = run(quick=args.quick, only=args.only)
    print(table(rows))
    found = problems(rows)
    for line in found:
        print(f"FAIL: {line}")
    if not found:
        print(
            f"ok: encode >= {MIN_ENCODE_VS_OFFICIAL:g}x and decode >= "
            f"{MIN_DECODE_VS_OFFICIAL:g}x the official codec; encode faster than the Rust crate"
        )
    return 1 if (found and args.check) else 0


if __name__ == "__main__":
    sys.exit(main())
