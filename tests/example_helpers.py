"""What the example tests share: running an example, the real-model ones apart."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

_CHILD = """
import importlib.util, json, sys
from pathlib import Path
script, out = Path(sys.argv[1]), Path(sys.argv[2])
sys.path.insert(0, str(script.parent))
spec = importlib.util.spec_from_file_location("example_" + script.stem, script)
module = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = module
spec.loader.exec_module(module)
entries = module.main(out)
print("ENTRIES " + json.dumps(entries))
"""


def run_example(module: ModuleType, script: Path, out_dir: Path) -> list[dict[str, str]]:
    """``module.main(out_dir)``; the real-model examples (those with ``REQUIRES``) in a child
    process.

    Their native thread pools (onnxruntime, OpenCV) must not live in the test worker: a later
    test that forks (``validate --jobs``) would inherit their held locks and hang. Skips, saying
    why, when the ``models`` extra is missing (``make test`` installs it; a bare ``pytest`` may
    not have it).
    """
    requires = getattr(module, "REQUIRES", ())
    if not requires:
        entries: list[dict[str, str]] = module.main(out_dir)
        return entries
    missing = [name for name in requires if importlib.util.find_spec(name) is None]
    if missing:
        pytest.skip(
            f"{script.name} runs real models and needs {', '.join(missing)}: "
            "pip install -e '.[models]' (make test installs them)"
        )
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", _CHILD, str(script), str(out_dir)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    line = next(x for x in done.stdout.splitlines() if x.startswith("ENTRIES "))
    found: list[dict[str, str]] = json.loads(line[len("ENTRIES ") :])
    return found
