"""`make demo`: run every example on its bundled data and list what it produced.

Each ``examples/<name>.py`` (not starting with ``_``) defines ``main(out_dir) -> list[entry]``,
where an entry is ``{"name", "config", "tasks"}`` with paths relative to the repo root. This
script runs them all, writes ``<out>/manifest.json``, shows ``prelabel inspect`` of each config
and validates every task file with ``prelabel validate``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def _load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"examples.{path.stem}", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load example {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "demo")
    args = parser.parse_args(argv)
    out_dir: Path = args.out.resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(HERE))

    from prelabel.cli import main as cli

    manifest: list[dict[str, str]] = []
    for path in sorted(HERE.glob("*.py")):
        if path.name.startswith("_") or path.name == "run_all.py":
            continue
        started = time.perf_counter()
        entries = _load(path).main(out_dir)
        manifest.extend(entries)
        took = time.perf_counter() - started
        print(f"== {path.name}: {len(entries)} example(s) in {took:.2f} s")
    manifest_path = out_dir / "manifest.json"
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {manifest_path} ({len(manifest)} examples)\n")

    status = 0
    for entry in manifest:
        print(f"--- {entry['name']}: prelabel inspect {entry['config']}")
        status |= cli(["inspect", str(ROOT / entry["config"])])
        if _has_validate(cli):
            print(f"--- {entry['name']}: prelabel validate {entry['tasks']}")
            status |= cli(
                ["validate", "--config", str(ROOT / entry["config"]), str(ROOT / entry["tasks"])]
            )
    return status


def _has_validate(cli: object) -> bool:
    from prelabel import cli as module

    return "validate" in getattr(module, "COMMANDS", ())


if __name__ == "__main__":
    raise SystemExit(main())
