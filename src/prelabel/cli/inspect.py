"""``prelabel inspect CONFIG.xml``: what a labeling config defines, as a table or JSON."""

from __future__ import annotations

import argparse
import json
from typing import Any

from ..config import LabelConfig
from ._common import read_config

NAME = "inspect"


def add_parser(sub: Any) -> None:
    """Register the command on the ``prelabel`` subparsers."""
    parser = sub.add_parser(
        NAME,
        help="show the objects and controls of a labeling config",
        description="Show the object tags (name, kind, data keys) and control tags (name, "
        "kind, result type, targets, labels) of a labeling config.",
    )
    parser.add_argument("config", help="labeling config XML file")
    parser.add_argument("--format", choices=("text", "json"), default="text")


def run(args: argparse.Namespace) -> int:
    """Print the config summary; 1 when the config is invalid, 2 when it cannot be read."""
    config = read_config(args.config, invalid=1)
    if isinstance(config, int):
        return config
    if args.format == "json":
        print(json.dumps(config.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(render(config))
    return 0


def _labels(values: list[str], limit: int = 8) -> str:
    shown = ", ".join(values[:limit])
    return shown + (f", ... ({len(values)} in all)" if len(values) > limit else "")


def render(config: LabelConfig) -> str:
    """The human-readable summary ``prelabel inspect`` prints."""
    summary = config.to_dict()
    lines = ["objects:"]
    rows: list[tuple[str, ...]] = [
        (o["name"], o["kind"], ", ".join(f"${k}" for k in o["data_keys"]) or "-")
        for o in summary["objects"]
    ]
    lines += _table(("name", "kind", "data"), rows)
    lines.append("controls:")
    rows = []  # reused for the controls table
    for ctl in summary["controls"]:
        labels = ctl.get("labels")
        if ctl.get("dynamic_labels"):
            detail = f"labels from ${ctl['dynamic_labels']}"
        elif labels is not None:
            detail = _labels(labels)
        else:
            detail = ""
        flags = [f for f in ("per_region",) if ctl.get(f)]
        if ctl.get("choice") == "multiple":
            flags.append("multiple")
        if flags:
            detail = f"{detail} [{', '.join(flags)}]".strip()
        rows.append((ctl["name"], ctl["kind"], ctl["type"], ",".join(ctl["to_name"]), detail))
    lines += _table(("name", "kind", "type", "to", "labels"), rows)
    if summary["relations"] is not None:
        lines.append(f"relations: {_labels(summary['relations']) or '(no labels)'}")
    for warning in config.warnings:
        lines.append(f"warning: {warning}")
    return "\n".join(lines)


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    if not rows:
        return ["  (none)"]
    widths = [max(len(str(r[i])) for r in (header, *rows)) for i in range(len(header))]
    out = []
    for row in (header, *rows):
        out.append(
            "  " + "  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
        )
    return out
