"""Every example's output validates clean: no error and no warning (strict mode).

Except the setup notes of media Label Studio serves only once it is set up (local files,
cloud storage): those examples show what to point a task at, and the note is the point.
``integration/test_media.py`` proves such tasks show once the server is set up.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from example_helpers import run_example
from prelabel import LabelConfig
from prelabel.validate import check

SETUP_NOTES = {"media.local_files", "media.cloud_storage"}
ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SCRIPTS = sorted(
    p for p in EXAMPLES.glob("*.py") if not p.name.startswith("_") and p.name != "run_all.py"
)


def _load(path: Path) -> ModuleType:
    if str(EXAMPLES) not in sys.path:
        sys.path.insert(0, str(EXAMPLES))
    spec = importlib.util.spec_from_file_location(f"validate_example_{path.stem}", path)
    if spec is None or spec.loader is None:
        raise ImportError(path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _path(entry: str) -> Path:
    path = Path(entry)
    return path if path.is_absolute() else ROOT / path


@pytest.mark.parametrize("script", SCRIPTS, ids=[p.stem for p in SCRIPTS])
def test_example_output_validates_clean(script: Path, tmp_path: Path) -> None:
    for entry in run_example(_load(script), script, tmp_path):
        config = LabelConfig.from_file(_path(entry["config"]))
        raw = _path(entry["tasks"]).read_text(encoding="utf-8")
        tasks = (
            json.loads(raw)
            if raw.lstrip().startswith("[")
            else [json.loads(line) for line in raw.splitlines() if line.strip()]
        )
        records = check(tasks, config, strict=True)
        setup = [r for r in records if r.code in SETUP_NOTES]
        records = [r for r in records if r.code not in SETUP_NOTES]
        assert records == [], f"{entry['name']}: " + "\n".join(map(str, records[:10]))
        # reported once per object tag, not once per task
        assert len(setup) <= len(config.objects)
