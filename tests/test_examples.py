"""Every example runs, lists what it wrote, and its predictions pass the SDK validator."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from example_helpers import run_example

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SCRIPTS = sorted(
    p for p in EXAMPLES.glob("*.py") if not p.name.startswith("_") and p.name != "run_all.py"
)


def _load(path: Path) -> ModuleType:
    if str(EXAMPLES) not in sys.path:
        sys.path.insert(0, str(EXAMPLES))
    spec = importlib.util.spec_from_file_location(f"example_{path.stem}", path)
    if spec is None or spec.loader is None:
        raise ImportError(path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("script", SCRIPTS, ids=[p.stem for p in SCRIPTS])
def test_example_output_passes_the_sdk(script: Path, tmp_path: Path, sdk_validate: Any) -> None:
    entries = run_example(_load(script), script, tmp_path)
    assert entries, f"{script.name} produced no example"
    root = EXAMPLES.parent
    for entry in entries:
        assert set(entry) == {"name", "config", "tasks"}
        config_path = Path(entry["config"])
        tasks_path = Path(entry["tasks"])
        config_xml = (config_path if config_path.is_absolute() else root / config_path).read_text()
        raw = (tasks_path if tasks_path.is_absolute() else root / tasks_path).read_text()
        tasks = (
            json.loads(raw)
            if raw.lstrip().startswith("[")
            else [json.loads(line) for line in raw.splitlines() if line.strip()]
        )
        assert tasks, entry["name"]
        for index, task in enumerate(tasks):
            for kind in ("predictions", "annotations"):
                for number, prediction in enumerate(task.get(kind, [])):
                    errors = sdk_validate(config_xml, prediction)
                    assert errors == [], f"{entry['name']} task {index} {kind}[{number}]: {errors}"
